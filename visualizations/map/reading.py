"""What the map of a scope draws, read from the store as things stood on one day: :func:`map_data`.

Each node of the chain is a territory together with the party organisation that covers it
(街道党工委 › 社区党委 › 小区党支部 › 网格党小组), then the household heads (党员联户长) under
their grids; resident units (驻区单位) sit beside their community's residential areas; alliances
(党建联盟 / 党建共同体) float above their members. Edges: the chain, co-building agreements (in
force or expired), big-committee seats (大党委 / 大工委) and alliance membership. Every gap rule of
:mod:`graph.gaps` that flags a drawn node is placed on it. A scope is drawn at the most detailed
:class:`~.model.Depth` whose node count stays within ``max_nodes`` and whose labels, once the
page fits the drawing to a staff member's screen, stay legible (:data:`~.style.LEGIBLE_PX`);
below it each territory is summarised with its counts (what lies below it, level by level, buildings included) and a link
to its own map. A territory is drawn wherever its parent is drawn and not summarised, whatever its level: a street's
own large grid (全科网格) sits beside its communities, with its gaps. Every day-aware read goes through
:class:`graph.scope.ScopeTree` (a :class:`~graph.scope.DayReader`), as the other queries' do.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from graph.coverage import Coverage, coverage
from graph.gaps import Gap, find_gaps
from graph.labels import label
from graph.model import Alliance, EdgeKind, Level, NodeKind, Organisation, Territory
from graph.navigation import chain_up
from graph.norms import NORMS
from graph.scope import PATH_SEPARATOR, DayReader, ScopeTree, agreement_in_force
from graph.store import Direction, GraphStore
from visualizations.map.layout import LEAF_ROW, ROW_HEIGHT, SCREEN, Box, Point, Viewport, fitted_scale, positions_above, tree_positions
from visualizations.map.model import Depth, MapData, MapEdge, MapNode
from visualizations.map.style import LEGIBLE_PX, STYLES, font_size, rule_title

__all__ = ["MAX_NODES", "map_data"]

MAX_NODES = 3000
"""The most nodes a map draws. The issue's aim for a district of a million households is about
3,000 on screen; measured in headless Chromium (bench/map.py), 3,000 nodes with their edges
draw in a few hundred milliseconds with positions computed here, in a page of about 2 MB. A
street (~35,000 households: ~3,500 household heads) is over it with its heads. Legibility then
asks for less: at the first fit a street shows its communities, a community its grids (a large
one its residential areas), a district its communities or, when they are too many, its streets."""

ALLIANCE_LIFT = ROW_HEIGHT * 0.25
"""How much higher than half a row above the chain's top the alliances' row sits: their labels hang below their stars."""

_DRAWN_LEVEL = {
    Depth.HOUSEHOLDS: Level.GRID,
    Depth.GRIDS: Level.GRID,
    Depth.AREAS: Level.RESIDENTIAL_AREA,
    Depth.COMMUNITIES: Level.COMMUNITY,
    Depth.STREETS: Level.STREET,
}
"""The deepest territory each depth draws; what lies below it is summarised on it."""

_COUNTED = {
    Level.COMMUNITY: ("社区", "communities"),
    Level.RESIDENTIAL_AREA: ("小区", "areas"),
    Level.GRID: ("网格", "grids"),
    Level.BUILDING: ("楼栋", "buildings"),
}
"""The levels a summary counts below it, with the word its label uses and the key of its count."""

_ROW_STYLE = {level.rank: level.value for level in (Level.DISTRICT, Level.STREET, Level.COMMUNITY, Level.RESIDENTIAL_AREA)}
"""The style whose font a row of the chain uses, for a node drawn in a row above its own level's."""


def _figure(numerator: int, denominator: int) -> str:
    return f"{numerator}/{denominator} ({numerator / denominator:.0%})" if denominator else "—"


