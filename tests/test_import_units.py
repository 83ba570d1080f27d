"""Units in their own lines, the new unit types and fields, and service centres, imported as the seeds describe them."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from graph.coverage import coverage
from graph.gaps import find_gaps
from graph.model import EdgeKind, Level, Organisation, ServiceCentre, SystemKind, Unit, UnitType
from graph.store import Direction, GraphStore
from loaders.exporter import export
from loaders.importer import import_file
from service.context import Context
from service.principal import AccessRole, Principal
from tests.utils.ledgers import TOWN, Tables, copy, write_xlsx

DAY = date(2026, 6, 1)
UNITS = [
    "id",
    "name",
    "type",
    "community_id",
    "party_org_id",
    "party_org_name",
    "party_org_members",
    "party_org_form",
    "superior_org_id",
    "residential_area_id",
    "eligible",
    "members",
    "since",
    "until",
]


def _ledger() -> Tables:
    """TOWN, with the district's system organisations, its units each in a line, and two service centres."""
    tables = copy(TOWN)
    tables["system_orgs"] = [
        ["id", "name", "kind", "parent_id"],
        ["o-sys-health", "市卫健工委", "卫健工委", "o-d"],
        ["o-sys-two-new", "市两新工委", "two_new", "o-d"],
    ]
    tables["units"] = [
        UNITS,
        ["u1", "市第一医院", "hospital", "c1", None, "市第一医院党委", 300, "党委", "o-sys-health", None, "是", 300, None, None],
        ["u2", "阳光物业", "物业企业", "c1", None, None, None, None, None, "a1", "是", 1, None, None],
        ["u3", "阳光业委会", "业委会", "c1", None, None, None, None, None, "a1", "否", None, None, None],
        ["u4", "东风产业园", "园区", "c1", "o-park", "东风产业园党委", 40, "committee", "o-sys-two-new", None, "yes", 40, None, None],
        ["u5", "园区科技有限公司", "enterprise", "c1", None, "园区科技党支部", 6, None, "o-park", None, "yes", 6, None, None],
        ["u6", "快递站", "新就业群体", "c1", None, None, None, None, None, None, "yes", 4, None, None],
        ["u7", "和平社区居民委员会", "居委会", "c1", None, None, None, None, None, None, None, 5, None, None],
        ["u8", "阳光商务楼", "商务楼宇", "c1", None, "阳光商务楼党支部", 3, None, "o-c1", None, None, 3, "2024-01-01", None],
    ]
    tables["service_centres"] = [
        [
            "编号",
            "名称",
            "层级",
            "所属编号",
            "面积",
            "服务面积占比",
            "有场所",
            "有设施",
            "有标志",
            "有党旗",
            "有书报",
            "有制度",
            "设立日期",
            "撤销日期",
        ],
        ["sc-c1", "和平社区党群服务中心", "社区党群服务中心", "c1", 850, "92%", "是", "是", "是", "是", "是", "是", "2023-01-01", None],
        ["sc-s1", "东风街道党群服务中心", "street_centre", "s1", "1,200", 80, "是", "是", "是", "是", "否", "否", None, None],
    ]
    return tables


def test_a_hospital_committee_imports_into_its_own_line_neither_hanging_nor_under_its_community(store: GraphStore, tmp_path: Path) -> None:
    report = import_file(store, write_xlsx(tmp_path / "ledger.xlsx", _ledger()))
    assert report.ok, report.problems
    system = store.node("o-sys-health")
    assert isinstance(system, Organisation) and (system.level, system.system_kind) == (Level.SYSTEM, SystemKind.HEALTH)
    assert [e.target for e in store.edges_of("o-u1", kind=EdgeKind.REPORTS_TO)] == ["o-sys-health"]
    assert store.edges_of("o-c1", kind=EdgeKind.REPORTS_TO, direction=Direction.IN)[0].source != "o-u1"
    assert {e.source for e in store.edges_of("o-c1", kind=EdgeKind.REPORTS_TO, direction=Direction.IN)} == {"o-a1", "o-u8"}
    assert [e.target for e in store.edges_of("o-u5", kind=EdgeKind.REPORTS_TO)] == ["o-park"]  # managed by its park
    hanging = {g.node.id for g in find_gaps(store, "d", rules=["hanging_organisation"], as_of=DAY).items}
    assert hanging == set()


def test_new_unit_types_and_fields_answer_as_fuzhou_counts_them(store: GraphStore, tmp_path: Path) -> None:
    assert import_file(store, write_xlsx(tmp_path / "ledger.xlsx", _ledger())).ok
    u3, u7 = store.node("u3"), store.node("u7")
    assert isinstance(u3, Unit) and u3.eligible is False and u3.unit_type is UnitType.OWNERS_COMMITTEE
    assert isinstance(u7, Unit) and u7.unit_type is UnitType.RESIDENTS_COMMITTEE and u7.eligible is None
    assert sorted(e.source for e in store.edges_of("a1", kind=EdgeKind.MANAGES, direction=Direction.IN)) == ["u2", "u3"]
    figures = coverage(store, "d", as_of=DAY).figures
    assert (figures.owners_committees_with_organisation.numerator, figures.owners_committees_with_organisation.denominator) == (0, 0)
    assert (figures.property_companies_with_organisation.numerator, figures.property_companies_with_organisation.denominator) == (0, 1)
    assert (figures.two_new_with_organisation.numerator, figures.two_new_with_organisation.denominator) == (3, 4)  # u4 u5 u8; u6
    assert figures.units_in_agreements.denominator == 7  # the residents' committee is no resident unit
    two_new = {g.node.id for g in find_gaps(store, "d", rules=["two_new_without_organisation"], as_of=DAY).items}
    assert two_new == {"u6"}
    eligible = {g.node.id for g in find_gaps(store, "d", rules=["eligible_unit_without_organisation"], as_of=DAY).items}
    assert eligible == {"u6"}  # four members; the residents' committee's five do not count
    assert [e.valid_from for e in store.edges_of("u8", kind=EdgeKind.LOCATED_IN)] == [date(2024, 1, 1)]


