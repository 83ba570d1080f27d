"""Neo4jStore: the production store, a Neo4j 5 server or cluster through the official driver.

A write runs in one managed transaction: it reads what the invariants need of the nodes
the batch touches, checks the batch with the same rules as every store, and writes it
with batched ``UNWIND`` statements, or raises and writes nothing; a write's audit entry (an
``Import`` node) is created in the same transaction. Reads go through
``execute_query`` with read routing, so that with a ``neo4j://`` URI a cluster answers
them from its followers.
"""

from __future__ import annotations

import json
import threading
from collections import Counter, defaultdict
from collections.abc import Callable, Collection, Iterable, Iterator
from contextlib import contextmanager
from datetime import date
from enum import Enum
from typing import Any, NoReturn, TypeVar

import neo4j
from neo4j import GraphDatabase, RoutingControl
from neo4j.exceptions import ConstraintError, ServiceUnavailable, SessionExpired, TransientError

from graph import cypher, history
from graph.errors import InvariantViolation, StoreUnavailable, UnknownNode, Violation, WrongKind
from graph.history import Log, PropertyChange, effective_day
from graph.i18n import _
from graph.invariants import DROP, FUNCTIONAL, NodeFacts, Rule, check, facts_of, in_force_last, superseded
from graph.keeper import FactsKeeper
from graph.labels import term
from graph.model import (
    EDGE_ADAPTER,
    NODE_ADAPTER,
    SIX_HAVES,
    Batch,
    CentreLevel,
    Edge,
    EdgeKind,
    EdgeRef,
    Level,
    MemberCategory,
    MemberRole,
    Node,
    NodeKind,
    OrgForm,
    PostKind,
    UnitType,
)
from graph.scope import walk_chain_facts, walk_territory_facts
from graph.store import (
    AgreementFacts,
    CentreFacts,
    ChainFacts,
    Direction,
    HeadFacts,
    ImportRecord,
    InServiceFacts,
    OrgFacts,
    OrgRef,
    PartyRef,
    PostFacts,
    RecordOf,
    ScopeUnit,
    TerritoryFacts,
    UnitFacts,
    WriteSummary,
)
from graph.touched import BATCH_LIMIT, touched_or_unknown

__all__ = ["Neo4jStore"]

CHUNK = 10_000
"""Rows per UNWIND statement."""

_T = TypeVar("_T")


TOUCHED_LIMIT = min(200, BATCH_LIMIT)
"""Past this many nodes, edges and removals in one write, Neo4j records "unknown" territories touched
(graph.touched's BATCH_LIMIT, lower here): each tie followed is a round trip inside the write
(1-5 ms), 200 of them cost about what a keeper's walk of a whole 1M-household city does once."""

CHANGES_KEPT = 4_096
"""``GraphChange`` records kept for ``touched_since``; an older version gets None."""

RETRY_SECONDS = 5.0
"""How long a read or write retries a server that went away before it gives up (StoreUnavailable)."""


