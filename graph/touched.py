"""Which territories' facts a write may change (涉及的地域): what kept facts are recomputed from.

A territory's :class:`~graph.store.TerritoryFacts` and :class:`~graph.store.ChainFacts` read the
nodes around it along a few ties (the walks in ``graph.scope``): the organisation COVERING it and
that organisation's members, posts, seats, agreements and parent; the units LOCATED_IN it and
theirs; the members SERVING it or REPORTED_TO it; the centres CENTRE_FOR it and the units MANAGING
it; its children WITHIN it. :func:`territories_touched` follows the same ties backwards from every
node and edge a batch writes or removes. A store calls it twice per write, on the graph before the
write and after it, so that a move touches the old parent and the new. Every edge is followed
whatever its dates (a closed edge is still followed), so that it errs on touching more, never less.
"""

from __future__ import annotations

from collections.abc import Iterable

from graph.errors import UnknownNode
from graph.model import Batch, EdgeKind, NodeKind
from graph.store import Direction, GraphStore

__all__ = ["BATCH_LIMIT", "territories_touched", "too_large", "touched_or_unknown"]

BATCH_LIMIT = 2_000
"""Past this many nodes, edges and removals in a write, stores record "unknown" rather than follow
each one: an import that large changes most of a city, and a full walk costs less than the ties."""


def too_large(items: int) -> bool:
    """Whether a write of this many nodes, edges and removals (all its batches) is past :data:`BATCH_LIMIT`."""
    return items > BATCH_LIMIT


def touched_or_unknown(batch: Batch, store: GraphStore) -> set[str] | None:
    """:func:`territories_touched`, or None for a batch past :data:`BATCH_LIMIT` (rebuild instead)."""
    return None if too_large(len(batch)) else territories_touched(batch, store)


def territories_touched(batch: Batch, store: GraphStore) -> set[str]:
    """The territories whose facts the batch may change, read on ``store`` as it is now (call it before
    the write and after it, and keep both); ids the store does not hold (yet, or any more) add nothing."""
    ties = _Ties(store)
    found: set[str] = set()
    for node in batch.nodes:
        found |= ties.mentions(node.id)
    for edge in batch.edges:
        found |= ties.places(edge.source) | ties.places(edge.target)
    for ref in batch.remove_edges:
        found |= ties.places(ref.source) | ties.places(ref.target)
    for node_id in batch.remove_nodes:  # its edges go with it: every neighbour's places too
        found |= ties.mentions(node_id)
        for neighbour in ties.neighbours(node_id):
            found |= ties.places(neighbour)
    return found


class _Ties:
    """The ties of the facts walks, followed backwards on one store, each node's answer kept for the call."""

    def __init__(self, store: GraphStore) -> None:
        self._store = store
        self._kinds: dict[str, NodeKind | None] = {}
        self._places: dict[str, frozenset[str]] = {}

    def kind(self, node_id: str) -> NodeKind | None:
        if node_id not in self._kinds:
            try:
                self._kinds[node_id] = self._store.node(node_id).kind
            except UnknownNode:
                self._kinds[node_id] = None
        return self._kinds[node_id]

    def _ends(self, node_id: str, kind: EdgeKind, direction: Direction = Direction.OUT) -> list[str]:
        edges = self._store.edges_of(node_id, kind=kind, direction=direction)
        return [e.target if direction is Direction.OUT else e.source for e in edges]

    def neighbours(self, node_id: str) -> set[str]:
        if self.kind(node_id) is None:
            return set()
        out = {e.target for e in self._store.edges_of(node_id)}
        return out | {e.source for e in self._store.edges_of(node_id, direction=Direction.IN)}

    def places(self, node_id: str) -> frozenset[str]:
        """The territories whose facts read this node or its edges directly."""
        if node_id not in self._places:
            self._places[node_id] = frozenset(self._places_of(node_id))
        return self._places[node_id]

    def _places_of(self, node_id: str) -> set[str]:
        kind = self.kind(node_id)
        if kind is NodeKind.TERRITORY:  # its own facts, and its parents' (their children and sums)
            return {node_id, *self._ends(node_id, EdgeKind.WITHIN)}
        if kind is NodeKind.UNIT:  # counted where it lies; managing an area is read there
            return {*self._ends(node_id, EdgeKind.LOCATED_IN), *self._ends(node_id, EdgeKind.MANAGES)}
        if kind is NodeKind.ORGANISATION:  # what it covers, a unit's organisation where the unit lies
            found: set[str] = set()
            for covered in self._ends(node_id, EdgeKind.COVERS):
                found |= {covered} if self.kind(covered) is NodeKind.TERRITORY else self.places(covered)
            return found
        if kind is NodeKind.MEMBER:  # where held, where serving, where reported
            found = set()
            for org in self._ends(node_id, EdgeKind.MEMBER_OF):
                found |= self.places(org)
            found.update(self._ends(node_id, EdgeKind.SERVES))
            for target in self._ends(node_id, EdgeKind.REPORTED_TO):
                found |= {target} if self.kind(target) is NodeKind.TERRITORY else self.places(target)
            return found
        if kind is NodeKind.AGREEMENT:  # read in every party's organisation facts
            return _union(self.places(party) for party in self._ends(node_id, EdgeKind.SIGNED_BY))
        if kind is NodeKind.SEAT:
            return _union(self.places(org) for org in self._ends(node_id, EdgeKind.SEAT_ON))
        if kind is NodeKind.POST:
            return _union(self.places(body) for body in self._ends(node_id, EdgeKind.POST_IN))
        if kind is NodeKind.SERVICE_CENTRE:
            return set(self._ends(node_id, EdgeKind.CENTRE_FOR))
        return set()  # alliances and teams: no facts read them

    def mentions(self, node_id: str) -> frozenset[str]:
        """The territories whose facts read this node's own fields: its places, and where its name is
        quoted (an organisation as a parent, any party of an agreement in its co-parties' facts)."""
        found = set(self.places(node_id))
        kind = self.kind(node_id)
        if kind is NodeKind.ORGANISATION:
            for child in self._ends(node_id, EdgeKind.REPORTS_TO, Direction.IN):
                found |= self.places(child)
        if kind in (NodeKind.ORGANISATION, NodeKind.UNIT, NodeKind.SEAT):
            for agreement in self._ends(node_id, EdgeKind.SIGNED_BY, Direction.IN):
                found |= self.places(agreement)
        return frozenset(found)


def _union(sets: Iterable[frozenset[str]]) -> set[str]:
    found: set[str] = set()
    for s in sets:
        found |= s
    return found
