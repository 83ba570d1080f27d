"""Importing a ledger (台账) into a store: every problem reported at once, then all of it written or none.

Three passes over the file, none of which holds it whole:

1. **read**: each row is parsed and checked on its own (dates, counts, choices...) and
   spilled, checked, to a temporary file; what is kept in memory is an index of the ids the
   file defines (their kind, level, table and row), a few dozen bytes a row.
2. **nodes**: the spill is read back; references are checked against the index and the
   store (an unknown parent, a grid that is not a grid...); the nodes are written.
3. **edges**: the spill is read again and the edges written.

Passes 2 and 3 go through one ``write_all``: if any problem turns up, or the store goes
away, nothing of the import stays. Only then is the import entered in the ledger.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import pickle
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import IO, Any

from pydantic import BaseModel, Field, ValidationError

from graph.access import territories_of, within
from graph.errors import GraphError, InvariantViolation, UnknownNode, WrongKind
from graph.model import (
    ID_PATTERN,
    Agreement,
    Alliance,
    AllianceKind,
    Batch,
    Covers,
    EdgeKind,
    EdgeRef,
    HeldBy,
    InAlliance,
    Level,
    LocatedIn,
    Member,
    MemberOf,
    MemberRole,
    NodeKind,
    OnBehalfOf,
    Organisation,
    OrgForm,
    Provenance,
    ReportsTo,
    Seat,
    SeatOn,
    Serves,
    SignedBy,
    Territory,
    Unit,
    Within,
)
from graph.store import Direction, GraphStore, ImportRecord, WriteSummary
from loaders.format import DEFAULT_FORM, TABLES, Table
from loaders.sources import CellError, Formula, Sheet, Source, SourceError, open_source

__all__ = ["MAX_ROWS", "PROBLEM_COLUMNS", "ImportReport", "Problem", "import_file", "import_rows", "log_write", "remove_record", "seat_id"]

CHUNK = 5_000
"""Rows per batch written, and per spilled chunk."""
MAX_ROWS = 5_000_000
"""Rows one import takes, over all its tables: a bound on what a mistaken or hostile file can cost."""
MAX_LISTED = 10_000
"""Problems listed in full (and rows kept for the problems file); beyond it they are only counted."""

PROBLEM_COLUMNS = ("problems 问题", "row 原行号")
"""The columns a problems file puts before the refused rows' own; an import skips them."""

Progress = Callable[[str, int], None]
"""Called as ``progress(phase, rows)`` after each chunk: phase is ``read`` or ``write``."""


class Problem(BaseModel):
    """One thing wrong with the file, pointing at the cell to fix."""

    table: str | None = Field(default=None, description="the table (sheet or CSV file)")
    row: int | None = Field(default=None, description="row number as Excel shows it (the header is row 1)")
    column: str | None = Field(default=None, description="the column, by its English name")
    value: str | None = Field(default=None, description="what the cell holds")
    reason: str

    def __str__(self) -> str:
        where = " ".join(p for p in (self.table, f"row {self.row}" if self.row else None, self.column) if p)
        value = f" = {self.value!r}" if self.value is not None else ""
        return f"{where}{value}: {self.reason}" if where else self.reason


class ImportReport(BaseModel):
    """What an import did, or would do (dry run), or why it was refused."""

    record: ImportRecord
    dry_run: bool = False
    problems: list[Problem] = Field(default_factory=list, description=f"the first {MAX_LISTED:,} problems; record.problems counts all")
    ignored: list[str] = Field(default_factory=list, description="sheets or files that are not tables, left alone")
    refused_rows: dict[str, list[tuple[int, list[Any], list[str]]]] = Field(default_factory=dict, exclude=True)
    headers: dict[str, list[Any]] = Field(default_factory=dict, exclude=True)

    @property
    def ok(self) -> bool:
        return self.record.outcome == "applied"


def seat_id(committee_id: str, unit_id: str, person: str | None) -> str:
    """The id of a big-committee seat whose row gives none: the same row always gives the same id."""
    digest = hashlib.sha1(f"{committee_id}|{unit_id}|{person or ''}".encode(), usedforsecurity=False).hexdigest()
    readable = f"seat-{committee_id}-{unit_id}-{digest[:6]}"
    return readable if len(readable) <= 80 else f"seat-{digest[:16]}"


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
) -> ImportReport:
    """Import a workbook, CSV file, zip or folder of CSVs; ``name`` is the file's name as staff know it (uploads).

    ``replace`` names a scope (a territory id): records of the tables in the file that lie in
    that scope and are missing from the file are deleted. Without it nothing is deleted.
    ``scope`` holds the import to a territory (the importing key's): a row that would change a
    record outside it, or hang a new one off a node outside it, is a problem. ``actor`` names
    who imports, for the audit log.
    """
    path = Path(path)
    return _run(
        store,
        lambda: open_source(path),
        name=name or path.name,
        digest=_sha256(path),
        dry_run=dry_run,
        replace=replace,
        progress=progress,
        now=now,
        actor=actor,
        scope=scope,
    )


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

    touched = [str(row["id"]) for row in rows if row.get("id")]
    digest = hashlib.sha256(payload).hexdigest()
    return _run(
        store,
        source,
        name=name,
        digest=digest,
        dry_run=dry_run,
        replace=None,
        progress=None,
        now=now,
        actor=actor,
        scope=scope,
        touched=touched,
    )