class Neo4jStore:
    """The graph in Neo4j 5.3+; creates its constraints and indexes when it opens."""

    def __init__(self, uri: str, *, auth: tuple[str, str], database: str = "neo4j", driver: neo4j.Driver | None = None) -> None:
        # A request waits at most RETRY_SECONDS for a lost server before the API answers 503; the driver
        # reconnects by itself once the server is back.
        self._driver = driver or GraphDatabase.driver(
            uri,
            auth=auth,
            max_transaction_retry_time=RETRY_SECONDS,
            connection_timeout=RETRY_SECONDS,
            connection_acquisition_timeout=RETRY_SECONDS,
        )
        self._database = database
        self._writing = threading.local()  # the transaction a record callback runs in, per thread
        # Today's facts, kept in this process and brought up to date on each read from the GraphChange
        # records every write leaves (touched_since): each app server over the database keeps its own.
        self._keeper = FactsKeeper(
            self,
            own_facts=lambda ids, day: self.territory_facts_of(ids, day=day),
            own_chains=lambda ids, day: self.chain_facts_of(ids, day=day),
        )
        with _reachable():
            self._driver.verify_connectivity()
            for statement in cypher.SCHEMA:
                self._driver.execute_query(statement, database_=self._database)

    # -- writing ---------------------------------------------------------------------------

    def write(self, batch: Batch, *, record: RecordOf | None = None, effective: date | None = None) -> WriteSummary:
        day = effective_day(effective)

        def work(tx: neo4j.ManagedTransaction) -> WriteSummary:
            touched = self._touched(tx, batch)
            summary = _write(tx, batch, day)
            if summary.changed:
                touched = _joined(touched, self._touched(tx, batch))
            if record is not None:
                self._enter(tx, record, summary)
            if summary.changed or record is not None:
                _bump(tx, touched if summary.changed else set())
            return summary

        with _reachable(), self._driver.session(database=self._database) as session:
            try:
                return session.execute_write(work)
            except ConstraintError as exc:
                raise _raced(exc) from exc

    def write_all(
        self, batches: Iterable[Batch], *, dry_run: bool = False, record: RecordOf | None = None, effective: date | None = None
    ) -> WriteSummary:
        """One explicit transaction for every batch and the audit entry: Neo4j rolls it all back
        if any step fails, and always on a dry run."""
        total = WriteSummary()
        day = effective_day(effective)
        touched: set[str] | None = set()
        size = 0
        with _reachable(), self._driver.session(database=self._database) as session, session.begin_transaction() as tx:
            try:
                for batch in batches:
                    # The write as a whole past TOUCHED_LIMIT records "unknown" (a keeper walks everything again)
                    # and stops following ties: each tie is a round trip, and an import of many small batches
                    # spent most of its time following them (bench/import.py).
                    size += len(batch)
                    if dry_run or size > TOUCHED_LIMIT:
                        touched = None
                    if touched is not None:
                        touched = _joined(touched, self._touched(tx, batch))
                    summary = _write(tx, batch, day)
                    if touched is not None and summary.changed:
                        touched = _joined(touched, self._touched(tx, batch))
                    total.add(summary)
            except ConstraintError as exc:
                raise _raced(exc) from exc
            if dry_run:
                tx.rollback()
                return total
            if record is not None:
                self._enter(tx, record, total)
            if total.changed or record is not None:
                _bump(tx, touched if total.changed else set())
            tx.commit()
        return total

    def _touched(self, tx: neo4j.ManagedTransaction | neo4j.Transaction, batch: Batch) -> set[str] | None:
        """:func:`graph.touched.touched_or_unknown` read inside the write's transaction."""
        self._writing.tx = tx
        try:
            return None if len(batch) > TOUCHED_LIMIT else touched_or_unknown(batch, self)
        finally:
            self._writing.tx = None

    def version(self) -> int:
        """The ``GraphVersion`` node's number: every app server over the database agrees on it."""
        return int(self._read(cypher.VERSION)[0]["version"])

    def touched_since(self, version: int) -> frozenset[str] | None:
        """From the ``GraphChange`` records written with each write; None past the ones kept, or for a write that could not tell."""
        r = self._read(cypher.TOUCHED_SINCE, version=version)[0]
        if version > r["now"] or r["changes"] != r["now"] - version or r["unknown"]:
            return None
        return frozenset(r["territories"])

    def _enter(self, tx: neo4j.ManagedTransaction | neo4j.Transaction, record: RecordOf, summary: WriteSummary) -> None:
        """Make the write's audit entry, its reads of this store answered inside the write's
        transaction (which they would not see from outside before it commits), and create it there."""
        self._writing.tx = tx
        try:
            made = record(summary)
        finally:
            self._writing.tx = None
        tx.run(cypher.RECORD_IMPORT, _import_params(made)).consume()

    def record_import(self, record: ImportRecord) -> None:
        def work(tx: neo4j.ManagedTransaction | neo4j.Transaction) -> None:
            tx.run(cypher.RECORD_IMPORT, _import_params(record)).consume()
            _bump(tx, set())  # the ledger changed, no territory did

        inside: neo4j.ManagedTransaction | neo4j.Transaction | None = getattr(self._writing, "tx", None)
        if inside is not None:
            work(inside)
            return
        with _reachable(), self._driver.session(database=self._database) as session:
            session.execute_write(work)

    def imports(self, limit: int = 100) -> list[ImportRecord]:
        return [ImportRecord.model_validate_json(r["json"]) for r in self._read(cypher.LIST_IMPORTS, limit=limit)]

    def clear(self) -> None:
        with _reachable():
            while self._read_or_write(cypher.CLEAR_SOME, write=True, limit=CHUNK)[0]["n"]:
                pass
            while self._read_or_write(cypher.CLEAR_SOME_HISTORY, write=True, limit=CHUNK)[0]["n"]:
                pass
            with self._driver.session(database=self._database) as session:
                session.execute_write(lambda tx: _bump(tx, None))

    def wipe(self) -> None:
        """Empty the database, the import ledger included: for a test database, never the service's (see ``clear``)."""
        self.clear()
        with _reachable():
            self._read_or_write(cypher.CLEAR_IMPORTS, write=True)

    def close(self) -> None:
        self._driver.close()

    # -- reading ---------------------------------------------------------------------------

    def node(self, node_id: str) -> Node:
        records = self._read(cypher.GET_NODE, id=node_id)
        if not records:
            raise UnknownNode(node_id)
        return _node_from(records[0]["props"])

    def has_node(self, node_id: str) -> bool:
        return bool(self._read(cypher.GET_NODE, id=node_id))

    def nodes(self, kind: NodeKind | None = None) -> Iterator[Node]:
        for record in self._read(cypher.all_nodes(kind)):
            yield _node_from(record["props"])

    def edges(self, kind: EdgeKind | None = None) -> Iterator[Edge]:
        for record in self._read(cypher.all_edges(kind)):
            yield _edge_from(record)

    def edges_of(self, node_id: str, *, kind: EdgeKind | None = None, direction: Direction = Direction.OUT) -> list[Edge]:
        query = cypher.EDGES_OUT if direction is Direction.OUT else cypher.EDGES_IN
        records = self._read(query, id=node_id, kind=kind.value if kind else None)
        if not records:
            raise UnknownNode(node_id)
        return [_edge_from(r) for r in records if r["kind"] is not None]

    def territory_facts(self, territory_id: str, *, day: date) -> list[TerritoryFacts]:
        """Today's from the keeper (graph.keeper), which asks the database only for the territories written
        since it last looked; another day's in one statement (:data:`graph.cypher.TERRITORY_FACTS`); a day
        before the last change of a node's properties, the reference walk's (graph.history)."""
        if self._changed_after(day):
            return walk_territory_facts(self, territory_id, day=day)
        keeper = self.keeper()
        if keeper is not None and day == date.today():
            found = keeper.territory_facts(territory_id)
            if found is not None:
                return found
        records = self._read(cypher.TERRITORY_FACTS, id=territory_id, day=day)
        if not records:
            self._refuse_scope(territory_id)
        return [_territory_facts(r) for r in records]

    def chain_facts(self, territory_id: str, *, day: date) -> list[ChainFacts]:
        """Today's from the keeper; another day's in one statement (:data:`graph.cypher.CHAIN_FACTS`)."""
        if self._changed_after(day):
            return walk_chain_facts(self, territory_id, day=day)
        keeper = self.keeper()
        if keeper is not None and day == date.today():
            found = keeper.chain_facts(territory_id)
            if found is not None:
                return found
        records = self._read(cypher.CHAIN_FACTS, id=territory_id, day=day)
        if not records:
            self._refuse_scope(territory_id)
        return [_chain_facts(r) for r in records]

    def keeper(self) -> FactsKeeper | None:
        """Today's facts kept up to date (graph.keeper); None from inside a write, whose own reads must see it uncommitted."""
        return None if getattr(self._writing, "tx", None) is not None else self._keeper

    def territory_facts_of(self, territory_ids: Collection[str] | None, *, day: date) -> list[TerritoryFacts]:
        """The facts of exactly these territories (every territory when None), each with its parent on
        ``day``: what a keeper of facts recomputes after a write touched them (ids that are no territory
        give nothing). One statement per :data:`CHUNK` ids (:data:`graph.cypher.TERRITORY_FACTS_OF`)."""
        return [_territory_facts(r) for r in self._listed(cypher.TERRITORY_FACTS_OF, territory_ids, day)]

    def chain_facts_of(self, territory_ids: Collection[str] | None, *, day: date) -> list[ChainFacts]:
        """The chain facts of exactly these territories (every territory when None), as :meth:`territory_facts_of`."""
        return [_chain_facts(r) for r in self._listed(cypher.CHAIN_FACTS_OF, territory_ids, day)]

    def _listed(self, statement: str, territory_ids: Collection[str] | None, day: date) -> list[neo4j.Record]:
        ids = sorted(territory_ids) if territory_ids is not None else [r["id"] for r in self._read(cypher.ALL_TERRITORIES)]
        return [record for chunk in _chunks(ids) for record in self._read(statement, ids=chunk, day=day)]

    def _refuse_scope(self, territory_id: str) -> NoReturn:
        """Why a subtree query found nothing: no such node, or one that is no territory."""
        node = self.node(territory_id)
        raise WrongKind(_("%(id)s 是%(kind)s，不是地域", id=territory_id, kind=term(node.kind)))

    def node_on(self, node_id: str, day: date) -> Node:
        """The node and its ``History`` record in one read; the changes after ``day`` undone (graph.history.values_on)."""
        records = self._read(cypher.GET_NODE_AND_LOG, id=node_id)
        if not records:
            raise UnknownNode(node_id)
        node = _node_from(records[0]["props"])
        return history.node_on(node, history.from_json(records[0]["log"]), day)

    def history(self, node_id: str) -> list[PropertyChange]:
        records = self._read(cypher.GET_LOGS, ids=[node_id])
        if not records:
            if not self.has_node(node_id):
                raise UnknownNode(node_id)
            return []
        return list(history.from_json(records[0]["log"]))

    def history_between(self, after: date, until: date) -> Iterator[tuple[str, PropertyChange]]:
        """The records whose last entry is after ``after`` (an index finds them), each read through."""
        found = [(r["id"], history.from_json(r["log"])) for r in self._read(cypher.LOGS_AFTER, after=after)]
        return history.changes_between(found, after, until)

    def last_property_change(self) -> date | None:
        records = self._read(cypher.LAST_CHANGE)
        return _native(records[0]["day"]) if records else None

    def _changed_after(self, day: date) -> bool:
        """Whether some node's fields changed after ``day``: the facts statements read properties as
        they are now, so the facts of that day come from the reference walk, which reads each node as it was."""
        last = self.last_property_change()
        return last is not None and last > day

    def count(self, kind: NodeKind | None = None) -> int:
        return int(self._read(cypher.count_nodes(kind))[0]["n"])

    def count_edges(self, kind: EdgeKind | None = None) -> int:
        return int(self._read(cypher.COUNT_EDGES, kind=kind.value if kind else None)[0]["n"])

    def _read(self, query: str, **params: Any) -> list[neo4j.Record]:
        with _reachable():
            return self._read_or_write(query, write=False, **params)

    def _read_or_write(self, query: str, *, write: bool, **params: Any) -> list[neo4j.Record]:
        tx: neo4j.ManagedTransaction | neo4j.Transaction | None = getattr(self._writing, "tx", None)
        if tx is not None:
            return list(tx.run(query, params))
        routing = RoutingControl.WRITE if write else RoutingControl.READ
        records, _, _ = self._driver.execute_query(query, params, routing_=routing, database_=self._database)
        return records