def _headline(cov: Coverage) -> list[str]:
    f = cov.figures
    return [
        f"小区党支部覆盖 {_figure(f.residential_areas_with_branch.numerator, f.residential_areas_with_branch.denominator)}",
        f"网格党小组覆盖 {_figure(f.grids_with_group.numerator, f.grids_with_group.denominator)}",
        f"联户 {_figure(f.households_linked.numerator, f.households_linked.denominator)}",
        f"驻区单位共建 {_figure(f.units_in_agreements.numerator, f.units_in_agreements.denominator)}",
    ]


def _depths(*, root: Level, upper: int, areas: int, grids: int, units: int, heads: int, max_nodes: int) -> list[Depth]:
    """The depths a scope may be drawn at, most detailed first: those whose node count fits, then the summaries.

    ``upper`` counts the territories down to communities. A depth whose deepest drawn level is the
    root's own would draw the root alone; it is left out (but a grid is drawn with its heads).
    """
    sizes = {
        Depth.HOUSEHOLDS: upper + areas + grids + units + heads,
        Depth.GRIDS: upper + areas + grids + units,
        Depth.AREAS: upper + areas + units,
    }
    fitting = [depth for depth, size in sizes.items() if size <= max_nodes]
    candidates = [*fitting, Depth.COMMUNITIES, Depth.STREETS]
    kept = [d for d in candidates if _DRAWN_LEVEL[d].rank > root.rank or d is Depth.HOUSEHOLDS]
    return kept or [Depth.HOUSEHOLDS]


@dataclass
class _Drawing:
    """The chain of one depth: its nodes and edges, which drawn node stands for each id, and the nodes' places."""

    depth: Depth
    nodes: dict[str, MapNode]
    edges: list[MapEdge]
    drawn_for: dict[str, str]
    at: dict[str, Point]
    coverers: dict[str, Organisation | None]

    def label_px(self, view: Viewport) -> float:
        """The smallest label on screen, in px, once the drawing is fitted to ``view``.

        Alliances are placed later, in a row above the chain: that row and their font are counted
        here already, so that a map with alliances is not judged on the chain alone.
        """
        widths = {n: STYLES[self.nodes[n].style].slot for n in self.at}
        root = self.at[min(self.at, key=lambda n: self.at[n].y)]
        above = Point(root.x, root.y - ALLIANCE_LIFT - ROW_HEIGHT * 0.5)
        scale = fitted_scale({**self.at, " alliances": above}, {**widths, " alliances": STYLES["alliance"].slot}, view)
        return scale * min(font_size("alliance"), *(n.font or font_size(n.style, summary=n.summary) for n in self.nodes.values()))


