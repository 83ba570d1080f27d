"""The FastAPI application: routers of thin routes over the application layer (``service``), and its errors mapped to HTTP."""

from __future__ import annotations

import logging
import secrets
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from fastapi_offline import FastAPIOffline
from starlette.exceptions import HTTPException as StarletteHTTPException

from api import admin, ledgers, login, nodes, pages, queries, records
from api.limits import BodyLimit
from api.schemas import ErrorOut
from api.schemas import error_response as _error
from graph.errors import InvariantViolation, StoreUnavailable, UnknownNode, WrongKind
from graph.settings import Settings, get_settings, open_store
from graph.store import GraphStore
from service.bootstrap import bootstrap
from service.context import Forbidden

__all__ = ["create_app"]

_ERRORS = {
    401: {"model": ErrorOut},
    403: {"model": ErrorOut},
    404: {"model": ErrorOut},
    422: {"model": ErrorOut},
    500: {"model": ErrorOut},
    503: {"model": ErrorOut},
}
_HTTP_CODES = {401: "unauthenticated", 403: "forbidden", 404: "not_found", 413: "too_large", 422: "invalid", 429: "rate_limited"}

log = logging.getLogger("grassroots.api")


def create_app(settings: Settings | None = None, *, store_factory: Callable[[Settings], GraphStore] = open_store) -> FastAPI:
    """The app; it bootstraps its services (store, keys) when it starts and closes them when it stops."""

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        with bootstrap(settings or get_settings(), store_factory=store_factory) as services:
            app.state.services = services
            yield

    app = FastAPIOffline(  # /docs and /redoc from assets packaged with fastapi-offline: they draw on an intranet with no internet
        title="grassroots-graph",
        summary="The party-building network of a district (党建引领基层治理): territory, the chain that covers it, and its gaps.",
        version="0.1.0",
        lifespan=lifespan,
        responses=_ERRORS,
    )
    _error_handlers(app)
    app.add_middleware(BodyLimit, exempt={"/imports"})  # an upload streams to a file under its own limit
    app.include_router(nodes.router)
    app.include_router(queries.router)
    app.include_router(ledgers.router)
    app.include_router(pages.router)
    app.include_router(records.router)
    app.include_router(admin.router)
    app.include_router(login.router)
    return app


def _error_handlers(app: FastAPI) -> None:
    @app.exception_handler(UnknownNode)
    async def unknown(_: Request, exc: UnknownNode) -> JSONResponse:
        return _error(404, "not_found", f"{exc}; check the id (ids are case-sensitive)")

    @app.exception_handler(InvariantViolation)
    async def refused(_: Request, exc: InvariantViolation) -> JSONResponse:
        found = [{"rule": v.rule, "node_id": v.node_id, "message": v.message} for v in exc.violations]
        return _error(422, "refused", str(exc), found)

    @app.exception_handler(StoreUnavailable)
    async def unavailable(_: Request, exc: StoreUnavailable) -> JSONResponse:
        response = _error(503, "unavailable", str(exc))
        response.headers["Retry-After"] = "5"
        return response

    @app.exception_handler(Forbidden)
    async def forbidden(_: Request, exc: Forbidden) -> JSONResponse:
        return _error(403, "forbidden", str(exc))

    @app.exception_handler(WrongKind)
    async def wrong_kind(_: Request, exc: WrongKind) -> JSONResponse:
        return _error(422, "invalid", str(exc))

    @app.exception_handler(StarletteHTTPException)
    async def http_error(_: Request, exc: StarletteHTTPException) -> JSONResponse:
        code = _HTTP_CODES.get(exc.status_code, "http_error")
        message = f"{exc.detail}: see /docs for the routes this service has" if exc.status_code == 404 else str(exc.detail)
        response = _error(exc.status_code, code, message)
        response.headers.update(exc.headers or {})
        return response

    @app.exception_handler(RequestValidationError)
    async def invalid_request(_: Request, exc: RequestValidationError) -> JSONResponse:
        parts = [f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in exc.errors()]
        return _error(422, "invalid", "; ".join(parts))

    @app.exception_handler(Exception)
    async def internal(request: Request, exc: Exception) -> JSONResponse:
        # The last resort: the client learns that it failed and a reference, never a path, a query or a secret;
        # the log keeps the whole traceback under that reference.
        reference = secrets.token_hex(4)
        log.error("internal error %s on %s %s", reference, request.method, request.url.path, exc_info=exc)
        message = f"服务器内部错误 (an internal error, reference {reference}): try again; if it persists, give the operator this reference"
        return _error(500, "internal", message)
