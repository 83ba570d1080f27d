"""MemoryStore: the embedded store, networkx in process, persisted to a data folder.

The graph is a ``networkx.DiGraph`` keyed by node id. To hold a city of a million
households in a few hundred megabytes, node and edge data are packed tuples rather than
dicts, and what many of them share (provenance, edge data without a row) is one object.
Read nodes and edges through the store, which turns them back into models.

Persistence is a snapshot plus a journal in the data folder. Every write is appended to
the journal (framed and checksummed, flushed to disk) before it is applied; the snapshot
is rewritten by atomic replace when the journal grows large and on close. At start the
snapshot is loaded and the journal replayed up to its last whole frame, so a crash at any
point leaves the last good write.
"""

from __future__ import annotations

import fcntl
import gc
import os
import pickle
import struct
import threading
import zlib
from collections import Counter
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Any

import networkx as nx
from pydantic import ValidationError

from graph.errors import GraphError, InvariantViolation, StoreBusy, StoreDamaged, UnknownNode, WrongKind
from graph.files import atomic_write
from graph.invariants import FUNCTIONAL, NodeFacts, check, facts_of
from graph.model import (
    EDGE_MODELS,
    NODE_MODELS,
    Batch,
    Edge,
    EdgeKind,
    EdgeRef,
    MemberCategory,
    Node,
    NodeKind,
    Provenance,
)
from graph.store import (
    AgreementFacts,
    ChainFacts,
    Direction,
    HeadFacts,
    ImportRecord,
    OrgFacts,
    OrgRef,
    PartyRef,
    ScopeUnit,
    TerritoryFacts,
    UnitFacts,
    WriteSummary,
)

__all__ = ["MemoryStore"]

SNAPSHOT = "graph.snapshot"
JOURNAL = "graph.journal"
LEDGER = "imports.jsonl"
_FORMAT = 2  # 2: levels by name
_FRAME = struct.Struct("<II")  # payload length, crc32
_COMPACT_AT = 64 * 1024 * 1024  # journal bytes that trigger a new snapshot

# Packed layout. Nodes: (NodeFacts, (source, recorded_at), row, *fields), the facts being the
# shared object graph.invariants.facts_of gives, so the rules read a node without unpacking it.
# Edges: (kind, (source, recorded_at), row, *fields).
_HEAD = 3
_NODE_FIELDS = {k: tuple(f for f in m.model_fields if f not in ("id", "kind", "provenance")) for k, m in NODE_MODELS.items()}
_EDGE_FIELDS = {k: tuple(f for f in m.model_fields if f not in ("source", "target", "kind", "provenance")) for k, m in EDGE_MODELS.items()}
assert all(f[0] == "properties" for f in (*_NODE_FIELDS.values(), *_EDGE_FIELDS.values()))
assert all(f[1:3] == ("valid_from", "valid_to") for f in _EDGE_FIELDS.values())
_FROM, _TO = _HEAD + 1, _HEAD + 2  # where every packed edge keeps its term


def _at(kind: NodeKind, name: str) -> int:
    """Where a packed node of a kind keeps one field."""
    return _HEAD + _NODE_FIELDS[kind].index(name)


_T_NAME, _T_LEVEL = _at(NodeKind.TERRITORY, "name"), _at(NodeKind.TERRITORY, "level")
_T_HOUSEHOLDS, _T_STAFF = _at(NodeKind.TERRITORY, "households"), _at(NodeKind.TERRITORY, "staff")
_M_CATEGORY, _M_HOUSEHOLDS = _at(NodeKind.MEMBER, "category"), _at(NodeKind.MEMBER, "households")
_U_TYPE = _at(NodeKind.UNIT, "unit_type")
_A_SIGNED, _A_EXPIRES = _at(NodeKind.AGREEMENT, "signed_on"), _at(NodeKind.AGREEMENT, "expires_on")
_M_NAME, _U_NAME = _at(NodeKind.MEMBER, "name"), _at(NodeKind.UNIT, "name")
_O_NAME, _O_LEVEL, _O_FORM = _at(NodeKind.ORGANISATION, "name"), _at(NodeKind.ORGANISATION, "level"), _at(NodeKind.ORGANISATION, "form")
_O_MEMBERS, _O_UPGRADED = _at(NodeKind.ORGANISATION, "members"), _at(NodeKind.ORGANISATION, "upgraded")
_S_FROM, _S_TO, _S_PERSON = _at(NodeKind.SEAT, "valid_from"), _at(NodeKind.SEAT, "valid_to"), _at(NodeKind.SEAT, "person")
_FACTS_KEPT = 256  # scope-and-day answers kept between writes


