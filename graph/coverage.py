"""Coverage (覆盖率) of a scope: how much of the territory and its units the chain reaches.

Each figure is a numerator over a denominator, summed over the scope's subtree, so the
coverage of a street is the sum of its communities' (the breakdown one level down proves
it). Figures:

- residential areas with a branch (小区党支部) / all residential areas;
- grids with a group (网格党小组) / all grids, wherever they lie (in an area, a community or a street);
- buildings (楼栋/院落) with a building group or courtyard branch / all buildings;
- households linked by household heads (党员联户长) / all households, a territory's linked
  households capped at its own count; households, staff and population are read on any level
  and counted where nothing below records them (``graph.recorded``);
- property companies (物业服务企业) and owners' committees (业主委员会) with a party
  organisation / all of them that meet the conditions (符合条件的), apart, as Fuzhou reports them;
- 两新 organisations (non-public enterprises, social organisations, parks, commercial buildings,
  new-employment groups) with a party organisation / all of them that meet the conditions;
- resident units in a co-building agreement (党建共建协议) in force / all units (a residents'
  committee, the community's own body, is no resident unit);
- communities with a party-mass service centre (党群服务中心) / all communities; centres meeting
  Duyun's 六有 / all centres; centres giving at least the norm's share of their space to service
  (Fuzhou: over 90%) / centres whose share is recorded;
- residential areas where branch, owners' committee and property company all take part (Duyun's
  三方共议) / all residential areas; abandoned areas (弃管小区) someone runs / all abandoned areas;
- party members on the roll (党员名册) by category (党员类别), in the chain's organisations and in
  units' organisations apart, and their total;
- in-service members reported (双报到) / in-service members, by where the membership is held, and
  in-service members reported to the scope's communities, streets and parks / in-service members held there;
- grids with a grid leader (网格长) / grids, buildings with a building leader (楼栋长) / buildings;
- household heads who are party members (党员联户长) / all household heads (群众联户长 the rest);
- full-time community staff (专职社区工作者) per 300 households and per 10,000 residents, for a community and above;
- organisations upgraded by decision (特批升格, Heshan's 3).

A joint organisation (联合党支部) is counted once for each territory it covers; its own roll once, at the
first by id of the territories it covers.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache

from pydantic import BaseModel, Field

from graph.keeper import Combine, kept
from graph.model import BODY_TYPES, TWO_NEW_TYPES, Level, MemberCategory, MemberRole, NodeKind, Territory, UnitType
from graph.norms import NORMS, Norms
from graph.recorded import Recorded, recorded
from graph.scope import PATH_SEPARATOR, NodeRef, ancestors, chain_path, on_date, resolve_scope
from graph.store import GraphStore, TerritoryFacts

__all__ = ["ChildCoverage", "Coverage", "CoverageFigures", "Figure", "StaffFigure", "coverage", "coverage_of_facts"]


class Figure(BaseModel):
    """One coverage figure: how many of how many, and the share (None when there is nothing to cover)."""

    numerator: int = Field(ge=0)
    denominator: int = Field(ge=0)
    rate: float | None = Field(description="numerator / denominator, None when the denominator is 0")

    @classmethod
    def of(cls, numerator: int, denominator: int) -> Figure:
        return cls(numerator=numerator, denominator=denominator, rate=numerator / denominator if denominator else None)


class StaffFigure(BaseModel):
    """专职人员配备: full-time community staff against the households they serve."""

    staff: int = Field(ge=0, description="full-time staff recorded on the communities (none recorded counts as 0)")
    households: int = Field(ge=0, description="households of those communities")
    households_per_worker: int = Field(description="the norm: one worker per this many households")
    staff_per_norm: float | None = Field(
        description="staff per households_per_worker households; 1.0 meets the norm; None without households"
    )
    population: int = Field(default=0, ge=0, description="常住人口 recorded in the scope")
    staff_per_10000_residents: float | None = Field(default=None, description="staff per 10,000 residents; None without population")
    residents_norm: int = Field(default=18, description="the norm: this many staff per 10,000 residents (Fuzhou's 18)")

    @classmethod
    def of(cls, staff: int, households: int, per: int, population: int = 0, residents_norm: int = 18) -> StaffFigure:
        rate = staff * per / households if households else None
        return cls(
            staff=staff,
            households=households,
            households_per_worker=per,
            staff_per_norm=rate,
            population=population,
            staff_per_10000_residents=staff * 10_000 / population if population else None,
            residents_norm=residents_norm,
        )


class CoverageFigures(BaseModel):
    """Every coverage figure of one territory's subtree."""

    residential_areas_with_branch: Figure
    grids_with_group: Figure
    buildings_with_group: Figure = Field(
        default_factory=lambda: Figure.of(0, 0), description="buildings (楼栋/院落) with a building group or courtyard branch / all"
    )
    households_linked: Figure
    property_companies_with_organisation: Figure
    owners_committees_with_organisation: Figure
    two_new_with_organisation: Figure = Field(description="两新组织 meeting the conditions with a party organisation of their own")
    units_in_agreements: Figure
    communities_with_centre: Figure = Field(description="communities a party-mass service centre (党群服务中心) serves")
    centres_meeting_six_haves: Figure = Field(description="service centres with all six of Duyun's 六有")
    centres_mostly_for_service: Figure = Field(
        description="service centres giving at least service_share_min percent of their space to service, of those recorded"
    )
    areas_with_three_parties: Figure = Field(
        description="residential areas with a branch, an owners' committee and a property company serving them (三方共议, Duyun)"
    )
    abandoned_areas_run: Figure = Field(description="abandoned residential areas (弃管小区) a unit runs")
    members_by_category: dict[MemberCategory, int] = Field(
        description="party members on the roll of the chain's organisations in the scope "
        "(and those serving here held nowhere), every category listed"
    )
    unit_members_by_category: dict[MemberCategory, int] = Field(
        description="party members on the roll of the organisations of the scope's resident units, every category listed"
    )
    members_on_roll: int = Field(ge=0, description="党员总数: the two rolls together, each member once")
    in_service_reported: Figure = Field(
        description="双报到, by where the membership is held: "
        "in-service members held in the scope who reported / in-service members held there"
    )
    reports_received: Figure = Field(
        description="双报到, by where they reported: in-service members reported to the scope's communities, streets and parks "
        "/ in-service members held in the scope (above 1 where more report here than are held here)"
    )
    grids_with_leader: Figure = Field(description="grids with a grid leader (网格长) serving on the day / grids")
    buildings_with_leader: Figure = Field(description="buildings (楼栋) with a building leader (楼栋长) / buildings; 0/0 without buildings")
    household_heads_party_members: Figure = Field(
        description="household heads who are party members (党员联户长) / all household heads; the rest are 群众联户长"
    )
    staff: StaffFigure | None = Field(description="for a community and above; None below, where staff are not recorded")
    upgraded_organisations: int = Field(default=0, ge=0, description="organisations covering the scope's territories upgraded by decision")