def test_service_centres_import_with_their_share_and_six_haves(store: GraphStore, tmp_path: Path) -> None:
    assert import_file(store, write_xlsx(tmp_path / "ledger.xlsx", _ledger())).ok
    centre = store.node("sc-s1")
    assert isinstance(centre, ServiceCentre) and centre.floor_area == 1200 and centre.missing == ("has_reading", "has_rules")
    c1 = store.node("sc-c1")
    assert isinstance(c1, ServiceCentre) and c1.service_share == 92
    figures = coverage(store, "d", as_of=DAY).figures
    assert (figures.communities_with_centre.numerator, figures.communities_with_centre.denominator) == (1, 1)
    assert (figures.centres_meeting_six_haves.numerator, figures.centres_meeting_six_haves.denominator) == (1, 2)
    assert (figures.centres_mostly_for_service.numerator, figures.centres_mostly_for_service.denominator) == (1, 2)
    assert coverage(store, "d", as_of=date(2022, 1, 1)).figures.communities_with_centre.numerator == 0  # opened 2023
    short = find_gaps(store, "d", rules=["centre_short_of_service", "centre_missing_six_haves"], as_of=DAY).items
    assert sorted((g.rule.value, g.node.id) for g in short) == [("centre_missing_six_haves", "sc-s1"), ("centre_short_of_service", "sc-s1")]


def test_an_export_carries_the_lines_the_fields_and_the_centres_and_imports_again_unchanged(store: GraphStore, tmp_path: Path) -> None:
    assert import_file(store, write_xlsx(tmp_path / "ledger.xlsx", _ledger())).ok
    export(store, tmp_path / "out.xlsx")
    again = import_file(store, tmp_path / "out.xlsx")
    assert again.ok, again.problems
    assert not again.record.summary.changed


def test_a_missing_superior_and_a_share_over_100_are_problems_naming_row_column_and_value(store: GraphStore, tmp_path: Path) -> None:
    tables = _ledger()
    tables["units"][1][8] = "o-sys-nowhere"
    tables["units"][3][9] = "c1"  # a property company serving a community, not a residential area
    tables["service_centres"][1][5] = "120%"
    tables["units"][2][8] = "o-c1"  # a superior for a unit with no organisation
    report = import_file(store, write_xlsx(tmp_path / "bad.xlsx", tables))
    assert not report.ok and store.count() == 0
    found = {(p.table, p.row, p.column, p.value) for p in report.problems}
    assert ("units", 2, "superior_org_id", "o-sys-nowhere") in found
    assert ("units", 4, "residential_area_id", "c1") in found
    assert ("service_centres", 2, "service_share", "120%") in found or any(
        p.table == "service_centres" and p.row == 2 and p.column == "service_share" for p in report.problems
    )
    assert any(p.table == "units" and p.row == 3 and p.column == "superior_org_id" for p in report.problems)


def test_a_street_names_the_districts_system_organisations_and_its_own_export_imports_again(store: GraphStore, tmp_path: Path) -> None:
    assert import_file(store, write_xlsx(tmp_path / "ledger.xlsx", _ledger())).ok
    editor = Principal(key_id="k", role=AccessRole.EDITOR, scope="s1")
    Context(store, editor).export(tmp_path / "street.xlsx", scope_id="s1", fmt="xlsx")  # as the street's key downloads it
    again = import_file(store, tmp_path / "street.xlsx", scope="s1")
    assert again.ok, again.problems
    assert not again.record.summary.changed
    tables = _ledger()
    tables["system_orgs"][1][1] = "改名的卫健工委"  # a street's key cannot change the district's line
    del tables["structure"][1]  # nor write the district
    changed = import_file(store, write_xlsx(tmp_path / "changed.xlsx", {k: tables[k] for k in ("system_orgs", "units")}), scope="s1")
    assert not changed.ok
    assert any(p.table == "system_orgs" and p.value == "o-sys-health" for p in changed.problems)


def test_duyuns_three_parties_and_an_abandoned_area_run_by_a_company(store: GraphStore, tmp_path: Path) -> None:
    tables = _ledger()
    tables["structure"] = [[*row, None, None] for row in tables["structure"]]
    tables["structure"][0][-2:] = ["弃管", "代管单位编号"]
    tables["structure"][4][-2:] = ["是", "u2"]  # 阳光苑, abandoned, run by 阳光物业
    report = import_file(store, write_xlsx(tmp_path / "ledger.xlsx", tables))
    assert report.ok, report.problems
    figures = coverage(store, "d", as_of=DAY).figures
    assert (figures.areas_with_three_parties.numerator, figures.areas_with_three_parties.denominator) == (1, 1)
    assert (figures.abandoned_areas_run.numerator, figures.abandoned_areas_run.denominator) == (1, 1)
    assert not find_gaps(store, "d", rules=["abandoned_area_unrun", "area_without_three_parties"], as_of=DAY).items
    export(store, tmp_path / "out.xlsx")
    assert not import_file(store, tmp_path / "out.xlsx").record.summary.changed

    tables["structure"][5][-2:] = ["是", None]  # a grid cannot be an abandoned area
    refused = import_file(store, write_xlsx(tmp_path / "bad.xlsx", tables))
    assert any(p.table == "structure" and p.row == 6 and p.column == "abandoned" for p in refused.problems)
