"""The id index (编号索引): what pass 1 learns of each id the file defines, small enough to hold for millions of rows.

A row's cells go to the spill; what stays in memory is, per id, four references (its kind,
level, table and row), the organisation the file puts over each territory or unit, the
alliances' names and kinds, and what the store says of the ids the file refers to but does
not define (asked once each). References are checked against this, never against the rows.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from graph.errors import UnknownNode
from graph.model import AllianceKind, EdgeKind, Level, NodeKind, UnitType
from graph.store import Direction, GraphStore

__all__ = ["FileAlliance", "FileTerm", "IdIndex", "Known"]

PERSON_TABLES = frozenset({"members", "household_heads"})
"""The tables whose rows describe a person (one Member node): the same id in each is the same person, once per table."""

VALUES_READ = frozenset({"household_heads"})
"""The person tables whose row values the other's builder reads (the roll's row merges in its person's household heads row);
of the other (members) only that a row exists is kept, so the index holds the values of as few rows as it can."""

_COVERED = (NodeKind.TERRITORY, NodeKind.UNIT)
"""The kinds an organisation covers: a reference to one may need its organisation."""


@dataclass(frozen=True, slots=True)
class Known:
    """What a reference needs to know of a node: kind, level, the organisation covering it, and the row defining it."""

    kind: NodeKind
    level: Level | None
    org: str | None
    table: str | None = None
    """The table defining it; None for a node only the store has."""
    row: int | None = None
    unit_type: UnitType | None = None
    """A unit's type (a post's body must be one of a few)."""


@dataclass(frozen=True, slots=True)
class FileTerm:
    """职务任期: one term of a single-holder post as the file gives it, to find two holders at once."""

    since: date | None
    until: date | None
    row: int
    post_id: str


@dataclass(slots=True)
class FileAlliance:
    """党建联盟: an alliance as the file's rows name it, and the row that first does."""

    name: str | None
    kind: AllianceKind | None
    first: int
    named_member: bool = False
    """Whether any of its rows names a member (a scoped import may not create an alliance of no one)."""


