"""The map's geometry alone: trees of boxes in, positions out, no store and no page."""

from __future__ import annotations

import itertools
import random
from collections import defaultdict

import pytest

from visualizations.map.layout import (
    BAND_GAP,
    FIT_MARGIN,
    LEAF_ROW,
    NODE_HEIGHT,
    ROW_HEIGHT,
    SCREEN,
    SCREEN_ASPECT,
    SUMMARY_ROW,
    Box,
    Point,
    Viewport,
    fitted_scale,
    positions_above,
    tree_positions,
)

# The room each rank takes, as the map's styles give it: district ... household heads.
WIDTH = {0: 170.0, 1: 170.0, 2: 170.0, 3: 160.0, 4: 130.0, 5: 84.0}
UNIT_WIDTH = 130.0


def chain(*, communities: int, seed: int = 7, units: bool = True, heads: bool = True) -> tuple[dict[str, Box], str]:
    """A street shaped like the generator's: communities of residential areas and units, grids, household heads; fan-outs vary."""
    rng = random.Random(seed)
    boxes: dict[str, Box] = {}

    def add(node_id: str, rank: int, children: list[str], *, width: float | None = None) -> str:
        boxes[node_id] = Box(rank=rank, width=width if width is not None else WIDTH[rank], children=tuple(children))
        return node_id

    community_ids = []
    for c in range(communities):
        below = []
        for a in range(rng.randint(1, 6)):
            grids = []
            for g in range(rng.randint(0, 5)):
                grid_heads = [add(f"h{c}.{a}.{g}.{h}", 5, []) for h in range(rng.randint(0, 12))] if heads else []
                grids.append(add(f"g{c}.{a}.{g}", 4, grid_heads))
            below.append(add(f"a{c}.{a}", 3, grids))
        if units:
            below += [add(f"u{c}.{u}", 3, [], width=UNIT_WIDTH) for u in range(rng.randint(0, 4))]
        community_ids.append(add(f"c{c}", 2, below))
    return boxes, add("s", 1, community_ids)


def reachable(boxes: dict[str, Box], root: str) -> list[str]:
    out = [root]
    for node_id in out:  # grows as it is walked
        out.extend(boxes[node_id].children)
    return out


def subtree_ys(boxes: dict[str, Box], at: dict[str, Point], node_id: str) -> list[float]:
    return [at[n].y for n in reachable(boxes, node_id)]


def span(boxes: dict[str, Box], at: dict[str, Point], node_id: str) -> float:
    """How wide a subtree is drawn, its nodes' room included."""
    nodes = reachable(boxes, node_id)
    return max(at[n].x + boxes[n].width / 2 for n in nodes) - min(at[n].x - boxes[n].width / 2 for n in nodes)


def aspect(at: dict[str, Point]) -> float:
    xs = [p.x for p in at.values()]
    ys = [p.y for p in at.values()]
    return (max(xs) - min(xs)) / (max(ys) - min(ys) + ROW_HEIGHT)


@pytest.mark.parametrize("seed", [1, 2, 3])
@pytest.mark.parametrize("communities", [1, 8, 60])
def test_every_node_gets_a_place_and_sits_below_its_parent_by_its_rank(communities: int, seed: int) -> None:
    boxes, root = chain(communities=communities, seed=seed)
    at = tree_positions(boxes, root)
    assert set(at) == set(boxes)
    assert at[root].y == 0.0
    for parent_id, box in boxes.items():
        for child in box.children:
            assert at[child].y >= at[parent_id].y + ROW_HEIGHT * (boxes[child].rank - box.rank)


@pytest.mark.parametrize("seed", [1, 2, 3])
@pytest.mark.parametrize("communities", [1, 8, 60])
def test_the_rooms_of_nodes_on_one_row_never_overlap(communities: int, seed: int) -> None:
    boxes, root = chain(communities=communities, seed=seed)
    at = tree_positions(boxes, root)
    rows: dict[float, list[str]] = defaultdict(list)
    for node_id, point in at.items():
        rows[point.y].append(node_id)
    for row in rows.values():
        row.sort(key=lambda n: at[n].x)
        for left, right in itertools.pairwise(row):
            assert at[right].x - at[left].x >= (boxes[left].width + boxes[right].width) / 2, (left, right)


