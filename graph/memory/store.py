"""MemoryStore: the embedded store, networkx in process, persisted to a data folder.

This module is the ``GraphStore`` surface and its locking; the rest of the package does the
work: ``packing`` (how data is held), ``operations`` (what a write does), ``journal`` (the
data folder), ``ledger`` (the audit log) and ``facts`` (the fast scope reads). Its length is
the protocol's: each method is a few lines of work under the lock.

``read_only=True`` opens a data folder another process owns (the running server) for reading:
no lock, no file written, every write refused with ``StoreReadOnly``; ``refresh()`` reads the
writes made since.
"""

from __future__ import annotations

import logging
import pickle
import threading
from collections import deque
from collections.abc import Iterable, Iterator
from datetime import date
from pathlib import Path
from typing import Any

import networkx as nx

from graph import history
from graph.errors import GraphError, InvariantViolation, StoreDamaged, StoreReadOnly, UnknownNode
from graph.history import PropertyChange, effective_day
from graph.i18n import _
from graph.invariants import NodeFacts, check, in_force_last
from graph.keeper import FactsKeeper
from graph.memory import operations
from graph.memory.facts import FactsCache, chain_facts, territory_facts_of
from graph.memory.journal import Journal, Snapshot, empty_journal, read_beside_writer, read_snapshot, replay, replay_frames, write_snapshot
from graph.memory.ledger import ImportLedger
from graph.memory.operations import Op, Operation
from graph.memory.packing import HEAD, Packer, collector_paused, unpack_edge, unpack_node
from graph.model import Batch, Edge, EdgeKind, EdgeRef, Node, NodeKind
from graph.store import ChainFacts, Direction, ImportRecord, RecordOf, TerritoryFacts, WriteSummary
from graph.touched import too_large, touched_or_unknown

__all__ = ["MemoryStore"]

_log = logging.getLogger(__name__)

_CHANGES_KEPT = 4_096
"""Committed writes whose touched territories are kept for :meth:`MemoryStore.touched_since`; older asks get None."""