class MemoryStore:
    """The embedded graph store (networkx); ``data_dir=None`` keeps it in memory only."""

    def __init__(self, data_dir: Path | str | None = None, *, durable: bool = True) -> None:
        self._graph = nx.DiGraph()
        self._lock = threading.RLock()
        self._shared: dict[Any, Any] = {}
        self._last_prov: Provenance | None = None
        self._last_origin: tuple[str, Any] = ("", None)
        self._seq = 0
        self._version = 0  # moves on every change to the graph, undone ones included: what cached answers are keyed by
        self._facts_cache: dict[tuple[str, date], list[TerritoryFacts]] = {}
        self._chain_cache: dict[tuple[str, date], list[ChainFacts]] = {}
        self._facts_version = -1
        self._durable = durable
        self._dir = Path(data_dir) if data_dir is not None else None
        self._journal: Any = None
        self._imports: list[ImportRecord] = []
        if self._dir is not None:
            self._dir.mkdir(parents=True, exist_ok=True)
            self._journal = _locked_journal(self._dir / JOURNAL)
            try:
                self._load()
                self._load_ledger()
            except (pickle.UnpicklingError, ValueError, KeyError, AttributeError, EOFError) as exc:
                self._journal.close()
                raise StoreDamaged(
                    f"the data folder {self._dir} could not be read ({type(exc).__name__}: {exc}); it was written by "
                    "another version of grassroots-graph or is damaged: move it aside and load the network again"
                ) from exc

    @property
    def graph(self) -> nx.DiGraph:
        """The underlying networkx graph, for algorithms that only read its structure."""
        return self._graph

    # -- writing ---------------------------------------------------------------------------

    def write(self, batch: Batch) -> WriteSummary:
        with self._lock, _collector_paused():
            self._check_open()
            ops, summary = self._checked_plan(batch)
            if ops:
                self._seq += 1
                self._log(self._seq, ops)
                self._apply(ops)
                self._maybe_compact()
            return summary

    def write_all(self, batches: Iterable[Batch], *, dry_run: bool = False) -> WriteSummary:
        """Each batch is checked against the ones before it and applied; if any is refused, or
        the batches stop with an error (or it is a dry run), every one already applied is undone.

        Each batch is journalled as it goes, as a frame of one group; only the group's final
        frame makes it count, so a crash half way leaves it out on restart, and the journal
        never holds the whole import in memory at once.
        """
        with self._lock, _collector_paused():
            self._check_open()
            total = WriteSummary()
            undo: list[tuple[Any, ...]] = []
            self._seq += 1  # the group's number, used up even if the group fails
            group, logged = self._seq, False
            try:
                for batch in batches:
                    ops, summary = self._checked_plan(batch)
                    for op in ops:
                        undo.extend(reversed(self._inverse(op)))
                        self._apply((op,))
                    total.add(summary)
                    if ops and not dry_run:
                        self._log(group, ops, final=False)
                        logged = True
                if dry_run:
                    self._apply(reversed(undo))
                    return total
                if logged:
                    self._log(group, [], final=True)
            except BaseException:
                self._apply(reversed(undo))
                raise
            self._maybe_compact()
            return total

    def _checked_plan(self, batch: Batch) -> tuple[list[tuple[Any, ...]], WriteSummary]:
        """The batch's operations against the graph as it is now; InvariantViolation if it breaks a rule."""
        violations = check(batch, self)
        if violations:
            raise InvariantViolation(violations)
        return self._plan(batch)

    def _check_open(self) -> None:
        if self._dir is not None and self._journal is None:
            raise GraphError(f"the store on {self._dir} is closed: a write now would not be kept")

    def _inverse(self, op: tuple[Any, ...]) -> list[tuple[Any, ...]]:
        """The operations that undo ``op`` from the state just before it, in the order to run them."""
        g = self._graph
        tag = op[0]
        if tag == "N":
            old = g._node.get(op[1])
            return [("n", op[1])] if old is None else [("N", op[1], old)]
        if tag == "E":
            old = g._succ[op[1]].get(op[2])
            return [("e", op[1], op[2])] if old is None else [("E", op[1], op[2], old)]
        if tag == "e":
            return [("E", op[1], op[2], g._succ[op[1]][op[2]])]
        node_id = op[1]  # "n": the node comes back with every edge it had
        restore: list[tuple[Any, ...]] = [("N", node_id, g._node[node_id])]
        restore += [("E", node_id, v, d) for v, d in g._succ[node_id].items()]
        restore += [("E", u, node_id, d) for u, d in g._pred[node_id].items()]
        return restore

    def clear(self) -> None:
        with self._lock:
            self._graph = nx.DiGraph()
            self._shared.clear()
            self._imports.clear()
            self._seq += 1
            self._version += 1
            if self._dir is not None:
                self._snapshot()
                (self._dir / LEDGER).unlink(missing_ok=True)

    def _coverer_on(self, node_id: str, day: date) -> str | None:
        """The organisation covering a territory or unit on a day, from the packed edges."""
        nodes = self._graph._node
        incoming: dict[str, tuple[Any, ...]] = self._graph._pred[node_id]  # networkx is untyped: name what it holds
        for src, d in incoming.items():
            if d[0] is EdgeKind.COVERS and _valid_on(d, day) and nodes[src][0].kind is NodeKind.ORGANISATION:
                return src
        return None

    def record_import(self, record: ImportRecord) -> None:
        with self._lock:
            self._check_open()
            if self._dir is not None:
                with open(self._dir / LEDGER, "a", encoding="utf-8") as f:
                    f.write(record.model_dump_json() + "\n")
                    f.flush()
                    if self._durable:
                        os.fsync(f.fileno())
            self._imports.append(record)

    def imports(self, limit: int = 100) -> list[ImportRecord]:
        with self._lock:
            return self._imports[::-1][:limit]

    def _load_ledger(self) -> None:
        assert self._dir is not None
        ledger = self._dir / LEDGER
        if ledger.exists():
            for line in ledger.read_text(encoding="utf-8").splitlines():
                if line.strip():  # a line cut off by a crash does not parse: that entry never happened
                    try:
                        self._imports.append(ImportRecord.model_validate_json(line))
                    except ValidationError:
                        continue

    def close(self) -> None:
        with self._lock:
            if self._journal is not None:
                if self._journal.tell() > 0:
                    self._snapshot()
                self._journal.close()
                self._journal = None

    def _plan(self, batch: Batch) -> tuple[list[tuple[Any, ...]], WriteSummary]:
        """The operations that carry out a checked batch, and what they amount to."""
        node_data, succ = self._graph._node, self._graph._succ
        created: Counter[str] = Counter()
        updated: Counter[str] = Counter()
        unchanged: Counter[str] = Counter()
        removed: Counter[str] = Counter()
        ops: list[tuple[Any, ...]] = []
        gone: set[str] = set()
        gone_edges: set[tuple[str, str]] = set()
        for ref in batch.remove_edges:
            data = succ.get(ref.source, {}).get(ref.target)
            if data is not None and data[0] is ref.kind:
                ops.append(("e", ref.source, ref.target))
                gone_edges.add((ref.source, ref.target))
                removed[ref.kind] += 1
        for node_id in batch.remove_nodes:
            packed = node_data.get(node_id)
            if packed is not None and node_id not in gone:
                ops.append(("n", node_id))
                gone.add(node_id)
                removed[packed[0].kind] += 1
        for node in batch.nodes:
            packed = self._pack_node(node)
            old = None if node.id in gone else node_data.get(node.id)
            if old is None:
                created[node.kind] += 1
            elif old[_HEAD:] == packed[_HEAD:]:
                unchanged[node.kind] += 1
                continue
            else:
                updated[node.kind] += 1
            ops.append(("N", node.id, packed))

        def current(u: str, v: str) -> tuple[Any, ...] | None:
            if u in gone or v in gone or (u, v) in gone_edges:
                return None
            edge: tuple[Any, ...] | None = succ[u].get(v)
            return edge

        for edge in batch.edges:
            u, v, kind = edge.source, edge.target, edge.kind
            data = self._pack_edge(edge)
            old = None
            if succ.get(u):  # the source has edges already: this one may exist, or replace another
                if kind in FUNCTIONAL:
                    for w, other in list(succ[u].items()):
                        if other[0] is kind and w != v and current(u, w) is not None:
                            ops.append(("e", u, w))
                            gone_edges.add((u, w))
                old = current(u, v)
            if old is None:
                created[kind] += 1
            elif old[_HEAD:] == data[_HEAD:]:
                unchanged[kind] += 1
                continue
            else:
                updated[kind] += 1
            ops.append(("E", u, v, data))
        return ops, WriteSummary.from_counts(created=created, updated=updated, unchanged=unchanged, removed=removed)

    def _apply(self, ops: Iterable[tuple[Any, ...]]) -> None:
        g = self._graph
        node_data, succ, pred = g._node, g._succ, g._pred
        for op in ops:
            tag = op[0]
            if tag == "N":
                _, node_id, packed = op
                if node_id not in node_data:
                    succ[node_id] = {}
                    pred[node_id] = {}
                node_data[node_id] = packed
            elif tag == "E":
                _, u, v, data = op
                succ[u][v] = data
                pred[v][u] = data
            elif tag == "e":
                _, u, v = op
                del succ[u][v]
                del pred[v][u]
            else:  # "n"
                g.remove_node(op[1])
        g.__networkx_cache__.clear()
        self._version += 1

    # -- reading ---------------------------------------------------------------------------

    def node(self, node_id: str) -> Node:
        with self._lock:  # reads wait for a write in progress, so none sees half of one
            packed = self._graph._node.get(node_id)
        if packed is None:
            raise UnknownNode(node_id)
        return _unpack_node(node_id, packed)

    def has_node(self, node_id: str) -> bool:
        with self._lock:
            return node_id in self._graph._node

    def nodes(self, kind: NodeKind | None = None) -> Iterator[Node]:
        with self._lock:
            items = list(self._graph._node.items())
        for node_id, packed in items:
            if kind is None or packed[0].kind is kind:
                yield _unpack_node(node_id, packed)

    def edges(self, kind: EdgeKind | None = None) -> Iterator[Edge]:
        with self._lock:
            items = [(u, v, d) for u, nbrs in self._graph._succ.items() for v, d in nbrs.items()]
        for u, v, data in items:
            if kind is None or data[0] is kind:
                yield _unpack_edge(u, v, data)

    def edges_of(self, node_id: str, *, kind: EdgeKind | None = None, direction: Direction = Direction.OUT) -> list[Edge]:
        adjacency = self._graph._succ if direction is Direction.OUT else self._graph._pred
        with self._lock:
            neighbours = adjacency.get(node_id)
            if neighbours is None:
                raise UnknownNode(node_id)
            found = list(neighbours.items())
        out = direction is Direction.OUT
        return [
            _unpack_edge(node_id, other, data) if out else _unpack_edge(other, node_id, data)
            for other, data in found
            if kind is None or data[0] is kind
        ]

    def territory_facts(self, territory_id: str, *, day: date) -> list[TerritoryFacts]:
        """Read straight from the packed tuples, no model built; the answer is kept, per scope and
        day, until the next change to the graph (an invalidate-on-write cache: the first read after
        a write walks the scope again, later ones cost a dictionary look-up)."""
        with self._lock:
            self._drop_stale_facts()
            key = (territory_id, day)
            found = self._facts_cache.get(key)
            if found is None:
                found = self._walk_facts(territory_id, day)
                if len(self._facts_cache) >= _FACTS_KEPT:
                    self._facts_cache.clear()
                self._facts_cache[key] = found
            return list(found)

    def _drop_stale_facts(self) -> None:
        if self._facts_version != self._version:
            self._facts_cache.clear()
            self._chain_cache.clear()
            self._facts_version = self._version

    def chain_facts(self, territory_id: str, *, day: date) -> list[ChainFacts]:
        """Read straight from the packed tuples over the territories :meth:`territory_facts` keeps,
        and kept the same way until the next change to the graph."""
        with self._lock:
            self._drop_stale_facts()
            key = (territory_id, day)
            found = self._chain_cache.get(key)
            if found is None:
                found = self._walk_chain([f.id for f in self.territory_facts(territory_id, day=day)], day)
                if len(self._chain_cache) >= _FACTS_KEPT:
                    self._chain_cache.clear()
                self._chain_cache[key] = found
            return list(found)

    def _walk_chain(self, territories: list[str], day: date) -> list[ChainFacts]:
        nodes, succ, pred = self._graph._node, self._graph._succ, self._graph._pred
        organisation, signed_by = NodeKind.ORGANISATION, EdgeKind.SIGNED_BY

        def valid(d: tuple[Any, ...]) -> bool:
            return _valid_on(d, day)

        def coverer(node_id: str) -> str | None:
            return self._coverer_on(node_id, day)

        def party(node_id: str) -> PartyRef:
            p = nodes[node_id]
            kind = p[0].kind
            if kind is NodeKind.SEAT:
                name = p[_S_PERSON] or f"席位 {node_id}"
            elif kind is NodeKind.AGREEMENT:
                name = f"共建协议 {node_id}"
            else:
                name = p[_HEAD + _NODE_FIELDS[kind].index("name")]
            return PartyRef(node_id, kind, name)

        def agreement(a_id: str) -> AgreementFacts:
            a = nodes[a_id]
            signed = [(v, d) for v, d in succ[a_id].items() if d[0] is signed_by]
            return AgreementFacts(
                id=a_id,
                signed_on=a[_A_SIGNED],
                expires_on=a[_A_EXPIRES],
                parties_on_day=frozenset(v for v, d in signed if valid(d)),
                parties=tuple(party(v) for v in sorted(v for v, _ in signed)),
            )

        def org_facts(org_id: str) -> OrgFacts:
            o = nodes[org_id]
            parent = next(
                (v for v, d in succ[org_id].items() if d[0] is EdgeKind.REPORTS_TO and valid(d) and nodes[v][0].kind is organisation), None
            )
            seats = 0
            for src, d in pred[org_id].items():
                if d[0] is EdgeKind.SEAT_ON and valid(d):
                    seat = nodes[src]
                    if (
                        seat[0].kind is NodeKind.SEAT
                        and (seat[_S_FROM] is None or seat[_S_FROM] <= day)
                        and (seat[_S_TO] is None or day <= seat[_S_TO])
                    ):
                        seats += 1
            signed = sorted(src for src, d in pred[org_id].items() if d[0] is signed_by and nodes[src][0].kind is NodeKind.AGREEMENT)
            return OrgFacts(
                id=org_id,
                name=o[_O_NAME],
                level=o[_O_LEVEL],
                form=o[_O_FORM],
                members=o[_O_MEMBERS],
                upgraded=o[_O_UPGRADED],
                parent=OrgRef(parent, nodes[parent][_O_NAME], nodes[parent][_O_LEVEL]) if parent is not None else None,
                seats=seats,
                agreements=tuple(agreement(a) for a in signed),
            )

        out: list[ChainFacts] = []
        for tid in territories:
            heads: list[HeadFacts] = []
            units: list[ScopeUnit] = []
            for src, d in pred[tid].items():
                kind = d[0]
                if kind is EdgeKind.SERVES:
                    m = nodes[src]
                    if m[0].kind is NodeKind.MEMBER and m[0].household_head and valid(d):
                        heads.append(HeadFacts(src, m[_M_NAME], m[_M_HOUSEHOLDS]))
                elif kind is EdgeKind.LOCATED_IN and nodes[src][0].kind is NodeKind.UNIT and valid(d):
                    u = nodes[src]
                    unit_org = coverer(src)
                    units.append(ScopeUnit(src, u[_U_NAME], u[_U_TYPE], org_facts(unit_org) if unit_org is not None else None))
            org = coverer(tid)
            out.append(
                ChainFacts(
                    id=tid,
                    organisation=org_facts(org) if org is not None else None,
                    heads=tuple(sorted(heads, key=lambda h: h.id)),
                    units=tuple(sorted(units, key=lambda u: (u.name, u.id))),
                )
            )
        return out

    def _walk_facts(self, root: str, day: date) -> list[TerritoryFacts]:
        nodes, succ, pred = self._graph._node, self._graph._succ, self._graph._pred
        packed = nodes.get(root)
        if packed is None:
            raise UnknownNode(root)
        if packed[0].kind is not NodeKind.TERRITORY:
            raise WrongKind(f"{root} is of kind {packed[0].kind.value}, not a territory")
        territory, organisation, member = NodeKind.TERRITORY, NodeKind.ORGANISATION, NodeKind.MEMBER
        within, covers, serves, located_in = EdgeKind.WITHIN, EdgeKind.COVERS, EdgeKind.SERVES, EdgeKind.LOCATED_IN

        def valid(d: tuple[Any, ...]) -> bool:
            return _valid_on(d, day)

        def coverer(node_id: str) -> str | None:
            return self._coverer_on(node_id, day)

        def serves_somewhere(member_id: str) -> bool:
            return any(d[0] is serves and valid(d) for d in succ[member_id].values())

        def in_agreement(party: str) -> bool:
            for src, d in pred[party].items():
                if d[0] is EdgeKind.SIGNED_BY and valid(d):
                    a = nodes[src]
                    if a[0].kind is NodeKind.AGREEMENT and a[_A_SIGNED] <= day and (a[_A_EXPIRES] is None or day <= a[_A_EXPIRES]):
                        return True
            return False

        out: list[TerritoryFacts] = []
        seen: set[str] = set()
        stack: list[tuple[str, str | None]] = [(root, None)]
        while stack:
            tid, parent = stack.pop()
            if tid in seen:
                continue  # a cycle the invariants should have refused; never loop on it
            seen.add(tid)
            t = nodes[tid]
            covered_by: str | None = None
            linked = 0
            serving: list[str] = []
            units: list[UnitFacts] = []
            for src, d in pred[tid].items():
                kind = d[0]
                if kind is within:
                    if nodes[src][0].kind is territory and valid(d):
                        stack.append((src, tid))
                elif kind is covers:
                    if covered_by is None and valid(d) and nodes[src][0].kind is organisation:
                        covered_by = src
                elif kind is serves:
                    facts = nodes[src][0]
                    if facts.kind is member and valid(d):
                        serving.append(src)
                        if facts.household_head:
                            linked += nodes[src][_M_HOUSEHOLDS]
                elif kind is located_in and nodes[src][0].kind is NodeKind.UNIT and valid(d):
                    unit_org = coverer(src)
                    units.append(UnitFacts(nodes[src][_U_TYPE], unit_org is not None, in_agreement(unit_org or src)))
            categories: Counter[MemberCategory] = Counter(nodes[m][_M_CATEGORY] for m in serving)
            if covered_by is not None:
                counted = set(serving)
                categories.update(
                    nodes[m][_M_CATEGORY]
                    for m, d in pred[covered_by].items()
                    if d[0] is EdgeKind.MEMBER_OF
                    and valid(d)
                    and nodes[m][0].kind is member
                    and m not in counted
                    and not serves_somewhere(m)
                )
            out.append(
                TerritoryFacts(
                    id=tid,
                    name=t[_T_NAME],
                    level=t[_T_LEVEL],
                    parent=parent,
                    households=t[_T_HOUSEHOLDS],
                    staff=t[_T_STAFF],
                    covered=covered_by is not None,
                    linked=linked,
                    units=tuple(sorted(units)),
                    members=dict(categories),
                )
            )
        return out

    def count(self, kind: NodeKind | None = None) -> int:
        with self._lock:
            if kind is None:
                return len(self._graph._node)
            return sum(1 for packed in self._graph._node.values() if packed[0].kind is kind)

    def count_edges(self, kind: EdgeKind | None = None) -> int:
        with self._lock:  # a write in another thread must not change the dicts under the count
            if kind is None:
                edges: int = self._graph.number_of_edges()
                return edges
            return sum(1 for nbrs in self._graph._succ.values() for d in nbrs.values() if d[0] is kind)

    # -- facts for the invariants (graph.invariants.Facts) ------------------------------------

    def facts(self, node_id: str) -> NodeFacts | None:
        packed = self._graph._node.get(node_id)
        return None if packed is None else packed[0]

    def target(self, source: str, kind: EdgeKind) -> str | None:
        outgoing: dict[str, tuple[Any, ...]] = self._graph._succ.get(source, {})
        for v, data in outgoing.items():
            if data[0] is kind:
                return v
        return None

    def sources(self, target: str, kind: EdgeKind) -> list[str]:
        return [u for u, data in self._graph._pred.get(target, {}).items() if data[0] is kind]

    def incident(self, node_id: str) -> list[EdgeRef]:
        g = self._graph
        out = [EdgeRef(source=node_id, kind=d[0], target=v) for v, d in g._succ.get(node_id, {}).items()]
        return out + [EdgeRef(source=u, kind=d[0], target=node_id) for u, d in g._pred.get(node_id, {}).items()]

    # -- packing -----------------------------------------------------------------------------

    def _share(self, value: Any) -> Any:
        return self._shared.setdefault(value, value)

    def _origin(self, prov: Provenance) -> tuple[str, Any]:
        """The (source, recorded_at) pair of a provenance, one object for all facts from one source."""
        if prov is self._last_prov:
            return self._last_origin
        self._last_prov, self._last_origin = prov, self._share((prov.source, prov.recorded_at))
        return self._last_origin

    def _pack_node(self, node: Node) -> tuple[Any, ...]:
        fields = node.__dict__
        prov = fields["provenance"]
        packed = (facts_of(node), self._origin(prov), prov.row, *[fields[f] for f in _NODE_FIELDS[fields["kind"]]])
        if not packed[_HEAD]:  # no extra properties, as for most nodes: None costs nothing
            packed = (*packed[:_HEAD], None, *packed[_HEAD + 1 :])
        return packed

    def _pack_edge(self, edge: Edge) -> tuple[Any, ...]:
        fields = edge.__dict__
        prov = fields["provenance"]
        packed = (fields["kind"], self._origin(prov), prov.row, *[fields[f] for f in _EDGE_FIELDS[fields["kind"]]])
        if packed[_HEAD]:
            return packed
        packed = (*packed[:_HEAD], None, *packed[_HEAD + 1 :])
        # Edges alike but for their ends share one data tuple.
        return self._share(packed) if prov.row is None else packed

    # -- persistence -------------------------------------------------------------------------

    def _log(self, seq: int, ops: list[tuple[Any, ...]], *, final: bool = True) -> None:
        """Append a frame; a write counts once its final frame is on disk (fsynced, when durable)."""
        if self._journal is None:
            return
        payload = pickle.dumps((seq, ops, final), protocol=pickle.HIGHEST_PROTOCOL)
        self._journal.write(_FRAME.pack(len(payload), zlib.crc32(payload)) + payload)
        self._journal.flush()
        if self._durable and final:
            os.fsync(self._journal.fileno())

    def _maybe_compact(self) -> None:
        if self._journal is not None and self._journal.tell() > _COMPACT_AT:
            self._snapshot()

    def _snapshot(self) -> None:
        """Write the whole graph to a new snapshot, replace the old one atomically, empty the journal."""
        assert self._dir is not None
        g = self._graph
        state = {"format": _FORMAT, "seq": self._seq, "nodes": g._node, "succ": g._succ}
        with _collector_paused():
            data = pickle.dumps(state, protocol=pickle.HIGHEST_PROTOCOL)
        atomic_write(self._dir / SNAPSHOT, data, durable=self._durable)
        if self._journal is not None:
            self._journal.truncate(0)
            self._journal.seek(0)
        else:
            (self._dir / JOURNAL).write_bytes(b"")

    def _load(self) -> None:
        assert self._dir is not None
        snapshot = self._dir / SNAPSHOT
        if snapshot.exists():
            with _collector_paused():
                state = pickle.loads(snapshot.read_bytes())  # noqa: S301 - the store's own file in its own data folder
                if state.get("format") != _FORMAT:
                    raise ValueError(f"{snapshot} has format {state.get('format')}, this version reads {_FORMAT}")
                self._seq = state["seq"]
                self._apply([("N", i, p) for i, p in state["nodes"].items()])
                self._apply([("E", u, v, d) for u, nbrs in state["succ"].items() for v, d in nbrs.items()])
        journal = self._dir / JOURNAL
        if journal.exists():
            good = 0
            raw = journal.read_bytes()
            applied = last = self._seq
            pending: dict[int, list[tuple[Any, ...]]] = {}
            while good + _FRAME.size <= len(raw):
                size, crc = _FRAME.unpack_from(raw, good)
                payload = raw[good + _FRAME.size : good + _FRAME.size + size]
                if len(payload) < size or zlib.crc32(payload) != crc:
                    break  # a write cut off by a crash: it never happened
                frame = pickle.loads(payload)  # noqa: S301 - the store's own file
                seq, ops, final = frame if len(frame) == 3 else (*frame, True)
                if seq > applied:
                    pending.setdefault(seq, []).extend(ops)
                    if final:
                        self._apply(pending.pop(seq))
                        applied = seq
                last = max(last, seq)
                good += _FRAME.size + size
            self._seq = last  # a group left without its final frame never happened, and its number is not reused
            if good < len(raw):
                with open(journal, "r+b") as f:
                    f.truncate(good)


