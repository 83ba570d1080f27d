"""Which part of the graph a node belongs to: what a key scoped to a street may see and change.

A street's staff see their street: its territories, the organisations covering them, the
household heads serving them, the units located in them, and the agreements, seats and
alliances those take part in. A node belongs to the territories it is tied to; it is within a
scope when one of those lies at or under the scope.
"""

from __future__ import annotations

from graph.errors import UnknownNode
from graph.model import EdgeKind, NodeKind
from graph.store import Direction, GraphStore

__all__ = ["territories_of", "within"]

_HOPS = 8
"""Ties followed from a node to a territory before giving up (an organisation reporting up a long chain)."""


def territories_of(store: GraphStore, node_id: str, *, _hops: int = _HOPS) -> set[str]:
    """The territories a node is tied to: itself, what it covers, serves, sits in or signs for."""
    node = store.node(node_id)
    if _hops == 0:
        return set()
    kind = node.kind
    if kind is NodeKind.TERRITORY:
        return {node_id}

    def through(edge_kind: EdgeKind, direction: Direction = Direction.OUT) -> set[str]:
        found: set[str] = set()
        for edge in store.edges_of(node_id, kind=edge_kind, direction=direction):
            other = edge.target if direction is Direction.OUT else edge.source
            found |= territories_of(store, other, _hops=_hops - 1)
        return found

    if kind is NodeKind.ORGANISATION:
        return through(EdgeKind.COVERS) or through(EdgeKind.REPORTS_TO)
    if kind is NodeKind.MEMBER:
        return through(EdgeKind.SERVES) | through(EdgeKind.MEMBER_OF)
    if kind is NodeKind.UNIT:
        return through(EdgeKind.LOCATED_IN)
    if kind is NodeKind.AGREEMENT:
        return through(EdgeKind.SIGNED_BY)
    if kind is NodeKind.SEAT:
        return through(EdgeKind.SEAT_ON) | through(EdgeKind.ON_BEHALF_OF)
    return through(EdgeKind.IN_ALLIANCE, Direction.IN)  # an alliance: where its members are


def within(store: GraphStore, node_id: str, scope_id: str | None) -> bool:
    """Whether a node lies in a scope (a territory and everything under it); every node lies in no scope (None)."""
    if scope_id is None:
        return True
    try:
        tied = territories_of(store, node_id)
    except UnknownNode:
        return False
    for territory in tied:
        seen = {territory}
        current: str | None = territory
        while current is not None:
            if current == scope_id:
                return True
            up = store.edges_of(current, kind=EdgeKind.WITHIN)
            current = up[0].target if up and up[0].target not in seen else None
            if current is not None:
                seen.add(current)
    return False
