"""The embedded store's import ledger (the audit log): one JSON line per write, in the data folder.

Kept apart from the journal because it outlives it: the journal is emptied into each new
snapshot, while the ledger keeps every entry until the store is cleared.
"""

from __future__ import annotations

import os
from pathlib import Path

from pydantic import ValidationError

from graph.store import ImportRecord

__all__ = ["LEDGER", "ImportLedger"]

LEDGER = "imports.jsonl"


class ImportLedger:
    """The import records, in memory and (with a data folder) appended to ``imports.jsonl``."""

    def __init__(self, folder: Path | None, *, durable: bool) -> None:
        self._path = folder / LEDGER if folder is not None else None
        self._durable = durable
        self._records: list[ImportRecord] = []
        if self._path is not None and self._path.exists():
            for line in self._path.read_text(encoding="utf-8").splitlines():
                if line.strip():  # a line cut off by a crash does not parse: that entry never happened
                    try:
                        self._records.append(ImportRecord.model_validate_json(line))
                    except ValidationError:
                        continue

    def append(self, record: ImportRecord) -> None:
        """Keep a record, on disk first (fsynced, when durable)."""
        if self._path is not None:
            with open(self._path, "a", encoding="utf-8") as f:
                f.write(record.model_dump_json() + "\n")
                f.flush()
                if self._durable:
                    os.fsync(f.fileno())
        self._records.append(record)

    def latest(self, limit: int) -> list[ImportRecord]:
        """The last ``limit`` records, newest first."""
        return self._records[::-1][:limit]

    def clear(self) -> None:
        """Forget every record, and delete the file."""
        self._records.clear()
        if self._path is not None:
            self._path.unlink(missing_ok=True)
