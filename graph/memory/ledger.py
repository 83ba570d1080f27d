"""The embedded store's import ledger (the audit log): one JSON line per write, in the data folder.

The journal is what makes an entry count: each write's entry travels in its final journal frame,
so a write and its entry are kept together or not at all. ``imports.jsonl`` is the ledger's
lasting copy, kept apart because it outlives the journal (emptied into each new snapshot) until
the store is cleared. Each line names the write's number (``seq``); at start, entries the journal
holds past the file's last number are written to it, so a crash or a full disk between the
journal and the file loses nothing, and the file is brought up to date before the journal is
emptied (:meth:`ImportLedger.sync`). A ledger opened ``read_only`` (beside the writer) reads the
file and takes the journal's newer entries in memory, writing nothing: the writer keeps the file.
"""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Iterable
from pathlib import Path

from pydantic import ValidationError

from graph.files import open_private
from graph.store import ImportRecord

__all__ = ["LEDGER", "ImportLedger"]

LEDGER = "imports.jsonl"

_log = logging.getLogger(__name__)


class ImportLedger:
    """The import records, in memory and (with a data folder) appended to ``imports.jsonl``."""

    def __init__(self, folder: Path | None, *, durable: bool, read_only: bool = False) -> None:
        self._path = folder / LEDGER if folder is not None else None
        self._durable = durable
        self._read_only = read_only
        self._records: list[ImportRecord] = []
        self._unwritten: list[tuple[int, ImportRecord]] = []
        """Entries kept (in the journal) but not yet in the file: its write failed, or a crash came first."""
        self._last = 0  # the number of the last write whose entry the file holds
        if self._path is not None and self._path.exists():
            self._read(self._path)

    def _read(self, path: Path) -> None:
        raw = path.read_bytes()
        whole = raw[: raw.rfind(b"\n") + 1]
        # a line cut off by a crash (or, to a reader, still being written): its entry is in the journal, or never counted
        if len(whole) < len(raw) and not self._read_only:
            with open(path, "r+b") as f:
                f.truncate(len(whole))
        for line in whole.decode("utf-8").splitlines():
            if not line.strip():
                continue
            try:
                data = json.loads(line)
                seq = int(data.pop("seq", 0))  # lines written before entries were numbered have none
                self._records.append(ImportRecord.model_validate(data))
            except (ValueError, ValidationError):
                continue
            self._last = max(self._last, seq)

    def restore(self, entries: Iterable[tuple[int, str]]) -> None:
        """Take in the entries the journal replayed (number, JSON): those the file lacks are added to it."""
        for seq, entry in entries:
            if seq > self._last:
                self.append(seq, ImportRecord.model_validate_json(entry))

    def append(self, seq: int, record: ImportRecord) -> None:
        """Keep the entry of write ``seq``, which the journal holds already; writing it to the file
        may fail (a full disk, a read-only folder): it is then logged, and tried again on the next
        entry and before the journal is emptied, never raised, for the write has happened."""
        self._records.append(record)
        if self._path is None or self._read_only:
            return
        self._unwritten.append((seq, record))
        try:
            self.sync()
        except OSError as exc:
            _log.error("imports.jsonl: entry %s (write %d) kept in the journal only for now: %s", record.id, seq, exc)

    def sync(self) -> None:
        """Write every entry the file lacks to it (fsynced, when durable); OSError if it cannot."""
        if self._path is None or self._read_only or not self._unwritten:
            return
        lines = "".join(json.dumps({"seq": seq, **r.model_dump(mode="json")}, ensure_ascii=False) + "\n" for seq, r in self._unwritten)
        with open_private(self._path, buffering=0) as f:
            start = f.tell()
            try:
                data = memoryview(lines.encode("utf-8"))
                while data:
                    data = data[f.write(data) :]
                if self._durable:
                    os.fsync(f.fileno())
            except BaseException:
                f.truncate(start)  # lines written whole come again on the next try
                raise
        self._last = self._unwritten[-1][0]
        self._unwritten.clear()

    def latest(self, limit: int) -> list[ImportRecord]:
        """The last ``limit`` records, newest first."""
        return self._records[::-1][:limit]