def _bump(tx: neo4j.ManagedTransaction | neo4j.Transaction, touched: set[str] | None) -> None:
    """Move the version inside the write's transaction, with what the write touched (None: unknown)."""
    tx.run(cypher.BUMP_VERSION, territories=sorted(touched or ()), unknown=touched is None, kept=CHANGES_KEPT).consume()


def _joined(seen: set[str] | None, more: set[str] | None) -> set[str] | None:
    """Two touched sets as one; None (unknown) wins."""
    if seen is None or more is None:
        return None
    return seen | more


def _import_params(record: ImportRecord) -> dict[str, Any]:
    return {"id": record.id, "at": record.started_at.isoformat(), "json": record.model_dump_json()}


def _raced(exc: ConstraintError) -> InvariantViolation:
    """A concurrent writer created one of the batch's ids between our check and our write."""
    return InvariantViolation([Violation(Rule.UNIQUE_ID, "?", f"another write created one of these ids first: {exc.message}")])


@contextmanager
def _reachable() -> Iterator[None]:
    """Turn the driver's 'server gone' errors into the domain's StoreUnavailable."""
    try:
        yield
    except (ServiceUnavailable, SessionExpired, TransientError) as exc:
        raise StoreUnavailable(_("现在连不上 Neo4j（%(error)s）；请稍后重试", error=type(exc).__name__)) from exc


