"""组织架构: the structure table, a territory per row with the party organisation that covers it."""

from __future__ import annotations

from datetime import date
from typing import NamedTuple

from graph.model import Covers, EdgeKind, Level, Manages, NodeKind, Organisation, OrgForm, ReportsTo, Territory, Within
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
    population: int | None
    since: date | None
    until: date | None
    abandoned: bool
    managed_by: str | None
    needs: tuple[str, ...]


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
        if v.org_name and v.org_id:
            row.define_joint_org(v.id, v.org_id, v.level, "org_id", (v.org_name, v.org_form or DEFAULT_FORM[v.level]))
        elif v.org_name:
            row.define_org(v.id, v.org_id, v.level, "org_id")

    def nodes(self, v: StructureValues, row: BuildingRow) -> None:
        org = _org(v)
        parent = None
        if v.parent_id:
            is_scope = v.id == row.scope
            ups = tuple(sorted(v.level.parents))  # a district has no parent_id: its row is refused before this
            parent = row.ref("parent_id", v.parent_id, (NodeKind.TERRITORY,), ups, anywhere=is_scope)
            if is_scope and row.parent_of(v.id) not in (None, v.parent_id):
                row.problem("parent_id", v.parent_id, f"{v.id} is this import's scope: it may keep its parent, not move")
        if parent is not None or not v.parent_id:  # a parent refused above is that row's one problem
            row.lands("parent_id", v.parent_id, v.id)
        if v.managed_by:
            row.ref("managed_by", v.managed_by, (NodeKind.UNIT,))
        row.own("id", v.id)
        if org:
            row.own("org_id", org)
        row.node(
            Territory,
            id=v.id,
            name=v.name,
            level=v.level,
            households=v.households,
            staff=v.staff,
            population=v.population,
            abandoned=v.abandoned,
            needs=v.needs,
            properties=row.props,
        )
        if org and row.defines_first(org):  # a joint organisation's node comes from its first row
            form = v.org_form or DEFAULT_FORM[v.level]
            row.node(Organisation, id=org, name=v.org_name, level=v.level, form=form, members=v.org_members or 0, upgraded=v.upgraded)

    def edges(self, v: StructureValues, row: BuildingRow) -> None:
        # since/until date the row's place (WITHIN) and its organisation's line (REPORTS_TO); until also ends the
        # covering (COVERS), which has no start of its own: a residential area moved to a new community stays covered.
        if v.parent_id:
            row.edge(Within, v.id, v.parent_id, valid_from=v.since, valid_to=v.until)
        if v.managed_by:
            row.edge(Manages, v.managed_by, v.id)
        org = _org(v)
        if org:
            row.edge(Covers, org, v.id, valid_to=v.until)
            row.unlink_in(v.id, EdgeKind.COVERS, keep={org})  # one organisation covers a territory: the row names which
            parent = row.known(v.parent_id) if v.parent_id else None
            if parent and parent.org and row.defines_first(org):  # a joint organisation reports once, from its first row
                row.edge(ReportsTo, org, parent.org, valid_from=v.since, valid_to=v.until)
