"""The JSON API, in-process: every endpoint, filter, error and the ingest token rule."""

from __future__ import annotations

import csv
import datetime as dt
import io
import warnings
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tacitus.coder import CodedArticle
from tacitus.records import Actor, Article, Attribution, Event, Modality, Quote, event_id
from tacitus.store import Store
from tacitus.web import create_app
from tacitus.web.app import CSP

with warnings.catch_warnings():
    # Starlette would rather use httpx2; the httpx it falls back on works the same here.
    warnings.simplefilter("ignore", UserWarning)
    from fastapi.testclient import TestClient

XSS = '<script>alert(1)</script> and "><img src=x onerror=alert(1)>'

QUAD_GOLDSTEIN = {
    "CONSULT": (1, "040", 1.0),
    "AGREE": (1, "030", 4.0),
    "SUPPORT": (2, "050", 3.4),
    "ACCUSE": (3, "112", -2.0),
    "ASSAULT": (4, "190", -9.5),
}


@dataclass(frozen=True)
class Spec:
    """One event to place in an article text: words of the text, not offsets."""

    trigger: str
    event: str
    source: tuple[str, str, str | None]  # (text, code, name)
    target: tuple[str, str, str | None]
    mode: str | None = None
    date: str | None = None


def coded(
    article_id: str,
    text: str,
    published: dt.date,
    specs: list[Spec],
    *,
    quotes: list[tuple[str, str, str, str]] = (),  # type: ignore[assignment]
    title: str | None = None,
    publisher: str = "Test Times",
) -> CodedArticle:
    """A CodedArticle whose spans really point into `text` (article offsets)."""
    events = []
    actors: dict[tuple[int, int], Actor] = {}

    def actor(words: str, code: str, name: str | None, after: int) -> Actor:
        at = text.find(words, after) if text.find(words, after) >= 0 else text.find(words)
        a = Actor(words, (at, at + len(words)), code, "GOV", name)
        actors[a.span] = a
        return a

    for spec in specs:
        t = text.index(spec.trigger)
        start = max(text.rfind(". ", 0, t) + 2, 0) if text.rfind(". ", 0, t) >= 0 else 0
        end = text.find(". ", t)
        end = len(text) if end < 0 else end + 1
        src = actor(*spec.source, after=start)
        tgt = actor(*spec.target, after=start)
        quad, cameo, goldstein = QUAD_GOLDSTEIN[spec.event]
        events.append(
            Event(
                id=event_id(article_id, start, spec.event, src.code or "", tgt.code or ""),
                article_id=article_id,
                sentence_index=text[:start].count(". "),
                text=text[start:end],
                span=(start, end),
                event=spec.event,
                mode=spec.mode,
                context=(),
                cameo=cameo,
                quad_class=quad,
                goldstein=goldstein,
                source=(src,),
                target=(tgt,),
                reciprocal=False,
                event_text=spec.trigger,
                trigger_span=(t, t + len(spec.trigger)),
                date=spec.date or published.isoformat(),
                date_precision="day",
                date_text=None,
                location=None,
                modality=Modality(),
                attribution=Attribution(),
                confidence=0.8,
                rule=f"{spec.event.lower()}.test",
                coder_version="test",
            )
        )
    quote_records = []
    for words, speaker, code, phrase in quotes:
        at = text.index(words)
        who = Actor(speaker, (text.index(speaker), text.index(speaker) + len(speaker)), code)
        quote_records.append(Quote(article_id, words, (at, at + len(words)), who, phrase))
    article = Article(
        id=article_id,
        text=text,
        title=title or f"Article {article_id}",
        url=f"https://example.org/{article_id}",
        publisher=publisher,
        published=published,
        language="en",
    )
    return CodedArticle(article, tuple(events), tuple(quote_records), tuple(actors.values()))


CALL = (
    "TEHRAN – Iranian President Ebrahim Raisi had a telephone conversation with "
    "Vladimir Putin on Tuesday. Putin said: “Moscow supports Tehran's proposals.” "
    "Raisi expressed Iran's willingness to develop trade relations with Russia."
)


