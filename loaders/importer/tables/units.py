"""驻区单位: the units table, a resident unit per row with its own party organisation when it has one."""

from __future__ import annotations

from typing import NamedTuple

from graph.model import Covers, Level, LocatedIn, NodeKind, Organisation, OrgForm, ReportsTo, Unit, UnitType
from loaders.importer.rows import BuildingRow, DefiningRow
from loaders.importer.tables.base import TableBuilder

__all__ = ["UnitValues", "Units"]


class UnitValues(NamedTuple):
    """A checked units row (:class:`loaders.format.UnitRow`)."""

    id: str
    name: str
    type: UnitType
    community_id: str
    party_org_id: str | None
    party_org_name: str | None
    party_org_members: int | None
    party_org_form: OrgForm | None


def _org(v: UnitValues) -> str | None:
    """The id of the unit's own party organisation, if the row gives it one."""
    return (v.party_org_id or f"o-{v.id}") if v.party_org_name else None


class Units(TableBuilder[UnitValues]):
    """Units LocatedIn a community; their organisations Cover them and ReportTo the community's."""

    table = "units"
    values = UnitValues

    def define(self, v: UnitValues, row: DefiningRow) -> None:
        row.define(v.id, NodeKind.UNIT, Level.UNIT, "id")
        row.unit_type(v.id, v.type)
        if v.party_org_name:
            row.define_org(v.id, v.party_org_id, Level.UNIT, "party_org_id")

    def nodes(self, v: UnitValues, row: BuildingRow) -> None:
        org = _org(v)
        row.ref("community_id", v.community_id, (NodeKind.TERRITORY,), (Level.COMMUNITY,))
        row.own("id", v.id)
        if org:
            row.own("party_org_id", org)
        row.node(Unit, id=v.id, name=v.name, unit_type=v.type, properties=row.props)
        if org:
            form = v.party_org_form or OrgForm.BRANCH
            row.node(Organisation, id=org, name=v.party_org_name, level=Level.UNIT, form=form, members=v.party_org_members or 0)

    def edges(self, v: UnitValues, row: BuildingRow) -> None:
        row.edge(LocatedIn, v.id, v.community_id)
        org = _org(v)
        if org:
            row.edge(Covers, org, v.id)
            community = row.known(v.community_id)
            if community and community.org:
                row.edge(ReportsTo, org, community.org)
