"""Where each node of a map sits: a tidy tree, rows top to bottom, computed once in Python.

Pure geometry over node ids and sizes (no store, no page), so that it can be tested alone and
the browser runs no layout or physics at all: that is what keeps a district of a million
households drawing in well under two seconds. Branches wider together than a band wrap into
bands stacked below one another, the band chosen so that the screen fits the drawing at the
largest scale (:func:`fitted_scale`, as vis-network's fit computes it): a wide scope keeps
about a screen's shape instead of becoming a strip; the childless nodes of a parent sit in a block beside its
branches; groups (alliances) float just above their members.
"""

from __future__ import annotations

import itertools
import math
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

__all__ = [
    "BAND_GAP",
    "BAND_WIDTH",
    "FIT_MARGIN",
    "LEAF_ROW",
    "NODE_HEIGHT",
    "ROW_HEIGHT",
    "SCREEN",
    "SCREEN_ASPECT",
    "SUMMARY_ROW",
    "Box",
    "Point",
    "Viewport",
    "block_columns",
    "fitted_scale",
    "positions_above",
    "tree_positions",
]

ROW_HEIGHT = 130.0
"""Between two ranks of the chain."""
LEAF_ROW = 84.0
"""Between two rows of a block of childless nodes."""
SUMMARY_ROW = 110.0
"""Between two rows of a block of summaries: a summary is three lines of text."""
BAND_GAP = 100.0
"""Between the lowest node of a band and the top of the next."""
BAND_WIDTH = 700.0
"""The narrowest a band gets: about five nodes side by side."""
SCREEN_ASPECT = 1.4
"""Width over height that a wrapped tree aims for."""


FIT_MARGIN = 1.1
"""How much room vis-network's fit leaves around the drawing: it divides the view by 1.1 times the drawing's span."""
NODE_HEIGHT = 60.0
"""The height a node takes with its label, for the fit (a summary's three lines; a dot with its label below)."""


@dataclass(frozen=True)
class Viewport:
    """The map's area on a staff member's screen, in CSS pixels."""

    width: float
    height: float


SCREEN = Viewport(1100.0, 800.0)
"""The map's area in a 1400 × 900 window (the page's side panel and header take the rest)."""
SCREEN_ASPECT = SCREEN.width / SCREEN.height
"""Width over height that a wrapped tree aims for, by default."""


@dataclass(frozen=True)
class Box:
    """One node to place: the rank (row) it sits on, the room it takes across, and the nodes below it."""

    rank: int
    width: float
    children: Sequence[str] = ()
    tall: bool = False  # a summary: its row in a block of leaves needs SUMMARY_ROW, not LEAF_ROW


@dataclass(frozen=True)
class Point:
    """A node's centre on the page, y growing downwards."""

    x: float
    y: float


def block_columns(count: int) -> int:
    """Columns of a block of ``count`` childless siblings: a row up to four, then about 1.5 times wider than tall."""
    return count if count <= 4 else math.ceil(math.sqrt(count * 1.5))


class _Tree:
    """One pass of the layout with a given band width: :meth:`measure` the widths, then :meth:`place`."""

    def __init__(self, boxes: Mapping[str, Box], band_width: float) -> None:
        self.boxes = boxes
        self.band_width = band_width
        self.widths: dict[str, float] = {}
        self.bands: dict[str, list[list[str]]] = {}
        self.at: dict[str, Point] = {}

    def split(self, node_id: str) -> tuple[list[str], list[str]]:
        """A node's children with children of their own (branches), and those without (leaves)."""
        children = self.boxes[node_id].children
        return [c for c in children if self.boxes[c].children], [c for c in children if not self.boxes[c].children]

    def measure(self, node_id: str) -> float:
        """The width of a subtree, its branches wrapped into bands no wider than the band width (one may be, alone)."""
        inner, leaves = self.split(node_id)
        rows: list[list[str]] = [[]]
        filled = 0.0
        for child in inner:
            width = self.measure(child)
            if rows[-1] and filled + width > self.band_width:
                rows.append([])
                filled = 0.0
            rows[-1].append(child)
            filled += width
        self.bands[node_id] = rows
        width = max(sum(self.widths[c] for c in row) for row in rows)
        if leaves:
            width += block_columns(len(leaves)) * max(self.boxes[c].width for c in leaves)
        self.widths[node_id] = max(width, self.boxes[node_id].width)
        return self.widths[node_id]

    def place(self, node_id: str, left: float, top: float) -> float:
        """Place a subtree from ``left`` with its root's row at ``top``; the lowest y used."""
        box = self.boxes[node_id]
        _, leaves = self.split(node_id)
        lowest = top
        right = left
        band_top = top
        for row in self.bands[node_id]:
            x = left
            for child in row:
                lowest = max(lowest, self.place(child, x, band_top + ROW_HEIGHT * (self.boxes[child].rank - box.rank)))
                x += self.widths[child]
            right = max(right, x)
            band_top = lowest + BAND_GAP
        if leaves:
            slot = max(self.boxes[c].width for c in leaves)
            columns = block_columns(len(leaves))
            # One summary makes every row of its block tall: its three lines would reach the row below.
            row_height = SUMMARY_ROW if any(self.boxes[c].tall for c in leaves) else LEAF_ROW
            for i, child in enumerate(leaves):
                row_index, column = divmod(i, columns)
                leaf = self.boxes[child]
                y = top + ROW_HEIGHT * (leaf.rank - box.rank) + row_index * row_height
                self.at[child] = Point(right + slot * (column + 0.5), y)
                lowest = max(lowest, y)
        spanned = [self.at[c].x for c in self.bands[node_id][0] + leaves]
        x = (min(spanned) + max(spanned)) / 2 if spanned else left + self.widths[node_id] / 2
        # Centred over one narrow child (a grid over its only household head), a node would reach
        # into its neighbour's room; its subtree is never narrower than itself, so it fits inside.
        half = box.width / 2
        x = min(max(x, left + half), left + self.widths[node_id] - half)
        self.at[node_id] = Point(x, top)
        return lowest


