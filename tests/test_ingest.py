"""Readers: text, JSONL, gzip, stdin and hostile input, through read_inputs."""

from __future__ import annotations

import datetime as dt
import gzip
import io
import json
from pathlib import Path

import pytest

import tacitus.ingest
from tacitus.ingest import ReadProblem, formats, read_inputs
from tacitus.records import Article

PAGE = """<!DOCTYPE html><html lang="en"><head><title>Rebels seize port | Daily Planet</title>
<link rel="canonical" href="https://example.com/news/rebels-port">
<meta property="og:site_name" content="Daily Planet">
<meta property="article:published_time" content="2024-03-05T10:00:00Z">
</head><body><article><h1>Rebels seize port</h1>
<p>Rebel forces seized the port city of Aden on Tuesday after three days of fighting.</p>
<p>The government condemned the attack and called for talks in Geneva next week.</p>
</article></body></html>"""


def _read(*paths: Path | str) -> list[Article | ReadProblem]:
    return list(read_inputs([str(p) for p in paths]))


def _articles(items: list[Article | ReadProblem]) -> list[Article]:
    return [i for i in items if isinstance(i, Article)]


def _problems(items: list[Article | ReadProblem]) -> list[ReadProblem]:
    return [i for i in items if isinstance(i, ReadProblem)]


def test_public_names() -> None:
    assert tacitus.ingest.__all__ == ["ReadProblem", "read_inputs"]


def test_text_file_is_one_article_with_default_date(tmp_path: Path) -> None:
    path = tmp_path / "report.txt"
    path.write_text("Troops crossed the border.\n", encoding="utf-8")
    [item] = list(read_inputs([str(path)], published=dt.date(2021, 11, 17)))
    assert item == Article(
        id="report", text="Troops crossed the border.\n", published=dt.date(2021, 11, 17)
    )


def test_directory_is_read_recursively_skipping_hidden_files(tmp_path: Path) -> None:
    (tmp_path / "a" / "b").mkdir(parents=True)
    (tmp_path / "a" / "one.txt").write_text("One.", encoding="utf-8")
    (tmp_path / "a" / "b" / "two.txt").write_text("Two.", encoding="utf-8")
    (tmp_path / "a" / ".hidden.txt").write_text("Hidden.", encoding="utf-8")
    assert sorted(a.id for a in _articles(_read(tmp_path))) == ["one", "two"]


def test_malformed_jsonl_line_is_reported_and_the_rest_read(tmp_path: Path) -> None:
    path = tmp_path / "news.jsonl"
    good = {"id": "a1", "text": "Police arrested protesters.", "published": "2020-01-02"}
    lines = [json.dumps(good), "{not json", "", json.dumps({"id": "a3", "text": "Talks."})]
    path.write_text("\n".join(lines), encoding="utf-8")
    items = _read(path)
    assert [a.id for a in _articles(items)] == ["a1", "a3"]
    assert _articles(items)[0].published == dt.date(2020, 1, 2)
    [problem] = _problems(items)
    assert problem.where == f"{path}:2"
    assert "malformed JSON" in problem.reason


def test_jsonl_gz_is_read_transparently(tmp_path: Path) -> None:
    path = tmp_path / "news.jsonl.gz"
    rows = [{"id": f"g{i}", "text": f"Story {i}."} for i in range(3)] + [[1, 2]]
    path.write_bytes(gzip.compress("\n".join(map(json.dumps, rows)).encode()))
    items = _read(path)
    assert [a.text for a in _articles(items)] == ["Story 0.", "Story 1.", "Story 2."]
    assert [str(p) for p in _problems(items)] == [f"{path}:4: a JSON object was expected"]


def test_gzip_is_recognised_by_magic_bytes_without_suffix(tmp_path: Path) -> None:
    path = tmp_path / "page"
    path.write_bytes(gzip.compress(PAGE.encode()))
    [article] = _read(path)
    assert isinstance(article, Article)
    assert article.title == "Rebels seize port"


def test_gzipped_text_gets_the_inner_stem_as_id(tmp_path: Path) -> None:
    path = tmp_path / "brief.txt.gz"
    path.write_bytes(gzip.compress(b"Ministers met in Cairo."))
    [article] = _read(path)
    assert article == Article(id="brief", text="Ministers met in Cairo.")


