"""What belongs to a territory (属地): the one definition that scoped keys, exports and the all-routes test read.

A node belongs to the territories it is tied to, by the edges of :data:`TIES`: an organisation
to what it covers (or, covering nothing, to the organisation it reports to), a member to the
grid they serve, the organisation that holds their membership and where they reported (双报到), a unit to its community, an agreement to
its parties, a seat to its committee and its unit, an alliance to its members, a post to its
body, a service team or a service centre (党群服务中心) to the territory it serves; a system
organisation (系统党组织) covers nothing and so belongs where it reports (the district). A node lies
within a scope when one of its territories lies at or under the scope's territory, and is held
whole by a scope when every one of them does (a relation shared with another street is within
both streets, held whole by neither: only their common ancestor, or a key without a scope, may
change it).

The definition is walked two ways over the same table: up from one node
(:func:`territories_of`, :func:`within`: is this id mine?) and down from a scope, over a list of
edges (:func:`belonging`) or over the store from the scope outward (:func:`belonging_in`: everything
of mine, read at the cost of what the scope holds, for a scoped search or file).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Iterable

from graph.errors import UnknownNode, WrongKind
from graph.i18n import _
from graph.invariants import ENDPOINTS, latest
from graph.labels import term
from graph.model import Edge, EdgeKind, NodeKind
from graph.store import Direction, GraphStore

__all__ = ["FALLBACK", "TIES", "belonging", "belonging_in", "belonging_kinds", "held_whole", "territories_of", "within"]

TIES: dict[NodeKind, tuple[tuple[EdgeKind, Direction], ...]] = {
    NodeKind.ORGANISATION: ((EdgeKind.COVERS, Direction.OUT),),
    NodeKind.MEMBER: ((EdgeKind.SERVES, Direction.OUT), (EdgeKind.MEMBER_OF, Direction.OUT), (EdgeKind.REPORTED_TO, Direction.OUT)),
    NodeKind.UNIT: ((EdgeKind.LOCATED_IN, Direction.OUT),),
    NodeKind.AGREEMENT: ((EdgeKind.SIGNED_BY, Direction.OUT),),
    NodeKind.SEAT: ((EdgeKind.SEAT_ON, Direction.OUT), (EdgeKind.ON_BEHALF_OF, Direction.OUT)),
    NodeKind.ALLIANCE: ((EdgeKind.IN_ALLIANCE, Direction.IN),),
    NodeKind.SERVICE_CENTRE: ((EdgeKind.CENTRE_FOR, Direction.OUT),),
    NodeKind.POST: ((EdgeKind.POST_IN, Direction.OUT),),
    NodeKind.TEAM: ((EdgeKind.TEAM_SERVES, Direction.OUT),),
}
"""The edges that tie a node of each kind to where it belongs (a territory belongs to itself)."""

FALLBACK: dict[NodeKind, tuple[EdgeKind, Direction]] = {NodeKind.ORGANISATION: (EdgeKind.REPORTS_TO, Direction.OUT)}
"""Followed only when none of the kind's ties exists: an organisation covering nothing belongs where its parent does."""

_TIED_END: dict[EdgeKind, tuple[NodeKind, Direction]] = {
    edge_kind: (kind, direction) for kind, ties in TIES.items() for edge_kind, direction in ties
} | {edge_kind: (kind, direction) for kind, (edge_kind, direction) in FALLBACK.items()}
"""For each tying edge kind: the kind of node it ties, and from which end (OUT: the source is tied to the target)."""

_FALLBACK_KINDS = frozenset(kind for kind, _ in FALLBACK.values())


def _tied_here() -> dict[NodeKind, dict[Direction, frozenset[EdgeKind]]]:
    """For each kind of node, the tying edges other nodes may hang on it by, by the side it reads them from."""
    here: dict[NodeKind, dict[Direction, set[EdgeKind]]] = defaultdict(lambda: defaultdict(set))
    here[NodeKind.TERRITORY][Direction.IN].add(EdgeKind.WITHIN)  # the territories under a territory
    for edge_kind, (_end, direction) in _TIED_END.items():
        sources, targets = ENDPOINTS[edge_kind]
        for kind in targets if direction is Direction.OUT else sources:
            here[kind][Direction.IN if direction is Direction.OUT else Direction.OUT].add(edge_kind)
    return {kind: {side: frozenset(kinds) for side, kinds in sides.items()} for kind, sides in here.items()}


