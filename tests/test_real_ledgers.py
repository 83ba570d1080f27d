"""Ledgers as staff really make them: zips from Debian's ``zip``, files holding no table, title and note rows, merged cells.

Each file here is written the way the tool staff use writes it (a zip whose Chinese names are
GBK bytes without the UTF-8 flag, an openpyxl workbook with merged cells and a title row), then
imported through :func:`loaders.importer.import_file` and, where the answer's shape matters,
``POST /imports``.
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Iterator, Sequence
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from openpyxl import Workbook

from api.app import create_app
from graph.memory import MemoryStore
from graph.model import Agreement, EdgeKind, Member, NodeKind, Organisation, Territory
from graph.settings import Settings
from loaders.format import TABLES
from loaders.importer import import_file
from tests.utils.ledgers import STRUCTURE, TOWN, Tables, copy, write_xlsx


@pytest.fixture
def client() -> Iterator[tuple[TestClient, MemoryStore]]:
    store = MemoryStore()
    app = create_app(Settings(max_upload_mb=1), store_factory=lambda _: store)
    with TestClient(app) as client:
        yield client, store


def _csv_bytes(rows: Sequence[Sequence[object]], *, encoding: str = "utf-8") -> bytes:
    text = io.StringIO()
    writer = csv.writer(text, lineterminator="\r\n")
    for row in rows:
        writer.writerow(["" if v is None else v for v in row])
    return text.getvalue().encode(encoding)


def _legacy_zip(path: Path, files: dict[str, bytes], *, encoding: str = "gbk") -> Path:
    """A zip as Debian's ``zip`` makes one on a Chinese system: names in GBK bytes, without the UTF-8 flag (0x800).

    Python's zipfile always flags a non-ASCII name as UTF-8, so each member is written under an
    ASCII stand-in of the same length, which is then swapped for the GBK bytes in the local
    header and the central directory alike (a name's bytes enter no checksum).
    """
    names = {name: name.encode(encoding) for name in files}
    stand_ins = {name: f"{i:0{len(raw) - 4}d}.csv".encode() for i, (name, raw) in enumerate(names.items())}
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, body in files.items():
            archive.writestr(stand_ins[name].decode(), body)
    data = buffer.getvalue()
    for name, raw in names.items():
        assert data.count(stand_ins[name]) == 2
        data = data.replace(stand_ins[name], raw)
    path.write_bytes(data)
    with zipfile.ZipFile(path) as check:  # as Python reads it: no UTF-8 flag, so CP437 mojibake
        assert all(not info.flag_bits & 0x800 for info in check.infolist())
        assert "组织架构.csv" not in check.namelist()
    return path


def _chinese(tables: Tables) -> dict[str, bytes]:
    return {f"{TABLES[name].chinese}.csv": _csv_bytes(rows) for name, rows in tables.items()}


# -- 1. zips made by Debian's zip --------------------------------------------------------------


def test_a_zip_with_gbk_names_without_the_utf8_flag_is_read_by_its_chinese_names(tmp_path: Path) -> None:
    store = MemoryStore()
    path = _legacy_zip(tmp_path / "台账.zip", {**_chinese(TOWN), "说明.csv": b"notes\r\n"})
    report = import_file(store, path)
    assert report.ok, [str(p) for p in report.problems]
    assert report.record.rows == {name: len(rows) - 1 for name, rows in TOWN.items()}
    assert report.ignored == ["说明.csv"]
    assert store.count(NodeKind.TERRITORY) == 6 and store.count(NodeKind.MEMBER) == 2


def test_a_zip_with_gbk_names_is_applied_over_http(client: tuple[TestClient, MemoryStore], tmp_path: Path) -> None:
    http, store = client
    body = _legacy_zip(tmp_path / "town.zip", _chinese(TOWN)).read_bytes()
    response = http.post("/imports", params={"filename": "town.zip"}, content=body)
    assert response.status_code == 200, response.text
    assert response.json()["record"]["rows"]["household_heads"] == 2
    assert store.count(NodeKind.MEMBER) == 2


# -- 2. a file holding no table ------------------------------------------------------------------


def _is_no_table_problem(reason: str, *, found: list[str]) -> bool:
    expected = [TABLES["structure"].chinese, "structure", TABLES["household_heads"].chinese, "big_committee"]
    return "没有可导入的表" in reason and all(name in reason for name in [*found, *expected])


def test_a_workbook_with_no_table_is_refused_naming_its_sheets_and_the_tables(tmp_path: Path) -> None:
    store = MemoryStore()
    path = write_xlsx(tmp_path / "花名册.xlsx", {"Sheet1": TOWN["structure"], "人员名单": TOWN["household_heads"]})
    report = import_file(store, path)
    assert report.record.outcome == "refused" and store.count() == 0
    assert len(report.problems) == 1 and _is_no_table_problem(report.problems[0].reason, found=["Sheet1", "人员名单"])


def test_a_zip_and_a_folder_with_no_table_are_refused(tmp_path: Path) -> None:
    zipped = tmp_path / "misc.zip"
    with zipfile.ZipFile(zipped, "w") as archive:
        archive.writestr("名单.csv", _csv_bytes(TOWN["units"]))
    folder = tmp_path / "folder"
    folder.mkdir()
    (folder / "sheet1.csv").write_bytes(_csv_bytes(TOWN["units"]))
    for path, found in ((zipped, "名单.csv"), (folder, "sheet1.csv")):
        report = import_file(MemoryStore(), path)
        assert report.record.outcome == "refused", path
        assert _is_no_table_problem(report.problems[0].reason, found=[found])


def test_a_file_with_no_table_is_a_422_over_http(client: tuple[TestClient, MemoryStore], tmp_path: Path) -> None:
    http, store = client
    body = write_xlsx(tmp_path / "x.xlsx", {"Sheet1": [["姓名", "电话"], ["张三", "13812345678"]]}).read_bytes()
    response = http.post("/imports", params={"filename": "花名册.xlsx"}, content=body)
    assert response.status_code == 422, response.text
    error = response.json()["error"]
    assert error["code"] == "import_refused" and store.count() == 0
    assert _is_no_table_problem(error["problems"][0]["reason"], found=["Sheet1"])


# -- 3. title rows, merged cells, note rows, full-width digits -----------------------------------


def _as_staff_keep_it(tables: Tables) -> Tables:
    """TOWN as a street office keeps it: full-width digits and spaces, numbers typed as text."""
    kept = copy(TOWN)
    kept["household_heads"][1] = ["ｈ１", "张三", "g1　", "retired", "１０", "１３８ １２３４ ５６７８"]
    kept["household_heads"][2] = ["h2　", "李四", "ｇ１", "在职 ", "9", None]
    kept["structure"][3][7] = "１２０"  # c1's members, as text in full-width digits
    kept["units"][1][6] = "3e2"  # 300 members, as Excel shows a number stored as text in scientific form
    return kept


def _check_town(store: MemoryStore) -> None:
    assert store.count(NodeKind.TERRITORY) == 6 and store.count(NodeKind.MEMBER) == 2
    h1 = store.node("h1")
    assert isinstance(h1, Member) and h1.phone == "138 1234 5678" and h1.households == 10
    c1_org, u1_org = store.node("o-c1"), store.node("o-u1")
    assert isinstance(c1_org, Organisation) and isinstance(u1_org, Organisation)
    assert (c1_org.members, u1_org.members) == (120, 300)


def test_a_workbook_with_a_title_row_merged_cells_and_note_rows_reads_as_staff_mean_it(tmp_path: Path) -> None:
    tables = _as_staff_keep_it(TOWN)
    book = Workbook()
    assert book.active is not None
    book.remove(book.active)
    for name, rows in tables.items():
        sheet = book.create_sheet(TABLES[name].chinese)
        width = len(rows[0])
        sheet.append([f"东风街道{TABLES[name].chinese}台账"])  # the title, merged across the columns
        sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=width)
        sheet.append([])  # a blank row under the title
        for row in rows:
            sheet.append(row)
        sheet.append([])
        sheet.append(["填表人：张三", None, None])
        sheet.append(["注：户数为2024年底数"])
    # the grids' level and parent merged down their rows: Excel keeps the value in the first cell only
    structure = book[TABLES["structure"].chinese]
    assert structure["A8"].value == "g1" and structure["A9"].value == "g2"
    structure["B9"] = structure["D9"] = None
    structure.merge_cells("B8:B9")
    structure.merge_cells("D8:D9")
    book.save(tmp_path / "台账.xlsx")

    store = MemoryStore()
    report = import_file(store, tmp_path / "台账.xlsx")
    assert report.ok, [str(p) for p in report.problems]
    assert report.record.rows == {name: len(rows) - 1 for name, rows in TOWN.items()}
    _check_town(store)
    g2 = store.node("g2")
    assert isinstance(g2, Territory) and g2.level.value == "grid"
    assert [e.target for e in store.edges_of("g2", kind=EdgeKind.WITHIN)] == ["a1"]


def test_a_csv_with_a_title_row_and_note_rows_reads_as_staff_mean_it(tmp_path: Path) -> None:
    tables = _as_staff_keep_it(TOWN)
    folder = tmp_path / "台账"
    folder.mkdir()
    for name, rows in tables.items():
        title = [[f"东风街道{TABLES[name].chinese}台账", *[""] * (len(rows[0]) - 1)], [""] * len(rows[0])]
        notes = [["　"] * len(rows[0]), ["填表人：张三"], ["注：户数为2024年底数", "", ""]]
        (folder / f"{TABLES[name].chinese}.csv").write_bytes(_csv_bytes([*title, *rows, *notes], encoding="gb18030"))
    store = MemoryStore()
    report = import_file(store, folder)
    assert report.ok, [str(p) for p in report.problems]
    assert report.record.rows == {name: len(rows) - 1 for name, rows in TOWN.items()}
    _check_town(store)


def test_a_problem_in_a_titled_sheet_names_the_row_staff_see(tmp_path: Path) -> None:
    tables = copy(TOWN)
    tables["structure"][3][1] = "居委会"  # c1, line 5 under the title and the header
    path = tmp_path / "structure.csv"
    path.write_bytes(_csv_bytes([["东风街道组织架构台账"], *tables["structure"]]))
    report = import_file(MemoryStore(), path)
    assert ("structure", 5, "level") in [(p.table, p.row, p.column) for p in report.problems]


def _titled_workbook(path: Path, tables: Tables) -> Workbook:
    """``tables`` as a workbook whose sheets each have a title merged across the columns and a blank row above the header."""
    book = Workbook()
    assert book.active is not None
    book.remove(book.active)
    for name, rows in tables.items():
        sheet = book.create_sheet(TABLES[name].chinese)
        sheet.append([f"东风街道{TABLES[name].chinese}台账"])
        sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(rows[0]))
        sheet.append([])
        for row in rows:
            sheet.append(row)
    return book


def test_a_problem_with_a_header_under_a_title_names_the_headers_own_row(tmp_path: Path) -> None:
    tables = copy(TOWN)
    tables["structure"] = [[c for i, c in enumerate(row) if i != 2] for row in tables["structure"]]  # no name column
    tables["units"][0][1] = "type"  # two columns headed type
    _titled_workbook(tmp_path / "台账.xlsx", tables).save(tmp_path / "台账.xlsx")
    report = import_file(MemoryStore(), tmp_path / "台账.xlsx")
    found = {(p.table, p.column): p.row for p in report.problems}
    assert found[("structure", "name")] == 3  # the title, a blank row, then the header
    assert found[("units", "type")] == 3
    path = tmp_path / "structure.csv"
    path.write_bytes(_csv_bytes([["东风街道组织架构台账"], [], *tables["structure"]], encoding="gb18030"))
    assert [(p.column, p.row) for p in import_file(MemoryStore(), path).problems if p.column == "name"] == [("name", 3)]


def test_a_title_merged_across_the_columns_stays_one_cell_when_the_header_is_not_found(tmp_path: Path) -> None:
    tables = {"structure": [[f"第{i}列" for i in range(len(STRUCTURE))], *TOWN["structure"][1:]]}  # a header naming no column
    _titled_workbook(tmp_path / "t.xlsx", tables).save(tmp_path / "t.xlsx")
    report = import_file(MemoryStore(), tmp_path / "t.xlsx")
    assert not report.ok
    assert all("both" not in p.reason for p in report.problems), [str(p) for p in report.problems]  # the title is not six columns


def test_cells_merged_across_columns_and_over_rows_and_columns_hold_the_value_in_every_cell(tmp_path: Path) -> None:
    tables = copy(TOWN)
    tables["agreements"].append(["ag3", "c1", "u2", "2025.6.1", None, None, None, None])
    path = tmp_path / "台账.xlsx"
    book = _titled_workbook(path, tables)
    sheet = book[TABLES["agreements"].chinese]
    assert (sheet["A4"].value, sheet["A5"].value, sheet["A6"].value) == ("ag1", "ag2", "ag3")
    sheet["F4"], sheet["G4"], sheet["H4"] = "义诊", None, None
    sheet.merge_cells("F4:H4")  # one row across the needs, resources and projects columns
    sheet["F5"] = "物业服务"
    sheet.merge_cells("F5:H6")  # a block over two rows and three columns
    structure = book[TABLES["structure"].chinese]
    assert (structure["A8"].value, structure["A9"].value) == ("g1", "g2")
    structure["B9"] = structure["D9"] = None
    structure.merge_cells("B8:B9")  # merged down one column, as before
    structure.merge_cells("D8:D9")
    book.save(path)

    store = MemoryStore()
    report = import_file(store, path)
    assert report.ok, [str(p) for p in report.problems]
    kept = {a: store.node(a) for a in ("ag1", "ag2", "ag3")}
    assert [(n.needs, n.resources, n.projects) for n in kept.values() if isinstance(n, Agreement)] == [
        (("义诊",), ("义诊",), ("义诊",)),
        (("物业服务",), ("物业服务",), ("物业服务",)),
        (("物业服务",), ("物业服务",), ("物业服务",)),
    ]
    g2 = store.node("g2")
    assert isinstance(g2, Territory) and g2.level.value == "grid"
    assert [e.target for e in store.edges_of("g2", kind=EdgeKind.WITHIN)] == ["a1"]
