"""Routes for the questions staff come with: coverage, gaps, big committees, agreements, navigation and search.

Thin routes: each validates its parameters, calls one method of the request's ``Context``
(service.context), which holds ids to the key's territory and redacts the answer, and pages
the lists it returns. Unknown ids become 404 and nodes of the wrong kind 422 through the
app's error handlers; nothing here knows a store's insides.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Generic, Self, TypeVar

from fastapi import APIRouter, Depends, Query, Response
from pydantic import AfterValidator, BaseModel, Field

from api.answers import KeptAfterRouting, KeptAnswer
from api.deps import AsOf, ViewerContext
from api.limits import RateLimited
from api.schemas import ErrorOut, odd_character
from graph.agreements import AgreementStatus, AgreementView
from graph.alliances import AllianceReach
from graph.changes import Changes, Trends
from graph.committees import CommitteeSeat, UnitSeat
from graph.coverage import Coverage
from graph.gaps import GapCount, GapPage, GapRule, GapRuleName, gap_rules
from graph.i18n import _
from graph.model import AllianceKind, NodeKind
from graph.navigation import AllianceMembership, Partner, SearchPage
from graph.norms import NORMS, Norms
from graph.people import PeopleCounts
from graph.scope import NodeRef

__all__ = ["router"]

router = APIRouter(tags=["queries"])

T = TypeVar("T")

Limit = Annotated[int, Query(ge=1, le=1000, description="how many items to return")]
Offset = Annotated[int, Query(ge=0, description="how many items to skip")]
ScopeId = Annotated[str, Query(min_length=1, max_length=80, description="id of a territory, or of the chain organisation covering one")]


def _typed_text(text: str) -> str:
    """Search text a person could have typed: no control character, lone surrogate or broken UTF-8 (U+FFFD)."""
    odd = odd_character(text)
    if odd is not None:
        raise ValueError(_("搜索词含控制字符或无效字符 %(odd)s（名称中不会有）：请删去", odd=odd))
    return text


SearchText = Annotated[
    str,
    Query(min_length=1, max_length=100, pattern=r"\S", description="text the name contains (Chinese substring)"),
    AfterValidator(_typed_text),
]


class Page(BaseModel, Generic[T]):
    items: list[T]
    total: int = Field(description="how many items there are in all")
    limit: int
    offset: int

    @classmethod
    def of(cls, found: list[T], *, limit: int, offset: int) -> Self:
        return cls(items=found[offset : offset + limit], total=len(found), limit=limit, offset=offset)


class GapRulePageOut(Page[GapRule]):
    """The gap rules of the catalogue."""


class SeatPageOut(Page[CommitteeSeat]):
    """Seats on a big committee."""


class NodeRefPageOut(Page[NodeRef]):
    """Nodes named by id, kind and name."""


class UnitSeatPageOut(Page[UnitSeat]):
    """The committees a unit sits on."""


class AgreementPageOut(Page[AgreementView]):
    """Co-building agreements."""


class PartnerPageOut(Page[Partner]):
    """Co-building partners."""


class AlliancePageOut(Page[AllianceMembership]):
    """Alliance memberships."""


class AllianceReachPageOut(Page[AllianceReach]):
    """Alliances of a scope, each with how far it reaches there."""


class BigCommitteeOut(BaseModel):
    """大党委 of a community: its organisation and a page of its concurrent members' seats."""

    community: NodeRef
    organisation: NodeRef | None
    is_committee: bool
    as_of: date
    seats: SeatPageOut
    unrepresented_partners: int = Field(description="how many co-building partners have no seat: list them at .../unrepresented-partners")


class StreetCommitteeOut(BaseModel):
    """大工委 of a street: its working committee and a page of its member units' seats."""

    street: NodeRef
    organisation: NodeRef | None
    as_of: date
    seats: SeatPageOut


class ChainOut(BaseModel):
    """A node and the nodes above it up to the district, nearest first (at most a handful: no paging)."""

    node: NodeRef
    chain: list[NodeRef]
    path: str = Field(description="the chain top down, 区 › 街道 › 社区 › 小区 › 网格 ...")


