"""The page of a map: :func:`render_map` turns a :class:`~.model.MapData` into one offline HTML file.

vis-network's script and style are inlined from the pyvis package (never a CDN; pyvis's own
templates pull Bootstrap and tom-select from CDNs, so the page is ours), and so are this
package's ``map.js`` and ``map.css`` (kept as files so they read as what they are). Tooltips are
plain text (vis-network 9 shows a string title as text); the font stack covers CJK; callers
write the page as UTF-8. Positions come with the data, so the browser runs no layout.
"""

from __future__ import annotations

import html
import json
from importlib import resources

from pyvis.network import Network

from visualizations.map.model import Depth, Links, MapData
from visualizations.map.style import (
    EDGE_LEGEND,
    EDGE_STYLES,
    FILLED,
    GAP_BORDER,
    LAYER_OF,
    MARKER_SIZE,
    MISSING_DASHES,
    MISSING_TEXT,
    STYLES,
    font_size,
    legend_name,
    rule_title,
)

__all__ = ["render_map"]

_DEPTH_NOTE = {
    Depth.HOUSEHOLDS: "完整显示至党员联户长",
    Depth.GRIDS: "显示至网格；联户长汇总于网格",
    Depth.AREAS: "显示至小区；网格汇总于小区",
    Depth.COMMUNITIES: "显示至社区；社区以下汇总，双击社区打开其地图",
    Depth.STREETS: "显示至街道；街道以下汇总，双击街道打开其地图",
}


def _asset(name: str) -> str:
    """vis-network's own script or style, as pyvis ships it."""
    return (resources.files("pyvis") / "templates" / "lib" / "vis-9.1.2" / name).read_text(encoding="utf-8")


def _own(name: str) -> str:
    """A script or style of this package."""
    return (resources.files("visualizations.map") / name).read_text(encoding="utf-8")


def _script_json(value: object) -> str:
    """JSON safe to place inside a <script> element."""
    return json.dumps(value, ensure_ascii=False).replace("</", "<\\/").replace("<!--", "<\\!--")


def _vis_lists(data: MapData) -> tuple[list[dict[str, object]], list[dict[str, object]]]:
    """The node and edge lists for vis-network, built with pyvis."""
    net = Network(directed=True)
    for node in data.nodes.values():
        net.add_node(node.id, **_node_options(data, node.id))
    known = set(data.nodes)
    for i, edge in enumerate(data.edges):
        if edge.source in known and edge.target in known:
            extra: dict[str, object] = {"id": f"e{i}", "kind": LAYER_OF.get(edge.kind, "chain"), **EDGE_STYLES[edge.kind]}
            if edge.title:
                extra["title"] = edge.title
            net.edges.append({"from": edge.source, "to": edge.target, "arrows": "", **extra})  # pyvis's add_edge scans every node per edge
    return net.nodes, net.edges


def _node_options(data: MapData, node_id: str) -> dict[str, object]:
    """One node's vis-network options: its look, its place, and what the page script reads (kindOf, gap, link)."""
    node = data.nodes[node_id]
    style = STYLES[node.style]
    flagged = bool(node.gaps)
    border = GAP_BORDER if flagged else style.colour
    missing = node.organised is False
    filled = node.style in FILLED and not missing
    options: dict[str, object] = {
        "label": node.label,
        "title": node.tooltip(),
        "shape": style.shape,
        "level": node.rank,
        "x": round(node.x, 1),
        "y": round(node.y, 1),
        "kindOf": node.style,  # not vis's "group": its group palette would override these colours
        "color": {
            "background": style.colour if filled else "#ffffff",
            "border": border,
            "highlight": {"background": "#fff59d", "border": border},
        },
        "borderWidth": 4 if flagged else 1.5,
        "font": {
            "color": MISSING_TEXT if missing else "#212121" if filled else style.colour,
            "size": node.font or font_size(node.style, summary=node.summary),
        },
        "gap": flagged,
        "gapsBelow": node.gaps_below,
    }
    if node.style in MARKER_SIZE:
        options["size"] = MARKER_SIZE[node.style]
    if missing:
        options["shapeProperties"] = {"borderDashes": MISSING_DASHES}
        options["missing"] = True
    if node.summary and not missing:  # a summary without its organisation stays drawn as missing
        options["shapeProperties"] = {"borderDashes": [5, 3]}
    if node.link:
        options["link"] = node.link
    return options


