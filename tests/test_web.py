"""The dashboard pages, their escaping, the SVG charts and the text annotations."""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tacitus.store import Store
from tacitus.web import create_app
from tacitus.web.annotate import Mark, segment, span_of
from tacitus.web.params import period_range
from tacitus.web.svg import fill_periods, partner_network, trend_chart
from test_api import XSS, Spec, TestClient, coded, fill


@pytest.fixture(scope="module")
def client() -> Iterator[TestClient]:
    with Store(":memory:") as store, TestClient(create_app(fill(store))) as c:
        yield c


def _event_id(client: TestClient, query: str) -> str:
    return str(client.get(f"/api/events?{query}").json()["events"][0]["id"])


@pytest.mark.parametrize(
    ("url", "twin"),
    [
        ("/", "/api"),
        ("/events?actor=IRN", "/api/events?actor=IRN"),
        ("/articles/call", "/api/articles/call"),
        ("/dyads", "/api/dyads"),
        ("/dyads/IRN/RUS", "/api/trend?a=IRN&amp;b=RUS&amp;by=month"),
        ("/actors", "/api/actors"),
        ("/actors/IRN", "/api/actors/IRN"),
        ("/docs", "/openapi.json"),
    ],
)
def test_every_page_links_its_json_twin(client: TestClient, url: str, twin: str) -> None:
    response = client.get(url)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/html")
    assert f'href="{twin}"' in response.text
    twin_response = client.get(twin.replace("&amp;", "&"))
    assert twin_response.status_code == 200
    assert twin_response.headers["content-type"] == "application/json"


def test_home_shows_counts_latest_events_and_dyads(client: TestClient) -> None:
    html = client.get("/").text
    assert "<b>13</b><span>articles</span>" in html
    assert "2021-01-10" in html and "2021-11-16" in html
    assert 'href="/dyads/IRN/RUS"' in html
    assert html.count('class="evidence"') == 10


def test_events_page_filters_pages_and_links_csv(client: TestClient) -> None:
    html = client.get("/events?dyad=IRN,RUS&limit=5").text
    assert html.count('class="evidence"') == 5
    assert 'href="/api/events?dyad=IRN%2CRUS&amp;format=csv"' in html
    next_url = re.search(r'class="next" rel="next" href="([^"]+)"', html)
    assert next_url
    page2 = client.get(next_url.group(1).replace("&amp;", "&")).text
    assert page2.count('class="evidence"') == 5 and "« first page" in page2
    # An HTML form sends empty fields and the both_directions fallback.
    form = client.get(
        "/events?actor=&dyad=ISR%2CSYR&both_directions=false&type=&quad_class=4&since=&until=&q="
    )
    assert form.status_code == 200 and form.text.count('class="evidence"') == 1


def test_event_page_shows_the_evidence(client: TestClient) -> None:
    html = client.get(f"/events/{_event_id(client, 'type=CONSULT')}").text
    assert '<mark class="trigger"' in html and ">telephone conversation</mark>" in html
    assert '<mark class="source"' in html and ">Iranian President Ebrahim Raisi</mark>" in html
    assert "consult.test" in html and "Tehran Times" in html
    assert "1 report of this event" in html


def test_article_page_highlights_roles_triggers_and_quotes(client: TestClient) -> None:
    html = client.get("/articles/call").text
    assert re.search(r'<mark class="source" title="source: IRN GOV · Ebrahim Raisi[^"]*"', html)
    target = r'<mark class="target" title="target: RUS GOV[^>]*>Vladimir Putin</mark>'
    assert re.search(target, html)
    assert re.search(r'<mark class="trigger" title="[^"]*rule consult.test', html)
    assert '<span class="quote" title="quote by Putin' in html
    assert '<span class="speaker">Putin (RUS):</span>' in html
    assert html.count("<li data-event=") == 3


def test_dyad_page_draws_the_chart_and_lists_a_period(client: TestClient) -> None:
    html = client.get("/dyads/IRN/RUS").text
    svg = html[html.index("<svg") : html.index("</svg>") + 6]
    root = ET.fromstring(svg)  # well-formed XML
    links = [a for a in root.iter("{http://www.w3.org/2000/svg}a")]
    assert len(links) == 11
    assert "period=2021-11" in html
    period = client.get("/dyads/IRN/RUS?period=2021-11").text
    assert "2021-11: 2 events" in period and period.count('class="evidence"') == 2
    both = client.get("/dyads/IRN/RUS?both_directions=true&period=2021-11").text
    assert "2021-11: 3 events" in both
    assert client.get("/dyads/IRN/RUS?period=1999-01").status_code == 404
    svg_only = client.get("/dyads/IRN/RUS/chart.svg?by=year")
    assert svg_only.headers["content-type"].startswith("image/svg+xml")
    ET.fromstring(svg_only.text)