# -- the write transaction ---------------------------------------------------------------------


class _Snapshot:
    """What the transaction has read of the nodes a batch touches (graph.invariants.Facts)."""

    def __init__(self, tx: neo4j.ManagedTransaction | neo4j.Transaction) -> None:
        self._tx = tx
        self.props: dict[str, dict[str, Any]] = {}
        self.out: dict[str, dict[tuple[str, str], dict[str, Any]]] = {}
        self.coverers: dict[str, list[str]] = {}
        self._absent: set[str] = set()
        self._facts: dict[str, NodeFacts] = {}

    def fetch(self, ids: set[str]) -> None:
        wanted = [i for i in ids if i not in self.props and i not in self._absent]
        for chunk in _chunks(wanted):
            for record in self._tx.run(cypher.PREFETCH, ids=chunk):
                node_id = record["id"]
                self.props[node_id] = _native(record["props"])
                self.out[node_id] = {(k, t): _native(p) for k, t, p in (e for e in record["out"] if e is not None)}
                self.coverers[node_id] = list(record["coverers"])
            self._absent.update(i for i in chunk if i not in self.props)

    def facts(self, node_id: str) -> NodeFacts | None:
        found = self._facts.get(node_id)
        if found is None:
            self.fetch({node_id})
            props = self.props.get(node_id)
            if props is None:
                return None
            found = self._facts[node_id] = _facts_from(props)
        return found

    def target(self, source: str, kind: EdgeKind) -> str | None:
        self.fetch({source})
        found = [(t, p.get("valid_from"), p.get("valid_to")) for (k, t), p in self.out.get(source, {}).items() if k == kind.value]
        return found[0][0] if len(found) == 1 else in_force_last(found)

    def sources(self, target: str, kind: EdgeKind) -> list[str]:
        if kind is not EdgeKind.COVERS:  # the rules ask for coverers only; say so if that changes
            raise NotImplementedError(f"the Neo4j snapshot reads COVERS sources only, not {kind}")
        self.fetch({target})
        return self.coverers.get(target, [])

    def incident(self, node_id: str) -> list[EdgeRef]:
        return [
            EdgeRef(source=r["source"], kind=EdgeKind(r["kind"]), target=r["target"]) for r in self._tx.run(cypher.INCIDENT, id=node_id)
        ]