class ChildCoverage(BaseModel):
    """The coverage of one territory one level below the scope."""

    scope: NodeRef
    figures: CoverageFigures


class Coverage(BaseModel):
    """覆盖率: a scope's coverage, and the same figures for each territory one level down."""

    scope: NodeRef
    path: str = Field(description="街道 › 社区 › 小区 › 网格 down to the scope")
    as_of: date
    figures: CoverageFigures
    breakdown: list[ChildCoverage] = Field(description="one entry per child territory, by name")


_COUNTS = (
    "areas",
    "areas_with_branch",
    "grids",
    "grids_with_group",
    "households",
    "households_linked",
    "property",
    "property_with_org",
    "owners",
    "owners_with_org",
    "units",
    "units_in_agreements",
    "staff",
    "population",
    "buildings",
    "buildings_with_group",
    "upgraded",
    "two_new",
    "two_new_with_org",
    "communities",
    "communities_with_centre",
    "centres",
    "centres_six_haves",
    "centres_with_share",
    "centres_for_service",
    "areas_with_three_parties",
    "abandoned",
    "abandoned_run",
    "in_service",
    "in_service_reported",
    "reported_here",
    "grids_with_leader",
    "buildings_with_leader",
    "heads",
    "party_heads",
)
_AREAS, _AREAS_WITH_BRANCH, _GRIDS, _GRIDS_WITH_GROUP, _HOUSEHOLDS, _LINKED = range(6)
_PROPERTY, _PROPERTY_WITH_ORG, _OWNERS, _OWNERS_WITH_ORG, _UNITS, _UNITS_IN_AGREEMENTS, _STAFF, _POPULATION = range(6, 14)
_BUILDINGS, _BUILDINGS_WITH_GROUP, _UPGRADED = range(14, 17)
_TWO_NEW, _TWO_NEW_WITH_ORG, _COMMUNITIES, _COMMUNITIES_WITH_CENTRE = range(17, 21)
_CENTRES, _CENTRES_SIX_HAVES, _CENTRES_WITH_SHARE, _CENTRES_FOR_SERVICE = range(21, 25)
_THREE_PARTIES, _ABANDONED, _ABANDONED_RUN = range(25, 28)
_IN_SERVICE, _IN_SERVICE_REPORTED, _REPORTED_HERE, _GRIDS_WITH_LEADER, _BUILDINGS_WITH_LEADER = range(28, 33)
_HEADS, _PARTY_HEADS = range(33, 35)
_THREE = frozenset({UnitType.PROPERTY_COMPANY, UnitType.OWNERS_COMMITTEE})
"""The two units that sit with the branch in Duyun's 三方共议 (小区党支部、业主委员会、物业企业)."""