def test_dyad_form_redirects(client: TestClient) -> None:
    response = client.get("/dyad?a=irn&b=rus", follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"] == "/dyads/IRN/RUS"
    assert client.get("/dyad?a=irn").status_code == 400


def test_actor_page_ranks_partners(client: TestClient) -> None:
    html = client.get("/actors/IRN").text
    assert 'class="partner" href="/dyads/IRN/RUS?both_directions=true">RUS</a>' in html
    ET.fromstring(html[html.index("<svg") : html.index("</svg>") + 6])


@pytest.mark.parametrize(
    ("url", "status"),
    [("/events?since=nonsense", 400), ("/articles/nope", 404), ("/nowhere", 404)],
)
def test_page_errors_are_html(client: TestClient, url: str, status: int) -> None:
    response = client.get(url)
    assert response.status_code == status
    assert response.headers["content-type"].startswith("text/html")
    assert "Traceback" not in response.text


def test_hostile_text_is_escaped_everywhere(client: TestClient) -> None:
    ev = _event_id(client, "actor=FRA")
    for url in ("/articles/xss", f"/events/{ev}", "/events?actor=FRA", "/"):
        html = client.get(url).text
        assert "<script>alert" not in html, url
        assert "<img src=x" not in html and '"><img' not in html, url
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html, url
    scripts = re.findall(r"<script[^>]*>", client.get("/articles/xss").text)
    assert scripts == ['<script src="/static/app.js" defer>']


def test_only_web_urls_become_links() -> None:
    with Store(":memory:") as store:
        item = coded("js", "Iran met Russia.", dt.date(2022, 1, 1), [])
        article = dataclasses.replace(item.article, url="javascript:alert(1)")
        store.add([dataclasses.replace(item, article=article)])
        with TestClient(create_app(store)) as c:
            html = c.get("/articles/js").text
    assert "javascript:" not in html and ">original</a>" not in html


def test_article_ids_with_slashes_and_spaces_link_correctly() -> None:
    odd = "https://example.org/news/a b?id=1#x"
    with Store(":memory:") as store:
        store.add(
            [
                coded(
                    odd,
                    "Iran met Russia.",
                    dt.date(2022, 1, 1),
                    [Spec("met", "CONSULT", ("Iran", "IRN", None), ("Russia", "RUS", None))],
                )
            ]
        )
        with TestClient(create_app(store)) as c:
            html = c.get("/events").text
            link = re.search(r'href="(/articles/[^"]+)">article<', html)
            assert link and "%2F" in link.group(1)
            page = c.get(link.group(1).replace("&amp;", "&"))
            assert page.status_code == 200 and "Iran" in page.text
            assert c.get("/api" + link.group(1)).json()["id"] == odd


def test_hostile_query_is_escaped(client: TestClient) -> None:
    html = client.get("/events", params={"q": XSS[:60]}).text
    assert "<script>alert" not in html
    html = client.get("/events", params={"q": '"><img src=x onerror=alert(1)>'}).text
    assert "<img src=x" not in html


def test_static_files_are_served(client: TestClient) -> None:
    css = client.get("/static/style.css")
    assert css.status_code == 200 and "mark.source" in css.text
    assert client.get("/static/app.js").status_code == 200
    assert client.get("/static/../app.py").status_code == 404


def test_no_external_resources_in_pages(client: TestClient) -> None:
    for url in ("/", "/events", "/articles/call", "/dyads/IRN/RUS", "/actors/IRN", "/docs"):
        html = client.get(url).text
        assert not re.search(r'(src|href)="(https?:)?//', html.replace("https://example.org", ""))


@pytest.mark.shared
def test_seed_article_end_to_end(shared_dir: Path, coder: Any, tmp_path: Path) -> None:
    """The real coder on the seed article: the Raisi-Putin call highlighted, the dyad chart."""
    from tacitus.ingest import read_inputs

    articles = [a for a in read_inputs((str(shared_dir / "data/seed/article.jsonl"),))]
    with Store(tmp_path / "seed.db") as store:
        store.add(coder.code(articles))
    with TestClient(create_app(tmp_path / "seed.db")) as c:
        html = c.get("/articles/tehrantimes-467125").text
        trigger = re.search(
            r'<mark class="trigger"[^>]*title="[^"]*CONSULT[^"]*"[^>]*>([^<]+)<', html
        )
        assert trigger and "conversation" in trigger.group(1)
        assert re.search(r'<mark class="(source|target|both)"[^>]*>[^<]*Raisi[^<]*</mark>', html)
        assert re.search(r'<mark class="(source|target|both)"[^>]*>[^<]*Putin[^<]*</mark>', html)
        assert '<span class="speaker">Ebrahim Raisi' in html
        dyad = c.get("/dyads/IRN/RUS?both_directions=true").text
        assert 'data-period="2021-11"' in dyad
        trend = c.get("/api/trend?a=IRN&b=RUS&both_directions=true").json()["periods"]
        assert trend and trend[0]["period"] == "2021-11" and trend[0]["q1"] >= 3


# -- units -----------------------------------------------------------------------------


def test_trend_chart_is_valid_svg_with_escaped_labels() -> None:
    rows = [
        {"period": "2021-10", "events": 3, "q1": 2, "q2": 0, "q3": 1, "q4": 0,
         "goldstein_mean": 1.5},
        {"period": "<x>", "events": 1, "q1": 0, "q2": 0, "q3": 0, "q4": 1, "goldstein_mean": -9},
    ]  # fmt: skip
    svg = trend_chart(rows, link=lambda p: f"/d?period={p}&x=1", selected="2021-10")
    root = ET.fromstring(svg)
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    assert "&lt;x&gt;" in svg and "<x>" not in svg
    assert 'href="/d?period=2021-10&amp;x=1"' in svg
    assert "selected" in svg
    ET.fromstring(trend_chart([]))


def test_fill_periods_puts_empty_periods_in_the_gaps() -> None:
    rows = [{"period": "2020-11", "events": 1}, {"period": "2021-02", "events": 2}]
    filled = fill_periods(rows, "month")
    assert [r["period"] for r in filled] == ["2020-11", "2020-12", "2021-01", "2021-02"]
    assert filled[1]["events"] == 0
    days = [{"period": "2021-11-15", "events": 1}, {"period": "2021-11-29", "events": 1}]
    assert len(fill_periods(days, "week")) == 3
    years = [{"period": "1900", "events": 1}, {"period": "2021", "events": 1}]
    assert fill_periods(years, "year", most=50) == years  # too many: left as they are
    svg = trend_chart(filled, link=lambda p: f"/x?period={p}")
    assert svg.count("<a ") == 2  # empty periods are not links


def test_partner_network_is_valid_svg() -> None:
    svg = partner_network("IRN", [("RUS", 10, 2.0), ("ISR", 3, -5.0), ("<b>", 1, None)])
    ET.fromstring(svg)
    assert "#2e7d32" in svg and "#c62828" in svg and "&lt;b&gt;" in svg
    ET.fromstring(partner_network("IRN", []))


def test_segments_nest_marks_inside_quotes() -> None:
    text = 'Putin said: "Moscow supports Tehran." Then he left.'
    quote = text.index('"Moscow'), text.index(" Then")
    marks = [
        Mark(quote[0], quote[1], "quote", "quote by Putin", speaker="Putin"),
        Mark(12 + 1, 12 + 7, "source", "source: RUS"),
        Mark(text.index("supports"), text.index("supports") + 8, "trigger", "t", event_id="e1"),
        Mark(0, 5, "actor", "actor: RUS"),
    ]
    blocks = segment(text, marks)
    assert "".join(s.text for b in blocks for s in b.segments) == text
    assert [b.quote is not None for b in blocks] == [False, True, False]
    inside = {s.text: s.css for s in blocks[1].segments}
    assert inside["Moscow"] == "source" and inside["supports"] == "trigger"
    assert blocks[0].segments[0].css == "actor"


def test_overlapping_roles_are_both() -> None:
    marks = [Mark(0, 4, "source", "s"), Mark(0, 4, "target", "t")]
    (block,) = segment("Iran met.", marks)
    assert block.segments[0].css == "both"


def test_span_of_places_sentence_relative_and_drifted_spans() -> None:
    text = "First sentence. Iran met Russia."
    assert span_of(text, [16, 20], "Iran") == (16, 20)
    assert span_of(text, [0, 4], "Iran", base=16) == (16, 20)  # relative to the sentence
    assert span_of(text, [15, 19], "Iran") == (16, 20)  # drifted by one
    assert span_of(text, [5, 2], "Iran") is None
    assert span_of(text, None) is None


@pytest.mark.parametrize(
    ("period", "by", "expected"),
    [
        ("2021", "year", ("2021-01-01", "2021-12-31")),
        ("2021-02", "month", ("2021-02-01", "2021-02-28")),
        ("2021-11-15", "week", ("2021-11-15", "2021-11-21")),
        ("2021-11-16", "day", ("2021-11-16", "2021-11-16")),
    ],
)
def test_period_range(period: str, by: str, expected: tuple[str, str]) -> None:
    assert period_range(period, by) == expected
