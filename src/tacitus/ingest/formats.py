"""Choose a reader by file name and content (text and JSONL here; more formats to come)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from tacitus.ingest.base import (
    Item,
    ReadProblem,
    decode_bytes,
    looks_like_jsonl,
    read_jsonl_text,
    text_article,
)


def read_bytes(data: bytes, where: str, *, published: dt.date | None = None) -> Iterator[Item]:
    text, problem = decode_bytes(data)
    if text is None:
        yield ReadProblem(where, problem or "unreadable")
        return
    name = where.lower()
    if name.endswith((".jsonl", ".ndjson")) or (where == "-" and looks_like_jsonl(text)):
        yield from read_jsonl_text(text, where)
        return
    yield text_article(text, where, published=published)