_TIED_HERE = _tied_here()
"""A territory is read for its children and what covers, serves, sits in or allies with it; an organisation for
its members, agreements, seats and those reporting to it; a unit likewise. Members, seats, agreements and
alliances have nothing tied to them: the walk reads no edge of theirs."""

_HOPS = 8
"""Ties followed from a node to a territory before giving up (an organisation reporting up a long chain)."""


def territories_of(store: GraphStore, node_id: str, *, _hops: int = _HOPS) -> set[str]:
    """The territories a node is tied to: itself, what it covers, serves, sits in or signs for."""
    node = store.node(node_id)
    if _hops == 0:
        return set()
    if node.kind is NodeKind.TERRITORY:
        return {node_id}
    tied = _through(store, node_id, TIES[node.kind], hops=_hops)
    if not tied and node.kind in FALLBACK:
        tied = _through(store, node_id, (FALLBACK[node.kind],), hops=_hops)
    return tied


def _through(store: GraphStore, node_id: str, ties: Iterable[tuple[EdgeKind, Direction]], *, hops: int) -> set[str]:
    """The territories a node reaches by the given ties (its kind's own, or its fallback)."""
    found: set[str] = set()
    for edge_kind, direction in ties:
        for edge in store.edges_of(node_id, kind=edge_kind, direction=direction):
            found |= territories_of(store, edge.target if direction is Direction.OUT else edge.source, _hops=hops - 1)
    return found


def within(store: GraphStore, node_id: str, scope_id: str | None) -> bool:
    """Whether a node lies in a scope (a territory and everything under it); every node lies in no scope (None)."""
    return _in_scope(store, node_id, scope_id, every=False)


def held_whole(store: GraphStore, node_id: str, scope_id: str | None) -> bool:
    """Whether every territory a node is tied to lies in a scope: who may change or delete it (a key without a scope may).

    A node tied to no territory at all (an alliance without members, a district of its own) is
    held whole by no scope: a scoped key neither creates nor changes such a thing.
    """
    return _in_scope(store, node_id, scope_id, every=True)


def _in_scope(store: GraphStore, node_id: str, scope_id: str | None, *, every: bool) -> bool:
    """Whether any territory a node is tied to lies in a scope (``every`` false: :func:`within`), or every one and at
    least one (``every`` true: :func:`held_whole`). With no scope (None) every node is in; an unknown node is in none.
    The walks up stop at the first territory that settles the answer."""
    if scope_id is None:
        return True
    try:
        tied = territories_of(store, node_id)
    except UnknownNode:
        return False
    outside: set[str] = set()  # ancestors found outside on one walk end the next walk there (an alliance's members share them)
    placed = (_at_or_under(store, territory, scope_id, outside=outside) for territory in tied)
    return (bool(tied) and all(placed)) if every else any(placed)


def _at_or_under(store: GraphStore, territory: str, scope_id: str, *, outside: set[str]) -> bool:
    """Whether a territory is the scope or lies under it, walking its WITHIN edges up (a loop ends the walk);
    every territory walked through on the way to an answer of no is added to ``outside``."""
    seen = {territory}
    current: str | None = territory
    while current is not None:
        if current == scope_id:
            return True
        if current in outside:
            break
        up = latest(store.edges_of(current, kind=EdgeKind.WITHIN))  # its present place, not a closed one
        current = up.target if up is not None and up.target not in seen else None
        if current is not None:
            seen.add(current)
    outside |= seen
    return False


