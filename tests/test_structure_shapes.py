"""Ledgers shaped as the seeds describe the territory, imported and asked on both stores (issue 12).

Heshan's street of 28 large grids; Fuzhou's integrated grids in a community; Suyu's buildings and
courtyards; a joint branch of small residential areas (联合党支部); Duyun's 26 communities re-drawn
as 45, asked on a day before and a day after; a community with households and staff on its own
row and no grids; Fuzhou's staff per 10,000 residents. Every ledger is written by the test.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from graph.coverage import coverage
from graph.gaps import GapRuleName, count_gaps, find_gaps
from graph.model import EdgeKind, Level, NodeKind
from graph.store import GraphStore
from loaders.importer import ImportReport, import_file
from tests.utils.ledgers import Tables, write_xlsx
from visualizations.map.reading import map_data

HEADER = [
    "id",
    "level",
    "name",
    "parent_id",
    "org_id",
    "org_name",
    "org_form",
    "org_members",
    "households",
    "staff",
    "upgraded",
    "population",
    "since",
    "until",
]
BEFORE, MOVED, AFTER = date(2026, 3, 31), date(2026, 4, 1), date(2026, 6, 1)


def row(
    tid: str,
    level: str,
    name: str,
    parent: str | None,
    org: str | None = None,
    *,
    org_id: str | None = None,
    form: str | None = None,
    members: int | None = None,
    households: int | None = None,
    staff: int | None = None,
    population: int | None = None,
    since: str | None = None,
    until: str | None = None,
) -> list[Any]:
    return [tid, level, name, parent, org_id, org, form, members, households, staff, None, population, since, until]


def _import(store: GraphStore, tmp_path: Path, name: str, rows: list[list[Any]]) -> ImportReport:
    tables: Tables = {"structure": [HEADER, *rows]}
    return import_file(store, write_xlsx(tmp_path / f"{name}.xlsx", tables))


def _applied(store: GraphStore, tmp_path: Path, name: str, rows: list[list[Any]]) -> None:
    report = _import(store, tmp_path, name, rows)
    assert report.ok, [str(p) for p in report.problems]


TOP = [row("d", "district", "都匀市", None, "中共都匀市委员会"), row("s", "street", "广惠街道", "d", "广惠街道党工委")]


def test_heshans_street_of_28_large_grids(store: GraphStore, tmp_path: Path) -> None:
    grids = [
        row(f"g{i:02}", "grid", f"第{i}大网格", "s", f"第{i}网格党小组" if i <= 20 else None, households=100, members=5)
        if i <= 20
        else row(f"g{i:02}", "grid", f"第{i}大网格", "s", households=100)
        for i in range(1, 29)
    ]
    _applied(store, tmp_path, "heshan", [*TOP, *grids])
    figures = coverage(store, "s", as_of=AFTER).figures
    assert (figures.grids_with_group.numerator, figures.grids_with_group.denominator) == (20, 28)
    assert figures.households_linked.denominator == 2800
    assert figures.staff is not None and figures.staff.households == 2800
    gaps = count_gaps(store, "s", as_of=AFTER).by_rule
    assert gaps[GapRuleName.GRID_WITHOUT_GROUP] == 8
    assert gaps[GapRuleName.HANGING_ORGANISATION] == 0  # a grid group reporting to the street's working committee is in its line


def test_integrated_grids_buildings_and_a_joint_branch(store: GraphStore, tmp_path: Path) -> None:
    rows = [
        *TOP,
        row("c", "community", "剑江社区", "s", "剑江社区党委", members=120, staff=2),
        row("gz", "grid", "剑江综合网格", "c", "综合网格党小组", households=300),  # Fuzhou's integrated grid, in the community
        row("a1", "residential_area", "小区一", "c", "一二小区联合党支部", org_id="o-joint"),
        row("a2", "residential_area", "小区二", "c", "一二小区联合党支部", org_id="o-joint"),
        row("a3", "residential_area", "小区三", "c"),
        row("b1", "building", "1号院", "a1", "1号院落党支部", form="branch", households=40),
        row("b2", "building", "2号楼", "gz", "2号楼栋党小组", households=60),
        row("b3", "building", "3号楼", "a3", households=50),
    ]
    _applied(store, tmp_path, "shapes", rows)
    assert [e.target for e in store.edges_of("o-joint", kind=EdgeKind.COVERS)] in (["a1", "a2"], ["a2", "a1"])
    assert store.count(NodeKind.ORGANISATION) == 7  # the joint branch is one organisation
    figures = coverage(store, "c", as_of=AFTER).figures
    assert (figures.residential_areas_with_branch.numerator, figures.residential_areas_with_branch.denominator) == (2, 3)
    assert (figures.buildings_with_group.numerator, figures.buildings_with_group.denominator) == (2, 3)
    # gz records 300 and b2 below it 60: the finer record wins, so gz counts 60; b1 40, b3 50.
    assert figures.households_linked.denominator == 150
    assert count_gaps(store, "c", as_of=AFTER).by_rule[GapRuleName.HANGING_ORGANISATION] == 0
    building = map_data(store, "b1", as_of=AFTER)  # a building's own map draws it, with its courtyard branch
    assert [(n.style, n.organised) for n in building.nodes.values()] == [("building", True)]


def test_shapes_the_rules_refuse_name_row_and_column(store: GraphStore, tmp_path: Path) -> None:
    rows = [
        *TOP,
        row("c", "community", "剑江社区", "s", "剑江社区党委"),
        row("a1", "residential_area", "小区一", "c", "联合党支部", org_id="o-joint"),
        row("a2", "residential_area", "小区二", "c", "另一个名字", org_id="o-joint"),
        row("b1", "building", "1号楼", "c"),
        row("a3", "residential_area", "小区三", "c", since="2026-04-01", until="2026-03-01"),
    ]
    report = _import(store, tmp_path, "bad", rows)
    assert not report.ok and store.count() == 0
    where = {(p.table, p.row, p.column): p.reason for p in report.problems}
    assert set(where) == {("structure", 6, "org_id"), ("structure", 7, "parent_id"), ("structure", 8, "until")}  # Excel's rows
    assert "第 5 行" in where[("structure", 6, "org_id")]  # the joint organisation's first row
    assert "网格或小区" in where[("structure", 7, "parent_id")]  # a building lies within a grid or residential area
    assert "早于设立日期" in where[("structure", 8, "until")]


def test_staff_on_a_communitys_own_row_and_per_10000_residents(store: GraphStore, tmp_path: Path) -> None:
    rows = [
        *TOP,
        row("c1", "community", "九百户社区", "s", "九百户社区党委", households=900, staff=1),
        row("c2", "community", "两万人社区", "s", "两万人社区党委", households=600, staff=30, population=20_000),
        row("c3", "community", "达标社区", "s", "达标社区党委", households=300, staff=2, population=1_000),
    ]
    _applied(store, tmp_path, "staff", rows)
    flagged = {g.node.id for g in find_gaps(store, "s", rules=[GapRuleName.UNDER_STAFFED], as_of=AFTER).items}
    assert flagged == {"c1", "c2"}  # c1: 900 households need 3; c2: 20,000 residents need 36 at 18 per 10,000
    staff = coverage(store, "c2", as_of=AFTER).figures.staff
    assert staff is not None and (staff.population, staff.staff_per_10000_residents) == (20_000, 15.0)
    street = coverage(store, "s", as_of=AFTER).figures.staff
    assert street is not None and (street.staff, street.households, street.population) == (33, 1800, 21_000)


def test_duyuns_26_communities_redrawn_as_45(store: GraphStore, tmp_path: Path) -> None:
    first = [*TOP]
    for i in range(1, 27):
        first.append(row(f"c{i:02}", "community", f"社区{i}", "s", f"社区{i}党委"))
        first.append(row(f"a{i:02}", "residential_area", f"小区{i}", f"c{i:02}", f"小区{i}党支部", households=100))
    _applied(store, tmp_path, "before", first)
    # The re-drawing: 5 communities end on 31 March, 24 new ones start on 1 April, and the
    # residential areas of the 5 ended ones move to the first 5 new ones.
    second = [*TOP]
    for i in range(1, 6):
        second.append(row(f"c{i:02}", "community", f"社区{i}", "s", f"社区{i}党委", until="2026-03-31"))
        second.append(row(f"a{i:02}", "residential_area", f"小区{i}", f"n{i:02}", f"小区{i}党支部", households=100, since="2026-04-01"))
    for i in range(1, 25):
        second.append(row(f"n{i:02}", "community", f"新社区{i}", "s", f"新社区{i}党委", since="2026-04-01"))
    _applied(store, tmp_path, "after", second)

    def communities(day: date) -> int:
        return sum(1 for child in coverage(store, "s", as_of=day).breakdown if child.scope.level is Level.COMMUNITY)

    assert (communities(BEFORE), communities(MOVED)) == (26, 45)
    for day, drawn in ((BEFORE, 26), (MOVED, 45)):  # the map answers as on the day too
        assert sum(n.style == "community" for n in map_data(store, "s", as_of=day).nodes.values()) == drawn
    for day in (BEFORE, MOVED):
        figures = coverage(store, "s", as_of=day).figures
        assert (figures.residential_areas_with_branch.numerator, figures.residential_areas_with_branch.denominator) == (26, 26)
        assert figures.households_linked.denominator == 2600
    assert coverage(store, "c01", as_of=BEFORE).figures.residential_areas_with_branch.denominator == 1
    assert coverage(store, "n01", as_of=BEFORE).figures.residential_areas_with_branch.denominator == 0
    assert coverage(store, "n01", as_of=MOVED).figures.residential_areas_with_branch.denominator == 1
    # The moved area's branch reports to the old community's organisation before, the new one's after.
    for day, parent in ((BEFORE, "o-c01"), (MOVED, "o-n01")):
        chain = {c.id: c for c in store.chain_facts("s", day=day)}
        org = chain["a01"].organisation
        assert org is not None and org.parent is not None and org.parent.id == parent
    # History is kept: the old place and line are closed the day before, not deleted.
    assert {(e.target, e.valid_to) for e in store.edges_of("a01", kind=EdgeKind.WITHIN)} == {("c01", BEFORE), ("n01", None)}
    # Gaps as on each day: no hanging organisation either day; the 19 new communities with no area are not gaps.
    for day in (BEFORE, MOVED):
        assert count_gaps(store, "s", as_of=day).by_rule[GapRuleName.HANGING_ORGANISATION] == 0


def test_a_territory_given_another_organisation_on_reimport_changes_hands(store: GraphStore, tmp_path: Path) -> None:
    """A row names the one organisation covering its territory: the old one lets go, rather than the import refusing."""
    community = row("c", "community", "剑江社区", "s", "剑江社区党委")
    _applied(
        store,
        tmp_path,
        "before",
        [
            *TOP,
            community,
            row("a1", "residential_area", "小区一", "c", "小区一党支部", org_id="oX"),
            row("a2", "residential_area", "小区二", "c"),
        ],
    )
    after = [
        *TOP,
        community,
        row("a1", "residential_area", "小区一", "c", "小区一新党支部", org_id="oY"),
        row("a2", "residential_area", "小区二", "c", "小区一党支部", org_id="oX"),  # oX moves to the second area
    ]
    _applied(store, tmp_path, "after", after)
    assert [e.target for e in store.edges_of("oX", kind=EdgeKind.COVERS)] == ["a2"]
    assert [e.target for e in store.edges_of("oY", kind=EdgeKind.COVERS)] == ["a1"]
    assert coverage(store, "c", as_of=AFTER).figures.residential_areas_with_branch.numerator == 2
