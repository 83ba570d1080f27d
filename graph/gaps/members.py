"""Gap rules of the member roll: in-service members who have not reported (双报到) and grids without a grid leader (三长制).

docs/DOMAIN.md#in_service_unreported and #grid_without_leader say where each comes from.
"""

from __future__ import annotations

from collections.abc import Iterator

from graph.gaps.facts import GapScope
from graph.gaps.names import GapRuleName
from graph.gaps.rule import Finding, gap_rule, territory_ref
from graph.i18n import N_, _
from graph.model import Level, MemberRole, NodeKind
from graph.norms import Norms
from graph.scope import NodeRef

__all__ = ["grid_without_leader", "in_service_unreported"]


@gap_rule(
    GapRuleName.GRID_WITHOUT_LEADER,
    title=N_("网格无网格长"),
    description=N_("当天服务该网格的人中无人担任网格长"),
    node_kind=NodeKind.TERRITORY,
    source="Fuzhou (三长制: 主动认领网格长、楼栋长、单元长); docs/DOMAIN.md#grid_without_leader",
)
def grid_without_leader(scope: GapScope, _norms: Norms) -> Iterator[Finding]:
    for grid in scope.of_level(Level.GRID):
        if MemberRole.GRID_LEADER not in grid.roles:
            yield Finding(territory_ref(grid), grid.id, _("服务该网格的人中无人担任网格长"))


@gap_rule(
    GapRuleName.IN_SERVICE_UNREPORTED,
    title=N_("在职党员未报到"),
    description=N_("组织关系在本辖区、超过 report_within_days 天仍未向社区、街道或园区报到的在职党员"),
    node_kind=NodeKind.MEMBER,
    source="Fuzhou, Heshan, Haishu (在职党员到居住地社区报到, 双报到); docs/DOMAIN.md#in_service_unreported",
    norms=("report_within_days",),
)
def in_service_unreported(scope: GapScope, norms: Norms) -> Iterator[Finding]:
    for territory in scope.territories:
        for member in scope.chain[territory.id].in_service:
            if member.reported:
                continue
            if member.since is None:
                why = _("转入日期未记录")
            elif (scope.day - member.since).days > norms.report_within_days:
                why = _("自 %(since)s 起已 %(days)s 天", since=member.since.isoformat(), days=(scope.day - member.since).days)
            else:
                continue
            yield Finding(
                NodeRef(id=member.id, kind=NodeKind.MEMBER, name=member.name),
                territory.id,
                _(
                    "在职党员 %(name)s 未向社区、街道或园区报到（未双报到）；%(why)s，超过 %(norm)s 天的期限",
                    name=member.name,
                    why=why,
                    norm=norms.report_within_days,
                ),
            )