def remove_record(
    store: GraphStore, node_id: str, kind: NodeKind, *, name: str, actor: str | None = None, scope: str | None = None
) -> ImportRecord:
    """Delete one record kept current by staff (an agreement, a household head, a seat) with its edges, and log it.

    :class:`UnknownNode` if there is none; :class:`WrongKind` if the id names another kind of node.
    """
    node = store.node(node_id)
    if node.kind is not kind:
        raise WrongKind(f"{node_id} is a {node.kind.value}, not a {kind.value}")
    where = sorted(territories_of(store, node_id))  # before it is gone
    started = datetime.now(UTC)
    summary = store.write(Batch(remove_nodes=[node_id]))
    return log_write(store, name, summary, started=started, actor=actor, scope=scope, touched=[node_id], territories=where)


def log_write(
    store: GraphStore,
    name: str,
    summary: WriteSummary,
    *,
    started: datetime,
    actor: str | None,
    scope: str | None = None,
    touched: list[str] | None = None,
    territories: list[str] | None = None,
) -> ImportRecord:
    """Enter a write that came from no file (a deletion, a generated network) in the ledger, the audit log."""
    digest = hashlib.sha256(f"{name} {started.isoformat()}".encode()).hexdigest()
    record = ImportRecord(
        id=f"imp-{started:%Y%m%dT%H%M%S}-{digest[:8]}",
        file=name,
        sha256=digest,
        started_at=started,
        finished_at=datetime.now(UTC),
        outcome="applied",
        summary=summary,
        actor=actor,
        scope=scope,
        touched=touched or [],
        territories=territories or [],
    )
    _try_record(store, record)
    return record


def _run(
    store: GraphStore,
    opener: Callable[[], Source],
    *,
    name: str,
    digest: str,
    dry_run: bool,
    replace: str | None,
    progress: Progress | None,
    now: datetime | None,
    actor: str | None = None,
    scope: str | None = None,
    touched: list[str] | None = None,
) -> ImportReport:
    started = now or datetime.now(UTC)
    import_id = f"imp-{started:%Y%m%dT%H%M%S}-{digest[:8]}"
    run = _Import(store, name=name, import_id=import_id, started=started, progress=progress or (lambda _phase, _n: None))
    run.actor, run.scope, run.touched = actor, scope, touched or []
    outcome = "applied"
    summary = WriteSummary()
    message = None
    if replace is not None:  # a mistaken scope is refused before anything starts, and is no import
        run.check_scope(replace)
    try:
        with opener() as source, tempfile.TemporaryFile(prefix="grassroots-import-") as spill:
            run.ignored = source.ignored
            for sheet in source.sheets:
                run.read(sheet, spill)
            summary, outcome = run.write(spill, replace=replace, dry_run=dry_run)  # with problems already, only checks
    except SourceError as exc:
        run.problems.add(Problem(reason=str(exc)))
        outcome = "refused"
    except GraphError as exc:  # the store went away, or refused something no check foresaw: nothing was kept
        outcome, message = "failed", str(exc)
        if dry_run:
            raise
        _try_record(store, run.record(digest, outcome, summary, replace, message))
        raise
    if outcome == "applied" and run.problems.total:
        outcome = "refused"
    record = run.record(digest, outcome, summary, replace, message)
    if outcome == "applied" and not dry_run and run.touched:
        record.territories = sorted({t for node_id in run.touched if store.has_node(node_id) for t in territories_of(store, node_id)})
    if not dry_run:
        _try_record(store, record)
    return ImportReport(
        record=record,
        dry_run=dry_run,
        problems=run.problems.listed,
        ignored=run.ignored,
        refused_rows=run.problems.rows,
        headers=run.headers,
    )


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


def _try_record(store: GraphStore, record: ImportRecord) -> None:
    with contextlib.suppress(GraphError):  # the store is gone: the graph was left as it was, and that is what matters
        store.record_import(record)


# -- problems ---------------------------------------------------------------------------------


