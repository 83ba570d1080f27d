"""系统党组织: the system_orgs table, a party organisation per row heading a line units' organisations report up."""

from __future__ import annotations

from typing import NamedTuple

from graph.invariants import SYSTEM_ORG_PARENTS
from graph.model import EdgeKind, Level, NodeKind, Organisation, OrgForm, ReportsTo, SystemKind
from loaders.importer.rows import BuildingRow, DefiningRow
from loaders.importer.tables.base import TableBuilder

__all__ = ["SystemOrgValues", "SystemOrgs"]

_PARENTS = tuple(sorted(SYSTEM_ORG_PARENTS))

WORKING_COMMITTEES = frozenset({SystemKind.ORGAN_WORK_COMMITTEE, SystemKind.EDUCATION, SystemKind.HEALTH, SystemKind.TWO_NEW})
"""Kinds whose organisation is a working committee (工委); the others are committees (党委)."""


class SystemOrgValues(NamedTuple):
    """A checked system_orgs row (:class:`loaders.format.SystemOrgRow`)."""

    id: str
    name: str
    kind: SystemKind | None
    parent_id: str | None
    members: int | None


class SystemOrgs(TableBuilder[SystemOrgValues]):
    """System organisations (level system), each ReportsTo another or the district's organisation."""

    table = "system_orgs"
    values = SystemOrgValues

    def define(self, v: SystemOrgValues, row: DefiningRow) -> None:
        row.define(v.id, NodeKind.ORGANISATION, Level.SYSTEM, "id")

    def nodes(self, v: SystemOrgValues, row: BuildingRow) -> None:
        kind = v.kind or SystemKind.OTHER
        form = OrgForm.WORKING_COMMITTEE if kind in WORKING_COMMITTEES else OrgForm.COMMITTEE
        fields = {"id": v.id, "name": v.name, "level": Level.SYSTEM, "form": form, "members": v.members or 0, "system_kind": kind}
        if row.beyond(v.id):
            # the district's line, named by the scope's units as their superior: the scope's own export carries it,
            # and restated as it is it is no change; changed, it is refused as any record beyond the scope is
            parent = (EdgeKind.REPORTS_TO, v.parent_id) if v.parent_id else None  # blank: the key's export withheld the district's
            if not row.restates(Organisation, parent=parent, properties=row.props, **fields):
                row.own("id", v.id)
            return
        if v.parent_id:
            row.ref("parent_id", v.parent_id, (NodeKind.ORGANISATION,), _PARENTS)
        elif row.scope is not None and not row.stored(v.id):
            reason = (
                f"is blank: a system organisation this import creates must report to one within {row.scope}, or it lies in no territory"
            )
            row.problem("parent_id", None, "不在本辖区内 (" + reason + ")")
        row.own("id", v.id)
        row.node(Organisation, properties=row.props, **fields)

    def edges(self, v: SystemOrgValues, row: BuildingRow) -> None:
        if row.beyond(v.id):
            return
        if v.parent_id:
            row.edge(ReportsTo, v.id, v.parent_id)
        else:
            row.unlink(v.id, EdgeKind.REPORTS_TO, keep=set())
