"""The network map of a scope: territory and the chain that covers it, as one offline HTML page.

pyvis builds the node and edge lists; the page inlines vis-network from the pyvis package
itself (never a CDN), so it opens on an office intranet with no internet. Territories
without their party organisation are outlined in red, with the reason in their tooltip.
"""

from __future__ import annotations

import html
import json
from importlib import resources

from pyvis.network import Network

from graph.model import Level, Territory
from graph.navigation import coverer, territory_subtree
from graph.store import GraphStore

__all__ = ["MAX_NODES", "network_map"]

MAX_NODES = 400
"""The map stops at the deepest level with at most this many territories, so that a district
of a million households draws its streets and communities (about 260) rather than 1,800
residential areas in one row. Even 230 communities in a row are too wide to read when the
page fits them all: summarising the levels below is the map's next step."""

_LEVEL_STYLE = {  # colour, shape, Chinese name of the territory level
    Level.DISTRICT: ("#7b1fa2", "box", "区"),
    Level.STREET: ("#c62828", "box", "街道"),
    Level.COMMUNITY: ("#ef6c00", "box", "社区"),
    Level.RESIDENTIAL_AREA: ("#2e7d32", "box", "小区"),
    Level.GRID: ("#1565c0", "box", "网格"),
}
_GAP_REASON = {
    Level.STREET: "街道未建党工委 (street without a working committee)",
    Level.COMMUNITY: "社区未建党组织 (community without a party organisation)",
    Level.RESIDENTIAL_AREA: "小区未建党支部 (residential area without a branch)",
    Level.GRID: "网格未建党小组 (grid without a group)",
}
_GAP_BORDER = "#d50000"


def network_map(store: GraphStore, scope_id: str, *, max_nodes: int = MAX_NODES) -> str:
    """The map of one scope as a self-contained HTML page."""
    placed = _largest_subtree_within(store, scope_id, max_nodes=max_nodes)
    net = Network(directed=True)
    names = {t.id: t.name for t, _ in placed}
    parent_of = {t.id: parent for t, parent in placed if parent is not None}
    gaps = 0
    for t, _ in placed:
        colour, shape, level_name = _LEVEL_STYLE[t.level]
        path = _path(t.id, parent_of, names)
        org = coverer(store, t.id)
        facts = [f"{level_name} {t.name}", f"编号 {t.id}", f"路径 {path}"]
        if t.households is not None:
            facts.append(f"户数 {t.households}")
        if t.staff is not None:
            facts.append(f"专职人员 {t.staff}")
        border = colour
        if org is None and t.level in _GAP_REASON:
            gaps += 1
            border = _GAP_BORDER
            facts.append(f"缺口: {_GAP_REASON[t.level]}")
        elif org is not None:
            facts.append(f"党组织 {org.name} ({org.members} 名党员)")
        net.add_node(
            t.id,
            label=t.name,
            title="\n".join(facts),
            shape=shape,
            level=t.level.rank,
            color={"background": "#ffffff", "border": border},
            borderWidth=4 if border == _GAP_BORDER else 1,
            font={"color": colour},
            gap=border == _GAP_BORDER,
        )
        if t.id in parent_of:
            net.add_edge(t.id, parent_of[t.id], color="#9e9e9e", arrows="to")
    return _page(title=f"{names[scope_id]} 组织网络图", root=scope_id, nodes=net.nodes, edges=net.edges, gaps=gaps)


def _largest_subtree_within(store: GraphStore, scope_id: str, *, max_nodes: int) -> list[tuple[Territory, str | None]]:
    for level in (Level.GRID, Level.RESIDENTIAL_AREA, Level.COMMUNITY, Level.STREET):
        found = territory_subtree(store, scope_id, down_to=level)
        if len(found) <= max_nodes or level is Level.STREET:
            return found
    raise AssertionError("unreachable")


def _path(node_id: str, parent_of: dict[str, str], names: dict[str, str]) -> str:
    chain = [names[node_id]]
    while node_id in parent_of:
        node_id = parent_of[node_id]
        chain.append(names[node_id])
    return " › ".join(reversed(chain))


def _asset(name: str) -> str:
    return (resources.files("pyvis") / "templates" / "lib" / "vis-9.1.2" / name).read_text(encoding="utf-8")


def _script_json(value: object) -> str:
    """JSON safe to place inside a <script> element."""
    return json.dumps(value, ensure_ascii=False).replace("</", "<\\/")


def _page(*, title: str, root: str, nodes: list[dict[str, object]], edges: list[dict[str, object]], gaps: int) -> str:
    legend = "".join(f'<span style="border:1px solid {c};color:{c}">{n}</span>' for c, _, n in _LEVEL_STYLE.values())
    return f"""<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>{html.escape(title)}</title>
<style>{_asset("vis-network.css")}
body {{ margin: 0; font-family: "Noto Sans CJK SC", "Source Han Sans SC", "Microsoft YaHei", "PingFang SC", sans-serif; }}
header {{ padding: 8px 12px; display: flex; gap: 12px; align-items: center; flex-wrap: wrap; border-bottom: 1px solid #ddd; }}
header span {{ padding: 1px 6px; border-radius: 3px; font-size: 13px; }}
#map {{ width: 100vw; height: calc(100vh - 52px); }}
.gap {{ border: 3px solid {_GAP_BORDER} !important; color: {_GAP_BORDER} !important; }}
</style></head>
<body><header><strong>{html.escape(title)}</strong>{legend}<span class="gap">缺口 {gaps}</span>
<input id="search" placeholder="按名称查找" aria-label="search by name"></header>
<div id="map"></div>
<script>{_asset("vis-network.min.js")}</script>
<script>
const nodes = new vis.DataSet({_script_json(nodes)});
const edges = new vis.DataSet({_script_json(edges)});
const network = new vis.Network(document.getElementById("map"), {{nodes, edges}}, {{
  layout: {{hierarchical: {{enabled: true, direction: "UD", sortMethod: "directed", levelSeparation: 120, nodeSpacing: 140}}}},
  physics: false, interaction: {{hover: true}},
  nodes: {{font: {{face: "Noto Sans CJK SC, Microsoft YaHei, sans-serif"}}}}
}});
window.mapReady = false;
network.once("afterDrawing", () => {{
  // A wide scope fitted whole is too small to read: start readable at its top instead.
  if (network.getScale() < 0.5) {{
    network.moveTo({{position: network.getPosition({_script_json(root)}), scale: 0.7, offset: {{x: 0, y: -250}}}});
  }}
  window.mapReady = true;
}});
document.getElementById("search").addEventListener("change", (event) => {{
  const hit = nodes.get({{filter: (n) => n.label.includes(event.target.value)}})[0];
  if (hit) {{ network.selectNodes([hit.id]); network.focus(hit.id, {{scale: 1.2, animation: false}}); }}
}});
</script></body></html>
"""
