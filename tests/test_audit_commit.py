"""The audit entry commits with its write: after a crash, a full disk or a failed read-back, no
write is kept without its entry, no entry without its write, and no write that happened answers an error."""

from __future__ import annotations

import os
import stat
from collections.abc import Iterable, Iterator
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from graph.access import territories_of
from graph.errors import StoreUnavailable
from graph.memory import JOURNAL, LEDGER, SNAPSHOT, MemoryStore
from graph.memory.ledger import ImportLedger
from graph.model import Batch, Node
from graph.settings import Settings
from graph.store import GraphStore, ImportRecord, WriteSummary
from loaders.importer import import_file, import_rows
from tests.utils.ledgers import TOWN, write_xlsx
from tests.utils.network import new_grid, town

HEAD = {"name": "王五", "grid_id": "g1", "category": "retired", "households": 8, "phone": None, "roles": ""}


def _died(store: MemoryStore) -> None:
    """As if the process died here: the journal is let go, with no snapshot and nothing else tidied."""
    assert store._journal is not None
    store._journal.close()


def _full_disk(*_args: object) -> None:
    raise OSError(28, "No space left on device")


def test_an_import_whose_ledger_line_cannot_be_written_is_applied_and_its_entry_comes_back(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    data = tmp_path / "data"
    store = MemoryStore(data)
    with monkeypatch.context() as patch:
        patch.setattr(ImportLedger, "sync", _full_disk)  # imports.jsonl cannot grow: a full disk, a read-only file
        report = import_file(store, write_xlsx(tmp_path / "town.xlsx", TOWN))
    assert report.ok and report.record.outcome == "applied", "the write happened: it is not answered as an error"
    assert [r.id for r in store.imports()] == [report.record.id]
    assert not (data / LEDGER).exists() or report.record.id not in (data / LEDGER).read_text(encoding="utf-8")
    _died(store)
    again = MemoryStore(data)
    try:
        assert again.has_node("h1")
        assert [r.id for r in again.imports()] == [report.record.id], "the journal held the entry with the write"
        assert report.record.id in (data / LEDGER).read_text(encoding="utf-8"), "and the ledger's file caught up"
    finally:
        again.close()
    assert [r.id for r in _reopened_imports(data)] == [report.record.id], "kept once, not again on each start"


def _reopened_imports(data: Path) -> list[ImportRecord]:
    store = MemoryStore(data)
    try:
        return store.imports()
    finally:
        store.close()


def test_a_ledger_line_that_failed_is_written_before_the_journal_is_emptied(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    store = MemoryStore(tmp_path)
    with monkeypatch.context() as patch:
        patch.setattr(ImportLedger, "sync", _full_disk)
        first = import_rows(store, "household_heads", [HEAD | {"id": "h-a"}], name="PUT /household-heads/h-a")
    second = import_rows(store, "household_heads", [HEAD | {"id": "h-b"}], name="PUT /household-heads/h-b")
    store.close()  # a snapshot: the journal is emptied, so the file must hold both entries by then
    assert (tmp_path / JOURNAL).stat().st_size == 0
    assert [r.id for r in _reopened_imports(tmp_path)] == [second.record.id, first.record.id]


def test_a_write_whose_entry_cannot_be_made_is_undone_and_never_replayed(tmp_path: Path) -> None:
    store = MemoryStore(tmp_path)
    store.write(town())
    before = store.count()

    def broken(summary: WriteSummary) -> ImportRecord:
        raise StoreUnavailable("the entry could not be made")

    with pytest.raises(StoreUnavailable):
        store.write(new_grid(1), record=broken)
    with pytest.raises(StoreUnavailable):
        store.write_all([new_grid(2), new_grid(3)], record=broken)
    assert store.count() == before and not store.has_node("gx1") and not store.has_node("gx2")
    _died(store)
    again = MemoryStore(tmp_path)
    try:
        assert again.count() == before and not again.has_node("gx1") and again.imports() == []
    finally:
        again.close()


def test_an_entry_is_made_from_the_write_in_place_and_a_dry_run_makes_none(tmp_path: Path) -> None:
    store = MemoryStore(tmp_path)
    report = import_file(store, write_xlsx(tmp_path.parent / f"{tmp_path.name}.xlsx", TOWN), dry_run=True)
    assert report.ok and store.imports() == [] and store.count() == 0
    assert import_file(store, write_xlsx(tmp_path.parent / f"{tmp_path.name}.xlsx", TOWN)).ok

    made = import_rows(store, "household_heads", [HEAD | {"id": "h-new"}], name="PUT /household-heads/h-new")
    assert made.record.territories == ["g1"], "where the new record lies, read from inside the write"
    assert store.imports()[0] == made.record and store.has_node("h-new")
    store.close()


def test_a_write_whose_node_cannot_be_read_back_still_answers_its_write(tmp_path: Path) -> None:
    class Flaky(MemoryStore):
        """The server went away just after the commit: reading the record back fails."""

        gone = False

        def write_all(self, batches: Iterable[Batch], **options: Any) -> WriteSummary:
            summary = super().write_all(batches, **options)
            self.gone = True
            return summary

        def node(self, node_id: str) -> Node:
            if self.gone:
                raise StoreUnavailable("Neo4j is not reachable now (ServiceUnavailable); try again shortly")
            return super().node(node_id)

        def node_on(self, node_id: str, day: date) -> Node:
            return self.node(node_id) if self.gone else super().node_on(node_id, day)

    store = Flaky()
    store.write(town())
    body = {"name": "赵六", "grid_id": "g1", "category": "retired", "households": 7}
    with TestClient(create_app(Settings(), store_factory=lambda _: store)) as client:
        written = client.put("/household-heads/h-9", json=body)
        assert written.status_code == 200, written.text
        assert written.json()["record"]["outcome"] == "applied" and written.json()["node"] is None
        store.gone = False
        assert client.get("/imports").json()[0]["file"] == "PUT /household-heads/h-9"
    assert store.has_node("h-9")


@pytest.fixture
def umask() -> Iterator[None]:
    """The usual umask, under which files are created readable by everyone unless asked otherwise."""
    old = os.umask(0o022)
    try:
        yield
    finally:
        os.umask(old)


def _modes(folder: Path) -> dict[str, int]:
    return {p.name: stat.S_IMODE(p.stat().st_mode) for p in sorted(folder.iterdir()) if p.is_file()}


@pytest.mark.usefixtures("umask")
def test_data_files_are_readable_by_their_owner_alone(tmp_path: Path) -> None:
    store = MemoryStore(tmp_path)
    assert import_file(store, write_xlsx(tmp_path.parent / f"{tmp_path.name}-town.xlsx", TOWN)).ok
    store.record_import(ImportRecord.model_validate(store.imports()[0].model_dump() | {"outcome": "refused"}))
    after_write = _modes(tmp_path)
    assert set(after_write) == {JOURNAL, LEDGER}
    assert after_write == dict.fromkeys(after_write, 0o600), after_write
    store.close()
    after_snapshot = _modes(tmp_path)
    assert set(after_snapshot) == {JOURNAL, LEDGER, SNAPSHOT}
    assert after_snapshot == dict.fromkeys(after_snapshot, 0o600), after_snapshot


@pytest.mark.usefixtures("umask")
def test_data_files_an_older_version_made_readable_by_all_are_made_private(tmp_path: Path) -> None:
    for name in (JOURNAL, LEDGER):
        (tmp_path / name).write_bytes(b"")
        (tmp_path / name).chmod(0o644)
    store = MemoryStore(tmp_path)
    store.write(Batch())
    import_rows(store, "household_heads", [HEAD | {"id": "h-x"}], name="PUT")  # refused (no grid g1): an entry all the same
    store.close()
    assert _modes(tmp_path) == dict.fromkeys((JOURNAL, LEDGER, SNAPSHOT), 0o600)


def test_a_write_and_its_entry_are_kept_together_or_not_at_all_on_every_store(store: GraphStore) -> None:
    def entry(summary: WriteSummary) -> ImportRecord:
        at = datetime(2026, 1, 1, tzinfo=UTC)
        where = sorted(territories_of(store, "gx1"))  # reads inside the write see it
        return ImportRecord(
            id="imp-x", file="x", sha256="0" * 64, started_at=at, finished_at=at, outcome="applied", summary=summary, territories=where
        )

    def broken(summary: WriteSummary) -> ImportRecord:
        raise StoreUnavailable("no entry")

    store.write(town())
    with pytest.raises(StoreUnavailable):
        store.write_all([new_grid(1)], record=broken)
    with pytest.raises(StoreUnavailable):
        store.write(new_grid(1), record=broken)
    assert not store.has_node("gx1") and store.imports() == []
    store.write_all([new_grid(1)], record=entry)
    assert store.has_node("gx1")
    [kept] = store.imports()
    assert kept.summary.created["territory"] == 1 and kept.territories == ["gx1"]
    store.write(Batch(), record=entry)  # a write of nothing is entered too
    assert [r.id for r in store.imports()] == ["imp-x", "imp-x"]