@dataclass
class _Problems:
    listed: list[Problem] = field(default_factory=list)
    total: int = 0
    rows: dict[str, list[tuple[int, list[Any], list[str]]]] = field(default_factory=dict)
    """Per table, the refused rows as they were in the file, with their reasons: the problems file."""
    _by_row: dict[tuple[str, int], list[str]] = field(default_factory=dict)

    def add(self, problem: Problem, raw: list[Any] | None = None) -> None:
        self.total += 1
        if len(self.listed) < MAX_LISTED:
            self.listed.append(problem)
        if problem.table and problem.row and raw is not None:
            key = (problem.table, problem.row)
            reasons = self._by_row.get(key)
            reason = f"{problem.column}: {problem.reason}" if problem.column else problem.reason
            if reasons is None and len(self._by_row) < MAX_LISTED:
                reasons = self._by_row[key] = []
                self.rows.setdefault(problem.table, []).append((problem.row, [_plain_cell(c) for c in raw], reasons))
            if reasons is not None:
                reasons.append(reason)


def _plain_cell(value: Any) -> Any:
    return str(value) if isinstance(value, Formula | CellError) else value


def _shown(value: Any) -> str | None:
    return None if value is None else str(value)[:200]


# -- the import -------------------------------------------------------------------------------

_TERRITORY, _ORG, _UNIT, _MEMBER, _AGREEMENT, _ALLIANCE, _SEAT = range(7)
_KIND_CODES = {
    NodeKind.TERRITORY: _TERRITORY,
    NodeKind.ORGANISATION: _ORG,
    NodeKind.UNIT: _UNIT,
    NodeKind.MEMBER: _MEMBER,
    NodeKind.AGREEMENT: _AGREEMENT,
    NodeKind.ALLIANCE: _ALLIANCE,
    NodeKind.SEAT: _SEAT,
}
_KIND_NAMES = {code: kind.value for kind, code in _KIND_CODES.items()}
_LEVELS = list(Level)
_TABLE_NAMES = list(TABLES)


@dataclass(frozen=True)
class _Known:
    """What a reference needs to know of a node: kind, level, and the organisation covering it."""

    kind: int
    level: Level | None
    org: str | None
    table: str | None = None
    row: int | None = None