class MemoryStore:
    """The embedded graph store (networkx); ``data_dir=None`` keeps it in memory only.

    The graph is a ``networkx.DiGraph`` keyed by node id whose node and edge data are packed
    tuples (``graph.memory.packing``); read nodes and edges through the store, which turns
    them back into models. One lock orders every write and every read of the graph's dicts,
    so no reader sees half a write.

    ``read_only`` opens the data folder beside the process that owns it, taking no lock (that
    process's lock still keeps out a second writer): the graph as of the last whole write on
    disk, the journal replayed without cutting or compacting anything, no file created or
    changed; each write raises ``StoreReadOnly``, and :meth:`refresh` reads the folder again.
    """

    def __init__(self, data_dir: Path | str | None = None, *, durable: bool = True, read_only: bool = False) -> None:
        self._graph = nx.DiGraph()
        self._lock = threading.RLock()
        self._packer = Packer()
        self._seq = 0  # the number of the last write, journalled with it
        self._version = 0  # moves on every change to the graph, undone ones included: what cached answers are keyed by
        self._committed = 0  # moves on every committed write only: version()
        self._changes: deque[tuple[int, frozenset[str] | None]] = deque(maxlen=_CHANGES_KEPT)
        self._facts = FactsCache()  # days other than today, and reads from inside a write
        self._day_graph: tuple[int, date, _DayGraph] | None = None  # the last past day's view, until the graph changes
        self._keeper = FactsKeeper(
            self,
            own_facts=lambda ids, day: territory_facts_of(self._graph, ids, day=day),
            own_chains=lambda ids, day: chain_facts(self._graph, ids, day=day),
            lock=self._lock,
        )
        self._pending = False  # a write_all applied but not yet committed or undone: the keeper waits
        self._durable = durable
        self._dir = Path(data_dir) if data_dir is not None else None
        self._journal: Journal | None = None
        self._read_only = read_only
        if self._dir is None:
            if read_only:
                raise ValueError("a read-only store reads a data folder: name one")
            self._ledger = ImportLedger(None, durable=durable)
            return
        if read_only:
            self._ledger = self._read_beside_writer()
            return
        self._dir.mkdir(parents=True, exist_ok=True)
        self._journal = Journal(self._dir, durable=durable)
        try:
            entries = self._load()
            self._ledger = ImportLedger(self._dir, durable=durable)
            self._ledger.restore(entries)
        except (pickle.UnpicklingError, ValueError, TypeError, KeyError, AttributeError, EOFError, ImportError) as exc:
            self._journal.close()
            raise StoreDamaged(
                _(
                    "数据目录 %(folder)s 无法读取（%(error)s）；它由另一版本的 grassroots-graph 写入，或已损坏：请把它移开，再重新载入网络",
                    folder=self._dir,
                    error=_named(exc),
                )
            ) from exc

    @property
    def graph(self) -> nx.DiGraph:
        """The underlying networkx graph, for algorithms that only read its structure."""
        return self._graph

    # -- writing ---------------------------------------------------------------------------

    def write(self, batch: Batch, *, record: RecordOf | None = None, effective: date | None = None) -> WriteSummary:
        """Journalled, then applied; with ``record``, applied first (the entry may read the write),
        then journalled with its entry in one frame, and undone if that frame cannot be written."""
        if record is not None:
            return self.write_all([batch], record=record, effective=effective)
        with self._lock, collector_paused():
            self._check_open()
            ops, summary = self._checked_plan(batch, effective_day(effective))
            if ops:
                touched = touched_or_unknown(batch, self)
                self._seq += 1
                if self._journal is not None:
                    self._journal.append(self._seq, ops)
                self._apply(ops)
                self._commit(_joined(touched, touched_or_unknown(batch, self)))
                self._after_commit()
            return summary

    def write_all(
        self, batches: Iterable[Batch], *, dry_run: bool = False, record: RecordOf | None = None, effective: date | None = None
    ) -> WriteSummary:
        """Each batch is checked against the ones before it and applied; if any is refused, or
        the batches stop with an error (or it is a dry run), every one already applied is undone.

        Each batch is journalled as it goes, as a frame of one group; only the group's final
        frame makes it count, so a crash half way leaves it out on restart, and the journal
        never holds the whole import in memory at once. The final frame carries the audit entry
        ``record`` makes, so a restart finds the write and its entry, or neither.
        """
        with self._lock, collector_paused():
            self._check_open()
            total = WriteSummary()
            undo: list[Operation] = []
            self._seq += 1  # the group's number, used up even if the group fails
            group, logged = self._seq, False
            entry: ImportRecord | None = None
            day = effective_day(effective)
            touched: set[str] | None = set()
            changed, items = False, 0
            self._pending = True
            try:
                for batch in batches:
                    ops, summary = self._checked_plan(batch, day)
                    items += len(batch)
                    if too_large(items):  # an import: the ties of each row would cost more than one walk after it
                        touched = None
                    follow = bool(ops) and not dry_run and touched is not None
                    if follow:
                        touched = _joined(touched, touched_or_unknown(batch, self))
                    operations.apply_undoable(self._graph, ops, undo)
                    self._version += 1
                    if follow:
                        touched = _joined(touched, touched_or_unknown(batch, self))
                    changed = changed or (bool(ops) and not dry_run)
                    total.add(summary)
                    if ops and not dry_run and self._journal is not None:
                        self._journal.append(group, ops, final=False)
                        logged = True
                if dry_run:
                    self._apply(reversed(undo))
                    return total
                entry = record(total) if record is not None else None
                if (logged or entry is not None) and self._journal is not None:
                    self._journal.append(group, [], final=True, entry=None if entry is None else entry.model_dump_json())
            except BaseException:
                self._apply(reversed(undo))
                raise
            finally:
                self._pending = False
            # committed: from here on nothing may raise, or the caller would think the write undone
            if changed or entry is not None:
                self._commit(touched)
            self._after_commit(group, entry)
            return total

    def _checked_plan(self, batch: Batch, day: date | None = None) -> tuple[list[Operation], WriteSummary]:
        """The batch's operations against the graph as it is now, taking effect on ``day``; InvariantViolation if it breaks a rule."""
        violations = check(batch, self)
        if violations:
            raise InvariantViolation(violations)
        return operations.plan(self._graph, batch, packer=self._packer, day=day)

    def _apply(self, ops: Iterable[Operation]) -> None:
        operations.apply(self._graph, ops)
        self._version += 1

    def _commit(self, touched: Iterable[str] | None) -> None:
        """A write committed: the version moves, and what it touched is kept for :meth:`touched_since`."""
        self._committed += 1
        self._changes.append((self._committed, None if touched is None else frozenset(touched)))

    def version(self) -> int:
        """Moves with every committed write, ``clear`` and ``refresh``; a plain field, no lock."""
        return self._committed

    def touched_since(self, version: int) -> frozenset[str] | None:
        with self._lock:
            if version == self._committed:
                return frozenset()
            if version > self._committed or not self._changes or self._changes[0][0] > version + 1:
                return None  # another store's number, or older than the changes kept
            found: set[str] = set()
            for number, touched in self._changes:
                if number > version:
                    if touched is None:
                        return None
                    found |= touched
            return frozenset(found)

    def _check_open(self) -> None:
        self._refuse_if_read_only()
        if self._dir is not None and self._journal is None:
            raise GraphError(f"the store on {self._dir} is closed: a write now would not be kept")

    def _after_commit(self, seq: int = 0, entry: ImportRecord | None = None) -> None:
        """Keep a committed write's entry in the ledger, and fold a long journal into a new snapshot;
        a failure of either (a full disk) is logged, and both are tried again later."""
        if entry is not None:
            self._ledger.append(seq, entry)
        try:
            self._maybe_compact()
        except OSError as exc:
            _log.error("data folder %s: no new snapshot for now (the journal keeps every write): %s", self._dir, exc)

    def _refuse_if_read_only(self) -> None:
        if self._read_only:
            raise StoreReadOnly(
                _(
                    "数据目录 %(folder)s 在这里以只读方式打开，由运行中的服务占用，不能在此写入：请通过服务的 API 写入，或先停止服务",
                    folder=self._dir,
                )
            )

    def clear(self) -> None:
        self._refuse_if_read_only()
        with self._lock:
            self._graph = nx.DiGraph()
            self._packer.clear()
            self._seq += 1
            self._version += 1
            self._commit(None)
            if self._dir is not None:
                self._snapshot()

    def record_import(self, record: ImportRecord) -> None:
        """Journalled as a write of nothing with its entry, like every other entry."""
        with self._lock:
            self._check_open()
            self._seq += 1
            if self._journal is not None:
                self._journal.append(self._seq, [], final=True, entry=record.model_dump_json())
            self._ledger.append(self._seq, record)
            self._commit(())  # the ledger changed, no territory did

    def imports(self, limit: int = 100) -> list[ImportRecord]:
        with self._lock:
            return self._ledger.latest(limit)

    @property
    def read_only(self) -> bool:
        """Whether this store reads a data folder another process owns (and refuses every write)."""
        return self._read_only

    def refresh(self) -> None:
        """A read-only store reads its data folder again, taking in the writes made since it was
        opened (or last refreshed); readers see the old graph or the new one, never a mix. A
        writer holds every write already: for it this does nothing."""
        if not self._read_only:
            return
        fresh = MemoryStore(self._dir, read_only=True)
        with self._lock:
            self._graph, self._packer, self._seq, self._ledger = fresh._graph, fresh._packer, fresh._seq, fresh._ledger
            self._version = max(self._version, fresh._version) + 1  # answers cached for the old graph are not reused
            self._commit(None)

    def close(self) -> None:
        with self._lock:
            if self._journal is not None:
                if self._journal.tell() > 0:
                    self._snapshot()
                self._journal.close()
                self._journal = None

    # -- reading ---------------------------------------------------------------------------

    def node(self, node_id: str) -> Node:
        with self._lock:  # reads wait for a write in progress, so none sees half of one
            packed = self._graph._node.get(node_id)
        if packed is None:
            raise UnknownNode(node_id)
        return unpack_node(node_id, packed)

    def has_node(self, node_id: str) -> bool:
        with self._lock:
            return node_id in self._graph._node

    def nodes(self, kind: NodeKind | None = None) -> Iterator[Node]:
        with self._lock:
            nodes = self._graph._node
            items = list(nodes.items()) if kind is None else [(i, nodes[i]) for i in operations.ids_of_kind(self._graph, kind)]
        for node_id, packed in items:
            yield unpack_node(node_id, packed)

    def edges(self, kind: EdgeKind | None = None) -> Iterator[Edge]:
        with self._lock:
            items = [(u, v, d) for u, nbrs in self._graph._succ.items() for v, d in nbrs.items()]
        for u, v, data in items:
            if kind is None or data[0] is kind:
                yield unpack_edge(u, v, data)

    def edges_of(self, node_id: str, *, kind: EdgeKind | None = None, direction: Direction = Direction.OUT) -> list[Edge]:
        adjacency = self._graph._succ if direction is Direction.OUT else self._graph._pred
        with self._lock:
            neighbours = adjacency.get(node_id)
            if neighbours is None:
                raise UnknownNode(node_id)
            found = list(neighbours.items())
        out = direction is Direction.OUT
        return [
            unpack_edge(node_id, other, data) if out else unpack_edge(other, node_id, data)
            for other, data in found
            if kind is None or data[0] is kind
        ]

    def territory_facts(self, territory_id: str, *, day: date) -> list[TerritoryFacts]:
        """Today's from the keeper (``graph.keeper``: each territory's facts kept up to date by the writes);
        another day's read straight from the packed tuples and kept, per scope and day, until the next
        change to the graph (see ``graph.memory.facts``). A day before the last change of a node's
        properties is walked over the nodes as they were then (:meth:`_graph_on`)."""
        with self._lock:
            if self._changed_after(day):
                return self._facts.territory_facts(self._graph_on(day), territory_id, day=day, version=self._version)
            keeper = self.keeper()
            if keeper is not None and day == date.today():
                found = keeper.territory_facts(territory_id)
                if found is not None:
                    return found
            return self._facts.territory_facts(self._graph, territory_id, day=day, version=self._version)

    def chain_facts(self, territory_id: str, *, day: date) -> list[ChainFacts]:
        """Today's from the keeper; another day's read over the territories :meth:`territory_facts` gives,
        and kept the same way until the next change to the graph."""
        with self._lock:
            if self._changed_after(day):
                return self._facts.chain_facts(self._graph_on(day), territory_id, day=day, version=self._version)
            keeper = self.keeper()
            if keeper is not None and day == date.today():
                found = keeper.chain_facts(territory_id)
                if found is not None:
                    return found
            return self._facts.chain_facts(self._graph, territory_id, day=day, version=self._version)

    def _changed_after(self, day: date) -> bool:
        """Whether some node's fields changed after ``day``: the packed tuples hold them as they are now,
        so the facts of that day are walked over the nodes as they were (:meth:`_graph_on`)."""
        last = self.last_property_change()
        return last is not None and last > day

    def _graph_on(self, day: date) -> _DayGraph:
        """The packed graph with each node whose fields changed after ``day`` packed as it was then
        (graph.history), for the facts walks: a past day costs one copy of the node dict and a model a
        changed node, not the reference walk's model for every node; kept until the graph changes, so
        a day's territory and chain facts (and a kept answer's re-read) build it once. Called under the lock."""
        if self._day_graph is not None and self._day_graph[:2] == (self._version, day):
            return self._day_graph[2]
        nodes = self._graph._node
        earlier: dict[str, Any] = {}
        for node_id, log in operations.logs(self._graph).items():
            if node_id in nodes and history.changed_after(log, day):
                earlier[node_id] = self._packer.node(history.node_on(unpack_node(node_id, nodes[node_id]), log, day))
        view = _DayGraph({**nodes, **earlier}, self._graph._pred, self._graph._succ)
        self._day_graph = (self._version, day, view)
        return view

    def node_on(self, node_id: str, day: date) -> Node:
        """The node as it is now, with the changes after ``day`` undone (graph.history.values_on); no
        model is rebuilt when nothing changed after the day."""
        with self._lock:
            packed = self._graph._node.get(node_id)
            log = operations.logs(self._graph).get(node_id, ())
        if packed is None:
            raise UnknownNode(node_id)
        return history.node_on(unpack_node(node_id, packed), log, day)

    def history(self, node_id: str) -> list[PropertyChange]:
        with self._lock:
            log = operations.logs(self._graph).get(node_id)
            exists = node_id in self._graph._node
        if log is None and not exists:
            raise UnknownNode(node_id)
        return list(log or ())

    def history_between(self, after: date, until: date) -> Iterator[tuple[str, PropertyChange]]:
        with self._lock:
            kept = list(operations.logs(self._graph).items())
        return history.changes_between(kept, after, until)

    def last_property_change(self) -> date | None:
        with self._lock:
            last: date | None = self._graph.graph.get(operations.LAST_CHANGE)
        return last

    def keeper(self) -> FactsKeeper | None:
        """Today's facts kept up to date by each write (``graph.keeper``); None from inside a write not yet committed."""
        return None if self._pending else self._keeper

    def count(self, kind: NodeKind | None = None) -> int:
        with self._lock:
            if kind is None:
                return len(self._graph._node)
            return len(operations.ids_of_kind(self._graph, kind))

    def count_edges(self, kind: EdgeKind | None = None) -> int:
        with self._lock:  # a write in another thread must not change the dicts under the count
            if kind is None:
                edges: int = self._graph.number_of_edges()
                return edges
            return sum(1 for nbrs in self._graph._succ.values() for d in nbrs.values() if d[0] is kind)

    # -- facts for the invariants (graph.invariants.Facts) ------------------------------------
    # No lock: the rules ask these only from inside write(), which holds it.

    def facts(self, node_id: str) -> NodeFacts | None:
        packed = self._graph._node.get(node_id)
        return None if packed is None else packed[0]

    def target(self, source: str, kind: EdgeKind) -> str | None:
        outgoing: dict[str, tuple[Any, ...]] = self._graph._succ.get(source, {})
        found = [(v, data[HEAD + 1], data[HEAD + 2]) for v, data in outgoing.items() if data[0] is kind]
        return found[0][0] if len(found) == 1 else in_force_last(found)

    def sources(self, target: str, kind: EdgeKind) -> list[str]:
        return [u for u, data in self._graph._pred.get(target, {}).items() if data[0] is kind]

    def incident(self, node_id: str) -> list[EdgeRef]:
        g = self._graph
        out = [EdgeRef(source=node_id, kind=d[0], target=v) for v, d in g._succ.get(node_id, {}).items()]
        return out + [EdgeRef(source=u, kind=d[0], target=node_id) for u, d in g._pred.get(node_id, {}).items()]

    # -- persistence (graph.memory.journal) --------------------------------------------------

    def _maybe_compact(self) -> None:
        if self._journal is not None and self._journal.full():
            self._snapshot()

    def _snapshot(self) -> None:
        """Write the whole graph to a new snapshot, then empty the journal it now holds (the
        entries it carries must be in the ledger's file first)."""
        assert self._dir is not None
        self._ledger.sync()
        write_snapshot(self._dir, self._graph, seq=self._seq, durable=self._durable, history=operations.logs(self._graph))
        if self._journal is not None:
            self._journal.empty()
        else:
            empty_journal(self._dir)

    def _load(self) -> list[tuple[int, str]]:
        """The snapshot, then every whole write the journal holds after it; the audit entries
        those writes carry, with their numbers, for the ledger."""
        assert self._dir is not None
        self._load_snapshot(read_snapshot(self._dir))
        # A group left without its final frame never happened, and its number is not reused.
        entries: list[tuple[int, str]] = []
        self._seq = replay(self._dir, after=self._seq, apply=self._apply, enter=lambda seq, entry: entries.append((seq, entry)))
        return entries

    def _load_snapshot(self, snapshot: Snapshot | None) -> None:
        if snapshot is not None:
            with collector_paused():
                self._seq = snapshot.seq
                self._apply([(Op.PUT_NODE, i, p) for i, p in snapshot.nodes.items()])
                self._apply([(Op.PUT_EDGE, u, v, d) for u, nbrs in snapshot.succ.items() for v, d in nbrs.items()])
                self._apply([(Op.NOTE, i, log) for i, log in snapshot.history.items()])

    def _read_beside_writer(self) -> ImportLedger:
        """Load the folder as :meth:`_load` does, but as a reader beside its writer: the snapshot and
        journal read as one pair, the journal replayed to its last whole frame and left as it is,
        the ledger read and the journal's newer entries added in memory only."""
        assert self._dir is not None
        try:
            snapshot, journal = read_beside_writer(self._dir)
            self._load_snapshot(snapshot)
            entries: list[tuple[int, str]] = []
            self._seq, _last = replay_frames(
                journal, after=self._seq, apply=self._apply, enter=lambda seq, entry: entries.append((seq, entry))
            )
            ledger = ImportLedger(self._dir, durable=False, read_only=True)  # read after the journal: what it lacks, the journal held
            ledger.restore(entries)
        except (pickle.UnpicklingError, ValueError, TypeError, KeyError, AttributeError, EOFError, ImportError) as exc:
            raise StoreDamaged(
                _(
                    "数据目录 %(folder)s 无法读取（%(error)s）；它由另一版本的 grassroots-graph 写入，或已损坏",
                    folder=self._dir,
                    error=_named(exc),
                )
            ) from exc
        return ledger


def _joined(seen: set[str] | None, more: set[str] | None) -> set[str] | None:
    """Two touched sets as one; None (unknown) wins."""
    if seen is None or more is None:
        return None
    seen |= more
    return seen


class _DayGraph:
    """What the facts walks read of the packed graph (``_node``, ``_pred``, ``_succ``), with nodes as on a past day."""

    __slots__ = ("_node", "_pred", "_succ")

    def __init__(self, node: dict[str, Any], pred: dict[str, Any], succ: dict[str, Any]) -> None:
        self._node, self._pred, self._succ = node, pred, succ


def _named(exc: BaseException) -> str:
    """An exception as a refusal quotes it: its type and its words."""
    return f"{type(exc).__name__}: {exc}"
