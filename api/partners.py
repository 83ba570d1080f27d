"""Routes for partner suggestions (双向点单) and the synonym list they match with (近义词表).

Thin routes: each calls one method of the request's ``Context``, which holds the id to the key's
territory, reads only the agreements the key may read, and redacts the answer.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query
from pydantic import AfterValidator, BaseModel, Field

from api.deps import AsOf, EditorContext, ViewerContext
from api.schemas import ErrorOut
from graph.meaning import MAX_TERM
from graph.suggestions import Suggestions
from service.synonyms import MAX_GROUPS, checked_groups

__all__ = ["router"]

router = APIRouter(tags=["partners"])


class SuggestionsOut(Suggestions):
    """Partners suggested for a community or a unit (双向点单), nearest and best first, each match explained."""


class SynonymsOut(BaseModel):
    """The synonym list matching reads: the groups shipped with the package (from the seeds' words) and staff's own."""

    shipped: list[list[str]]
    staff: list[list[str]]


def _groups(groups: list[list[str]]) -> list[list[str]]:
    return [list(g) for g in checked_groups(groups)]


class SynonymsIn(BaseModel):
    """Staff's synonym groups, replacing the ones kept: each a list of two words or more (助老, 为老服务...)."""

    groups: Annotated[
        list[Annotated[list[Annotated[str, Field(max_length=MAX_TERM)]], Field(max_length=100)]],
        Field(max_length=MAX_GROUPS),
        AfterValidator(_groups),
    ]


Limit = Annotated[int, Query(ge=1, le=1000, description="how many partners to return")]
Offset = Annotated[int, Query(ge=0, description="how many partners to skip")]
_NOT_FOUND: dict[int | str, dict[str, Any]] = {404: {"model": ErrorOut, "description": "no such id in the key's territory"}}


@router.get("/communities/{community_id}/suggestions", response_model=SuggestionsOut, responses=_NOT_FOUND)
def community_suggestions(community_id: str, ctx: ViewerContext, as_of: AsOf = None, limit: Limit = 100, offset: Offset = 0) -> Suggestions:
    """Units in reach (the street first, then the district) that offer what a community needs, with no agreement running with it."""
    return ctx.on(as_of).community_suggestions(community_id).page(limit=limit, offset=offset)


@router.get("/units/{unit_id}/suggestions", response_model=SuggestionsOut, responses=_NOT_FOUND)
def unit_suggestions(unit_id: str, ctx: ViewerContext, as_of: AsOf = None, limit: Limit = 100, offset: Offset = 0) -> Suggestions:
    """Communities in reach whose needs a unit could meet, with no agreement running with it."""
    return ctx.on(as_of).unit_suggestions(unit_id).page(limit=limit, offset=offset)


@router.get("/synonyms", response_model=SynonymsOut)
def get_synonyms(ctx: ViewerContext) -> SynonymsOut:
    """The synonym list (近义词表) suggestions match with: the package's groups and staff's."""
    shipped, staff = ctx.synonym_groups()
    return SynonymsOut(shipped=[list(g) for g in shipped], staff=[list(g) for g in staff])


@router.put("/synonyms", response_model=SynonymsOut)
def put_synonyms(body: SynonymsIn, ctx: EditorContext) -> SynonymsOut:
    """Replace staff's synonym groups (editors); entered in the audit log."""
    ctx.set_synonyms(body.groups)
    shipped, staff = ctx.synonym_groups()
    return SynonymsOut(shipped=[list(g) for g in shipped], staff=[list(g) for g in staff])
