"""The five operations every write to the embedded store comes down to, and how they run.

A checked batch is planned into operations against the graph as it is (``plan``), each
operation is journalled and then applied (``apply``), and ``inverse`` gives the operations
that undo one, for ``write_all`` and dry runs. The journal holds nothing but these, so they
are what a reader of a journal frame sees.

An operation is a plain tuple headed by an ``Op`` tag, not an object of its own class: a
large import makes hundreds of thousands of them, and on Python 3.11 a tuple is several times
cheaper to build than a NamedTuple and about seven times cheaper to pickle into the journal. The aliases
``PutNode``, ``PutEdge``, ``DropEdge``, ``DropNode`` and ``Note`` give each shape a name for readers and
for mypy, which tells the shapes apart by their tag.

A node's property history (``graph.history``) lives beside the graph, in ``graph.graph[HISTORY]``
(node id -> its change log), so that it is journalled, undone and snapshotted with the write that
made it: ``Note`` sets one node's whole log (its logs are short), and its inverse sets the old one back.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from datetime import date
from enum import StrEnum
from typing import Any, Final, Literal

import networkx as nx

from graph import history
from graph.history import ChangeKind, Log, PropertyChange
from graph.invariants import DROP, FUNCTIONAL, superseded
from graph.memory.packing import HEAD, PackedEdge, PackedNode, Packer, unpack_node
from graph.model import Batch, Node, NodeKind
from graph.store import WriteSummary

__all__ = [
    "HISTORY",
    "LAST_CHANGE",
    "DropEdge",
    "DropNode",
    "Note",
    "Op",
    "Operation",
    "PutEdge",
    "PutNode",
    "apply",
    "inverse",
    "logs",
    "plan",
]

HISTORY = "history"
"""Where the graph's own attribute dict keeps every node's change log (node id -> graph.history log)."""
LAST_CHANGE = "last property change"
"""Where it keeps the latest day a change entry took effect (never lowered by an undo: a later day only costs speed)."""


class Op(StrEnum):
    """What one operation does; the first item of its tuple."""

    PUT_NODE = "put node"  # add a node, or replace the data of one that exists
    PUT_EDGE = "put edge"  # add an edge, or replace the data of one that exists
    DROP_EDGE = "drop edge"  # remove one edge
    DROP_NODE = "drop node"  # remove a node and every edge into or out of it
    NOTE = "note"  # set a node's property history (graph.history), or drop it (None)


PutNode = tuple[Literal[Op.PUT_NODE], str, PackedNode]  # (tag, node id, packed node)
PutEdge = tuple[Literal[Op.PUT_EDGE], str, str, PackedEdge]  # (tag, source, target, packed edge)
DropEdge = tuple[Literal[Op.DROP_EDGE], str, str]  # (tag, source, target)
DropNode = tuple[Literal[Op.DROP_NODE], str]  # (tag, node id)
Note = tuple[Literal[Op.NOTE], str, Log | None]  # (tag, node id, its whole change log)
Operation = PutNode | PutEdge | DropEdge | DropNode | Note

# The members under plain module names: an Enum attribute look-up costs about ten times a
# global one on Python 3.11, and ``apply`` and ``plan`` test a tag for every node and edge.
_FROM, _TO = HEAD + 1, HEAD + 2  # where a packed edge keeps its term
PUT_NODE: Final = Op.PUT_NODE
PUT_EDGE: Final = Op.PUT_EDGE
DROP_EDGE: Final = Op.DROP_EDGE
DROP_NODE: Final = Op.DROP_NODE
NOTE: Final = Op.NOTE


def logs(graph: nx.DiGraph) -> dict[str, Log]:
    """Every node's change log, kept in the graph's attribute dict."""
    found: dict[str, Log] = graph.graph.setdefault(HISTORY, {})
    return found


class _Logbook:
    """The change logs a plan writes, as they will be once its operations have run; it interns the
    one-entry log of a creation, which most nodes' whole log is, so a million nodes share a few."""

    def __init__(self, graph: nx.DiGraph, day: date) -> None:
        self.kept = logs(graph)
        self.day = day
        self.pending: dict[str, Log | None] = {}
        self._created: dict[tuple[NodeKind, str | None], Log] = {}

    def log(self, node_id: str) -> Log:
        if node_id in self.pending:
            return self.pending[node_id] or ()
        return self.kept.get(node_id, ())

    def note(self, ops: list[Operation], node_id: str, log: Log) -> None:
        self.pending[node_id] = log
        ops.append((NOTE, node_id, log))

    def created(self, ops: list[Operation], node: Node) -> None:
        log = self.log(node.id)
        source = node.provenance.source
        if log:
            found = history.written(log, None, {}, day=self.day, kind=node.kind, source=source)
            assert found is not None
            self.note(ops, node.id, found[0])
            return
        key = (node.kind, source)
        shared = self._created.get(key)
        if shared is None:
            shared = self._created[key] = (PropertyChange(self.day, ChangeKind.CREATED, node.kind, {}, source),)
        self.note(ops, node.id, shared)

    def later(self, node_id: str) -> bool:
        """Whether the node's log holds an entry after the write's day (a backdated write must merge)."""
        log = self.log(node_id)
        return bool(log) and log[-1].day > self.day


