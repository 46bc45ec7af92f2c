"""RSS and Atom feed files to Articles, one per entry, with feedparser."""

from __future__ import annotations

import datetime as dt
import re
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import feedparser

from tacitus.ingest.base import Item, ReadProblem
from tacitus.ingest.html import fragment_text
from tacitus.records import Article

_FEED_START = re.compile(
    rb"^\s*(<\?xml[^>]*>\s*)?((<!--.*?-->|<\?xml-stylesheet[^>]*>|<!doctype[^>\[]*(\[.*?\])?\s*>)\s*)*"
    rb"<(rss|feed|rdf:rdf)\b",
    re.IGNORECASE | re.DOTALL,
)


def looks_like_feed(data: bytes) -> bool:
    """True when the bytes begin like an RSS, RDF or Atom document."""
    return _FEED_START.match(data[:8192].lstrip(b"\xef\xbb\xbf")) is not None


def read_feed(data: bytes, where: str, *, published: dt.date | None = None) -> Iterator[Item]:
    """One Article per feed entry; an entry without text is a ReadProblem at its index."""
    # Always bytes: given a str, feedparser would treat it as a URL or a file name.
    parsed = feedparser.parse(data, resolve_relative_uris=False)
    if not parsed.entries:
        reason = parsed.get("bozo_exception") or "no entries"
        yield ReadProblem(where, f"not a readable RSS/Atom feed ({reason})")
        return
    feed = parsed.feed
    publisher = _plain(feed, "title")
    language = _language(feed.get("language"))
    stem = Path(where).name.split(".")[0] or "feed"
    for number, entry in enumerate(parsed.entries, start=1):
        loc = f"{where}:entry {number}"
        text = _entry_text(entry)
        if not text:
            yield ReadProblem(loc, "entry has no content or summary")
            continue
        link = entry.get("link") or None
        yield Article(
            id=entry.get("id") or link or f"{stem}-{number}",
            text=text,
            title=_plain(entry, "title"),
            url=link,
            publisher=publisher,
            published=_entry_date(entry) or published,
            language=_language(entry.get("language")) or language,
        )


def _entry_text(entry: Any) -> str:
    parts = [c for c in entry.get("content") or () if c.get("value")]
    # Feeds often carry a teaser summary and the full content; the longest is the article.
    best = max(parts, key=lambda c: len(c["value"]), default=None)
    if best is None and entry.get("summary"):
        best = entry.get("summary_detail") or {"value": entry["summary"], "type": "text/html"}
    if best is None:
        return ""
    value = str(best.get("value") or "")
    if best.get("type") == "text/plain":
        return "\n".join(" ".join(line.split()) for line in value.splitlines() if line.strip())
    return fragment_text(value)


def _entry_date(entry: Any) -> dt.date | None:
    for key in ("published_parsed", "updated_parsed", "created_parsed"):
        value = entry.get(key)
        if isinstance(value, time.struct_time):
            try:
                return dt.date(value.tm_year, value.tm_mon, value.tm_mday)
            except ValueError:
                continue
    return None


def _plain(obj: Any, key: str) -> str | None:
    value = str(obj.get(key) or "")
    if (obj.get(f"{key}_detail") or {}).get("type") in ("text/html", "application/xhtml+xml"):
        value = fragment_text(value)
    return " ".join(value.split()) or None


def _language(value: Any) -> str | None:
    primary = str(value or "").split("-")[0].split("_")[0].strip().lower()
    return primary if primary.isalpha() and 2 <= len(primary) <= 3 else None
