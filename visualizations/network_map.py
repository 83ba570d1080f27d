"""The network map of a scope (组织网络图): the chain, its units and its gaps, as one offline HTML page.

:func:`map_data` reads a scope from any store into a :class:`MapData` (what to draw, where,
and why each red node is red); :func:`render_map` turns that into a page; :func:`network_map`
does both, for the API and the CLI.

What is drawn. Each node of the chain is a territory together with the party organisation
that covers it (街道党工委 › 社区党委 › 小区党支部 › 网格党小组), then the household heads
(党员联户长, level 5) under their grids; resident units (驻区单位) with their own organisations
sit beside their community's residential areas; alliances (党建联盟 / 党建共同体) float above
their members. Edges: the chain (grey), co-building agreements (green dashes, grey when
expired), big-committee seats (orange, 大党委 / 大工委), alliance membership (purple dots).
Every gap rule of :mod:`graph.gaps` that flags a drawn node outlines it in red and puts the
reason in its tooltip.

Size. A scope is drawn at the most detailed of four depths whose node count stays within
``max_nodes`` (:data:`MAX_NODES`); below that depth each territory is summarised with its
counts and links to its own map. Positions are computed here, once, as a tidy tree whose
levels run top to bottom (wide scopes wrap their top branches into bands so the page keeps a
screen's shape), so the browser runs no layout or physics at all: that keeps a district of a
million households drawing in well under two seconds.

Offline and Chinese. vis-network's script and style are inlined from the pyvis package (never
a CDN; pyvis's own templates pull Bootstrap and tom-select from CDNs, so the page is ours);
tooltips are plain text (vis-network 9 shows a string title as text); the font stack covers
CJK; callers write the page as UTF-8.
"""

from __future__ import annotations

import html
import itertools
import json
import math
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from importlib import resources

from pyvis.network import Network

from graph.coverage import Coverage, coverage
from graph.gaps import Gap, find_gaps, gap_rules
from graph.labels import label as zh
from graph.model import (
    Agreement,
    Alliance,
    EdgeKind,
    Level,
    Member,
    Node,
    NodeKind,
    Organisation,
    Seat,
    Territory,
    Unit,
)
from graph.navigation import chain_up
from graph.norms import NORMS
from graph.scope import PATH_SEPARATOR, agreement_in_force, on_date, resolve_scope, seat_in_force, valid_on
from graph.store import Direction, GraphStore

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

MAX_NODES = 3000
"""The most nodes a map draws. The issue's aim for a district of a million households is about
3,000 on screen; measured in headless Chromium (bench/map.py), 3,000 nodes with their edges
draw in a few hundred milliseconds with positions computed here, in a page of about 2 MB. A
street (~35,000 households: ~3,500 household heads) is over it with its heads and is drawn down
to its grids; a community (~4,000 households) is drawn whole, heads included; a district of a
million households is drawn down to its communities, each summarised."""

_GAP_BORDER = "#d50000"


class Depth(StrEnum):
    """How deep a map draws; what lies below is summarised on the deepest drawn territory."""

    HOUSEHOLDS = "households"  # everything, household heads (党员联户长) included
    GRIDS = "grids"  # down to grids; heads counted on their grid
    AREAS = "areas"  # down to residential areas and units; grids counted on their area
    COMMUNITIES = "communities"  # communities summarised with their counts, each linking to its own map


_DRAWN_LEVEL = {
    Depth.HOUSEHOLDS: Level.GRID,
    Depth.GRIDS: Level.GRID,
    Depth.AREAS: Level.RESIDENTIAL_AREA,
    Depth.COMMUNITIES: Level.COMMUNITY,
}


@dataclass(frozen=True)
class _Style:
    colour: str
    shape: str
    chain: str  # the organisation of this level, in Chinese
    territory: str  # the territory, in Chinese
    slot: int  # horizontal room one node takes, px