def corpus() -> list[CodedArticle]:
    """A small corpus: the IRN-RUS call, monthly IRN-RUS events, an ISR-SYR conflict, XSS."""
    items = [
        coded(
            "call",
            CALL,
            dt.date(2021, 11, 17),
            [
                Spec(
                    "telephone conversation",
                    "CONSULT",
                    ("Iranian President Ebrahim Raisi", "IRN", "Ebrahim Raisi"),
                    ("Vladimir Putin", "RUS", "Vladimir Putin"),
                    mode="phone",
                    date="2021-11-16",
                ),
                Spec("supports", "SUPPORT", ("Moscow", "RUS", None), ("Tehran", "IRN", None)),
                Spec(
                    "willingness",
                    "AGREE",
                    ("Raisi", "IRN", "Ebrahim Raisi"),
                    ("Russia", "RUS", None),
                ),
            ],
            quotes=[("Moscow supports Tehran's proposals.", "Putin", "RUS", "Putin said")],
            title="Iran, Russia eye comprehensive cooperation",
            publisher="Tehran Times",
        )
    ]
    for month in range(1, 11):
        text = f"Iran and Russia signed a deal on gas number {month}. Officials met in Moscow."
        items.append(
            coded(
                f"deal-{month:02d}",
                text,
                dt.date(2021, month, 10),
                [Spec("signed", "AGREE", ("Iran", "IRN", None), ("Russia", "RUS", None))],
            )
        )
    items.append(
        coded(
            "strike",
            "Israel attacked targets near Damascus, Syria said. "
            "Syria accused Israel of aggression.",
            dt.date(2021, 10, 5),
            [
                Spec("attacked", "ASSAULT", ("Israel", "ISR", None), ("Syria", "SYR", None)),
                Spec("accused", "ACCUSE", ("Syria", "SYR", None), ("Israel", "ISR", None)),
            ],
        )
    )
    items.append(
        coded(
            "xss",
            f"France criticised Germany over {XSS} yesterday. More text follows.",
            dt.date(2021, 9, 1),
            [Spec("criticised", "ACCUSE", ("France", "FRA", None), ("Germany", "DEU", None))],
            title=f"Title {XSS}",
            publisher=f"Pub {XSS}",
        )
    )
    return items


def fill(store: Store) -> Store:
    store.add(corpus())
    return store


@pytest.fixture
def store() -> Iterator[Store]:
    with Store(":memory:") as s:
        yield fill(s)


class FakeCoder:
    """Stands in for the model: one CONSULT per text that mentions 'met'."""

    def code(self, articles: list[Article]) -> Iterator[CodedArticle]:
        for a in articles:
            specs = (
                [Spec("met", "CONSULT", ("Iran", "IRN", None), ("Russia", "RUS", None))]
                if "met" in a.text and "Iran" in a.text and "Russia" in a.text
                else []
            )
            item = coded(a.id, a.text, a.published or dt.date(2021, 12, 1), specs)
            yield CodedArticle(a, item.events, (), item.actors)


@pytest.fixture
def client(store: Store) -> Iterator[TestClient]:
    with TestClient(create_app(store, coder=FakeCoder)) as c:
        yield c


def test_overview_is_the_home_twin(client: TestClient) -> None:
    data = client.get("/api").json()
    assert data["stats"]["articles"] == 13
    assert data["stats"]["first_date"] == "2021-01-10"
    assert data["latest"][0]["date"] >= data["latest"][-1]["date"]
    assert {"source": "IRN", "target": "RUS"}.items() <= data["dyads"][0].items()


def test_events_default_page(client: TestClient) -> None:
    data = client.get("/api/events").json()
    assert data["count"] == len(data["events"]) == 16
    assert data["next_cursor"] is None and data["next"] is None
    dates = [e["date"] for e in data["events"]]
    assert dates == sorted(dates, reverse=True)


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("actor=ISR", 2),
        ("actor=irn", 13),
        ("dyad=IRN,RUS", 13),
        ("dyad=IRN-RUS&both_directions=false", 12),
        ("dyad=RUS,IRN&both_directions=false&type=SUPPORT", 1),
        ("dyad=RUS,IRN&both_directions=false&type=AGREE", 0),
        ("type=ASSAULT", 1),
        ("type=agree", 11),
        ("quad_class=3", 2),
        ("since=2021-10-01&until=2021-10-31", 3),
        ("since=2021-11", 3),
        ("until=2021-02", 2),
        ("q=Damascus", 1),
        ("q=100%25", 0),
        ("actor=IRN&type=AGREE&since=2021-06-01", 6),
        ("merged=false", 16),
    ],
)
def test_event_filters(client: TestClient, query: str, expected: int) -> None:
    response = client.get(f"/api/events?{query}")
    assert response.status_code == 200, response.text
    assert response.json()["count"] == expected