@dataclass(slots=True)
class _Tally:
    """Running numerators and denominators of one subtree, by position in ``_COUNTS``; tallies add.

    Plain lists rather than Counters: a city's coverage adds up some 7,000 of them per request.
    """

    counts: list[int] = field(default_factory=lambda: [0] * len(_COUNTS))
    members: Counter[MemberCategory] = field(default_factory=Counter)
    unit_members: Counter[MemberCategory] = field(default_factory=Counter)

    def add(self, other: _Tally) -> None:
        self.counts = [a + b for a, b in zip(self.counts, other.counts, strict=True)]
        if other.members:
            self.members.update(other.members)
        if other.unit_members:
            self.unit_members.update(other.unit_members)

    def figures(self, level: Level, norms: Norms) -> CoverageFigures:
        c = self.counts
        return CoverageFigures(
            residential_areas_with_branch=Figure.of(c[_AREAS_WITH_BRANCH], c[_AREAS]),
            grids_with_group=Figure.of(c[_GRIDS_WITH_GROUP], c[_GRIDS]),
            buildings_with_group=Figure.of(c[_BUILDINGS_WITH_GROUP], c[_BUILDINGS]),
            households_linked=Figure.of(c[_LINKED], c[_HOUSEHOLDS]),
            property_companies_with_organisation=Figure.of(c[_PROPERTY_WITH_ORG], c[_PROPERTY]),
            owners_committees_with_organisation=Figure.of(c[_OWNERS_WITH_ORG], c[_OWNERS]),
            two_new_with_organisation=Figure.of(c[_TWO_NEW_WITH_ORG], c[_TWO_NEW]),
            units_in_agreements=Figure.of(c[_UNITS_IN_AGREEMENTS], c[_UNITS]),
            communities_with_centre=Figure.of(c[_COMMUNITIES_WITH_CENTRE], c[_COMMUNITIES]),
            centres_meeting_six_haves=Figure.of(c[_CENTRES_SIX_HAVES], c[_CENTRES]),
            centres_mostly_for_service=Figure.of(c[_CENTRES_FOR_SERVICE], c[_CENTRES_WITH_SHARE]),
            areas_with_three_parties=Figure.of(c[_THREE_PARTIES], c[_AREAS]),
            abandoned_areas_run=Figure.of(c[_ABANDONED_RUN], c[_ABANDONED]),
            members_by_category={category: self.members[category] for category in MemberCategory},
            unit_members_by_category={category: self.unit_members[category] for category in MemberCategory},
            members_on_roll=self.members.total() + self.unit_members.total(),
            in_service_reported=Figure.of(c[_IN_SERVICE_REPORTED], c[_IN_SERVICE]),
            reports_received=Figure.of(c[_REPORTED_HERE], c[_IN_SERVICE]),
            grids_with_leader=Figure.of(c[_GRIDS_WITH_LEADER], c[_GRIDS]),
            buildings_with_leader=Figure.of(c[_BUILDINGS_WITH_LEADER], c[_BUILDINGS]),
            household_heads_party_members=Figure.of(c[_PARTY_HEADS], c[_HEADS]),
            staff=StaffFigure.of(c[_STAFF], c[_HOUSEHOLDS], norms.households_per_worker, c[_POPULATION], norms.staff_per_10000_residents)
            if level.rank <= Level.COMMUNITY.rank
            else None,
            upgraded_organisations=c[_UPGRADED],
        )