_STYLES: dict[str, _Style] = {
    "district": _Style("#6a1b9a", "box", "区委", "区", 170),
    "street": _Style("#c62828", "box", "街道党工委", "街道", 170),
    "community": _Style("#e65100", "box", "社区党组织", "社区", 170),
    "residential_area": _Style("#2e7d32", "ellipse", "小区党支部", "小区", 160),
    "grid": _Style("#1565c0", "dot", "网格党小组", "网格", 130),
    "household": _Style("#795548", "triangle", "党员联户长", "十联户", 84),
    "unit": _Style("#00838f", "diamond", "驻区单位党组织", "驻区单位", 130),
    "alliance": _Style("#8e24aa", "star", "党建联盟 / 共同体", "", 150),
}
_FONT_SIZE = {"district": 26, "street": 22, "community": 18}  # upper levels stay legible when a wide scope is fitted
_ROW_HEIGHT = 170.0
_LEAF_ROW = 64.0
_SUMMARY_ROW = 110.0  # a summary is three lines of text
_BAND_GAP = 140.0
_BAND_WIDTH = 3000.0  # the narrowest a band gets: about two screens at the scale labels are readable
_SCREEN_ASPECT = 1.6

_EDGE_STYLES: dict[str, dict[str, object]] = {
    "chain": {"color": {"color": "#9e9e9e"}, "width": 1, "smooth": False},
    "located": {"color": {"color": "#b0bec5"}, "width": 1, "smooth": False, "dashes": [2, 4]},
    "cobuild": {"color": {"color": "#2e7d32"}, "width": 2, "dashes": [8, 5], "smooth": {"type": "curvedCW", "roundness": 0.15}},
    "cobuild_expired": {"color": {"color": "#bdbdbd"}, "width": 1, "dashes": [8, 5], "smooth": {"type": "curvedCW", "roundness": 0.15}},
    "seat": {"color": {"color": "#ef6c00"}, "width": 3, "smooth": {"type": "curvedCCW", "roundness": 0.2}},
    "alliance": {"color": {"color": "#ab47bc", "opacity": 0.55}, "width": 1, "dashes": [1, 4], "smooth": False},
}
_LAYER_OF = {"cobuild": "cobuild", "cobuild_expired": "cobuild", "seat": "seat", "alliance": "alliance"}

_RULE_TITLES: dict[str, str] = {rule.name.value: rule.title for rule in gap_rules()}


@dataclass
class MapNode:
    """One drawn node: what it stands for, its figures, its gaps, and where it sits."""

    id: str
    style: str  # a key of the level styles: district ... household, unit, alliance
    label: str
    name: str
    path: str
    facts: list[str] = field(default_factory=list)
    gaps: list[str] = field(default_factory=list)  # "rule title: reason", of this node itself
    gaps_below: int = 0  # gaps of what is summarised inside it
    summary: bool = False  # it stands for a territory whose inside is not drawn
    link: str | None = None  # the scope id whose own map shows its inside
    children: list[str] = field(default_factory=list)  # below it in the chain, for the layout
    members: list[str] = field(default_factory=list)  # an alliance's drawn members
    x: float = 0.0
    y: float = 0.0

    @property
    def rank(self) -> int:
        """The row of the chain it belongs to: 0 district ... 5 household heads; units with the areas."""
        return {"district": 0, "street": 1, "community": 2, "residential_area": 3, "grid": 4, "household": 5, "unit": 3}.get(self.style, 0)

    def tooltip(self) -> str:
        lines = [self.name, f"路径 {self.path}", *self.facts]
        if self.gaps:
            lines.append(f"缺口 {len(self.gaps)}:")
            lines.extend(f"· {g}" for g in self.gaps)
        if self.gaps_below:
            lines.append(f"下级缺口 {self.gaps_below}")
        if self.link:
            lines.append("点击查看详情，可打开其地图")
        return "\n".join(lines)


@dataclass(frozen=True)
class MapEdge:
    source: str
    target: str
    kind: str  # chain, located, cobuild, cobuild_expired, seat, alliance
    title: str = ""


@dataclass
class MapData:
    """What a map of one scope draws: nodes with positions and gap flags, edges, and the scope's figures."""

    scope_id: str
    title: str
    path: str
    as_of: date
    depth: Depth
    nodes: dict[str, MapNode]
    edges: list[MapEdge]
    headline: list[str]
    gap_total: int
    gap_rules: Counter[str]


