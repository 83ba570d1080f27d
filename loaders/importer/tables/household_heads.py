"""党员联户长: the household heads table, a party member per row who keeps in touch with households of a grid."""

from __future__ import annotations

from typing import NamedTuple

from graph.model import EdgeKind, Level, Member, MemberCategory, MemberOf, MemberRole, NodeKind, Serves
from loaders.importer.rows import BuildingRow, DefiningRow
from loaders.importer.tables.base import TableBuilder

__all__ = ["HouseholdHeadValues", "HouseholdHeads"]


class HouseholdHeadValues(NamedTuple):
    """A checked household heads row (:class:`loaders.format.HouseholdHeadRow`)."""

    id: str
    name: str
    grid_id: str
    category: MemberCategory
    households: int | None
    phone: str | None
    roles: tuple[MemberRole, ...]


class HouseholdHeads(TableBuilder[HouseholdHeadValues]):
    """Members who Serve a grid, and are MemberOf its group when it has one."""

    table = "household_heads"
    values = HouseholdHeadValues

    def define(self, v: HouseholdHeadValues, row: DefiningRow) -> None:
        row.define(v.id, NodeKind.MEMBER, Level.HOUSEHOLD, "id")

    def nodes(self, v: HouseholdHeadValues, row: BuildingRow) -> None:
        row.ref("grid_id", v.grid_id, (NodeKind.TERRITORY,), (Level.GRID,))
        row.own("id", v.id)
        roles = (MemberRole.HOUSEHOLD_HEAD, *(r for r in v.roles if r is not MemberRole.HOUSEHOLD_HEAD))
        linked = v.households or 0
        row.node(Member, id=v.id, name=v.name, category=v.category, roles=roles, households=linked, phone=v.phone, properties=row.props)

    def edges(self, v: HouseholdHeadValues, row: BuildingRow) -> None:
        row.edge(Serves, v.id, v.grid_id)
        grid = row.known(v.grid_id)
        if grid and grid.org:
            row.edge(MemberOf, v.id, grid.org)
        else:  # moved to a grid without a group: no longer a member of the old one
            row.unlink(v.id, EdgeKind.MEMBER_OF, keep=set())
