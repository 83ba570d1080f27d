"""Scope checks (管辖范围): an import held to a territory, the importing key's, changes only records within it.

Kept apart from the table builders, which ask it through the row (``row.own``, ``row.ref``),
so that what "within" means is decided here once, and asked of the store once per node.
"""

from __future__ import annotations

from graph.access import within
from graph.errors import UnknownNode
from graph.model import EdgeKind
from graph.store import GraphStore

__all__ = ["ScopeGuard"]


class ScopeGuard:
    """The territory an import is held to (None: held to none), and which stored nodes lie within it."""

    def __init__(self, store: GraphStore, scope: str | None) -> None:
        self.store = store
        self.scope = scope
        self._within: dict[str, bool] = {}

    def allows(self, node_id: str) -> bool:
        """Whether a node in the store lies within the scope (always, for an import held to none)."""
        if self.scope is None:
            return True
        if node_id not in self._within:
            self._within[node_id] = within(self.store, node_id, self.scope)
        return self._within[node_id]

    def parent_of(self, territory_id: str) -> str | None:
        """The territory a stored one lies within now; the scope's own may not be moved by the import."""
        try:
            up = self.store.edges_of(territory_id, kind=EdgeKind.WITHIN)
        except UnknownNode:
            return None
        return up[0].target if up else None
