"""What each page shows, as JSON-able dicts: the API returns them, the templates draw them."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator, Mapping
from typing import Any

from tacitus.web.access import StoreAccess
from tacitus.web.annotate import Mark, article_marks, event_marks, segment
from tacitus.web.params import EventFilter

__all__ = [
    "CSV_COLUMNS",
    "actor_view",
    "article_view",
    "csv_rows",
    "event_view",
    "evidence",
    "overview",
    "partners",
]

TOP = 1000  # the longest ranked list of actors or dyads any page or endpoint shows

CSV_COLUMNS = [
    "id",
    "date",
    "event",
    "mode",
    "cameo",
    "quad_class",
    "goldstein",
    "source",
    "source_sector",
    "source_text",
    "target",
    "target_sector",
    "target_text",
    "eventText",
    "text",
    "confidence",
    "rule",
    "mentions",
    "article_id",
    "published",
    "publisher",
    "url",
]


def overview(stores: StoreAccess, *, latest: int = 10) -> dict[str, Any]:
    """Home: counts, date range, latest events, most active dyads and actors."""
    with stores.read() as store:
        events, _ = store.events(limit=latest)
    return {
        "stats": stores.memo("stats", lambda s: s.stats()),
        "latest": events,
        "dyads": top_dyads(stores, limit=10),
        "actors": top_actors(stores, limit=10),
    }


def top_dyads(stores: StoreAccess, *, limit: int, actor: str | None = None) -> list[dict[str, Any]]:
    """Store.dyads, remembered: it aggregates every event (one list serves every limit)."""
    rows = stores.memo(("dyads", actor), lambda s: s.dyads(limit=TOP, actor=actor))
    return rows[:limit]


def top_actors(stores: StoreAccess, *, limit: int) -> list[dict[str, Any]]:
    """Store.actors, remembered: it aggregates every event (one list serves every limit)."""
    return stores.memo("actors", lambda s: s.actors(limit=TOP))[:limit]


def warm(stores: StoreAccess) -> None:
    """Compute the home page's aggregates in the background at start-up."""
    stores.warm(
        ("stats", lambda s: s.stats()),
        (("dyads", None), lambda s: s.dyads(limit=TOP)),
        ("actors", lambda s: s.actors(limit=TOP)),
    )


def evidence(ev: Mapping[str, Any]) -> dict[str, Any]:
    """Why the coder said so: the sentence with trigger and role spans, rule, confidence."""
    sentence = str(ev.get("text") or "")
    span = ev.get("span") or [0, 0]
    marks = event_marks(sentence, ev, base=-int(span[0]) if span else 0)
    return {
        "sentence": sentence,
        "sentence_span": span,
        "trigger": {"text": ev.get("eventText"), "span": ev.get("trigger_span")},
        "source": ev.get("source") or [],
        "target": ev.get("target") or [],
        "rule": ev.get("rule"),
        "confidence": ev.get("confidence"),
        "attribution": ev.get("attribution"),
        "modality": ev.get("modality"),
        "annotations": [m.to_dict() for m in marks],
    }


def event_view(ev: dict[str, Any]) -> dict[str, Any]:
    """An event (merged or mention) with its evidence; mentions get theirs too."""
    out = dict(ev)
    out["evidence"] = evidence(ev)
    if isinstance(ev.get("mentions"), list):
        out["mentions"] = [m | {"evidence": evidence(m)} for m in ev["mentions"]]
    return out


def article_view(article: dict[str, Any]) -> tuple[dict[str, Any], list[Mark]]:
    """An article with its annotations (actor, trigger and quote spans in the text)."""
    marks = article_marks(article)
    return article | {"annotations": [m.to_dict() for m in marks]}, marks


def sentence_blocks(ev: Mapping[str, Any]) -> list[Any]:
    sentence = str(ev.get("text") or "")
    span = ev.get("span") or [0, 0]
    return segment(sentence, event_marks(sentence, ev, base=-int(span[0]) if span else 0))


def partners(code: str, dyads: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Fold (source, target) rows into one row per partner of `code`, most events first."""
    out: dict[str, dict[str, Any]] = {}
    for row in dyads:
        if row["source"] == code:
            other, direction = row["target"], "as_source"
        elif row["target"] == code:
            other, direction = row["source"], "as_target"
        else:
            continue
        p = out.setdefault(
            other,
            {
                "code": other,
                "events": 0,
                "as_source": 0,
                "as_target": 0,
                "q1": 0,
                "q2": 0,
                "q3": 0,
                "q4": 0,
                "goldstein_sum": 0.0,
            },
        )
        p["events"] += row["events"]
        p[direction] += row["events"]
        for k in ("q1", "q2", "q3", "q4"):
            p[k] += row.get(k) or 0
        p["goldstein_sum"] += row.get("goldstein_sum") or 0.0
    ranked = sorted(out.values(), key=lambda p: (-p["events"], p["code"]))
    for p in ranked:
        p["goldstein_sum"] = round(p["goldstein_sum"], 3)
        p["goldstein_mean"] = round(p["goldstein_sum"] / p["events"], 3) if p["events"] else None
    return ranked


def actor_view(stores: StoreAccess, code: str, *, limit: int = 50) -> dict[str, Any]:
    dyads = top_dyads(stores, actor=code, limit=limit * 2)
    return {"actor": code, "partners": partners(code, dyads)[:limit], "dyads": dyads}


def _actors(actors: list[dict[str, Any]], key: str) -> str:
    return "; ".join(str(a.get(key) or "") for a in actors)


def _cell(value: Any) -> Any:
    # A cell starting with = + - @ would run as a formula in a spreadsheet.
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def csv_line(ev: Mapping[str, Any]) -> list[Any]:
    src, tgt = ev.get("source") or [], ev.get("target") or []
    mentions = ev.get("mentions")
    row = {
        **ev,
        "source": _actors(src, "code"),
        "source_sector": _actors(src, "sector"),
        "source_text": _actors(src, "actorText"),
        "target": _actors(tgt, "code"),
        "target_sector": _actors(tgt, "sector"),
        "target_text": _actors(tgt, "actorText"),
        "mentions": len(mentions) if isinstance(mentions, list) else mentions,
    }
    return [_cell(row.get(c)) for c in CSV_COLUMNS]


def csv_rows(pages: Iterator[list[dict[str, Any]]]) -> Iterator[str]:
    """CSV text, a header then one chunk per page of events."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    yield buf.getvalue()
    for page in pages:
        buf.seek(0)
        buf.truncate()
        writer.writerows(csv_line(ev) for ev in page)
        yield buf.getvalue()


def event_pages(
    read: Any, filt: EventFilter, *, limit: int, cursor: str | None, page_size: int = 1000
) -> Iterator[list[dict[str, Any]]]:
    """Pages of events for `filt` up to `limit` events; `read()` lends a Store per page."""
    left = limit
    while left > 0:
        with read() as store:
            page, cursor = store.events(
                **filt.store_kwargs(), limit=min(page_size, left), cursor=cursor
            )
        yield page
        left -= len(page)
        if not cursor:
            return
