"""WARC reader: HTML responses become Articles; other responses are problems at their offset."""

from __future__ import annotations

import datetime as dt
import gzip
import io
from pathlib import Path

import pytest
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from tacitus.ingest import ReadProblem, read_inputs
from tacitus.records import Article

PAGE = b"""<!DOCTYPE html><html><head><title>Troops withdraw</title>
<meta property="article:published_time" content="2022-08-09">
</head><body><article><h1>Troops withdraw</h1>
<p>Foreign troops began withdrawing from the northern province on Monday, officials said.</p>
<p>Residents returned to the town as shops reopened for the first time in weeks.</p>
</article></body></html>"""


def _warc(*, gzipped: bool) -> tuple[bytes, list[int]]:
    """A WARC with warcinfo, request, HTML response, JSON response and a 404; response offsets."""
    out = io.BytesIO()
    writer = WARCWriter(out, gzip=gzipped)
    writer.write_record(writer.create_warcinfo_record("crawl.warc", {"software": "test"}))
    request = StatusAndHeaders("GET /a HTTP/1.1", [("Host", "news.example")], is_http_request=True)
    writer.write_record(
        writer.create_warc_record(
            "https://news.example/a", "request", payload=io.BytesIO(b""), http_headers=request
        )
    )
    offsets = []
    responses = [
        ("https://news.example/a", "200 OK", "text/html; charset=utf-8", PAGE),
        ("https://news.example/api", "200 OK", "application/json", b'{"a": 1}'),
        ("https://news.example/gone", "404 Not Found", "text/html", b"<html>gone</html>"),
    ]
    for uri, status, ctype, body in responses:
        headers = StatusAndHeaders(status, [("Content-Type", ctype)], protocol="HTTP/1.1")
        offsets.append(out.tell())
        writer.write_record(
            writer.create_warc_record(
                uri, "response", payload=io.BytesIO(body), http_headers=headers
            )
        )
    return out.getvalue(), offsets


def _check(items: list[Article | ReadProblem], where: str, offsets: list[int]) -> None:
    article, not_html, missing = items
    assert isinstance(article, Article)
    assert article.id == "https://news.example/a"
    assert article.url == "https://news.example/a"
    assert article.title == "Troops withdraw"
    assert article.published == dt.date(2022, 8, 9)
    assert "began withdrawing from the northern province" in article.text
    assert not_html == ReadProblem(
        f"{where}@{offsets[1]}", "not HTML (content-type application/json)"
    )
    assert missing == ReadProblem(f"{where}@{offsets[2]}", "HTTP status 404, not a page")


def test_warc(tmp_path: Path) -> None:
    data, offsets = _warc(gzipped=False)
    path = tmp_path / "crawl.warc"
    path.write_bytes(data)
    _check(list(read_inputs([str(path)])), str(path), offsets)


def test_warc_gz_offsets_are_those_of_the_compressed_file(tmp_path: Path) -> None:
    data, offsets = _warc(gzipped=True)
    path = tmp_path / "crawl.warc.gz"
    path.write_bytes(data)
    _check(list(read_inputs([str(path)])), str(path), offsets)


def test_gzipped_warc_without_suffix_is_recognised(tmp_path: Path) -> None:
    data, _ = _warc(gzipped=False)
    path = tmp_path / "crawl.bin"
    path.write_bytes(gzip.compress(data))
    items = list(read_inputs([str(path)]))
    assert [type(i).__name__ for i in items] == ["Article", "ReadProblem", "ReadProblem"]


def test_broken_record_keeps_what_was_read_and_reports_the_rest(tmp_path: Path) -> None:
    data, offsets = _warc(gzipped=False)
    tails = {
        "garbage.warc": b"GARBAGE\r\n\r\nmore\r\n\r\n",
        "no-uri.warc": b"WARC/1.0\r\nContent-Length: 9\r\nWARC-Type: response\r\n\r\nHTTP/1.1\r\n",
    }
    for name, tail in tails.items():
        path = tmp_path / name
        path.write_bytes(data[: offsets[1]] + tail)
        first, problem = list(read_inputs([str(path)]))
        assert isinstance(first, Article)
        assert isinstance(problem, ReadProblem)
        assert problem.where.startswith(f"{path}@")
        assert problem.reason.startswith("corrupt WARC record")


def test_wrong_content_length_is_reported_not_printed(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data, offsets = _warc(gzipped=False)
    path = tmp_path / "short.warc"
    path.write_bytes(data.replace(b"Content-Length: 429", b"Content-Length: 420", 1))
    problem, article, *_ = list(read_inputs([str(path)]))
    assert problem == ReadProblem(
        f"{path}@{offsets[0]}",
        "record not followed by a blank line (wrong Content-Length?); it may be cut",
    )
    assert isinstance(article, Article)
    assert capsys.readouterr().err == ""


def test_not_a_warc_is_a_problem(tmp_path: Path) -> None:
    path = tmp_path / "fake.warc"
    path.write_text("hello there", encoding="utf-8")
    [problem] = list(read_inputs([str(path)]))
    assert isinstance(problem, ReadProblem)
    assert problem.reason.startswith("corrupt WARC record")
