"""Gap rules of the five-level chain (五级党建链接): places no organisation covers, organisations hanging loose.

docs/DOMAIN.md#the-five-level-chain describes the chain; each rule has its own section there.
"""

from __future__ import annotations

from collections.abc import Iterator

from graph.gaps.facts import GapScope
from graph.gaps.names import GapRuleName
from graph.gaps.rule import Finding, gap_rule, org_ref, territory_ref
from graph.i18n import N_, _
from graph.invariants import UNIT_ORG_PARENTS
from graph.labels import term
from graph.model import Level, NodeKind
from graph.norms import Norms

__all__ = ["area_without_branch", "community_without_organisation", "grid_without_group", "hanging_organisation"]


@gap_rule(
    GapRuleName.AREA_WITHOUT_BRANCH,
    title=N_("小区未建党支部"),
    description=N_("没有小区党支部覆盖的小区"),
    node_kind=NodeKind.TERRITORY,
    source="Heshan, Duyun, Suyu (覆盖盲区); docs/DOMAIN.md#area_without_branch",
)
def area_without_branch(scope: GapScope, _norms: Norms) -> Iterator[Finding]:
    for area in scope.of_level(Level.RESIDENTIAL_AREA):
        if not area.covered:
            yield Finding(territory_ref(area), area.id, _("小区 %(name)s 未建小区党支部", name=area.name))


@gap_rule(
    GapRuleName.GRID_WITHOUT_GROUP,
    title=N_("网格未建党小组"),
    description=N_("没有网格党小组覆盖的网格"),
    node_kind=NodeKind.TERRITORY,
    source="Duyun, Suyu (覆盖盲区); docs/DOMAIN.md#grid_without_group",
)
def grid_without_group(scope: GapScope, _norms: Norms) -> Iterator[Finding]:
    for grid in scope.of_level(Level.GRID):
        if not grid.covered:
            yield Finding(territory_ref(grid), grid.id, _("网格 %(name)s 未建网格党小组", name=grid.name))


@gap_rule(
    GapRuleName.COMMUNITY_WITHOUT_ORGANISATION,
    title=N_("社区未建党组织"),
    description=N_("没有党组织覆盖的社区"),
    node_kind=NodeKind.TERRITORY,
    source="Duyun; docs/DOMAIN.md#community_without_organisation",
)
def community_without_organisation(scope: GapScope, _norms: Norms) -> Iterator[Finding]:
    for community in scope.of_level(Level.COMMUNITY):
        if not community.covered:
            yield Finding(
                territory_ref(community),
                community.id,
                _("社区 %(name)s 未建社区党组织（社区党委、党总支或党支部）", name=community.name),
            )


@gap_rule(
    GapRuleName.HANGING_ORGANISATION,
    title=N_("党组织挂空挡"),
    description=N_("没有上级党组织、或上级层级不对的党组织（单位党组织隶属于本系统党组织，或属地的街道、社区、园区党组织）"),
    node_kind=NodeKind.ORGANISATION,
    source="Duyun (五级党建链接); docs/DOMAIN.md#hanging_organisation",
)
def hanging_organisation(scope: GapScope, _norms: Norms) -> Iterator[Finding]:
    for org, where in scope.organisations():
        if org.level is Level.DISTRICT:
            continue  # the district committee heads the chain in this graph
        parent = org.parent
        ups = UNIT_ORG_PARENTS if org.level is Level.UNIT else org.level.parents
        if parent is not None and parent.level in ups:
            continue  # most organisations: nothing to word
        if org.level is Level.UNIT:
            wanted = _("本系统的系统党组织（隶属关系），或属地的街道、社区、园区党组织")
        else:
            wanted = _("上级（%(level)s）党组织", level="、".join(term(level) for level in sorted(ups)))
        if parent is None:
            reason = _("%(org)s 没有上级党组织（挂空挡）；应隶属于%(wanted)s", org=org.name, wanted=wanted)
        else:
            reason = _(
                "%(org)s 隶属于 %(parent)s（%(level)s级）；应隶属于%(wanted)s",
                org=org.name,
                parent=parent.name,
                level=term(parent.level),
                wanted=wanted,
            )
        yield Finding(org_ref(org), where.id, reason)
