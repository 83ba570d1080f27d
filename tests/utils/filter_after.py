"""The scoped reads as they were before they walked down from the scope: read the whole graph, then keep the scope's part.

The reference the walk-down reads (graph.access.belonging_in) are held to: a search of every node
filtered by ``within`` after the first ``cap`` hits, and an export view cut from every node and
edge of the store by ``belonging`` over the edge list.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Iterator
from contextlib import contextmanager
from unittest import mock

from graph.access import belonging, within
from graph.errors import WrongKind
from graph.invariants import latest
from graph.model import Edge, EdgeKind, Level, NodeKind, Organisation, Territory
from graph.navigation import SearchPage, search
from graph.store import GraphStore
from loaders import exporter


def search_filter_after(
    store: GraphStore, scope: str, text: str, *, kinds: Collection[NodeKind] | None, limit: int, offset: int, cap: int = 10_000
) -> SearchPage:
    """A scoped key's search as it was: the first ``cap`` hits of the whole graph, those within the scope kept."""
    found = search(store, text, kinds=kinds, limit=cap, offset=0)
    mine = [item for item in found.items if within(store, item.node.id, scope)]
    return found.model_copy(update={"items": mine[offset : offset + limit], "total": len(mine), "limit": limit, "offset": offset})


def _view_filter_after(cls: type[exporter._View], store: GraphStore, scope: str | None, *, ancestors: bool = True) -> exporter._View:
    """``_View.of`` as it was: every node and edge of the store, then the scope's part of them."""
    nodes = {n.id: n for n in store.nodes()}
    edges = list(store.edges())
    if scope is not None:
        if scope not in nodes:
            nodes[scope] = store.node(scope)
        if not isinstance(nodes[scope], Territory):
            raise WrongKind(f"{scope} is a {nodes[scope].kind.value}")
        keep = belonging(edges, scope)
        units = {i for i in keep if nodes[i].kind is NodeKind.UNIT}
        places: dict[str, list[Edge]] = defaultdict(list)
        for e in edges:
            if e.kind is EdgeKind.WITHIN:
                places[e.source].append(e)
        present = {source: latest(found) for source, found in places.items()}  # a re-drawn territory's present place
        parent = {source: e.target for source, e in present.items() if e is not None}
        up = scope
        while ancestors and up in parent:
            up = parent[up]
            keep.add(up)
        far = (EdgeKind.SIGNED_BY, EdgeKind.ON_BEHALF_OF, EdgeKind.HELD_BY)
        keep.update(e.target for e in edges if e.kind in far and e.source in keep)
        keep.update(e.source for e in edges if e.kind is EdgeKind.COVERS and e.target in keep)
        up_of = {e.source: e.target for e in edges if e.kind is EdgeKind.REPORTS_TO}
        for org in [e.source for e in edges if e.kind is EdgeKind.COVERS and e.target in units]:  # the units' own lines
            current = up_of.get(org)
            while current is not None and isinstance(up := nodes[current], Organisation) and up.level in (Level.SYSTEM, Level.DISTRICT):
                keep.add(current)
                current = up_of.get(current) if up.level is Level.SYSTEM else None
        above = {scope: parent[scope]} if scope in parent and parent[scope] not in keep else {}
        nodes = {i: n for i, n in nodes.items() if i in keep}
        edges = [e for e in edges if e.source in keep and e.target in keep]
    else:
        above = {}
    view = cls(nodes, edges, defaultdict(lambda: defaultdict(list)), defaultdict(lambda: defaultdict(list)), above)
    view.index()
    return view


@contextmanager
def exports_filter_after() -> Iterator[None]:
    """Every export inside the block cuts its view from the whole graph, as before."""
    with mock.patch.object(exporter._View, "of", classmethod(_view_filter_after)):
        yield
