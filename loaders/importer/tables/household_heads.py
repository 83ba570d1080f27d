"""联户长: the household heads table, a person per row who keeps in touch with households of a grid.

A party member unless ``party_member`` says no (群众联户长). The same id in the members table (党员名册) is
the same person: :mod:`.people` says how the two rows make one node.
"""

from __future__ import annotations

from typing import NamedTuple

from graph.model import EdgeKind, Level, Member, MemberCategory, MemberOf, MemberRole, NodeKind, Serves
from loaders.importer.rows import BuildingRow, DefiningRow
from loaders.importer.tables.base import TableBuilder
from loaders.importer.tables.people import merged_person

__all__ = ["HouseholdHeadValues", "HouseholdHeads"]


class HouseholdHeadValues(NamedTuple):
    """A checked household heads row (:class:`loaders.format.HouseholdHeadRow`)."""

    id: str
    name: str
    grid_id: str
    category: MemberCategory | None
    households: int | None
    phone: str | None
    roles: tuple[MemberRole, ...]
    party_member: bool


class HouseholdHeads(TableBuilder[HouseholdHeadValues]):
    """People who Serve a grid as household heads; a party member not on the roll is MemberOf the grid's group when it has one."""

    table = "household_heads"
    values = HouseholdHeadValues

    def define(self, v: HouseholdHeadValues, row: DefiningRow) -> None:
        row.define_person(v.id, Level.HOUSEHOLD, "id", v)

    def nodes(self, v: HouseholdHeadValues, row: BuildingRow) -> None:
        row.ref("grid_id", v.grid_id, (NodeKind.TERRITORY,), (Level.GRID,))
        row.own("id", v.id)
        if "members" in row.person_rows(v.id):
            return  # the roll's row writes the person, this row's part merged in
        fields = merged_person(person_id=v.id, roll=None, head=v, stored=row.stored_person(v.id))
        row.node(Member, **fields, properties=row.props)

    def edges(self, v: HouseholdHeadValues, row: BuildingRow) -> None:
        row.edge(Serves, v.id, v.grid_id)
        if "members" in row.person_rows(v.id):
            return  # the roll holds the membership (双重管理)
        held = row.membership(v.id)
        if held is not None and not _grid_group(row, held):
            return  # held by an organisation the roll named: not this table's to move
        if not v.party_member:  # 群众联户长: no membership to hold
            if held is not None:
                row.unlink(v.id, EdgeKind.MEMBER_OF, keep=set())
            return
        grid = row.known(v.grid_id)
        if grid and grid.org:
            row.edge(MemberOf, v.id, grid.org)
        else:  # moved to a grid without a group: no longer a member of the old one
            row.unlink(v.id, EdgeKind.MEMBER_OF, keep=set())


def _grid_group(row: BuildingRow, org_id: str) -> bool:
    """Whether an organisation is a grid group: a membership this table gave, which it may move."""
    found = row.known(org_id)
    return found is not None and found.level is Level.GRID
