"""Dispatch inputs (files, directories, standard input) to the reader for their format."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tacitus.records import Article

MAX_TEXT_BYTES = 20_000_000


@dataclass(frozen=True)
class ReadProblem:
    """A record that could not be read: where it was and why."""

    where: str
    reason: str

    def __str__(self) -> str:
        return f"{self.where}: {self.reason}"


Item = Article | ReadProblem


def parse_date(value: Any) -> dt.date | None:
    if not value:
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value)[:10])
    except ValueError:
        return None


def decode_bytes(data: bytes) -> tuple[str | None, str | None]:
    """Text from bytes, or (None, reason) for binary data. Bad UTF-8 bytes are replaced."""
    if not data.strip():
        return None, "empty"
    sample = data[:4096]
    if b"\x00" in sample:
        return None, "binary data (NUL bytes), not text"
    text = data.decode("utf-8", errors="replace")
    control = sum(1 for ch in text[:4096] if ord(ch) < 32 and ch not in "\n\r\t\f")
    if control > len(text[:4096]) * 0.05:
        return None, "binary data (control characters), not text"
    return text, None


def article_from_mapping(obj: Any, where: str, fallback_id: str) -> Item:
    if not isinstance(obj, dict):
        return ReadProblem(where, "a JSON object was expected")
    text = obj.get("text")
    if not isinstance(text, str) or not text.strip():
        return ReadProblem(where, "no text")
    art_id = obj.get("id")
    return Article(
        id=str(art_id) if art_id not in (None, "") else fallback_id,
        text=text,
        title=_str_or_none(obj.get("title")),
        url=_str_or_none(obj.get("url")),
        publisher=_str_or_none(obj.get("publisher")),
        published=parse_date(obj.get("published")),
        language=_str_or_none(obj.get("language")),
    )


def _str_or_none(value: Any) -> str | None:
    return str(value) if value not in (None, "") else None


def looks_like_jsonl(text: str) -> bool:
    first = next((line for line in text.splitlines() if line.strip()), "")
    return first.lstrip().startswith("{")


def read_jsonl_text(
    text: str, where: str, *, start: int = 0, stop: int | None = None, first_line: int = 1
) -> Iterator[Item]:
    """Articles from JSONL text; records [start, stop) only (counting non-blank lines), so
    that a Dask partition reads its share with the same line numbers and fallback ids."""
    n = -1
    for lineno, line in enumerate(text.splitlines(), start=first_line):
        if not line.strip():
            continue
        n += 1
        if n < start:
            continue
        if stop is not None and n >= stop:
            return
        loc = f"{where}:{lineno}"
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as exc:
            yield ReadProblem(loc, f"malformed JSON ({exc.msg})")
            continue
        yield article_from_mapping(obj, loc, f"{Path(where).stem}-{lineno}")


def text_article(text: str, where: str, *, published: dt.date | None = None) -> Article:
    stem = Path(where).stem or "stdin"
    digest = hashlib.sha1(text.encode("utf-8", "surrogatepass")).hexdigest()[:8]
    art_id = stem if where != "-" else f"stdin-{digest}"
    return Article(id=art_id, text=text, published=published)


def read_bytes(data: bytes, where: str, *, published: dt.date | None = None) -> Iterator[Item]:
    """Read one file's bytes, choosing the format from its name and content."""
    from tacitus.ingest import formats

    yield from formats.read_bytes(data, where, published=published)


def _iter_paths(inputs: Iterable[str]) -> Iterator[str]:
    for raw in inputs:
        if raw == "-":
            yield raw
            continue
        path = Path(raw)
        if path.is_dir():
            root = path.resolve()
            for child in sorted(path.rglob("*")):
                # Skip hidden files and folders (.git/...), and links that lead outside the
                # folder the user named.
                hidden = any(part.startswith(".") for part in child.relative_to(path).parts)
                if hidden or not child.is_file() or not child.resolve().is_relative_to(root):
                    continue
                yield str(child)
        else:
            yield raw


def read_inputs(inputs: Iterable[str], *, published: dt.date | None = None) -> Iterator[Item]:
    """Articles (or ReadProblems) from files, directories and "-" (standard input)."""
    for where in _iter_paths(inputs):
        if where == "-":
            data = sys.stdin.buffer.read()
        else:
            path = Path(where)
            if not path.exists():
                yield ReadProblem(where, "no such file")
                continue
            try:
                if path.stat().st_size > MAX_TEXT_BYTES * 5:
                    yield ReadProblem(where, "file larger than 100 MB; split it")
                    continue
                data = path.read_bytes()
            except OSError as exc:
                yield ReadProblem(where, f"cannot read ({exc.strerror})")
                continue
        yield from read_bytes(data, where, published=published)