def norms_of(
    committee_threshold: Annotated[int, Query(ge=1, le=100_000, description="members from which a community organisation is a 党委")] = (
        NORMS.committee_threshold
    ),
    branch_min_members: Annotated[int, Query(ge=1, le=1000, description="full members a 党支部 needs")] = NORMS.branch_min_members,
    households_per_head: Annotated[int, Query(ge=1, le=1000, description="households a 联户长 links (十联户)")] = NORMS.households_per_head,
    head_tolerance: Annotated[float, Query(ge=0, le=10, description="share over the norm still 'about'")] = NORMS.head_tolerance,
    households_per_worker: Annotated[int, Query(ge=1, le=100_000, description="households per full-time worker")] = (
        NORMS.households_per_worker
    ),
    expiring_within_days: Annotated[int, Query(ge=0, le=3650, description="how soon an agreement's end counts as expiring")] = (
        NORMS.expiring_within_days
    ),
    general_branch_threshold: Annotated[int, Query(ge=1, le=100_000, description="members from which a 党支部 may become a 党总支")] = (
        NORMS.general_branch_threshold
    ),
    staff_per_10000_residents: Annotated[int, Query(ge=1, le=10_000, description="full-time workers per 10,000 residents")] = (
        NORMS.staff_per_10000_residents
    ),
) -> Norms:
    """The norms from the query string, each defaulting to the seeds' value (docs/DOMAIN.md)."""
    return Norms(
        committee_threshold=committee_threshold,
        branch_min_members=branch_min_members,
        households_per_head=households_per_head,
        head_tolerance=head_tolerance,
        households_per_worker=households_per_worker,
        expiring_within_days=expiring_within_days,
        general_branch_threshold=general_branch_threshold,
        staff_per_10000_residents=staff_per_10000_residents,
    )


NormsDep = Annotated[Norms, Depends(norms_of)]
Rules = Annotated[
    list[GapRuleName] | None, Query(alias="rule", description="rules to apply, repeatable (rule=a&rule=b); all when left out")
]


@router.get("/gap-rules", response_model=GapRulePageOut)
def list_gap_rules(_: ViewerContext, limit: Limit = 100, offset: Offset = 0) -> GapRulePageOut:
    """The catalogue of gap rules, each with its parameters and their defaults."""
    return GapRulePageOut.of(gap_rules(), limit=limit, offset=offset)


@router.get("/scopes/{scope_id}/coverage", response_model=Coverage)
def scope_coverage(scope_id: str, ctx: ViewerContext, answer: KeptAnswer, as_of: AsOf = None) -> Response:
    """Coverage figures of a scope (numerator, denominator, rate), and the same for each territory one level down."""
    return answer(lambda: ctx.on(as_of).coverage(scope_id))


@router.get("/scopes/{scope_id}/gaps", response_model=GapPage)
def scope_gaps(
    scope_id: str,
    ctx: ViewerContext,
    answer: KeptAnswer,
    norms: NormsDep,
    rules: Rules = None,
    as_of: AsOf = None,
    limit: Limit = 100,
    offset: Offset = 0,
) -> Response:
    """A page of a scope's gaps, each with its chain path and reason, in catalogue order then down the chain."""
    return answer(lambda: ctx.on(as_of, norms=norms).gaps(scope_id, rules=rules, limit=limit, offset=offset))


@router.get("/scopes/{scope_id}/gaps/count", response_model=GapCount)
def scope_gap_count(
    scope_id: str, ctx: ViewerContext, answer: KeptAnswer, norms: NormsDep, rules: Rules = None, as_of: AsOf = None
) -> Response:
    """How many gaps a scope has under each rule, without listing them."""
    return answer(lambda: ctx.on(as_of, norms=norms).gap_count(scope_id, rules=rules))


