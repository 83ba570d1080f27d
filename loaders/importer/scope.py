"""Scope checks (管辖范围): an import held to a territory, the importing key's, writes only inside it, on both ends.

Three questions, asked by the table builders through the row (``row.ref``, ``row.own``,
``row.lands``, ``row.node``, ``row.edge``) and answered here once each, so that what "within"
and "held whole" mean is decided by graph.access alone:

- a stored node a row refers to must lie within the scope (:meth:`ScopeGuard.allows`);
- a stored record a row writes must be held whole by the scope (:meth:`ScopeGuard.holds`): a
  record shared with another territory may be restated as it is, never changed;
- a territory the file creates must hang, through the file's parents and the store's, from the
  scope (:meth:`ScopeGuard.lands_within`): no second district, no street of nowhere.
"""

from __future__ import annotations

from typing import Any

from graph.access import held_whole, within
from graph.errors import UnknownNode
from graph.invariants import latest
from graph.model import EdgeKind
from graph.store import GraphStore

__all__ = ["ScopeGuard"]


class ScopeGuard:
    """The territory an import is held to (None: held to none), and which stored nodes lie within it or are held whole by it."""

    def __init__(self, store: GraphStore, scope: str | None) -> None:
        self.store = store
        self.scope = scope
        self._within: dict[str, bool] = {}
        self._holds: dict[str, bool] = {}
        self._parents: dict[str, str | None] = {}
        """The parent the file gives each territory it lists (None: no parent): one id per structure row."""
        self.shared: dict[str, str] = {}
        """Stored records the file restates that the scope does not hold whole, with the column naming each:
        their rows may leave them as they are, and may not change them."""
        self.reported: set[tuple[str, int, str]] = set()
        """(table, row, record) of each change to a shared record already reported."""

    def allows(self, node_id: str) -> bool:
        """Whether a node in the store lies within the scope (always, for an import held to none)."""
        if self.scope is None:
            return True
        if node_id not in self._within:
            self._within[node_id] = within(self.store, node_id, self.scope)
        return self._within[node_id]

    def holds(self, node_id: str) -> bool:
        """Whether the scope holds a stored node whole (graph.access.held_whole), so that the import may change it."""
        if self.scope is None:
            return True
        if node_id not in self._holds:
            self._holds[node_id] = held_whole(self.store, node_id, self.scope)
        return self._holds[node_id]

    def place(self, territory_id: str, parent_id: str | None) -> None:
        """Note the parent the file gives a territory (pass 1), for :meth:`lands_within`."""
        self._parents[territory_id] = parent_id

    def lands_within(self, territory_id: str) -> bool:
        """Whether a territory the file lists will lie within the scope: its parents, the file's first, then the store's, reach it."""
        if self.scope is None:
            return True
        seen: set[str] = set()
        current: str | None = territory_id
        while current is not None and current not in seen:
            if current == self.scope:
                return True
            seen.add(current)
            if current not in self._parents:
                return self.store.has_node(current) and self.allows(current)
            current = self._parents[current]
        return False  # no parent (a district of its own), or a loop the structure rows make

    def parent_of(self, territory_id: str) -> str | None:
        """The territory a stored one lies within now; the scope's own may not be moved by the import."""
        try:
            up = latest(self.store.edges_of(territory_id, kind=EdgeKind.WITHIN))
        except UnknownNode:
            return None
        return up.target if up is not None else None

    def changes_node(self, node: Any) -> bool:
        """Whether writing this node would change the stored one (its provenance aside)."""
        try:
            stored = self.store.node(node.id)
        except UnknownNode:
            return True
        return bool(_fields(stored) != _fields(node))

    def changes_edge(self, edge: Any) -> bool:
        """Whether writing this edge would add one, or change the stored one (its provenance aside)."""
        try:
            stored = self.store.edges_of(edge.source, kind=edge.kind)
        except UnknownNode:
            return True
        return not any(e.target == edge.target and _fields(e) == _fields(edge) for e in stored)


def _fields(record: Any) -> dict[str, Any]:
    return dict(record.model_dump(exclude={"provenance"}))