def test_cursor_pagination_walks_every_event_once(client: TestClient) -> None:
    seen: list[str] = []
    url: str | None = "/api/events?limit=5"
    while url:
        data = client.get(url).json()
        seen += [e["id"] for e in data["events"]]
        url = data["next"]
    assert len(seen) == len(set(seen)) == 16


def test_cursor_keeps_the_filter(client: TestClient) -> None:
    first = client.get("/api/events?actor=IRN&limit=4").json()
    assert "actor=IRN" in first["next"]
    second = client.get(first["next"]).json()
    assert all("IRN" in {e["source"][0]["code"], e["target"][0]["code"]} for e in second["events"])


def test_events_as_csv(client: TestClient) -> None:
    response = client.get("/api/events?dyad=ISR,SYR&format=csv")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.text)))
    assert [r["event"] for r in rows] == ["ASSAULT", "ACCUSE"] or len(rows) == 2
    assert {r["source"] for r in rows} == {"ISR", "SYR"}
    assert rows[0]["goldstein"].startswith("-")  # numbers are not defused


def test_csv_defuses_spreadsheet_formulas(store: Store) -> None:
    store.add(
        [
            coded(
                "formula",
                "=HYPERLINK(1) Iran met Russia.",
                dt.date(2022, 1, 1),
                [Spec("met", "CONSULT", ("Iran", "IRN", None), ("Russia", "RUS", None))],
            )
        ]
    )
    with TestClient(create_app(store)) as c:
        rows = list(csv.DictReader(io.StringIO(c.get("/api/events?q=HYPERLINK&format=csv").text)))
    assert rows[0]["text"].startswith("'=")


def test_csv_limit_and_cursor(client: TestClient) -> None:
    rows = list(csv.reader(io.StringIO(client.get("/api/events?format=csv&limit=3").text)))
    assert len(rows) == 4  # header and three events
    bad = client.get("/api/events?format=csv&cursor=nonsense")
    assert bad.status_code == 400


def test_event_with_evidence(client: TestClient) -> None:
    ev = client.get("/api/events?type=CONSULT").json()["events"][0]
    data = client.get(f"/api/events/{ev['id']}").json()
    evidence = data["evidence"]
    assert evidence["sentence"].startswith("TEHRAN – Iranian President")
    assert evidence["rule"] == "consult.test" and evidence["confidence"] == 0.8
    kinds = {a["kind"]: a["text"] for a in evidence["annotations"]}
    assert kinds == {
        "trigger": "telephone conversation",
        "source": "Iranian President Ebrahim Raisi",
        "target": "Vladimir Putin",
    }
    assert "attribution" in evidence
    assert [m["article_id"] for m in data["mentions"]] == ["call"]
    assert data["mentions"][0]["evidence"]["sentence"] == evidence["sentence"]


def test_a_mention_is_an_event_too(client: TestClient) -> None:
    mention = client.get("/api/events?merged=false&type=ASSAULT").json()["events"][0]
    data = client.get(f"/api/events/{mention['id']}").json()
    assert data["evidence"]["trigger"]["text"] == "attacked"


def test_article_with_annotations(client: TestClient) -> None:
    data = client.get("/api/articles/call").json()
    assert data["text"] == CALL
    spans = {(a["kind"], data["text"][a["span"][0] : a["span"][1]]) for a in data["annotations"]}
    assert ("trigger", "telephone conversation") in spans
    assert ("source", "Iranian President Ebrahim Raisi") in spans
    assert ("target", "Tehran") in spans
    assert ("quote", "Moscow supports Tehran's proposals.") in spans
    quote = next(a for a in data["annotations"] if a["kind"] == "quote")
    assert quote["speaker"].startswith("Putin")
    assert len(data["events"]) == 3


