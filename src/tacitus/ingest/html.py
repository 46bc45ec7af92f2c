"""HTML pages to Articles: main text and metadata with trafilatura, the date with htmldate."""

from __future__ import annotations

import copy
import datetime as dt
import hashlib
import re
from pathlib import Path
from typing import Any
from urllib.parse import urljoin, urlsplit

import htmldate
import lxml.html
import trafilatura
from lxml import etree
from trafilatura.settings import Document

from tacitus.ingest.base import Item, ReadProblem, parse_date
from tacitus.records import Article

_DOCUMENT_START = re.compile(
    rb"^\s*(<\?xml[^>]*>\s*)?(<!--.*?-->\s*)*(<!doctype\s+html|<html|<head|<body)",
    re.IGNORECASE | re.DOTALL,
)
_BLOCKS = frozenset(
    ("p", "div", "br", "li", "ul", "ol", "tr", "table", "blockquote", "pre", "section")
    + ("article", "header", "footer", "h1", "h2", "h3", "h4", "h5", "h6", "dd", "dt")
)
_INVISIBLE = ("script", "style", "noscript", "template", "iframe", "object", "embed")


def looks_like_html(data: bytes) -> bool:
    """True when the bytes begin like an HTML document (doctype, <html>, <head> or <body>)."""
    return _DOCUMENT_START.match(data[:4096].lstrip(b"\xef\xbb\xbf")) is not None


def read_html(
    data: bytes,
    where: str,
    *,
    url: str | None = None,
    published: dt.date | None = None,
    name: str | None = None,
) -> Item:
    """One Article from an HTML page, or a ReadProblem when it has no main text.

    ``url`` is where the page came from (a WARC target URI); ``name`` is the file name
    that gives the id when the page declares no canonical URL.
    """
    tree = trafilatura.load_html(data)
    if tree is None:
        return ReadProblem(where, "not parseable as HTML")
    canonical = _canonical_url(tree, base=url)
    date = _find_date(tree, url=url or canonical)
    doc = trafilatura.bare_extraction(
        tree, url=url or canonical, with_metadata=True, favor_recall=True
    )
    meta: dict[str, Any] = doc.as_dict() if isinstance(doc, Document) else (doc or {})
    text = (meta.get("text") or "").strip()
    if not text:
        return ReadProblem(where, "no main text found")
    return Article(
        id=canonical or url or _name_id(name or where, data),
        text=text,
        title=_clean(meta.get("title")),
        url=url or canonical,
        publisher=_clean(meta.get("sitename")),
        published=date or published,
        language=_language(tree),
    )


def fragment_text(fragment: str) -> str:
    """Plain text of an HTML fragment (a feed summary): scripts dropped, blocks on new lines."""
    if "<" not in fragment and "&" not in fragment:
        return _squeeze(fragment)
    try:
        root = lxml.html.fragment_fromstring(fragment, create_parent="div")
    except (etree.ParserError, ValueError):
        return _squeeze(fragment)
    etree.strip_elements(root, *_INVISIBLE, with_tail=False)
    for el in root.iter():
        if isinstance(el.tag, str) and el.tag.lower() in _BLOCKS:
            el.tail = "\n" + (el.tail or "")
    return _squeeze(root.text_content())


def _squeeze(text: str) -> str:
    lines = (" ".join(line.split()) for line in text.splitlines())
    return "\n".join(line for line in lines if line)


def _canonical_url(tree: etree._Element, *, base: str | None) -> str | None:
    links = tree.xpath("//link[@href]")
    hrefs = [el.get("href") for el in links if "canonical" in (el.get("rel") or "").lower().split()]
    hrefs += tree.xpath("//meta[@property='og:url']/@content")
    for raw in hrefs:
        href = urljoin(base, raw.strip()) if base else str(raw).strip()
        parts = urlsplit(href)
        if parts.scheme in ("http", "https") and parts.netloc:
            return href
    return None


def _find_date(tree: etree._Element, *, url: str | None) -> dt.date | None:
    # extensive_search would also guess from free text and copyright lines; a wrong
    # date is worse than none, since callers can supply a default.
    found = htmldate.find_date(
        copy.deepcopy(tree), url=url, extensive_search=False, original_date=True
    )
    return parse_date(found)


def _language(tree: etree._Element) -> str | None:
    lang = tree.get("lang") or tree.get("{http://www.w3.org/XML/1998/namespace}lang")
    primary = (lang or "").split("-")[0].split("_")[0].strip().lower()
    return primary if primary.isalpha() and 2 <= len(primary) <= 3 else None


def _name_id(name: str, data: bytes) -> str:
    if name == "-":
        return f"stdin-{hashlib.sha1(data).hexdigest()[:8]}"
    stem = Path(name).name
    for suffix in (".gz", ".html", ".htm", ".xhtml"):
        stem = stem.removesuffix(suffix)
    return stem or hashlib.sha1(data).hexdigest()[:8]


def _clean(value: str | None) -> str | None:
    value = " ".join((value or "").split())
    return value or None