def belonging(edges: Iterable[Edge], scope_id: str) -> set[str]:
    """Every id that lies within a scope, found down from it over a list of edges: the same answers as :func:`within`."""
    edges = list(edges)
    children: dict[str, list[str]] = defaultdict(list)
    places: dict[str, list[Edge]] = defaultdict(list)
    for e in edges:
        if e.kind is EdgeKind.WITHIN:
            places[e.source].append(e)
    for source, found in places.items():  # each territory's present place, as within() walks it
        place = latest(found)
        if place is not None:
            children[place.target].append(source)
    mine = {scope_id}
    frontier = [scope_id]
    while frontier:
        frontier = [c for t in frontier for c in children.get(t, ()) if c not in mine]
        mine.update(frontier)
    # The nodes tied by a tie of their own (the source, or an alliance at an IN_ALLIANCE's target): no fallback for them.
    tied_otherwise = {
        e.source if end[1] is Direction.OUT else e.target for e in edges if (end := _TIED_END.get(e.kind)) and e.kind not in _FALLBACK_KINDS
    }
    while True:  # a fixed point: each pass ties what hangs off the last one's (at most a handful of passes)
        added = set()
        for e in edges:
            end = _TIED_END.get(e.kind)
            if end is None:
                continue
            tied, other = (e.source, e.target) if end[1] is Direction.OUT else (e.target, e.source)
            if other in mine and tied not in mine and (e.kind not in _FALLBACK_KINDS or tied not in tied_otherwise):
                added.add(tied)
        if not added:
            return mine
        mine |= added


def belonging_in(store: GraphStore, scope_id: str, *, kinds: Collection[NodeKind] | None = None) -> set[str]:
    """Every id that lies within a scope (of ``kinds``, when given), found down from it over the store: the same
    answers as :func:`within` and :func:`belonging`, reading only the edges of what it finds.

    From the scope's territories outward, each node found is read for the nodes tied to it (:data:`TIES`,
    turned round): a territory for its children, what covers, serves, lies in or allies with it; an
    organisation for its members, agreements, seats and, where they cover nothing, those reporting to it.
    """
    found = belonging_kinds(store, scope_id)
    if kinds is None:
        return set(found)
    wanted = frozenset(kinds)
    return {node_id for node_id, kind in found.items() if kind in wanted}


def _moved_away(store: GraphStore, territory: str, place: str) -> bool:
    """Whether a territory whose place here has ended lies elsewhere now (dated structure keeps the old place as history)."""
    now = latest(store.edges_of(territory, kind=EdgeKind.WITHIN))
    return now is not None and now.target != place


def belonging_kinds(store: GraphStore, scope_id: str) -> dict[str, NodeKind]:
    """:func:`belonging_in` with the kind of each id (known from the edge that tied it, so no node is read)."""
    scope_kind = store.node(scope_id).kind
    if scope_kind is not NodeKind.TERRITORY:
        raise WrongKind(_("范围应是一个地域（区、街道、社区、小区或网格）；%(id)s 是%(kind)s", id=scope_id, kind=term(scope_kind)))
    mine: dict[str, NodeKind] = {scope_id: scope_kind}
    frontier = [scope_id]
    while frontier:
        reached: list[str] = []
        for node_id in frontier:
            for side, edge_kinds in _TIED_HERE.get(mine[node_id], {}).items():
                only = next(iter(edge_kinds)) if len(edge_kinds) == 1 else None  # read no edge the walk has no use for
                for edge in store.edges_of(node_id, kind=only, direction=side):
                    if edge.kind not in edge_kinds:
                        continue
                    tied = edge.source if side is Direction.IN else edge.target
                    if tied in mine or (edge.kind is EdgeKind.WITHIN and edge.valid_to is not None and _moved_away(store, tied, node_id)):
                        continue
                    kind = NodeKind.TERRITORY if edge.kind is EdgeKind.WITHIN else _TIED_END[edge.kind][0]
                    if edge.kind in _FALLBACK_KINDS and _through(store, tied, TIES[kind], hops=_HOPS):
                        continue  # it belongs where its own ties put it, not where its parent is
                    mine[tied] = kind
                    reached.append(tied)
        frontier = reached
    return mine
