"""A data folder opened read-only beside the store that owns it (the command line beside the server):
it sees what the writer wrote, as whole writes only, writes nothing, refuses every write, and the
writer's lock still keeps a second writer out."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

import graph.memory.journal
from graph.errors import StoreBusy, StoreReadOnly
from graph.memory import JOURNAL, LEDGER, MemoryStore
from graph.model import Batch
from graph.store import ImportRecord
from tests.utils.network import contents, new_grid, town


def _record(name: str) -> ImportRecord:
    at = datetime(2026, 1, 1, tzinfo=UTC)
    return ImportRecord(id=name, file=f"{name}.xlsx", sha256="ab" * 32, started_at=at, finished_at=at, outcome="applied")


def _files(folder: Path) -> dict[str, tuple[bytes, int, int]]:
    """Every file of the folder with its bytes, mode and modification time: what a reader must leave alone."""
    return {p.name: (p.read_bytes(), p.stat().st_mode, p.stat().st_mtime_ns) for p in sorted(folder.iterdir())}


def test_a_reader_beside_the_writer_sees_its_writes_on_refresh_or_reopen(tmp_path: Path) -> None:
    writer = MemoryStore(tmp_path)
    writer.write(town())
    reader = MemoryStore(tmp_path, read_only=True)
    assert reader.read_only and not writer.read_only
    assert contents(reader) == contents(writer)

    writer.write(new_grid(1))
    writer.record_import(_record("imp-1"))
    assert not reader.has_node("gx1"), "a reader holds the graph as it was when opened"
    reader.refresh()
    assert contents(reader) == contents(writer)
    assert [r.id for r in reader.imports()] == ["imp-1"]

    writer.write(new_grid(2))
    again = MemoryStore(tmp_path, read_only=True)
    assert contents(again) == contents(writer)
    reader.close()
    again.close()
    writer.close()


def test_every_write_through_a_reader_is_refused_naming_the_folder_and_the_server(tmp_path: Path) -> None:
    writer = MemoryStore(tmp_path)
    writer.write(town())
    reader = MemoryStore(tmp_path, read_only=True)
    before = contents(reader)
    attempts = {
        "write": lambda: reader.write(new_grid(1)),
        "write_all": lambda: reader.write_all([new_grid(1)]),
        "write_all dry run": lambda: reader.write_all([new_grid(1)], dry_run=True),
        "record_import": lambda: reader.record_import(_record("imp-1")),
        "clear": reader.clear,
    }
    for what, attempt in attempts.items():
        with pytest.raises(StoreReadOnly) as refused:
            attempt()
        assert str(tmp_path) in str(refused.value), what
        assert "只读" in str(refused.value) and "运行中的服务" in str(refused.value), what
    assert contents(reader) == before and reader.imports() == []
    writer.close()
    assert contents(MemoryStore(tmp_path, read_only=True)) == before, "nothing reached the folder"


def test_the_writers_lock_still_keeps_a_second_writer_out_and_a_reader_keeps_no_writer_out(tmp_path: Path) -> None:
    reader = MemoryStore(tmp_path, read_only=True)  # opened first: it takes no lock, so the writer still starts
    writer = MemoryStore(tmp_path)
    beside = MemoryStore(tmp_path, read_only=True)
    with pytest.raises(StoreBusy, match=str(tmp_path)):
        MemoryStore(tmp_path)
    writer.close()
    MemoryStore(tmp_path).close()  # free again once the writer has closed
    reader.close()
    beside.close()


def test_a_reader_writes_nothing_it_finds_not_even_a_torn_tail_or_a_file_mode(tmp_path: Path) -> None:
    writer = MemoryStore(tmp_path)
    writer.write(town())
    writer.close()  # a snapshot
    writer = MemoryStore(tmp_path)
    writer.write(new_grid(1))
    writer.record_import(_record("imp-1"))
    held = contents(writer)
    assert writer._journal is not None
    writer._journal.close()  # the writer died here: its journal holds writes the snapshot lacks
    with open(tmp_path / JOURNAL, "ab") as journal:
        journal.write(b"\x40\x00\x00\x00torn")  # a frame's header and part of its payload
    with open(tmp_path / LEDGER, "ab") as ledger:
        ledger.write(b'{"seq": 99, "id": "half')  # a line cut off
    (tmp_path / JOURNAL).chmod(0o640)  # as an older version left it; the writer makes it 600 again, a reader must not
    before = _files(tmp_path)

    reader = MemoryStore(tmp_path, read_only=True)
    assert contents(reader) == held
    assert [r.id for r in reader.imports()] == ["imp-1"]
    reader.refresh()
    reader.close()
    assert _files(tmp_path) == before


def test_a_reader_of_a_folder_that_does_not_exist_finds_nothing_and_makes_nothing(tmp_path: Path) -> None:
    reader = MemoryStore(tmp_path / "none", read_only=True)
    assert reader.count() == 0 and reader.imports() == []
    reader.close()
    assert not (tmp_path / "none").exists()


def test_an_import_in_progress_is_not_seen_until_its_final_frame_is_on_disk(tmp_path: Path) -> None:
    writer = MemoryStore(tmp_path)
    writer.write(town())
    seen_during: list[bool] = []

    def batches() -> Iterator[Batch]:
        yield new_grid(1)
        yield new_grid(2)  # the first batch is in the journal now, as a frame of a group not yet final
        beside = MemoryStore(tmp_path, read_only=True)
        seen_during.append(beside.has_node("gx1"))
        beside.close()
        yield new_grid(3)

    writer.write_all(batches(), record=lambda total: _record("imp-grids").model_copy(update={"summary": total}))
    assert (tmp_path / JOURNAL).stat().st_size > 0
    assert seen_during == [False]
    after = MemoryStore(tmp_path, read_only=True)
    assert {"gx1", "gx2", "gx3"} <= {n.id for n in after.nodes()}
    assert [r.id for r in after.imports()] == ["imp-grids"]
    writer.close()


def test_readers_opened_while_the_writer_appends_and_compacts_see_whole_writes_in_order(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(graph.memory.journal, "COMPACT_AT", 4_000)  # a new snapshot every few writes
    compactions: list[int] = []

    def counted(*args: object, **kwargs: object) -> None:
        compactions.append(1)
        graph.memory.journal.write_snapshot(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr("graph.memory.store.write_snapshot", counted)
    writer = MemoryStore(tmp_path, durable=False)
    writer.write(town())
    done, stop = threading.Event(), threading.Event()
    failure: list[BaseException] = []

    def write() -> None:
        try:
            for k in range(300):
                if stop.is_set():
                    return
                writer.write(new_grid(k))
        except BaseException as exc:  # handed to the test's thread
            failure.append(exc)
        finally:
            done.set()

    thread = threading.Thread(target=write)
    thread.start()
    opened, last = 0, -1
    try:
        while not done.is_set() or opened < 3:
            reader = MemoryStore(tmp_path, read_only=True)
            grids = sorted(int(n.id[2:]) for n in reader.nodes() if n.id.startswith("gx"))
            groups = {n.id for n in reader.nodes() if n.id.startswith("o-gx")}
            assert grids == list(range(len(grids))), "a reader missed writes between two it saw (a compaction read half way)"
            assert groups == {f"o-gx{k}" for k in grids}, "a reader saw half a write"
            assert reader.count_edges() == len(town().edges) + 3 * len(grids)
            assert len(grids) - 1 >= last, "a later reader saw fewer writes than an earlier one"
            last, opened = len(grids) - 1, opened + 1
            reader.close()
    finally:
        stop.set()
        thread.join()
    assert not failure, failure
    assert len(compactions) > 5, "the writer compacted while readers read"
    assert opened > 3
    assert contents(MemoryStore(tmp_path, read_only=True)) == contents(writer)
    writer.close()