@router.get("/scopes/{scope_id}/changes", response_model=Changes)
def scope_changes(
    scope_id: str,
    ctx: ViewerContext,
    answer: KeptAnswer,
    norms: NormsDep,
    since: Annotated[date | None, Query(description="the first day compared (YYYY-MM-DD)")] = None,
    since_import: Annotated[
        str | None, Query(min_length=1, max_length=80, description="instead of since: from the day before this import took effect")
    ] = None,
    until: Annotated[date | None, Query(description="the second day compared; today when left out")] = None,
) -> Response:
    """What changed in a scope between two days: structure, coverage figures, gaps, agreements, seats, posts, reports."""
    return answer(lambda: ctx.on(until, norms=norms).changes(scope_id, since=since, since_import=since_import))


@router.get("/scopes/{scope_id}/trends", response_model=Trends)
def scope_trends(
    scope_id: str,
    ctx: ViewerContext,
    answer: KeptAnswer,
    norms: NormsDep,
    since: Annotated[date | None, Query(description="the first month (YYYY-MM-DD); twelve months back when left out")] = None,
    until: Annotated[date | None, Query(description="the last day; today when left out")] = None,
) -> Response:
    """Each coverage figure of a scope at every month end between two days (the last twelve months by default)."""
    return answer(lambda: ctx.on(until, norms=norms).trends(scope_id, since=since))


@router.get("/scopes/{scope_id}/people", response_model=PeopleCounts)
def scope_people(scope_id: str, ctx: ViewerContext, answer: KeptAnswer, as_of: AsOf = None) -> Response:
    """People holding several places in a scope: concurrent committee members (兼职委员), 一肩挑, 交叉任职, service teams."""
    return answer(lambda: ctx.on(as_of).people(scope_id))


@router.get("/scopes/{scope_id}/alliances", response_model=AllianceReachPageOut)
def scope_alliances(
    scope_id: str,
    ctx: ViewerContext,
    answer: KeptAnswer,
    as_of: AsOf = None,
    kind: AllianceKind | None = None,
    limit: Limit = 100,
    offset: Offset = 0,
) -> Response:
    """Alliances (党建联盟 / 党建共同体) with a member in the scope, and the organisations, units and party members each reaches there."""
    return answer(lambda: AllianceReachPageOut.of(ctx.on(as_of).alliance_reach(scope_id, kind=kind), limit=limit, offset=offset))


@router.get("/communities/{community_id}/big-committee", response_model=BigCommitteeOut)
def community_big_committee(
    community_id: str, ctx: ViewerContext, answer: KeptAnswer, as_of: AsOf = None, limit: Limit = 100, offset: Offset = 0
) -> Response:
    """A community's big committee (大党委): its concurrent members (兼职委员) with their units, unit organisations and terms."""

    def compute() -> BigCommitteeOut:
        found = ctx.on(as_of).big_committee(community_id)
        return BigCommitteeOut(
            community=found.community,
            organisation=found.organisation,
            is_committee=found.is_committee,
            as_of=found.as_of,
            seats=SeatPageOut.of(found.seats, limit=limit, offset=offset),
            unrepresented_partners=len(found.unrepresented_partners),
        )

    return answer(compute)


@router.get("/communities/{community_id}/big-committee/unrepresented-partners", response_model=NodeRefPageOut)
def community_unrepresented_partners(
    community_id: str, ctx: ViewerContext, answer: KeptAnswer, as_of: AsOf = None, limit: Limit = 100, offset: Offset = 0
) -> Response:
    """Units with a co-building agreement in force with the community and no seat on its big committee."""
    return answer(lambda: NodeRefPageOut.of(ctx.on(as_of).big_committee(community_id).unrepresented_partners, limit=limit, offset=offset))


@router.get("/streets/{street_id}/big-committee", response_model=StreetCommitteeOut)
def street_big_committee(
    street_id: str, ctx: ViewerContext, answer: KeptAnswer, as_of: AsOf = None, limit: Limit = 100, offset: Offset = 0
) -> Response:
    """A street's big working committee (大工委): its member units' seats."""

    def compute() -> StreetCommitteeOut:
        found = ctx.on(as_of).street_committee(street_id)
        return StreetCommitteeOut(
            street=found.street,
            organisation=found.organisation,
            as_of=found.as_of,
            seats=SeatPageOut.of(found.seats, limit=limit, offset=offset),
        )

    return answer(compute)