def _write(tx: neo4j.ManagedTransaction | neo4j.Transaction, batch: Batch, day: date) -> WriteSummary:
    snapshot = _Snapshot(tx)
    touched = {n.id for n in batch.nodes} | set(batch.remove_nodes)
    touched |= {e.source for e in batch.edges} | {e.target for e in batch.edges} | {r.source for r in batch.remove_edges}
    snapshot.fetch(touched)
    violations = check(batch, snapshot)
    if violations:
        raise InvariantViolation(violations)

    counts: dict[str, Counter[str]] = {w: Counter() for w in ("created", "updated", "unchanged", "removed")}
    run = _Runner(tx)
    book = _Logbook(tx, [n.id for n in batch.nodes] + list(batch.remove_nodes), day)
    gone: set[str] = set()
    for ref in batch.remove_edges:
        if (ref.kind.value, ref.target) in snapshot.out.get(ref.source, {}):
            run.add(cypher.delete_edges(ref.kind), {"source": ref.source, "target": ref.target})
            snapshot.out[ref.source].pop((ref.kind.value, ref.target))
            counts["removed"][ref.kind] += 1
    for node_id in dict.fromkeys(batch.remove_nodes):
        props = snapshot.props.get(node_id)
        if props is not None:
            run.add(cypher.DELETE_NODES, node_id, param="ids")
            gone.add(node_id)
            counts["removed"][props["kind"]] += 1
            last = _node_from(props)
            book.put(node_id, history.removed(book.log(node_id), history.fields_of(last), day=day, kind=last.kind))
    run.flush()

    for node in batch.nodes:
        row = _node_row(node)
        old = None if node.id in gone else snapshot.props.get(node.id)
        if old is None:
            run.add(cypher.create_nodes(node.kind), row)
            counts["created"][node.kind] += 1
            found = history.written(book.log(node.id), None, {}, day=day, kind=node.kind, source=node.provenance.source)
            assert found is not None
            book.put(node.id, found[0])
            continue
        if _content(old) == _content(row) and not book.later(node.id):
            counts["unchanged"][node.kind] += 1
            continue
        held = history.fields_of(_node_from(old))
        found = history.written(book.log(node.id), held, history.fields_of(node), day=day, kind=node.kind, source=node.provenance.source)
        if found is None:
            counts["unchanged"][node.kind] += 1
            continue
        log, now = found
        counts["updated"][node.kind] += 1
        book.put(node.id, log)
        if now == held:
            continue  # a backdated change a later one overrides: the history alone changes
        if now != history.fields_of(node):
            row = _node_row(history.node_from(node, now))
        run.add(cypher.update_nodes(node.kind), row)
    run.flush()
    book.flush(run)

    for edge in batch.edges:
        props = _edge_props(edge)
        existing = {} if edge.source in gone else snapshot.out.get(edge.source, {})
        if edge.target in gone:
            existing = {}
        row = {"source": edge.source, "target": edge.target, "props": props}
        if edge.kind in FUNCTIONAL:
            for (k, t), p in list(existing.items()):
                if k != edge.kind.value or t == edge.target or t in gone:
                    continue
                ends = superseded(edge.valid_from, p.get("valid_from"), p.get("valid_to"))
                if ends is DROP:
                    run.add(cypher.delete_edges(edge.kind), {"source": edge.source, "target": t}, first=True)
                    existing.pop((k, t))
                elif ends != p.get("valid_to"):
                    run.add(cypher.close_edges(edge.kind), {"source": edge.source, "target": t, "valid_to": ends}, first=True)
                    p["valid_to"] = ends
                    counts["updated"][edge.kind] += 1
        old = existing.get((edge.kind.value, edge.target))
        if old is None:
            run.add(cypher.create_edges(edge.kind), row)
            counts["created"][edge.kind] += 1
        elif _content(old) == _content(props):
            counts["unchanged"][edge.kind] += 1
        else:
            run.add(cypher.merge_edges(edge.kind), row)
            counts["updated"][edge.kind] += 1
    run.flush()
    return WriteSummary.from_counts(**counts)