def map_data(
    store: GraphStore,
    scope_id: str,
    *,
    as_of: date | None = None,
    max_nodes: int = MAX_NODES,
    fit: Viewport | None = SCREEN,
    withholds_person: Callable[[str], bool] | None = None,
) -> MapData:
    """What the map of a scope (a territory, or the chain organisation covering one) draws, as things stood on ``as_of``.

    The scope is drawn at the most detailed depth within ``max_nodes`` whose labels, once the page
    fits the drawing to ``fit`` (a staff member's screen), are drawn at least :data:`LEGIBLE_PX`
    px: staff read names where they fit and counts where they do not (a community as one box with
    its figures, its inside one double-click away on its own map). ``fit=None`` keeps only the
    node count. ``withholds_person`` names the seats whose person the reader may not see (another
    territory's member holds them, service.policy): those are drawn as ``席位 <id>``.
    """
    # The whole territory is walked once: it is small beside what hangs off it (a million households
    # make ~6,700 territories), and it gives every summary its counts.
    tree = ScopeTree(store, scope_id, as_of=as_of)
    root, day = tree.root, tree.day
    territories = _top_down(tree)
    cov = coverage(store, root.id, as_of=day)
    figures = cov.figures

    upper = sum(1 for t in territories if t.level.rank <= Level.COMMUNITY.rank)
    heads_estimate = math.ceil(figures.households_linked.denominator / NORMS.households_per_head)  # 十联户
    depths = _depths(
        root=root.level,
        upper=upper,
        areas=figures.residential_areas_with_branch.denominator,
        grids=figures.grids_with_group.denominator,
        units=figures.units_in_agreements.denominator,
        heads=heads_estimate,
        max_nodes=max_nodes,
    )

    # Bottom-up counts of what lies below every territory, itself left out, for the facts and the summaries
    # (children come after their parent): a grid holding a building counts the building, not itself.
    counts: dict[str, Counter[str]] = {}
    for territory in reversed(territories):
        c: Counter[str] = Counter()
        for child in tree.children_of[territory.id]:
            c.update(counts[child.id])
            if child.level in _COUNTED:
                c[_COUNTED[child.level][1]] += 1
            if child.level is Level.GRID:
                c["households"] += child.households or 0
        counts[territory.id] = c

    names = {t.id: t.name for t in territories}
    above_chain = [t for t in reversed(chain_up(store, root.id)) if isinstance(t, Territory)]
    above = PATH_SEPARATOR.join(t.name for t in above_chain)

    def path(territory_id: str) -> str:
        chain: list[str] = []
        current: str | None = territory_id
        while current is not None:
            chain.append(names[current])
            current = tree.parent[current]
        inside = PATH_SEPARATOR.join(reversed(chain))
        return f"{above}{PATH_SEPARATOR}{inside}" if above else inside

    known_coverers: dict[str, Organisation | None] = {}

    def coverer(territory_id: str) -> Organisation | None:
        if territory_id not in known_coverers:
            known_coverers[territory_id] = tree.coverer(territory_id)
        return known_coverers[territory_id]

    drawing = None
    for depth in depths:  # the most detailed first; the last is drawn whatever its labels
        drawing = _draw_chain(tree, territories, depth=depth, counts=counts, coverer=coverer, path=path)
        if fit is None or drawing.label_px(fit) >= LEGIBLE_PX:
            break
    assert drawing is not None
    depth, nodes, edges, drawn_for = drawing.depth, drawing.nodes, drawing.edges, drawing.drawn_for

    _add_cobuilding_and_seats(
        tree, nodes, edges, drawn_for, coverers=drawing.coverers, withholds_person=withholds_person or (lambda _: False)
    )
    _add_alliances(store, tree, nodes, edges, drawn_for)

    gaps = find_gaps(store, root.id, as_of=day, limit=10_000_000).items
    by_rule: Counter[str] = Counter(g.rule.value for g in gaps)
    for gap in gaps:
        _place_gap(gap, nodes, drawn_for)

    for node in nodes.values():
        if node.summary and (node.gaps or node.gaps_below):
            node.label += f"\n缺口 {len(node.gaps) + node.gaps_below}"
    _place(nodes, drawing.at)
    return MapData(
        scope_id=root.id,
        title=f"{root.name} 组织网络图",
        path=path(root.id),
        as_of=day,
        depth=depth,
        nodes=nodes,
        edges=edges,
        headline=_headline(cov),
        gap_total=len(gaps),
        gap_rules=by_rule,
        trail=[(t.id, t.name) for t in [*above_chain, root]],
        below=[(t.id, t.name) for t in tree.children_of[root.id]],
    )


