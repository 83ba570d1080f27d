"""The synthetic network: deterministic, shaped like the seeds' cities, with gaps where asked."""

from __future__ import annotations

from collections import Counter

import pytest

from graph.gaps import GapRuleName, count_gaps
from graph.generator import NO_SHAPES, GapRates, NetworkSpec, ShapeRates, generate
from graph.memory import MemoryStore
from graph.model import (
    BODY_TYPES,
    EdgeKind,
    Level,
    Member,
    NodeKind,
    Organisation,
    Post,
    PostKind,
    ServiceCentre,
    Territory,
    Unit,
    UnitType,
)
from graph.store import Direction, GraphStore


def _load(spec: NetworkSpec) -> MemoryStore:
    store = MemoryStore()
    for batch in generate(spec):
        store.write(batch)
    return store


def test_the_same_seed_gives_the_same_network_and_another_seed_another() -> None:
    one = [b.model_dump_json() for b in generate(NetworkSpec(households=5_000, seed=1))]
    two = [b.model_dump_json() for b in generate(NetworkSpec(households=5_000, seed=1))]
    other = [b.model_dump_json() for b in generate(NetworkSpec(households=5_000, seed=2))]
    assert one == two and one != other


def test_sizes_follow_the_seed_cities() -> None:
    store = _load(NetworkSpec(households=60_000, seed=11, shapes=NO_SHAPES))
    territories = [t for t in store.nodes(NodeKind.TERRITORY) if isinstance(t, Territory)]
    grids = [t for t in territories if t.level is Level.GRID]
    assert all(100 <= (g.households or 0) <= 300 for g in grids)
    total = sum(g.households or 0 for g in grids)
    assert 60_000 <= total < 60_000 + 6 * 300  # stops within one residential area of the target

    def child_counts(level: Level) -> list[int]:
        return [len(store.edges_of(t.id, kind=EdgeKind.WITHIN, direction=Direction.IN)) for t in territories if t.level is level]

    areas_per_community = child_counts(Level.COMMUNITY)
    assert all(3 <= n <= 10 for n in areas_per_community[:-1])  # the last community may stop early at the target
    assert 1 <= areas_per_community[-1] <= 10
    assert all(1 <= n <= 12 for n in child_counts(Level.STREET))
    heads = [m for m in store.nodes(NodeKind.MEMBER) if isinstance(m, Member) and m.is_household_head]
    linked = sum(m.households for m in heads)
    assert 9 <= linked / len(heads) <= 11  # about ten households each (十联户)


@pytest.mark.slow
def test_gaps_are_planted_near_their_rates() -> None:
    rates = GapRates(area_without_branch=0.2, grid_without_group=0.1)
    store = _load(NetworkSpec(households=200_000, seed=4, gaps=rates))

    def covered(node_id: str) -> bool:
        return bool(store.edges_of(node_id, kind=EdgeKind.COVERS, direction=Direction.IN))

    areas = [t for t in store.nodes(NodeKind.TERRITORY) if isinstance(t, Territory) and t.level is Level.RESIDENTIAL_AREA]
    branchless = {a.id for a in areas if not covered(a.id)}
    assert 0.12 <= len(branchless) / len(areas) <= 0.28  # 20% asked, about 300 areas drawn
    grids = Counter[tuple[bool, bool]]()  # (area has a branch, grid has a group)
    for area in areas:
        for edge in store.edges_of(area.id, kind=EdgeKind.WITHIN, direction=Direction.IN):
            grids[(area.id not in branchless, covered(edge.source))] += 1
    assert grids[(False, True)] == 0, "a grid group needs a branch above it"
    with_branch = grids[(True, True)] + grids[(True, False)]
    assert 0.06 <= grids[(True, False)] / with_branch <= 0.14  # 10% asked, about 850 grids drawn
    communities = [t for t in store.nodes(NodeKind.TERRITORY) if isinstance(t, Territory) and t.level is Level.COMMUNITY]
    assert all(covered(c.id) for c in communities)