@pytest.mark.parametrize(
    "url", ["/api/events/nope", "/api/articles/nope", "/api/nope", "/api/events/x/y"]
)
def test_not_found_is_json(client: TestClient, url: str) -> None:
    response = client.get(url)
    assert response.status_code == 404
    assert response.json()["status"] == 404
    assert response.json()["detail"]


def test_trend(client: TestClient) -> None:
    data = client.get("/api/trend?a=IRN&b=RUS&by=month").json()
    periods = {p["period"]: p for p in data["periods"]}
    assert len(periods) == 11
    assert periods["2021-11"]["q1"] == 2 and periods["2021-11"]["events"] == 2
    both = client.get("/api/trend?a=IRN&b=RUS&both_directions=true").json()
    assert sum(p["events"] for p in both["periods"]) == 13
    year = client.get("/api/trend?a=IRN&b=RUS&by=year&since=2021-06-01").json()
    assert [p["period"] for p in year["periods"]] == ["2021"]
    assert year["periods"][0]["events"] == 7


def test_actors_and_dyads(client: TestClient) -> None:
    actors = client.get("/api/actors").json()["actors"]
    assert actors[0]["code"] in {"IRN", "RUS"} and actors[0]["events"] == 13
    assert len(client.get("/api/actors?limit=2").json()["actors"]) == 2
    dyads = client.get("/api/dyads?actor=SYR").json()["dyads"]
    assert {(d["source"], d["target"]) for d in dyads} == {("ISR", "SYR"), ("SYR", "ISR")}
    partners = client.get("/api/actors/IRN").json()["partners"]
    assert partners[0]["code"] == "RUS" and partners[0]["events"] == 13
    assert partners[0]["as_source"] == 12 and partners[0]["as_target"] == 1


@pytest.mark.parametrize(
    ("url", "parameter"),
    [
        ("/api/events?since=yesterday", "since"),
        ("/api/events?until=2021-13-01", "until"),
        ("/api/events?since=2021-12-01&until=2021-01-01", "until"),
        ("/api/events?quad_class=5", "quad_class"),
        ("/api/events?quad_class=x", "quad_class"),
        ("/api/events?limit=0", "limit"),
        ("/api/events?limit=100000", "limit"),
        ("/api/events?dyad=IRN", "dyad"),
        ("/api/events?actor=%3Cscript%3E", "actor"),
        ("/api/events?type=DROP%20TABLE", "type"),
        ("/api/events?merged=maybe", "merged"),
        ("/api/events?both_directions=2", "both_directions"),
        ("/api/events?cursor=bm9wZQ", None),
        ("/api/events?format=xml", None),
        ("/api/events?q=" + "x" * 300, None),
        ("/api/trend?a=IRN", "b"),
        ("/api/trend?b=IRN", "a"),
        ("/api/trend?a=IRN&b=RUS&by=decade", None),
        ("/api/trend?a=IRN&b=RUS&since=soon", "since"),
        ("/api/actors?limit=-1", "limit"),
        ("/api/dyads?limit=abc", "limit"),
    ],
)
def test_bad_parameters_are_400_with_what_was_wrong(
    client: TestClient, url: str, parameter: str | None
) -> None:
    response = client.get(url)
    assert response.status_code == 400, response.text
    body = response.json()
    assert body["status"] == 400 and body["error"] == "Bad Request"
    if parameter:
        assert body["parameter"] == parameter
        assert body["detail"].startswith(parameter)
    assert "Traceback" not in response.text


def test_code_a_text_without_storing_it(client: TestClient) -> None:
    before = client.get("/api").json()["stats"]
    response = client.post(
        "/api/code", json={"text": "Iran met Russia in Moscow.", "published": "2022-02-02"}
    )
    assert response.status_code == 200, response.text
    data = response.json()
    assert [e["event"] for e in data["events"]] == ["CONSULT"]
    assert data["article"]["published"] == "2022-02-02"
    assert client.get("/api").json()["stats"] == before


