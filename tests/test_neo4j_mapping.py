"""How Neo4jStore maps models to Neo4j properties and back: pure functions, no server needed.

The store itself is tested against a real server in the contract suite; this checks the
mapping on its own so that a mistake in it shows up even where no server runs.
"""

from __future__ import annotations

import re

from graph import cypher
from graph.model import EdgeKind, NodeKind
from graph.neo4j_store import _content, _edge_from, _edge_props, _node_from, _node_row
from tests.utils.network import prov, town


def test_every_node_survives_the_trip_through_neo4j_properties() -> None:
    for node in town().nodes:
        row = _node_row(node)
        assert all(v is not None for v in row.values()), "Neo4j drops null properties: none are sent"
        assert all(not isinstance(v, dict) for v in row.values()), "Neo4j stores no maps"
        assert _node_from(row) == node


def test_every_edge_survives_the_trip_through_neo4j_properties() -> None:
    for edge in town().edges:
        record = {"source": edge.source, "target": edge.target, "kind": edge.kind.value, "props": _edge_props(edge)}
        assert _edge_from(record) == edge  # type: ignore[arg-type]


def test_provenance_does_not_count_as_a_change() -> None:
    node = town().nodes[0]
    later = node.model_copy(update={"provenance": prov(row=3, source="again.xlsx")})
    assert _content(_node_row(node)) == _content(_node_row(later))
    renamed = node.model_copy(update={"name": "新名"})
    assert _content(_node_row(node)) != _content(_node_row(renamed))


def test_labels_and_types_in_statements_come_only_from_the_enums() -> None:
    statements = [cypher.create_nodes(k) for k in NodeKind] + [cypher.update_nodes(k) for k in NodeKind]
    statements += [f(k) for k in EdgeKind for f in (cypher.create_edges, cypher.merge_edges, cypher.delete_edges, cypher.close_edges)]
    allowed = {"Node", *cypher.LABELS.values(), *(k.value for k in EdgeKind)}
    for statement in statements:
        for name in re.findall(r"[(\[]\w*:([A-Za-z_:]+)", statement):
            assert set(name.split(":")) <= allowed, statement
        assert "$rows" in statement  # values travel as parameters
