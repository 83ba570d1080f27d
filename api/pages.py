"""Pages for staff: the network map and the coverage dashboard of a scope, each one self-contained HTML page.

Thin routes, like the rest of ``api``: each calls one function of ``visualizations`` (which
reads ``graph``), and the app's error handlers turn an unknown scope into a 404. Both pages
inline every script and style they use, so they work on an intranet with no internet.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query
from fastapi.responses import HTMLResponse, Response

from api.deps import AsOf, ViewerContext
from visualizations.map import MAX_NODES

__all__ = ["router"]

router = APIRouter(tags=["pages"])

Scope = Annotated[
    str, Query(min_length=1, max_length=80, description="id of a territory (district, street, community...) or of its organisation")
]


@router.get("/map", response_class=HTMLResponse)
def map_page(
    ctx: ViewerContext,
    scope: Scope,
    as_of: AsOf = None,
    max_nodes: Annotated[int, Query(ge=50, le=20_000, description="draw at most about this many nodes; deeper levels are summarised")] = (
        MAX_NODES
    ),
) -> HTMLResponse:
    """The network map of a scope: the chain top to bottom, units, co-building, alliances and gaps outlined in red."""
    return HTMLResponse(ctx.on(as_of).map_page(scope, max_nodes=max_nodes))


@router.get("/dashboard", response_class=HTMLResponse)
def dashboard_page(ctx: ViewerContext, scope: Scope, as_of: AsOf = None) -> HTMLResponse:
    """The coverage dashboard of a scope: one bar per child scope for each rate, gap counts by rule, links to the map."""
    return HTMLResponse(ctx.on(as_of).dashboard_page(scope))


@router.get("/favicon.ico", include_in_schema=False)
def favicon() -> Response:
    """No icon: answered here so browsers opening the pages log no 404."""
    return Response(status_code=204)
