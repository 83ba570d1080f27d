"""Coverage (覆盖率) of a scope: how much of the territory and its units the chain reaches.

Each figure is a numerator over a denominator, summed over the scope's subtree, so the
coverage of a street is the sum of its communities' (the breakdown one level down proves
it). Figures:

- residential areas with a branch (小区党支部) / all residential areas;
- grids with a group (网格党小组) / all grids;
- households linked by household heads (党员联户长) / all households, a grid's linked
  households capped at its own count;
- property companies (物业服务企业) and owners' committees (业主委员会) with a party
  organisation / all of them, apart, as Fuzhou reports them;
- resident units in a co-building agreement (党建共建协议) in force / all units;
- party members on record by category (党员类别);
- full-time community staff (专职社区工作者) per 300 households, for a community and above.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date

from pydantic import BaseModel, Field

from graph.model import EdgeKind, Level, MemberCategory, Territory, UnitType
from graph.scope import PATH_SEPARATOR, NodeRef, ScopeTree
from graph.store import GraphStore

__all__ = ["HOUSEHOLDS_PER_WORKER", "ChildCoverage", "Coverage", "CoverageFigures", "Figure", "StaffFigure", "coverage"]

HOUSEHOLDS_PER_WORKER = 300
"""Heshan's norm (DOMAIN.md): one full-time community worker per 300 households."""


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

    @classmethod
    def of(cls, staff: int, households: int, per: int = HOUSEHOLDS_PER_WORKER) -> StaffFigure:
        rate = staff * per / households if households else None
        return cls(staff=staff, households=households, households_per_worker=per, staff_per_norm=rate)


class CoverageFigures(BaseModel):
    """Every coverage figure of one territory's subtree."""

    residential_areas_with_branch: Figure
    grids_with_group: Figure
    households_linked: Figure
    property_companies_with_organisation: Figure
    owners_committees_with_organisation: Figure
    units_in_agreements: Figure
    members_by_category: dict[MemberCategory, int] = Field(description="party members on record in the scope, every category listed")
    staff: StaffFigure | None = Field(description="for a community and above; None below, where staff are not recorded")


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


@dataclass
class _Tally:
    """Running numerators and denominators of one subtree; tallies add."""

    counts: Counter[str] = field(default_factory=Counter)
    members: Counter[MemberCategory] = field(default_factory=Counter)

    def add(self, other: _Tally) -> None:
        self.counts.update(other.counts)
        self.members.update(other.members)

    def figures(self, level: Level) -> CoverageFigures:
        c = self.counts
        return CoverageFigures(
            residential_areas_with_branch=Figure.of(c["areas_with_branch"], c["areas"]),
            grids_with_group=Figure.of(c["grids_with_group"], c["grids"]),
            households_linked=Figure.of(c["households_linked"], c["households"]),
            property_companies_with_organisation=Figure.of(c["property_with_org"], c["property"]),
            owners_committees_with_organisation=Figure.of(c["owners_with_org"], c["owners"]),
            units_in_agreements=Figure.of(c["units_in_agreements"], c["units"]),
            members_by_category={category: self.members[category] for category in MemberCategory},
            staff=StaffFigure.of(c["staff"], c["community_households"]) if level.rank <= Level.COMMUNITY.rank else None,
        )


def coverage(store: GraphStore, scope_id: str, *, as_of: date | None = None) -> Coverage:
    """The coverage of a scope (territory, or the chain organisation covering one) as it stood on ``as_of`` (default today)."""
    tree = ScopeTree(store, scope_id, as_of=as_of)
    tallies: dict[str, _Tally] = {}
    for territory in reversed(tree.territories):  # children before parents
        tally = _own(tree, territory)
        for child in tree.children[territory.id]:
            tally.add(tallies[child.id])
        if territory.level is Level.COMMUNITY:
            tally.counts["community_households"] = tally.counts["households"]
        tallies[territory.id] = tally
    root = tree.root
    return Coverage(
        scope=NodeRef.of(root),
        path=PATH_SEPARATOR.join(t.name for t in tree.path(root.id)),
        as_of=tree.day,
        figures=tallies[root.id].figures(root.level),
        breakdown=[ChildCoverage(scope=NodeRef.of(c), figures=tallies[c.id].figures(c.level)) for c in tree.children[root.id]],
    )


def _own(tree: ScopeTree, territory: Territory) -> _Tally:
    """What one territory adds by itself, before its children are added in."""
    tally = _Tally()
    c = tally.counts
    org = tree.coverer(territory.id)
    if territory.level is Level.RESIDENTIAL_AREA:
        c["areas"] += 1
        c["areas_with_branch"] += org is not None
    elif territory.level is Level.GRID:
        households = territory.households or 0
        linked = sum(h.households for h in tree.household_heads(territory.id))
        c["grids"] += 1
        c["grids_with_group"] += org is not None
        c["households"] += households
        c["households_linked"] += min(linked, households)
    elif territory.level is Level.COMMUNITY:
        c["staff"] += territory.staff or 0
        for unit in tree.units(territory.id):
            has_org = tree.coverer(unit.id) is not None
            c["units"] += 1
            party = tree.party_of(unit)
            c["units_in_agreements"] += any(tree.agreement_holds(a, party) for a in tree.agreements(party))
            if unit.unit_type is UnitType.PROPERTY_COMPANY:
                c["property"] += 1
                c["property_with_org"] += has_org
            elif unit.unit_type is UnitType.OWNERS_COMMITTEE:
                c["owners"] += 1
                c["owners_with_org"] += has_org
    members = {m.id: m for m in tree.members_serving(territory.id)}
    if org is not None:
        # A member both serving here and belonging to this territory's organisation counts once; one serving
        # elsewhere in the scope is counted where they serve (SERVES wins), so a member counts once per scope.
        members |= {m.id: m for m in tree.members_of(org.id) if m.id not in members and not tree.edges(m.id, EdgeKind.SERVES)}
    tally.members.update(m.category for m in members.values())
    return tally