class _Import:
    def __init__(self, store: GraphStore, *, name: str, import_id: str, started: datetime, progress: Progress) -> None:
        self.store = store
        self.actor: str | None = None
        self.scope: str | None = None
        self.touched: list[str] = []
        self._in_scope: dict[str, bool] = {}
        self.max_rows = MAX_ROWS
        self.total_rows = 0
        self.name = name
        self.import_id = import_id
        self.started = started
        self.progress = progress
        self.problems = _Problems()
        self.ignored: list[str] = []
        self.headers: dict[str, list[Any]] = {}
        self.rows_read: dict[str, int] = {}
        self.tables: list[str] = []
        # id -> (kind code, level index, table index, row); orgs of territories and units apart
        self.defined: dict[str, tuple[int, int, int, int]] = {}
        self.org_of: dict[str, str] = {}
        self.alliances: dict[str, tuple[str | None, AllianceKind | None, int]] = {}
        self.external: dict[str, _Known | None] = {}
        self.referenced: set[str] | None = None  # with --replace: every id the file refers to, which stays
        self.memberships: set[tuple[str, str]] = set()  # with --replace: the alliance memberships the file lists
        self.provenance = {t: Provenance(source=f"{import_id} {name} [{t}]", recorded_at=started) for t in TABLES}

    # -- pass 1 -------------------------------------------------------------------------------

    def read(self, sheet: Sheet, spill: IO[bytes]) -> None:
        table = sheet.table
        self.tables.append(table.name)
        self.headers[table.name] = sheet.header
        columns = self._columns(table, sheet.header)
        if columns is None:
            return
        aliases = _aliases(table)
        chunk: list[tuple[int, list[Any], tuple[Any, ...], dict[str, Any]]] = []
        count = 0
        first = True
        for number, cells in sheet.rows:
            if first:
                first = False
                if _is_second_header(cells, columns, aliases):
                    continue
            count += 1
            self.total_rows += 1
            if self.total_rows > self.max_rows:
                reason = f"the file has more than {self.max_rows:,} rows, the most one import takes; split it (by street, say)"
                self.problems.add(Problem(table=table.name, row=number, reason=reason))
                break
            checked = self._check_row(table, columns, number, cells)
            if checked is not None:
                values, props = checked
                self._index(table, number, values, cells)
                chunk.append((number, cells, values, props))
            if count % CHUNK == 0:
                self._spill(spill, table.name, chunk)
                chunk = []
                self.progress("read", CHUNK)
        self._spill(spill, table.name, chunk)
        self.progress("read", count % CHUNK)
        self.rows_read[table.name] = count

    def _columns(self, table: Table, header: list[Any]) -> list[tuple[str, bool]] | None:
        """For each header cell, the field it fills (True) or the property it keeps (False); None if unusable."""
        aliases = _aliases(table)
        columns: list[tuple[str, bool]] = []
        seen: dict[str, int] = {}
        ok = True
        for position, cell in enumerate(header, start=1):
            text = "" if cell is None else str(cell).strip()
            if text in PROBLEM_COLUMNS:
                text = ""  # a problems file's own columns: not data
            known = aliases.get(_normal(text))
            key = known or text
            if key and key in seen:
                reason = f"two columns ({seen[key]} and {position}) are both {key}; keep one"
                self.problems.add(Problem(table=table.name, row=1, column=key, value=text, reason=reason))
                ok = False
            seen[key] = position
            columns.append((key, known is not None))
        for column in table.columns:
            if column.required and column.name not in seen:
                self.problems.add(
                    Problem(
                        table=table.name,
                        row=1,
                        column=column.name,
                        reason=f"the column is missing: add a column headed {column.name} or {column.chinese}",
                    )
                )
                ok = False
        return columns if ok else None

    def _check_row(
        self, table: Table, columns: list[tuple[str, bool]], number: int, cells: list[Any]
    ) -> tuple[tuple[Any, ...], dict[str, Any]] | None:
        values: dict[str, Any] = {}
        props: dict[str, Any] = {}
        bad = False
        for (key, known), cell in zip(columns, cells, strict=False):
            if isinstance(cell, Formula | CellError):
                reason = (
                    "a formula; the import reads values only: copy the column and paste it as values (选择性粘贴 › 数值)"
                    if isinstance(cell, Formula)
                    else "an Excel error value; correct the cell"
                )
                self.problems.add(Problem(table=table.name, row=number, column=key or None, value=str(cell), reason=reason), cells)
                bad = True
            elif known:
                values[key] = cell
            elif key and cell is not None and cell != "":
                props[key] = cell.isoformat() if isinstance(cell, date) else cell
        if len(cells) > len(columns) and any(c not in (None, "") for c in cells[len(columns) :]):
            reason = f"has cells beyond the last headed column ({len(columns)}); give them a header"
            self.problems.add(Problem(table=table.name, row=number, reason=reason), cells)
            bad = True
        try:
            row = table.row.model_validate(values)
        except ValidationError as exc:
            for error in exc.errors(include_url=False):
                column, reason = _located(error)
                value = _shown(values.get(column or ""))
                self.problems.add(Problem(table=table.name, row=number, column=column, value=value, reason=reason), cells)
            return None
        if bad:
            return None
        return tuple(row.__dict__.values()), props

    def _index(self, table: Table, number: int, values: tuple[Any, ...], cells: list[Any]) -> None:
        t = _TABLE_NAMES.index(table.name)
        if table.name == "structure":
            tid, level, org_id, org_name = values[0], values[1], values[4], values[5]
            self._define(tid, _TERRITORY, level, t, number, "id", cells)
            if org_name:
                org = org_id or self._derived(tid, t, number, "org_id", cells)
                self._define(org, _ORG, level, t, number, "org_id", cells)
                self.org_of[tid] = org
        elif table.name == "household_heads":
            self._define(values[0], _MEMBER, Level.HOUSEHOLD, t, number, "id", cells)
        elif table.name == "units":
            uid, org_id, org_name = values[0], values[4], values[5]
            self._define(uid, _UNIT, Level.UNIT, t, number, "id", cells)
            if org_name:
                org = org_id or self._derived(uid, t, number, "party_org_id", cells)
                self._define(org, _ORG, Level.UNIT, t, number, "party_org_id", cells)
                self.org_of[uid] = org
        elif table.name == "agreements":
            self._define(values[0], _AGREEMENT, None, t, number, "id", cells)
        elif table.name == "alliances":
            aid, aname, kind = values[0], values[1], values[2]
            known = self.alliances.get(aid)
            if known is None:
                self._define(aid, _ALLIANCE, None, t, number, "alliance_id", cells)
                self.alliances[aid] = (aname, kind, number)
            else:
                name, known_kind, first = known
                if aname and name and aname != name:
                    reason = f"row {first} names {aid} {name!r}"
                    self.problems.add(Problem(table="alliances", row=number, column="alliance_name", value=aname, reason=reason), cells)
                if kind and known_kind and kind != known_kind:
                    reason = f"row {first} makes {aid} {known_kind.value}"
                    self.problems.add(Problem(table="alliances", row=number, column="kind", value=kind.value, reason=reason), cells)
                self.alliances[aid] = (name or aname, known_kind or kind, first)
        elif table.name == "big_committee":
            sid = values[0] or seat_id(values[1], values[3], values[2])
            self._define(sid, _SEAT, None, t, number, "id", cells)

    def _derived(self, node_id: str, table: int, row: int, column: str, cells: list[Any]) -> str:
        """``o-<id>``: the id of an organisation whose row leaves it blank."""
        org = f"o-{node_id}"
        if not ID_PATTERN.match(org):
            reason = f"is blank, and o-{node_id} would be longer than 80 characters: give the organisation an id"
            self.problems.add(Problem(table=_TABLE_NAMES[table], row=row, column=column, reason=reason), cells)
        return org

    def _define(self, node_id: str, kind: int, level: Level | None, table: int, row: int, column: str, cells: list[Any]) -> None:
        before = self.defined.get(node_id)
        if before is not None:
            reason = f"duplicate id: {_TABLE_NAMES[before[2]]} row {before[3]} has it too; ids are unique"
            self.problems.add(Problem(table=_TABLE_NAMES[table], row=row, column=column, value=node_id, reason=reason), cells)
            return
        self.defined[node_id] = (kind, _LEVELS.index(level) if level else -1, table, row)

    @staticmethod
    def _spill(spill: IO[bytes], table: str, chunk: list[Any]) -> None:
        if chunk:
            pickle.dump((table, chunk), spill, protocol=pickle.HIGHEST_PROTOCOL)

    # -- references ---------------------------------------------------------------------------

    def known(self, node_id: str) -> _Known | None:
        """What the file, or else the store, says of a node; None if neither has it."""
        entry = self.defined.get(node_id)
        if entry is not None:
            kind, level, table, row = entry
            org = self.org_of.get(node_id)
            if org is None and kind in (_TERRITORY, _UNIT):
                stored = self._stored(node_id)
                org = stored.org if stored else None
            return _Known(kind, _LEVELS[level] if level >= 0 else None, org, _TABLE_NAMES[table], row)
        return self._stored(node_id)

    def _stored(self, node_id: str) -> _Known | None:
        if node_id in self.external:
            return self.external[node_id]
        try:
            node = self.store.node(node_id)
        except UnknownNode:
            found = None
        else:
            org = None
            if node.kind in (NodeKind.TERRITORY, NodeKind.UNIT):
                covers = self.store.edges_of(node_id, kind=EdgeKind.COVERS, direction=Direction.IN)
                org = covers[0].source if covers else None
            found = _Known(_KIND_CODES[node.kind], getattr(node, "level", None), org)
        self.external[node_id] = found
        return found

    def check_scope(self, replace: str) -> None:
        """What --replace names must be a territory, and lie in the import's own scope (else: as if it did not exist)."""
        node = self.store.node(replace)  # UnknownNode names it
        if not self.in_scope(replace):
            raise UnknownNode(replace)
        if not isinstance(node, Territory):
            raise WrongKind(f"--replace needs a territory (district, street, community...) as its scope; {replace} is a {node.kind.value}")
        self.referenced = set()

    # -- passes 2 and 3 -------------------------------------------------------------------------

    def write(self, spill: IO[bytes], *, replace: str | None, dry_run: bool) -> tuple[WriteSummary, str]:
        batches = self._batches(spill, replace)
        try:
            summary = self.store.write_all(batches, dry_run=dry_run or bool(self.problems.total))
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

    def _batches(self, spill: IO[bytes], replace: str | None) -> Iterator[Batch]:
        for phase in ("nodes", "edges"):
            spill.seek(0)
            while True:
                try:
                    table, chunk = pickle.load(spill)  # noqa: S301 - our own temporary file
                except EOFError:
                    break
                batch = Batch.model_construct(nodes=[], edges=[], remove_nodes=[], remove_edges=[])
                build = getattr(self, f"_{table}")
                for number, cells, values, props in chunk:
                    origin = self.provenance[table]
                    provenance = Provenance(source=origin.source, recorded_at=origin.recorded_at, row=number)
                    row = _Row(self, table, number, cells, values, props, provenance)
                    build(row, batch, phase == "edges")
                if not self.problems.total and len(batch):
                    yield batch
                if phase == "edges":
                    self.progress("write", len(chunk))
        if replace is not None and not self.problems.total:
            yield self._removals(replace)
        if self.problems.total:
            raise _Refused

    def _problem(self, row: _Row, column: str, value: Any, reason: str) -> None:
        self.problems.add(Problem(table=row.table, row=row.number, column=column, value=_shown(value), reason=reason), row.cells)

    def _violation(self, node_id: str, reason: str) -> None:
        entry = self.defined.get(node_id)
        if entry is None:
            self.problems.add(Problem(value=node_id, reason=reason))
        else:
            self.problems.add(Problem(table=_TABLE_NAMES[entry[2]], row=entry[3], value=node_id, reason=reason))

    def _ref(
        self, row: _Row, column: str, node_id: str, kinds: tuple[int, ...], levels: tuple[Level, ...] = (), *, anywhere: bool = False
    ) -> _Known | None:
        """The node a cell refers to, if it exists and is of the right kind and level (and, for a scoped
        import, lies in the scope unless ``anywhere``); else a problem and None."""
        if self.referenced is not None:
            self.referenced.add(node_id)
        found = self.known(node_id)
        wanted = " or ".join(lv.value for lv in levels) if levels else " or ".join(_KIND_NAMES[k] for k in kinds)
        if found is not None and found.table is None and not anywhere and not self.in_scope(node_id):
            self._problem(row, column, node_id, f"no {wanted} has this id in {self.scope}, the only territory this import may change")
            return None
        if found is None:
            self._problem(row, column, node_id, f"no {wanted} has this id, in this file or in the graph")
            return None
        if found.kind not in kinds or (levels and found.level not in levels):
            what = found.level.value if found.level and found.kind == _TERRITORY else _KIND_NAMES[found.kind]
            where = f" ({found.table} row {found.row})" if found.table else " (in the graph)"
            self._problem(row, column, node_id, f"is a {what}{where}; a {wanted} is needed here")
            return None
        return found

    def in_scope(self, node_id: str) -> bool:
        """Whether a node in the store lies within the import's scope (always, for an import held to none)."""
        if self.scope is None:
            return True
        if node_id not in self._in_scope:
            self._in_scope[node_id] = within(self.store, node_id, self.scope)
        return self._in_scope[node_id]

    def _parent_of(self, territory_id: str) -> str | None:
        try:
            up = self.store.edges_of(territory_id, kind=EdgeKind.WITHIN)
        except UnknownNode:
            return None
        return up[0].target if up else None

    def _own(self, row: _Row, column: str, node_id: str) -> None:
        """A record the row writes: for a scoped import, one already in the store must lie in the scope."""
        if self.scope is not None and self._stored(node_id) is not None and not self.in_scope(node_id):
            self._problem(row, column, node_id, f"is a record outside {self.scope}, the only territory this import may change")

    def _structure(self, row: _Row, batch: Batch, edges: bool) -> None:
        tid, level, name, parent_id, org_id, org_name, org_form, org_members, households, staff, upgraded = row.values
        org = (org_id or f"o-{tid}") if org_name else None
        if not edges:
            if parent_id:
                self._ref(row, "parent_id", parent_id, (_TERRITORY,), (level.up,), anywhere=tid == self.scope)
                if tid == self.scope and self._parent_of(tid) not in (None, parent_id):
                    self._problem(row, "parent_id", parent_id, f"{tid} is this import's scope: it may keep its parent, not move")
            self._own(row, "id", tid)
            if org:
                self._own(row, "org_id", org)
            row.node(batch, Territory, id=tid, name=name, level=level, households=households, staff=staff, properties=row.props)
            if org:
                form = org_form or DEFAULT_FORM[level]
                row.node(batch, Organisation, id=org, name=org_name, level=level, form=form, members=org_members or 0, upgraded=upgraded)
            return
        if parent_id:
            row.edge(batch, Within, tid, parent_id)
        if org:
            row.edge(batch, Covers, org, tid)
            parent = self.known(parent_id) if parent_id else None
            if parent and parent.org:
                row.edge(batch, ReportsTo, org, parent.org)

    def _household_heads(self, row: _Row, batch: Batch, edges: bool) -> None:
        hid, name, grid_id, category, households, phone, roles = row.values
        if not edges:
            self._ref(row, "grid_id", grid_id, (_TERRITORY,), (Level.GRID,))
            self._own(row, "id", hid)
            roles = (MemberRole.HOUSEHOLD_HEAD, *(r for r in roles if r is not MemberRole.HOUSEHOLD_HEAD))
            linked = households or 0
            row.node(batch, Member, id=hid, name=name, category=category, roles=roles, households=linked, phone=phone, properties=row.props)
            return
        row.edge(batch, Serves, hid, grid_id)
        grid = self.known(grid_id)
        if grid and grid.org:
            row.edge(batch, MemberOf, hid, grid.org)
        else:  # moved to a grid without a group: no longer a member of the old one
            self._unlink(batch, hid, EdgeKind.MEMBER_OF, keep=set())

    def _units(self, row: _Row, batch: Batch, edges: bool) -> None:
        uid, name, unit_type, community_id, org_id, org_name, org_members, org_form = row.values
        org = (org_id or f"o-{uid}") if org_name else None
        if not edges:
            self._ref(row, "community_id", community_id, (_TERRITORY,), (Level.COMMUNITY,))
            self._own(row, "id", uid)
            if org:
                self._own(row, "party_org_id", org)
            row.node(batch, Unit, id=uid, name=name, unit_type=unit_type, properties=row.props)
            if org:
                form = org_form or OrgForm.BRANCH
                row.node(batch, Organisation, id=org, name=org_name, level=Level.UNIT, form=form, members=org_members or 0)
            return
        row.edge(batch, LocatedIn, uid, community_id)
        if org:
            row.edge(batch, Covers, org, uid)
            community = self.known(community_id)
            if community and community.org:
                row.edge(batch, ReportsTo, org, community.org)

    def _agreements(self, row: _Row, batch: Batch, edges: bool) -> None:
        aid, community_id, unit_id, signed_on, expires_on, needs, resources, projects = row.values
        if not edges:
            community = self._ref(row, "community_id", community_id, (_TERRITORY,), (Level.COMMUNITY,))
            if community and not community.org:
                reason = "the community has no party organisation to sign: give it an org_name in structure"
                self._problem(row, "community_id", community_id, reason)
            self._ref(row, "unit_id", unit_id, (_UNIT,))
            self._own(row, "id", aid)
            row.node(
                batch,
                Agreement,
                id=aid,
                signed_on=signed_on,
                expires_on=expires_on,
                needs=needs,
                resources=resources,
                projects=projects,
                properties=row.props,
            )
            return
        community, unit = self.known(community_id), self.known(unit_id)
        parties = {p for p in (community.org if community else None, (unit.org or unit_id) if unit else None) if p}
        for party in sorted(parties):
            row.edge(batch, SignedBy, aid, party, valid_from=signed_on, valid_to=expires_on)
        self._unlink(batch, aid, EdgeKind.SIGNED_BY, keep=parties)  # an agreement re-pointed at another unit

    def _alliances(self, row: _Row, batch: Batch, edges: bool) -> None:
        aid, _name, _kind, member_id, lead = row.values
        name, kind, first = self.alliances[aid]
        if not edges:
            if row.number == first:
                self._own(row, "alliance_id", aid)
                if name is None:
                    self._problem(row, "alliance_name", None, f"is blank on the first row of {aid}; give the alliance its name")
                else:
                    row.node(batch, Alliance, id=aid, name=name, alliance_kind=kind or AllianceKind.ALLIANCE, properties=row.props)
            if member_id:
                self._ref(row, "member_id", member_id, (_TERRITORY, _ORG, _UNIT))
            return
        if member_id:
            member = self.known(member_id)
            if member:
                source = member.org if member.kind == _TERRITORY and member.org else member_id
                row.edge(batch, InAlliance, source, aid, lead=lead)
                if self.referenced is not None:
                    self.memberships.add((source, aid))

    def _big_committee(self, row: _Row, batch: Batch, edges: bool) -> None:
        sid, committee_id, person, unit_id, role, since, until, member_id = row.values
        sid = sid or seat_id(committee_id, unit_id, person)
        if not edges:
            committee = self._ref(row, "community_id", committee_id, (_TERRITORY, _ORG), (Level.COMMUNITY, Level.STREET))
            if committee and committee.kind == _TERRITORY and not committee.org:
                reason = "has no party organisation, so no committee to sit on: give it an org_name in structure"
                self._problem(row, "community_id", committee_id, reason)
            self._ref(row, "unit_id", unit_id, (_UNIT,))
            if member_id:
                self._ref(row, "member_id", member_id, (_MEMBER,))
            self._own(row, "id", sid)
            row.node(batch, Seat, id=sid, person=person, role=role, valid_from=since, valid_to=until, properties=row.props)
            return
        committee = self.known(committee_id)
        if committee:
            target = committee.org if committee.kind == _TERRITORY else committee_id
            if target:
                row.edge(batch, SeatOn, sid, target, valid_from=since, valid_to=until)
        row.edge(batch, OnBehalfOf, sid, unit_id, valid_from=since, valid_to=until)
        if member_id:
            row.edge(batch, HeldBy, sid, member_id, valid_from=since, valid_to=until)
        else:
            self._unlink(batch, sid, EdgeKind.HELD_BY, keep=set())

    def _unlink(self, batch: Batch, source: str, kind: EdgeKind, *, keep: set[str]) -> None:
        """Remove the stored edges of a kind from a record that its row no longer implies (few rows ask this)."""
        try:
            stored = self.store.edges_of(source, kind=kind)
        except UnknownNode:
            return  # a new record has nothing to unlink
        batch.remove_edges.extend(e.ref for e in stored if e.target not in keep)

    # -- --replace ------------------------------------------------------------------------------

    def _removals(self, scope: str) -> Batch:
        """Records of the file's tables within the scope that the file no longer has."""
        from graph.navigation import territory_subtree

        store, defined, keep = self.store, self.defined, self.referenced or set()
        gone: set[str] = set()
        removed_edges: list[EdgeRef] = []

        def missing(node_id: str) -> bool:
            return node_id not in defined and node_id not in keep and node_id != scope

        territories = territory_subtree(store, scope)
        tables = set(self.tables)
        committees: list[str] = []
        for t in territories:
            covering = [e.source for e in store.edges_of(t.id, kind=EdgeKind.COVERS, direction=Direction.IN)]
            if "structure" in tables:
                gone.update(i for i in [t.id, *covering] if missing(i))
            committees.extend(covering)
            if t.level is Level.GRID and "household_heads" in tables:
                gone.update(e.source for e in store.edges_of(t.id, kind=EdgeKind.SERVES, direction=Direction.IN) if missing(e.source))
            if t.level is Level.COMMUNITY and "units" in tables:
                for e in store.edges_of(t.id, kind=EdgeKind.LOCATED_IN, direction=Direction.IN):
                    unit_orgs = [c.source for c in store.edges_of(e.source, kind=EdgeKind.COVERS, direction=Direction.IN)]
                    gone.update(i for i in [e.source, *unit_orgs] if missing(i))
        for org in committees:
            if "agreements" in tables:
                gone.update(e.source for e in store.edges_of(org, kind=EdgeKind.SIGNED_BY, direction=Direction.IN) if missing(e.source))
            if "big_committee" in tables:
                gone.update(e.source for e in store.edges_of(org, kind=EdgeKind.SEAT_ON, direction=Direction.IN) if missing(e.source))
        if "alliances" in tables:
            for member in [t.id for t in territories] + committees:
                for e in store.edges_of(member, kind=EdgeKind.IN_ALLIANCE):
                    if e.target in self.alliances and (member, e.target) not in self.memberships and member not in gone:
                        removed_edges.append(e.ref)
        return Batch.model_construct(nodes=[], edges=[], remove_nodes=sorted(gone), remove_edges=removed_edges)

    def record(self, digest: str, outcome: str, summary: WriteSummary, replace: str | None, message: str | None) -> ImportRecord:
        return ImportRecord(
            id=self.import_id,
            file=self.name,
            sha256=digest,
            started_at=self.started,
            finished_at=datetime.now(UTC),
            outcome=outcome,  # type: ignore[arg-type]
            rows=self.rows_read,
            summary=summary,
            problems=self.problems.total,
            replaced=replace if outcome == "applied" else None,
            message=message,
            actor=self.actor,
            scope=self.scope,
            touched=self.touched,
        )