@dataclass(frozen=True)
class Links:
    """Where a page links to, as templates with ``{id}``; None leaves the link out (a standalone file)."""

    map: str | None = "/map?scope={id}"
    dashboard: str | None = "/dashboard?scope={id}"
    gaps: str | None = "/scopes/{id}/gaps"


# -- reading the scope ----------------------------------------------------------------------------


class _Reader:
    """Reads what a map needs from the store, following only edges valid on the day."""

    def __init__(self, store: GraphStore, day: date) -> None:
        self.store, self.day = store, day

    def sources(self, node_id: str, kind: EdgeKind) -> list[Node]:
        edges = self.store.edges_of(node_id, kind=kind, direction=Direction.IN)
        return [self.store.node(e.source) for e in edges if valid_on(e, self.day)]

    def targets(self, node_id: str, kind: EdgeKind, *, any_day: bool = False) -> list[Node]:
        edges = self.store.edges_of(node_id, kind=kind)
        return [self.store.node(e.target) for e in edges if any_day or valid_on(e, self.day)]

    def coverer(self, node_id: str) -> Organisation | None:
        return next((o for o in self.sources(node_id, EdgeKind.COVERS) if isinstance(o, Organisation)), None)

    def children(self, territory_id: str) -> list[Territory]:
        found = [t for t in self.sources(territory_id, EdgeKind.WITHIN) if isinstance(t, Territory)]
        return sorted(found, key=lambda t: (t.name, t.id))


def _figure(numerator: int, denominator: int) -> str:
    return f"{numerator}/{denominator} ({numerator / denominator:.0%})" if denominator else "—"


def _headline(cov: Coverage) -> list[str]:
    f = cov.figures
    lines = [
        f"小区党支部覆盖 {_figure(f.residential_areas_with_branch.numerator, f.residential_areas_with_branch.denominator)}",
        f"网格党小组覆盖 {_figure(f.grids_with_group.numerator, f.grids_with_group.denominator)}",
        f"联户 {_figure(f.households_linked.numerator, f.households_linked.denominator)}",
        f"驻区单位共建 {_figure(f.units_in_agreements.numerator, f.units_in_agreements.denominator)}",
    ]
    return lines


def _choose_depth(*, upper: int, areas: int, grids: int, units: int, heads: int, max_nodes: int) -> Depth:
    """The most detailed depth whose node count fits; ``upper`` counts the territories down to communities."""
    sizes = {
        Depth.HOUSEHOLDS: upper + areas + grids + units + heads,
        Depth.GRIDS: upper + areas + grids + units,
        Depth.AREAS: upper + areas + units,
    }
    return next((depth for depth, size in sizes.items() if size <= max_nodes), Depth.COMMUNITIES)


