"""Hand-built events and coded articles for the corpus tests (no model needed)."""

from __future__ import annotations

import datetime as dt

from tacitus.coder import CodedArticle
from tacitus.records import Actor, Article, Attribution, Event, Location, Modality, Quote, event_id

GOLDSTEIN = {
    "CONSULT": (1, 1.0),
    "AGREE": (1, 3.0),
    "SUPPORT": (2, 3.4),
    "ACCUSE": (3, -2.0),
    "ASSAULT": (4, -9.0),
}


def make_event(
    article_id: str = "a1",
    *,
    event: str = "CONSULT",
    source: str = "IRN",
    target: str = "RUS",
    date: str | None = "2021-11-16",
    sentence: int = 0,
    mode: str | None = None,
    reciprocal: bool = False,
    location: Location | None = None,
    text: str | None = None,
    published: str | None = None,
    publisher: str | None = None,
    source_sector: str = "GOV",
    target_sector: str = "GOV",
) -> Event:
    quad, goldstein = GOLDSTEIN.get(event, (1, 1.0))
    text = text or f"{source} and {target} {event.lower()} (sentence {sentence})."
    return Event(
        id=event_id(article_id, sentence * 100, event, source, target),
        article_id=article_id,
        sentence_index=sentence,
        text=text,
        span=(sentence * 100, sentence * 100 + len(text)),
        event=event,
        mode=mode,
        context=(),
        cameo="040",
        quad_class=quad,
        goldstein=goldstein,
        source=(Actor(source, (0, 3), source, source_sector),),
        target=(Actor(target, (8, 11), target, target_sector),),
        reciprocal=reciprocal,
        event_text=event.lower(),
        trigger_span=(4, 7),
        date=date,
        date_precision="day",
        date_text=None,
        location=location,
        modality=Modality(),
        attribution=Attribution(),
        confidence=0.9,
        rule="test",
        coder_version="test",
        published=published,
        publisher=publisher,
    )


def make_coded(
    article_id: str = "a1",
    *,
    text: str | None = None,
    publisher: str | None = "Pub",
    published: dt.date | None = dt.date(2021, 11, 17),
    events: list[Event] | None = None,
    quotes: tuple[Quote, ...] = (),
    actors: tuple[Actor, ...] = (),
    problem: str | None = None,
) -> CodedArticle:
    article = Article(
        id=article_id,
        text=text or f"Text of {article_id}.",
        title=f"Title {article_id}",
        url=f"https://example.org/{article_id}",
        publisher=publisher,
        published=published,
    )
    evs = tuple(events) if events is not None else (make_event(article_id),)
    return CodedArticle(article, evs, quotes, actors, problem)