class _Logbook:
    """The change logs of the nodes a batch writes (graph.history): read in one statement before the
    write, kept as they will be after it, and written back with it (``History`` records)."""

    def __init__(self, tx: neo4j.ManagedTransaction | neo4j.Transaction, ids: list[str], day: date) -> None:
        self.day = day
        self.logs: dict[str, Log] = {}
        self.pending: dict[str, Log] = {}
        wanted = list(dict.fromkeys(ids))
        for chunk in _chunks(wanted):
            for record in tx.run(cypher.GET_LOGS, ids=chunk):
                self.logs[record["id"]] = history.from_json(record["log"])

    def log(self, node_id: str) -> Log:
        return self.pending.get(node_id, self.logs.get(node_id, ()))

    def later(self, node_id: str) -> bool:
        """Whether the node's log holds an entry after the write's day (a backdated write must merge)."""
        log = self.log(node_id)
        return bool(log) and log[-1].day > self.day

    def put(self, node_id: str, log: Log) -> None:
        self.pending[node_id] = log

    def flush(self, run: _Runner) -> None:
        for node_id, log in self.pending.items():
            row = {"id": node_id, "log": history.to_json(log), "last": log[-1].day, "changed": history.last_changed(log)}
            run.add(cypher.PUT_LOGS, row)
        self.pending.clear()
        run.flush()


