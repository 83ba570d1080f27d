"""The contract of ``GraphStore.version`` and ``touched_since``: the version moves with every committed
write and ``clear``, never with one refused, undone or dry; what a write touched is told after it."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import pytest

from graph.errors import InvariantViolation
from graph.memory import MemoryStore
from graph.model import Batch, EdgeKind, EdgeRef, Level, Territory, Within
from graph.store import GraphStore
from graph.touched import territories_touched
from tests.utils.network import PROV


def test_the_version_moves_with_each_committed_write(known: GraphStore) -> None:
    start = known.version()
    assert known.touched_since(start) == frozenset()
    known.write(Batch(nodes=[Territory(id="g113", name="春晖苑第3网格", level=Level.GRID, households=12, provenance=PROV)]))
    assert known.version() > start
    # a new grid with no parent yet touches itself only
    assert known.touched_since(start) == frozenset({"g113"})
    after_node = known.version()
    known.write(Batch(edges=[Within(source="g113", target="a11", provenance=PROV)]))
    touched = known.touched_since(after_node)
    assert touched is not None and {"g113", "a11"} <= touched
    assert known.touched_since(start) == frozenset({"g113"}) | touched


def test_a_write_that_changes_nothing_leaves_the_version(known: GraphStore) -> None:
    grid = known.node("g111")
    start = known.version()
    known.write(Batch(nodes=[grid]))
    assert known.version() == start


def test_refused_undone_and_dry_writes_leave_the_version(known: GraphStore) -> None:
    start = known.version()
    with pytest.raises(InvariantViolation):
        known.write(Batch(edges=[Within(source="g111", target="nowhere", provenance=PROV)]))
    assert known.version() == start

    def half_way() -> Iterator[Batch]:
        yield Batch(nodes=[Territory(id="g114", name="春晖苑第4网格", level=Level.GRID, households=5, provenance=PROV)])
        raise RuntimeError("the file ends half way")

    with pytest.raises(RuntimeError):
        known.write_all(half_way())
    assert known.version() == start and not known.has_node("g114")
    known.write_all([Batch(nodes=[Territory(id="g115", name="春晖苑第5网格", level=Level.GRID, provenance=PROV)])], dry_run=True)
    assert known.version() == start and known.touched_since(start) == frozenset()


def test_a_dated_move_touches_the_old_parent_and_the_new(known: GraphStore) -> None:
    start = known.version()
    known.write(Batch(edges=[Within(source="g121", target="a11", valid_from=date(2026, 6, 1), provenance=PROV)]))
    touched = known.touched_since(start)
    assert touched is not None and {"g121", "a12", "a11"} <= touched


def test_removing_a_unit_touches_its_community(known: GraphStore) -> None:
    start = known.version()
    known.write(Batch(remove_nodes=["u2"]))  # the property company managing a11, abandoned a12's runner, in c1
    touched = known.touched_since(start)
    assert touched is not None and {"c1", "a11", "a12"} <= touched


def test_closing_an_edge_touches_both_ends(known: GraphStore) -> None:
    start = known.version()
    known.write(Batch(remove_edges=[EdgeRef(source="o-a11", kind=EdgeKind.COVERS, target="a11")]))
    touched = known.touched_since(start)
    assert touched is not None and "a11" in touched


def test_clear_moves_the_version_and_tells_nothing(known: GraphStore) -> None:
    start = known.version()
    known.clear()
    assert known.version() > start
    assert known.touched_since(start) is None
    assert known.touched_since(known.version() + 5) is None, "a version the store never had"


def test_a_member_touches_where_held_serving_and_reported(known: GraphStore) -> None:
    """m1 is held by o-u1 (a unit of c1's organisation) and reported to c1; h1111 serves g111."""
    assert {"c1"} <= territories_touched(Batch(nodes=[known.node("m1")]), known)
    assert {"g111"} <= territories_touched(Batch(nodes=[known.node("h1111")]), known)
    # an organisation's name is read by the organisations reporting to it: o-c1's children cover a11 and c1's units' organisations
    assert {"c1", "a11"} <= territories_touched(Batch(nodes=[known.node("o-c1")]), known)


def test_an_import_of_many_small_batches_tells_nothing(known: GraphStore, monkeypatch: pytest.MonkeyPatch) -> None:
    """Past graph.touched.BATCH_LIMIT over all its batches, the embedded store records "unknown" rather than follow each
    row's ties (Neo4j has a lower limit of its own, each tie a round trip)."""
    if not isinstance(known, MemoryStore):
        pytest.skip("the embedded store's limit; Neo4j's is its own")
    monkeypatch.setattr("graph.touched.BATCH_LIMIT", 3)
    start = known.version()
    grids = [Territory(id=f"g12{k}", name=f"锦绣园第{k}网格", level=Level.GRID, households=k, provenance=PROV) for k in range(2, 7)]
    known.write_all([Batch(nodes=[grid]) for grid in grids])
    assert known.version() > start and known.touched_since(start) is None