def _legend() -> str:
    items = [
        f'<li><i class="shape {style.shape}" style="--c:{style.colour}"></i>{html.escape(legend_name(key))}</li>'
        for key, style in STYLES.items()
    ]
    for kind, name in EDGE_LEGEND.items():
        colour = EDGE_STYLES[kind]["color"]["color"]  # type: ignore[index]
        dashed = "dashed" if "dashes" in EDGE_STYLES[kind] else "solid"
        items.append(f'<li><i class="line" style="border-top:3px {dashed} {colour}"></i>{name}</li>')
    items.append(f'<li><i class="shape box" style="--c:{GAP_BORDER};border-width:3px"></i>红框: 有缺口 (悬停看原因)</li>')
    items.append('<li><i class="shape dot" style="--c:#1565c0;background:#1565c0"></i>实心: 已建党组织 (organised)</li>')
    items.append(
        '<li><i class="shape dot" style="--c:#757575;background:#fff;border-style:dotted"></i>空心点线: 未建党组织 (none yet)</li>'
    )
    items.append('<li><i class="shape box" style="--c:#e65100;border-style:dashed"></i>虚框: 汇总节点，点击打开其地图</li>')
    return "".join(items)


def _crumbs(data: MapData, links: Links) -> str:
    """The breadcrumbs (区 › 街道 › 社区 …): each scope above this one linked to its map, then the scopes right under it."""

    def link(scope_id: str, name: str) -> str:
        if links.map is None:
            return html.escape(name)
        return f'<a href="{html.escape(links.map.format(id=scope_id))}">{html.escape(name)}</a>'

    trail = data.trail or [(data.scope_id, data.title)]
    *above, (_, here) = trail
    parts = [link(scope_id, name) for scope_id, name in above]
    parts.append(f'<span aria-current="page">{html.escape(here)}</span>')
    crumbs = '<span class="sep">›</span>'.join(parts)
    below = ""
    if data.below:
        items = "".join(f"<li>{link(scope_id, name)}</li>" for scope_id, name in data.below)
        below = f'<span class="below-title">下级 {len(data.below)}:</span><ul class="below">{items}</ul>'
    return f'<nav class="crumbs" aria-label="层级导航">{crumbs}{below}</nav>'


def render_map(data: MapData, *, links: Links | None = None) -> str:
    """The page of a map: vis-network inlined, tooltips as text, a legend, search, layer filters and a details panel."""
    links = links or Links()
    nodes, edges = _vis_lists(data)
    rules = ", ".join(f"{rule_title(r)} {n}" for r, n in data.gap_rules.most_common())
    config = {
        "root": data.scope_id,
        "mapLink": links.map,
        "gapsLink": links.gaps,
        "dashboardLink": links.dashboard,
    }
    nav = []
    if links.dashboard:
        nav.append(f'<a href="{html.escape(links.dashboard.format(id=data.scope_id))}">覆盖率看板</a>')
    if links.gaps:
        nav.append(f'<a href="{html.escape(links.gaps.format(id=data.scope_id))}">缺口清单</a>')
    return f"""<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>{html.escape(data.title)}</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>{_asset("vis-network.css")}</style>
<style>{_own("map.css")}</style></head>
<body>
<header>
  <h1>{html.escape(data.title)}</h1>
  <span class="meta">{html.escape(data.path)} · {data.as_of} · {html.escape(_DEPTH_NOTE[data.depth])} · 节点 {len(nodes)}</span>
  <span class="gapcount">缺口 {data.gap_total}</span>
  {" ".join(nav)}
  <span class="figures">{html.escape(" · ".join(data.headline))}</span>
</header>
{_crumbs(data, links)}
<div class="bar">
  <input id="search" type="search" placeholder="按名称查找，回车定位" aria-label="按名称查找" list="names">
  <span id="found" aria-live="polite"></span>
  <label><input type="checkbox" id="layer-cobuild" checked> 共建协议</label>
  <label><input type="checkbox" id="layer-alliance" checked> 联盟 / 共同体</label>
  <label><input type="checkbox" id="layer-seat" checked> 大党委兼职委员</label>
  <label><input type="checkbox" id="gaps-only"> 只看缺口</label>
  <button id="fit" type="button">全图</button>
</div>
<main>
  <div id="map" role="img" aria-label="{html.escape(data.title)}"></div>
  <aside>
    <section id="details"><h2>详情</h2><p class="hint">点击节点查看详情；悬停查看摘要。</p></section>
    <section><h2>图例</h2><ul class="legend">{_legend()}</ul></section>
    <section><h2>缺口 (按规则)</h2><p class="rules">{html.escape(rules) or "无"}</p></section>
  </aside>
</main>
<script>{_asset("vis-network.min.js")}</script>
<script>
const CONFIG = {_script_json(config)};
const ALL_NODES = {_script_json(nodes)};
const ALL_EDGES = {_script_json(edges)};
{_own("map.js")}
</script></body></html>
"""
