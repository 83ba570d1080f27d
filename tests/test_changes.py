"""What changed between two days, and trends: every planted change of a month found and nothing else, on every store."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest

from graph.changes import Changes, changes, describe, listed, month_ends, trends
from graph.errors import UnknownNode
from graph.gaps import find_gaps
from graph.i18n import using
from graph.model import ChangeEvent
from graph.store import GraphStore, ImportRecord, WriteSummary
from tests.utils.changing_network import END, PLANTED, START, expected, expected_properties, keeps_history, write_month


@pytest.fixture
def month(store: GraphStore) -> GraphStore:
    """Every store, after the district's base and a month of daily writes."""
    return write_month(store)


def _found(answer: Changes) -> set[tuple[str, ChangeEvent, str]]:
    out: set[tuple[str, ChangeEvent, str]] = set()
    for section in ("territories", "organisations"):
        out |= {(section, c.change, c.node.id) for c in getattr(answer, section)}
    out |= {("agreements", c.change, c.agreement.id) for c in answer.agreements}
    out |= {("seats", c.change, c.node.id) for c in answer.seats}
    out |= {("posts", c.change, c.node.id) for c in answer.posts}
    out |= {("reports", ChangeEvent.REPORTED, c.member.id) for c in answer.reports}
    out |= {("properties", c.change, c.node.id) for c in answer.properties}
    return out


@pytest.mark.parametrize(
    ("since", "until"),
    [(START, END), (START, date(2026, 10, 8)), (date(2026, 10, 8), date(2026, 10, 16)), (date(2026, 10, 16), END), (END, END)],
)
def test_every_planted_change_between_two_days_is_found_and_nothing_else(month: GraphStore, since: date, until: date) -> None:
    answer = changes(month, "d", since=since, until=until)
    assert _found(answer) == expected(since, until) | expected_properties(month, since, until)


def test_each_change_names_its_day_and_its_places(month: GraphStore) -> None:
    answer = changes(month, "d", since=START, until=END)
    days = {p.id: p.day for p in PLANTED}
    assert {c.agreement.id: c.day for c in answer.agreements} == {a: days[a] for a in ("ag-new", "ag-x", "ag-sign")}
    assert [c.renews for c in answer.agreements if c.change is ChangeEvent.RENEWED] == ["ag-old"]
    moved = next(c for c in answer.territories if c.node.id == "c2")
    assert (moved.before and moved.before.id, moved.after and moved.after.id) == ("s1", "s2")
    org = next(c for c in answer.organisations if c.node.id == "o-c2")
    assert (org.before and org.before.id, org.after and org.after.id) == ("o-s1", "o-s2")
    created = next(c for c in answer.territories if c.node.id == "g121")
    assert created.before is None and created.after is not None and created.after.id == "a12"
    assert {(c.node.id, c.day) for c in answer.seats} == {("seat1", days["seat1"]), ("seat2", days["seat2"])}
    assert [(c.member.id, c.to.id) for c in answer.reports] == [("m1", "c1")]


def test_a_street_sees_a_community_moved_out_and_the_other_moved_in(month: GraphStore) -> None:
    east = changes(month, "s1", since=START, until=END)
    west = changes(month, "s2", since=START, until=END)
    assert ("territories", ChangeEvent.MOVED_OUT, "c2") in _found(east)
    assert ("territories", ChangeEvent.MOVED_IN, "c2") in _found(west)
    out = next(c for c in east.territories if c.node.id == "c2")
    assert out.after is not None and out.after.id == "s2"
    assert ("organisations", ChangeEvent.MOVED_IN, "o-c2") in _found(west)
    assert ("agreements", ChangeEvent.EXPIRED, "ag-x") in _found(west)  # c2's agreements follow it
    assert ("territories", ChangeEvent.CREATED, "a12") not in _found(west)


