"""Cross-article merging: which event mentions report the same real-world event.

The rule (documented in docs/corpus.md):

Two mentions report the same event when
1. they have the same PLOVER type and compatible modes (equal, or one unknown);
2. they have the same dyad: the code and sector of the first source actor and of the first
   target actor (or of the first two actors of a side when the other side is empty). For
   reciprocal mentions and symmetric types (CONSULT: a call or meeting has no direction)
   the dyad is unordered, so the Iranian and the Russian readout of one call agree. For
   codes shared by many organisations (IGO, NGO, MNC, IMG) the actor's name must match too.
   A mention with no source or no target merges only with mentions of its own article;
3. their dates (event date, else the article's publication date) are at most
   ``window_days`` apart; a mention without a usable date is never merged;
4. their places are compatible: equal country (and name when both are named), or at least
   one of them unknown.

A new mention joins the candidate merged event whose date is closest; otherwise it starts
a new merged event. Mentions from one article may join the same merged event; the
``mentions`` count of a merged event counts the distinct articles (reports) behind it.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from tacitus.records import Actor, Event

if TYPE_CHECKING:
    from tacitus.store import Store

DEFAULT_WINDOW_DAYS = 2
SYMMETRIC_TYPES = frozenset({"CONSULT"})
# Codes shared by many organisations: their dyads also compare the actor's name.
GENERIC_CODES = frozenset({"IGO", "NGO", "MNC", "IMG", "UNK"})


@dataclass(frozen=True)
class MergeRule:
    """How mentions are merged: the date window and the types without direction."""

    window_days: int = DEFAULT_WINDOW_DAYS
    symmetric_types: frozenset[str] = field(default=SYMMETRIC_TYPES)


DEFAULT_RULE = MergeRule()


def dyad(event: Event) -> tuple[Actor | None, Actor | None]:
    """The (source, target) actors that stand for an event in queries and merging.

    The first coded actor of each side; when one side is empty and the other names two
    or more actors (the coder's "Iran and Russia held talks": source [IRN, RUS], no
    target), the first two of that side form the dyad.
    """
    src = [a for a in event.source if a.code]
    tgt = [a for a in event.target if a.code]
    if not tgt and len({a.code for a in src}) >= 2:
        second = next(a for a in src if a.code != src[0].code)
        return src[0], second
    if not src and len({a.code for a in tgt}) >= 2:
        second = next(a for a in tgt if a.code != tgt[0].code)
        return tgt[0], second
    return (src[0] if src else None), (tgt[0] if tgt else None)


def _side(actor: Actor | None) -> str:
    if actor is None:
        return "-"
    side = f"{actor.code or '?'}/{actor.sector or ''}"
    if actor.code in GENERIC_CODES:  # "IGO" alone would merge the EU with the African Union
        side += f"/{(actor.name or actor.text).lower()}"
    return side


def event_day(event: Event) -> str:
    """The day an event happened as YYYY-MM-DD, or '' when unknown or imprecise."""
    for value in (event.date, event.published):
        if value and parse_day(value[:10]) is not None:
            return value[:10]
    return ""


def parse_day(value: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        return None


def merge_key(event: Event, rule: MergeRule = DEFAULT_RULE) -> str:
    """The part of the rule that must be equal: type and dyad (unordered when symmetric)."""
    source, target = dyad(event)
    src, tgt = _side(source), _side(target)
    if event.reciprocal or event.event in rule.symmetric_types:
        src, tgt = sorted((src, tgt))
    key = f"{event.event}|{src}|{tgt}"
    if source is None or target is None:
        # "The US expressed support" on two days is not one event: a dyad with a missing
        # side is too vague to merge across articles, only within its own article.
        key += f"|{event.article_id}"
    return key


def location_key(event: Event) -> str:
    loc = event.location
    if loc is None:
        return ""
    return f"{loc.country or ''}|{loc.name or ''}"


def places_compatible(a: str, b: str) -> bool:
    """Location keys ("COUNTRY|name") agree: one is unknown, or countries and names match."""
    if not a or not b:
        return True
    ca, na = a.split("|", 1)
    cb, nb = b.split("|", 1)
    if ca and cb and ca != cb:
        return False
    return not (na and nb and na != nb)


def modes_compatible(a: str | None, b: str | None) -> bool:
    return not a or not b or a == b


def window(day: str, rule: MergeRule = DEFAULT_RULE) -> tuple[str, str] | None:
    """The range of days a mention of ``day`` may merge with, or None when undated."""
    parsed = parse_day(day) if day else None
    if parsed is None:
        return None
    delta = dt.timedelta(days=rule.window_days)
    return (parsed - delta).isoformat(), (parsed + delta).isoformat()


def day_distance(a: str, b: str) -> int:
    da, db = parse_day(a), parse_day(b)
    if da is None or db is None:
        return 10**6
    return abs((da - db).days)


def merged_id(mention_id: str) -> str:
    """The id of the merged event a mention starts (stable: derived from that mention)."""
    return "m" + hashlib.sha1(f"merged\x1f{mention_id}".encode()).hexdigest()[:15]


def _actor_label(actor: dict[str, Any]) -> str:
    name = actor.get("name") or actor.get("actorText") or "?"
    code = "-".join(p for p in (actor.get("code"), actor.get("sector")) if p)
    return f"{name} ({code})" if code else name


def _topic(record: dict[str, Any]) -> str:
    src = "+".join(a.get("code") or "?" for a in record.get("source") or []) or "-"
    tgt = "+".join(a.get("code") or "?" for a in record.get("target") or []) or "-"
    contexts = record.get("context") or []
    extra = f" [{', '.join(contexts)}]" if contexts else ""
    return f"{record['event']} {src}->{tgt}{extra}"


def compare_readouts(store: Store, event_id: str) -> dict[str, Any] | None:
    """Side by side, what each article reporting a merged event adds to the others.

    For each article: its sentences about the event, and the topics (other events),
    actors and quotes found in that article only.
    """
    merged = store.event(event_id)
    if merged is None:
        return None
    if "mention_ids" not in merged:  # a mention id: compare its merged event
        parent = merged.get("merged_id")
        merged = store.event(parent) if parent else None
        if merged is None:
            return None
    by_article: dict[str, list[dict[str, Any]]] = {}
    for mention in merged["mentions"]:
        by_article.setdefault(mention["article_id"], []).append(mention)
    accounts: list[dict[str, Any]] = []
    topic_ids: list[dict[str, str]] = []  # per account: merged id -> label
    for article_id, mentions in by_article.items():
        art = store.article(article_id) or {"id": article_id, "events": [], "actors": []}
        topics = {
            e.get("merged_id") or e["id"]: _topic(e)
            for e in art["events"]
            if e.get("merged_id") != merged["id"]
        }
        topic_ids.append(topics)
        accounts.append(
            {
                "article_id": article_id,
                "title": art.get("title"),
                "publisher": art.get("publisher"),
                "published": art.get("published"),
                "url": art.get("url"),
                "sentences": [m["text"] for m in mentions],
                "topics": sorted(set(topics.values())),
                "actors": sorted({_actor_label(a) for a in art["actors"]}),
                "quotes": [
                    {
                        "speaker": _actor_label(q["speaker"]) if q.get("speaker") else None,
                        "text": q["text"],
                    }
                    for q in art.get("quotes", [])
                ],
            }
        )
    for i, account in enumerate(accounts):
        seen_actors: set[str] = set()
        seen_topics: set[str] = set()
        for j, other in enumerate(accounts):
            if j != i:
                seen_actors.update(other["actors"])
                seen_topics.update(topic_ids[j])
        account["actors_only_here"] = [x for x in account["actors"] if x not in seen_actors]
        account["topics_only_here"] = sorted(
            {label for mid, label in topic_ids[i].items() if mid not in seen_topics}
        )
    summary = {k: v for k, v in merged.items() if k not in ("mentions", "mention_count")}
    summary["mentions"] = merged["mention_count"]
    return {"event": summary, "accounts": accounts}
