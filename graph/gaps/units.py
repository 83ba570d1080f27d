"""Gap rules of resident units (驻区单位): units without a party organisation where the seeds want one.

Fuzhou reports property companies and owners' committees apart (92.7% and 68.1% covered, over those
meeting the conditions, 符合条件的); Suyu names 商业楼宇、开发园区、互联网企业 as blind spots of 两新
coverage; three members form a branch. docs/DOMAIN.md has a section for each rule.
"""

from __future__ import annotations

from collections.abc import Iterator

from graph.gaps.facts import GapScope
from graph.gaps.names import GapRuleName
from graph.gaps.rule import FindGaps, Finding, gap_rule
from graph.model import BODY_TYPES, TWO_NEW_TYPES, Level, NodeKind, UnitType
from graph.norms import Norms
from graph.scope import NodeRef

__all__ = [
    "eligible_unit_without_organisation",
    "owners_committee_without_organisation",
    "property_company_without_organisation",
    "two_new_without_organisation",
]


def _without_organisation(unit_type: UnitType, what: str) -> FindGaps:
    """Units of one type, in the communities of the scope, that have no party organisation of their own
    (those recorded as not meeting the conditions, 不符合条件, left out)."""

    def finds(scope: GapScope, _: Norms) -> Iterator[Finding]:
        for community in scope.of_level(Level.COMMUNITY):
            for unit in scope.chain[community.id].units:
                if unit.unit_type is unit_type and unit.organisation is None and unit.eligible is not False:
                    ref = NodeRef(id=unit.id, kind=NodeKind.UNIT, name=unit.name)
                    yield Finding(ref, community.id, f"{what} {unit.name} has no party organisation of its own")

    return finds


property_company_without_organisation = gap_rule(
    GapRuleName.PROPERTY_COMPANY_WITHOUT_ORGANISATION,
    title="物业服务企业未建党组织",
    description="a property-service company without a party organisation",
    node_kind=NodeKind.UNIT,
    source="Fuzhou (92.7%); docs/DOMAIN.md#property_company_without_organisation",
)(_without_organisation(UnitType.PROPERTY_COMPANY, "property company"))

owners_committee_without_organisation = gap_rule(
    GapRuleName.OWNERS_COMMITTEE_WITHOUT_ORGANISATION,
    title="业主委员会未建党组织",
    description="an owners' committee without a party organisation",
    node_kind=NodeKind.UNIT,
    source="Fuzhou (68.1%); docs/DOMAIN.md#owners_committee_without_organisation",
)(_without_organisation(UnitType.OWNERS_COMMITTEE, "owners' committee"))


@gap_rule(
    GapRuleName.TWO_NEW_WITHOUT_ORGANISATION,
    title="两新组织未建党组织",
    description="a 两新 organisation (enterprise, social organisation, park, commercial building, new-employment group) without one",
    node_kind=NodeKind.UNIT,
    source="Suyu (商业楼宇、开发园区、互联网企业: 盲区), Fuzhou (新就业群体); docs/DOMAIN.md#two_new_without_organisation",
)
def two_new_without_organisation(scope: GapScope, _: Norms) -> Iterator[Finding]:
    for community in scope.of_level(Level.COMMUNITY):
        for unit in scope.chain[community.id].units:
            if unit.unit_type in TWO_NEW_TYPES and unit.organisation is None and unit.eligible is not False:
                ref = NodeRef(id=unit.id, kind=NodeKind.UNIT, name=unit.name)
                yield Finding(ref, community.id, f"两新组织 {unit.name} ({unit.unit_type.value}) has no party organisation of its own")


@gap_rule(
    GapRuleName.ELIGIBLE_UNIT_WITHOUT_ORGANISATION,
    title="具备条件未建党组织",
    description="a unit with enough party members to form a branch (3) and no party organisation",
    node_kind=NodeKind.UNIT,
    source="party rules (three full members form a branch); docs/DOMAIN.md#eligible_unit_without_organisation",
    norms=("branch_min_members",),
)
def eligible_unit_without_organisation(scope: GapScope, norms: Norms) -> Iterator[Finding]:
    for community in scope.of_level(Level.COMMUNITY):
        for unit in scope.chain[community.id].units:
            members = unit.members or 0
            if unit.organisation is not None or unit.eligible is False or unit.unit_type in BODY_TYPES:
                continue
            if members >= norms.branch_min_members:
                ref = NodeRef(id=unit.id, kind=NodeKind.UNIT, name=unit.name)
                reason = f"{unit.name} has {members} party members, enough for a branch ({norms.branch_min_members}), and no organisation"
                yield Finding(ref, community.id, reason)
