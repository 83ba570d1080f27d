"""Importing ledgers: every class of problem, all or nothing, idempotence, --replace, on every store and in every file form."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook

from graph.errors import StoreUnavailable, UnknownNode
from graph.memory import MemoryStore
from graph.model import Agreement, Batch, EdgeKind, Level, Member, MemberRole, NodeKind, Organisation, Territory, Unit
from graph.store import Direction, GraphStore
from loaders.importer import ImportReport, Problem, import_file
from loaders.workbooks import write_problems
from tests.utils.ledgers import TOWN, Tables, copy, write_csv_folder, write_xlsx
from tests.utils.network import contents

Writer = Callable[[Path, Tables], Path]

FORMS: dict[str, Writer] = {
    "xlsx": lambda tmp, tables: write_xlsx(tmp / "ledger.xlsx", tables),
    "csv-utf8": lambda tmp, tables: write_csv_folder(tmp / "ledger", tables, encoding="utf-8-sig"),
    "csv-gb18030": lambda tmp, tables: write_csv_folder(tmp / "ledger", tables, encoding="gb18030"),
}


@pytest.fixture(params=list(FORMS))
def form(request: pytest.FixtureRequest) -> Writer:
    return FORMS[request.param]


def _problems(report: ImportReport) -> set[tuple[str | None, int | None, str | None]]:
    return {(p.table, p.row, p.column) for p in report.problems}


def _find(report: ImportReport, table: str, row: int, column: str | None = None) -> Problem:
    for p in report.problems:
        if p.table == table and p.row == row and (column is None or p.column == column):
            return p
    raise AssertionError(f"no problem at {table} row {row} {column}: {[str(p) for p in report.problems]}")


def test_a_town_imports_whole(store: GraphStore, tmp_path: Path, form: Writer) -> None:
    report = import_file(store, form(tmp_path, TOWN))
    assert report.ok, [str(p) for p in report.problems]
    assert report.record.rows == {"structure": 6, "household_heads": 2, "units": 2, "agreements": 2, "alliances": 3, "big_committee": 1}

    g2 = store.node("g2")
    assert isinstance(g2, Territory) and g2.households == 150 and g2.level is Level.GRID
    assert not store.edges_of("g2", kind=EdgeKind.COVERS, direction=Direction.IN)  # no org_name: no group
    group = store.node("o-g1")
    assert isinstance(group, Organisation) and group.form.value == "group"  # the usual form of the level
    assert [e.target for e in store.edges_of("o-g1", kind=EdgeKind.REPORTS_TO)] == ["o-a1"]

    head = store.node("h2")
    assert isinstance(head, Member) and head.category.value == "in_service" and head.roles == (MemberRole.HOUSEHOLD_HEAD,)
    assert {e.target for e in store.edges_of("h1")} == {"g1", "o-g1"}  # SERVES the grid, MEMBER_OF its group
    assert store.node("h1").provenance.row == 2

    assert isinstance(store.node("u2"), Unit) and not store.edges_of("u2", kind=EdgeKind.COVERS, direction=Direction.IN)
    ag1 = store.node("ag1")
    assert isinstance(ag1, Agreement)
    assert (ag1.signed_on, ag1.expires_on, ag1.needs) == (date(2024, 3, 1), date(2026, 3, 1), ("义诊", "健康讲座"))
    assert {e.target for e in store.edges_of("ag1")} == {"o-c1", "o-u1"}
    assert {e.target for e in store.edges_of("ag2")} == {"o-c1", "u2"}  # a unit without an organisation signs itself

    members = {e.source: e.lead for e in store.edges_of("al1", direction=Direction.IN)}  # type: ignore[attr-defined]
    assert members == {"o-s1": True, "o-c1": False, "u1": False}  # a territory joins through its organisation
    seat = next(store.nodes(NodeKind.SEAT))
    assert {e.kind: e.target for e in store.edges_of(seat.id)} == {EdgeKind.SEAT_ON: "o-c1", EdgeKind.ON_BEHALF_OF: "u1"}

    assert store.imports()[0].outcome == "applied"
    assert store.imports()[0].file == report.record.file


def test_every_problem_is_reported_at_once_and_nothing_is_written(store: GraphStore, tmp_path: Path, form: Writer) -> None:
    bad = copy(TOWN)
    bad["structure"] += [
        ["c2", "community", "无父社区", "s9", None, None, None, None, None, None, None],  # unknown parent
        ["a2", "residential_area", "错层小区", "s1", None, None, None, None, None, None, None],  # parent of the wrong level
        ["g1", "grid", "重复网格", "a1", None, None, None, None, 10, None, None],  # duplicate id
        ["g3", "grid", "负数网格", "a1", None, None, None, None, -5, None, None],  # negative count
        ["g4", "网格", "怪层级", "a1", None, None, None, None, None, None, "maybe"],  # not yes or no
        ["g5", "village", "村", "a1", None, None, None, None, None, None, None],  # not a level
    ]
    bad["household_heads"].append(["h3", "赵六", "a1", "retired", 10, None])  # a residential area is not a grid
    bad["agreements"] += [
        ["ag3", "c1", "u9", "2024-01-01", None, None, None, None],  # a unit that does not exist
        ["ag4", "c1", "u1", "2024-13-01", None, None, None, None],  # not a day of the calendar
        ["ag5", "c1", "u1", "soon", None, None, None, None],  # not a date at all
        ["ag6", "c1", "u1", "2024-05-01", "2023-05-01", None, None, None],  # expires before it is signed
    ]
    report = import_file(store, form(tmp_path, bad))

    assert not report.ok and report.record.outcome == "refused"
    assert store.count() == 0, "a refused import writes nothing"
    assert "没有这个 id 的街道" in _find(report, "structure", 8, "parent_id").reason
    assert "是街道" in _find(report, "structure", 9, "parent_id").reason
    assert "id 重复" in _find(report, "structure", 10, "id").reason
    assert _find(report, "structure", 11, "households").value == "-5"
    assert "应为是或否" in _find(report, "structure", 12, "upgraded").reason
    assert "不在可选值中" in _find(report, "structure", 13, "level").reason
    assert "是小区" in _find(report, "household_heads", 4, "grid_id").reason
    assert "没有这个 id 的单位" in _find(report, "agreements", 4, "unit_id").reason
    assert "不是日历上的日期" in _find(report, "agreements", 5, "signed_on").reason
    assert "2023/5/1" in _find(report, "agreements", 6, "signed_on").reason  # says how to write it
    assert "早于签订日期" in _find(report, "agreements", 7, "expires_on").reason
    assert report.record.problems == len(report.problems) == 11
    assert store.imports()[0].outcome == "refused" and store.imports()[0].problems == 11


def test_a_missing_column_a_formula_and_an_unreadable_file(store: GraphStore, tmp_path: Path) -> None:
    tables = copy(TOWN)
    tables["household_heads"] = [["id", "name", "category"], ["h1", "张三", "retired"]]  # no grid_id
    tables["units"][1][6] = "=SUM(A1:A3)"
    report = import_file(store, write_xlsx(tmp_path / "f.xlsx", tables))
    assert "表头写 网格编号 或 grid_id" in _find(report, "household_heads", 1, "grid_id").reason
    assert "是公式" in _find(report, "units", 2, "party_org_members").reason
    assert store.count() == 0

    latin1 = tmp_path / "latin"
    latin1.mkdir()
    (latin1 / "structure.csv").write_bytes(b"id,level,name\r\nd,district,\x81\x20\xff\r\n")
    unreadable = import_file(store, latin1)
    assert not unreadable.ok and "既不是 UTF-8 也不是 GB18030" in unreadable.problems[0].reason

    not_a_workbook = tmp_path / "broken.xlsx"
    not_a_workbook.write_bytes(b"this is not a zip")
    assert "不是可读的 .xlsx" in import_file(store, not_a_workbook).problems[0].reason


def test_an_import_refused_by_the_graph_itself_is_undone_whole(store: GraphStore, tmp_path: Path) -> None:
    assert import_file(store, write_xlsx(tmp_path / "town.xlsx", TOWN)).ok
    before = contents(store)
    clash = {"structure": [TOWN["structure"][0], ["zz", "street", "新街道", "d", "u1", "新街道党工委", None, 1, None, None, None]]}
    clash["structure"] += [[f"zz{i}", "community", f"社区{i}", "zz", None, None, None, None, None, None, None] for i in range(30)]
    report = import_file(store, write_xlsx(tmp_path / "clash.xlsx", clash))  # org id u1 is a unit already: only the store knows
    assert not report.ok
    assert any(p.table == "structure" and p.row == 2 and p.value == "u1" for p in report.problems), [str(p) for p in report.problems]
    assert contents(store) == before


def test_importing_twice_changes_nothing_and_an_edit_updates_in_place(store: GraphStore, tmp_path: Path, form: Writer) -> None:
    first = import_file(store, form(tmp_path, TOWN))
    again = import_file(store, form(tmp_path, TOWN))
    assert first.ok and again.ok
    assert not again.record.summary.changed
    assert again.record.summary.total("unchanged") == first.record.summary.total("created")
    assert store.node("g1").provenance.source == first.record.id + f" {first.record.file} [structure]"  # kept from the first

    edited = copy(TOWN)
    edited["structure"][5][8] = 210  # g1's households
    edited["household_heads"][1][4] = 11
    (tmp_path / "edited").mkdir()
    third = import_file(store, form(tmp_path / "edited", edited))
    assert third.ok
    assert dict(third.record.summary.updated) == {"territory": 1, "member": 1}
    assert not third.record.summary.created
    assert store.node("g1").households == 210  # type: ignore[union-attr]
    assert store.count(NodeKind.TERRITORY) == 6
    assert [r.outcome for r in store.imports()] == ["applied"] * 3


def test_a_dry_run_counts_and_writes_nothing(store: GraphStore, tmp_path: Path) -> None:
    report = import_file(store, write_xlsx(tmp_path / "t.xlsx", TOWN), dry_run=True)
    assert report.ok and report.dry_run
    assert report.record.summary.created["territory"] == 6
    assert store.count() == 0 and store.imports() == []


def test_agreements_missing_from_a_later_file_stay_unless_replace_says_so(store: GraphStore, tmp_path: Path) -> None:
    assert import_file(store, write_xlsx(tmp_path / "t.xlsx", TOWN)).ok
    later = {"agreements": [TOWN["agreements"][0], TOWN["agreements"][1]]}  # ag2 gone
    assert import_file(store, write_xlsx(tmp_path / "later.xlsx", later)).ok
    assert store.has_node("ag2"), "not silently deleted"

    replaced = import_file(store, write_xlsx(tmp_path / "later.xlsx", later), replace="s1")
    assert replaced.ok and replaced.record.replaced == "s1"
    assert not store.has_node("ag2") and store.has_node("ag1")
    assert replaced.record.summary.removed["agreement"] == 1
    assert store.count(NodeKind.TERRITORY) == 6  # only the file's tables are replaced

    with pytest.raises(UnknownNode):
        import_file(store, write_xlsx(tmp_path / "later.xlsx", later), replace="nowhere")


def test_dates_as_staff_write_them_and_excel_date_cells(store: GraphStore, tmp_path: Path) -> None:
    tables = copy(TOWN)
    tables["agreements"] = [
        TOWN["agreements"][0],
        ["ag1", "c1", "u1", datetime(2024, 3, 1), "2026-3-1", None, None, None],
        ["ag2", "c1", "u2", "2025年1月15日", "2027.1.14", None, None, None],
    ]
    assert import_file(store, write_xlsx(tmp_path / "d.xlsx", tables)).ok
    assert store.node("ag1").signed_on == date(2024, 3, 1)  # type: ignore[union-attr]
    assert store.node("ag2").expires_on == date(2027, 1, 14)  # type: ignore[union-attr]


def test_chinese_headers_a_second_header_row_unknown_columns_and_other_sheets(store: GraphStore, tmp_path: Path) -> None:
    chinese = [
        "编号",
        "层级",
        "名称",
        "上级编号",
        "党组织编号",
        "党组织名称",
        "组织形式",
        "党员数",
        "户数",
        "专职人员数",
        "特批升格",
        "备注",
    ]
    rows = [[*row, "重点"] if row[0] == "c1" else [*row, None] for row in TOWN["structure"][1:]]
    tables = {"组织架构": [chinese, TOWN["structure"][0] + ["备注"], *rows]}
    report = import_file(store, write_xlsx(tmp_path / "zh.xlsx", tables, extra_sheets={"说明": [["随便写点什么"]]}))
    assert report.ok, [str(p) for p in report.problems]
    assert report.ignored == ["说明"]
    assert store.node("c1").properties == {"备注": "重点"}
    assert store.count(NodeKind.TERRITORY) == 6


def test_the_problems_file_holds_the_refused_rows_with_their_reasons(tmp_path: Path) -> None:
    from graph.memory import MemoryStore

    bad = copy(TOWN)
    bad["household_heads"].append(["h3", "赵六", "g9", "retired", 10, None])
    report = import_file(MemoryStore(), write_xlsx(tmp_path / "bad.xlsx", bad))
    write_problems(report, tmp_path / "bad.problems.xlsx")
    book = load_workbook(tmp_path / "bad.problems.xlsx", read_only=True)
    listed = list(book["problems 问题"].iter_rows(values_only=True))
    assert listed[1][:3] == ("household_heads", 4, "grid_id")
    refused = list(book["household_heads"].iter_rows(values_only=True))
    assert refused[1][1:5] == (4, "h3", "赵六", "g9")
    assert "grid_id" in refused[1][0]
    book.close()


class _StoreThatGoesAway(MemoryStore):
    """A real embedded store whose connection, as it were, drops at the second batch of a write."""

    def __init__(self) -> None:
        super().__init__()
        self.batches = 0

    def _checked_plan(self, batch: Batch, day: date | None = None) -> Any:
        self.batches += 1
        if self.batches == 2:
            raise StoreUnavailable("the store went away half way through the import")
        return super()._checked_plan(batch, day)


def test_an_import_cut_off_by_a_failing_store_leaves_the_graph_as_it_was(tmp_path: Path) -> None:
    store = _StoreThatGoesAway()
    with pytest.raises(StoreUnavailable):
        import_file(store, write_xlsx(tmp_path / "town.xlsx", TOWN))
    assert store.batches == 2, "the nodes were written before the failure"
    assert store.count() == 0 and store.count_edges() == 0
    assert [(r.outcome, r.message) for r in store.imports()] == [("failed", "the store went away half way through the import")]