def _fields(node_id: str, packed: PackedNode) -> dict[str, Any]:
    return history.fields_of(unpack_node(node_id, packed))


def plan(graph: nx.DiGraph, batch: Batch, *, packer: Packer, day: date | None = None) -> tuple[list[Operation], WriteSummary]:
    """The operations that carry out a checked batch on the graph as it is, and what they amount to.

    Removals come first, then nodes, then edges, as the batch's own order has them; a node or
    edge written exactly as it is already held makes no operation and counts as unchanged. Each
    node created, changed or removed has its change log noted, the change taking effect on ``day``.
    """
    node_data, succ = graph._node, graph._succ
    created: Counter[str] = Counter()
    updated: Counter[str] = Counter()
    unchanged: Counter[str] = Counter()
    removed: Counter[str] = Counter()
    ops: list[Operation] = []
    gone: set[str] = set()
    gone_edges: set[tuple[str, str]] = set()
    closed: dict[tuple[str, str], PackedEdge] = {}  # edges this write has closed, as they now are
    for ref in batch.remove_edges:
        data = succ.get(ref.source, {}).get(ref.target)
        if data is not None and data[0] is ref.kind:
            ops.append((DROP_EDGE, ref.source, ref.target))
            gone_edges.add((ref.source, ref.target))
            removed[ref.kind] += 1
    day = history.effective_day(day)
    book = _Logbook(graph, day)
    for node_id in batch.remove_nodes:
        packed = node_data.get(node_id)
        if packed is not None and node_id not in gone:
            ops.append((DROP_NODE, node_id))
            gone.add(node_id)
            removed[packed[0].kind] += 1
            tomb = history.removed(book.log(node_id), _fields(node_id, packed), day=day, kind=packed[0].kind)
            book.note(ops, node_id, tomb)
    for node in batch.nodes:
        packed = packer.node(node)
        old = None if node.id in gone else node_data.get(node.id)
        if old is None:
            created[node.kind] += 1
            book.created(ops, node)
        elif old[HEAD:] == packed[HEAD:] and not book.later(node.id):
            unchanged[node.kind] += 1
            continue
        else:
            held = _fields(node.id, old)
            found = history.written(
                book.log(node.id), held, history.fields_of(node), day=day, kind=node.kind, source=node.provenance.source
            )
            if found is None:
                unchanged[node.kind] += 1
                continue
            log, now = found
            updated[node.kind] += 1
            book.note(ops, node.id, log)
            if now == held:
                continue  # a backdated change a later one overrides: the history alone changes
            if now != history.fields_of(node):
                packed = packer.node(history.node_from(node, now))
        ops.append((PUT_NODE, node.id, packed))

    def current(u: str, v: str) -> PackedEdge | None:
        """The edge u→v as it will be once the operations so far have run."""
        if u in gone or v in gone or (u, v) in gone_edges:
            return None
        edge: PackedEdge | None = succ[u].get(v)  # networkx is untyped: name what it holds
        return closed.get((u, v), edge) if edge is not None else None

    for edge in batch.edges:
        u, v, kind = edge.source, edge.target, edge.kind
        data = packer.edge(edge)
        old = None
        if succ.get(u):  # the source has edges already: this one may exist, or replace another
            if kind in FUNCTIONAL:
                for w, other in list(succ[u].items()):
                    if other[0] is not kind or w == v or current(u, w) is None:
                        continue
                    other = closed.get((u, w), other)
                    ends = superseded(edge.valid_from, other[_FROM], other[_TO])
                    if ends is DROP:
                        ops.append((DROP_EDGE, u, w))
                        gone_edges.add((u, w))
                    elif ends != other[_TO]:  # in force the day before the new one starts: closed then, kept as history
                        other = closed[(u, w)] = (*other[:_TO], ends, *other[_TO + 1 :])
                        ops.append((PUT_EDGE, u, w, other))
                        updated[kind] += 1
            old = current(u, v)
        if old is None:
            created[kind] += 1
        elif old[HEAD:] == data[HEAD:]:
            unchanged[kind] += 1
            continue
        else:
            updated[kind] += 1
        ops.append((PUT_EDGE, u, v, data))
    return ops, WriteSummary.from_counts(created=created, updated=updated, unchanged=unchanged, removed=removed)


