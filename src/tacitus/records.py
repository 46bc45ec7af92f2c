"""The records that cross module boundaries: Article, Actor, Event, Quote."""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import asdict, dataclass, field
from typing import Any

Span = tuple[int, int]


@dataclass(frozen=True)
class Article:
    """One news article as read from any source."""

    id: str
    text: str
    title: str | None = None
    url: str | None = None
    publisher: str | None = None
    published: dt.date | None = None
    language: str | None = None

    @property
    def text_hash(self) -> str:
        return hashlib.sha1(self.text.encode("utf-8", "surrogatepass")).hexdigest()

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["published"] = self.published.isoformat() if self.published else None
        return d


@dataclass(frozen=True)
class Actor:
    """A resolved actor mention: who, coded as country + sector (+ canonical name)."""

    text: str
    span: Span
    code: str | None
    sector: str | None = None
    name: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "actorText": self.text,
            "code": self.code,
            "sector": self.sector,
            "name": self.name,
            "span": list(self.span),
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Actor:
        span = d.get("span") or (0, 0)
        return cls(
            text=d.get("actorText") or "",
            span=(int(span[0]), int(span[1])),
            code=d.get("code"),
            sector=d.get("sector"),
            name=d.get("name"),
        )


@dataclass(frozen=True)
class Modality:
    negated: bool = False
    future: bool = False
    hypothetical: bool = False
    historical: bool = False


@dataclass(frozen=True)
class Attribution:
    said_by: Actor | None = None
    according_to: str | None = None
    in_quote: bool = False

    def to_dict(self) -> dict[str, Any]:
        return {
            "said_by": self.said_by.to_dict() if self.said_by else None,
            "according_to": self.according_to,
            "in_quote": self.in_quote,
        }


@dataclass(frozen=True)
class Location:
    name: str
    country: str | None
    lat: float | None
    lon: float | None
    geonameid: int | None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class Event:
    """One coded event: the output contract of the coder (see README)."""

    id: str
    article_id: str
    sentence_index: int
    text: str
    span: Span
    event: str
    mode: str | None
    context: tuple[str, ...]
    cameo: str
    quad_class: int
    goldstein: float
    source: tuple[Actor, ...]
    target: tuple[Actor, ...]
    reciprocal: bool
    event_text: str
    trigger_span: Span
    date: str | None
    date_precision: str
    date_text: str | None
    location: Location | None
    modality: Modality
    attribution: Attribution
    confidence: float
    rule: str
    coder_version: str
    mentions: int = 1
    published: str | None = None
    publisher: str | None = None
    url: str | None = None
    extra: tuple[tuple[str, Any], ...] = field(default=())

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "article_id": self.article_id,
            "sentence_index": self.sentence_index,
            "text": self.text,
            "span": list(self.span),
            "event": self.event,
            "mode": self.mode,
            "context": list(self.context),
            "cameo": self.cameo,
            "quad_class": self.quad_class,
            "goldstein": self.goldstein,
            "source": [a.to_dict() for a in self.source],
            "target": [a.to_dict() for a in self.target],
            "reciprocal": self.reciprocal,
            "eventText": self.event_text,
            "trigger_span": list(self.trigger_span),
            "date": self.date,
            "date_precision": self.date_precision,
            "date_text": self.date_text,
            "location": self.location.to_dict() if self.location else None,
            "modality": asdict(self.modality),
            "attribution": self.attribution.to_dict(),
            "confidence": self.confidence,
            "rule": self.rule,
            "coder_version": self.coder_version,
            "mentions": self.mentions,
            "published": self.published,
            "publisher": self.publisher,
            "url": self.url,
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Event:
        loc = d.get("location")
        attr = d.get("attribution") or {}
        said = attr.get("said_by")
        return cls(
            id=d["id"],
            article_id=d["article_id"],
            sentence_index=int(d["sentence_index"]),
            text=d["text"],
            span=(int(d["span"][0]), int(d["span"][1])),
            event=d["event"],
            mode=d.get("mode"),
            context=tuple(d.get("context") or ()),
            cameo=d["cameo"],
            quad_class=int(d["quad_class"]),
            goldstein=float(d["goldstein"]),
            source=tuple(Actor.from_dict(a) for a in d.get("source") or ()),
            target=tuple(Actor.from_dict(a) for a in d.get("target") or ()),
            reciprocal=bool(d.get("reciprocal")),
            event_text=d.get("eventText") or "",
            trigger_span=(int(d["trigger_span"][0]), int(d["trigger_span"][1])),
            date=d.get("date"),
            date_precision=d.get("date_precision") or "article",
            date_text=d.get("date_text"),
            location=Location(**loc) if loc else None,
            modality=Modality(**(d.get("modality") or {})),
            attribution=Attribution(
                said_by=Actor.from_dict(said) if said else None,
                according_to=attr.get("according_to"),
                in_quote=bool(attr.get("in_quote")),
            ),
            confidence=float(d.get("confidence", 0.0)),
            rule=d.get("rule") or "",
            coder_version=d.get("coder_version") or "",
            mentions=int(d.get("mentions", 1)),
            published=d.get("published"),
            publisher=d.get("publisher"),
            url=d.get("url"),
        )


@dataclass(frozen=True)
class Quote:
    """A direct quote with its resolved speaker and the phrase that attributes it."""

    article_id: str
    text: str
    span: Span
    speaker: Actor | None
    attribution_text: str | None

    def to_dict(self) -> dict[str, Any]:
        return {
            "article_id": self.article_id,
            "text": self.text,
            "span": list(self.span),
            "speaker": self.speaker.to_dict() if self.speaker else None,
            "attribution": self.attribution_text,
        }


def event_id(article_id: str, sentence_start: int, event: str, source: str, target: str) -> str:
    """Deterministic id: hash of article id, sentence offset, type, source and target."""
    key = f"{article_id}\x1f{sentence_start}\x1f{event}\x1f{source}\x1f{target}"
    return hashlib.sha1(key.encode("utf-8", "surrogatepass")).hexdigest()[:16]
