"""The embedded store's operations and journal: what a write journals, how it is undone, what replay keeps."""

from __future__ import annotations

import pickle
import struct
import zlib
from pathlib import Path

import pytest

from graph.errors import StoreDamaged
from graph.memory import JOURNAL, SNAPSHOT, MemoryStore
from graph.memory.journal import Journal, replay
from graph.memory.operations import Op, Operation, apply, inverse, logs, plan
from graph.memory.packing import Packer
from graph.model import Batch, EdgeKind, EdgeRef, Level, Territory, Within
from tests.utils.network import PROV, contents, town


def _journalled(folder: Path) -> list[list[Operation]]:
    """The writes the folder's journal holds, each as the operations it applies."""
    writes: list[list[Operation]] = []
    replay(folder, after=0, apply=writes.append)
    return writes


def _removals() -> Batch:
    """Drop the property company (with its edge to the community) and one grid's within edge."""
    return Batch(remove_nodes=["u2"], remove_edges=[EdgeRef(source="g3", kind=EdgeKind.WITHIN, target="a2")])


def _graph_of(store: MemoryStore) -> tuple[object, ...]:
    """A copy of the store's adjacency, packed data and history included, to compare states by."""
    g = store.graph
    return dict(g._node), {u: dict(n) for u, n in g._succ.items()}, {v: dict(n) for v, n in g._pred.items()}, dict(logs(g))


def test_each_write_is_journalled_as_named_operations(tmp_path: Path) -> None:
    store = MemoryStore(tmp_path, durable=False)
    store.write(town())
    store.write(_removals())
    store._journal.close()  # read the journal as a restart would
    loaded, removed = _journalled(tmp_path)
    assert {op[0] for op in loaded} == {Op.PUT_NODE, Op.PUT_EDGE, Op.NOTE}
    assert len(loaded) == 2 * len(town().nodes) + len(town().edges), "each node created, and its history begun"
    assert [op[:3] for op in removed][:2] == [(Op.DROP_EDGE, "g3", "a2"), (Op.DROP_NODE, "u2")]
    assert [(op[0], op[1], op[2][-1].what) for op in removed[2:]] == [(Op.NOTE, "u2", "removed")], "and its tombstone kept"


def test_removals_replayed_from_the_journal_take_the_removed_nodes_edges_with_them(tmp_path: Path) -> None:
    store = MemoryStore(tmp_path, durable=False)
    store.write(town())
    store.write(_removals())
    after = contents(store)
    store._journal.close()  # dies without a snapshot
    reopened = MemoryStore(tmp_path, durable=False)
    try:
        assert contents(reopened) == after
        assert not reopened.has_node("u2")
        assert all(e.source != "u2" for e in reopened.edges())
    finally:
        reopened.close()


@pytest.mark.parametrize(
    "batch",
    [
        Batch(
            nodes=[Territory(id="gx", name="新网格", level=Level.GRID, provenance=PROV)],
            edges=[Within(source="gx", target="a1", provenance=PROV)],
        ),
        Batch(nodes=[Territory(id="g1", name="改名的网格", level=Level.GRID, households=1, provenance=PROV)]),
        Batch(edges=[Within(source="g3", target="a1", provenance=PROV)]),  # within is functional: g3 leaves a2
        _removals(),
        Batch(remove_nodes=["o-a1"]),
    ],
    ids=["put new", "put over old", "functional edge moved", "drop edge and node", "drop node with many edges"],
)
def test_the_inverse_of_each_operation_puts_the_graph_back(batch: Batch) -> None:
    store = MemoryStore()
    store.write(town())
    before = _graph_of(store)
    ops, _ = plan(store.graph, batch, packer=Packer())
    assert ops
    undo: list[Operation] = []
    for op in ops:
        undo.extend(reversed(inverse(store.graph, op)))
        apply(store.graph, [op])
    assert _graph_of(store) != before
    apply(store.graph, reversed(undo))
    assert _graph_of(store) == before


def test_replay_applies_whole_writes_in_order_and_counts_a_group_left_without_its_final_frame(tmp_path: Path) -> None:
    journal = Journal(tmp_path, durable=False)
    journal.append(1, [(Op.PUT_NODE, "a", ("a",))])
    journal.append(2, [(Op.PUT_NODE, "b", ("b",))], final=False)  # a group whose import died
    journal.append(3, [(Op.PUT_NODE, "c", ("c",))])
    journal.close()
    writes: list[list[Operation]] = []
    last = replay(tmp_path, after=0, apply=writes.append)
    assert writes == [[(Op.PUT_NODE, "a", ("a",))], [(Op.PUT_NODE, "c", ("c",))]]
    assert last == 3
    writes.clear()
    assert replay(tmp_path, after=1, apply=writes.append) == 3, "writes the snapshot holds are not applied again"
    assert writes == [[(Op.PUT_NODE, "c", ("c",))]]


def test_an_empty_group_frame_makes_nothing_of_a_group_journalled_in_pieces(tmp_path: Path) -> None:
    journal = Journal(tmp_path, durable=False)
    journal.append(1, [(Op.PUT_NODE, "a", ("a",))], final=False)
    journal.append(1, [(Op.PUT_NODE, "b", ("b",))], final=False)
    journal.append(1, [], final=True)
    journal.close()
    assert _journalled(tmp_path) == [[(Op.PUT_NODE, "a", ("a",)), (Op.PUT_NODE, "b", ("b",))]]


def _append_raw_frame(folder: Path, frame: object) -> None:
    """A frame as the journal frames one, but of any content: what another version might have written."""
    payload = pickle.dumps(frame)
    with open(folder / JOURNAL, "ab") as f:
        f.write(struct.pack("<II", len(payload), zlib.crc32(payload)) + payload)


def test_a_journal_of_one_letter_operations_from_an_older_version_is_refused_naming_the_folder(tmp_path: Path) -> None:
    store = MemoryStore(tmp_path, durable=False)
    store.write(town())
    store.close()
    _append_raw_frame(tmp_path, (2, [("N", "gx", ())], True))
    with pytest.raises(StoreDamaged, match=str(tmp_path)) as caught:
        MemoryStore(tmp_path)
    assert "not an operation" in str(caught.value)


def test_a_snapshot_of_another_format_is_refused_naming_the_folder(tmp_path: Path) -> None:
    (tmp_path / SNAPSHOT).write_bytes(pickle.dumps({"format": 99, "seq": 0, "nodes": {}, "succ": {}}))
    with pytest.raises(StoreDamaged, match=str(tmp_path)) as caught:
        MemoryStore(tmp_path)
    assert "format 99" in str(caught.value)


def test_a_refused_folder_is_left_unlocked(tmp_path: Path) -> None:
    (tmp_path / SNAPSHOT).write_bytes(b"not a snapshot at all")
    with pytest.raises(StoreDamaged):
        MemoryStore(tmp_path)
    (tmp_path / SNAPSHOT).unlink()
    MemoryStore(tmp_path).close()  # no StoreBusy: the failed open let the lock go


def test_a_folder_written_by_this_version_round_trips_through_snapshot_and_journal(tmp_path: Path) -> None:
    store = MemoryStore(tmp_path, durable=False)
    store.write(town())
    store.close()  # town in the snapshot
    store = MemoryStore(tmp_path, durable=False)
    store.write(_removals())
    after = contents(store)
    store._journal.close()  # removals only in the journal
    reopened = MemoryStore(tmp_path, durable=False)
    try:
        assert contents(reopened) == after
        assert reopened.has_node("h1") and not reopened.has_node("u2")
    finally:
        reopened.close()