def inverse(graph: nx.DiGraph, op: Operation) -> list[Operation]:
    """The operations that undo ``op`` from the state just before it, in the order to run them."""
    node_data, succ, pred = graph._node, graph._succ, graph._pred
    if op[0] is NOTE:
        return [(NOTE, op[1], logs(graph).get(op[1]))]
    if op[0] is PUT_NODE:
        old = node_data.get(op[1])
        return [(DROP_NODE, op[1])] if old is None else [(PUT_NODE, op[1], old)]
    if op[0] is PUT_EDGE:
        old = succ[op[1]].get(op[2])
        return [(DROP_EDGE, op[1], op[2])] if old is None else [(PUT_EDGE, op[1], op[2], old)]
    if op[0] is DROP_EDGE:
        return [(PUT_EDGE, op[1], op[2], succ[op[1]][op[2]])]
    node_id = op[1]  # a dropped node comes back with every edge it had
    restore: list[Operation] = [(PUT_NODE, node_id, node_data[node_id])]
    restore += [(PUT_EDGE, node_id, v, d) for v, d in succ[node_id].items()]
    restore += [(PUT_EDGE, u, node_id, d) for u, d in pred[node_id].items()]
    return restore


def apply(graph: nx.DiGraph, ops: Iterable[Operation]) -> None:
    """Run operations on the graph, writing its adjacency dicts directly.

    networkx's ``add_node``/``add_edge`` would copy each packed tuple into an attribute dict;
    the store keeps the tuple itself as the node's or edge's data, which is what makes it small.
    """
    node_data, succ, pred = graph._node, graph._succ, graph._pred
    for op in ops:
        if op[0] is PUT_NODE:
            _, node_id, packed = op
            if node_id not in node_data:
                succ[node_id] = {}
                pred[node_id] = {}
            node_data[node_id] = packed
        elif op[0] is PUT_EDGE:
            _, u, v, data = op
            succ[u][v] = data
            pred[v][u] = data
        elif op[0] is DROP_EDGE:
            _, u, v = op
            del succ[u][v]
            del pred[v][u]
        elif op[0] is DROP_NODE:
            graph.remove_node(op[1])
        elif op[0] is NOTE:
            _, node_id, log = op
            kept = logs(graph)
            if log:
                kept[node_id] = log
                if len(log) == 1 and log[0].what is ChangeKind.CREATED:
                    continue  # most logs: a creation, which changes no one's fields
                last = history.last_changed(log)
                if last is not None and (graph.graph.get(LAST_CHANGE) is None or last > graph.graph[LAST_CHANGE]):
                    graph.graph[LAST_CHANGE] = last
            else:
                kept.pop(node_id, None)
        else:  # a journal written by another version of the store
            raise ValueError(f"not an operation this store knows: {op!r}")
    graph.__networkx_cache__.clear()
