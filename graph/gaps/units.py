"""Gap rules of resident units (驻区单位): property companies and owners' committees without a party organisation.

Fuzhou reports the two apart (92.7% and 68.1% covered); docs/DOMAIN.md#property_company_without_organisation
and #owners_committee_without_organisation.
"""

from __future__ import annotations

from collections.abc import Iterator

from graph.gaps.facts import GapScope
from graph.gaps.names import GapRuleName
from graph.gaps.rule import FindGaps, Finding, gap_rule
from graph.i18n import N_, _
from graph.labels import term
from graph.model import Level, NodeKind, UnitType
from graph.norms import Norms
from graph.scope import NodeRef

__all__ = ["owners_committee_without_organisation", "property_company_without_organisation"]


def _without_organisation(unit_type: UnitType) -> FindGaps:
    """Units of one type, in the communities of the scope, that have no party organisation of their own."""

    def finds(scope: GapScope, _norms: Norms) -> Iterator[Finding]:
        for community in scope.of_level(Level.COMMUNITY):
            for unit in scope.chain[community.id].units:
                if unit.unit_type is unit_type and unit.organisation is None:
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
