"""The FastAPI application: thin routes that call ``graph`` and map its errors to HTTP."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import Annotated

from fastapi import Depends, FastAPI, HTTPException, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from api import admin, ledgers, pages, queries, records
from api.auth import PrincipalDep, authorise
from api.deps import StoreDep
from api.keys import KeyRing, mask_phone
from api.schemas import EdgePageOut, ErrorOut, HealthOut, NodeOut, StatsOut
from graph.errors import InvariantViolation, StoreUnavailable, UnknownNode, WrongKind
from graph.model import EdgeKind, Level, Member, NodeKind
from graph.settings import Settings, get_settings, open_store
from graph.store import Direction, GraphStore

__all__ = ["create_app"]

_ERRORS = {401: {"model": ErrorOut}, 403: {"model": ErrorOut}, 404: {"model": ErrorOut}, 422: {"model": ErrorOut}, 503: {"model": ErrorOut}}
_HTTP_CODES = {401: "unauthenticated", 403: "forbidden", 404: "not_found", 413: "too_large", 422: "invalid"}


def create_app(settings: Settings | None = None, *, store_factory: Callable[[Settings], GraphStore] = open_store) -> FastAPI:
    """The app; it opens the store its settings select when it starts and closes it when it stops."""

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        chosen = settings or get_settings()
        app.state.settings = chosen
        app.state.keys = KeyRing(chosen.keys_path)
        app.state.store = store_factory(chosen)
        app.state.store_kind = chosen.store.value
        try:
            yield
        finally:
            app.state.store.close()

    app = FastAPI(
        title="grassroots-graph",
        summary="The party-building network of a district (党建引领基层治理): territory, the chain that covers it, and its gaps.",
        version="0.1.0",
        lifespan=lifespan,
        responses=_ERRORS,  # type: ignore[arg-type]
        dependencies=[Depends(authorise)],  # every route: a key, the role it needs, every id within the key's scope
    )
    _error_handlers(app)
    app.include_router(queries.router)
    app.include_router(ledgers.router)
    app.include_router(pages.router)
    app.include_router(records.router)
    app.include_router(admin.router)

    @app.get("/", include_in_schema=False)
    def index(store: StoreDep, principal: PrincipalDep) -> RedirectResponse:
        if principal.scope is not None:
            return RedirectResponse(f"/map?scope={principal.scope}")
        root = next((t.id for t in store.nodes(NodeKind.TERRITORY) if t.level is Level.DISTRICT), None)  # type: ignore[union-attr]
        return RedirectResponse(f"/map?scope={root}" if root else "/docs")

    @app.get("/health", response_model=HealthOut)
    def health(request: Request, store: StoreDep) -> HealthOut:
        """Whether the service and its store answer."""
        store.count()  # a round trip to the store that costs it nothing: no scan by kind
        return HealthOut(status="ok", store=request.app.state.store_kind)

    @app.get("/stats", response_model=StatsOut)
    def stats(store: StoreDep, principal: PrincipalDep) -> StatsOut:
        """How many nodes and edges of each kind the graph holds (for keys that see the whole graph)."""
        if principal.scope is not None:
            raise HTTPException(403, f"counts of the whole graph are for keys without a scope; see /scopes/{principal.scope}/coverage")
        return StatsOut(nodes={k.value: store.count(k) for k in NodeKind}, edges={k.value: store.count_edges(k) for k in EdgeKind})

    @app.get("/nodes/{node_id}", response_model=NodeOut)
    def get_node(node_id: str, store: StoreDep, principal: PrincipalDep) -> NodeOut:
        """One node of any kind, with its provenance; a member's phone is masked for viewers."""
        node = store.node(node_id)
        if isinstance(node, Member) and not principal.sees_personal_data:
            node = node.model_copy(update={"phone": mask_phone(node.phone), "properties": {}})  # a member's extra columns may be personal
        return NodeOut(node=node)

    @app.get("/nodes/{node_id}/edges", response_model=EdgePageOut)
    def node_edges(
        node_id: str,
        store: StoreDep,
        principal: PrincipalDep,
        direction: Direction = Direction.OUT,
        kind: EdgeKind | None = None,
        limit: Annotated[int, Query(ge=1, le=1000)] = 100,
        offset: Annotated[int, Query(ge=0)] = 0,
    ) -> EdgePageOut:
        """The edges leaving (``direction=out``) or entering (``in``) a node, a page at a time
        (for a key held to a territory, only those whose other end lies in it)."""
        found = store.edges_of(node_id, kind=kind, direction=direction)
        if principal.scope is not None:
            found = [e for e in found if principal.sees(store, e.target if direction is Direction.OUT else e.source)]
        found.sort(key=lambda e: (e.kind, e.source, e.target))
        return EdgePageOut(items=found[offset : offset + limit], total=len(found), limit=limit, offset=offset)

    return app


def _error(status: int, code: str, message: str, violations: list[dict[str, str]] | None = None) -> JSONResponse:
    body = ErrorOut.model_validate({"error": {"code": code, "message": message, "violations": violations or []}})
    return JSONResponse(body.model_dump(), status_code=status)


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
