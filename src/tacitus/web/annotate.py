"""Article and sentence annotations: actor, trigger and quote spans cut into segments."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

__all__ = ["Block", "Mark", "Segment", "article_marks", "event_marks", "segment", "span_of"]


@dataclass(frozen=True)
class Mark:
    """One annotation over text[start:end]."""

    start: int
    end: int
    kind: str  # "source", "target", "actor", "trigger" or "quote"
    title: str
    text: str = ""
    event_id: str | None = None
    speaker: str | None = None
    data: Mapping[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "span": [self.start, self.end],
            "text": self.text,
            "title": self.title,
            "event_id": self.event_id,
            "speaker": self.speaker,
            **self.data,
        }


@dataclass(frozen=True)
class Segment:
    """A run of text covered by the same marks; `css` is the classes to draw it with."""

    text: str
    css: str = ""
    title: str = ""
    event_ids: tuple[str, ...] = ()


@dataclass(frozen=True)
class Block:
    """Consecutive segments, inside one quote (`quote` set) or outside any."""

    segments: tuple[Segment, ...]
    quote: Mark | None = None


def span_of(
    text: str, span: Sequence[int] | None, expected: str = "", *, base: int = 0
) -> tuple[int, int] | None:
    """Return the span in `text` coordinates, or None when it cannot be placed.

    Spans are taken as article offsets; when that does not match `expected`, they are
    tried as offsets from `base` (the sentence start).
    """
    if not span or len(span) != 2:
        return None
    try:
        s, e = int(span[0]), int(span[1])
    except (TypeError, ValueError):
        return None
    if s >= e:
        return None
    candidates = [(s, e), (s + base, e + base)] if base else [(s, e)]
    for cs, ce in candidates:
        if cs >= 0 and ce <= len(text) and (not expected or text[cs:ce] == expected):
            return cs, ce
    if expected:
        # Offsets drifted (e.g. normalised whitespace): look for the words nearby.
        at = text.find(expected, max(0, s + base - 200))
        if at >= 0:
            return at, at + len(expected)
    return (s, e) if s >= 0 and e <= len(text) else None


def _actor_label(actor: Mapping[str, Any]) -> str:
    parts = [p for p in (actor.get("code"), actor.get("sector")) if p]
    label = " ".join(str(p) for p in parts) or "uncoded"
    if actor.get("name"):
        label += f" · {actor['name']}"
    return label


def _actor_text(actor: Mapping[str, Any]) -> str:
    return str(actor.get("actorText") or actor.get("text") or "")


def _event_label(ev: Mapping[str, Any]) -> str:
    bits = [str(ev.get("event") or "?")]
    if ev.get("mode"):
        bits[0] += f"/{ev['mode']}"
    bits.append(f"CAMEO {ev.get('cameo')}")
    bits.append(f"Q{ev.get('quad_class')}")
    bits.append(f"Goldstein {ev.get('goldstein')}")
    if ev.get("rule"):
        bits.append(f"rule {ev['rule']}")
    if ev.get("confidence") is not None:
        bits.append(f"confidence {ev['confidence']}")
    return " · ".join(bits)


def event_marks(text: str, ev: Mapping[str, Any], *, base: int = 0) -> list[Mark]:
    """Trigger, source and target marks of one event, in `text` coordinates."""
    marks: list[Mark] = []
    label = _event_label(ev)
    trig = span_of(text, ev.get("trigger_span"), str(ev.get("eventText") or ""), base=base)
    if trig:
        marks.append(
            Mark(
                *trig,
                kind="trigger",
                title=f"trigger: {label}",
                text=text[trig[0] : trig[1]],
                event_id=ev.get("id"),
                data={"event": ev.get("event"), "cameo": ev.get("cameo")},
            )
        )
    for role in ("source", "target"):
        for actor in ev.get(role) or ():
            span = span_of(text, actor.get("span"), _actor_text(actor), base=base)
            if span:
                marks.append(
                    Mark(
                        *span,
                        kind=role,
                        title=f"{role}: {_actor_label(actor)} · of {label}",
                        text=text[span[0] : span[1]],
                        event_id=ev.get("id"),
                        data={"code": actor.get("code"), "sector": actor.get("sector")},
                    )
                )
    return marks


def article_marks(article: Mapping[str, Any]) -> list[Mark]:
    """All marks of a stored article: its events' roles and triggers, other actors, quotes."""
    text = str(article.get("text") or "")
    marks: list[Mark] = []
    for ev in article.get("events") or ():
        sentence = ev.get("span") or (0, 0)
        marks.extend(event_marks(text, ev, base=int(sentence[0]) if sentence else 0))
    placed = {(m.start, m.end) for m in marks if m.kind in ("source", "target")}
    for actor in article.get("actors") or ():
        span = span_of(text, actor.get("span"), _actor_text(actor))
        if span and span not in placed:
            marks.append(
                Mark(
                    *span,
                    kind="actor",
                    title=f"actor: {_actor_label(actor)}",
                    text=text[span[0] : span[1]],
                    data={"code": actor.get("code"), "sector": actor.get("sector")},
                )
            )
    for quote in article.get("quotes") or ():
        span = span_of(text, quote.get("span"), str(quote.get("text") or ""))
        if not span:
            continue
        speaker = quote.get("speaker") or {}
        who = speaker.get("name") or _actor_text(speaker) or "unknown speaker"
        codes = " ".join(str(speaker[k]) for k in ("code", "sector") if speaker.get(k))
        if codes:
            who += f" ({codes})"
        marks.append(
            Mark(
                *span,
                kind="quote",
                title=f"quote by {who}",
                text=text[span[0] : span[1]],
                speaker=who,
                data={"attribution": quote.get("attribution")},
            )
        )
    return sorted(marks, key=lambda m: (m.start, -m.end, m.kind))


