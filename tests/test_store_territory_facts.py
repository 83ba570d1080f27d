"""The contract of ``GraphStore.territory_facts``: each store's own way gives what the plain
node-by-node walk gives, on every day, and never an answer a write has made stale."""

from __future__ import annotations

from datetime import date

import pytest

from graph.errors import InvariantViolation, UnknownNode, WrongKind
from graph.generator import NetworkSpec, generate
from graph.model import Batch, Covers, EdgeKind, EdgeRef, Level, MemberCategory, Territory, UnitType
from graph.scope import walk_territory_facts
from graph.store import GraphStore, TerritoryFacts, UnitFacts
from tests.utils.known_network import AS_OF
from tests.utils.network import PROV


def _by_id(facts: list[TerritoryFacts]) -> dict[str, TerritoryFacts]:
    by_id = {f.id: f for f in facts}
    assert len(by_id) == len(facts), "each territory once"
    return by_id


def _parents_first(facts: list[TerritoryFacts]) -> bool:
    seen: set[str] = set()
    for f in facts:
        if f.parent is not None and f.parent not in seen:
            return False
        seen.add(f.id)
    return True


@pytest.mark.parametrize("scope", ["d", "s1", "s2", "c1", "a11", "g112"])
@pytest.mark.parametrize("day", [AS_OF, date(2025, 6, 1), date(2020, 1, 1)])
def test_the_facts_of_a_scope_are_those_of_the_plain_walk(known: GraphStore, scope: str, day: date) -> None:
    fast = known.territory_facts(scope, day=day)
    assert _by_id(fast) == _by_id(walk_territory_facts(known, scope, day=day))
    assert fast[0].id == scope and fast[0].parent is None
    assert _parents_first(fast)


def test_the_facts_read_what_each_territory_holds_by_itself(known: GraphStore) -> None:
    facts = _by_id(known.territory_facts("c1", day=AS_OF))
    assert set(facts) == {"c1", "a11", "a12", "g111", "g112", "g121", "b1111", "b1112"}
    assert facts["b1111"].parent == "g111" and facts["b1111"].covered and not facts["b1112"].covered
    assert facts["g112"].parent == "a11" and facts["a11"].parent == "c1"
    assert (facts["g112"].households, facts["g112"].linked, facts["g112"].covered) == (40, 31, True)
    assert not facts["a12"].covered and facts["g121"].linked == 0
    assert facts["c1"].staff == 2
    assert UnitFacts(UnitType.PROPERTY_COMPANY, organised=False, in_agreement=False) in facts["c1"].units
    assert len(facts["c1"].units) == 7  # u1-u4, the park u9, the building u13, rc1 the residents' committee (coverage leaves it out)
    assert UnitFacts(UnitType.INDUSTRIAL_PARK, organised=False, in_agreement=False, counted=True) in facts["c1"].units
    assert [c.id for c in facts["c1"].centres] == ["sc1"] and facts["c1"].centres[0].service_share == 92
    two = _by_id(known.territory_facts("c2", day=AS_OF))["c2"]
    assert UnitFacts(UnitType.NEW_EMPLOYMENT, organised=False, in_agreement=False, counted=False) in two.units  # u10, not eligible
    assert two.centres[0].missing == ("has_reading", "has_rules")
    assert sum(facts["g111"].members.values()) == 3
    assert all(isinstance(c, MemberCategory) for c in facts["g111"].members)


def test_an_edge_not_yet_valid_is_not_followed(known: GraphStore) -> None:
    assert not _by_id(known.territory_facts("a11", day=date(2025, 8, 31)))["g112"].covered
    assert _by_id(known.territory_facts("a11", day=date(2025, 9, 1)))["g112"].covered


def test_the_facts_follow_every_write(known: GraphStore) -> None:
    assert not _by_id(known.territory_facts("s1", day=AS_OF))["a12"].covered
    known.write(Batch(edges=[Covers(source="o-a11", target="a12", provenance=PROV)], remove_edges=[]))
    assert _by_id(known.territory_facts("s1", day=AS_OF))["a12"].covered
    known.write(Batch(remove_edges=[EdgeRef(source="o-a11", kind=EdgeKind.COVERS, target="a12")]))
    assert not _by_id(known.territory_facts("s1", day=AS_OF))["a12"].covered
    grid = Territory(id="g121", name="锦绣园第1网格", level=Level.GRID, households=55, provenance=PROV)
    known.write(Batch(nodes=[grid]), effective=AS_OF)  # the day the facts are read: a write of today would leave that day as it was
    assert _by_id(known.territory_facts("s1", day=AS_OF))["g121"].households == 55
    known.write(Batch(remove_nodes=["g121"]))
    assert "g121" not in _by_id(known.territory_facts("s1", day=AS_OF))


def test_a_dry_run_or_a_refused_write_leaves_the_facts_as_they_were(known: GraphStore) -> None:
    before = _by_id(known.territory_facts("d", day=AS_OF))
    known.write_all([Batch(remove_nodes=["g121"])], dry_run=True)
    assert _by_id(known.territory_facts("d", day=AS_OF)) == before
    with pytest.raises(InvariantViolation):
        known.write(Batch(edges=[Covers(source="o-a11", target="nowhere", provenance=PROV)]))
    assert _by_id(known.territory_facts("d", day=AS_OF)) == before


def test_the_facts_of_an_unknown_node_or_of_a_node_that_is_no_territory_are_refused(known: GraphStore) -> None:
    with pytest.raises(UnknownNode):
        known.territory_facts("nowhere", day=AS_OF)
    with pytest.raises(WrongKind):
        known.territory_facts("o-c1", day=AS_OF)


def test_on_a_generated_network_the_facts_are_those_of_the_plain_walk(store: GraphStore) -> None:
    spec = NetworkSpec(households=6_000, seed=3)
    store.write_all(generate(spec))
    assert _by_id(store.territory_facts("d", day=spec.as_of)) == _by_id(walk_territory_facts(store, "d", day=spec.as_of))