def map_data(store: GraphStore, scope_id: str, *, as_of: date | None = None, max_nodes: int = MAX_NODES) -> MapData:
    """What the map of a scope (a territory, or the chain organisation covering one) draws, as things stood on ``as_of``."""
    day = on_date(as_of)
    root = resolve_scope(store, scope_id)
    read = _Reader(store, day)
    cov = coverage(store, root.id, as_of=day)
    figures = cov.figures

    # Walk the whole territory once: it is small beside what hangs off it (a million households
    # make ~6,700 territories), and it gives every summary its counts.
    territories: list[tuple[Territory, str | None]] = [(root, None)]
    kids: dict[str, list[Territory]] = {}
    index = 0
    while index < len(territories):
        territory = territories[index][0]
        kids[territory.id] = read.children(territory.id) if territory.level is not Level.GRID else []
        territories.extend((child, territory.id) for child in kids[territory.id])
        index += 1
    upper = sum(1 for t, _ in territories if t.level.rank <= Level.COMMUNITY.rank)
    heads_estimate = math.ceil(figures.households_linked.denominator / NORMS.households_per_head)  # 十联户
    depth = _choose_depth(
        upper=upper,
        areas=figures.residential_areas_with_branch.denominator,
        grids=figures.grids_with_group.denominator,
        units=figures.units_in_agreements.denominator,
        heads=heads_estimate,
        max_nodes=max_nodes,
    )
    deepest = _DRAWN_LEVEL[depth]
    if root.level.rank > deepest.rank:
        deepest = root.level

    # Bottom-up counts of every territory, for the facts and the summaries.
    counts: dict[str, Counter[str]] = {}
    coverers: dict[str, Organisation | None] = {}
    for territory, _ in reversed(territories):
        c: Counter[str] = Counter()
        for child in kids[territory.id]:
            c.update(counts[child.id])
        org = read.coverer(territory.id) if territory.level.rank <= deepest.rank else None
        coverers[territory.id] = org
        if territory.level is Level.RESIDENTIAL_AREA:
            c["areas"] += 1
        if territory.level is Level.GRID:
            c["grids"] += 1
            c["households"] += territory.households or 0
        counts[territory.id] = c

    names = {t.id: t.name for t, _ in territories}
    parent_of = {t.id: p for t, p in territories}
    above = PATH_SEPARATOR.join(t.name for t in reversed(chain_up(store, root.id)) if isinstance(t, Territory))

    def path(territory_id: str) -> str:
        chain: list[str] = []
        current: str | None = territory_id
        while current is not None:
            chain.append(names[current])
            current = parent_of[current]
        inside = PATH_SEPARATOR.join(reversed(chain))
        return f"{above}{PATH_SEPARATOR}{inside}" if above else inside

    nodes: dict[str, MapNode] = {}
    edges: list[MapEdge] = []
    drawn_for: dict[str, str] = {}  # any node id (organisation, unit, member) -> the drawn node standing for it

    for territory, parent in territories:
        if territory.level.rank > deepest.rank:
            continue
        node = _territory_node(territory, coverers[territory.id], counts[territory.id], path(territory.id))
        if territory.level is deepest and kids[territory.id] and not (depth is Depth.HOUSEHOLDS and territory.level is Level.GRID):
            node.summary = True
            node.link = territory.id
            below = counts[territory.id]
            node.facts.append(f"下辖 小区 {below['areas']} · 网格 {below['grids']}")
            node.label += f"\n小区{below['areas']} 网格{below['grids']}"  # the gap count is added once gaps are placed
        nodes[node.id] = node
        drawn_for[territory.id] = node.id
        org = coverers[territory.id]
        if org is not None:
            drawn_for[org.id] = node.id
        if parent is not None:
            nodes[parent].children.append(node.id)
            edges.append(MapEdge(node.id, parent, "chain"))

    if depth is not Depth.COMMUNITIES:
        for territory, _ in territories:
            if territory.level is Level.COMMUNITY:
                _add_units(read, nodes, edges, drawn_for, community=nodes[territory.id])
    if depth is Depth.HOUSEHOLDS:
        for territory, _ in territories:
            if territory.level is Level.GRID:
                _add_heads(read, nodes, edges, drawn_for, grid=nodes[territory.id])
    elif depth is Depth.GRIDS:
        for territory, _ in territories:
            if territory.level is Level.GRID:
                heads = [m for m in read.sources(territory.id, EdgeKind.SERVES) if isinstance(m, Member) and m.is_household_head]
                if heads:
                    nodes[territory.id].facts.append(f"党员联户长 {len(heads)} 名，联系 {sum(h.households for h in heads)} 户")

    _add_cobuilding_and_seats(read, nodes, edges, drawn_for, coverers)
    _add_alliances(store, read, nodes, edges, drawn_for)

    gaps = find_gaps(store, root.id, as_of=day, limit=10_000_000).items
    by_rule: Counter[str] = Counter(g.rule.value for g in gaps)
    for gap in gaps:
        _place_gap(gap, nodes, drawn_for)

    for node in nodes.values():
        if node.summary and (node.gaps or node.gaps_below):
            node.label += f"\n缺口 {len(node.gaps) + node.gaps_below}"
    _layout(nodes, root.id)
    title = f"{root.name} 组织网络图"
    return MapData(
        scope_id=root.id,
        title=title,
        path=path(root.id),
        as_of=day,
        depth=depth,
        nodes=nodes,
        edges=edges,
        headline=_headline(cov),
        gap_total=len(gaps),
        gap_rules=by_rule,
    )