@pytest.mark.parametrize(
    ("body", "status"),
    [
        ({"text": ""}, 422),
        ({"txt": "Iran met Russia."}, 422),
        ({"text": "Iran met Russia.", "published": "tuesday"}, 422),
        ({"text": 5}, 422),
    ],
)
def test_code_rejects_bad_bodies(client: TestClient, body: dict[str, object], status: int) -> None:
    response = client.post("/api/code", json=body)
    assert response.status_code == status
    assert "body" in response.json()["detail"]


def test_code_rejects_invalid_json(client: TestClient) -> None:
    response = client.post(
        "/api/code", content=b"{not json", headers={"content-type": "application/json"}
    )
    assert response.status_code == 422


def test_code_size_limit_is_413(client: TestClient) -> None:
    response = client.post("/api/code", json={"text": "Iran met Russia. " * 12_000})
    assert response.status_code == 413
    assert response.json()["status"] == 413
    # Without a Content-Length header (chunked), the limit holds too.
    chunks = (b"x" * 50_000 for _ in range(6))
    response = client.post(
        "/api/code", content=chunks, headers={"content-type": "application/json"}
    )
    assert response.status_code == 413


def test_ingest_is_403_without_a_server_token(client: TestClient) -> None:
    response = client.post(
        "/api/articles",
        json={"articles": [{"text": "Iran met Russia."}]},
        headers={"authorization": "Bearer anything"},
    )
    assert response.status_code == 403
    assert "disabled" in response.json()["detail"]


@pytest.fixture
def token_client(store: Store) -> Iterator[TestClient]:
    with TestClient(create_app(store, token="s3cret-token", coder=FakeCoder)) as c:
        yield c


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"authorization": "Bearer wrong"},
        {"authorization": "Bearer s3cret-toke"},
        {"authorization": "Basic s3cret-token"},
        {"authorization": "s3cret-token"},
    ],
)
def test_ingest_needs_the_token(token_client: TestClient, headers: dict[str, str]) -> None:
    response = token_client.post(
        "/api/articles", json={"articles": [{"text": "Iran met Russia."}]}, headers=headers
    )
    assert response.status_code == 403
    # Checked before the body: a bad token never gets as far as validation.
    assert token_client.post("/api/articles", content=b"junk", headers=headers).status_code == 403


def test_ingest_with_the_token(token_client: TestClient) -> None:
    auth = {"authorization": "Bearer s3cret-token"}
    body = {
        "articles": [
            {"id": "new-1", "text": "Iran met Russia in Moscow.", "published": "2022-03-01"},
            {"text": "Nothing happened here.", "title": "Quiet"},
        ]
    }
    response = token_client.post("/api/articles", json=body, headers=auth)
    assert response.status_code == 200, response.text
    data = response.json()
    assert data["stats"]["coded"] == 2 and data["stats"]["events"] == 1
    assert data["articles"][0] == {"id": "new-1", "events": 1, "problem": None}
    assert data["articles"][1]["id"].startswith("sha1-")
    assert token_client.get("/api/articles/new-1").json()["published"] == "2022-03-01"
    assert token_client.get("/api/events?since=2022-03-01").json()["count"] == 1
    bad = token_client.post("/api/articles", json={"articles": []}, headers=auth)
    assert bad.status_code == 422


def test_ingest_on_a_store_file(tmp_path: Path) -> None:
    """Served from a path: pooled read-only readers see what the writer ingested."""
    db = tmp_path / "events.db"
    with Store(db) as s:
        fill(s)
    app = create_app(db, token="t", coder=FakeCoder)
    with TestClient(app) as c:
        assert c.get("/api").json()["stats"]["events"] == 16
        auth = {"authorization": "Bearer t"}
        body = {"articles": [{"id": "n", "text": "Iran met Russia.", "published": "2023-01-01"}]}
        assert c.post("/api/articles", json=body, headers=auth).status_code == 200
        assert c.get("/api").json()["stats"]["events"] == 17


def test_aggregates_are_remembered_until_the_store_changes(store: Store) -> None:
    with TestClient(create_app(store)) as c:
        assert c.get("/api/actors").json() == c.get("/api/actors").json()
        before = c.get("/api").json()["stats"]["articles"]
        store.add([coded("later", "Iran met Russia.", dt.date(2022, 5, 1), [])])
        assert c.get("/api").json()["stats"]["articles"] == before + 1


