"""组织架构: the structure table, a territory per row with the party organisation that covers it."""

from __future__ import annotations

from typing import NamedTuple

from graph.model import Covers, Level, Manages, NodeKind, Organisation, OrgForm, ReportsTo, Territory, Within
from loaders.format import DEFAULT_FORM
from loaders.importer.rows import BuildingRow, DefiningRow
from loaders.importer.tables.base import TableBuilder

__all__ = ["Structure", "StructureValues"]


class StructureValues(NamedTuple):
    """A checked structure row (:class:`loaders.format.StructureRow`)."""

    id: str
    level: Level
    name: str
    parent_id: str | None
    org_id: str | None
    org_name: str | None
    org_form: OrgForm | None
    org_members: int | None
    households: int | None
    staff: int | None
    upgraded: bool
    abandoned: bool
    managed_by: str | None


def _org(v: StructureValues) -> str | None:
    """The id of the organisation covering the territory, if the row gives it one."""
    return (v.org_id or f"o-{v.id}") if v.org_name else None


class Structure(TableBuilder[StructureValues]):
    """Territories (Within their parent) and their organisations (Covers, and ReportsTo the parent's)."""

    table = "structure"
    values = StructureValues

    def define(self, v: StructureValues, row: DefiningRow) -> None:
        row.define(v.id, NodeKind.TERRITORY, v.level, "id")
        row.place(v.id, v.parent_id)
        if v.managed_by:
            row.manages(v.managed_by, v.id)
        if v.org_name:
            row.define_org(v.id, v.org_id, v.level, "org_id")

    def nodes(self, v: StructureValues, row: BuildingRow) -> None:
        org = _org(v)
        parent = None
        if v.parent_id:
            is_scope = v.id == row.scope
            up = v.level.up  # a district has no parent_id: its row is refused before this
            parent = row.ref("parent_id", v.parent_id, (NodeKind.TERRITORY,), (up,) if up else (), anywhere=is_scope)
            if is_scope and row.parent_of(v.id) not in (None, v.parent_id):
                row.problem("parent_id", v.parent_id, f"{v.id} is this import's scope: it may keep its parent, not move")
        if parent is not None or not v.parent_id:  # a parent refused above is that row's one problem
            row.lands("parent_id", v.parent_id, v.id)
        if v.managed_by:
            row.ref("managed_by", v.managed_by, (NodeKind.UNIT,))
        row.own("id", v.id)
        if org:
            row.own("org_id", org)
        fields = {"households": v.households, "staff": v.staff, "abandoned": v.abandoned}
        row.node(Territory, id=v.id, name=v.name, level=v.level, properties=row.props, **fields)
        if org:
            form = v.org_form or DEFAULT_FORM[v.level]
            row.node(Organisation, id=org, name=v.org_name, level=v.level, form=form, members=v.org_members or 0, upgraded=v.upgraded)

    def edges(self, v: StructureValues, row: BuildingRow) -> None:
        if v.parent_id:
            row.edge(Within, v.id, v.parent_id)
        if v.managed_by:
            row.edge(Manages, v.managed_by, v.id)
        org = _org(v)
        if org:
            row.edge(Covers, org, v.id)
            parent = row.known(v.parent_id) if v.parent_id else None
            if parent and parent.org:
                row.edge(ReportsTo, org, parent.org)
