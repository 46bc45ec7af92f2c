"""Choose a reader by file name and content: gzip, WARC, RSS/Atom, HTML, JSONL or text."""

from __future__ import annotations

import datetime as dt
import gzip
import io
import zlib
from collections.abc import Iterator

from tacitus.ingest.base import (
    Item,
    ReadProblem,
    decode_bytes,
    looks_like_jsonl,
    read_jsonl_text,
    text_article,
)
from tacitus.ingest.html import looks_like_html, read_html
from tacitus.ingest.rss import looks_like_feed, read_feed
from tacitus.ingest.warc import looks_like_warc, read_warc

MAX_DECOMPRESSED_BYTES = 200_000_000
GZIP_MAGIC = b"\x1f\x8b"

_GZIP_SUFFIXES = (".gz", ".gzip")
_JSONL_SUFFIXES = (".jsonl", ".ndjson")
_TEXT_SUFFIXES = (".txt", ".text")
_HTML_SUFFIXES = (".html", ".htm", ".xhtml")
_FEED_SUFFIXES = (".rss", ".atom")
_WARC_SUFFIXES = (".warc",)


def read_bytes(data: bytes, where: str, *, published: dt.date | None = None) -> Iterator[Item]:
    """Read one file's bytes (``where`` is its path, or "-" for standard input)."""
    name = where.lower()
    is_gzip_name = name.endswith(_GZIP_SUFFIXES)
    if is_gzip_name:
        name = name.rsplit(".", 1)[0]
    if data.startswith(GZIP_MAGIC):
        # warcio reads gzipped WARCs itself, so record offsets stay those of the file.
        if name.endswith(_WARC_SUFFIXES):
            yield from read_warc(data, where, published=published)
            return
        inner = gunzip(data, where)
        if isinstance(inner, ReadProblem):
            yield inner
            return
        data = inner
    yield from _read_plain(data, where, name, published=published)


def gunzip(data: bytes, where: str) -> bytes | ReadProblem:
    """Decompressed bytes (all gzip members), or a ReadProblem past MAX_DECOMPRESSED_BYTES."""
    try:
        with gzip.GzipFile(fileobj=io.BytesIO(data)) as stream:
            inner = stream.read(MAX_DECOMPRESSED_BYTES + 1)
    except (OSError, EOFError, zlib.error) as exc:
        return ReadProblem(where, f"corrupt gzip data ({exc})")
    if len(inner) > MAX_DECOMPRESSED_BYTES:
        limit = MAX_DECOMPRESSED_BYTES // 1_000_000
        return ReadProblem(where, f"decompresses to more than {limit} MB; refusing (gzip bomb?)")
    if inner.startswith(GZIP_MAGIC):
        return ReadProblem(where, "gzip inside gzip; decompress the outer layer first")
    return inner


def _read_plain(data: bytes, where: str, name: str, *, published: dt.date | None) -> Iterator[Item]:
    if not data.strip():
        yield ReadProblem(where, "empty")
        return
    if name.endswith(_WARC_SUFFIXES) or looks_like_warc(data):
        yield from read_warc(data, where, published=published)
        return
    text, problem = decode_bytes(data)
    if text is None:
        yield ReadProblem(where, problem or "unreadable")
        return
    if name.endswith(_JSONL_SUFFIXES):
        yield from read_jsonl_text(text, where)
    elif name.endswith(_TEXT_SUFFIXES):
        yield text_article(text, _stripped(where), published=published)
    elif name.endswith(_FEED_SUFFIXES) or looks_like_feed(data):
        yield from read_feed(data, where, published=published)
    elif name.endswith(_HTML_SUFFIXES) or looks_like_html(data):
        yield read_html(data, where, published=published)
    elif name.endswith(".xml"):
        yield ReadProblem(where, "XML but not an RSS or Atom feed")
    elif looks_like_jsonl(text) and where == "-":
        yield from read_jsonl_text(text, where)
    else:
        yield text_article(text, _stripped(where), published=published)


def _stripped(where: str) -> str:
    """The path without a .gz suffix, so that foo.txt.gz gets the id "foo"."""
    return where[: where.rfind(".")] if where.lower().endswith(_GZIP_SUFFIXES) else where