def _draw_chain(
    tree: ScopeTree,
    territories: list[Territory],
    *,
    depth: Depth,
    counts: dict[str, Counter[str]],
    coverer: Callable[[str], Organisation | None],
    path: Callable[[str], str],
) -> _Drawing:
    """The chain drawn to ``depth`` (territories, units, household heads) and its layout; what lies deeper is summarised."""
    root = tree.root
    deepest = _DRAWN_LEVEL[depth]
    if root.level.rank > deepest.rank:
        deepest = root.level
    nodes: dict[str, MapNode] = {}
    edges: list[MapEdge] = []
    drawn_for: dict[str, str] = {}  # any node id (organisation, unit, member) -> the drawn node standing for it
    coverers: dict[str, Organisation | None] = {}

    for territory in territories:  # top down: a territory is drawn where its parent is drawn and not summarised
        parent = tree.parent[territory.id]
        if parent is not None and (parent not in nodes or nodes[parent].summary):
            continue  # whatever its level: a grid lying directly within a street is drawn beside its communities
        org = coverers[territory.id] = coverer(territory.id)
        node = _territory_node(territory, org, counts[territory.id], path(territory.id))
        if (
            territory.level.rank >= deepest.rank
            and tree.children_of[territory.id]
            and not (depth is Depth.HOUSEHOLDS and territory.level is Level.GRID)
        ):
            node.summary = True
            node.link = territory.id
            below = counts[territory.id]
            node.facts.append(_below_fact(territory.level, below))
            node.label += "\n" + _below_label(territory.level, below)  # the gap count is added once gaps are placed
        nodes[node.id] = node
        drawn_for[territory.id] = node.id
        if org is not None:
            drawn_for[org.id] = node.id
        if parent is not None:
            nodes[parent].children.append(node.id)
            edges.append(MapEdge(node.id, parent, "chain"))

    if depth in (Depth.HOUSEHOLDS, Depth.GRIDS, Depth.AREAS):
        for territory in _of_level(territories, Level.COMMUNITY, drawn=nodes):
            _add_units(tree, nodes, edges, drawn_for, community=nodes[territory.id])
    if depth is Depth.HOUSEHOLDS:
        for territory in _of_level(territories, Level.GRID, drawn=nodes):
            _add_heads(tree, nodes, edges, drawn_for, grid=nodes[territory.id])
    elif depth is Depth.GRIDS:
        for territory in _of_level(territories, Level.GRID, drawn=nodes):
            heads = tree.household_heads(territory.id)
            if heads:
                grid = nodes[territory.id]
                grid.facts.append(f"党员联户长 {len(heads)} 名，联系 {sum(h.households for h in heads)} 户")
                grid.link = territory.id  # its own map draws its heads by name
    rows = _rows(nodes, root.id)
    for node in nodes.values():
        if rows[node.id] < node.rank:  # drawn in an upper row (a street's large grid among the communities): that row's font
            node.font = max(font_size(node.style, summary=node.summary), font_size(_ROW_STYLE[rows[node.id]], summary=node.summary))
    boxes = {n.id: Box(rank=rows[n.id], width=STYLES[n.style].slot, children=n.children, tall=n.summary) for n in nodes.values()}
    return _Drawing(depth, nodes, edges, drawn_for, tree_positions(boxes, root.id), coverers)


def _rows(nodes: dict[str, MapNode], root_id: str) -> dict[str, int]:
    """The row each node of the chain is laid out on: its level's, but never more than one below its parent's.

    A grid lying directly within a street (全科网格) sits in the communities' row beside them rather than
    two rows lower, where it would stretch the drawing (and shrink its labels) for one box.
    """
    rows = {root_id: nodes[root_id].rank}
    stack = [root_id]
    while stack:
        parent = stack.pop()
        for child in nodes[parent].children:
            rows[child] = min(nodes[child].rank, rows[parent] + 1)
            stack.append(child)
    return rows


def _below_counts(level: Level, below: Counter[str]) -> list[tuple[str, int]]:
    """What a summary of ``level`` holds, level by level below its own: buildings (楼栋) where there are any."""
    return [
        (word, below[key])
        for counted, (word, key) in _COUNTED.items()
        if counted.rank > level.rank and (counted is not Level.BUILDING or below[key])
    ]


def _below_fact(level: Level, below: Counter[str]) -> str:
    """What a summary holds, as its details say it."""
    return "下辖 " + " · ".join(f"{word} {n}" for word, n in _below_counts(level, below))


def _below_label(level: Level, below: Counter[str]) -> str:
    """The counts a summary shows under its name, two to a line, short enough to read on the map."""
    parts = [f"{word}{n}" for word, n in _below_counts(level, below)]
    return "\n".join(" ".join(parts[i : i + 2]) for i in range(0, len(parts), 2))


def _top_down(tree: ScopeTree) -> list[Territory]:
    """The scope's territories level by level (breadth first): the order the page lists nodes in, so its search finds upper levels first."""
    order = [tree.root]
    for territory in order:  # the list grows as it is walked, one level after the other
        order.extend(tree.children_of[territory.id])
    return order


