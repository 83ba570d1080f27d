"""Importing the member roll (党员名册): 双重管理, 双报到, the roles where one serves, one person across two tables, bad input."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from graph.i18n import Lang, using
from graph.model import EdgeKind, Member, MemberCategory, MemberRole
from graph.store import GraphStore
from loaders.importer import ImportReport, import_file
from tests.utils.ledgers import TOWN, Tables, copy, write_csv_folder, write_xlsx
from tests.utils.network import contents

MEMBERS_HEADER = [
    "id",
    "name",
    "category",
    "org_id",
    "reported_to",
    "reported_on",
    "serves_id",
    "roles",
    "households",
    "phone",
    "since",
    "until",
]
MEMBERS_HEADER_ZH = [
    *("编号", "姓名", "党员类别", "所在党组织编号", "报到社区编号", "报到日期"),
    *("服务网格编号", "角色", "联系户数", "电话", "入党/转入日期", "转出日期"),
]


def _town(*members: list[Any], park: bool = True, heads: list[list[Any]] | None = None) -> Tables:
    tables = copy(TOWN)
    if park:
        tables["units"].append(["p1", "东风工业园区", "industrial_park", "c1", None, None, None])
    tables["members"] = [MEMBERS_HEADER, *members]
    if heads is not None:
        tables["household_heads"] = [["id", "name", "grid_id", "category", "households", "phone", "roles", "party_member"], *heads]
    return tables


def _ok(report: ImportReport) -> ImportReport:
    assert report.ok, [str(p) for p in report.problems]
    return report


def _targets(store: GraphStore, node: str, kind: EdgeKind) -> list[str]:
    return sorted(e.target for e in store.edges_of(node, kind=kind))


def test_an_in_service_member_is_held_by_the_unit_and_reports_where_they_live(store: GraphStore, tmp_path: Path) -> None:
    """双重管理: the membership stays with the work unit's organisation; the report is its own dated relation; the roles hang from it."""
    row = ["m1", "赵敏", "在职", "o-u1", "c1", "2025-03-01", "g1", "网格长；志愿者", None, "13900001111", "2020-07-01", None]
    _ok(import_file(store, write_xlsx(tmp_path / "roll.xlsx", _town(row))))
    member = store.node("m1")
    assert isinstance(member, Member) and member.category is MemberCategory.IN_SERVICE
    assert member.roles == (MemberRole.GRID_LEADER, MemberRole.VOLUNTEER)
    (held,) = store.edges_of("m1", kind=EdgeKind.MEMBER_OF)
    assert held.target == "o-u1" and held.valid_from == date(2020, 7, 1)
    (report,) = store.edges_of("m1", kind=EdgeKind.REPORTED_TO)
    assert report.target == "c1" and report.valid_from == date(2025, 3, 1)
    assert _targets(store, "m1", EdgeKind.SERVES) == ["g1"]


def test_the_roll_reads_its_chinese_headers_and_a_report_to_a_park(store: GraphStore, tmp_path: Path) -> None:
    tables = _town(["m2", "钱多", "retired", "o-c1", "p1", "2025/4/1", None, None, None, None, None, None])
    tables["党员名册"] = [MEMBERS_HEADER_ZH, *tables.pop("members")[1:]]
    _ok(import_file(store, write_csv_folder(tmp_path / "ledger", tables, encoding="gb18030")))
    assert _targets(store, "m2", EdgeKind.REPORTED_TO) == ["p1"] and _targets(store, "m2", EdgeKind.MEMBER_OF) == ["o-c1"]


def test_one_person_in_both_tables_is_one_node_whichever_comes_first(store: GraphStore, tmp_path: Path) -> None:
    roll = ["h2", "李四", "in_service", "o-u1", "c1", "2025-01-10", "g1", "grid_leader", None, "13700000000", None, None]
    tables = _town(roll)
    tables = {"members": tables.pop("members"), **tables}  # the roll before the household heads
    _ok(import_file(store, write_xlsx(tmp_path / "both.xlsx", tables)))
    person = store.node("h2")
    assert isinstance(person, Member)
    assert set(person.roles) == {MemberRole.HOUSEHOLD_HEAD, MemberRole.GRID_LEADER}  # the head's role and the roll's
    assert person.households == 9 and person.phone == "13700000000"  # the head's households, the roll's phone
    assert _targets(store, "h2", EdgeKind.MEMBER_OF) == ["o-u1"]  # held by the unit, not moved into the grid group
    assert _targets(store, "h2", EdgeKind.SERVES) == ["g1"]
    first = contents(store)
    _ok(import_file(store, write_xlsx(tmp_path / "again.xlsx", _town(roll))))  # household heads first this time
    assert contents(store)[0] == first[0] and sorted(map(str, first[1])) == sorted(map(str, contents(store)[1]))


