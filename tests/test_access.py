"""What a key scoped to a territory may see: every kind of node is placed by the territories it is tied to."""

from __future__ import annotations

import pytest

from graph.access import belonging, belonging_in, territories_of, within
from graph.errors import UnknownNode, WrongKind
from graph.generator import NetworkSpec, generate
from graph.memory import MemoryStore
from graph.model import (
    Alliance,
    AllianceKind,
    Batch,
    InAlliance,
    Level,
    LocatedIn,
    NodeKind,
    Organisation,
    OrgForm,
    ReportsTo,
    Territory,
    Unit,
    UnitType,
    Within,
)
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
    """The walks of the one definition agree, on every scope of a generated district with cross-street relations:
    down over the edge list (``belonging``), down over the store from the scope (``belonging_in``), up from each node.

    All walk the GraphStore protocol or its edges, whatever the store; the embedded one keeps this quick
    (``within`` asks the store once per hop: some 200,000 round trips to a Neo4j server here).
    """
    store = MemoryStore()
    for batch in generate(NetworkSpec(households=60_000, seed=3)):
        store.write(batch)
    store.write(
        Batch(
            nodes=[
                Alliance(id="al-x", name="跨街道联盟", alliance_kind=AllianceKind.ALLIANCE, provenance=PROV),
                # 联合党支部 covering nothing: it belongs where the community it reports to does, and its
                # alliance with another street's community belongs to both streets through it.
                Organisation(id="o-joint", name="联合党支部", level=Level.RESIDENTIAL_AREA, form=OrgForm.BRANCH, provenance=PROV),
                Alliance(id="al-joint", name="联合共建", alliance_kind=AllianceKind.ALLIANCE, provenance=PROV),
            ],
            edges=[
                InAlliance(source="o-s01c01", target="al-x", provenance=PROV),
                InAlliance(source="o-s02c01", target="al-x", provenance=PROV),
                ReportsTo(source="o-joint", target="o-s01c02", provenance=PROV),
                InAlliance(source="o-joint", target="al-joint", provenance=PROV),
                InAlliance(source="o-s02c01", target="al-joint", provenance=PROV),
            ],
        )
    )
    edges = list(store.edges())
    ids = [n.id for n in store.nodes()]
    scopes = ["d", "s01", "s02", "s01c01", "s01c02", "s02c01", "s01c01a01", "s01c01a01g1"]
    for scope in scopes:
        expected = {i for i in ids if within(store, i, scope)}
        assert belonging(edges, scope) == expected, scope
        assert belonging_in(store, scope) == expected, scope
    assert {"al-x"} <= belonging_in(store, "s01") & belonging_in(store, "s02")  # shared: it belongs to both streets
    assert {"o-joint", "al-joint"} <= belonging_in(store, "s01c02") & belonging(edges, "s01c02")
    assert "o-joint" not in belonging_in(store, "s01c01") | belonging_in(store, "s02")
    assert "al-joint" in belonging_in(store, "s02c01")
    units = belonging_in(store, "s01", kinds=[NodeKind.UNIT, NodeKind.ALLIANCE])
    assert units == {i for i in belonging_in(store, "s01") if store.node(i).kind in (NodeKind.UNIT, NodeKind.ALLIANCE)} != set()


def test_the_walk_down_reads_only_the_edges_of_what_belongs_to_the_scope() -> None:
    """It costs what the scope holds: no edge of another street, and no list of the whole graph, is read."""
    store = MemoryStore()
    for batch in generate(NetworkSpec(households=60_000, seed=3)):
        store.write(batch)
    mine = belonging_in(store, "s02c01")
    read: list[str] = []
    real = store.edges_of

    def counted(node_id: str, **kwargs: object) -> list:  # type: ignore[type-arg]
        read.append(node_id)
        return real(node_id, **kwargs)  # type: ignore[arg-type]

    store.edges_of = counted  # type: ignore[method-assign]
    store.nodes = store.edges = None  # type: ignore[assignment,method-assign]
    assert belonging_in(store, "s02c01") == mine
    assert read and set(read) <= mine, set(read) - mine


def test_a_scope_that_is_not_a_territory_is_refused(store: GraphStore) -> None:
    _two_streets(store)
    with pytest.raises(WrongKind, match="u9"):
        belonging_in(store, "u9")
    with pytest.raises(UnknownNode):
        belonging_in(store, "nobody")
