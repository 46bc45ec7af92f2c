"""HTML reader: main text, title, date, canonical URL; scripts and broken pages."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from tacitus.ingest import ReadProblem, read_inputs
from tacitus.ingest.html import fragment_text, looks_like_html, read_html
from tacitus.records import Article

PAGE = """<!DOCTYPE html><html lang="en-GB"><head>
<title>Rebels seize port | Daily Planet</title>
<link rel="Canonical" href="https://example.com/news/rebels-port">
<meta property="og:url" content="https://example.com/og-url">
<meta property="og:site_name" content="Daily Planet">
<meta property="article:published_time" content="2024-03-05T10:00:00Z">
<script>var leaked = "SCRIPT TEXT IN HEAD";</script>
</head><body><nav>Home | World | Sport</nav>
<article><h1>Rebels seize port</h1>
<p>Rebel forces seized the port city of Aden on Tuesday after three days of fighting.</p>
<script>document.write("SCRIPT TEXT IN BODY")</script>
<p>The government condemned the attack and called for talks in Geneva next week.</p>
</article><footer>Copyright 2023 Daily Planet</footer></body></html>"""


def _one(path: Path) -> Article | ReadProblem:
    [item] = list(read_inputs([str(path)]))
    return item


def test_page_gives_text_title_date_url_and_publisher(tmp_path: Path) -> None:
    path = tmp_path / "rebels.html"
    path.write_text(PAGE, encoding="utf-8")
    article = _one(path)
    assert isinstance(article, Article)
    assert article.id == "https://example.com/news/rebels-port"
    assert article.url == "https://example.com/news/rebels-port"
    assert article.title == "Rebels seize port"
    assert article.publisher == "Daily Planet"
    assert article.published == dt.date(2024, 3, 5)
    assert article.language == "en"
    assert "seized the port city of Aden" in article.text
    assert "talks in Geneva" in article.text
    assert "SCRIPT TEXT" not in article.text
    assert "Home | World" not in article.text


def test_og_url_when_no_canonical_and_file_stem_when_neither(tmp_path: Path) -> None:
    og = tmp_path / "og.htm"
    og.write_text(PAGE.replace('rel="Canonical"', 'rel="alternate"'), encoding="utf-8")
    bare = tmp_path / "bare-page.html"
    bare.write_text(
        PAGE.replace('rel="Canonical"', 'rel="alternate"').replace('property="og:url"', "x"),
        encoding="utf-8",
    )
    og_article, bare_article = _one(og), _one(bare)
    assert isinstance(og_article, Article) and isinstance(bare_article, Article)
    assert (og_article.id, og_article.url) == ("https://example.com/og-url",) * 2
    assert (bare_article.id, bare_article.url) == ("bare-page", None)


def test_no_date_in_page_falls_back_to_default_not_copyright_year(tmp_path: Path) -> None:
    path = tmp_path / "undated.html"
    undated = PAGE.replace("2024-03-05T10:00:00Z", "")
    path.write_text(undated, encoding="utf-8")
    [article] = list(read_inputs([str(path)], published=dt.date(2022, 2, 2)))
    assert isinstance(article, Article)
    assert article.published == dt.date(2022, 2, 2)


def test_html_is_recognised_by_content_without_suffix(tmp_path: Path) -> None:
    path = tmp_path / "download"
    path.write_text("\n  <!-- saved -->\n" + PAGE, encoding="utf-8")
    article = _one(path)
    assert isinstance(article, Article)
    assert article.title == "Rebels seize port"


def test_declared_charset_is_honoured() -> None:
    page = (
        "<html><head><meta charset='iso-8859-1'><title>Caf\u00e9 attaqu\u00e9</title></head>"
        "<body><article><p>Le caf\u00e9 du coin a \u00e9t\u00e9 attaqu\u00e9 par des "
        "manifestants ce matin selon la police.</p></article></body></html>"
    ).encode("latin-1")
    article = read_html(page, "cafe.html")
    assert isinstance(article, Article)
    assert article.title == "Caf\u00e9 attaqu\u00e9"
    assert "Le caf\u00e9 du coin" in article.text


def test_broken_html_is_read_best_effort() -> None:
    page = (
        b"<html><body><p>Unclosed <b>the army shelled the capital on Monday morning, "
        b"residents said, as fighting spread<p>Second paragraph about the ceasefire talks"
    )
    article = read_html(page, "broken.html")
    assert isinstance(article, Article)
    assert "the army shelled the capital" in article.text
    assert "ceasefire talks" in article.text


def test_page_without_main_text_is_a_problem(tmp_path: Path) -> None:
    path = tmp_path / "shell.html"
    path.write_text(
        "<html><head><title>App</title><script>render()</script></head><body></body></html>",
        encoding="utf-8",
    )
    assert _one(path) == ReadProblem(str(path), "no main text found")


def test_looks_like_html() -> None:
    assert looks_like_html(b"\xef\xbb\xbf<!doctype html><p>x")
    assert looks_like_html(b'<?xml version="1.0"?>\n<html xmlns="http://www.w3.org/1999/xhtml">')
    assert not looks_like_html(b"Troops <b>moved</b> north.")
    assert not looks_like_html(b"<rss><channel/></rss>")


def test_fragment_text_drops_scripts_and_keeps_paragraphs() -> None:
    fragment = "<p>First <b>bold</b> line.</p><script>evil()</script><p>Second&amp;last</p>"
    assert fragment_text(fragment) == "First bold line.\nSecond&last"
    assert fragment_text("plain  text") == "plain text"