def _of_level(territories: list[Territory], level: Level, *, drawn: dict[str, MapNode]) -> list[Territory]:
    """The drawn territories of ``level``."""
    return [t for t in territories if t.level is level and t.id in drawn]


def _territory_node(territory: Territory, org: Organisation | None, below: Counter[str], path: str) -> MapNode:
    style = STYLES[territory.level.value]
    facts = [f"{label(territory.level)} {territory.name} (编号 {territory.id})"]
    if org is not None:
        facts.append(f"{style.chain}: {org.name}，{label(org.form)}，党员 {org.members} 名" + ("，特批升格" if org.upgraded else ""))
    else:
        facts.append(f"未建{style.chain}")
    households = territory.households if territory.level is Level.GRID else below["households"]
    if households:
        facts.append(f"户数 {households}")
    if territory.staff is not None:
        facts.append(f"专职社区工作者 {territory.staff} 名")
    name = f"{label(territory.level)} {territory.name}"
    return MapNode(
        id=territory.id,
        style=territory.level.value,
        label=_short(territory.name, 10),
        name=name,
        path=path,
        facts=facts,
        organised=org is not None,
    )


def _short(text: str, length: int) -> str:
    return text if len(text) <= length else text[: length - 1] + "…"


def _add_units(read: DayReader, nodes: dict[str, MapNode], edges: list[MapEdge], drawn_for: dict[str, str], *, community: MapNode) -> None:
    """驻区单位 of a community, beside its residential areas, each standing for its own organisation too."""
    for unit in read.units(community.id):
        org = read.coverer(unit.id)
        facts = [f"驻区单位 {label(unit.unit_type)} (编号 {unit.id})"]
        facts.append(f"党组织: {org.name}，{label(org.form)}，党员 {org.members} 名" if org else "未建党组织")
        nodes[unit.id] = MapNode(
            id=unit.id,
            style="unit",
            label=_short(unit.name, 9),
            name=unit.name,
            path=f"{community.path}{PATH_SEPARATOR}{unit.name}",
            facts=facts,
            organised=org is not None,
        )
        community.children.append(unit.id)
        edges.append(MapEdge(unit.id, community.id, "located"))
        drawn_for[unit.id] = unit.id
        if org is not None:
            drawn_for[org.id] = unit.id


def _add_heads(read: DayReader, nodes: dict[str, MapNode], edges: list[MapEdge], drawn_for: dict[str, str], *, grid: MapNode) -> None:
    """党员联户长 under their grid, by name."""
    for head in sorted(read.household_heads(grid.id), key=lambda m: (m.name, m.id)):  # no phone numbers: a map is shown and printed
        nodes[head.id] = MapNode(
            id=head.id,
            style="household",
            label=head.name,
            name=f"党员联户长 {head.name}",
            path=f"{grid.path}{PATH_SEPARATOR}{head.name}",
            facts=[f"联系 {head.households} 户", f"编号 {head.id}"],
        )
        grid.children.append(head.id)
        edges.append(MapEdge(head.id, grid.id, "chain"))
        drawn_for[head.id] = head.id


def _add_cobuilding_and_seats(
    read: DayReader,
    nodes: dict[str, MapNode],
    edges: list[MapEdge],
    drawn_for: dict[str, str],
    *,
    coverers: dict[str, Organisation | None],
    withholds_person: Callable[[str], bool],
) -> None:
    """Co-building agreements and big-committee seats between drawn nodes.

    Expired agreements are drawn too (grey): a partnership that has run out is still worth seeing.
    """
    for territory_id, org in coverers.items():
        if org is None or territory_id not in nodes:
            continue
        here = nodes[territory_id]
        if here.style == "community":
            for agreement in read.agreements(org.id):
                in_force = agreement_in_force(agreement, read.day)
                for party in read.counterparties(agreement, org.id):
                    other = drawn_for.get(party.id)
                    if other is None or other == here.id:
                        continue
                    term = f"{agreement.signed_on} 至 {agreement.expires_on or '长期'}"
                    title = f"共建协议 {agreement.id}: {term}" + ("" if in_force else " (已到期)")
                    edges.append(MapEdge(here.id, other, "cobuild" if in_force else "cobuild_expired", title))
        committee = "大党委" if here.style == "community" else "大工委"
        for seat in read.seats_on(org.id):
            unit = read.seat_unit(seat.id)
            other = drawn_for.get(unit.id) if unit is not None else None
            if unit is not None and other is not None and other != here.id:
                person = f"席位 {seat.id}" if not seat.person or withholds_person(seat.id) else seat.person
                edges.append(MapEdge(other, here.id, "seat", f"{committee}兼职委员 {person}: {unit.name}"))


