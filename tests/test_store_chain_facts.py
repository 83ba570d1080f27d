"""The contract of ``GraphStore.chain_facts``: each store's own way gives what the plain node-by-node
walk gives, on every day, over the same territories as ``territory_facts``, and follows every write."""

from __future__ import annotations

from datetime import date

import pytest

from graph.errors import UnknownNode, WrongKind
from graph.generator import NetworkSpec, generate
from graph.model import Batch, EdgeKind, EdgeRef, Level, NodeKind, OrgForm, PostKind, UnitType
from graph.scope import walk_chain_facts
from graph.store import ChainFacts, GraphStore, HeadFacts, OrgRef, PartyRef
from tests.utils.known_network import AS_OF


def _by_id(facts: list[ChainFacts]) -> dict[str, ChainFacts]:
    by_id = {f.id: f for f in facts}
    assert len(by_id) == len(facts), "each territory once"
    return by_id


@pytest.mark.parametrize("scope", ["d", "s1", "s2", "c1", "a11", "g112"])
@pytest.mark.parametrize("day", [AS_OF, date(2025, 6, 1), date(2020, 1, 1)])
def test_the_chain_facts_of_a_scope_are_those_of_the_plain_walk(known: GraphStore, scope: str, day: date) -> None:
    fast = _by_id(known.chain_facts(scope, day=day))
    assert fast == _by_id(walk_chain_facts(known, scope, day=day))
    assert set(fast) == {f.id for f in known.territory_facts(scope, day=day)}


def test_the_chain_facts_name_the_organisation_its_parent_seats_agreements_heads_and_units(known: GraphStore) -> None:
    facts = _by_id(known.chain_facts("c1", day=AS_OF))
    org = facts["c1"].organisation
    assert org is not None and org.id == "o-c1" and org.form is OrgForm.COMMITTEE
    assert org.parent == OrgRef("o-s1", org.parent.name, Level.STREET) if org.parent else False
    assert org.seats == 1  # seat1 only
    assert [a.id for a in org.agreements] == ["ag0", "ag1", "ag2"]
    ag0 = org.agreements[0]
    assert ag0.parties_on_day == frozenset()  # its edges ended with its term
    assert [p.id for p in ag0.parties] == ["o-c1", "o-u1"] and all(isinstance(p, PartyRef) for p in ag0.parties)
    assert {p.kind for p in ag0.parties} == {NodeKind.ORGANISATION}
    assert facts["a12"].organisation is None
    assert all(isinstance(h, HeadFacts) for h in facts["g112"].heads)
    assert sum(h.households for h in facts["g112"].heads) == 31
    units = facts["c1"].units
    assert len(units) == 7 and [u.name for u in units] == sorted(u.name for u in units)
    park = next(u for u in units if u.id == "u9")
    assert (park.unit_type, park.eligible, park.members, park.organisation) == (UnitType.INDUSTRIAL_PARK, True, 2, None)
    organ = next(u for u in units if u.id == "u4")
    assert organ.organisation is not None and organ.organisation.parent is not None
    assert (organ.organisation.parent.id, organ.organisation.parent.level) == ("o-sys-organ", Level.SYSTEM)
    assert any(u.unit_type is UnitType.PROPERTY_COMPANY and u.organisation is None for u in units)
    assert [(p.id, p.post, p.person, p.holder) for p in org.posts] == [("p-c1", PostKind.SECRETARY, "陈红", None)]
    u3 = next(u for u in units if u.id == "u3")
    assert [(p.id, p.post, p.holder, p.valid_from) for p in u3.posts] == [("p-u3-chair", PostKind.CHAIR, "h1111", date(2022, 1, 1))]
    rc2 = _by_id(known.chain_facts("c2", day=AS_OF))["c2"].units
    assert [p.valid_to for u in rc2 if u.id == "rc2" for p in u.posts] == [date(2025, 12, 31)]  # an ended term is still on record


def test_the_chain_facts_follow_every_write(known: GraphStore) -> None:
    before = _by_id(known.chain_facts("c1", day=AS_OF))["c1"].organisation
    assert before is not None and before.seats == 1
    known.write(Batch(remove_edges=[EdgeRef(source="seat1", kind=EdgeKind.SEAT_ON, target="o-c1")]))
    after = _by_id(known.chain_facts("c1", day=AS_OF))["c1"].organisation
    assert after is not None and after.seats == 0
    known.write(Batch(remove_nodes=["ag2"]))
    after = _by_id(known.chain_facts("c1", day=AS_OF))["c1"].organisation
    assert after is not None and [a.id for a in after.agreements] == ["ag0", "ag1"]


def test_the_chain_facts_of_an_unknown_node_or_of_a_node_that_is_no_territory_are_refused(known: GraphStore) -> None:
    with pytest.raises(UnknownNode):
        known.chain_facts("nowhere", day=AS_OF)
    with pytest.raises(WrongKind):
        known.chain_facts("o-c1", day=AS_OF)


def test_on_a_generated_network_the_chain_facts_are_those_of_the_plain_walk(store: GraphStore) -> None:
    spec = NetworkSpec(households=6_000, seed=3)
    store.write_all(generate(spec))
    assert _by_id(store.chain_facts("d", day=spec.as_of)) == _by_id(walk_chain_facts(store, "d", day=spec.as_of))
