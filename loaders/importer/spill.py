"""The spill (暂存文件): checked rows written to a temporary file in chunks, read back once per pass.

It is what lets an import of millions of rows run in the memory of one chunk: pass 1 writes
each row here once checked, and passes 2 and 3 read them back chunk by chunk.
"""

from __future__ import annotations

import pickle
import tempfile
from collections.abc import Iterator
from types import TracebackType
from typing import Any

__all__ = ["CHUNK", "Spill", "Spilled"]

CHUNK = 5_000
"""Rows per spilled chunk, and so per batch written."""

Spilled = tuple[int, list[Any], Any, dict[str, Any]]
"""One checked row: its number, its cells as the file had them (for the problems file), its values
(the table builder's named tuple) and the properties from columns the format does not name."""


class Spill:
    """A temporary file of checked rows, deleted when closed."""

    def __init__(self) -> None:
        self._file = tempfile.TemporaryFile(prefix="grassroots-import-")  # noqa: SIM115 - closed by __exit__

    def __enter__(self) -> Spill:
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None) -> None:
        self._file.close()

    def write(self, table: str, chunk: list[Spilled]) -> None:
        """Add one chunk of a table's rows (an empty one is left out)."""
        if chunk:
            pickle.dump((table, chunk), self._file, protocol=pickle.HIGHEST_PROTOCOL)

    def chunks(self) -> Iterator[tuple[str, list[Spilled]]]:
        """Every chunk from the first, with the table its rows are of."""
        self._file.seek(0)
        while True:
            try:
                yield pickle.load(self._file)  # noqa: S301 - our own temporary file
            except EOFError:
                return