def tree_positions(boxes: Mapping[str, Box], root: str, *, view: Viewport = SCREEN) -> dict[str, Point]:
    """Where every node reachable from ``root`` sits: the root at y 0, the whole centred on x 0.

    Each node is centred over its first band of children, as far as its own room stays inside its
    subtree's: so the rooms of two nodes on one row never overlap.

    A first pass without bands measures the tree; then it is laid out wrapped at a few band
    widths (never under :data:`BAND_WIDTH`), from the unwrapped width down to the width at which
    the whole would have ``view``'s shape and below, and the one ``view`` fits at the largest
    scale is kept (the widest of equals): labels then stay as large as the screen allows.
    """
    unwrapped = _Tree(boxes, math.inf)
    unwrapped.measure(root)
    height = unwrapped.place(root, 0.0, 0.0) + ROW_HEIGHT
    width = unwrapped.widths[root]
    shaped = math.sqrt(width * height * view.width / view.height)
    tries = sorted({max(BAND_WIDTH, w) for w in (width, shaped * 1.5, shaped * 1.2, shaped, shaped * 0.8, shaped * 0.6)}, reverse=True)
    best: dict[str, Point] = {}
    best_scale = -1.0
    widths = {node_id: box.width for node_id, box in boxes.items()}
    for band_width in tries:
        wrapped = _Tree(boxes, band_width)
        wrapped.measure(root)
        wrapped.place(root, -wrapped.widths[root] / 2, 0.0)
        scale = fitted_scale(wrapped.at, widths, view)
        if scale > best_scale * 1.001:
            best, best_scale = wrapped.at, scale
    return best


def fitted_scale(at: Mapping[str, Point], widths: Mapping[str, float], view: Viewport = SCREEN) -> float:
    """The scale vis-network's fit gives a drawing in ``view``: nodes at ``at``, each ``widths[id]`` wide, never above 1.

    The fit divides the view's width and height by 1.1 times the drawing's span (its nodes'
    boxes included) and takes the smaller, capped at 1. A label of ``size`` px is then drawn at
    ``size * scale`` px on screen: what decides whether staff can read it without zooming.
    """
    if not at:
        return 1.0
    left = min(p.x - widths[n] / 2 for n, p in at.items())
    right = max(p.x + widths[n] / 2 for n, p in at.items())
    top = min(p.y for p in at.values()) - NODE_HEIGHT / 2
    bottom = max(p.y for p in at.values()) + NODE_HEIGHT / 2
    return min(1.0, view.width / (FIT_MARGIN * (right - left)), view.height / (FIT_MARGIN * (bottom - top)))


def positions_above(groups: Mapping[str, Sequence[str]], at: Mapping[str, Point], *, width: float) -> dict[str, Point]:
    """Where each group sits: half a row above its topmost member, over the middle of its members.

    Groups that land on the same row are pushed apart left to right so that each keeps ``width``
    of room. Every group needs at least one placed member.
    """
    placed: dict[str, Point] = {}
    for group, members in groups.items():
        points = [at[m] for m in members]
        placed[group] = Point(sum(p.x for p in points) / len(points), min(p.y for p in points) - ROW_HEIGHT * 0.5)
    rows: dict[float, list[str]] = defaultdict(list)
    for group, point in placed.items():
        rows[point.y].append(group)
    for row in rows.values():
        row.sort(key=lambda g: placed[g].x)
        for before, after in itertools.pairwise(row):
            placed[after] = Point(max(placed[after].x, placed[before].x + width), placed[after].y)
    return placed