def test_coverage_then_and_now_with_the_difference(month: GraphStore) -> None:
    answer = changes(month, "d", since=START, until=END)
    fig = {f.figure: f for f in answer.coverage.figures}
    branch = fig["residential_areas_with_branch"]
    assert (branch.before.numerator, branch.before.denominator, branch.after.numerator, branch.after.denominator) == (2, 3, 3, 4)
    assert branch.rate_change == pytest.approx(3 / 4 - 2 / 3)
    groups = fig["grids_with_group"]
    assert (groups.before.numerator, groups.before.denominator, groups.after.numerator, groups.after.denominator) == (1, 1, 0, 3)
    streets = {s.scope.id: {f.figure: f for f in s.figures} for s in answer.breakdown}
    assert set(streets) == {"s1", "s2"}
    areas = streets["s2"]["residential_areas_with_branch"]  # c2's a21 (with its branch) moved in
    assert (areas.before.numerator, areas.before.denominator, areas.after.numerator, areas.after.denominator) == (0, 1, 1, 2)


def test_gaps_opened_and_closed_are_those_found_on_one_day_and_not_the_other(month: GraphStore) -> None:
    answer = changes(month, "d", since=START, until=END)
    then = {(g.rule, g.node.id) for g in find_gaps(month, "d", as_of=START, limit=10_000).items}
    now = {(g.rule, g.node.id) for g in find_gaps(month, "d", as_of=END, limit=10_000).items}
    opened = {(c.gap.rule, c.gap.node.id) for c in answer.gaps if c.change is ChangeEvent.OPENED}
    closed = {(c.gap.rule, c.gap.node.id) for c in answer.gaps if c.change is ChangeEvent.CLOSED}
    assert (opened, closed) == (now - then, then - now)
    assert {"g121", "g112", "g111"} <= {node for rule, node in opened if rule == "grid_without_group"}


def test_since_an_import_starts_the_day_before_it_took_effect(store: GraphStore) -> None:
    day16 = date(2026, 10, 16)

    def entry(summary: WriteSummary) -> ImportRecord:
        at = datetime(2026, 10, 16, 9, 0)
        return ImportRecord(
            id="imp-16", file="day16.xlsx", sha256="0" * 64, started_at=at, finished_at=at, outcome="applied", summary=summary
        )

    write_month(store, record={day16: entry})
    answer = changes(store, "d", since_import="imp-16", until=END)
    assert answer.since == day16 - timedelta(days=1)
    assert _found(answer) == expected(day16 - timedelta(days=1), END) | expected_properties(store, day16 - timedelta(days=1), END)


def test_an_unknown_import_is_refused(month: GraphStore) -> None:
    with pytest.raises(UnknownNode):
        changes(month, "d", since_import="no-such-import", until=END)


def test_every_change_reads_in_chinese_and_in_english(month: GraphStore) -> None:
    answer = changes(month, "d", since=START, until=END)
    lines = [line for _, _, line in listed(answer)]
    assert len(lines) == answer.total
    assert any("续签" in line and "ag-new" in line for line in lines)
    with using("en"):
        english = [describe(c) for c in answer.agreements]
    assert any("renewed" in line for line in english)


def test_trends_give_each_figure_at_every_month_end(month: GraphStore) -> None:
    found = trends(month, "d", since=date(2026, 9, 1), until=date(2026, 11, 30))
    assert found.months == [date(2026, 9, 30), date(2026, 10, 31), date(2026, 11, 30)]
    series = {s.figure: s for s in found.series}
    areas = [(p.numerator, p.denominator) for p in series["residential_areas_with_branch"].points]
    assert areas == [(2, 3), (3, 4), (3, 4)]
    assert [p.numerator for p in series["grids_with_group"].points] == [1, 0, 0]


def test_month_ends_stop_at_the_day_asked_for() -> None:
    assert month_ends(date(2026, 1, 15), date(2026, 3, 10)) == [date(2026, 1, 31), date(2026, 2, 28), date(2026, 3, 10)]
    assert month_ends(date(2026, 12, 1), date(2027, 1, 31)) == [date(2026, 12, 31), date(2027, 1, 31)]


def test_a_property_changed_in_the_month_is_listed_with_both_values(month: GraphStore) -> None:
    if not keeps_history(month):
        pytest.skip("this store does not keep the nodes' history yet")
    answer = changes(month, "d", since=START, until=END)
    (g111,) = [c for c in answer.properties if c.node.id == "g111"]
    assert [(f.field, f.before, f.after) for f in g111.fields] == [("households", 30, 36)]
    assert g111.day == date(2026, 10, 20)