def coverage(store: GraphStore, scope_id: str, *, as_of: date | None = None, norms: Norms = NORMS) -> Coverage:
    """The coverage of a scope (territory, or the chain organisation covering one) as it stood on ``as_of`` (default today).

    The store answers the whole subtree's facts in one call (:meth:`GraphStore.territory_facts`);
    the figures are summed here, children before parents.
    """
    day = on_date(as_of)
    root = resolve_scope(store, scope_id)
    path = PATH_SEPARATOR.join(t.name for t in chain_path(ancestors(store, root.id, day), root))
    keeper = kept(store, day)
    found = keeper.rollup(("coverage", norms.service_share_min), _subtree_rule(norms.service_share_min), root.id) if keeper else None
    if found is not None:  # the store keeps each subtree's sums up to date: read the root's and its children's
        whole, below = found
        below.sort(key=lambda child: (child[0].name, child[0].id))
        return Coverage(
            scope=NodeRef.of(root),
            path=path,
            as_of=day,
            figures=whole.tally.figures(root.level, norms),
            breakdown=[
                ChildCoverage(
                    scope=NodeRef(id=c.id, kind=NodeKind.TERRITORY, name=c.name, level=c.level), figures=sub.tally.figures(c.level, norms)
                )
                for c, sub in below
            ],
        )
    return coverage_of_facts(store, root, store.territory_facts(root.id, day=day), day=day, norms=norms)


def coverage_of_facts(store: GraphStore, root: Territory, facts: Sequence[TerritoryFacts], *, day: date, norms: Norms = NORMS) -> Coverage:
    """:func:`coverage` from a scope's facts already read for the day (parents first): what ``graph.changes`` reuses
    so that a day's facts are read once for its coverage and its gaps."""
    path = PATH_SEPARATOR.join(t.name for t in chain_path(ancestors(store, root.id, day), root))
    counted = (recorded(facts, "households"), recorded(facts, "staff"), recorded(facts, "population"))
    # Each territory counts straight into the tally of the root's child it lies under (facts come
    # parents first), so a city's 7,000 territories cost one addition each, not one per level.
    branch_of: dict[str, str] = {}
    tallies: dict[str, _Tally] = {root.id: _Tally()}
    children: list[TerritoryFacts] = []
    for territory in facts:
        if territory.parent is None:
            tally = tallies[root.id]
        elif territory.parent == root.id:
            children.append(territory)
            branch_of[territory.id] = territory.id
            tally = tallies[territory.id] = _Tally()
        else:
            branch = branch_of[territory.id] = branch_of[territory.parent]
            tally = tallies[branch]
        _add_own(tally, territory, norms, *counted)
    for child in children:
        tallies[root.id].add(tallies[child.id])
    children.sort(key=lambda t: (t.name, t.id))
    return Coverage(
        scope=NodeRef.of(root),
        path=path,
        as_of=day,
        figures=tallies[root.id].figures(root.level, norms),
        breakdown=[
            ChildCoverage(
                scope=NodeRef(id=c.id, kind=NodeKind.TERRITORY, name=c.name, level=c.level),
                figures=tallies[c.id].figures(c.level, norms),
            )
            for c in children
        ],
    )


@dataclass(slots=True)
class _Subtree:
    """The sums of one territory's subtree as the keeper holds them (``graph.keeper``): the tally, and the
    households, staff and population recorded in it with whether anything in it records each (``graph.recorded``)."""

    tally: _Tally
    totals: tuple[int, int, int]
    recorded: tuple[bool, bool, bool]


