"""Gap rules of the five-level chain (五级党建链接): places no organisation covers, organisations hanging loose.

docs/DOMAIN.md#the-five-level-chain describes the chain; each rule has its own section there.
"""

from __future__ import annotations

from collections.abc import Iterator

from graph.gaps.facts import GapScope
from graph.gaps.names import GapRuleName
from graph.gaps.rule import Finding, gap_rule, org_ref, territory_ref
from graph.model import Level, NodeKind
from graph.norms import Norms

__all__ = ["area_without_branch", "community_without_organisation", "grid_without_group", "hanging_organisation"]


@gap_rule(
    GapRuleName.AREA_WITHOUT_BRANCH,
    title="小区未建党支部",
    description="a residential area no branch covers",
    node_kind=NodeKind.TERRITORY,
    source="Heshan, Duyun, Suyu (覆盖盲区); docs/DOMAIN.md#area_without_branch",
)
def area_without_branch(scope: GapScope, _: Norms) -> Iterator[Finding]:
    for area in scope.of_level(Level.RESIDENTIAL_AREA):
        if not area.covered:
            yield Finding(territory_ref(area), area.id, f"小区 {area.name} has no residential-area branch (小区党支部)")


@gap_rule(
    GapRuleName.GRID_WITHOUT_GROUP,
    title="网格未建党小组",
    description="a grid no grid group covers",
    node_kind=NodeKind.TERRITORY,
    source="Duyun, Suyu (覆盖盲区); docs/DOMAIN.md#grid_without_group",
)
def grid_without_group(scope: GapScope, _: Norms) -> Iterator[Finding]:
    for grid in scope.of_level(Level.GRID):
        if not grid.covered:
            yield Finding(territory_ref(grid), grid.id, f"网格 {grid.name} has no grid group (网格党小组)")


@gap_rule(
    GapRuleName.COMMUNITY_WITHOUT_ORGANISATION,
    title="社区未建党组织",
    description="a community no party organisation covers",
    node_kind=NodeKind.TERRITORY,
    source="Duyun; docs/DOMAIN.md#community_without_organisation",
)
def community_without_organisation(scope: GapScope, _: Norms) -> Iterator[Finding]:
    for community in scope.of_level(Level.COMMUNITY):
        if not community.covered:
            yield Finding(
                territory_ref(community),
                community.id,
                f"社区 {community.name} has no community party organisation (社区党委 / 党总支 / 党支部)",
            )


_UNIT_ORG_PARENTS = (Level.STREET, Level.COMMUNITY)


@gap_rule(
    GapRuleName.HANGING_ORGANISATION,
    title="党组织挂空挡",
    description="an organisation with no parent, or one of a level ALLOWED_PARENTS does not allow (a unit's: its street or community)",
    node_kind=NodeKind.ORGANISATION,
    source="Duyun (五级党建链接); docs/DOMAIN.md#hanging_organisation",
)
def hanging_organisation(scope: GapScope, _: Norms) -> Iterator[Finding]:
    for org, where in scope.organisations():
        if org.level is Level.DISTRICT:
            continue  # the district committee heads the chain in this graph
        parent = org.parent
        if org.level is Level.UNIT:
            wanted = "a street or community organisation (属地管理)"
            fits = parent is not None and parent.level in _UNIT_ORG_PARENTS
        else:
            ups = org.level.parents
            wanted = "an organisation of level " + " or ".join(sorted(level.value for level in ups))
            fits = parent is not None and parent.level in ups
        if fits:
            continue
        if parent is None:
            reason = f"{org.name} reports to no organisation (挂空挡); it should report to {wanted}"
        else:
            reason = f"{org.name} reports to {parent.name}, of level {parent.level.value}; it should report to {wanted}"
        yield Finding(org_ref(org), where.id, reason)
