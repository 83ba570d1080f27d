"""What a map of a scope draws, as plain data: its nodes, edges, depth and figures.

The reader (:mod:`.reading`) fills these in from the store and the renderer (:mod:`.render`)
turns them into a page; keeping them apart lets each side be tested and changed alone.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum

__all__ = ["Depth", "Links", "MapData", "MapEdge", "MapNode", "summarised"]


class Depth(StrEnum):
    """How deep a map draws; what lies below is summarised on the deepest drawn territory."""

    HOUSEHOLDS = "households"  # everything, household heads (党员联户长) included
    GRIDS = "grids"  # down to grids; heads counted on their grid
    AREAS = "areas"  # down to residential areas and units; grids counted on their area
    COMMUNITIES = "communities"  # communities summarised with their counts, each linking to its own map
    STREETS = "streets"  # streets summarised with their counts, each linking to its own map


_RANKS = {"district": 0, "street": 1, "community": 2, "residential_area": 3, "grid": 4, "building": 5, "household": 5, "unit": 3}


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
    organised: bool | None = None  # a territory or unit: whether its party organisation exists (None: not asked of this kind)
    link: str | None = None  # the scope id whose own map shows its inside
    font: int | None = None  # its label's size where not its style's: a grid drawn among communities takes theirs
    children: list[str] = field(default_factory=list)  # below it in the chain, for the layout
    members: list[str] = field(default_factory=list)  # an alliance's drawn members
    x: float = 0.0
    y: float = 0.0

    @property
    def rank(self) -> int:
        """The row of the chain its level belongs to: 0 district ... 5 buildings and household heads; units with the areas."""
        return _RANKS.get(self.style, 0)

    def tooltip(self) -> str:
        """The plain text shown on hover: name, path, facts and gaps."""
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
    """One drawn edge between two drawn nodes, with the tooltip it shows."""

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
    trail: list[tuple[str, str]] = field(default_factory=list)  # (id, name) of each scope from the top down to this one: the breadcrumbs
    below: list[tuple[str, str]] = field(default_factory=list)  # (id, name) of the territories right under it, each with its map


@dataclass(frozen=True)
class Links:
    """Where a page links to, as templates with ``{id}``; None leaves the link out (a standalone file)."""

    map: str | None = "/map?scope={id}"
    dashboard: str | None = "/dashboard?scope={id}"
    gaps: str | None = "/gaps?scope={id}"  # the gap-list page, not the JSON the API answers with


def summarised(data: MapData) -> list[str]:
    """The scope ids of the nodes whose inside a map leaves to their own map (summaries, and grids whose heads are counted)."""
    return [n.link for n in data.nodes.values() if n.link]