def _css(marks: Iterable[Mark]) -> str:
    kinds = {m.kind for m in marks}
    classes = []
    if "trigger" in kinds:
        classes.append("trigger")
    if {"source", "target"} <= kinds:
        classes.append("both")
    elif "source" in kinds:
        classes.append("source")
    elif "target" in kinds:
        classes.append("target")
    elif "actor" in kinds:
        classes.append("actor")
    return " ".join(classes)


def segment(text: str, marks: Sequence[Mark]) -> list[Block]:
    """Cut `text` at every mark edge; group the pieces into quote and non-quote blocks."""
    quotes: list[Mark] = []
    for q in sorted((m for m in marks if m.kind == "quote"), key=lambda m: m.start):
        if not quotes or q.start >= quotes[-1].end:  # overlapping quotes: keep the first
            quotes.append(q)
    inline = [m for m in marks if m.kind != "quote"]
    edges = {0, len(text)}
    for m in (*inline, *quotes):
        edges.update((max(0, min(m.start, len(text))), max(0, min(m.end, len(text)))))
    cuts = sorted(edges)
    blocks: list[Block] = []
    current: list[Segment] = []
    current_quote: Mark | None = None
    for s, e in zip(cuts, cuts[1:], strict=False):
        if s == e:
            continue
        quote = next((q for q in quotes if q.start <= s and e <= q.end), None)
        if quote is not current_quote:
            if current:
                blocks.append(Block(tuple(current), current_quote))
            current, current_quote = [], quote
        covering = [m for m in inline if m.start <= s and e <= m.end]
        current.append(
            Segment(
                text=text[s:e],
                css=_css(covering),
                title="\n".join(dict.fromkeys(m.title for m in covering)),
                event_ids=tuple(dict.fromkeys(m.event_id for m in covering if m.event_id)),
            )
        )
    if current:
        blocks.append(Block(tuple(current), current_quote))
    return blocks