def test_a_later_household_heads_import_keeps_what_the_roll_said(store: GraphStore, tmp_path: Path) -> None:
    roll = ["h1", "张三", "retired", "o-c1", "c1", "2025-01-10", "g1", "household_head;grid_leader", 10, None, None, None]
    _ok(import_file(store, write_xlsx(tmp_path / "roll.xlsx", _town(roll))))
    heads_only = copy(TOWN)
    _ok(import_file(store, write_xlsx(tmp_path / "heads.xlsx", heads_only)))
    person = store.node("h1")
    assert isinstance(person, Member) and MemberRole.GRID_LEADER in person.roles  # not dropped by household_heads
    assert _targets(store, "h1", EdgeKind.MEMBER_OF) == ["o-c1"]  # the roll's organisation stays
    assert _targets(store, "h1", EdgeKind.REPORTED_TO) == ["c1"]


def test_a_resident_household_head_is_no_party_member(store: GraphStore, tmp_path: Path) -> None:
    heads = [["r1", "郑大妈", "g1", None, 8, None, None, "否"], ["h1", "张三", "g1", "retired", 10, None, None, None]]
    _ok(import_file(store, write_xlsx(tmp_path / "heads.xlsx", _town(heads=heads))))
    resident = store.node("r1")
    assert isinstance(resident, Member) and not resident.party_member and resident.category is None
    assert resident.roles == (MemberRole.HOUSEHOLD_HEAD,) and not store.edges_of("r1", kind=EdgeKind.MEMBER_OF)
    assert _targets(store, "h1", EdgeKind.MEMBER_OF) == ["o-g1"]  # a party member not on the roll: the grid group


def test_bad_rows_of_the_roll_are_each_named_and_nothing_is_written(store: GraphStore, tmp_path: Path) -> None:
    rows = [
        ["m1", "赵敏", "in_service", "o-nowhere", None, None, None, None, None, None, None, None],  # 2: no such organisation
        ["m2", "钱多", "in_service", "o-u1", "a1", "2025-01-01", None, None, None, None, None, None],  # 3: a residential area
        ["m3", "孙浩", "in_service", "o-u1", "u2", "2025-01-01", None, None, None, None, None, None],  # 4: a unit, not a park
        ["m4", "李雷", "retired", "o-c1", None, None, "a1", "grid_leader", None, None, None, None],  # 5: a grid leader on an area
        ["m5", "韩梅", "retired", "o-c1", None, None, "c1", "volunteer", None, None, None, None],  # 6: roles on a community
        ["m6", "吴刚", "retired", "o-c1", None, None, "g1", "building_leader", None, None, None, None],  # 7: 楼栋长 on a grid
    ]
    before = contents(store)
    report = import_file(store, write_xlsx(tmp_path / "bad.xlsx", _town(*rows)))
    assert not report.ok and contents(store) == before
    found = {(p.row, p.column): p for p in report.problems if p.table == "members"}
    assert set(found) == {(2, "org_id"), (3, "reported_to"), (4, "reported_to"), (5, "roles"), (6, "serves_id"), (7, "roles")}
    assert found[(2, "org_id")].value == "o-nowhere" and "党组织" in found[(2, "org_id")].reason
    assert found[(3, "reported_to")].reason.startswith("是小区") and "不是园区" in found[(4, "reported_to")].reason
    assert found[(5, "roles")].value == "网格长" and "在网格担任" in found[(5, "roles")].reason
    assert "在楼栋" in found[(7, "roles")].reason and "是网格" in found[(7, "roles")].reason
    with using(Lang.EN):  # the same problems in English on request (the catalogue's)
        english = {(p.row, p.column): p for p in import_file(store, write_xlsx(tmp_path / "bad.xlsx", _town(*rows))).problems}
    assert "residential area" in english[(3, "reported_to")].reason and "industrial park" in english[(4, "reported_to")].reason
    assert "building" in english[(7, "roles")].reason


def test_a_person_twice_in_one_table_is_a_duplicate(store: GraphStore, tmp_path: Path) -> None:
    row = ["m1", "赵敏", "in_service", "o-u1", None, None, None, None, None, None, None, None]
    report = import_file(store, write_xlsx(tmp_path / "twice.xlsx", _town(row, row)))
    assert [(p.table, p.row, p.column) for p in report.problems] == [("members", 3, "id")]


def test_replace_with_the_roll_deletes_the_scopes_members_it_no_longer_lists(store: GraphStore, tmp_path: Path) -> None:
    kept = ["m1", "赵敏", "in_service", "o-u1", "c1", "2025-03-01", None, None, None, None, None, None]
    gone = ["m2", "钱多", "retired", "o-c1", None, None, "g1", "volunteer", None, None, None, None]
    _ok(import_file(store, write_xlsx(tmp_path / "roll.xlsx", _town(kept, gone))))
    heads_only = copy(TOWN)
    _ok(import_file(store, write_xlsx(tmp_path / "heads.xlsx", heads_only), replace="s1"))
    assert store.has_node("m2")  # a volunteer serving g1 is no household head: household_heads --replace leaves them
    _ok(import_file(store, write_xlsx(tmp_path / "again.xlsx", _town(kept)), replace="s1"))
    assert store.has_node("m1") and store.has_node("h1") and not store.has_node("m2")
