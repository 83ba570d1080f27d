"""Walking the territory and the chain: plain functions over any GraphStore."""

from __future__ import annotations

from graph.errors import WrongKind
from graph.model import EdgeKind, Level, Node, Organisation, Territory
from graph.store import Direction, GraphStore

__all__ = ["chain_path", "children", "coverer", "territory_subtree"]


def children(store: GraphStore, territory_id: str) -> list[Territory]:
    """The territories one level below, by name."""
    found = [store.node(e.source) for e in store.edges_of(territory_id, kind=EdgeKind.WITHIN, direction=Direction.IN)]
    return sorted((t for t in found if isinstance(t, Territory)), key=lambda t: (t.name, t.id))


def coverer(store: GraphStore, node_id: str) -> Organisation | None:
    """The party organisation that covers a territory or unit, if it has one."""
    edges = store.edges_of(node_id, kind=EdgeKind.COVERS, direction=Direction.IN)
    org = store.node(edges[0].source) if edges else None
    return org if isinstance(org, Organisation) else None


def territory_subtree(store: GraphStore, scope_id: str, *, down_to: Level = Level.GRID) -> list[tuple[Territory, str | None]]:
    """The scope and every territory under it down to a level, each with its parent's id; parents first."""
    root = store.node(scope_id)
    if not isinstance(root, Territory):
        raise WrongKind(f"{scope_id} is of kind {root.kind.value}, not a territory (district, street, community, residential area or grid)")
    out: list[tuple[Territory, str | None]] = [(root, None)]
    frontier = [root]
    while frontier:
        placed = [(child, t.id) for t in frontier if t.level.rank < down_to.rank for child in children(store, t.id)]
        out.extend(placed)
        frontier = [child for child, _ in placed]
    return out


def chain_path(store: GraphStore, node_id: str) -> list[Node]:
    """The node and its ancestors up to the district, nearest first (街道 › 社区 › 小区 › 网格 read backwards)."""
    path = [store.node(node_id)]
    seen = {node_id}
    while True:
        parent_edges = [e for e in store.edges_of(path[-1].id) if e.kind in (EdgeKind.WITHIN, EdgeKind.REPORTS_TO, EdgeKind.MEMBER_OF)]
        if not parent_edges or parent_edges[0].target in seen:
            return path
        seen.add(parent_edges[0].target)
        path.append(store.node(parent_edges[0].target))
