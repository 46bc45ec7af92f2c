"""The dashboard: server-rendered pages, each drawn from the data of its JSON twin."""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import quote, urlencode

from fastapi import APIRouter, HTTPException, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from tacitus.web.annotate import segment
from tacitus.web.api import Access, Cursor, Filter, Limit, Period, events_page, trend_data
from tacitus.web.params import parse_int, period_range, require_code
from tacitus.web.svg import fill_periods, partner_network, trend_chart
from tacitus.web.views import (
    actor_view,
    article_view,
    event_view,
    overview,
    sentence_blocks,
    top_actors,
    top_dyads,
)

__all__ = ["router"]

router = APIRouter(include_in_schema=False)


def render(request: Request, name: str, *, twin: str | None, **context: Any) -> HTMLResponse:
    template = request.app.state.templates.get_template(name)
    page = template.render(request=request, twin=twin, path=request.url.path, **context)
    return HTMLResponse(page)


def _query(**params: Any) -> str:
    clean = {k: v for k, v in params.items() if v not in (None, "", False)}
    return "?" + urlencode(clean) if clean else ""


@router.get("/", response_class=HTMLResponse)
def home(request: Request, stores: Access) -> HTMLResponse:
    data = overview(stores)
    return render(request, "home.html", twin="/api", **data)


@router.get("/events", response_class=HTMLResponse)
def events(
    request: Request, stores: Access, filt: Filter, limit: Limit = None, cursor: Cursor = None
) -> HTMLResponse:
    n = parse_int("limit", limit, lo=1, hi=500, default=50)
    assert n is not None
    data = events_page(stores, filt, n, cursor)
    query = filt.query()
    return render(
        request,
        "events.html",
        twin="/api/events" + _query(**query, limit=limit, cursor=cursor),
        csv="/api/events" + _query(**query, format="csv"),
        next_url="/events" + _query(**query, limit=limit, cursor=data["next_cursor"])
        if data["next_cursor"]
        else None,
        first_url="/events" + _query(**query, limit=limit) if cursor else None,
        filt=filt,
        **data,
    )


@router.get("/events/{event_id}", response_class=HTMLResponse)
def event(request: Request, event_id: str, stores: Access) -> HTMLResponse:
    with stores.read() as store:
        ev = store.event(event_id)
    if ev is None:
        raise HTTPException(404, f"no event {event_id!r}")
    data = event_view(ev)
    mentions = data["mentions"] if isinstance(data.get("mentions"), list) else []
    return render(
        request,
        "event.html",
        twin=f"/api/events/{quote(event_id, safe='')}",
        ev=data,
        blocks=sentence_blocks(data),
        mentions=[(m, sentence_blocks(m)) for m in mentions],
    )


@router.get("/articles/{article_id:path}", response_class=HTMLResponse)
def article(request: Request, article_id: str, stores: Access) -> HTMLResponse:
    with stores.read() as store:
        found = store.article(article_id)
    if found is None:
        raise HTTPException(404, f"no article {article_id!r}")
    data, marks = article_view(found)
    return render(
        request,
        "article.html",
        twin=f"/api/articles/{quote(article_id, safe='')}",
        article=data,
        blocks=segment(str(data.get("text") or ""), marks),
    )


@router.get("/dyads", response_class=HTMLResponse)
def dyads(request: Request, stores: Access, limit: Limit = None) -> HTMLResponse:
    n = parse_int("limit", limit, lo=1, hi=500, default=100)
    rows = top_dyads(stores, limit=n or 100)
    return render(request, "dyads.html", twin="/api/dyads" + _query(limit=limit), dyads=rows)


@router.get("/dyad")
def dyad_form(
    a: Annotated[str | None, Query(max_length=40)] = None,
    b: Annotated[str | None, Query(max_length=40)] = None,
) -> RedirectResponse:
    code_a, code_b = require_code("a", a), require_code("b", b)
    return RedirectResponse(f"/dyads/{code_a}/{code_b}", status_code=303)


@router.get("/dyads/{a}/{b}", response_class=HTMLResponse)
def dyad(
    request: Request,
    stores: Access,
    a: str,
    b: str,
    by: Annotated[Period, Query()] = "month",
    both_directions: str | None = None,
    since: str | None = None,
    until: str | None = None,
    period: Annotated[str | None, Query(max_length=20)] = None,
) -> HTMLResponse:
    data = trend_data(stores, a, b, by, both_directions, since, until)
    both = data["both_directions"]
    keep = {"by": by if by != "month" else None, "both_directions": "true" if both else None}
    keep |= {"since": data["since"], "until": data["until"]}
    base = f"/dyads/{data['a']}/{data['b']}"
    chosen = None
    period_events: list[dict[str, Any]] = []
    if period:
        chosen = next((p for p in data["periods"] if p["period"] == period), None)
        if chosen is None:
            raise HTTPException(404, f"no events in period {period!r}")
        first, last = period_range(period, by)
        with stores.read() as store:
            period_events, _ = store.events(
                dyad=(data["a"], data["b"]),
                both_directions=both,
                since=first,
                until=last,
                limit=200,
            )
    chart = trend_chart(
        fill_periods(data["periods"], by),
        link=lambda p: base + _query(**keep, period=p) + "#period",
        selected=period,
        title=f"{data['a']} → {data['b']}{' and back' if both else ''}, by {by}",
    )
    return render(
        request,
        "dyad.html",
        twin="/api/trend" + _query(a=data["a"], b=data["b"], **(keep | {"by": by})),
        data=data,
        chart=chart,
        period=chosen,
        period_events=period_events,
        base=base,
        keep=keep,
        flip=f"/dyads/{data['b']}/{data['a']}" + _query(**keep),
        toggle=base + _query(**(keep | {"both_directions": None if both else "true"})),
    )


@router.get("/dyads/{a}/{b}/chart.svg")
def dyad_svg(
    stores: Access,
    a: str,
    b: str,
    by: Annotated[Period, Query()] = "month",
    both_directions: str | None = None,
    since: str | None = None,
    until: str | None = None,
) -> Response:
    data = trend_data(stores, a, b, by, both_directions, since, until)
    svg = trend_chart(
        fill_periods(data["periods"], by), title=f"{data['a']} → {data['b']}, by {by}"
    )
    return Response(svg, media_type="image/svg+xml")


@router.get("/actors", response_class=HTMLResponse)
def actors(request: Request, stores: Access, limit: Limit = None) -> HTMLResponse:
    n = parse_int("limit", limit, lo=1, hi=500, default=100)
    rows = top_actors(stores, limit=n or 100)
    return render(request, "actors.html", twin="/api/actors" + _query(limit=limit), actors=rows)


@router.get("/actors/{code}", response_class=HTMLResponse)
def actor(request: Request, code: str, stores: Access) -> HTMLResponse:
    actor_code = require_code("code", code)
    data = actor_view(stores, actor_code)
    network = partner_network(
        actor_code,
        [(p["code"], p["events"], p["goldstein_mean"]) for p in data["partners"]],
        link=lambda other: f"/dyads/{actor_code}/{other}?both_directions=true",
    )
    return render(request, "actor.html", twin=f"/api/actors/{actor_code}", network=network, **data)


@router.get("/docs", response_class=HTMLResponse)
def docs(request: Request) -> HTMLResponse:
    spec = request.app.openapi()
    return render(request, "docs.html", twin="/openapi.json", spec=spec)
