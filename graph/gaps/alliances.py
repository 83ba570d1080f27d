"""Gap rules of alliances (党建联盟 / 党建共同体): Heshan's 三全 principle.

Heshan grouped 26 communities, 5 industrial parks and 303 organs and enterprises into 18 党建共同体
"按照镇街社区工业园区全覆盖、机关企事业单位全参与、服务群众全方位“三全”原则": every community and park
covered, every unit taking part. docs/DOMAIN.md has a section for each rule.
"""

from __future__ import annotations

from collections.abc import Iterator

from graph.gaps.facts import GapScope
from graph.gaps.names import GapRuleName
from graph.gaps.rule import Finding, gap_rule
from graph.i18n import N_, _
from graph.labels import term
from graph.model import BODY_TYPES, Level, NodeKind, UnitType
from graph.norms import Norms
from graph.scope import NodeRef

__all__ = ["outside_community_of_practice"]

NOT_TAKING_PART = BODY_TYPES | {UnitType.OWNERS_COMMITTEE}
"""Units the 三全 check leaves out: the community's own bodies, and owners' committees (业主委员会, residents' own body,
no 机关企事业单位)."""


@gap_rule(
    GapRuleName.OUTSIDE_COMMUNITY_OF_PRACTICE,
    title=N_("未纳入党建共同体"),
    description=N_("不在任何党建共同体中的社区、工业园区和驻区单位（“三全”：社区工业园区全覆盖、机关企事业单位全参与）"),
    node_kind=NodeKind.UNIT,
    source="Heshan (镇街社区工业园区全覆盖、机关企事业单位全参与……“三全”原则); docs/DOMAIN.md#outside_community_of_practice",
)
def outside_community_of_practice(scope: GapScope, _norms: Norms) -> Iterator[Finding]:
    """A community, park or unit is in a 共同体 when it, or the organisation covering it, is a member on the day.

    Silent where the graph has no 共同体 on the day: the principle binds districts that organise them.
    """
    members = scope.practice_members
    if members is None:
        return
    for community in scope.of_level(Level.COMMUNITY):
        org = scope.organisation(community.id)
        if community.id not in members and (org is None or org.id not in members):
            ref = NodeRef(id=community.id, kind=NodeKind.TERRITORY, name=community.name, level=Level.COMMUNITY)
            yield Finding(ref, community.id, _("社区 %(name)s 不在任何党建共同体中", name=community.name))
        for unit in scope.chain[community.id].units:
            if unit.unit_type in NOT_TAKING_PART or unit.eligible is False:
                continue
            if unit.id in members or (unit.organisation is not None and unit.organisation.id in members):
                continue
            ref = NodeRef(id=unit.id, kind=NodeKind.UNIT, name=unit.name)
            if unit.unit_type is UnitType.INDUSTRIAL_PARK:
                reason = _("工业园区 %(name)s 不在任何党建共同体中", name=unit.name)
            else:
                reason = _("%(what)s %(name)s 未参加任何党建共同体", what=term(unit.unit_type), name=unit.name)
            yield Finding(ref, community.id, reason)
