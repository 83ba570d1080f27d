"""Gap rules of a residential area's own governance: Duyun's 三方共议, and abandoned areas (弃管小区) nobody runs.

Duyun: "小区党支部、业主委员会、物业企业“三方共议”", and abandoned areas taken over by a company the
community founded. docs/DOMAIN.md has a section for each rule.
"""

from __future__ import annotations

from collections.abc import Iterator

from graph.gaps.facts import GapScope
from graph.gaps.names import GapRuleName
from graph.gaps.rule import Finding, gap_rule, territory_ref
from graph.i18n import N_, _
from graph.labels import term
from graph.model import Level, NodeKind, UnitType
from graph.norms import Norms

__all__ = ["abandoned_area_unrun", "area_without_three_parties"]

_THREE = (UnitType.OWNERS_COMMITTEE, UnitType.PROPERTY_COMPANY)


@gap_rule(
    GapRuleName.AREA_WITHOUT_THREE_PARTIES,
    title=N_("小区三方共议不全"),
    description=N_("小区党支部、业主委员会、物业企业三方不全的小区（三方共议）"),
    node_kind=NodeKind.TERRITORY,
    source="Duyun (小区党支部、业主委员会、物业企业“三方共议”); docs/DOMAIN.md#area_without_three_parties",
)
def area_without_three_parties(scope: GapScope, _norms: Norms) -> Iterator[Finding]:
    for area in scope.of_level(Level.RESIDENTIAL_AREA):
        lacking = ([] if area.covered else [_("小区党支部")]) + [term(t) for t in _THREE if t not in area.managers]
        if lacking:
            reason = _("小区 %(name)s 缺少%(lacking)s，三方共议不全", name=area.name, lacking="、".join(lacking))
            yield Finding(territory_ref(area), area.id, reason)


@gap_rule(
    GapRuleName.ABANDONED_AREA_UNRUN,
    title=N_("弃管小区无人代管"),
    description=N_("没有单位代管的弃管小区"),
    node_kind=NodeKind.TERRITORY,
    source="Duyun (弃管小区); docs/DOMAIN.md#abandoned_area_unrun",
)
def abandoned_area_unrun(scope: GapScope, _norms: Norms) -> Iterator[Finding]:
    for area in scope.of_level(Level.RESIDENTIAL_AREA):
        if area.abandoned and not area.managers:
            yield Finding(territory_ref(area), area.id, _("弃管小区 %(name)s 无单位代管", name=area.name))