def _valid_on(data: tuple[Any, ...], day: date) -> bool:
    """Whether a packed edge holds on a day (no term: always)."""
    return (data[_FROM] is None or data[_FROM] <= day) and (data[_TO] is None or day <= data[_TO])


def _locked_journal(path: Path) -> Any:
    """The journal opened for appending, with an exclusive lock that lasts as long as it is open.

    Two processes on one data folder would each keep their own graph and overwrite each
    other's snapshot; the lock makes the second one stop at start instead. The kernel drops
    the lock when the process dies, so a crash never leaves the folder locked.
    """
    journal = open(path, "ab")  # noqa: SIM115 - held open for the store's life
    try:
        fcntl.flock(journal.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        journal.close()
        raise StoreBusy(
            f"the data folder {path.parent} is in use by another grassroots process; stop it first "
            "(or point GRASSROOTS_DATA_DIR at another folder)"
        ) from None
    return journal


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector: a write makes no reference cycles, and on a large
    batch the collections its many new tuples set off cost more than the write itself."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _provenance(shared: tuple[str, Any], row: int | None) -> Provenance:
    return Provenance.model_construct(source=shared[0], recorded_at=shared[1], row=row)


def _unpack_node(node_id: str, packed: tuple[Any, ...]) -> Node:
    kind = packed[0].kind
    values = dict(zip(_NODE_FIELDS[kind], packed[_HEAD:], strict=True))
    values["properties"] = values["properties"] or {}
    return NODE_MODELS[kind].model_construct(id=node_id, kind=kind, provenance=_provenance(packed[1], packed[2]), **values)  # type: ignore[return-value]


def _unpack_edge(source: str, target: str, data: tuple[Any, ...]) -> Edge:
    kind = data[0]
    values = dict(zip(_EDGE_FIELDS[kind], data[_HEAD:], strict=True))
    values["properties"] = values["properties"] or {}
    return EDGE_MODELS[kind].model_construct(  # type: ignore[return-value]
        source=source, target=target, kind=kind, provenance=_provenance(data[1], data[2]), **values
    )
