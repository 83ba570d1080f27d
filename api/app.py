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

from api import admin, ledgers, login, nodes, pages, partners, queries, records
from api.language import RequestLanguage, request_language
from api.limits import BodyLimit
from api.schemas import ErrorOut
from api.schemas import error_response as _error
from graph.errors import InvariantViolation, StoreUnavailable, UnknownNode, WrongKind
from graph.i18n import Lang, _, using
from graph.settings import Settings, get_settings, open_store
from graph.store import GraphStore
from graph.validation import error_message
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
    default_lang = (settings or get_settings()).lang
    _error_handlers(app, default_lang=default_lang)
    app.add_middleware(BodyLimit, exempt={"/imports"})  # an upload streams to a file under its own limit
    app.add_middleware(RequestLanguage, default=default_lang)  # outermost: every message below is in the language asked for
    app.include_router(nodes.router)
    app.include_router(queries.router)
    app.include_router(partners.router)
    app.include_router(ledgers.router)
    app.include_router(pages.router)
    app.include_router(records.router)
    app.include_router(admin.router)
    app.include_router(login.router)
    return app


def _error_handlers(app: FastAPI, *, default_lang: Lang) -> None:
    """Every error as one shape (``code``, ``message``, ``details``): the code the same in every language, the message in the reader's."""

    @app.exception_handler(UnknownNode)
    async def unknown(_request: Request, exc: UnknownNode) -> JSONResponse:
        return _error(404, "not_found", str(exc))

    @app.exception_handler(InvariantViolation)
    async def refused(_request: Request, exc: InvariantViolation) -> JSONResponse:
        found = [{"rule": v.rule, "node_id": v.node_id, "message": v.message} for v in exc.violations]
        shown = "; ".join(str(v) for v in exc.violations[:5])
        if len(exc.violations) > 5:
            message = _("写入被拒绝，什么也没有写入：%(found)s（另有 %(more)s 条）", found=shown, more=len(exc.violations) - 5)
        else:
            message = _("写入被拒绝，什么也没有写入：%(found)s", found=shown)
        return _error(422, "refused", message, found)

    @app.exception_handler(StoreUnavailable)
    async def unavailable(_request: Request, exc: StoreUnavailable) -> JSONResponse:
        response = _error(503, "unavailable", str(exc))
        response.headers["Retry-After"] = "5"
        return response

    @app.exception_handler(Forbidden)
    async def forbidden(_request: Request, exc: Forbidden) -> JSONResponse:
        return _error(403, "forbidden", str(exc))

    @app.exception_handler(WrongKind)
    async def wrong_kind(_request: Request, exc: WrongKind) -> JSONResponse:
        return _error(422, "invalid", str(exc))

    @app.exception_handler(StarletteHTTPException)
    async def http_error(_request: Request, exc: StarletteHTTPException) -> JSONResponse:
        code = _HTTP_CODES.get(exc.status_code, "http_error")
        if exc.status_code == 404 and exc.detail == "Not Found":  # no route: Starlette's own words
            message = _("没有这个路径：本服务的路径见 /docs")
        elif exc.status_code == 405 and exc.detail == "Method Not Allowed":
            message = _("这个路径不接受这种请求方法：见 /docs")
        else:
            message = str(exc.detail)
        response = _error(exc.status_code, code, message)
        response.headers.update(exc.headers or {})
        return response

    @app.exception_handler(RequestValidationError)
    async def invalid_request(_request: Request, exc: RequestValidationError) -> JSONResponse:
        parts = [f"{'.'.join(str(p) for p in e['loc'])}: {error_message(e)}" for e in exc.errors()]
        return _error(422, "invalid", "; ".join(parts))

    @app.exception_handler(Exception)
    async def internal(request: Request, exc: Exception) -> JSONResponse:
        # The last resort: the client learns that it failed and a reference, never a path, a query or a secret;
        # the log keeps the whole traceback under that reference.
        reference = secrets.token_hex(4)
        log.error("internal error %s on %s %s", reference, request.method, request.url.path, exc_info=exc)
        with using(request_language(request.scope.get("headers", []), default=default_lang)):  # outside the language middleware
            message = _("服务器内部错误（编号 %(reference)s）：请重试；如果一直出错，请把这个编号告诉管理员", reference=reference)
        return _error(500, "internal", message)