def _territory_node(territory: Territory, org: Organisation | None, below: Counter[str], path: str) -> MapNode:
    style = _STYLES[territory.level.value]
    facts = [f"{style.territory} {territory.name} (编号 {territory.id})"]
    if org is not None:
        facts.append(f"{style.chain}: {org.name}，{zh(org.form)}，党员 {org.members} 名" + ("，特批升格" if org.upgraded else ""))
    else:
        facts.append(f"未建{style.chain}")
    households = territory.households if territory.level is Level.GRID else below["households"]
    if households:
        facts.append(f"户数 {households}")
    if territory.staff is not None:
        facts.append(f"专职社区工作者 {territory.staff} 名")
    label = _short(territory.name, 10)
    name = f"{style.territory} {territory.name}"
    return MapNode(id=territory.id, style=territory.level.value, label=label, name=name, path=path, facts=facts)


def _short(text: str, length: int) -> str:
    return text if len(text) <= length else text[: length - 1] + "…"


def _add_units(read: _Reader, nodes: dict[str, MapNode], edges: list[MapEdge], drawn_for: dict[str, str], *, community: MapNode) -> None:
    units = sorted((u for u in read.sources(community.id, EdgeKind.LOCATED_IN) if isinstance(u, Unit)), key=lambda u: (u.name, u.id))
    for unit in units:
        org = read.coverer(unit.id)
        facts = [f"驻区单位 {zh(unit.unit_type)} (编号 {unit.id})"]
        facts.append(f"党组织: {org.name}，{zh(org.form)}，党员 {org.members} 名" if org else "未建党组织")
        node = MapNode(
            id=unit.id,
            style="unit",
            label=_short(unit.name, 9),
            name=unit.name,
            path=f"{community.path}{PATH_SEPARATOR}{unit.name}",
            facts=facts,
        )
        nodes[unit.id] = node
        community.children.append(unit.id)
        edges.append(MapEdge(unit.id, community.id, "located"))
        drawn_for[unit.id] = unit.id
        if org is not None:
            drawn_for[org.id] = unit.id


def _add_heads(read: _Reader, nodes: dict[str, MapNode], edges: list[MapEdge], drawn_for: dict[str, str], *, grid: MapNode) -> None:
    heads = sorted(
        (m for m in read.sources(grid.id, EdgeKind.SERVES) if isinstance(m, Member) and m.is_household_head), key=lambda m: (m.name, m.id)
    )
    for head in heads:  # no phone numbers: a map is shown on screens and printed
        node = MapNode(
            id=head.id,
            style="household",
            label=head.name,
            name=f"党员联户长 {head.name}",
            path=f"{grid.path}{PATH_SEPARATOR}{head.name}",
            facts=[f"联系 {head.households} 户", f"编号 {head.id}"],
        )
        nodes[head.id] = node
        grid.children.append(head.id)
        edges.append(MapEdge(head.id, grid.id, "chain"))
        drawn_for[head.id] = head.id


def _add_cobuilding_and_seats(
    read: _Reader, nodes: dict[str, MapNode], edges: list[MapEdge], drawn_for: dict[str, str], coverers: dict[str, Organisation | None]
) -> None:
    """Co-building agreements and big-committee seats between drawn nodes."""
    for territory_id, org in coverers.items():
        if org is None or territory_id not in nodes:
            continue
        here = nodes[territory_id]
        if here.style == "community":
            for agreement in read.sources(org.id, EdgeKind.SIGNED_BY) + _expired_agreements(read, org.id):
                if not isinstance(agreement, Agreement):
                    continue
                in_force = agreement_in_force(agreement, read.day)
                for party in read.targets(agreement.id, EdgeKind.SIGNED_BY, any_day=True):
                    other = drawn_for.get(party.id)
                    if party.id == org.id or other is None or other == here.id:
                        continue
                    term = f"{agreement.signed_on} 至 {agreement.expires_on or '长期'}"
                    title = f"共建协议 {agreement.id}: {term}" + ("" if in_force else " (已到期)")
                    edges.append(MapEdge(here.id, other, "cobuild" if in_force else "cobuild_expired", title))
        for seat in read.sources(org.id, EdgeKind.SEAT_ON):
            if not isinstance(seat, Seat) or not seat_in_force(seat, read.day):
                continue
            for unit in read.targets(seat.id, EdgeKind.ON_BEHALF_OF):
                other = drawn_for.get(unit.id)
                if other is not None and other != here.id:
                    committee = "大党委" if here.style == "community" else "大工委"
                    title = f"{committee}兼职委员 {seat.person or seat.id}: {unit.name if isinstance(unit, Unit) else unit.id}"
                    edges.append(MapEdge(other, here.id, "seat", title))


