"""One import run (导入): every problem of the file reported at once, then all of it written or none.

Three passes over the file, none of which holds it whole:

1. **read**: each row is parsed and checked on its own (:mod:`.reading`), its ids entered in the
   index (:mod:`.index`) by its table's builder (:mod:`.tables`), and spilled (:mod:`.spill`).
2. **nodes**: the spill is read back; references are checked against the index and the
   store (an unknown parent, a grid that is not a grid...); the nodes are written.
3. **edges**: the spill is read again and the edges written.

Passes 2 and 3 go through one ``write_all``: if any problem turns up, or the store goes
away, nothing of the import stays. Its entry in the ledger (:mod:`.ledger`) is committed with
it; an import that wrote nothing (refused, failed) is entered on its own.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from graph.errors import GraphError, InvariantViolation
from graph.i18n import _
from graph.model import Batch, Provenance
from graph.store import GraphStore, ImportRecord, RecordOf, WriteSummary
from loaders.format import TABLES
from loaders.importer import ledger
from loaders.importer.index import IdIndex
from loaders.importer.ledger import Origin, Outcome
from loaders.importer.problems import Problem, Problems
from loaders.importer.reading import check_row, columns_of, header_names, is_second_header
from loaders.importer.replace import Replacement
from loaders.importer.report import ImportReport
from loaders.importer.rows import BuildingRow, DefiningRow, ImportContext
from loaders.importer.scope import ScopeGuard
from loaders.importer.spill import CHUNK, Spill, Spilled
from loaders.importer.tables import BUILDERS
from loaders.sources import Sheet, Source, SourceError, open_source

__all__ = ["Progress", "import_file", "import_rows", "run"]

Progress = Callable[[str, int], None]
"""Called as ``progress(phase, rows)`` after each chunk: phase is ``read`` or ``write``."""


def import_file(
    store: GraphStore,
    path: Path,
    *,
    dry_run: bool = False,
    replace: str | None = None,
    name: str | None = None,
    progress: Progress | None = None,
    now: datetime | None = None,
    actor: str | None = None,
    scope: str | None = None,
    effective: date | None = None,
) -> ImportReport:
    """Import a workbook, CSV file, zip or folder of CSVs; ``name`` is the file's name as staff know it (uploads).

    ``replace`` names a scope (a territory id): records of the tables in the file that lie in
    that scope and are missing from the file are deleted. Without it nothing is deleted.
    ``scope`` holds the import to a territory (the importing key's): a row that would change a
    record outside it, or hang a new one off a node outside it, is a problem. ``actor`` names
    who imports, for the audit log. ``effective`` is the day its changes take effect in each node's
    history (``--as-of``, a backdated import); None: today.
    """
    path = Path(path)
    origin = Origin.of(
        file=name or path.name, sha256=_sha256(path), started_at=now or datetime.now(UTC), actor=actor, scope=scope, effective=effective
    )
    return run(store, lambda: open_source(path), origin=origin, dry_run=dry_run, replace=replace, progress=progress)


def import_rows(
    store: GraphStore,
    table: str,
    rows: list[dict[str, Any]],
    *,
    name: str,
    dry_run: bool = False,
    now: datetime | None = None,
    actor: str | None = None,
    scope: str | None = None,
    effective: date | None = None,
) -> ImportReport:
    """Records sent over the API, one table's rows keyed by column, through the same checks and writes as a file's.

    Rows are numbered from 2, as if under a header row, so that problems read as they would for a file.
    """
    columns = list(dict.fromkeys(key for row in rows for key in row))
    payload = json.dumps([table, rows], sort_keys=True, default=str, ensure_ascii=False).encode()

    def source() -> Source:
        made = Source(Path(name))
        cells = ((number, [row.get(c) for c in columns]) for number, row in enumerate(rows, start=2))
        made.sheets.append(Sheet(TABLES[table], name, columns, cells))
        return made

    origin = Origin.of(
        file=name,
        sha256=hashlib.sha256(payload).hexdigest(),
        started_at=now or datetime.now(UTC),
        actor=actor,
        scope=scope,
        touched=[str(row["id"]) for row in rows if row.get("id")],
        effective=effective,
    )
    return run(store, source, origin=origin, dry_run=dry_run, replace=None, progress=None)


def run(
    store: GraphStore,
    opener: Callable[[], Source],
    *,
    origin: Origin,
    dry_run: bool,
    replace: str | None,
    progress: Progress | None,
) -> ImportReport:
    """Import what ``opener`` opens, as ``origin`` says who and whence, and enter it in the ledger (unless a dry run)."""
    guard = ScopeGuard(store, origin.scope)
    # a mistaken --replace is refused before anything starts, and is no import
    replacement = Replacement(store, replace, guard=guard) if replace is not None else None
    context = ImportContext(store=store, index=IdIndex(store), guard=guard, problems=Problems(), replacement=replacement)
    passes = _Passes(context, origin=origin, progress=progress or (lambda _phase, _n: None))
    outcome: Outcome = "applied"
    summary = WriteSummary()
    kept: list[ImportRecord] = []  # the entry committed with the write, once it is
    record = None if dry_run else ledger.applied(store, origin, kept=kept, rows=passes.rows_read, replaced=replace)
    try:
        with opener() as source, Spill() as spill:
            passes.ignored = source.ignored
            for sheet in source.sheets:
                passes.read(sheet, spill)
            summary, outcome = passes.write(spill, dry_run=dry_run, record=record)  # with problems already, only checks
    except SourceError as exc:
        context.problems.add(Problem(reason=str(exc)))
        outcome = "refused"
    except GraphError as exc:  # the store went away, or refused something no check foresaw: nothing was kept
        if not dry_run:
            ledger.enter(store, passes.entry("failed", summary, replace=replace, message=str(exc)))
        raise
    if outcome == "applied" and context.problems.total:
        outcome = "refused"
    if kept:
        entered = kept[-1]
    else:
        entered = passes.entry(outcome, summary, replace=replace)
        if not dry_run:
            ledger.enter(store, entered)
    return ImportReport(
        record=entered,
        dry_run=dry_run,
        problems=context.problems.listed,
        ignored=passes.ignored,
        refused_rows=context.problems.rows,
        headers=passes.headers,
    )


class _Refused(Exception):
    """Raised from inside the batches to roll back the writes once a problem has been found."""


class _Passes:
    """The three passes of one import, and what they count on the way."""

    def __init__(self, context: ImportContext, *, origin: Origin, progress: Progress) -> None:
        self.context = context
        self.problems = context.problems
        self.origin = origin
        self.progress = progress
        self.max_rows = _row_limit()
        self.total_rows = 0
        self.ignored: list[str] = []
        self.headers: dict[str, list[Any]] = {}
        self.rows_read: dict[str, int] = {}
        self.tables: list[str] = []
        self.provenance = {t: Provenance(source=f"{origin.id} {origin.file} [{t}]", recorded_at=origin.started_at) for t in TABLES}

    def entry(self, outcome: Outcome, summary: WriteSummary, *, replace: str | None, message: str | None = None) -> ImportRecord:
        """The ledger entry of this run, as it ended, when it wrote nothing (or was a dry run)."""
        return ledger.entry(
            self.origin,
            outcome=outcome,
            summary=summary,
            rows=self.rows_read,
            problems=self.problems.total,
            replaced=replace if outcome == "applied" else None,
            message=message,
        )

    # -- pass 1 -------------------------------------------------------------------------------

    def read(self, sheet: Sheet, spill: Spill) -> None:
        """Check each row of a sheet, enter its ids in the index and spill it."""
        table = sheet.table
        builder = BUILDERS[table.name]
        self.tables.append(table.name)
        self.headers[table.name] = sheet.header
        columns = columns_of(table, sheet.header, self.problems, row=sheet.header_row)
        if columns is None:
            return
        known_names = header_names(table)
        chunk: list[Spilled] = []
        count = 0
        first = True
        for number, cells in sheet.rows:
            if first:
                first = False
                if is_second_header(cells, columns, known_names):
                    continue
            count += 1
            self.total_rows += 1
            if self.total_rows > self.max_rows:
                reason = _("文件超过 %(max)s 行，这是一次导入的上限；请拆分（例如按街道）", max=format(self.max_rows, ","))
                self.problems.add(Problem(table=table.name, row=number, reason=reason))
                break
            checked = check_row(table, columns, number, cells, self.problems)
            if checked is not None:
                row, props = checked
                values = builder.checked(row)
                builder.define(values, DefiningRow(self.context, table.name, number, cells))
                chunk.append((number, cells, values, props))
            if count % CHUNK == 0:
                spill.write(table.name, chunk)
                chunk = []
                self.progress("read", CHUNK)
        spill.write(table.name, chunk)
        self.progress("read", count % CHUNK)
        self.rows_read[table.name] = count

    # -- passes 2 and 3 -------------------------------------------------------------------------

    def write(self, spill: Spill, *, dry_run: bool, record: RecordOf | None) -> tuple[WriteSummary, Outcome]:
        """Build and write every node, then every edge, as one write with its entry (``record``):
        all of it, or with any problem none."""
        batches = self._batches(spill)
        try:
            summary = self.context.store.write_all(
                batches, dry_run=dry_run or bool(self.problems.total), record=record, effective=self.origin.effective
            )
        except _Refused:
            return WriteSummary(), "refused"
        except InvariantViolation as exc:
            for violation in exc.violations:
                self._violation(violation.node_id, f"{violation.message} [{violation.rule}]")
            with contextlib.suppress(_Refused):
                for _ in batches:  # go on checking the rest, so that every problem is reported at once
                    pass
            return WriteSummary(), "refused"
        return summary, "refused" if self.problems.total else "applied"

    def _batches(self, spill: Spill) -> Iterator[Batch]:
        context = self.context
        for phase in ("nodes", "edges"):
            for table, chunk in spill.chunks():
                batch = Batch.model_construct(nodes=[], edges=[], remove_nodes=[], remove_edges=[])
                builder = BUILDERS[table]
                build = builder.edges if phase == "edges" else builder.nodes
                origin = self.provenance[table]
                for number, cells, values, props in chunk:
                    provenance = Provenance(source=origin.source, recorded_at=origin.recorded_at, row=number)
                    build(values, BuildingRow(context, table, number, cells, props=props, provenance=provenance, batch=batch))
                if not self.problems.total and len(batch):
                    yield batch
                if phase == "edges":
                    self.progress("write", len(chunk))
        if context.replacement is not None and not self.problems.total:
            yield context.replacement.removals(context.index, self.tables)
        if self.problems.total:
            raise _Refused

    def _violation(self, node_id: str, reason: str) -> None:
        """A rule of the graph the write broke, as a problem of the row defining the node (if the file does)."""
        where = self.context.index.row_of(node_id)
        if where is None:
            self.problems.add(Problem(value=node_id, reason=reason))
        else:
            self.problems.add(Problem(table=where[0], row=where[1], value=node_id, reason=reason))


def _row_limit() -> int:
    """:data:`loaders.importer.MAX_ROWS`, read when a run starts: it is set on the package, its public face, and may be lowered there."""
    from loaders import importer  # the package imports this module: its settings are read late

    return importer.MAX_ROWS


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    files = sorted(p for p in path.rglob("*") if p.is_file()) if path.is_dir() else [path]
    for file in files:
        if path.is_dir():
            digest.update(file.relative_to(path).as_posix().encode() + b"\0")
        with open(file, "rb") as f:
            while chunk := f.read(1 << 20):
                digest.update(chunk)
    return digest.hexdigest()
