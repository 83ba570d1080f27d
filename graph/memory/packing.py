"""How the embedded store keeps nodes and edges: packed tuples, not models or dicts.

To hold a city of a million households in a few hundred megabytes, node and edge data are
tuples rather than dicts, and what many of them share (provenance, edge data without a row)
is one object. This module packs models into those tuples and turns them back into models;
it also names where each field sits, so the fast reads in ``facts`` index a tuple directly.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from typing import Any

from graph.invariants import facts_of
from graph.model import EDGE_MODELS, NODE_MODELS, Edge, Node, NodeKind, Provenance

__all__ = [
    "EDGE_FIELDS",
    "HEAD",
    "NODE_FIELDS",
    "PackedEdge",
    "PackedNode",
    "Packer",
    "at",
    "collector_paused",
    "unpack_edge",
    "unpack_node",
    "valid_on",
]

# Packed layout. Nodes: (NodeFacts, (source, recorded_at), row, *fields), the facts being the
# shared object graph.invariants.facts_of gives, so the rules read a node without unpacking it.
# Edges: (kind, (source, recorded_at), row, *fields).
PackedNode = tuple[Any, ...]
PackedEdge = tuple[Any, ...]

HEAD = 3  # the fields every packed tuple starts with; a model's own fields follow
NODE_FIELDS = {k: tuple(f for f in m.model_fields if f not in ("id", "kind", "provenance")) for k, m in NODE_MODELS.items()}
EDGE_FIELDS = {k: tuple(f for f in m.model_fields if f not in ("source", "target", "kind", "provenance")) for k, m in EDGE_MODELS.items()}
assert all(f[0] == "properties" for f in (*NODE_FIELDS.values(), *EDGE_FIELDS.values()))
assert all(f[1:3] == ("valid_from", "valid_to") for f in EDGE_FIELDS.values())
_FROM, _TO = HEAD + 1, HEAD + 2  # where every packed edge keeps its term


def at(kind: NodeKind, name: str) -> int:
    """Where a packed node of a kind keeps one field."""
    return HEAD + NODE_FIELDS[kind].index(name)


def valid_on(data: PackedEdge, day: date) -> bool:
    """Whether a packed edge holds on a day (no term: always)."""
    return (data[_FROM] is None or data[_FROM] <= day) and (data[_TO] is None or day <= data[_TO])


class Packer:
    """Packs models into tuples, interning what many of them share."""

    def __init__(self) -> None:
        self._shared: dict[Any, Any] = {}
        self._last_prov: Provenance | None = None
        self._last_origin: tuple[str, Any] = ("", None)

    def clear(self) -> None:
        """Forget the interned values (the graph that held them is gone)."""
        self._shared.clear()

    def _share(self, value: Any) -> Any:
        return self._shared.setdefault(value, value)

    def _origin(self, prov: Provenance) -> tuple[str, Any]:
        """The (source, recorded_at) pair of a provenance, one object for all facts from one source."""
        if prov is self._last_prov:  # a batch's models mostly carry the one Provenance object
            return self._last_origin
        self._last_prov, self._last_origin = prov, self._share((prov.source, prov.recorded_at))
        return self._last_origin

    def node(self, node: Node) -> PackedNode:
        """A node model as a packed tuple."""
        fields = node.__dict__  # the model's own dict: no validation, no copy
        prov = fields["provenance"]
        packed = (facts_of(node), self._origin(prov), prov.row, *[fields[f] for f in NODE_FIELDS[fields["kind"]]])
        if not packed[HEAD]:  # no extra properties, as for most nodes: None costs nothing
            packed = (*packed[:HEAD], None, *packed[HEAD + 1 :])
        return packed

    def edge(self, edge: Edge) -> PackedEdge:
        """An edge model's data (its ends apart) as a packed tuple."""
        fields = edge.__dict__
        prov = fields["provenance"]
        packed = (fields["kind"], self._origin(prov), prov.row, *[fields[f] for f in EDGE_FIELDS[fields["kind"]]])
        if packed[HEAD]:
            return packed
        packed = (*packed[:HEAD], None, *packed[HEAD + 1 :])
        # Edges alike but for their ends share one data tuple.
        return self._share(packed) if prov.row is None else packed


def _provenance(shared: tuple[str, Any], row: int | None) -> Provenance:
    return Provenance.model_construct(source=shared[0], recorded_at=shared[1], row=row)


def unpack_node(node_id: str, packed: PackedNode) -> Node:
    """The node model a packed tuple holds (built without validation: it was checked when written)."""
    kind = packed[0].kind
    values = dict(zip(NODE_FIELDS[kind], packed[HEAD:], strict=True))
    values["properties"] = values["properties"] or {}
    return NODE_MODELS[kind].model_construct(id=node_id, kind=kind, provenance=_provenance(packed[1], packed[2]), **values)  # type: ignore[return-value]


def unpack_edge(source: str, target: str, data: PackedEdge) -> Edge:
    """The edge model between two nodes that a packed tuple holds."""
    kind = data[0]
    values = dict(zip(EDGE_FIELDS[kind], data[HEAD:], strict=True))
    values["properties"] = values["properties"] or {}
    return EDGE_MODELS[kind].model_construct(  # type: ignore[return-value]
        source=source, target=target, kind=kind, provenance=_provenance(data[1], data[2]), **values
    )


@contextmanager
def collector_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector: packed tuples make no reference cycles, and on a
    large batch the collections its many new tuples set off cost more than the write itself."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