def _add_alliances(store: GraphStore, read: DayReader, nodes: dict[str, MapNode], edges: list[MapEdge], drawn_for: dict[str, str]) -> None:
    """党建联盟 / 党建共同体 with at least one member drawn, each joined to the drawn nodes standing for its members.

    One whose drawn members are all one summary (a street's alliance on a district drawn to its
    streets) is named in that summary's details instead: it is drawn on the summary's own map.
    """
    for alliance in store.nodes(NodeKind.ALLIANCE):
        if not isinstance(alliance, Alliance):
            continue
        members = [read.node(e.source) for e in read.edges(alliance.id, EdgeKind.IN_ALLIANCE, Direction.IN)]
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
        if len(drawn) == 1 and nodes[next(iter(drawn))].summary:
            inside = nodes[next(iter(drawn))]  # an alliance within one summarised scope belongs to its inside, as its areas do
            inside.facts.append(f"{label(alliance.alliance_kind)} {alliance.name}")
            continue
        facts = [f"{label(alliance.alliance_kind)} (编号 {alliance.id})", f"成员 {len(members)} 个"]
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
    text = f"{rule_title(gap.rule)}: {gap.reason}"
    own = drawn_for.get(gap.node.id)
    if own is None and gap.node.kind in (NodeKind.AGREEMENT, NodeKind.POST, NodeKind.SERVICE_CENTRE, NodeKind.MEMBER):
        # an agreement on its community, a post on its body's place, a service centre on the territory it serves,
        # a member the map does not draw (of the roll, not a household head) where held
        own = next((drawn_for[p.id] for p in reversed(gap.path) if p.id in drawn_for), None)
    if own is not None:
        nodes[own].gaps.append(text)
        return
    holder = next((drawn_for[p.id] for p in reversed(gap.path) if p.id in drawn_for), None)
    if holder is not None:
        nodes[holder].gaps_below += 1


def _place(nodes: dict[str, MapNode], at: dict[str, Point]) -> None:
    """Give every node its position: the chain's from its layout, the alliances in a row above the whole chain.

    An alliance floats over the middle of its members, in a row of its own above the top of the
    drawing: placed just above its topmost member it would land among the boxes of a block of
    summaries (a street's communities).
    """
    top = min((p.y for p in at.values()), default=0.0)
    lifted = {node_id: Point(point.x, top - ALLIANCE_LIFT) for node_id, point in at.items()}
    groups = {n.id: n.members for n in nodes.values() if n.style == "alliance"}
    slot = STYLES["alliance"].slot
    above = positions_above(groups, lifted, width=slot)
    left = min((p.x for p in at.values()), default=0.0)
    right = max((p.x for p in at.values()), default=0.0)
    per_row = max(1, int((right - left) // slot) + 1)
    if len(above) > per_row:  # wider than the drawing in one row: rows of them, stacked upwards, in the same order
        ordered = sorted(above, key=lambda g: above[g].x)
        for i, group in enumerate(ordered):
            row, column = divmod(i, per_row)
            in_row = min(per_row, len(ordered) - row * per_row)
            middle = (left + right) / 2
            above[group] = Point(middle + (column - (in_row - 1) / 2) * slot, top - ALLIANCE_LIFT - ROW_HEIGHT * 0.5 - row * LEAF_ROW)
    placed = at | above
    for node_id, point in placed.items():
        nodes[node_id].x, nodes[node_id].y = point.x, point.y
