"""The contract every GraphStore keeps: run on the embedded store always, on Neo4j when it is there."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import pytest

from graph.errors import InvariantViolation, UnknownNode
from graph.generator import GapRates, NetworkSpec, generate
from graph.invariants import Rule
from graph.model import (
    Batch,
    Covers,
    EdgeKind,
    EdgeRef,
    Level,
    Member,
    MemberCategory,
    MemberOf,
    MemberRole,
    NodeKind,
    Organisation,
    OrgForm,
    ReportedTo,
    ReportsTo,
    Serves,
    Territory,
    Unit,
    UnitType,
    Within,
)
from graph.store import Direction, GraphStore
from tests.utils.network import PROV, contents, prov, town


def test_every_node_and_edge_kind_reads_back_as_it_was_written(store: GraphStore) -> None:
    batch = town()
    store.write(batch)
    assert sorted(n.model_dump_json() for n in batch.nodes) == contents(store)[0]
    assert sorted(e.model_dump_json() for e in batch.edges) == contents(store)[1]
    assert {n.kind for n in batch.nodes} == set(NodeKind)
    assert {e.kind for e in batch.edges} == set(EdgeKind)


def test_a_node_is_found_by_id_and_an_unknown_id_says_which(store: GraphStore) -> None:
    store.write(town())
    member = store.node("h1")
    assert isinstance(member, Member) and member.households == 10 and member.roles == (MemberRole.HOUSEHOLD_HEAD, MemberRole.GRID_LEADER)
    assert store.node("u2").properties == {"备注": "无党组织"}
    assert store.has_node("g3") and not store.has_node("nope")
    with pytest.raises(UnknownNode, match="nope"):
        store.node("nope")
    with pytest.raises(UnknownNode):
        store.edges_of("nope")


def test_counts_are_per_kind(store: GraphStore) -> None:
    batch = town()
    store.write(batch)
    assert store.count() == len(batch.nodes)
    assert store.count(NodeKind.TERRITORY) == 8
    assert store.count(NodeKind.MEMBER) == 3
    assert store.count_edges() == len(batch.edges)
    assert store.count_edges(EdgeKind.WITHIN) == 7
    assert [n.id for n in store.nodes(NodeKind.ALLIANCE)] == ["al1"]
    assert {e.source for e in store.edges(EdgeKind.REPORTS_TO)} == {"o-s1", "o-c1", "o-a1", "o-g1", "o-g2", "o-u1", "o-sys"}


def test_edges_of_a_node_go_out_or_come_in(store: GraphStore) -> None:
    store.write(town())
    assert {e.target for e in store.edges_of("a1")} == {"c1"}
    children = store.edges_of("a1", kind=EdgeKind.WITHIN, direction=Direction.IN)
    assert sorted(e.source for e in children) == ["g1", "g2"]
    assert [e.source for e in store.edges_of("a1", kind=EdgeKind.COVERS, direction=Direction.IN)] == ["o-a1"]
    lead = [e for e in store.edges_of("al1", direction=Direction.IN) if e.source == "o-s1"]
    assert lead[0].lead is True  # type: ignore[union-attr]


def test_writing_the_same_batch_twice_changes_nothing_the_second_time(store: GraphStore) -> None:
    batch = town()
    first = store.write(batch)
    assert first.total("created") == len(batch)
    before = contents(store)
    again = town()
    for node in again.nodes:  # a second import: same facts, a later time
        object.__setattr__(node, "provenance", prov(source="second import"))
    second = store.write(again)
    assert not second.changed
    assert second.total("unchanged") == len(batch)
    assert contents(store) == before  # provenance of unchanged facts kept, too


def test_an_edited_node_is_updated_in_place_not_duplicated(store: GraphStore) -> None:
    store.write(town())
    edited = Territory(id="g1", name="春晖苑第1网格", level=Level.GRID, households=135, provenance=prov(row=7, source="ledger.xlsx"))
    summary = store.write(Batch(nodes=[edited]))
    assert summary.updated == {"territory": 1}
    assert store.node("g1") == edited
    assert store.count(NodeKind.TERRITORY) == 8


def test_a_second_parent_edge_moves_the_node(store: GraphStore) -> None:
    store.write(town())
    store.write(Batch(edges=[Within(source="g3", target="a1", provenance=PROV)]))
    assert [e.target for e in store.edges_of("g3", kind=EdgeKind.WITHIN)] == ["a1"]
    assert sorted(e.source for e in store.edges_of("a2", kind=EdgeKind.WITHIN, direction=Direction.IN)) == []


def test_removing_a_node_removes_its_edges(store: GraphStore) -> None:
    store.write(town())
    summary = store.write(Batch(remove_nodes=["o-g2"]))
    assert summary.removed == {"organisation": 1}
    assert not store.has_node("o-g2")
    assert store.edges_of("h2", kind=EdgeKind.MEMBER_OF) == []  # h2 now hangs in neutral: a gap, not an error
    assert store.edges_of("g2", direction=Direction.IN, kind=EdgeKind.COVERS) == []


def test_removing_an_edge_leaves_its_nodes(store: GraphStore) -> None:
    store.write(town())
    store.write(Batch(remove_edges=[EdgeRef(source="ag1", kind=EdgeKind.SIGNED_BY, target="o-u1")]))
    assert [e.target for e in store.edges_of("ag1")] == ["o-c1"]
    assert store.has_node("o-u1")


def test_clear_empties_the_store(store: GraphStore) -> None:
    store.write(town())
    store.clear()
    assert store.count() == 0 and store.count_edges() == 0


def test_a_generated_network_loads_whole(store: GraphStore) -> None:
    batches = list(generate(NetworkSpec(households=3_000, seed=3)))
    for batch in batches:
        store.write(batch)
    assert store.count() == sum(len(b.nodes) for b in batches)
    assert store.count_edges() == sum(len(b.edges) for b in batches)


# -- invariants: each broken once, refused whole, the graph left as it was ---------------------


def _refused(store: GraphStore, batch: Batch, *, rule: str, node: str) -> InvariantViolation:
    before = contents(store)
    with pytest.raises(InvariantViolation) as caught:
        store.write(batch)
    assert (rule, node) in {(v.rule, v.node_id) for v in caught.value.violations}, caught.value.violations
    assert node in str(caught.value)
    assert contents(store) == before, "a refused write must leave the graph as it was"
    return caught.value


def _ok_node() -> Territory:
    """A valid node that rides along in every refused batch, to show that nothing of it is written."""
    return Territory(id="s9", name="新街道", level=Level.STREET, provenance=PROV)


def test_an_id_twice_in_one_write_is_refused(store: GraphStore) -> None:
    store.write(town())
    twice = Territory(id="s2", name="A", level=Level.STREET, provenance=PROV)
    _refused(store, Batch(nodes=[_ok_node(), twice, twice.model_copy(update={"name": "B"})]), rule=Rule.UNIQUE_ID, node="s2")


def test_an_id_taken_by_another_kind_is_refused(store: GraphStore) -> None:
    store.write(town())
    clash = Unit(id="c1", name="同名单位", unit_type=UnitType.SCHOOL, provenance=PROV)
    _refused(store, Batch(nodes=[_ok_node(), clash]), rule=Rule.KIND_FIXED, node="c1")


def test_an_edge_to_a_missing_node_is_refused(store: GraphStore) -> None:
    store.write(town())
    batch = Batch(nodes=[_ok_node()], edges=[Within(source="s9", target="ghost", provenance=PROV)])
    _refused(store, batch, rule=Rule.ENDPOINT_EXISTS, node="ghost")


def test_an_edge_between_the_wrong_kinds_is_refused(store: GraphStore) -> None:
    store.write(town())
    _refused(
        store, Batch(nodes=[_ok_node()], edges=[Within(source="o-c1", target="s1", provenance=PROV)]), rule=Rule.ENDPOINT_KINDS, node="o-c1"
    )


def test_a_territory_two_levels_below_its_parent_is_refused(store: GraphStore) -> None:
    store.write(town())
    community = Territory(id="c9", name="飞地社区", level=Level.COMMUNITY, provenance=PROV)
    batch = Batch(nodes=[community], edges=[Within(source="c9", target="d", provenance=PROV)])
    err = _refused(store, batch, rule=Rule.PARENT_LEVEL, node="c9")
    assert "上级应是街道" in str(err)  # says what would be right, in the reader's language


def test_an_organisation_whose_parent_is_not_one_level_up_is_refused(store: GraphStore) -> None:
    store.write(town())
    branch = Organisation(id="o-a2", name="锦绣园党支部", level=Level.RESIDENTIAL_AREA, form=OrgForm.BRANCH, members=5, provenance=PROV)
    batch = Batch(
        nodes=[branch],
        edges=[ReportsTo(source="o-a2", target="o-s1", provenance=PROV), Covers(source="o-a2", target="a2", provenance=PROV)],
    )
    _refused(store, batch, rule=Rule.PARENT_LEVEL, node="o-a2")


def test_a_household_head_held_by_a_unit_organisation_is_written(store: GraphStore) -> None:
    """双重管理: an in-service household head's membership is their work unit's organisation's, not a grid group's."""
    store.write(town())
    head = Member(
        id="h9", name="周杰", category=MemberCategory.IN_SERVICE, roles=(MemberRole.HOUSEHOLD_HEAD,), households=10, provenance=PROV
    )
    store.write(
        Batch(
            nodes=[head], edges=[MemberOf(source="h9", target="o-u1", provenance=PROV), Serves(source="h9", target="g1", provenance=PROV)]
        )
    )
    assert [e.target for e in store.edges_of("h9", kind=EdgeKind.MEMBER_OF)] == ["o-u1"]


def test_a_report_to_a_grid_is_refused(store: GraphStore) -> None:
    store.write(town())
    _refused(store, Batch(edges=[ReportedTo(source="m1", target="g1", provenance=PROV)]), rule=Rule.REPORTED_TO_PLACE, node="m1")


def test_a_unit_organisation_reporting_to_a_grid_group_is_refused(store: GraphStore) -> None:
    store.write(town())
    _refused(
        store,
        Batch(nodes=[_ok_node()], edges=[ReportsTo(source="o-u1", target="o-g1", provenance=PROV)]),
        rule=Rule.PARENT_LEVEL,
        node="o-u1",
    )


def test_two_parents_in_one_write_are_refused(store: GraphStore) -> None:
    store.write(town())
    grid = Territory(id="g9", name="新网格", level=Level.GRID, households=100, provenance=PROV)
    batch = Batch(
        nodes=[grid], edges=[Within(source="g9", target="a1", provenance=PROV), Within(source="g9", target="a2", provenance=PROV)]
    )
    _refused(store, batch, rule=Rule.ONE_PARENT, node="g9")


def test_a_cycle_is_refused(store: GraphStore) -> None:
    store.write(town())
    _refused(
        store, Batch(nodes=[_ok_node()], edges=[ReportsTo(source="o-s1", target="o-g1", provenance=PROV)]), rule=Rule.NO_CYCLE, node="o-s1"
    )


def test_a_node_that_is_its_own_parent_is_refused(store: GraphStore) -> None:
    store.write(town())
    _refused(store, Batch(edges=[Within(source="a1", target="a1", provenance=PROV)]), rule=Rule.NO_CYCLE, node="a1")


def test_an_organisation_covering_another_level_is_refused(store: GraphStore) -> None:
    store.write(town())
    group = Organisation(id="o-g3", name="第3网格党小组", level=Level.GRID, form=OrgForm.GROUP, members=3, provenance=PROV)
    batch = Batch(
        nodes=[group], edges=[ReportsTo(source="o-g3", target="o-a1", provenance=PROV), Covers(source="o-g3", target="a2", provenance=PROV)]
    )
    _refused(store, batch, rule=Rule.COVERS_OWN_LEVEL, node="o-g3")


def test_a_unit_already_covered_is_refused_a_second_organisation(store: GraphStore) -> None:
    store.write(town())
    group = Organisation(id="o-g1b", name="又一个党小组", level=Level.GRID, form=OrgForm.GROUP, members=3, provenance=PROV)
    batch = Batch(
        nodes=[group],
        edges=[ReportsTo(source="o-g1b", target="o-a1", provenance=PROV), Covers(source="o-g1b", target="g1", provenance=PROV)],
    )
    err = _refused(store, batch, rule=Rule.ONE_COVERER, node="o-g1b")
    assert "o-g1" in str(err)


def test_changing_a_level_that_breaks_existing_edges_is_refused(store: GraphStore) -> None:
    store.write(town())
    demoted = Territory(id="a1", name="春晖苑", level=Level.BUILDING, provenance=PROV)
    _refused(store, Batch(nodes=[demoted]), rule=Rule.PARENT_LEVEL, node="a1")


def test_every_problem_in_a_write_is_reported_at_once(store: GraphStore) -> None:
    store.write(town())
    batch = Batch(
        nodes=[Territory(id="c9", name="飞地社区", level=Level.COMMUNITY, provenance=PROV)],
        edges=[Within(source="c9", target="d", provenance=PROV), Within(source="g9", target="a1", provenance=PROV)],
    )
    with pytest.raises(InvariantViolation) as caught:
        store.write(batch)
    assert {(v.rule, v.node_id) for v in caught.value.violations} == {(Rule.PARENT_LEVEL, "c9"), (Rule.ENDPOINT_EXISTS, "g9")}


def test_a_move_and_a_fix_in_one_write_are_accepted(store: GraphStore) -> None:
    """A write that would break a rule midway but not at its end is fine: rules hold for the result."""
    store.write(town())
    org = Organisation(id="o-g3", name="第3网格党小组", level=Level.GRID, form=OrgForm.GROUP, members=3, provenance=PROV)
    batch = Batch(
        nodes=[org],
        edges=[
            Within(source="g3", target="a1", provenance=PROV),
            Covers(source="o-g3", target="g3", provenance=PROV),
            ReportsTo(source="o-g3", target="o-a1", provenance=PROV),
        ],
    )
    summary = store.write(batch)
    assert summary.created == {"organisation": 1, "COVERS": 1, "REPORTS_TO": 1, "WITHIN": 1}


def test_an_agreement_may_not_end_before_it_starts() -> None:
    from graph.model import Agreement

    with pytest.raises(ValueError, match="ag9"):
        Agreement(id="ag9", signed_on=date(2025, 1, 1), expires_on=date(2024, 1, 1), provenance=PROV)


def test_generation_rates_can_switch_every_gap_off(store: GraphStore) -> None:
    none = GapRates(**{name: 0.0 for name in GapRates.__dataclass_fields__ if not name.endswith("_org")})
    for batch in generate(NetworkSpec(households=2_000, seed=5, gaps=none)):
        store.write(batch)
    areas = store.count(NodeKind.TERRITORY)
    assert areas > 0
    uncovered = [t.id for t in store.nodes(NodeKind.TERRITORY) if not store.edges_of(t.id, kind=EdgeKind.COVERS, direction=Direction.IN)]
    assert uncovered == []


# -- several batches as one write ---------------------------------------------------------------


def _street_batches() -> list[Batch]:
    """A new street, its community and a grid, one level a batch: each needs the one before."""
    street = Batch(
        nodes=[Territory(id="s2", name="西湖街道", level=Level.STREET, provenance=PROV)],
        edges=[Within(source="s2", target="d", provenance=PROV)],
    )
    community = Batch(
        nodes=[Territory(id="c2", name="和平社区", level=Level.COMMUNITY, provenance=PROV)],
        edges=[Within(source="c2", target="s2", provenance=PROV)],
    )
    move = Batch(edges=[Within(source="a2", target="c2", provenance=PROV)], remove_nodes=["g3"])
    return [street, community, move]


def test_several_batches_written_as_one_are_all_there(store: GraphStore) -> None:
    store.write(town())
    summary = store.write_all(_street_batches())
    assert summary.created == {"territory": 2, "WITHIN": 3}
    assert summary.removed == {"territory": 1}
    assert [e.target for e in store.edges_of("a2", kind=EdgeKind.WITHIN)] == ["c2"]
    assert not store.has_node("g3")


def test_a_refused_last_batch_undoes_the_batches_before_it(store: GraphStore) -> None:
    store.write(town())
    bad = Batch(edges=[Within(source="c2", target="d", provenance=PROV)])  # a community under the district
    _refused_all(store, [*_street_batches(), bad], rule=Rule.PARENT_LEVEL, node="c2")


def test_an_error_in_the_middle_of_the_batches_undoes_them(store: GraphStore) -> None:
    store.write(town())
    before = contents(store)

    def batches_then_a_bad_row() -> Iterator[Batch]:
        yield from _street_batches()
        raise ValueError("row 7 of structure.csv: level 'hamlet' is not a level")

    with pytest.raises(ValueError, match="row 7"):
        store.write_all(batches_then_a_bad_row())
    assert contents(store) == before


def _refused_all(store: GraphStore, batches: list[Batch], *, rule: str, node: str) -> None:
    before = contents(store)
    with pytest.raises(InvariantViolation) as caught:
        store.write_all(batches)
    assert (rule, node) in {(v.rule, v.node_id) for v in caught.value.violations}
    assert contents(store) == before


def test_a_node_removed_and_written_again_in_one_write_starts_afresh(store: GraphStore) -> None:
    store.write(town())
    again = Territory(id="a2", name="锦绣园", level=Level.GRID, households=90, provenance=PROV)  # now a grid
    summary = store.write(Batch(nodes=[again], edges=[Within(source="a2", target="a1", provenance=PROV)], remove_nodes=["a2"]))
    assert summary.removed == {"territory": 1} and summary.created == {"territory": 1, "WITHIN": 1}
    assert store.node("a2") == again
    assert store.edges_of("a2", direction=Direction.IN) == []  # g3 lost its parent with the old a2


# -- dated structure: at most one functional edge in force on any day -------------------------


def test_a_dated_move_closes_the_old_place_the_day_before_and_keeps_it(store: GraphStore) -> None:
    store.write(town())
    summary = store.write(Batch(edges=[Within(source="g3", target="a1", valid_from=date(2026, 4, 1), provenance=PROV)]))
    assert summary.created == {"WITHIN": 1} and summary.updated == {"WITHIN": 1}
    places = {e.target: (e.valid_from, e.valid_to) for e in store.edges_of("g3", kind=EdgeKind.WITHIN)}
    assert places == {"a2": (None, date(2026, 3, 31)), "a1": (date(2026, 4, 1), None)}
    # Written again, nothing changes: the closed place is history, ended before the new one starts.
    again = store.write(Batch(edges=[Within(source="g3", target="a1", valid_from=date(2026, 4, 1), provenance=PROV)]))
    assert not again.changed
    # The facts walk each day's tree: before the move g3 lies in a2, after it in a1.
    before = {f.id: f.parent for f in store.territory_facts("c1", day=date(2026, 3, 31))}
    after = {f.id: f.parent for f in store.territory_facts("c1", day=date(2026, 4, 1))}
    assert (before["g3"], after["g3"]) == ("a2", "a1")


def test_an_undated_move_replaces_the_old_place_and_a_move_to_an_earlier_day_replaces_a_later_one(store: GraphStore) -> None:
    store.write(town())
    store.write(Batch(edges=[Within(source="g3", target="a1", valid_from=date(2026, 4, 1), provenance=PROV)]))
    store.write(Batch(edges=[Within(source="g3", target="a2", valid_from=date(2026, 1, 1), provenance=PROV)]))
    assert {e.target: (e.valid_from, e.valid_to) for e in store.edges_of("g3", kind=EdgeKind.WITHIN)} == {"a2": (date(2026, 1, 1), None)}
    store.write(Batch(edges=[Within(source="g3", target="a1", provenance=PROV)]))
    assert [(e.target, e.valid_to) for e in store.edges_of("g3", kind=EdgeKind.WITHIN)] == [("a1", None)]


def test_a_joint_organisation_covers_several_territories_of_its_level(store: GraphStore) -> None:
    store.write(town())
    member = Member(id="m9", name="钱敏", category=MemberCategory.RETIRED, provenance=PROV)  # of o-a1, serving nowhere
    store.write(Batch(nodes=[member], edges=[MemberOf(source="m9", target="o-a1", provenance=PROV)]))

    def members() -> int:
        return sum(sum(f.members.values()) for f in store.territory_facts("c1", day=date(2026, 6, 1)))

    before = members()
    joint = Organisation(
        id="o-a1", name="春晖锦绣联合党支部", level=Level.RESIDENTIAL_AREA, form=OrgForm.BRANCH, members=12, provenance=PROV
    )
    store.write(Batch(nodes=[joint], edges=[Covers(source="o-a1", target="a2", provenance=PROV)]))
    assert sorted(e.target for e in store.edges_of("o-a1", kind=EdgeKind.COVERS)) == ["a1", "a2"]
    covered = {f.id: f.covered for f in store.territory_facts("c1", day=date(2026, 6, 1)) if f.level is Level.RESIDENTIAL_AREA}
    assert covered == {"a1": True, "a2": True}
    assert members() == before  # its own members count once, not once per territory it covers
    # Still one organisation over each territory.
    other = Organisation(id="o-a2", name="锦绣园党支部", level=Level.RESIDENTIAL_AREA, form=OrgForm.BRANCH, members=5, provenance=PROV)
    _refused(store, Batch(nodes=[other], edges=[Covers(source="o-a2", target="a2", provenance=PROV)]), rule=Rule.ONE_COVERER, node="o-a2")


def test_grids_and_buildings_lie_where_the_seeds_put_them(store: GraphStore) -> None:
    store.write(town())
    large = Territory(id="g9", name="第9大网格", level=Level.GRID, households=900, provenance=PROV)
    building = Territory(id="b1", name="1号楼", level=Level.BUILDING, households=40, provenance=PROV)
    store.write(
        Batch(
            nodes=[large, building],
            edges=[Within(source="g9", target="s1", provenance=PROV), Within(source="b1", target="g1", provenance=PROV)],
        )
    )
    misplaced = Territory(id="b2", name="2号楼", level=Level.BUILDING, provenance=PROV)
    _refused(store, Batch(nodes=[misplaced], edges=[Within(source="b2", target="c1", provenance=PROV)]), rule=Rule.PARENT_LEVEL, node="b2")
