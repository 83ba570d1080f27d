"""How the map looks: colours, shapes and room of each kind of node, edge styles, and what the legend says.

One table per concern, read by the page (:mod:`.render`) and, for the room a node takes, by the
layout, so that a colour or a legend name is changed in one place. Territory names come from
:mod:`graph.labels`; only the map's own wording (the organisation of each row, the legend) is here.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from graph.gaps import gap_rules
from graph.i18n import Lang, current
from graph.labels import label
from graph.model import MemberRole

__all__ = [
    "EDGE_LEGEND",
    "EDGE_STYLES",
    "FILLED",
    "FONT_SIZE",
    "GAP_BORDER",
    "LAYER_OF",
    "LEGIBLE_PX",
    "MARKER_SIZE",
    "MISSING_DASHES",
    "MISSING_TEXT",
    "STYLES",
    "SUMMARY_FONT_SIZE",
    "NodeStyle",
    "font_size",
    "legend_name",
    "rule_title",
]

GAP_BORDER = "#d50000"
"""The outline of a node with a gap of its own."""


@dataclass(frozen=True)
class NodeStyle:
    """How one kind of node is drawn, and what the legend calls it."""

    colour: str
    shape: str  # a vis-network shape
    chain: str  # the organisation of this row, in Chinese
    slot: int  # horizontal room one node takes, px


STYLES: dict[str, NodeStyle] = {
    "district": NodeStyle("#6a1b9a", "box", "区委", 170),
    "street": NodeStyle("#c62828", "box", "街道党工委", 170),
    "community": NodeStyle("#e65100", "box", "社区党组织", 170),
    "residential_area": NodeStyle("#2e7d32", "ellipse", "小区党支部", 160),
    "grid": NodeStyle("#1565c0", "dot", "网格党小组", 130),
    "building": NodeStyle("#0277bd", "dot", "楼栋党小组 / 院落党支部", 110),
    "household": NodeStyle("#795548", "triangle", label(MemberRole.HOUSEHOLD_HEAD), 84),
    "unit": NodeStyle("#00838f", "diamond", "驻区单位党组织", 130),
    "alliance": NodeStyle("#8e24aa", "star", "党建联盟 / 共同体", 170),
}
"""Keyed by :attr:`MapNode.style <visualizations.map.model.MapNode.style>`, in the legend's order."""

FILLED = frozenset({"grid", "building", "unit", "household", "alliance"})
"""Small markers drawn filled with their colour, their label below in dark text; the rest are outlined boxes.
A territory or unit without its organisation is never drawn as the organisation: it is hollow, its outline dashed."""

MISSING_DASHES = [2, 4]
"""The outline of a territory or unit whose party organisation does not exist (summaries are dashed [5, 3])."""
MISSING_TEXT = "#757575"
"""The label colour of such a node."""

MARKER_SIZE = {"grid": 14, "building": 12, "household": 10, "alliance": 18}

FONT_SIZE = {"district": 26, "street": 22, "community": 18, "alliance": 18}  # upper levels stay legible when a wide scope is fitted
"""Font sizes other than vis-network's 14."""

LEGIBLE_PX = 10.0
"""The smallest a label may be drawn on screen, in px, at the map's first fit: below it staff cannot read it without zooming."""


SUMMARY_FONT_SIZE = 18
"""A summary's font size, whatever its level: its lines of counts (社区12 小区69) then fit its box without wrapping."""


def font_size(style: str, *, summary: bool = False) -> int:
    """The font size of a kind of node's label (a summary's, if ``summary``), before the map's zoom."""
    return SUMMARY_FONT_SIZE if summary and style in ("district", "street", "community") else FONT_SIZE.get(style, 14)


EDGE_STYLES: dict[str, dict[str, object]] = {
    "chain": {"color": {"color": "#9e9e9e"}, "width": 1, "smooth": False},
    "located": {"color": {"color": "#b0bec5"}, "width": 1, "smooth": False, "dashes": [2, 4]},
    "cobuild": {"color": {"color": "#2e7d32"}, "width": 2, "dashes": [8, 5], "smooth": {"type": "curvedCW", "roundness": 0.15}},
    "cobuild_expired": {"color": {"color": "#bdbdbd"}, "width": 1, "dashes": [8, 5], "smooth": {"type": "curvedCW", "roundness": 0.15}},
    "seat": {"color": {"color": "#ef6c00"}, "width": 3, "smooth": {"type": "curvedCCW", "roundness": 0.2}},
    "alliance": {"color": {"color": "#ab47bc", "opacity": 0.55}, "width": 1, "dashes": [1, 4], "smooth": False},
}
"""vis-network options per :attr:`MapEdge.kind <visualizations.map.model.MapEdge.kind>`."""

LAYER_OF = {"cobuild": "cobuild", "cobuild_expired": "cobuild", "seat": "seat", "alliance": "alliance"}
"""The layer a check box of the page shows or hides; every other edge is the chain, always shown."""

EDGE_LEGEND = {"chain": "隶属", "cobuild": "共建协议", "cobuild_expired": "已到期共建", "seat": "大党委兼职委员", "alliance": "联盟成员"}


def legend_name(style: str) -> str:
    """What the legend calls one kind of node."""
    return "驻区单位 (实心: 已建党组织)" if style == "unit" else STYLES[style].chain


@cache
def _rule_titles(lang: Lang) -> dict[str, str]:
    """The rules' titles in one language, worked out once per language."""
    return {rule.name.value: rule.title for rule in gap_rules()}


def rule_title(rule: str) -> str:
    """The title of a gap rule in the reader's language, as staff say it; the rule's code when it has none."""
    return _rule_titles(current()).get(rule, str(rule))
