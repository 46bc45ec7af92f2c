"""The FastAPI app: API under /api, dashboard pages beside it, safety middleware around both."""

from __future__ import annotations

import hmac
import html
import json
import logging
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from http import HTTPStatus
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlencode, urlsplit

import jinja2
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from tacitus import __version__
from tacitus.store import Store, StoreError
from tacitus.web.access import StoreAccess
from tacitus.web.params import BadParameter

__all__ = ["CSP", "app_from_env", "create_app"]

log = logging.getLogger("tacitus.web")

HERE = Path(__file__).parent
MAX_BODY = 64 * 1024
MAX_CODE_BODY = 200 * 1000
MAX_INGEST_BODY = 10 * 1000 * 1000

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; "
    "frame-ancestors 'none'"
)
SECURITY_HEADERS = [
    (b"content-security-policy", CSP.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
    (b"x-frame-options", b"DENY"),
]


def wants_json(path: str) -> bool:
    return path == "/api" or path.startswith("/api/") or path == "/openapi.json"


def error_body(status: int, detail: str, **extra: Any) -> dict[str, Any]:
    return {"status": status, "error": HTTPStatus(status).phrase, "detail": detail, **extra}


def token_ok(expected: str | None, authorization: str | None) -> bool:
    """True when `authorization` is "Bearer <expected>" (constant-time compare)."""
    if not expected or not authorization:
        return False
    scheme, _, given = authorization.partition(" ")
    if scheme.lower() != "bearer":
        return False
    return hmac.compare_digest(given.strip().encode(), expected.encode())


class Guard:
    """Outermost ASGI layer: security headers, body-size limits, the ingest token, and
    a JSON (or HTML) 500 instead of a traceback when anything below fails."""

    def __init__(self, app: ASGIApp, *, limits: dict[str, int], token: str | None) -> None:
        self.app = app
        self.limits = limits
        self.token = token

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def send_secured(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
                message["headers"] = [
                    *[(k, v) for k, v in message.get("headers", []) if k != b"server"],
                    *SECURITY_HEADERS,
                ]
            await send(message)

        path = scope["path"]
        method = scope["method"]
        headers = dict(scope.get("headers") or [])
        if method == "POST" and path == "/api/articles":
            if not self.token:
                await self._error(scope, send_secured, 403, "ingest is disabled on this server")
                return
            auth = headers.get(b"authorization", b"").decode("latin-1")
            if not token_ok(self.token, auth):
                await self._error(scope, send_secured, 403, "a valid bearer token is required")
                return
        body_receive = receive
        if method in ("POST", "PUT", "PATCH", "DELETE"):
            limit = self.limits.get(path, MAX_BODY)
            declared = headers.get(b"content-length")
            if declared is not None and (not declared.isdigit() or int(declared) > limit):
                await self._error(scope, send_secured, 413, f"the body is over {limit} bytes")
                return
            chunks: list[bytes] = []
            size = 0
            while True:
                message = await receive()
                if message["type"] == "http.disconnect":
                    return
                chunk = message.get("body", b"")
                size += len(chunk)
                if size > limit:
                    await self._error(scope, send_secured, 413, f"the body is over {limit} bytes")
                    return
                chunks.append(chunk)
                if not message.get("more_body"):
                    break
            body = b"".join(chunks)
            replayed = False

            async def body_receive() -> Message:
                nonlocal replayed
                if not replayed:
                    replayed = True
                    return {"type": "http.request", "body": body, "more_body": False}
                return await receive()

        try:
            await self.app(scope, body_receive, send_secured)
        except Exception:
            log.exception("error in %s %s", method, path)
            if not started:
                await self._error(scope, send_secured, 500, "internal server error")

    @staticmethod
    async def _error(scope: Scope, send: Send, status: int, detail: str) -> None:
        if wants_json(scope["path"]):
            body = json.dumps(error_body(status, detail)).encode()
            ctype = b"application/json"
        else:
            body = (
                f"<!doctype html><title>{status}</title><h1>{status} "
                f"{HTTPStatus(status).phrase}</h1><p>{html.escape(detail)}</p>"
            ).encode()
            ctype = b"text/html; charset=utf-8"
        await send(
            {
                "type": "http.response.start",
                "status": status,
                "headers": [(b"content-type", ctype), (b"content-length", str(len(body)).encode())],
            }
        )
        await send({"type": "http.response.body", "body": body})


def _templates() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("tacitus.web", "templates"),
        autoescape=True,  # every value, in every template
        undefined=jinja2.ChainableUndefined,  # a missing field shows as blank
        trim_blocks=True,
        lstrip_blocks=True,
    )

    def url(path: str, params: dict[str, Any] | None = None, **more: Any) -> str:
        merged = {**(params or {}), **more}
        query = urlencode({k: v for k, v in merged.items() if v not in (None, "")})
        return f"{path}?{query}" if query else path

    def plural(n: int, word: str) -> str:
        return f"{n:,} {word}" + ("" if n == 1 else "s")

    def web_url(value: Any) -> str | None:
        # Escaping does not stop a javascript: link: only http(s) URLs become links.
        text = str(value or "").strip()
        return text if urlsplit(text).scheme.lower() in ("http", "https") else None

    def seg(value: Any) -> str:
        """A value as one URL path segment (article ids may hold / ? # or spaces)."""
        return quote(str(value), safe="")

    env.globals.update(url=url, version=__version__)
    env.filters["seg"] = seg
    env.filters["web_url"] = web_url
    env.filters["plural"] = plural
    return env


def create_app(
    store: str | Path | Store,
    *,
    token: str | None = None,
    coder: Callable[[], Any] | None = None,
    max_code_body: int = MAX_CODE_BODY,
    max_ingest_body: int = MAX_INGEST_BODY,
) -> FastAPI:
    """The app over `store` (a path, ":memory:", or an open Store).

    `token` enables POST /api/articles for clients sending it as a bearer token;
    `coder` returns the Coder to use (default: tacitus.coder.get_coder()).
    """
    from tacitus.web import api, pages
    from tacitus.web.views import warm

    access = StoreAccess(store)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        if access.path is not None:
            warm(access)
        yield
        access.close()

    app = FastAPI(
        lifespan=lifespan,
        title="Tacitus",
        version=__version__,
        description=(
            "Political events coded from English news (PLOVER/CAMEO, QuadClass, Goldstein), "
            "with their evidence. Every dashboard page has a JSON twin under /api."
        ),
        docs_url=None,  # /docs is ours: offline, no CDN, within the CSP
        redoc_url=None,
    )
    app.state.access = access
    app.state.token = token
    app.state.coder = coder
    app.state.templates = _templates()
    app.include_router(api.router)
    app.include_router(pages.router)
    app.mount("/static", StaticFiles(packages=[("tacitus.web", "static")]), name="static")
    _add_error_handlers(app)
    app.add_middleware(
        Guard,
        limits={"/api/code": max_code_body, "/api/articles": max_ingest_body},
        token=token,
    )
    return app


def app_from_env() -> FastAPI:
    """The app over $TACITUS_DB, with $TACITUS_TOKEN: for `tacitus serve --workers N`."""
    import os

    return create_app(os.environ["TACITUS_DB"], token=os.environ.get("TACITUS_TOKEN") or None)


def _add_error_handlers(app: FastAPI) -> None:
    def respond(request: Request, status: int, detail: str, **extra: Any) -> Response:
        if wants_json(request.url.path):
            return JSONResponse(error_body(status, detail, **extra), status_code=status)
        page = app.state.templates.get_template("error.html").render(
            status=status,
            phrase=HTTPStatus(status).phrase,
            detail=detail,
            request=request,
            path=request.url.path,
            twin=None,
        )
        return HTMLResponse(page, status_code=status)

    async def on_http(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, StarletteHTTPException)
        detail = exc.detail if isinstance(exc.detail, str) else json.dumps(exc.detail)
        response = respond(request, exc.status_code, detail)
        if exc.headers:
            response.headers.update(exc.headers)
        return response

    async def on_validation(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, RequestValidationError)
        errors = exc.errors()
        in_body = any(e.get("loc", ("",))[0] == "body" for e in errors)
        detail = "; ".join(
            ".".join(str(p) for p in e.get("loc", ())) + ": " + str(e.get("msg")) for e in errors
        )
        return respond(request, 422 if in_body else 400, detail)

    async def on_bad_parameter(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, BadParameter)
        return respond(request, 400, str(exc), parameter=exc.parameter)

    async def on_store_error(request: Request, exc: Exception) -> Response:
        return respond(request, 400, str(exc))

    app.add_exception_handler(StarletteHTTPException, on_http)
    app.add_exception_handler(RequestValidationError, on_validation)
    app.add_exception_handler(BadParameter, on_bad_parameter)
    app.add_exception_handler(StoreError, on_store_error)