class _Runner:
    """Collects rows per statement and runs each statement once per chunk of rows."""

    def __init__(self, tx: neo4j.ManagedTransaction | neo4j.Transaction) -> None:
        self._tx = tx
        self._first: dict[tuple[str, str], list[Any]] = defaultdict(list)
        self._rest: dict[tuple[str, str], list[Any]] = defaultdict(list)

    def add(self, statement: str, row: Any, *, param: str = "rows", first: bool = False) -> None:
        (self._first if first else self._rest)[(statement, param)].append(row)

    def flush(self) -> None:
        for pending in (self._first, self._rest):
            for (statement, param), rows in pending.items():
                for chunk in _chunks(rows):
                    self._tx.run(statement, {param: chunk}).consume()
            pending.clear()


def _chunks(rows: list[_T]) -> Iterator[list[_T]]:
    for start in range(0, len(rows), CHUNK):
        yield rows[start : start + CHUNK]


# -- mapping between models and Neo4j properties ----------------------------------------------

_PROVENANCE_KEYS = ("prov_source", "prov_at", "prov_row")


def _plain(value: Any) -> Any:
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, tuple):
        return [_plain(v) for v in value]
    return value


def _props(model: Any, skip: tuple[str, ...]) -> dict[str, Any]:
    fields = model.__dict__
    row = {k: _plain(v) for k, v in fields.items() if k not in skip and k not in ("provenance", "properties") and v is not None}
    prov = fields["provenance"]
    # An ISO string, not a Neo4j datetime: the driver turns each datetime into a temporal
    # struct in Python, which was the largest single cost of a bulk write (measured).
    row.update(prov_source=prov.source, prov_at=prov.recorded_at.isoformat())
    if prov.row is not None:
        row["prov_row"] = prov.row
    if fields["properties"]:
        row["properties_json"] = json.dumps(fields["properties"], ensure_ascii=False, sort_keys=True)
    return row


def _node_row(node: Node) -> dict[str, Any]:
    return _props(node, skip=())


def _edge_props(edge: Edge) -> dict[str, Any]:
    return _props(edge, skip=("source", "target", "kind"))


def _content(props: dict[str, Any]) -> dict[str, Any]:
    """Properties with provenance left out: what decides whether a write changes anything."""
    return {k: v for k, v in props.items() if k not in _PROVENANCE_KEYS}


