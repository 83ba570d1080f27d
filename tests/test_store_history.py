"""The history of every node's properties (graph.history), on every store: what was written on a day
is what the node reads on that day, facts of a past day are the reference walk's, a refused write
leaves no trace, and a restart keeps it all."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from graph.errors import InvariantViolation, UnknownNode
from graph.history import ChangeKind, PropertyChange, rows, values_on, written
from graph.memory import MemoryStore
from graph.model import Batch, Covers, Level, Member, MemberCategory, NodeKind, Organisation, OrgForm, Territory
from graph.scope import DayReader, walk_chain_facts, walk_territory_facts
from graph.store import ChainFacts, GraphStore, TerritoryFacts
from tests.utils.known_network import AS_OF, known_network
from tests.utils.network import PROV, prov, town

D1, D2, D3 = date(2026, 3, 1), date(2026, 6, 1), date(2026, 9, 1)


def _grid(households: int | None, name: str = "春晖苑第1网格", *, source: str = "test") -> Territory:
    return Territory(id="g1", name=name, level=Level.GRID, households=households, provenance=prov(source=source))


def _fields(store: GraphStore, node_id: str, day: date) -> tuple[object, ...]:
    node = store.node_on(node_id, day)
    assert isinstance(node, Territory)
    return node.name, node.households


def test_a_node_reads_on_each_day_what_was_written_for_that_day(store: GraphStore) -> None:
    store.write(town(), effective=D1)  # g1 has 120 households
    store.write(Batch(nodes=[_grid(130)]), effective=D2)
    store.write(Batch(nodes=[_grid(130, "春晖网格")]), effective=D3)
    assert _fields(store, "g1", date(2025, 1, 1)) == ("春晖苑第1网格", 120), "before it was created: as created"
    assert _fields(store, "g1", D1) == ("春晖苑第1网格", 120)
    assert _fields(store, "g1", date(2026, 5, 31)) == ("春晖苑第1网格", 120)
    assert _fields(store, "g1", D2) == ("春晖苑第1网格", 130), "a change holds from its day on"
    assert _fields(store, "g1", date(2026, 8, 31)) == ("春晖苑第1网格", 130)
    assert _fields(store, "g1", D3) == ("春晖网格", 130)
    assert store.node("g1") == store.node_on("g1", date(2030, 1, 1))
    log = store.history("g1")
    assert [(c.day, c.what, dict(c.old)) for c in log] == [
        (D1, ChangeKind.CREATED, {}),
        (D2, ChangeKind.CHANGED, {"households": 120}),
        (D3, ChangeKind.CHANGED, {"name": "春晖苑第1网格"}),
    ], "only the fields that changed, with their old values"
    assert [(r.day, r.field, r.old, r.new) for r in rows(log, {"name": "春晖网格", "households": 130})][1:] == [
        (D2, "households", 120, 130),
        (D3, "name", "春晖苑第1网格", "春晖网格"),
    ]
    assert store.last_property_change() == D3


def test_a_write_that_changes_nothing_keeps_nothing(store: GraphStore) -> None:
    store.write(town(), effective=D1)
    before = store.history("g1")
    summary = store.write(town(), effective=D2)
    assert not summary.changed and store.history("g1") == before and len(before) == 1
    assert store.last_property_change() is None


def test_a_backdated_change_is_placed_by_its_day_and_a_later_change_stays_later(store: GraphStore) -> None:
    store.write(town(), effective=D1)
    store.write(Batch(nodes=[_grid(140)]), effective=D3)
    summary = store.write(Batch(nodes=[_grid(130)]), effective=D2)  # a late report for D2
    assert summary.changed
    assert store.node("g1").households == 140, "the later change still holds now"  # type: ignore[attr-defined]
    assert [_fields(store, "g1", d)[1] for d in (D1, D2, D3)] == [120, 130, 140]
    assert [(c.day, dict(c.old)) for c in store.history("g1")[1:]] == [(D2, {"households": 120}), (D3, {"households": 130})]


def test_a_backdated_change_no_later_write_changed_holds_now(store: GraphStore) -> None:
    store.write(town(), effective=D1)
    store.write(Batch(nodes=[_grid(120, "新名")]), effective=D3)
    store.write(Batch(nodes=[_grid(125)]), effective=D2)  # households nobody changed since: it holds from D2 on
    assert _fields(store, "g1", D3) == ("新名", 125)
    assert _fields(store, "g1", D2) == ("春晖苑第1网格", 125)
    assert _fields(store, "g1", D1) == ("春晖苑第1网格", 120)


def test_a_write_dated_before_a_creation_moves_the_creation_back(store: GraphStore) -> None:
    store.write(town(), effective=D2)
    store.write(Batch(nodes=[_grid(100)]), effective=D1)
    assert [(c.day, c.what, dict(c.old)) for c in store.history("g1")] == [
        (D1, ChangeKind.CREATED, {}),
        (D2, ChangeKind.CHANGED, {"households": 100}),
    ]
    assert _fields(store, "g1", D1)[1] == 100 and _fields(store, "g1", D2)[1] == 120


def test_a_removed_node_leaves_a_tombstone_and_is_not_brought_back(store: GraphStore) -> None:
    store.write(town(), effective=D1)
    store.write(Batch(remove_nodes=["g3"]), effective=D2)
    with pytest.raises(UnknownNode):
        store.node_on("g3", D1)  # decided: a removal is not undone for an earlier day (its edges are gone too)
    tomb = store.history("g3")[-1]
    assert (tomb.day, tomb.what, tomb.kind, tomb.old["households"], tomb.old["name"]) == (
        D2,
        ChangeKind.REMOVED,
        "territory",
        150,
        "锦绣园第1网格",
    )
    assert ("g3", tomb) in list(store.history_between(D1, D2))
    assert not [c for i, c in store.history_between(D2, D3) if i == "g3"]
    with pytest.raises(UnknownNode):
        store.history("never-there")
    store.write(Batch(nodes=[Territory(id="g3", name="锦绣园第1网格", level=Level.GRID, households=90, provenance=PROV)]), effective=D3)
    assert [c.what for c in store.history("g3")] == [ChangeKind.CREATED, ChangeKind.REMOVED, ChangeKind.CREATED]


def test_a_refused_write_and_a_dry_run_leave_no_history(store: GraphStore) -> None:
    store.write(town(), effective=D1)
    before = {i: store.history(i) for i in ("g1", "o-g1")}
    bad = Batch(
        nodes=[_grid(999), Organisation(id="o-x", name="多余", level=Level.GRID, form=OrgForm.GROUP, provenance=PROV)],
        edges=[Covers(source="o-x", target="g1", provenance=PROV)],  # g1 is covered by o-g1 already
    )
    with pytest.raises(InvariantViolation):
        store.write(bad, effective=D2)
    with pytest.raises(InvariantViolation):
        store.write_all([Batch(nodes=[_grid(998)]), bad], effective=D2)
    store.write_all([Batch(nodes=[_grid(997)])], dry_run=True, effective=D2)
    assert {i: store.history(i) for i in ("g1", "o-g1")} == before
    with pytest.raises(UnknownNode):
        store.history("o-x")
    assert store.node("g1").households == 120  # type: ignore[attr-defined]
    assert list(store.history_between(D1, D3)) == []


def test_history_between_finds_what_took_effect_in_the_window(store: GraphStore) -> None:
    store.write(town(), effective=D1)
    store.write(Batch(nodes=[_grid(130)]), effective=D2)
    found = list(store.history_between(D1, D3))
    assert [(i, c.day, c.what) for i, c in found] == [("g1", D2, ChangeKind.CHANGED)]
    assert {i for i, c in store.history_between(date(2026, 2, 28), D1)} == {n.id for n in town().nodes}


def test_the_import_that_made_a_change_is_kept_with_it(store: GraphStore) -> None:
    store.write(town(), effective=D1)
    store.write(Batch(nodes=[_grid(130, source="imp-1 town.xlsx [territories]")]), effective=D2)
    assert store.history("g1")[-1].source == "imp-1 town.xlsx [territories]"


def test_the_day_reader_reads_properties_as_they_were(store: GraphStore) -> None:
    store.write(town(), effective=D1)
    store.write(Batch(nodes=[_grid(130)]), effective=D2)
    assert DayReader(store, as_of=D1).node("g1").households == 120  # type: ignore[attr-defined]
    assert DayReader(store, as_of=D2).node("g1").households == 130  # type: ignore[attr-defined]


def _by_id(facts: Sequence[TerritoryFacts | ChainFacts]) -> dict[str, TerritoryFacts | ChainFacts]:
    return {f.id: f for f in facts}


def _changed_network(store: GraphStore) -> None:
    """The known district, then changes on a day after AS_OF: households, staff, a form, members, a member's category."""
    day = date(2026, 7, 1)
    nodes = []
    for node in store.nodes():
        if isinstance(node, Territory) and node.households is not None:
            nodes.append(node.model_copy(update={"households": node.households + 7}))
        elif isinstance(node, Territory) and node.level is Level.COMMUNITY:
            nodes.append(node.model_copy(update={"staff": (node.staff or 0) + 3, "population": 5000}))
        elif isinstance(node, Organisation) and node.level is Level.RESIDENTIAL_AREA:
            nodes.append(node.model_copy(update={"members": node.members + 40, "form": OrgForm.GENERAL_BRANCH}))
        elif isinstance(node, Member) and node.category is MemberCategory.IN_SERVICE:
            nodes.append(node.model_copy(update={"category": MemberCategory.RETIRED, "households": node.households + 1}))
    assert len(nodes) > 10
    store.write(Batch(nodes=nodes), effective=day)


