"""Importing a ledger (台账) into a store: every problem reported at once, then all of it written or none.

The package's public face; each concern has its module:

- :mod:`.run`: the entry points and the passes (read and check, spill, nodes, edges);
- :mod:`.reading`: a sheet's header and rows checked against the format;
- :mod:`.tables`: the registry of table builders, one module per table;
- :mod:`.index` and :mod:`.spill`: what lets a file of millions of rows fit in memory;
- :mod:`.rows`: what a builder may ask of the run for one row;
- :mod:`.scope` and :mod:`.replace`: an import held to a territory, and ``--replace``;
- :mod:`.problems` and :mod:`.report`: what an import says back;
- :mod:`.ledger`: the entry each write leaves in the import ledger, the audit log.
"""

from __future__ import annotations

from loaders.importer.ledger import log_write, remove_record
from loaders.importer.problems import PROBLEM_COLUMNS, Problem
from loaders.importer.report import ImportReport
from loaders.importer.run import Progress, import_file, import_rows
from loaders.importer.tables import seat_id

__all__ = [
    "MAX_ROWS",
    "PROBLEM_COLUMNS",
    "ImportReport",
    "Problem",
    "Progress",
    "import_file",
    "import_rows",
    "log_write",
    "remove_record",
    "seat_id",
]

MAX_ROWS = 5_000_000
"""Rows one import takes, over all its tables: a bound on what a mistaken or hostile file can cost.
Each run reads it here when it starts, so it may be lowered here (the tests do)."""
