"""The import ledger (导入台账), which is also the audit log: the entry each write leaves in it.

Who writes and within which territory come in once, on an :class:`Origin` made before the
write starts; :func:`entry` turns it and the outcome into an :class:`ImportRecord`. A write
hands the store its entry to commit with it (:func:`applied`, the store's ``record``), so no
write is kept without its entry; :func:`enter` keeps the entry of an import that wrote nothing.
Nothing else in the importer builds or stores an entry, so the application layer can take the
audit over by replacing these few functions.
"""

from __future__ import annotations

import contextlib
import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any, Literal

from graph.access import territories_of
from graph.errors import GraphError, WrongKind
from graph.i18n import _
from graph.labels import term
from graph.model import Batch, NodeKind
from graph.store import GraphStore, ImportRecord, RecordOf, WriteSummary

__all__ = ["Origin", "Outcome", "applied", "enter", "entry", "log_write", "remove_record", "touched_territories"]

Outcome = Literal["applied", "refused", "failed"]


@dataclass(frozen=True)
class Origin:
    """Where one write comes from and who makes it: the part of its ledger entry known before it starts."""

    id: str
    file: str
    sha256: str
    started_at: datetime
    actor: str | None = None
    """Who writes: an API key, or the command line."""
    scope: str | None = None
    """The territory the writer is held to (their key's), if any."""
    touched: tuple[str, ...] = ()
    """The records a single-record write (PUT, DELETE) is about."""
    effective: date | None = None
    """The day the write takes effect, when one was named (a backdated import); None: the day it is made."""

    @classmethod
    def of(
        cls,
        *,
        file: str,
        sha256: str,
        started_at: datetime,
        actor: str | None = None,
        scope: str | None = None,
        touched: Iterable[str] = (),
        effective: date | None = None,
    ) -> Origin:
        """The origin of a write, with its id (``imp-<time>-<hash>``), which its nodes' provenance names too."""
        return cls(f"imp-{started_at:%Y%m%dT%H%M%S}-{sha256[:8]}", file, sha256, started_at, actor, scope, tuple(touched), effective)


def entry(
    origin: Origin,
    *,
    outcome: Outcome,
    summary: WriteSummary,
    rows: dict[str, int] | None = None,
    problems: int = 0,
    replaced: str | None = None,
    message: str | None = None,
    territories: Iterable[str] = (),
) -> ImportRecord:
    """The ledger entry of a write that has just ended."""
    return ImportRecord(
        id=origin.id,
        file=origin.file,
        sha256=origin.sha256,
        started_at=origin.started_at,
        finished_at=datetime.now(UTC),
        outcome=outcome,
        rows=rows or {},
        summary=summary,
        problems=problems,
        replaced=replaced,
        message=message,
        actor=origin.actor,
        scope=origin.scope,
        touched=list(origin.touched),
        territories=list(territories),
        as_of=origin.effective,
    )


def applied(
    store: GraphStore, origin: Origin, *, kept: list[ImportRecord], territories: Iterable[str] | None = None, **fields: Any
) -> RecordOf:
    """The ``record`` a write hands its store: the entry of ``origin`` applied, with what the write did.

    The store calls it once the write is in place, before it commits; the entry is added to
    ``kept`` for the caller. The territories of the records the write touched are read then,
    where the write left them, unless given (a deletion gives where they were).
    """

    def record(summary: WriteSummary) -> ImportRecord:
        where = touched_territories(store, origin.touched) if territories is None else territories
        made = entry(origin, outcome="applied", summary=summary, territories=where, **fields)
        kept.append(made)
        return made

    return record


def enter(store: GraphStore, record: ImportRecord) -> None:
    """Keep the entry of an import that wrote nothing (refused, failed) in the store's ledger, if the store is still there."""
    with contextlib.suppress(GraphError):  # the store is gone: the graph was left as it was, and that is what matters
        store.record_import(record)


def touched_territories(store: GraphStore, touched: Iterable[str]) -> list[str]:
    """Where the records a write was about lie now: what the audit finds the entry by."""
    return sorted({t for node_id in touched if store.has_node(node_id) for t in territories_of(store, node_id)})


def log_write(
    store: GraphStore,
    name: str,
    batches: Iterable[Batch],
    *,
    actor: str | None,
    scope: str | None = None,
    touched: list[str] | None = None,
    territories: list[str] | None = None,
    effective: date | None = None,
) -> ImportRecord:
    """Write what came from no file (a deletion, a generated network) as one write, all or nothing,
    with its entry in the ledger, the audit log; the entry's summary says what it did. ``effective``:
    the day it takes effect (None: today)."""
    started = datetime.now(UTC)
    digest = hashlib.sha256(f"{name} {started.isoformat()}".encode()).hexdigest()
    origin = Origin.of(file=name, sha256=digest, started_at=started, actor=actor, scope=scope, touched=touched or (), effective=effective)
    kept: list[ImportRecord] = []
    store.write_all(batches, record=applied(store, origin, kept=kept, territories=territories or ()), effective=effective)
    return kept[-1]


def remove_record(
    store: GraphStore,
    node_id: str,
    kind: NodeKind,
    *,
    name: str,
    actor: str | None = None,
    scope: str | None = None,
    effective: date | None = None,
) -> ImportRecord:
    """Delete one record kept current by staff (an agreement, a household head, a seat) with its edges, and log it.

    :class:`~graph.errors.UnknownNode` if there is none; :class:`WrongKind` if the id names another kind of node.
    """
    node = store.node(node_id)
    if node.kind is not kind:
        raise WrongKind(_("%(id)s 是%(kind)s，不是%(wanted)s", id=node_id, kind=term(node.kind), wanted=term(kind)))
    where = sorted(territories_of(store, node_id))  # before it is gone
    batch = Batch(remove_nodes=[node_id])
    return log_write(store, name, [batch], actor=actor, scope=scope, touched=[node_id], territories=where, effective=effective)