def test_security_headers_and_no_cors(client: TestClient) -> None:
    response = client.get("/api/events", headers={"origin": "https://evil.example"})
    assert response.headers["content-security-policy"] == CSP
    assert "script-src 'self'" in CSP and "unsafe-inline" not in CSP
    assert response.headers["x-content-type-options"] == "nosniff"
    assert "access-control-allow-origin" not in response.headers
    preflight = client.options(
        "/api/events",
        headers={"origin": "https://evil.example", "access-control-request-method": "GET"},
    )
    assert "access-control-allow-origin" not in preflight.headers


def test_a_server_error_is_json_without_a_traceback(store: Store) -> None:
    class Broken:
        def code(self, articles: list[Article]) -> Iterator[CodedArticle]:
            raise RuntimeError("secret internals")

    app = create_app(store, coder=Broken)
    with TestClient(app, raise_server_exceptions=False) as c:
        response = c.post("/api/code", json={"text": "Iran met Russia."})
    assert response.status_code == 500
    assert response.json() == {
        "status": 500,
        "error": "Internal Server Error",
        "detail": "internal server error",
    }
    assert "secret" not in response.text
    assert response.headers["content-security-policy"] == CSP


def test_sql_injection_is_just_text(client: TestClient) -> None:
    data = client.get("/api/events", params={"q": "' OR 1=1; DROP TABLE mentions; --"}).json()
    assert data["count"] == 0
    assert client.get("/api").json()["stats"]["mentions"] == 16


def test_openapi_describes_every_endpoint(client: TestClient) -> None:
    spec = client.get("/openapi.json").json()
    assert {
        "/api",
        "/api/events",
        "/api/events/{event_id}",
        "/api/articles/{article_id}",
        "/api/trend",
        "/api/actors",
        "/api/actors/{code}",
        "/api/dyads",
        "/api/code",
        "/api/articles",
    } <= set(spec["paths"])
    docs = client.get("/docs")
    assert docs.status_code == 200 and "/api/trend" in docs.text
    assert "cdn" not in docs.text.lower()


def test_serve_command_is_documented() -> None:
    from click.testing import CliRunner

    from tacitus.cli import main

    result = CliRunner().invoke(main, ["serve", "--help"])
    assert result.exit_code == 0
    assert "--db" in result.output and "127.0.0.1" in result.output


# -- property-based: no input makes a server error -------------------------------------

import schemathesis  # noqa: E402
from hypothesis import HealthCheck, settings  # noqa: E402

_fuzz_store = fill(Store(":memory:"))
_fuzz_app = create_app(_fuzz_store, token="fuzz-token", coder=FakeCoder)
schema = schemathesis.openapi.from_asgi("/openapi.json", _fuzz_app)


@schema.parametrize()
@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    database=None,
)
def test_no_input_makes_a_server_error(case: schemathesis.Case) -> None:
    response = case.call(headers={"authorization": "Bearer fuzz-token"})
    assert response.status_code < 500, response.text
    ctype = response.headers.get("content-type") or [""]
    assert ctype[0].split(";")[0] in ("application/json", "text/csv")


def test_serve_binds_loopback_and_creates_a_missing_store(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import uvicorn
    from click.testing import CliRunner

    from tacitus.cli import main

    calls: list[tuple[object, dict[str, object]]] = []
    monkeypatch.setattr(uvicorn, "run", lambda app, **kw: calls.append((app, kw)))
    monkeypatch.setenv("TACITUS_TOKEN", "tok")
    db = tmp_path / "new.db"
    result = CliRunner().invoke(main, ["serve", "--db", str(db)])
    assert result.exit_code == 0, result.output
    assert db.exists()
    app, options = calls[0]
    assert options["host"] == "127.0.0.1" and options["port"] == 8000
    assert app.state.token == "tok"  # type: ignore[attr-defined]
    bad = tmp_path / "not-a-store.db"
    bad.write_text("hello")
    result = CliRunner().invoke(main, ["serve", "--db", str(bad)])
    assert result.exit_code != 0 and "Traceback" not in result.output