class IdIndex:
    """Every id the file defines, and what the store says of the others."""

    def __init__(self, store: GraphStore) -> None:
        self.store = store
        self._defined: dict[str, tuple[NodeKind, Level | None, str, int]] = {}
        self.org_of: dict[str, str] = {}
        """The organisation the file puts over a territory or unit, by the territory's or unit's id."""
        self.alliances: dict[str, FileAlliance] = {}
        self.joint: dict[str, tuple[int, Level, tuple[object, ...]]] = {}
        """A structure row's organisation by its given id: the first row naming it, its level and (name, form), so that
        further rows of the level naming it make it a joint organisation (联合党支部) and must agree with the first."""
        self.managed: dict[str, set[str]] = {}
        """The residential areas the file's structure rows say each unit runs (managed_by), by the unit's id."""
        self.unit_types: dict[str, UnitType] = {}
        """The type of each unit the file defines."""
        self.people: dict[str, dict[str, tuple[int, Any]]] = {}
        """A person's row (number, and checked values where :data:`VALUES_READ`) in each person table, for each person
        the file describes in more than one."""
        self.pending: dict[tuple[str, int], str] = {}
        """The first rows of the people in :attr:`people` whose values are still to be read back from the spill
        (:meth:`fill_people`), by (table, row): pass 1 holds no row's values, so its memory does not grow with the file's."""
        self.terms: dict[tuple[str, str], list[FileTerm]] = {}
        """The terms the file gives each single-holder post, by (body, post)."""
        self._stored: dict[str, Known | None] = {}
        self.was_empty = store.count() == 0
        """Whether the store held nothing when the import began: then no row changes a stored record, and the
        per-row reads of what the store holds (:meth:`stored`, the edges a row unlinks) are skipped, not asked."""

    def define(self, node_id: str, kind: NodeKind, level: Level | None, *, table: str, row: int) -> tuple[str, int] | None:
        """Enter an id a row defines; if an earlier row defined it, that row's table and number instead."""
        before = self._defined.get(node_id)
        if before is not None:
            return before[2], before[3]
        self._defined[node_id] = (kind, level, table, row)
        return None

    def define_person(self, node_id: str, level: Level | None, *, table: str, row: int, values: Any) -> tuple[str, int] | None:
        """Enter a person a row of a person table describes: once per table, so that the roll and the household
        heads may each have a row for one person; another row of the same table, or any other kind's id, is a duplicate."""
        before = self._defined.get(node_id)
        if before is None:
            self._defined[node_id] = (NodeKind.MEMBER, level, table, row)
            return None
        first_table, first_row = before[2], before[3]  # a person table's row defines only its person
        if first_table not in PERSON_TABLES or first_table == table or table not in PERSON_TABLES:
            return first_table, first_row
        rows = self.people.get(node_id)
        if rows is None:
            rows = self.people[node_id] = {first_table: (first_row, None)}
            if first_table in VALUES_READ:
                self.pending[(first_table, first_row)] = node_id
        if table in rows:
            return table, rows[table][0]
        rows[table] = (row, values if table in VALUES_READ else None)
        if level is not None:  # a household head is at the household level, whichever table came first
            self._defined[node_id] = (NodeKind.MEMBER, level, before[2], before[3])
        return None

    def fill_people(self, chunks: Iterable[tuple[str, list[Any]]]) -> None:
        """Read back from the spill's chunks the values of the first rows :attr:`pending` names (one pass, before pass 2)."""
        pending = self.pending
        tables = {table for table, _row in pending}
        for table, chunk in chunks:
            if table not in tables:
                continue
            for number, _cells, values, _props in chunk:
                node_id = pending.pop((table, number), None)
                if node_id is not None:
                    self.people[node_id][table] = (number, values)
            if not pending:
                return

    @functools.cached_property
    def has_people(self) -> bool:
        """Whether the store holds any person yet: an import into a store without one reads none back to merge with."""
        return not self.was_empty and self.store.count(NodeKind.MEMBER) > 0

    def person_rows(self, node_id: str) -> dict[str, tuple[int, Any]]:
        """The file's rows describing a person, by table, when more than one table does (else empty)."""
        return self.people.get(node_id, {})

    def defines(self, node_id: str) -> bool:
        return node_id in self._defined

    def row_of(self, node_id: str) -> tuple[str, int] | None:
        """The table and row defining an id, if the file does."""
        entry = self._defined.get(node_id)
        return None if entry is None else (entry[2], entry[3])

    def known(self, node_id: str) -> Known | None:
        """What the file, or else the store, says of a node; None if neither has it."""
        entry = self._defined.get(node_id)
        if entry is not None:
            kind, level, table, row = entry
            org = self.org_of.get(node_id)
            if org is None and kind in _COVERED:
                stored = self.stored(node_id)
                org = stored.org if stored else None
            unit_type = self.unit_types.get(node_id)
            if unit_type is None and kind is NodeKind.UNIT:
                stored = self.stored(node_id)
                unit_type = stored.unit_type if stored else None
            return Known(kind, level, org, table, row, unit_type)
        return self.stored(node_id)

    def stored(self, node_id: str) -> Known | None:
        """What the store says of a node (its covering organisation included); None if it has none."""
        if self.was_empty:
            return None
        if node_id in self._stored:
            return self._stored[node_id]
        try:
            node = self.store.node(node_id)
        except UnknownNode:
            found = None
        else:
            org = None
            if node.kind in _COVERED:
                covers = self.store.edges_of(node_id, kind=EdgeKind.COVERS, direction=Direction.IN)
                org = covers[0].source if covers else None
            found = Known(node.kind, getattr(node, "level", None), org, unit_type=getattr(node, "unit_type", None))
        self._stored[node_id] = found
        return found
