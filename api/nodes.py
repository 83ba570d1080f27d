"""Routes for the graph itself: health, counts, one node and its edges, and the start page."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query
from fastapi.responses import RedirectResponse

from api.deps import AsOf, ServicesDep, ViewerContext
from api.schemas import EdgePageOut, HealthOut, NodeOut, StatsOut
from graph.model import EdgeKind
from graph.node_history import NodeHistory
from graph.store import Direction

__all__ = ["router"]

router = APIRouter(tags=["graph"])


@router.get("/health", response_model=HealthOut)
def health(services: ServicesDep) -> HealthOut:
    """Whether the service and its store answer (no key needed)."""
    services.store.count()  # a round trip to the store that costs it nothing: no scan by kind
    return HealthOut(status="ok", store=services.settings.store.value)


@router.get("/", include_in_schema=False)
def index(ctx: ViewerContext) -> RedirectResponse:
    home = ctx.home()
    return RedirectResponse(f"/map?scope={home}" if home else "/docs")


@router.get("/stats", response_model=StatsOut)
def stats(ctx: ViewerContext) -> StatsOut:
    """How many nodes and edges of each kind the graph holds (for keys that see the whole graph)."""
    nodes, edges = ctx.stats()
    return StatsOut(nodes=nodes, edges=edges)


@router.get("/nodes/{node_id}", response_model=NodeOut)
def get_node(node_id: str, ctx: ViewerContext, as_of: AsOf = None) -> NodeOut:
    """One node of any kind, with its provenance, its properties as on ``as_of``; a member's phone is masked for viewers."""
    return NodeOut(node=ctx.on(as_of).node(node_id))


@router.get("/nodes/{node_id}/history", response_model=NodeHistory)
def get_node_history(node_id: str, ctx: ViewerContext) -> NodeHistory:
    """A node's property history: each change with its day, field, old and new value, and the import that made it.

    Held to the key's territory and masked like the node (phones masked for viewers, in old values too)."""
    return ctx.history(node_id)


@router.get("/nodes/{node_id}/edges", response_model=EdgePageOut)
def node_edges(
    node_id: str,
    ctx: ViewerContext,
    direction: Direction = Direction.OUT,
    kind: EdgeKind | None = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
    offset: Annotated[int, Query(ge=0)] = 0,
) -> EdgePageOut:
    """The edges leaving (``direction=out``) or entering (``in``) a node, a page at a time
    (for a key held to a territory, only those whose other end it may name)."""
    page = ctx.edges(node_id, direction=direction, kind=kind, limit=limit, offset=offset)
    return EdgePageOut(items=page.items, total=page.total, limit=limit, offset=offset)