def _expired_agreements(read: _Reader, org_id: str) -> list[Node]:
    """Agreements whose SIGNED_BY edge has run out: drawn grey, as expired partnerships are still worth seeing."""
    edges = read.store.edges_of(org_id, kind=EdgeKind.SIGNED_BY, direction=Direction.IN)
    return [read.store.node(e.source) for e in edges if not valid_on(e, read.day)]


def _add_alliances(store: GraphStore, read: _Reader, nodes: dict[str, MapNode], edges: list[MapEdge], drawn_for: dict[str, str]) -> None:
    for alliance in store.nodes(NodeKind.ALLIANCE):
        if not isinstance(alliance, Alliance):
            continue
        members = read.sources(alliance.id, EdgeKind.IN_ALLIANCE)
        drawn: set[str] = set()
        outside = 0
        for member in members:
            target = drawn_for.get(member.id) or next((drawn_for[n.id] for n in chain_up(store, member.id) if n.id in drawn_for), None)
            if target is None or target == alliance.id:
                outside += 1
            else:
                drawn.add(target)
        if not drawn:
            continue
        kind_name = "党建联盟" if alliance.alliance_kind.value == "alliance" else "党建共同体"
        facts = [f"{kind_name} (编号 {alliance.id})", f"成员 {len(members)} 个"]
        if outside:
            facts.append(f"其中 {outside} 个在本图之外")
        nodes[alliance.id] = MapNode(
            id=alliance.id,
            style="alliance",
            label=_short(alliance.name, 10),
            name=alliance.name,
            path=alliance.name,
            facts=facts,
            members=sorted(drawn),
        )
        drawn_for[alliance.id] = alliance.id
        edges.extend(MapEdge(alliance.id, target, "alliance", f"{alliance.name} 成员") for target in sorted(drawn))


def _place_gap(gap: Gap, nodes: dict[str, MapNode], drawn_for: dict[str, str]) -> None:
    """A gap flags the drawn node standing for its node; one inside a summary is counted on the summary."""
    text = f"{_RULE_TITLES.get(gap.rule, gap.rule.value)}: {gap.reason}"
    own = drawn_for.get(gap.node.id)
    if own is None and gap.node.kind is NodeKind.AGREEMENT:
        own = next((drawn_for[p.id] for p in reversed(gap.path) if p.id in drawn_for), None)  # its community's
    if own is not None:
        nodes[own].gaps.append(text)
        return
    holder = next((drawn_for[p.id] for p in reversed(gap.path) if p.id in drawn_for), None)
    if holder is not None:
        nodes[holder].gaps_below += 1


# -- layout: a tidy tree, levels top to bottom, computed once ----------------------------------------