@pytest.mark.parametrize("day", [AS_OF, date(2026, 6, 30), date(2026, 7, 1), date(2027, 1, 1)])
@pytest.mark.parametrize("scope", ["d", "s1", "c1"])
def test_facts_on_any_day_are_the_reference_walks(store: GraphStore, scope: str, day: date) -> None:
    known = store
    for batch in known_network():
        known.write(batch, effective=date(2020, 1, 1))
    before = _by_id(known.territory_facts(scope, day=day))
    _changed_network(known)
    facts = _by_id(known.territory_facts(scope, day=day))
    assert facts == _by_id(walk_territory_facts(known, scope, day=day))
    assert _by_id(known.chain_facts(scope, day=day)) == _by_id(walk_chain_facts(known, scope, day=day))
    if day < date(2026, 7, 1):
        assert facts == before, "a change that took effect later leaves the facts of an earlier day as they were"
    else:
        assert facts != before


def test_a_restart_keeps_the_history_and_a_reader_beside_the_writer_sees_it(tmp_path: Path) -> None:
    folder = tmp_path / "data"
    store = MemoryStore(folder, durable=False)
    store.write(town(), effective=D1)
    store.write(Batch(nodes=[_grid(130)]), effective=D2)
    store.write(Batch(remove_nodes=["g3"]), effective=D3)
    log, tomb = store.history("g1"), store.history("g3")
    reader = MemoryStore(folder, read_only=True)  # the journal, before any snapshot
    assert reader.history("g1") == log and reader.node_on("g1", D1).households == 120  # type: ignore[attr-defined]
    store.close()  # folds the journal into a snapshot
    again = MemoryStore(folder, durable=False)
    assert again.history("g1") == log and again.history("g3") == tomb
    assert again.node_on("g1", D1).households == 120 and again.last_property_change() == D2  # type: ignore[attr-defined]
    again.close()