def _native(value: Any) -> Any:
    """Neo4j temporal values as Python's, recursively."""
    if isinstance(value, dict):
        return {k: _native(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_native(v) for v in value]
    to_native: Callable[[], Any] | None = getattr(value, "to_native", None)
    return to_native() if to_native is not None else value


def _model_fields(props: dict[str, Any]) -> dict[str, Any]:
    props = _native(props)
    fields = {k: v for k, v in props.items() if k not in _PROVENANCE_KEYS and k != "properties_json"}
    fields["provenance"] = {"source": props["prov_source"], "recorded_at": props["prov_at"], "row": props.get("prov_row")}
    fields["properties"] = json.loads(props["properties_json"]) if "properties_json" in props else {}
    return fields


def _node_from(props: dict[str, Any]) -> Node:
    return NODE_ADAPTER.validate_python(_model_fields(props))  # type: ignore[no-any-return]


def _edge_from(record: neo4j.Record) -> Edge:
    fields = _model_fields(record["props"])
    fields.update(source=record["source"], target=record["target"], kind=record["kind"])
    return EDGE_ADAPTER.validate_python(fields)  # type: ignore[no-any-return]


def _territory_facts(r: neo4j.Record) -> TerritoryFacts:
    units = []
    for unit_type, org_holds, unit_holds, eligible in r["units"]:
        # the organisation signs for its unit; a unit without one signs for itself
        units.append(
            UnitFacts(UnitType(unit_type), bool(org_holds), bool(org_holds[0] if org_holds else unit_holds), eligible is not False)
        )
    centres = [
        CentreFacts(c["id"], c["name"], CentreLevel(c["centre_level"]), c["service_share"], tuple(f for f in SIX_HAVES if not c[f]))
        for c in r["centres"]
    ]
    return TerritoryFacts(
        id=r["id"],
        name=r["name"],
        level=Level(r["level"]),
        parent=r["parent"],
        households=r["households"],
        staff=r["staff"],
        covered=r["covered"],
        linked=sum(households for households, _ in r["heads"]),
        units=tuple(sorted(units)),
        members=dict(Counter(MemberCategory(c) for c in r["categories"])),
        unit_members=dict(Counter(MemberCategory(c) for c in r["unit_categories"])),
        in_service=len(r["in_service"]),
        in_service_reported=sum(1 for reported in r["in_service"] if reported),
        reported_here=r["reported_here"],
        roles=frozenset(MemberRole(role) for role in r["roles"]),
        heads=sum(1 for _, party in r["heads"] if party),
        resident_heads=sum(1 for _, party in r["heads"] if not party),
        population=r["population"],
        upgraded=bool(r["upgraded"]),
        centres=tuple(sorted(centres)),
        abandoned=bool(r["abandoned"]),
        managers=tuple(sorted(UnitType(t) for t in r["managers"])),
    )


def _chain_facts(r: neo4j.Record) -> ChainFacts:
    org = r["organisation"]
    units = [
        ScopeUnit(i, name, UnitType(t), _org_facts(orgs[0]) if orgs else None, _post_facts(posts), eligible=eligible, members=members)
        for i, name, t, orgs, posts, eligible, members in r["units"]
    ]
    return ChainFacts(
        id=r["id"],
        organisation=_org_facts(org) if org is not None else None,
        heads=tuple(sorted((HeadFacts(i, name, households) for i, name, households in r["heads"]), key=lambda h: h.id)),
        units=tuple(sorted(units, key=lambda u: (u.name, u.id))),
        in_service=tuple(sorted(InServiceFacts(i, name, _native(since), reported) for i, name, since, reported in r["in_service"])),
    )


def _org_facts(o: dict[str, Any]) -> OrgFacts:
    parent = o["parent"][0] if o["parent"] else None
    agreements = [
        AgreementFacts(
            id=a["id"],
            signed_on=_native(a["signed_on"]),
            expires_on=_native(a["expires_on"]),
            parties_on_day=frozenset(a["on_day"]),
            parties=tuple(sorted((_party(p) for p in a["parties"]), key=lambda p: p.id)),
        )
        for a in o["agreements"]
    ]
    return OrgFacts(
        id=o["id"],
        name=o["name"],
        level=Level(o["level"]),
        form=OrgForm(o["form"]),
        members=o["members"] or 0,
        upgraded=bool(o["upgraded"]),
        parent=OrgRef(parent["id"], parent["name"], Level(parent["level"])) if parent is not None else None,
        seats=o["seats"],
        agreements=tuple(sorted(agreements, key=lambda a: a.id)),
        posts=_post_facts(o["posts"]),
    )


def _post_facts(posts: list[dict[str, Any]]) -> tuple[PostFacts, ...]:
    found = [
        PostFacts(
            p["id"],
            PostKind(p["post"]),
            p["person"],
            p["holder"][0] if p["holder"] else None,
            _native(p["valid_from"]),
            _native(p["valid_to"]),
        )
        for p in posts
    ]
    return tuple(sorted(found, key=lambda f: f.id))


def _party(p: dict[str, Any]) -> PartyRef:
    """Named as :func:`graph.scope.label` names a node."""
    kind = NodeKind(p["kind"])
    if kind is NodeKind.SEAT:
        name = p["person"] or f"席位 {p['id']}"
    elif kind is NodeKind.AGREEMENT:
        name = f"共建协议 {p['id']}"
    else:
        name = p["name"]
    return PartyRef(p["id"], kind, name)


def _facts_from(props: dict[str, Any]) -> NodeFacts:
    return facts_of(_node_from(props))
