"""What a key scoped to a territory may see: every kind of node is placed by the territories it is tied to."""

from __future__ import annotations

import pytest

from graph.access import belonging, territories_of, within
from graph.errors import UnknownNode
from graph.generator import NetworkSpec, generate
from graph.memory import MemoryStore
from graph.model import Alliance, AllianceKind, Batch, InAlliance, Level, LocatedIn, Territory, Unit, UnitType, Within
from graph.store import GraphStore
from tests.utils.network import PROV, town


def _two_streets(store: GraphStore) -> None:
    store.write(town())
    store.write(
        Batch(
            nodes=[
                Territory(id="s2", name="西湖街道", level=Level.STREET, provenance=PROV),
                Territory(id="c2", name="平安社区", level=Level.COMMUNITY, provenance=PROV),
                Unit(id="u9", name="西湖中学", unit_type=UnitType.SCHOOL, provenance=PROV),
            ],
            edges=[
                Within(source="s2", target="d", provenance=PROV),
                Within(source="c2", target="s2", provenance=PROV),
                LocatedIn(source="u9", target="c2", provenance=PROV),
            ],
        )
    )


@pytest.mark.parametrize(
    ("node", "inside", "outside"),
    [
        ("g1", ["g1", "a1", "c1", "s1", "d"], ["s2", "a2", "g2"]),
        ("o-a1", ["a1", "s1"], ["s2", "g1"]),  # an organisation lies where it covers
        ("h1", ["g1", "s1"], ["s2", "g2"]),  # a household head where they serve
        ("u1", ["c1", "s1"], ["s2", "a1"]),  # a unit where it is located
        ("o-u1", ["c1"], ["s2"]),  # a unit's organisation with its unit
        ("ag1", ["c1", "s1"], ["s2", "a1"]),  # an agreement with its parties
        ("seat1", ["c1"], ["s2"]),  # a seat with its committee and unit
        ("m1", ["c1"], ["s2"]),  # a member with their organisation
        ("al1", ["s1", "d"], ["s2"]),  # an alliance with its members
        ("u9", ["s2", "c2", "d"], ["s1", "c1"]),
    ],
)
def test_a_node_is_within_the_scopes_above_where_it_is_tied(store: GraphStore, node: str, inside: list[str], outside: list[str]) -> None:
    _two_streets(store)
    assert all(within(store, node, scope) for scope in inside), [s for s in inside if not within(store, node, s)]
    assert not any(within(store, node, scope) for scope in outside), [s for s in outside if within(store, node, s)]
    assert within(store, node, None)


def test_an_unknown_node_is_within_no_scope(store: GraphStore) -> None:
    _two_streets(store)
    assert not within(store, "nobody", "d")
    with pytest.raises(UnknownNode):
        territories_of(store, "nobody")
    assert territories_of(store, "ag1") == {"c1"}


def test_belonging_down_from_a_scope_gives_what_within_says_up_from_each_node() -> None:
    """The two walks of the one definition agree, on every scope of a generated district with cross-street relations.

    Both walk the GraphStore protocol or its edges, whatever the store; the embedded one keeps this quick
    (``within`` asks the store once per hop: some 200,000 round trips to a Neo4j server here).
    """
    store = MemoryStore()
    for batch in generate(NetworkSpec(households=60_000, seed=3)):
        store.write(batch)
    store.write(
        Batch(
            nodes=[Alliance(id="al-x", name="跨街道联盟", alliance_kind=AllianceKind.ALLIANCE, provenance=PROV)],
            edges=[
                InAlliance(source="o-s01c01", target="al-x", provenance=PROV),
                InAlliance(source="o-s02c01", target="al-x", provenance=PROV),
            ],
        )
    )
    edges = list(store.edges())
    ids = [n.id for n in store.nodes()]
    scopes = ["d", "s01", "s02", "s01c01", "s02c01", "s01c01a01", "s01c01a01g1"]
    for scope in scopes:
        expected = {i for i in ids if within(store, i, scope)}
        assert belonging(edges, scope) == expected, scope
    assert {"al-x"} <= belonging(edges, "s01") & belonging(edges, "s02")  # shared: it belongs to both streets
