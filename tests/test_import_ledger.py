"""The import ledger, on every store: entries newest first, kept across a restart, emptied with the graph."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from graph.memory import MemoryStore
from graph.store import GraphStore, ImportRecord, WriteSummary


def _record(n: int, outcome: str = "applied") -> ImportRecord:
    at = datetime(2026, 1, 1, tzinfo=UTC) + timedelta(hours=n)
    summary = WriteSummary.from_counts(created={"territory": n})
    return ImportRecord(
        id=f"imp-{n}", file=f"台账{n}.xlsx", sha256="ab" * 32, started_at=at, finished_at=at, outcome=outcome, summary=summary
    )  # type: ignore[arg-type]


def test_imports_are_listed_newest_first_and_outlive_clearing_the_graph(store: GraphStore) -> None:
    for n in range(3):
        store.record_import(_record(n, "refused" if n == 1 else "applied"))
    listed = store.imports()
    assert [r.id for r in listed] == ["imp-2", "imp-1", "imp-0"]
    assert listed[1].outcome == "refused" and listed[0].summary.created["territory"] == 2 and listed[0].file == "台账2.xlsx"
    assert [r.id for r in store.imports(limit=1)] == ["imp-2"]
    store.clear()
    assert [r.id for r in store.imports()] == ["imp-2", "imp-1", "imp-0"]  # the audit log is append-only


def test_the_ledger_survives_a_restart_and_a_torn_last_line(tmp_path: Path) -> None:
    store = MemoryStore(tmp_path / "data")
    store.record_import(_record(1))
    store.record_import(_record(2))
    store.close()
    with open(tmp_path / "data" / "imports.jsonl", "a", encoding="utf-8") as f:
        f.write('{"id": "imp-3", "file": "cut off by a cra')  # a crash in the middle of an entry
    again = MemoryStore(tmp_path / "data")
    assert [r.id for r in again.imports()] == ["imp-2", "imp-1"]
    again.close()