def _layout(nodes: dict[str, MapNode], root_id: str) -> None:
    """Place every node: each subtree's branches side by side, a node centred over them, leaves in a block.

    Branches wider together than a band wrap into bands stacked below one another, the band chosen so
    that a wide scope keeps about a screen's shape instead of becoming a strip.
    """
    widths: dict[str, float] = {}
    bands: dict[str, list[list[str]]] = {}
    band_width = math.inf

    def split(node_id: str) -> tuple[list[str], list[str]]:
        children = nodes[node_id].children
        return [c for c in children if nodes[c].children], [c for c in children if not nodes[c].children]

    def block_columns(count: int) -> int:
        return count if count <= 4 else math.ceil(math.sqrt(count * 1.5))

    def measure(node_id: str) -> float:
        inner, leaves = split(node_id)
        rows: list[list[str]] = [[]]
        filled = 0.0
        for child in inner:
            width = measure(child)
            if rows[-1] and filled + width > band_width:
                rows.append([])
                filled = 0.0
            rows[-1].append(child)
            filled += width
        bands[node_id] = rows
        width = max(sum(widths[c] for c in row) for row in rows)
        if leaves:
            width += block_columns(len(leaves)) * max(_STYLES[nodes[c].style].slot for c in leaves)
        widths[node_id] = max(width, _STYLES[nodes[node_id].style].slot)
        return widths[node_id]

    def place(node_id: str, left: float, top: float) -> float:
        """Place a subtree from ``left`` with its root's row at ``top``; the lowest y used."""
        node = nodes[node_id]
        _, leaves = split(node_id)
        lowest = top
        right = left
        band_top = top
        for row in bands[node_id]:
            x = left
            for child in row:
                lowest = max(lowest, place(child, x, band_top + _ROW_HEIGHT * (nodes[child].rank - node.rank)))
                x += widths[child]
            right = max(right, x)
            band_top = lowest + _BAND_GAP
        if leaves:
            slot = max(_STYLES[nodes[c].style].slot for c in leaves)
            columns = block_columns(len(leaves))
            for i, child in enumerate(leaves):
                row_index, column = divmod(i, columns)
                leaf = nodes[child]
                leaf.x = right + slot * (column + 0.5)
                leaf.y = top + _ROW_HEIGHT * (leaf.rank - node.rank) + row_index * (_SUMMARY_ROW if leaf.summary else _LEAF_ROW)
                lowest = max(lowest, leaf.y)
        first = bands[node_id][0] + leaves
        spanned = [nodes[c].x for c in first]
        node.x = (min(spanned) + max(spanned)) / 2 if spanned else left + widths[node_id] / 2
        node.y = top
        return lowest

    measure(root_id)
    height = place(root_id, 0.0, 0.0) + _ROW_HEIGHT
    # The band width that gives the whole about a screen's shape, if its area stayed the same.
    band_width = max(_BAND_WIDTH, math.sqrt(widths[root_id] * height * _SCREEN_ASPECT))
    measure(root_id)
    place(root_id, -widths[root_id] / 2, 0.0)
    _place_alliances(nodes)


def _place_alliances(nodes: dict[str, MapNode]) -> None:
    """Each alliance just above its topmost member, over the middle of its members, nudged apart."""
    alliances = [n for n in nodes.values() if n.style == "alliance"]
    for alliance in alliances:
        placed = [nodes[i] for i in alliance.members]
        alliance.x = sum(n.x for n in placed) / len(placed)
        alliance.y = min(n.y for n in placed) - _ROW_HEIGHT * 0.5
    rows: dict[float, list[MapNode]] = defaultdict(list)
    for alliance in alliances:
        rows[alliance.y].append(alliance)
    slot = _STYLES["alliance"].slot
    for row in rows.values():
        row.sort(key=lambda n: n.x)
        for before, after in itertools.pairwise(row):
            after.x = max(after.x, before.x + slot)


# -- the page ------------------------------------------------------------------------------------


def _asset(name: str) -> str:
    return (resources.files("pyvis") / "templates" / "lib" / "vis-9.1.2" / name).read_text(encoding="utf-8")


def _own(name: str) -> str:
    """A script or style of this package (kept as files so they read as what they are)."""
    return (resources.files("visualizations") / name).read_text(encoding="utf-8")


def _script_json(value: object) -> str:
    """JSON safe to place inside a <script> element."""
    return json.dumps(value, ensure_ascii=False).replace("</", "<\\/").replace("<!--", "<\\!--")