def test_gzip_bomb_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(formats, "MAX_DECOMPRESSED_BYTES", 1_000_000)
    path = tmp_path / "bomb.txt.gz"
    path.write_bytes(gzip.compress(b"a" * 2_000_000))
    [problem] = _read(path)
    assert isinstance(problem, ReadProblem)
    assert problem.where == str(path)
    assert "decompresses to more than 1 MB" in problem.reason


def test_corrupt_gzip_is_a_problem(tmp_path: Path) -> None:
    path = tmp_path / "broken.jsonl.gz"
    path.write_bytes(gzip.compress(b'{"text": "x"}\n' * 100)[:30])
    [problem] = _read(path)
    assert isinstance(problem, ReadProblem)
    assert "gzip" in problem.reason


def test_empty_and_binary_files_are_problems(tmp_path: Path) -> None:
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    blank = tmp_path / "blank.html"
    blank.write_bytes(b"  \n")
    binary = tmp_path / "photo.jpg"
    binary.write_bytes(b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01" + bytes(range(256)) * 4)
    items = _read(empty, blank, binary)
    assert [(p.where, p.reason) for p in _problems(items)] == [
        (str(empty), "empty"),
        (str(blank), "empty"),
        (str(binary), "binary data (NUL bytes), not text"),
    ]


def test_missing_file_is_a_problem(tmp_path: Path) -> None:
    [problem] = _read(tmp_path / "nope.txt")
    assert problem == ReadProblem(str(tmp_path / "nope.txt"), "no such file")


def test_non_utf8_bytes_are_replaced(tmp_path: Path) -> None:
    path = tmp_path / "latin.txt"
    path.write_bytes("Caf\u00e9 bombed in Bogot\u00e1.".encode("latin-1"))
    [article] = _read(path)
    assert isinstance(article, Article)
    assert article.text == "Caf\ufffd bombed in Bogot\ufffd."


def test_huge_single_line_text_is_read_whole(tmp_path: Path) -> None:
    path = tmp_path / "huge.txt"
    path.write_bytes(b"word " * 1_000_000)
    [article] = _read(path)
    assert isinstance(article, Article)
    assert len(article.text) == 5_000_000


def test_text_named_txt_is_not_sniffed_as_html(tmp_path: Path) -> None:
    path = tmp_path / "source.txt"
    path.write_text(PAGE, encoding="utf-8")
    [article] = _read(path)
    assert isinstance(article, Article)
    assert article.text == PAGE


def test_xml_that_is_not_a_feed_is_a_problem(tmp_path: Path) -> None:
    path = tmp_path / "config.xml"
    path.write_text('<?xml version="1.0"?><settings><a>1</a></settings>', encoding="utf-8")
    assert _read(path) == [ReadProblem(str(path), "XML but not an RSS or Atom feed")]


def _stdin(monkeypatch: pytest.MonkeyPatch, data: bytes) -> None:
    class FakeStdin:
        buffer = io.BytesIO(data)

    monkeypatch.setattr("sys.stdin", FakeStdin())


def test_stdin_text(monkeypatch: pytest.MonkeyPatch) -> None:
    _stdin(monkeypatch, b"Protesters marched in Paris.")
    [article] = _read("-")
    assert isinstance(article, Article)
    assert article.text == "Protesters marched in Paris."
    assert article.id.startswith("stdin-")


def test_stdin_jsonl_is_detected(monkeypatch: pytest.MonkeyPatch) -> None:
    _stdin(monkeypatch, b'{"id": "s1", "text": "One."}\n{"id": "s2", "text": "Two."}\nnope\n')
    items = _read("-")
    assert [a.id for a in _articles(items)] == ["s1", "s2"]
    assert [p.where for p in _problems(items)] == ["-:3"]


def test_stdin_gzipped_html_is_detected(monkeypatch: pytest.MonkeyPatch) -> None:
    _stdin(monkeypatch, gzip.compress(PAGE.encode()))
    [article] = _read("-")
    assert isinstance(article, Article)
    assert article.id == "https://example.com/news/rebels-port"
    assert article.published == dt.date(2024, 3, 5)