def test_no_two_communities_of_a_street_nor_areas_of_a_community_share_a_name() -> None:
    store = _load(NetworkSpec(households=100_000, seed=8))
    for parent in store.nodes(NodeKind.TERRITORY):
        assert isinstance(parent, Territory)
        if parent.level in (Level.STREET, Level.COMMUNITY):
            names = [store.node(e.source).name for e in store.edges_of(parent.id, kind=EdgeKind.WITHIN, direction=Direction.IN)]  # type: ignore[union-attr]
            assert len(names) == len(set(names)), (parent.id, names)


def test_every_rate_bears_the_name_of_the_gap_rule_that_finds_what_it_plants() -> None:
    assert set(GapRates.__dataclass_fields__) <= set(GapRuleName)


_PLANTED = (
    GapRuleName.COMMITTEE_UNDER_THRESHOLD,
    GapRuleName.BRANCH_UNDER_MINIMUM,
    GapRuleName.AGREEMENT_EXPIRED,
    GapRuleName.PROPERTY_COMPANY_WITHOUT_ORGANISATION,
    GapRuleName.OWNERS_COMMITTEE_WITHOUT_ORGANISATION,
    GapRuleName.HANGING_ORGANISATION,
    GapRuleName.ELIGIBLE_UNIT_WITHOUT_ORGANISATION,
    GapRuleName.COMMUNITY_WITHOUT_CENTRE,
    GapRuleName.CENTRE_SHORT_OF_SERVICE,
    GapRuleName.CENTRE_MISSING_SIX_HAVES,
    GapRuleName.ABANDONED_AREA_UNRUN,
)


def test_a_rate_of_one_plants_its_gap_wherever_its_rule_looks_and_a_rate_of_zero_nowhere() -> None:
    spec = NetworkSpec(households=8_000, seed=3, gaps=GapRates(**{rule.value: 1.0 for rule in _PLANTED}), shapes=NO_SHAPES)
    store = _load(spec)
    counted = count_gaps(store, "d", rules=_PLANTED, as_of=spec.as_of).by_rule
    orgs = [o for o in store.nodes(NodeKind.ORGANISATION) if isinstance(o, Organisation)]
    every_unit = [u for u in store.nodes(NodeKind.UNIT) if isinstance(u, Unit)]
    units = Counter(u.unit_type for u in every_unit)
    unorganised = [u for u in every_unit if not store.edges_of(u.id, kind=EdgeKind.COVERS, direction=Direction.IN)]
    centres = [c for c in store.nodes(NodeKind.SERVICE_CENTRE) if isinstance(c, ServiceCentre)]
    assert counted == {
        GapRuleName.COMMITTEE_UNDER_THRESHOLD: sum(o.level is Level.COMMUNITY for o in orgs),
        GapRuleName.BRANCH_UNDER_MINIMUM: sum(o.level is Level.RESIDENTIAL_AREA for o in orgs),  # units' branches have 3 or more
        GapRuleName.AGREEMENT_EXPIRED: store.count(NodeKind.AGREEMENT),
        GapRuleName.PROPERTY_COMPANY_WITHOUT_ORGANISATION: units[UnitType.PROPERTY_COMPANY],
        GapRuleName.OWNERS_COMMITTEE_WITHOUT_ORGANISATION: units[UnitType.OWNERS_COMMITTEE],
        GapRuleName.HANGING_ORGANISATION: sum(o.level is Level.UNIT for o in orgs),  # every unit's, in neither line
        GapRuleName.ELIGIBLE_UNIT_WITHOUT_ORGANISATION: sum(u.unit_type not in BODY_TYPES and u.eligible is not False for u in unorganised),
        GapRuleName.COMMUNITY_WITHOUT_CENTRE: sum(o.level is Level.COMMUNITY for o in orgs),
        GapRuleName.CENTRE_SHORT_OF_SERVICE: len(centres),  # no community has a centre; every street's is short of service
        GapRuleName.CENTRE_MISSING_SIX_HAVES: len(centres),  # and lacks some of 六有
        GapRuleName.ABANDONED_AREA_UNRUN: sum(isinstance(t, Territory) and t.abandoned for t in store.nodes(NodeKind.TERRITORY)),
    }
    assert all(n for rule, n in counted.items() if rule is not GapRuleName.ABANDONED_AREA_UNRUN)  # abandoned areas are few

    none = NetworkSpec(households=8_000, seed=3, gaps=GapRates(**{rule.value: 0.0 for rule in _PLANTED}), shapes=NO_SHAPES)
    assert set(count_gaps(_load(none), "d", rules=_PLANTED, as_of=none.as_of).by_rule.values()) == {0}


