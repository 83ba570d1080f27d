"""驻区单位: the units table, a resident unit per row with its own party organisation when it has one."""

from __future__ import annotations

from datetime import date
from typing import NamedTuple

from graph.invariants import UNIT_ORG_PARENTS
from graph.model import Covers, EdgeKind, Level, LocatedIn, Manages, NodeKind, Organisation, OrgForm, ReportsTo, Unit, UnitType
from loaders.importer.rows import BuildingRow, DefiningRow
from loaders.importer.tables.base import TableBuilder

__all__ = ["UnitValues", "Units"]

_SUPERIORS = tuple(sorted(UNIT_ORG_PARENTS))


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
    superior_org_id: str | None
    residential_area_id: tuple[str, ...]
    eligible: bool | None
    members: int | None
    since: date | None
    until: date | None
    resources: tuple[str, ...]


def _org(v: UnitValues) -> str | None:
    """The id of the unit's own party organisation, if the row gives it one."""
    return (v.party_org_id or f"o-{v.id}") if v.party_org_name else None


class Units(TableBuilder[UnitValues]):
    """Units LocatedIn a community and Managing the residential areas they serve; their organisations Cover them
    and ReportTo the superior the row names, in their own line or locally (属地): none is assumed (挂空挡 is a gap)."""

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
        if v.superior_org_id:
            found = row.known(v.superior_org_id)
            # a system organisation heads a line across the district: a street's key names it as a bare reference
            own_line = found is not None and found.kind is NodeKind.ORGANISATION and found.level is Level.SYSTEM
            superior = row.ref("superior_org_id", v.superior_org_id, (NodeKind.ORGANISATION,), _SUPERIORS, anywhere=own_line)
            if superior is not None and v.superior_org_id == org:
                row.problem("superior_org_id", v.superior_org_id, "names the unit's own party organisation; name the one it reports to")
        for area in v.residential_area_id:
            row.ref("residential_area_id", area, (NodeKind.TERRITORY,), (Level.RESIDENTIAL_AREA,))
        row.own("id", v.id)
        if org:
            row.own("party_org_id", org)
        row.node(
            Unit,
            id=v.id,
            name=v.name,
            unit_type=v.type,
            eligible=v.eligible,
            members=v.members,
            resources=v.resources,
            properties=row.props,
        )
        if org:
            form = v.party_org_form or OrgForm.BRANCH
            row.node(Organisation, id=org, name=v.party_org_name, level=Level.UNIT, form=form, members=v.party_org_members or 0)

    def edges(self, v: UnitValues, row: BuildingRow) -> None:
        term = {"valid_from": v.since, "valid_to": v.until}
        row.edge(LocatedIn, v.id, v.community_id, **term)
        for area in v.residential_area_id:
            row.edge(Manages, v.id, area, **term)
        row.unlink(v.id, EdgeKind.MANAGES, keep=set(v.residential_area_id) | row.managed_here(v.id))
        org = _org(v)
        if org:
            row.edge(Covers, org, v.id, **term)
            if v.superior_org_id:
                row.edge(ReportsTo, org, v.superior_org_id, **term)
            else:  # no superior named: none is assumed (once, the community's was)
                row.unlink(org, EdgeKind.REPORTS_TO, keep=set())