@lru_cache(maxsize=8)
def _subtree_rule(service_share_min: float) -> Combine[_Subtree]:
    """How a territory's subtree sums are made from its own facts and its children's sums: exactly what
    :func:`coverage` adds up over a scope's facts, one territory at a time."""
    norms = NORMS.model_copy(update={"service_share_min": service_share_min})

    def combine(territory: TerritoryFacts, children: list[_Subtree]) -> _Subtree:
        values = (territory.households, territory.staff, territory.population)
        below = tuple(any(child.recorded[i] for child in children) for i in range(3))
        own = tuple(v if v is not None and not b else 0 for v, b in zip(values, below, strict=True))
        totals = tuple(own[i] + sum(child.totals[i] for child in children) for i in range(3))
        tid = territory.id
        counted = [Recorded({tid: own[i]}, {tid: totals[i]}) for i in range(3)]
        tally = _Tally()
        _add_own(tally, territory, norms, *counted)
        for child in children:
            tally.add(child.tally)
        recorded = tuple(b or v is not None for v, b in zip(values, below, strict=True))
        return _Subtree(tally, (totals[0], totals[1], totals[2]), (recorded[0], recorded[1], recorded[2]))

    return combine


def _add_own(tally: _Tally, territory: TerritoryFacts, norms: Norms, households: Recorded, staff: Recorded, population: Recorded) -> None:
    """Count in what one territory adds by itself (its children are added in apart)."""
    c = tally.counts
    tid = territory.id
    c[_HOUSEHOLDS] += households.own[tid]
    c[_STAFF] += staff.own[tid]
    c[_POPULATION] += population.own[tid]
    c[_UPGRADED] += territory.upgraded
    if territory.linked:
        c[_LINKED] += min(territory.linked, households.total[tid])
    for centre in territory.centres:
        c[_CENTRES] += 1
        c[_CENTRES_SIX_HAVES] += not centre.missing
        if centre.service_share is not None:
            c[_CENTRES_WITH_SHARE] += 1
            c[_CENTRES_FOR_SERVICE] += centre.service_share >= norms.service_share_min
    if territory.level is Level.RESIDENTIAL_AREA:
        c[_AREAS] += 1
        c[_AREAS_WITH_BRANCH] += territory.covered
        c[_THREE_PARTIES] += territory.covered and set(territory.managers) >= _THREE
        if territory.abandoned:
            c[_ABANDONED] += 1
            c[_ABANDONED_RUN] += bool(territory.managers)
    elif territory.level is Level.GRID:
        c[_GRIDS] += 1
        c[_GRIDS_WITH_GROUP] += territory.covered
        c[_GRIDS_WITH_LEADER] += MemberRole.GRID_LEADER in territory.roles
    elif territory.level is Level.BUILDING:
        c[_BUILDINGS] += 1
        c[_BUILDINGS_WITH_GROUP] += territory.covered
        c[_BUILDINGS_WITH_LEADER] += MemberRole.BUILDING_LEADER in territory.roles
    elif territory.level is Level.COMMUNITY:
        c[_COMMUNITIES] += 1
        c[_COMMUNITIES_WITH_CENTRE] += bool(territory.centres)
        for unit in territory.units:
            if unit.unit_type in BODY_TYPES:
                continue  # the community's own body (居民委员会), not a resident unit
            c[_UNITS] += 1
            c[_UNITS_IN_AGREEMENTS] += unit.in_agreement
            if not unit.counted:
                continue  # not meeting the conditions (符合条件): outside the seeds' rates
            if unit.unit_type is UnitType.PROPERTY_COMPANY:
                c[_PROPERTY] += 1
                c[_PROPERTY_WITH_ORG] += unit.organised
            elif unit.unit_type is UnitType.OWNERS_COMMITTEE:
                c[_OWNERS] += 1
                c[_OWNERS_WITH_ORG] += unit.organised
            elif unit.unit_type in TWO_NEW_TYPES:
                c[_TWO_NEW] += 1
                c[_TWO_NEW_WITH_ORG] += unit.organised
    # A member both serving here and belonging to this territory's organisation counts once; one serving
    # elsewhere in the scope is counted where they serve (SERVES wins), so a member counts once per scope.
    if territory.members:
        tally.members.update(territory.members)
    if territory.unit_members:
        tally.unit_members.update(territory.unit_members)
    c[_IN_SERVICE] += territory.in_service
    c[_IN_SERVICE_REPORTED] += territory.in_service_reported
    c[_REPORTED_HERE] += territory.reported_here
    c[_HEADS] += territory.heads + territory.resident_heads
    c[_PARTY_HEADS] += territory.heads
