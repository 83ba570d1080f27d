"""Pages for staff: the network map, the coverage dashboard and the gap list of a scope, and the report to hand in.

Thin routes, like the rest of ``api``: each calls one method of the context (which renders with
``visualizations``), and the app's error handlers turn an unknown scope into a 404. The pages
inline every script and style they use, so they work on an intranet with no internet.
"""

from __future__ import annotations

from typing import Annotated, Literal
from urllib.parse import quote

from fastapi import APIRouter, Query
from fastapi.responses import HTMLResponse, Response

from api.deps import AsOf, ViewerContext
from graph.gaps import GapRuleName
from visualizations.gap_page import PAGE_SIZE
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


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@router.get("/gaps", response_class=HTMLResponse)
def gap_list_page(
    ctx: ViewerContext,
    scope: Scope,
    as_of: AsOf = None,
    rule: Annotated[GapRuleName | Literal[""] | None, Query(description="only this rule's gaps; all when left out or empty")] = None,
    offset: Annotated[int, Query(ge=0, description="how many gaps to skip (the page's start)")] = 0,
    limit: Annotated[int, Query(ge=10, le=500, description="gaps a page lists")] = PAGE_SIZE,
) -> HTMLResponse:
    """The gap list of a scope as a page (缺口清单): paged, filtered by rule, each row linked to its map and its node's chain."""
    return HTMLResponse(ctx.on(as_of).gap_page(scope, rule=rule or None, limit=limit, offset=offset))


@router.get("/suggestions", response_class=HTMLResponse)
def suggestions_page(
    ctx: ViewerContext,
    scope: Annotated[str, Query(min_length=1, max_length=80, description="id of a community, or of a resident unit")],
    as_of: AsOf = None,
) -> HTMLResponse:
    """Partner suggestions as a page (双向点单): for a community the units that could meet its needs, for a unit the communities."""
    return HTMLResponse(ctx.on(as_of).suggestions_page(scope))


@router.get(
    "/report",
    response_class=Response,
    responses={200: {"content": {XLSX: {}, "text/html": {}}, "description": "the workbook (xlsx) or the page to print (html)"}},
)
def report(
    ctx: ViewerContext,
    scope: Scope,
    as_of: AsOf = None,
    format: Annotated[Literal["xlsx", "html"], Query(description="xlsx: a workbook set up to print; html: the printable page")] = "xlsx",
) -> Response:
    """The report of a scope to hand upward: coverage per child scope, gap counts and list, members, agreements."""
    day = ctx.on(as_of)
    body = day.report(scope, fmt=format)
    if format == "html":
        return HTMLResponse(body.decode("utf-8"))
    name = f"{scope}-报表-{day.day}.xlsx"
    disposition = f"attachment; filename=\"report-{day.day}.xlsx\"; filename*=UTF-8''{quote(name)}"
    return Response(body, media_type=XLSX, headers={"Content-Disposition": disposition})


@router.get("/favicon.ico", include_in_schema=False)
def favicon() -> Response:
    """No icon: answered here so browsers opening the pages log no 404."""
    return Response(status_code=204)