def test_a_tree_the_screen_holds_whole_keeps_its_branches_side_by_side_on_one_row() -> None:
    boxes = {"s": Box(rank=1, width=170, children=("c1", "c2", "c3"))}
    for c in ("c1", "c2", "c3"):
        boxes[c] = Box(rank=2, width=170, children=(f"{c}a", f"{c}b"))
        boxes[f"{c}a"] = boxes[f"{c}b"] = Box(rank=3, width=150)
    at = tree_positions(boxes, "s")
    assert len({at[c].y for c in boxes["s"].children}) == 1
    assert fitted_scale(at, {n: b.width for n, b in boxes.items()}) == 1.0


def test_wrapping_picks_the_bands_the_screen_fits_largest() -> None:
    boxes, root = chain(communities=8)
    widths = {n: b.width for n, b in boxes.items()}
    on_screen = fitted_scale(tree_positions(boxes, root), widths, SCREEN)
    strip = fitted_scale(tree_positions(boxes, root, view=Viewport(1e9, 800)), widths, SCREEN)  # laid out for a very wide screen
    assert on_screen > strip * 1.5


def test_the_fitted_scale_is_vis_networks_fit_capped_at_one() -> None:
    at = {"a": Point(0, 0), "b": Point(1000, 0)}
    widths = {"a": 100.0, "b": 100.0}
    assert fitted_scale(at, widths, Viewport(1100, 800)) == pytest.approx(1100 / (FIT_MARGIN * 1100))  # the span with the rooms
    tall = {"a": Point(0, 0), "b": Point(0, 2000)}
    assert fitted_scale(tall, widths, Viewport(1100, 800)) == pytest.approx(800 / (FIT_MARGIN * (2000 + NODE_HEIGHT)))
    assert fitted_scale({"a": Point(0, 0)}, {"a": 100.0}) == 1.0


def test_a_wide_tree_wraps_its_branches_into_bands_that_keep_about_a_screens_shape() -> None:
    boxes, root = chain(communities=120, units=False, heads=False)
    at = tree_positions(boxes, root)
    assert len({at[c].y for c in boxes[root].children}) >= 3
    assert SCREEN_ASPECT / 2 <= aspect(at) <= SCREEN_ASPECT * 2
    # Side by side, the 120 communities would make a strip many times wider than the page is.
    xs = [p.x for p in at.values()]
    side_by_side = sum(span(boxes, at, c) for c in boxes[root].children)
    assert side_by_side > 5 * (max(xs) - min(xs))


def test_each_band_starts_below_everything_of_the_band_above() -> None:
    boxes, root = chain(communities=120, units=False, heads=False)
    at = tree_positions(boxes, root)
    bands: dict[float, list[str]] = defaultdict(list)
    for community in boxes[root].children:
        bands[at[community].y].append(community)
    tops = sorted(bands)
    for upper, lower in itertools.pairwise(tops):
        lowest_above = max(y for top in tops if top <= upper for c in bands[top] for y in subtree_ys(boxes, at, c))
        assert lower == pytest.approx(lowest_above + BAND_GAP + ROW_HEIGHT)
    first = [at[c].x for c in bands[tops[0]]]
    assert at[root].x == pytest.approx((min(first) + max(first)) / 2)  # the root centred over its first band