def test_the_history_is_never_a_node_of_the_graph(store: GraphStore) -> None:
    store.write(town(), effective=D1)
    store.write(Batch(nodes=[_grid(130)]), effective=D2)
    store.write(Batch(remove_nodes=["g3"]), effective=D2)
    assert store.count() == len(town().nodes) - 1
    assert {n.id for n in store.nodes()} == {n.id for n in town().nodes} - {"g3"}
    assert not store.has_node("g3") and store.history("g3")[-1].what is ChangeKind.REMOVED


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 400), st.integers(0, 5)), min_size=1, max_size=8))
def test_writes_in_day_order_read_back_on_every_day(writes: list[tuple[int, int]]) -> None:
    """The pure rules alone: whatever was written last on or before a day is what the day reads."""
    start = date(2026, 1, 1)
    dated = sorted(((start + timedelta(days=d), v) for d, v in writes), key=lambda w: w[0])
    log: tuple[PropertyChange, ...] = ()
    current: dict[str, object] | None = None
    for day, value in dated:
        found = written(log, current, {"households": value}, day=day, kind=NodeKind.TERRITORY, source=None)
        if found is not None:
            log, current = found
    assert current is not None
    for probe in range(-1, 402):
        day = start + timedelta(days=probe)
        last = [v for d, v in dated if d <= day]
        expected = last[-1] if last else dated[0][1]
        assert values_on(log, current, day)["households"] == expected
    assert all(c.old for c in log if c.what is ChangeKind.CHANGED), "no entry for a write that changed nothing"