class _Refused(Exception):
    """Raised from inside the batches to roll back the writes once a problem has been found."""


@dataclass
class _Row:
    """A checked row on its way into the graph: builds its nodes and edges, reporting what the graph model refuses."""

    run: _Import
    table: str
    number: int
    cells: list[Any]
    values: tuple[Any, ...]
    props: dict[str, Any]
    provenance: Provenance

    def node(self, batch: Batch, model: type[BaseModel], **fields: Any) -> None:
        made = self._made(model, provenance=self.provenance, **fields)
        if made is not None:
            batch.nodes.append(made)

    def edge(self, batch: Batch, model: type[BaseModel], source: str, target: str, **fields: Any) -> None:
        made = self._made(model, source=source, target=target, provenance=self.provenance, **fields)
        if made is not None:
            batch.edges.append(made)

    def _made(self, model: type[BaseModel], **fields: Any) -> Any:
        try:
            return model(**fields)
        except ValidationError as exc:
            for error in exc.errors(include_url=False):
                column, reason = _located(error)
                self.run._problem(self, column or "", fields.get(column or ""), reason)
            return None


def _normal(text: str) -> str:
    return "".join(text.split()).replace("_", "").lower()


def _aliases(table: Table) -> dict[str, str]:
    return {_normal(c.name): c.name for c in table.columns} | {_normal(c.chinese): c.name for c in table.columns}


def _is_second_header(cells: list[Any], columns: list[tuple[str, bool]], aliases: dict[str, str]) -> bool:
    """Whether a row is the template's second header row (the Chinese names under the English ones)."""
    named = [(key, cell) for (key, known), cell in zip(columns, cells, strict=False) if known and cell not in (None, "")]
    return bool(named) and all(aliases.get(_normal(str(cell))) == key for key, cell in named)


def _located(error: Any) -> tuple[str | None, str]:
    """The column and the words of a pydantic error; a row-level check names its column as ``column: reason``."""
    loc = error.get("loc") or ()
    message = str(error.get("msg", "")).removeprefix("Value error, ")
    if loc:
        return str(loc[0]), message
    column, sep, reason = message.partition(": ")
    if sep and column.isidentifier():
        return column, reason
    return None, message
