"""Gap rules of the member roll: in-service members who have not reported (双报到) and grids without a grid leader (三长制).

docs/DOMAIN.md#in_service_unreported and #grid_without_leader say where each comes from.
"""

from __future__ import annotations

from collections.abc import Iterator

from graph.gaps.facts import GapScope
from graph.gaps.names import GapRuleName
from graph.gaps.rule import Finding, gap_rule, territory_ref
from graph.model import Level, MemberRole, NodeKind
from graph.norms import Norms
from graph.scope import NodeRef

__all__ = ["grid_without_leader", "in_service_unreported"]


@gap_rule(
    GapRuleName.GRID_WITHOUT_LEADER,
    title="网格无网格长",
    description="a grid where no one serving holds the grid leader role (网格长)",
    node_kind=NodeKind.TERRITORY,
    source="Fuzhou (三长制: 主动认领网格长、楼栋长、单元长); docs/DOMAIN.md#grid_without_leader",
)
def grid_without_leader(scope: GapScope, _: Norms) -> Iterator[Finding]:
    for grid in scope.of_level(Level.GRID):
        if MemberRole.GRID_LEADER not in grid.roles:
            yield Finding(territory_ref(grid), grid.id, "no one serving this grid is its grid leader (网格长)")


@gap_rule(
    GapRuleName.IN_SERVICE_UNREPORTED,
    title="在职党员未报到",
    description="an in-service member held in the scope who has not reported to a community, street or park after N days",
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
                why = "its start (转入日期) is not recorded"
            elif (scope.day - member.since).days > norms.report_within_days:
                why = f"held here since {member.since.isoformat()}, {(scope.day - member.since).days} days"
            else:
                continue
            yield Finding(
                NodeRef(id=member.id, kind=NodeKind.MEMBER, name=member.name),
                territory.id,
                f"in-service member {member.name} has not reported to a community, street or park (未双报到); {why}, "
                f"more than the {norms.report_within_days} days allowed",
            )
