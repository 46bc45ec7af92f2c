"""RSS and Atom feed reader: one Article per entry, problems at the entry index."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from tacitus.ingest import ReadProblem, read_inputs
from tacitus.ingest.rss import looks_like_feed
from tacitus.records import Article

RSS = """<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/">
<channel><title>World Desk</title><link>https://news.example.org/</link>
<language>en-us</language>
<item>
  <title>Ceasefire agreed in the north</title>
  <link>https://news.example.org/ceasefire</link>
  <guid isPermaLink="false">urn:world:1001</guid>
  <pubDate>Tue, 05 Mar 2024 08:30:00 GMT</pubDate>
  <description>Short teaser.</description>
  <content:encoded><![CDATA[<p>Both sides <b>agreed</b> to a ceasefire.</p>
    <script>track()</script><p>Monitors will arrive on Friday.</p>]]></content:encoded>
</item>
<item>
  <title>Empty item</title>
  <link>https://news.example.org/empty</link>
</item>
<item>
  <title>Protest in the capital</title>
  <link>https://news.example.org/protest</link>
  <description>&lt;p&gt;Thousands marched against the new law.&lt;/p&gt;</description>
</item>
</channel></rss>"""

ATOM = """<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom">
  <title type="html">Regional &lt;b&gt;Wire&lt;/b&gt;</title>
  <id>urn:wire</id><updated>2023-07-01T00:00:00Z</updated>
  <entry>
    <title>Minister resigns</title>
    <id>tag:wire.example,2023:42</id>
    <link rel="alternate" href="https://wire.example/42"/>
    <updated>2023-06-30T22:00:00Z</updated>
    <summary type="html">&lt;p&gt;The minister resigned after the vote.&lt;/p&gt;</summary>
  </entry>
</feed>"""


def _read(path: Path, **kw: dt.date) -> list[Article | ReadProblem]:
    return list(read_inputs([str(path)], **kw))


def test_rss_entries_become_articles(tmp_path: Path) -> None:
    path = tmp_path / "world.rss"
    path.write_text(RSS, encoding="utf-8")
    first, problem, third = _read(path, published=dt.date(2000, 1, 1))
    assert first == Article(
        id="urn:world:1001",
        text="Both sides agreed to a ceasefire.\nMonitors will arrive on Friday.",
        title="Ceasefire agreed in the north",
        url="https://news.example.org/ceasefire",
        publisher="World Desk",
        published=dt.date(2024, 3, 5),
        language="en",
    )
    assert problem == ReadProblem(f"{path}:entry 2", "entry has no content or summary")
    assert isinstance(third, Article)
    assert third.id == "https://news.example.org/protest"
    assert third.text == "Thousands marched against the new law."
    assert third.published == dt.date(2000, 1, 1)


def test_atom_feed_in_xml_file(tmp_path: Path) -> None:
    path = tmp_path / "wire.xml"
    path.write_text(ATOM, encoding="utf-8")
    [article] = _read(path)
    assert article == Article(
        id="tag:wire.example,2023:42",
        text="The minister resigned after the vote.",
        title="Minister resigns",
        url="https://wire.example/42",
        publisher="Regional Wire",
        published=dt.date(2023, 6, 30),
    )


def test_feed_recognised_by_content(tmp_path: Path) -> None:
    path = tmp_path / "feed"
    path.write_text(ATOM, encoding="utf-8")
    [article] = _read(path)
    assert isinstance(article, Article)
    assert article.title == "Minister resigns"


def test_feed_without_entries_is_a_problem(tmp_path: Path) -> None:
    path = tmp_path / "broken.rss"
    path.write_text("<rss><channel><title>Nothing", encoding="utf-8")
    [problem] = _read(path)
    assert isinstance(problem, ReadProblem)
    assert problem.where == str(path)
    assert problem.reason.startswith("not a readable RSS/Atom feed")


def test_external_entities_are_not_resolved(tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP SECRET", encoding="utf-8")
    path = tmp_path / "xxe.rss"
    path.write_text(
        f'<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY xxe SYSTEM "file://{secret}">]>'
        "<rss><channel><title>T</title><item><title>A</title>"
        "<description>&xxe; Troops withdrew.</description></item></channel></rss>",
        encoding="utf-8",
    )
    items = _read(path)
    assert all("TOP SECRET" not in str(item) for item in items)


def test_looks_like_feed() -> None:
    assert looks_like_feed(RSS.encode())
    assert looks_like_feed(b"<!-- hi -->\n<rdf:RDF xmlns:rdf='x'>")
    assert not looks_like_feed(b"<html><body>rss</body></html>")