@pytest.mark.parametrize(("tall", "row"), [(False, LEAF_ROW), (True, SUMMARY_ROW)])
def test_a_block_of_leaves_fills_rows_and_summaries_get_their_taller_row(*, tall: bool, row: float) -> None:
    leaves = {f"c{i}": Box(rank=2, width=170.0, tall=tall) for i in range(9)}
    boxes = {"s": Box(rank=1, width=170.0, children=tuple(leaves)), **leaves}
    at = tree_positions(boxes, "s")
    ys = sorted({at[c].y for c in leaves})
    assert ys == [ROW_HEIGHT, ROW_HEIGHT + row, ROW_HEIGHT + 2 * row]  # 9 leaves: 4 columns, 3 rows
    first_row = sorted(at[c].x for c in leaves if at[c].y == ys[0])
    assert [b - a for a, b in itertools.pairwise(first_row)] == [170.0, 170.0, 170.0]
    assert at["s"].x == pytest.approx((first_row[0] + first_row[-1]) / 2)  # the parent centred over them


def test_leaves_sit_in_a_block_to_the_right_of_their_siblings_branches() -> None:
    boxes = {
        "c": Box(rank=2, width=170.0, children=("u1", "a1", "u2", "a2", "u3")),  # units listed among the areas
        "a1": Box(rank=3, width=160.0, children=("g1", "g2")),
        "a2": Box(rank=3, width=160.0, children=("g3",)),
        **{f"g{i}": Box(rank=4, width=130.0) for i in range(1, 4)},
        **{f"u{i}": Box(rank=3, width=UNIT_WIDTH) for i in range(1, 4)},
    }
    at = tree_positions(boxes, "c")
    rightmost = max(at[n].x + boxes[n].width / 2 for n in ("a1", "a2", "g1", "g2", "g3"))
    assert all(at[u].x - UNIT_WIDTH / 2 >= rightmost for u in ("u1", "u2", "u3"))
    assert at["u1"].y == at["a1"].y == ROW_HEIGHT  # beside the areas, on their row


def test_a_symmetric_tree_is_centred_on_the_origin() -> None:
    boxes = {
        "d": Box(rank=0, width=170.0, children=("s1", "s2")),
        "s1": Box(rank=1, width=170.0, children=("c1", "c2")),
        "s2": Box(rank=1, width=170.0, children=("c3", "c4")),
        **{f"c{i}": Box(rank=2, width=170.0) for i in range(1, 5)},
    }
    at = tree_positions(boxes, "d")
    assert at["d"] == Point(0.0, 0.0)
    assert at["s1"].x == -at["s2"].x and at["c1"].x == -at["c4"].x
    assert at["s1"].y == ROW_HEIGHT and at["c1"].y == 2 * ROW_HEIGHT


def test_nodes_out_of_reach_of_the_root_get_no_place() -> None:
    boxes = {"s": Box(rank=1, width=170.0, children=("c",)), "c": Box(rank=2, width=170.0), "lonely": Box(rank=2, width=170.0)}
    assert set(tree_positions(boxes, "s")) == {"s", "c"}


def test_groups_float_half_a_row_above_their_topmost_member_and_are_pushed_apart() -> None:
    at = {"a": Point(0.0, 340.0), "b": Point(400.0, 510.0), "c": Point(1000.0, 340.0)}
    placed = positions_above({"x": ["a", "b"], "y": ["b", "a"], "z": ["c"]}, at, width=150.0)
    assert placed["x"] == Point(200.0, 340.0 - ROW_HEIGHT / 2)
    assert placed["y"] == Point(350.0, 340.0 - ROW_HEIGHT / 2)  # same spot as x: moved right by its room
    assert placed["z"] == Point(1000.0, 340.0 - ROW_HEIGHT / 2)  # far enough already


def test_a_block_mixing_summaries_and_small_leaves_gives_every_row_the_summaries_height() -> None:
    leaves = [f"u{i}" for i in range(8)]
    boxes = {"c": Box(rank=2, width=170, children=("a1", "a2", *leaves))}
    boxes["a1"] = boxes["a2"] = Box(rank=3, width=160, tall=True)  # residential areas summarised: three lines each
    boxes |= {u: Box(rank=3, width=130) for u in leaves}
    at = tree_positions(boxes, "c")
    rows = sorted({at[n].y for n in ("a1", "a2", *leaves)})
    assert len(rows) >= 2
    assert all(lower - upper == pytest.approx(SUMMARY_ROW) for upper, lower in itertools.pairwise(rows))
