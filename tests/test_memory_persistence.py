"""The embedded store keeps its graph in a data folder and survives crashes with its last good write."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

import graph.memory.journal
from graph.memory import JOURNAL, SNAPSHOT, MemoryStore
from graph.model import Batch, Within
from tests.utils.network import PROV, contents, new_grid, town


def _reopened(path: Path) -> tuple[list[str], list[str]]:
    """What a store opened afresh on the folder holds."""
    store = MemoryStore(path)
    try:
        return contents(store)
    finally:
        store.close()


def test_the_graph_is_there_again_after_a_restart(tmp_path: Path) -> None:
    store = MemoryStore(tmp_path)
    store.write(town())
    before = contents(store)
    store.close()
    assert (tmp_path / SNAPSHOT).exists()
    assert _reopened(tmp_path) == before


def test_writes_since_the_last_snapshot_are_replayed_from_the_journal(tmp_path: Path) -> None:
    store = MemoryStore(tmp_path)
    store.write(town())
    store.write(new_grid(1))
    before = contents(store)
    store._journal.close()  # no close(), no snapshot: as if the process died here
    assert not (tmp_path / SNAPSHOT).exists()
    assert _reopened(tmp_path) == before


def test_a_write_torn_by_a_crash_is_dropped_and_the_last_good_one_kept(tmp_path: Path) -> None:
    store = MemoryStore(tmp_path)
    store.write(town())
    good = contents(store)
    store.write(new_grid(1))
    store._journal.close()  # the process dies here
    journal = tmp_path / JOURNAL
    size = journal.stat().st_size
    os.truncate(journal, size - 7)  # the last frame lost its tail mid-write
    reopened = MemoryStore(tmp_path)
    assert contents(reopened) == good
    reopened.write(new_grid(2))  # and the journal goes on cleanly after the cut
    again = contents(reopened)
    reopened.close()
    assert _reopened(tmp_path) == again


def test_a_snapshot_cut_off_mid_write_leaves_the_previous_one(tmp_path: Path) -> None:
    store = MemoryStore(tmp_path)
    store.write(town())
    store.close()
    good = _reopened(tmp_path)
    (tmp_path / (SNAPSHOT + ".tmp")).write_bytes(b"\x80half a pickle")
    assert _reopened(tmp_path) == good


def test_a_large_journal_is_folded_into_a_new_snapshot(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(graph.memory.journal, "COMPACT_AT", 1)
    store = MemoryStore(tmp_path)
    store.write(town())
    store.write(new_grid(1))
    assert (tmp_path / SNAPSHOT).exists() and (tmp_path / JOURNAL).stat().st_size == 0
    held = contents(store)
    store.close()
    assert _reopened(tmp_path) == held


_WRITER = """
import sys
from graph.memory import MemoryStore
from tests.utils.network import new_grid, town
store = MemoryStore(sys.argv[1])
store.write(town())
k = 0
while True:
    k += 1
    store.write(new_grid(k))
    print(k, flush=True)
