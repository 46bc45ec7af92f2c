"""WARC archives (plain or gzipped) to Articles: each HTML response through the HTML reader."""

from __future__ import annotations

import contextlib
import datetime as dt
import io
import zlib
from collections.abc import Iterator
from typing import Any

from warcio.archiveiterator import ArchiveIterator
from warcio.exceptions import ArchiveLoadFailed
from warcio.statusandheaders import StatusAndHeadersParserException

from tacitus.ingest.base import MAX_TEXT_BYTES, Item, ReadProblem
from tacitus.ingest.html import looks_like_html, read_html

HTML_TYPES = ("text/html", "application/xhtml+xml")
# warcio meets some malformed headers with AttributeError or TypeError, not its own errors.
_BAD_ARCHIVE = (
    ArchiveLoadFailed,
    AttributeError,
    TypeError,
    IndexError,
    StatusAndHeadersParserException,
    ValueError,
    EOFError,
    OSError,
    zlib.error,
)

_MISALIGNED = "record not followed by a blank line (wrong Content-Length?); it may be cut"


def looks_like_warc(data: bytes) -> bool:
    return data.startswith(b"WARC/")


def read_warc(data: bytes, where: str, *, published: dt.date | None = None) -> Iterator[Item]:
    """Articles from the HTML response records; other responses are ReadProblems at their offset.

    Request, metadata, warcinfo and other non-response records are skipped silently.
    """
    records = ArchiveIterator(io.BytesIO(data))
    stream = iter(records)
    end = 0  # where the last good record ended: the place to blame for a broken one
    while True:
        warnings = records.err_count
        try:
            # warcio writes its "Content-Length is invalid" warning to stderr; library code
            # must not print, so it is silenced here and reported as a problem below.
            with contextlib.redirect_stderr(io.StringIO()):
                record = next(stream)
                payload = b""
                if record.rec_type == "response":
                    payload = record.content_stream().read(MAX_TEXT_BYTES + 1)
                # Only after the read: asking for the offset skips to the end of the record.
                offset = records.get_record_offset()
        except StopIteration:
            if records.err_count > warnings:
                yield ReadProblem(f"{where}@{end}", _MISALIGNED)
            return
        except _BAD_ARCHIVE as exc:
            yield ReadProblem(f"{where}@{end}", f"corrupt WARC record ({_reason(exc)})")
            return
        if records.err_count > warnings:
            yield ReadProblem(f"{where}@{offset}", _MISALIGNED)
        end = offset + records.get_record_length()
        if record.rec_type == "response":
            yield _read_response(record, payload, f"{where}@{offset}", published=published)


def _read_response(record: Any, payload: bytes, loc: str, *, published: dt.date | None) -> Item:
    http = record.http_headers
    if http is None:
        return ReadProblem(loc, "not HTML (no HTTP headers)")
    status = http.get_statuscode()
    if not str(status).startswith("2"):
        return ReadProblem(loc, f"HTTP status {status}, not a page")
    if len(payload) > MAX_TEXT_BYTES:
        return ReadProblem(loc, f"response body larger than {MAX_TEXT_BYTES // 1_000_000} MB")
    ctype = (http.get_header("Content-Type") or "").strip()
    media = ctype.split(";")[0].strip().lower()
    if media not in HTML_TYPES and not (not media and looks_like_html(payload)):
        return ReadProblem(loc, f"not HTML (content-type {ctype or 'missing'})")
    url = record.rec_headers.get_header("WARC-Target-URI") or None
    return read_html(payload, loc, url=url, published=published)


def _reason(exc: BaseException) -> str:
    return " ".join(str(exc).split())[:200] or type(exc).__name__