@router.get("/units/{unit_id}/committees", response_model=UnitSeatPageOut)
def unit_seats(
    unit_id: str, ctx: ViewerContext, answer: KeptAnswer, as_of: AsOf = None, limit: Limit = 100, offset: Offset = 0
) -> Response:
    """The big committees a resident unit (驻区单位) sits on, through which seat."""
    return answer(lambda: UnitSeatPageOut.of(ctx.on(as_of).unit_committees(unit_id), limit=limit, offset=offset))


@router.get("/agreements", response_model=AgreementPageOut)
def list_agreements(
    ctx: ViewerContext,
    answer: KeptAnswer,
    scope: ScopeId,
    status: AgreementStatus | None = None,
    as_of: AsOf = None,
    expiring_within_days: Annotated[int, Query(ge=0, le=3650)] = NORMS.expiring_within_days,
    limit: Limit = 100,
    offset: Offset = 0,
) -> Response:
    """The co-building agreements (党建共建协议) of a scope's communities, with where each stands on the day."""

    def compute() -> AgreementPageOut:
        found = ctx.on(as_of).agreements(scope, status=status, expiring_within_days=expiring_within_days)
        return AgreementPageOut.of(found, limit=limit, offset=offset)

    return answer(compute)


@router.get("/search", response_model=SearchPage, responses={429: {"model": ErrorOut}})
def search_nodes(
    ctx: ViewerContext,
    _: RateLimited,
    answer: KeptAfterRouting,
    q: SearchText,
    kind: Annotated[list[NodeKind] | None, Query(description="kinds to look in, repeatable; all named kinds when left out")] = None,
    limit: Limit = 20,
    offset: Offset = 0,
) -> Response:
    """Nodes whose name contains the text, names starting with it first (only those within the key's scope)."""
    return answer(lambda: ctx.search(q, kinds=kind, limit=limit, offset=offset))  # kept after the rate limit counts it


@router.get("/nodes/{node_id}/chain", response_model=ChainOut)
def node_chain(node_id: str, ctx: ViewerContext, answer: KeptAnswer, as_of: AsOf = None) -> Response:
    """A node and its chain up to the district (a household head climbs through its group, a unit through its community)."""

    def compute() -> ChainOut:
        found = ctx.on(as_of).chain(node_id)
        return ChainOut(node=found.node, chain=found.above, path=found.path)

    return answer(compute)


@router.get("/nodes/{node_id}/children", response_model=NodeRefPageOut)
def node_children(
    node_id: str, ctx: ViewerContext, answer: KeptAnswer, as_of: AsOf = None, limit: Limit = 100, offset: Offset = 0
) -> Response:
    """Territories within a territory, or organisations reporting to an organisation, by name."""
    return answer(lambda: NodeRefPageOut.of(ctx.on(as_of).children(node_id), limit=limit, offset=offset))


@router.get("/nodes/{node_id}/partners", response_model=PartnerPageOut)
def node_partners(
    node_id: str, ctx: ViewerContext, answer: KeptAnswer, as_of: AsOf = None, limit: Limit = 100, offset: Offset = 0
) -> Response:
    """Co-building partners (共建单位) of a territory, organisation or unit, one per agreement on record, in force on the day or not."""
    return answer(lambda: PartnerPageOut.of(ctx.on(as_of).partners(node_id), limit=limit, offset=offset))


@router.get("/nodes/{node_id}/alliances", response_model=AlliancePageOut)
def node_alliances(
    node_id: str, ctx: ViewerContext, answer: KeptAnswer, as_of: AsOf = None, limit: Limit = 100, offset: Offset = 0
) -> Response:
    """Alliances (党建联盟 / 党建共同体) a node belongs to on the day, directly or through its organisation."""

    def compute() -> AlliancePageOut:
        return AlliancePageOut.of(ctx.on(as_of).alliances(node_id), limit=limit, offset=offset)

    return answer(compute)
