"""The JSON API under /api: the twin of every dashboard page, plus coding and ingest."""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import threading
from typing import Annotated, Any, Literal
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, HTTPException, Query, Request
from fastapi.responses import JSONResponse, StreamingResponse
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from pydantic import BaseModel, ConfigDict, Field

from tacitus.records import Article
from tacitus.web.access import StoreAccess
from tacitus.web.params import (
    MAX_CURSOR,
    EventFilter,
    event_filter,
    parse_bool,
    parse_code,
    parse_date,
    parse_int,
    require_code,
)
from tacitus.web.views import (
    actor_view,
    article_view,
    csv_rows,
    event_pages,
    event_view,
    overview,
    top_actors,
    top_dyads,
)

__all__ = ["router"]

router = APIRouter(prefix="/api", tags=["api"])

MAX_TEXT = 200_000
MAX_ARTICLES = 1000
_CODER_LOCK = threading.Lock()

Filter = Annotated[EventFilter, Depends(event_filter)]
Limit = Annotated[str | None, Query(description="How many (JSON: 1-500, default 50).")]
Cursor = Annotated[
    str | None,
    Query(description="The next_cursor of the previous page.", max_length=MAX_CURSOR),
]


def ok(data: dict[str, Any]) -> JSONResponse:
    """Store rows are JSON already: skip FastAPI's slow recursive encoder."""
    return JSONResponse(data)


async def access(request: Request) -> StoreAccess:  # async: no thread hop for a lookup
    store: StoreAccess = request.app.state.access
    return store


Access = Annotated[StoreAccess, Depends(access)]


@router.get("", summary="Overview: counts, date range, latest events, busiest dyads")
def api_overview(stores: Access) -> JSONResponse:
    data = overview(stores)
    return ok(
        data
        | {
            "links": {
                "events": "/api/events",
                "trend": "/api/trend?a=IRN&b=RUS&by=month",
                "actors": "/api/actors",
                "dyads": "/api/dyads",
                "openapi": "/openapi.json",
                "docs": "/docs",
            }
        }
    )


def events_page(
    stores: StoreAccess, filt: EventFilter, limit: int, cursor: str | None
) -> dict[str, Any]:
    with stores.read() as store:
        events, next_cursor = store.events(**filt.store_kwargs(), limit=limit, cursor=cursor)
    return {
        "filter": filt.query(),
        "count": len(events),
        "events": events,
        "next_cursor": next_cursor,
    }


@router.get(
    "/events",
    summary="Events, newest first, filtered; cursor-paginated; JSON or CSV",
    responses={200: {"content": {"text/csv": {}}}},
)
def api_events(
    stores: Access,
    filt: Filter,
    limit: Limit = None,
    cursor: Cursor = None,
    format: Annotated[
        Literal["json", "csv"],
        Query(description="json (one page) or csv (every match from the cursor on)."),
    ] = "json",
) -> Any:
    if format == "csv":
        n = parse_int("limit", limit, lo=1, hi=100_000, default=10_000)
        assert n is not None
        # A bad cursor must fail here, as a 400, not halfway through the stream.
        with stores.read() as store:
            store.events(**filt.store_kwargs(), limit=1, cursor=cursor)
        return StreamingResponse(
            csv_rows(event_pages(stores.read, filt, limit=n, cursor=cursor)),
            media_type="text/csv; charset=utf-8",
            headers={"content-disposition": 'attachment; filename="events.csv"'},
        )
    n = parse_int("limit", limit, lo=1, hi=500, default=50)
    assert n is not None
    data = events_page(stores, filt, n, cursor)
    if data["next_cursor"]:
        query = {**filt.query(), "limit": str(n), "cursor": data["next_cursor"]}
        # Relative: a Host header is the client's to choose, not ours to echo back.
        data["next"] = "/api/events?" + urlencode(query)
    else:
        data["next"] = None
    return ok(data)


@router.get("/events/{event_id}", summary="One event with its evidence (and its mentions)")
def api_event(event_id: str, stores: Access) -> JSONResponse:
    with stores.read() as store:
        ev = store.event(event_id)
    if ev is None:
        raise HTTPException(404, f"no event {event_id!r}")
    return ok(event_view(ev))


@router.get("/articles/{article_id:path}", summary="An article's text with its annotations")
def api_article(article_id: str, stores: Access) -> JSONResponse:
    with stores.read() as store:
        article = store.article(article_id)
    if article is None:
        raise HTTPException(404, f"no article {article_id!r}")
    data, _ = article_view(article)
    return ok(data)


def trend_data(
    stores: StoreAccess,
    a: str | None,
    b: str | None,
    by: str,
    both: str | None,
    since: str | None,
    until: str | None,
) -> dict[str, Any]:
    code_a, code_b = require_code("a", a), require_code("b", b)
    both_directions = parse_bool("both_directions", both, default=False)
    first, last = parse_date("since", since), parse_date("until", until)
    # A dyad's whole history is aggregated: remembered until the store changes.
    periods = stores.memo(
        ("trend", code_a, code_b, by, both_directions, first, last),
        lambda store: store.trend(
            code_a, code_b, by=by, both_directions=both_directions, since=first, until=last
        ),
    )
    return {
        "a": code_a,
        "b": code_b,
        "by": by,
        "both_directions": both_directions,
        "since": first,
        "until": last,
        "periods": periods,
    }