"""


def test_a_kill_during_writes_keeps_every_acknowledged_write_and_no_half_one(tmp_path: Path) -> None:
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[1])}
    writer = subprocess.Popen([sys.executable, "-c", _WRITER, str(tmp_path)], stdout=subprocess.PIPE, text=True, env=env)
    assert writer.stdout is not None
    acknowledged = 0
    deadline = time.monotonic() + 30
    while acknowledged < 40 and time.monotonic() < deadline:
        acknowledged = int(writer.stdout.readline())
    writer.send_signal(signal.SIGKILL)
    writer.wait()
    writer.stdout.close()
    assert acknowledged >= 40

    store = MemoryStore(tmp_path, durable=False)
    grids = {n.id for n in store.nodes() if n.id.startswith("gx")}
    groups = {n.id for n in store.nodes() if n.id.startswith("o-gx")}
    assert len(grids) >= acknowledged
    assert groups == {f"o-{g}" for g in grids}, "a batch was half written"
    assert all(store.edges_of(f"o-{g}") for g in grids)
    store.close()


def test_an_unreadable_data_folder_is_named_with_what_to_do(tmp_path: Path) -> None:
    from graph.errors import StoreDamaged

    (tmp_path / SNAPSHOT).write_bytes(b"not a snapshot at all")
    with pytest.raises(StoreDamaged, match=str(tmp_path)) as caught:
        MemoryStore(tmp_path)
    assert "请把它移开" in str(caught.value)


def test_reads_in_other_threads_see_whole_writes_only() -> None:
    import threading

    store = MemoryStore()
    store.write(town())
    seen: list[tuple[int, int]] = []
    done = threading.Event()

    def reader() -> None:
        while not done.is_set():
            nodes = store.count()
            edges = store.count_edges()
            seen.append((nodes, edges))

    threads = [threading.Thread(target=reader) for _ in range(2)]
    for t in threads:
        t.start()
    for k in range(200):
        store.write(new_grid(k))
    done.set()
    for t in threads:
        t.join()
    base_nodes, base_edges = len(town().nodes), len(town().edges)
    assert store.count() == base_nodes + 400
    # each write adds two nodes and three edges: a count taken mid-write would show otherwise
    assert all((n - base_nodes) % 2 == 0 for n, _ in seen)
    assert all((e - base_edges) % 3 == 0 for _, e in seen)


def test_a_write_to_a_closed_store_is_refused_rather_than_lost(tmp_path: Path) -> None:
    from graph.errors import GraphError

    store = MemoryStore(tmp_path)
    store.close()
    with pytest.raises(GraphError, match="closed"):
        store.write(town())


def test_a_second_process_on_the_same_data_folder_is_stopped_at_start(tmp_path: Path) -> None:
    from graph.errors import StoreBusy

    first = MemoryStore(tmp_path)
    probe = subprocess.run(
        [sys.executable, "-c", "import sys; from graph.memory import MemoryStore; MemoryStore(sys.argv[1])", str(tmp_path)],
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[1])},
        timeout=60,
    )
    assert probe.returncode != 0 and "StoreBusy" in probe.stderr and str(tmp_path) in probe.stderr
    with pytest.raises(StoreBusy):  # the same process opening it twice is stopped too
        MemoryStore(tmp_path)
    first.close()
    MemoryStore(tmp_path).close()  # free again once the first has closed


def test_an_undone_write_all_never_comes_back_from_the_journal(tmp_path: Path) -> None:
    """Its first batches reach the journal as frames of a group that never got its final frame."""
    from graph.errors import InvariantViolation

    store = MemoryStore(tmp_path)
    store.write(town())
    before = contents(store)
    size = (tmp_path / JOURNAL).stat().st_size
    bad = Batch(edges=[Within(source="gx1", target="d", provenance=PROV)])
    with pytest.raises(InvariantViolation):
        store.write_all([new_grid(1), new_grid(2), bad])
    assert (tmp_path / JOURNAL).stat().st_size > size, "the group's first frames were journalled as they came"
    assert contents(store) == before
    store.write_all([new_grid(3), new_grid(4)])
    after = contents(store)
    store._journal.close()  # dies without a snapshot: the journal alone must bring it back
    assert before != after
    assert _reopened(tmp_path) == after


_GROUP_KILLER = """
import os, sys
from graph.memory import MemoryStore
from tests.utils.network import new_grid, town
store = MemoryStore(sys.argv[1])
store.write(town())
def batches():
    yield new_grid(1)
    yield new_grid(2)
    os._exit(9)  # killed half way through an import
store.write_all(batches())
"""


def test_a_kill_half_way_through_a_write_all_leaves_none_of_it_and_later_writes_keep(tmp_path: Path) -> None:
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parent.parent)}
    killed = subprocess.run([sys.executable, "-c", _GROUP_KILLER, str(tmp_path)], env=env, capture_output=True, text=True, timeout=60)
    assert killed.returncode == 9, killed.stderr
    reopened = MemoryStore(tmp_path)
    assert reopened.has_node("h1") and not reopened.has_node("gx1"), "the town was written, the cut-off group not"
    reopened.write(new_grid(3))  # a fresh group number: the dead group's frames must not join it
    reopened._journal.close()  # dies again, without a snapshot
    again = MemoryStore(tmp_path)
    try:
        assert again.has_node("gx3") and not again.has_node("gx1") and not again.has_node("gx2")
    finally:
        again.close()