def _vis_lists(data: MapData) -> tuple[list[dict[str, object]], list[dict[str, object]]]:
    """The node and edge lists for vis-network, built with pyvis."""
    net = Network(directed=True)
    for node in data.nodes.values():
        style = _STYLES[node.style]
        flagged = bool(node.gaps)
        options: dict[str, object] = {
            "label": node.label,
            "title": node.tooltip(),
            "shape": style.shape,
            "level": node.rank,
            "x": round(node.x, 1),
            "y": round(node.y, 1),
            "kindOf": node.style,  # not vis's "group": its group palette would override these colours
            "color": {
                "background": style.colour if node.style in ("grid", "household", "alliance") else "#ffffff",
                "border": _GAP_BORDER if flagged else style.colour,
                "highlight": {"background": "#fff59d", "border": _GAP_BORDER if flagged else style.colour},
            },
            "borderWidth": 4 if flagged else 1.5,
            "font": {
                "color": "#212121" if node.style in ("grid", "household", "alliance") else style.colour,
                "size": _FONT_SIZE.get(node.style, 14),
            },
            "gap": flagged,
            "gapsBelow": node.gaps_below,
        }
        if node.style in ("grid", "household", "alliance"):
            options["size"] = 14 if node.style == "grid" else 10 if node.style == "household" else 18
        if node.style == "unit" and "未建党组织" in node.facts[1]:
            options["color"] = {**options["color"], "background": "#ffffff"}  # type: ignore[dict-item]
        if node.summary:
            options["shapeProperties"] = {"borderDashes": [5, 3]}
            options["link"] = node.link
        net.add_node(node.id, **options)
    known = set(data.nodes)
    for i, edge in enumerate(data.edges):
        if edge.source in known and edge.target in known:
            extra: dict[str, object] = {"id": f"e{i}", "kind": _LAYER_OF.get(edge.kind, "chain"), **_EDGE_STYLES[edge.kind]}
            if edge.title:
                extra["title"] = edge.title
            net.edges.append({"from": edge.source, "to": edge.target, "arrows": "", **extra})  # pyvis's add_edge scans every node per edge
    return net.nodes, net.edges


def _legend() -> str:
    items = []
    for key in ("district", "street", "community", "residential_area", "grid", "household", "unit", "alliance"):
        style = _STYLES[key]
        name = style.chain if key != "unit" else "驻区单位 (实心: 已建党组织)"
        items.append(f'<li><i class="shape {style.shape}" style="--c:{style.colour}"></i>{html.escape(name)}</li>')
    edge_names = {"chain": "隶属", "cobuild": "共建协议", "cobuild_expired": "已到期共建", "seat": "大党委兼职委员", "alliance": "联盟成员"}
    for kind, name in edge_names.items():
        colour = _EDGE_STYLES[kind]["color"]["color"]  # type: ignore[index]
        dashed = "dashed" if "dashes" in _EDGE_STYLES[kind] else "solid"
        items.append(f'<li><i class="line" style="border-top:3px {dashed} {colour}"></i>{name}</li>')
    items.append(f'<li><i class="shape box" style="--c:{_GAP_BORDER};border-width:3px"></i>红框: 有缺口 (悬停看原因)</li>')
    items.append('<li><i class="shape box" style="--c:#e65100;border-style:dashed"></i>虚框: 汇总节点，点击打开其地图</li>')
    return "".join(items)


_DEPTH_NOTE = {
    Depth.HOUSEHOLDS: "完整显示至党员联户长",
    Depth.GRIDS: "显示至网格；联户长汇总于网格",
    Depth.AREAS: "显示至小区；网格汇总于小区",
    Depth.COMMUNITIES: "显示至社区；社区以下汇总，点击社区打开其地图",
}


def render_map(data: MapData, *, links: Links | None = None) -> str:
    """The page of a map: vis-network inlined, tooltips as text, a legend, search, layer filters and a details panel."""
    links = links or Links()
    nodes, edges = _vis_lists(data)
    rules = ", ".join(f"{_RULE_TITLES.get(r, r)} {n}" for r, n in data.gap_rules.most_common())
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


def network_map(
    store: GraphStore, scope_id: str, *, as_of: date | None = None, max_nodes: int = MAX_NODES, links: Links | None = None
) -> str:
    """The map of one scope as a self-contained HTML page (callers write it as UTF-8)."""
    return render_map(map_data(store, scope_id, as_of=as_of, max_nodes=max_nodes), links=links)


def summarised(data: MapData) -> list[str]:
    """The scope ids of the summary nodes of a map: each has a map of its own."""
    return [n.link for n in data.nodes.values() if n.summary and n.link]
