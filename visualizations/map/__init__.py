"""The network map of a scope (组织网络图): the chain, its units and its gaps, as one offline HTML page.

:func:`map_data` reads a scope from any store into a :class:`MapData` (what to draw, where, and
why each red node is red); :func:`render_map` turns that into a page; :func:`network_map` does
both, for the API and the CLI. The package keeps apart the data (:mod:`.model`), reading the
store (:mod:`.reading`), the geometry (:mod:`.layout`), the look (:mod:`.style`) and the page
(:mod:`.render`), so that each can be changed and tested alone.
"""

from __future__ import annotations

from datetime import date

from graph.store import GraphStore
from visualizations.map.model import Depth, Links, MapData, MapEdge, MapNode, summarised
from visualizations.map.reading import MAX_NODES, map_data
from visualizations.map.render import render_map

__all__ = [
    "MAX_NODES",
    "Depth",
    "Links",
    "MapData",
    "MapEdge",
    "MapNode",
    "map_data",
    "network_map",
    "render_map",
    "summarised",
]


def network_map(
    store: GraphStore, scope_id: str, *, as_of: date | None = None, max_nodes: int = MAX_NODES, links: Links | None = None
) -> str:
    """The map of one scope as a self-contained HTML page (callers write it as UTF-8)."""
    return render_map(map_data(store, scope_id, as_of=as_of, max_nodes=max_nodes), links=links)