def test_each_shape_is_planted_at_its_rate() -> None:
    every = ShapeRates(large_grid=1.0, building=1.0, joint_branch=1.0, redrawn=1.0)
    spec = NetworkSpec(households=6_000, seed=5, shapes=every)
    store = _load(spec)
    territories = [t for t in store.nodes(NodeKind.TERRITORY) if isinstance(t, Territory)]
    streets = [t.id for t in territories if t.level is Level.STREET]
    grids = [t for t in territories if t.level is Level.GRID]
    # a large grid in every street, a building under every other grid, a community ended for every community kept
    assert sorted(g.id for g in grids if g.id.endswith("gx")) == sorted(f"{s}gx" for s in streets)
    assert sum(t.level is Level.BUILDING for t in territories) == len(grids) - len(streets)
    ended = [t.id for t in territories if t.level is Level.COMMUNITY and t.id.endswith("x")]
    assert ended and len(ended) == sum(t.level is Level.COMMUNITY for t in territories) / 2
    # every area after a community's first with a branch is covered by the one before it (联合党支部)
    joint = [o for o in store.nodes(NodeKind.ORGANISATION) if len(store.edges_of(o.id, kind=EdgeKind.COVERS)) > 1]
    assert joint and all(o.level is Level.RESIDENTIAL_AREA for o in joint)
    # an ended community is gone on the day asked about, and was there before its area moved
    facts = {f.id for f in store.territory_facts("d", day=spec.as_of)}
    assert not facts & set(ended)
    moved = store.edges_of(ended[0], kind=EdgeKind.WITHIN)[0].valid_to
    assert moved is not None and ended[0] in {f.id for f in store.territory_facts("d", day=moved)}
    plain = _load(NetworkSpec(households=6_000, seed=5, shapes=NO_SHAPES))
    assert plain.count(NodeKind.TERRITORY) < store.count(NodeKind.TERRITORY)


def _posts(store: GraphStore, kind: PostKind) -> int:
    return sum(isinstance(p, Post) and p.post is kind for p in store.nodes(NodeKind.POST))


def test_secretaries_and_directors_are_on_record_but_where_a_gap_is_planted() -> None:
    """Every body the post rules look at has its secretary or director at rate 0, none at rate 1; vacant posts are those planted."""
    rule, vacant, director = (
        GapRuleName.ORGANISATION_WITHOUT_SECRETARY,
        GapRuleName.POST_VACANT,
        GapRuleName.RESIDENTS_COMMITTEE_WITHOUT_DIRECTOR,
    )
    rules = [rule, vacant, director]
    held_rates = GapRates(organisation_without_secretary=0.0, post_vacant=0.0, residents_committee_without_director=0.0)
    held = NetworkSpec(households=6_000, seed=4, gaps=held_rates, shapes=NO_SHAPES)
    store = _load(held)
    assert count_gaps(store, "d", rules=rules, as_of=held.as_of).by_rule == {rule: 0, vacant: 0, director: 0}
    secretaries, directors = _posts(store, PostKind.SECRETARY), _posts(store, PostKind.DIRECTOR)
    committees = sum(isinstance(u, Unit) and u.unit_type is UnitType.RESIDENTS_COMMITTEE for u in store.nodes(NodeKind.UNIT))
    assert secretaries > 10 and directors == committees > 0

    lapsed = NetworkSpec(households=6_000, seed=4, gaps=GapRates(organisation_without_secretary=0.0, post_vacant=1.0), shapes=NO_SHAPES)
    counted = count_gaps(_load(lapsed), "d", rules=[rule, vacant], as_of=lapsed.as_of).by_rule
    assert counted == {rule: secretaries, vacant: secretaries}

    none_rates = GapRates(organisation_without_secretary=1.0, residents_committee_without_director=1.0)
    none = NetworkSpec(households=6_000, seed=4, gaps=none_rates, shapes=NO_SHAPES)
    none_store = _load(none)
    assert none_store.count(NodeKind.POST) == 0
    assert count_gaps(none_store, "d", rules=[rule, director], as_of=none.as_of).by_rule == {rule: secretaries, director: committees}
