"""Neo4j's facts of a list of territories (what a keeper recomputes after a write) are the subtree
walk's facts of exactly those territories, each with its parent on the day; Neo4j only."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import date
from typing import TYPE_CHECKING

import pytest

from graph.model import Batch, NodeKind, Territory
from graph.scope import walk_chain_facts, walk_territory_facts
from graph.store import TerritoryFacts
from tests.conftest import NEO4J_URI, _neo4j_store
from tests.utils.known_network import AS_OF, known_network

if TYPE_CHECKING:
    from graph.neo4j_store import Neo4jStore

pytestmark = [pytest.mark.neo4j, pytest.mark.skipif(not NEO4J_URI, reason="NEO4J_URI is not set: no Neo4j server to test against")]


@pytest.fixture
def known_neo4j() -> Iterator[Neo4jStore]:
    store = _neo4j_store()
    store.wipe()
    for batch in known_network():
        store.write(batch)
    try:
        yield store
    finally:
        store.wipe()
        store.close()


@pytest.mark.parametrize("day", [AS_OF, date(2020, 1, 1)])
def test_the_facts_of_listed_territories_are_the_walks_with_their_parents(known_neo4j: Neo4jStore, day: date) -> None:
    whole = {f.id: f for f in walk_territory_facts(known_neo4j, "d", day=day)}
    listed = ["g112", "c1", "a11", "d"]
    found = known_neo4j.territory_facts_of([*listed, "no-such-id", "u1"], day=day)  # u1 is a unit: no territory
    assert sorted(f.id for f in found) == sorted(listed)
    for f in found:
        assert replace(f, parent=None) == replace(whole[f.id], parent=None)
    assert {f.id: f.parent for f in found} == {"g112": "a11", "c1": "s1", "a11": "c1", "d": None}
    chains = {c.id: c for c in walk_chain_facts(known_neo4j, "d", day=day)}
    assert {c.id: c for c in known_neo4j.chain_facts_of(listed, day=day)} == {i: chains[i] for i in listed}


def test_every_territory_when_none_are_named(known_neo4j: Neo4jStore) -> None:
    everything = known_neo4j.territory_facts_of(None, day=AS_OF)
    assert {f.id for f in everything} == {n.id for n in known_neo4j.nodes(NodeKind.TERRITORY)}  # c0 too, within no district
    assert known_neo4j.territory_facts_of([], day=AS_OF) == []


def test_two_app_servers_over_one_database_each_keep_up_from_the_change_records(
    known_neo4j: Neo4jStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A second Neo4jStore (another app server) keeps its own facts: a write through the first reaches
    it through the GraphChange records alone, recomputed, not rebuilt; past the records kept, it rebuilds."""
    today = date.today()
    other = _neo4j_store()
    try:
        assert _by_id(other.territory_facts("d", day=today)) == _by_id(walk_territory_facts(other, "d", day=today))
        keeper = other.keeper()
        assert keeper is not None and keeper.rebuilds == 1
        grid = known_neo4j.node("g112")
        assert isinstance(grid, Territory)
        known_neo4j.write(Batch(nodes=[grid.model_copy(update={"households": 41})]))
        facts = _by_id(other.territory_facts("d", day=today))
        assert facts["g112"].households == 41 and keeper.rebuilds == 1
        assert facts == _by_id(walk_territory_facts(other, "d", day=today))

        monkeypatch.setattr("graph.neo4j_store.CHANGES_KEPT", 2)  # the oldest records go: a late reader starts again
        for households in (42, 43, 44):
            known_neo4j.write(Batch(nodes=[grid.model_copy(update={"households": households})]))
        assert _by_id(other.territory_facts("d", day=today))["g112"].households == 44
        assert keeper.rebuilds == 2
    finally:
        other.close()


def _by_id(facts: list[TerritoryFacts]) -> dict[str, TerritoryFacts]:
    return {f.id: f for f in facts}