Period = Literal["day", "week", "month", "year"]


@router.get("/trend", summary="A dyad's events per period by QuadClass, with Goldstein")
def api_trend(
    stores: Access,
    a: Annotated[str | None, Query(description="Source actor code.", max_length=40)] = None,
    b: Annotated[str | None, Query(description="Target actor code.", max_length=40)] = None,
    by: Annotated[Period, Query(description="Period length.")] = "month",
    both_directions: Annotated[
        str | None, Query(description="Count b→a too (default false).")
    ] = None,
    since: Annotated[str | None, Query(description="First date, inclusive.")] = None,
    until: Annotated[str | None, Query(description="Last date, inclusive.")] = None,
) -> JSONResponse:
    return ok(trend_data(stores, a, b, by, both_directions, since, until))


@router.get("/actors", summary="The most active actors")
def api_actors(stores: Access, limit: Limit = None) -> JSONResponse:
    n = parse_int("limit", limit, lo=1, hi=500, default=50)
    return ok({"actors": top_actors(stores, limit=n or 50)})


@router.get("/actors/{code}", summary="An actor's partners, most events first")
def api_actor(code: str, stores: Access, limit: Limit = None) -> JSONResponse:
    actor = require_code("code", code)
    n = parse_int("limit", limit, lo=1, hi=500, default=50)
    return ok(actor_view(stores, actor, limit=n or 50))


@router.get("/dyads", summary="The most active (source, target) pairs")
def api_dyads(
    stores: Access,
    limit: Limit = None,
    actor: Annotated[str | None, Query(description="Only dyads with this actor.")] = None,
) -> JSONResponse:
    n = parse_int("limit", limit, lo=1, hi=500, default=50)
    code = parse_code("actor", actor)
    return ok({"dyads": top_dyads(stores, limit=n or 50, actor=code)})


class TextIn(BaseModel):
    """A text to code."""

    model_config = ConfigDict(extra="forbid")
    text: str = Field(min_length=1, max_length=MAX_TEXT)
    published: dt.date | None = Field(None, description="Resolves 'Tuesday' and the like.")
    id: str = Field("text", max_length=200)


class ArticleIn(BaseModel):
    """An article to code and store; the id defaults to a hash of the text."""

    model_config = ConfigDict(extra="forbid")
    text: str = Field(min_length=1, max_length=MAX_TEXT)
    id: str | None = Field(None, min_length=1, max_length=200)
    title: str | None = Field(None, max_length=2000)
    url: str | None = Field(None, max_length=2000)
    publisher: str | None = Field(None, max_length=200)
    published: dt.date | None = None
    language: str | None = Field(None, max_length=20)

    def article(self) -> Article:
        ident = self.id or "sha1-" + hashlib.sha1(self.text.encode("utf-8")).hexdigest()[:16]
        return Article(**self.model_dump(exclude={"id"}), id=ident)


class ArticlesIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    articles: list[ArticleIn] = Field(min_length=1, max_length=MAX_ARTICLES)


def _coder(request: Request) -> Any:
    factory = request.app.state.coder
    if factory is None:
        from tacitus.coder import get_coder

        return get_coder()
    return factory()


def _coded(coded: Any) -> dict[str, Any]:
    return {
        "article": coded.article.to_dict(),
        "events": [e.to_dict() for e in coded.events],
        "quotes": [q.to_dict() for q in coded.quotes],
        "actors": [a.to_dict() for a in coded.actors],
        "problem": coded.problem,
    }


@router.post("/code", summary="Code a text (up to 200 kB) and return its events; stores nothing")
def api_code(body: TextIn, request: Request) -> dict[str, Any]:
    article = Article(id=body.id, text=body.text, published=body.published)
    coder = _coder(request)
    with _CODER_LOCK:
        coded = next(iter(coder.code([article])))
    return _coded(coded)


bearer = HTTPBearer(auto_error=False, description="TACITUS_TOKEN, when the server sets one.")


@router.post(
    "/articles",
    summary="Code and store articles (needs the server's TACITUS_TOKEN as a bearer token)",
    responses={403: {"description": "Ingest disabled, or a wrong or missing token."}},
)
def api_ingest(
    body: ArticlesIn,
    request: Request,
    stores: Access,
    _auth: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)] = None,
) -> dict[str, Any]:
    # The Guard middleware has already checked the token, before reading the body.
    articles = [a.article() for a in body.articles]
    coder = _coder(request)
    with _CODER_LOCK:
        coded = list(coder.code(articles))
    with stores.write() as store:
        stats = store.add(coded)
    return {
        "stats": dataclasses.asdict(stats),
        "articles": [
            {"id": c.article.id, "events": len(c.events), "problem": c.problem} for c in coded
        ],
    }
