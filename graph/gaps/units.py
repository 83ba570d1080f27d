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
from graph.i18n import N_, _
from graph.labels import term
from graph.model import BODY_TYPES, TWO_NEW_TYPES, Level, NodeKind, UnitType
from graph.norms import Norms
from graph.scope import NodeRef

__all__ = [
    "eligible_unit_without_organisation",
    "owners_committee_without_organisation",
    "property_company_without_organisation",
    "two_new_without_organisation",
]


def _without_organisation(unit_type: UnitType) -> FindGaps:
    """Units of one type, in the communities of the scope, that have no party organisation of their own."""

    def finds(scope: GapScope, _norms: Norms) -> Iterator[Finding]:
        for community in scope.of_level(Level.COMMUNITY):
            for unit in scope.chain[community.id].units:
                if unit.unit_type is unit_type and unit.organisation is None and unit.eligible is not False:
                    ref = NodeRef(id=unit.id, kind=NodeKind.UNIT, name=unit.name)
                    yield Finding(ref, community.id, _("%(what)s %(name)s 未建自己的党组织", what=term(unit_type), name=unit.name))

    return finds


property_company_without_organisation = gap_rule(
    GapRuleName.PROPERTY_COMPANY_WITHOUT_ORGANISATION,
    title=N_("物业服务企业未建党组织"),
    description=N_("未建党组织的物业服务企业"),
    node_kind=NodeKind.UNIT,
    source="Fuzhou (92.7%); docs/DOMAIN.md#property_company_without_organisation",
)(_without_organisation(UnitType.PROPERTY_COMPANY))

owners_committee_without_organisation = gap_rule(
    GapRuleName.OWNERS_COMMITTEE_WITHOUT_ORGANISATION,
    title=N_("业主委员会未建党组织"),
    description=N_("未建党组织的业主委员会"),
    node_kind=NodeKind.UNIT,
    source="Fuzhou (68.1%); docs/DOMAIN.md#owners_committee_without_organisation",
)(_without_organisation(UnitType.OWNERS_COMMITTEE))


@gap_rule(
    GapRuleName.TWO_NEW_WITHOUT_ORGANISATION,
    title=N_("两新组织未建党组织"),
    description=N_("未建党组织的两新组织（非公企业、社会组织、园区、商务楼宇、新就业群体）"),
    node_kind=NodeKind.UNIT,
    source="Suyu (商业楼宇、开发园区、互联网企业: 盲区), Fuzhou (新就业群体); docs/DOMAIN.md#two_new_without_organisation",
)
def two_new_without_organisation(scope: GapScope, _norms: Norms) -> Iterator[Finding]:
    for community in scope.of_level(Level.COMMUNITY):
        for unit in scope.chain[community.id].units:
            if unit.unit_type in TWO_NEW_TYPES and unit.organisation is None and unit.eligible is not False:
                ref = NodeRef(id=unit.id, kind=NodeKind.UNIT, name=unit.name)
                reason = _("两新组织 %(name)s（%(what)s）未建自己的党组织", name=unit.name, what=term(unit.unit_type))
                yield Finding(ref, community.id, reason)


@gap_rule(
    GapRuleName.ELIGIBLE_UNIT_WITHOUT_ORGANISATION,
    title=N_("具备条件未建党组织"),
    description=N_("党员已够组建党支部（3 名）却未建党组织的单位"),
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
                reason = _(
                    "%(name)s 有党员 %(members)s 名，已够组建党支部（%(minimum)s 名），却未建党组织",
                    name=unit.name,
                    members=members,
                    minimum=norms.branch_min_members,
                )
                yield Finding(ref, community.id, reason)
