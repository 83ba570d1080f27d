"""Hostile and damaged ledger files: small files that would take all memory, malformed workbooks and zips, CSVs in the wrong encoding.

Each file is built by hand (zipfile and XML strings) and imported both directly and through
``POST /imports``: it is refused with a problem naming the place at fault, the graph unchanged.
"""

from __future__ import annotations

import io
import tracemalloc
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from graph.memory import MemoryStore
from graph.settings import Settings
from loaders.importer import import_file
from tests.utils.apps import client_over, town_store
from tests.utils.ledgers import TOWN, write_csv_folder
from tests.utils.network import contents

_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_HEADER = '<row r="1"><c r="A1" t="inlineStr"><is><t>id</t></is></c><c r="B1" t="inlineStr"><is><t>level</t></is></c>'
_HEADER += '<c r="C1" t="inlineStr"><is><t>name</t></is></c></row>'
_DATE_STYLES = f'<styleSheet xmlns="{_MAIN}"><cellXfs count="2"><xf numFmtId="0"/><xf numFmtId="14"/></cellXfs></styleSheet>'


def _book(rows: str, *, shared: str | None = None, styles: str | None = None, stored: bool = False, doctype: bool = False) -> bytes:
    """A workbook with one sheet, structure, holding the header row and then ``rows`` (sheet XML)."""
    members = {
        "xl/workbook.xml": f'<workbook xmlns="{_MAIN}" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
        '<sheets><sheet name="structure" sheetId="1" r:id="rId1"/></sheets></workbook>',
        "xl/_rels/workbook.xml.rels": '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" Target="worksheets/sheet1.xml"/></Relationships>',
        "xl/worksheets/sheet1.xml": ('<!DOCTYPE worksheet [<!ENTITY a "b">]>' if doctype else "")
        + f'<worksheet xmlns="{_MAIN}"><sheetData>{_HEADER}{rows}</sheetData></worksheet>',
    }
    if shared is not None:
        members["xl/sharedStrings.xml"] = f'<sst xmlns="{_MAIN}">{shared}</sst>'
    if styles is not None:
        members["xl/styles.xml"] = styles
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED if stored else zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        for name, text in members.items():
            archive.writestr(name, text.encode())
    return buffer.getvalue()


def _spoil(packed: bytes, member: str, data: bytes) -> bytes:
    """The zip with the packed bytes of ``member`` overwritten at their start by ``data`` (its header left as it was)."""
    with zipfile.ZipFile(io.BytesIO(packed)) as archive:
        info = archive.getinfo(member)
    start = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra)
    assert len(data) <= info.compress_size
    return packed[:start] + data + packed[start + len(data) :]


@pytest.fixture
def store(tmp_path: Path) -> MemoryStore:
    return town_store(tmp_path)


@pytest.fixture
def client(store: MemoryStore) -> Iterator[TestClient]:
    with client_over(store, Settings(max_upload_mb=2)) as client:
        yield client


def _refused_with(store: MemoryStore, client: TestClient, path: Path, *expected: str) -> None:
    """Imported directly and through the API, the file is refused with a problem holding every ``expected``, the graph unchanged."""
    before = contents(store)
    report = import_file(store, path)
    assert not report.ok
    reasons = [str(p) for p in report.problems]
    assert any(all(e in r for e in expected) for r in reasons), (path.name, reasons)
    response = client.post("/imports", params={"filename": path.name}, content=path.read_bytes())
    assert response.status_code == 422, (path.name, response.text)
    error = response.json()["error"]
    assert any(all(e in str(p) for e in expected) for p in error["problems"]), (path.name, error["problems"])
    assert contents(store) == before, path.name


# -- bounded memory ------------------------------------------------------------------------------

_many = 10_000
HOSTILE: dict[str, tuple[bytes, str]] = {
    "far-columns.xlsx": (_book('<row><c r="ZZZZZ2"><v>1</v></c></row>' * _many), "XFD"),
    "last-column-filled.xlsx": (_book('<row><c r="XFD2"><v>1</v></c></row>' * _many), "XFD2"),
    "one-wide-row.xlsx": (_book("<row>" + "<c/>" * 60_000 + "</row>"), "XFD"),
    "huge-shared-string.xlsx": (
        _book('<row r="2"><c r="C2" t="s"><v>0</v></c></row>', shared="<si><t>" + "长" * 40_000 + "</t></si>"),
        "32,767",
    ),
    "many-runs.xlsx": (
        _book('<row r="2"><c r="C2" t="s"><v>0</v></c></row>', shared="<si>" + "<r><t>长</t></r>" * 40_000 + "</si>"),
        "32,767",
    ),
    "many-empty-rows.xlsx": (_book("<row/>" * 200_000 + '<row><c r="B9"><v>1</v></c></row>'), "第 200002 行"),
    "row-past-the-last.xlsx": (_book('<row r="99999999"><c r="A99999999"><v>1</v></c></row>'), "99,999,999"),
}


_REPEATED = _book(
    '<row><c r="A2" t="s"><v>0</v></c><c r="B2" t="s"><v>1</v></c></row>' * _many,
    shared="<si><t>" + "长" * 32_000 + "</t></si><si><t>" + "x" * 32_000 + "</t></si>",
)


@pytest.mark.parametrize("name", [*HOSTILE, "repeated-shared-strings.xlsx"])
def test_a_small_hostile_workbook_is_refused_in_bounded_memory(name: str, store: MemoryStore, client: TestClient, tmp_path: Path) -> None:
    body, expected = HOSTILE.get(name) or (_REPEATED, "level")
    assert len(body) < 4096, len(body)
    path = tmp_path / name
    path.write_bytes(body)
    before = contents(store)
    tracemalloc.start()
    try:
        report = import_file(store, path)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 50 * 1024**2, f"{name}: {peak:,} bytes at the peak"
    assert not report.ok
    assert any(expected in str(p) for p in report.problems), [str(p) for p in report.problems]
    assert contents(store) == before
    response = client.post("/imports", params={"filename": name}, content=body)
    assert response.status_code == 422, response.text


def test_empty_cells_far_to_the_right_are_dropped_and_the_rows_read(tmp_path: Path) -> None:
    rows = '<row r="2"><c r="A2" t="inlineStr"><is><t>d</t></is></c><c r="B2" t="inlineStr"><is><t>district</t></is></c>'
    rows += '<c r="C2" t="inlineStr"><is><t>抚东区</t></is></c><c r="XFD2" s="0"/></row>'
    path = tmp_path / "styled.xlsx"
    path.write_bytes(_book(rows))
    store = MemoryStore()
    report = import_file(store, path)
    assert report.ok, [str(p) for p in report.problems]
    assert store.node("d").name == "抚东区"


# -- malformed workbooks and zips ----------------------------------------------------------------


def _cell(xml: str) -> str:
    return f'<row r="2"><c r="A2" t="inlineStr"><is><t>d</t></is></c>{xml}</row>'


def _damaged_zips() -> dict[str, tuple[bytes, tuple[str, ...]]]:
    stored = _book(_cell('<c r="C2" t="inlineStr"><is><t>抚东区抚东区抚东区</t></is></c>'), stored=True)
    deflated = _book(_cell('<c r="C2" t="inlineStr"><is><t>抚东区</t></is></c>'))
    offset = stored.index("抚东区抚东区".encode())  # stored, not packed: a changed text keeps its length but not its CRC
    bad_crc = stored[:offset] + "和平区".encode() + stored[offset + 9 :]
    broken = _spoil(deflated, "xl/worksheets/sheet1.xml", b"\xff" * 8)
    csv_zip = io.BytesIO()
    with zipfile.ZipFile(csv_zip, "w", zipfile.ZIP_STORED) as archive:
        archive.writestr("structure.csv", "id,level,name\r\nd,district,抚东区\r\n".encode())
    csv_bad = csv_zip.getvalue().replace("抚东区".encode(), "和平区".encode())
    return {
        "bad-crc.xlsx": (bad_crc, ("xl/worksheets/sheet1.xml", "文件已损坏")),
        "broken-deflate.xlsx": (broken, ("xl/worksheets/sheet1.xml", "文件已损坏")),
        "bad-crc.zip": (csv_bad, ("structure.csv", "文件已损坏")),
    }


MALFORMED: dict[str, tuple[bytes, tuple[str, ...]]] = {
    "shared-index.xlsx": (
        _book(_cell('<c r="C2" t="s"><v>7</v></c>'), shared="<si><t>a</t></si>"),
        ("structure", "C2", "共享字符串编号 '7'"),
    ),
    "number-12abc.xlsx": (_book(_cell('<c r="C2"><v>12abc</v></c>')), ("structure", "C2", "数值 '12abc' 无效")),
    "row-two.xlsx": (_book('<row r="two"><c r="A2"><v>1</v></c></row>'), ("structure", "'two'")),
    "style-x.xlsx": (_book(_cell('<c r="C2" s="x"><v>1</v></c>')), ("structure", "C2", "样式编号 'x'")),
    "date-1e300.xlsx": (_book(_cell('<c r="C2" s="1"><v>1e300</v></c>'), styles=_DATE_STYLES), ("structure", "C2", "日期序号 '1e300'")),
    "format-abc.xlsx": (
        _book(
            _cell('<c r="C2" s="1"><v>1</v></c>'),
            styles=f'<styleSheet xmlns="{_MAIN}"><numFmts><numFmt numFmtId="abc" formatCode="yyyy"/></numFmts></styleSheet>',
        ),
        ("xl/styles.xml", "数字格式编号 'abc'"),
    ),
    "cell-ref-a1.xlsx": (_book(_cell('<c r="c2"><v>1</v></c>')), ("structure", "'c2'")),
    "doctype.xlsx": (_book(_cell(""), doctype=True), ("structure", "DOCTYPE")),
    **_damaged_zips(),
}


@pytest.mark.parametrize("name", MALFORMED)
def test_a_malformed_workbook_or_zip_is_a_problem_naming_the_place(
    name: str, store: MemoryStore, client: TestClient, tmp_path: Path
) -> None:
    body, expected = MALFORMED[name]
    path = tmp_path / name
    path.write_bytes(body)
    _refused_with(store, client, path, *expected)


# -- encodings -----------------------------------------------------------------------------------

_TRADITIONAL = "id,level,name\r\nd,district,組織測試社區臺灣\r\ns1,street,臺北市大安區和平東路街道\r\n"
_JAPANESE = "id,level,name\r\nd,district,テスト組織\r\ns1,street,東京都新宿区かぶきちょう\r\n"


@pytest.mark.parametrize(
    ("encoding", "named"),
    [("big5", "Big5"), ("shift_jis", "Shift-JIS"), ("utf-16", "UTF-16")],
)
def test_a_csv_in_another_encoding_is_refused_with_the_encoding_named(
    encoding: str, named: str, store: MemoryStore, client: TestClient, tmp_path: Path
) -> None:
    text = _JAPANESE if encoding == "shift_jis" else _TRADITIONAL
    path = tmp_path / "structure.csv"
    path.write_bytes(text.encode(encoding))
    _refused_with(store, client, path, "structure.csv", named, "不是 UTF-8 或 GB18030")


@pytest.mark.parametrize("encoding", ["gb18030", "utf-8", "utf-8-sig"])
def test_a_ledger_in_gb18030_or_utf8_is_still_read(encoding: str, tmp_path: Path) -> None:
    store = MemoryStore()
    report = import_file(store, write_csv_folder(tmp_path / "town", TOWN, encoding=encoding))
    assert report.ok, [str(p) for p in report.problems]
    assert store.node("g1").name == "阳光苑第1网格"
    assert store.node("h1").name == "张三"


@pytest.mark.parametrize(
    "names",
    [["抚东区"], ["城关区", "东岗街道", "雁园路社区"], ["深圳市福田区华强北街道"], ["臺北市大安區"], ["龍華社區居委會"]],
)
def test_plain_chinese_ledger_text_in_gb18030_is_not_taken_for_big5(names: list[str], tmp_path: Path) -> None:
    lines = ["id,level,name,parent_id", f"d,district,{names[0]},"] + [f"s{i},street,{n},d" for i, n in enumerate(names[1:])]
    path = tmp_path / "structure.csv"
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode("gb18030"))
    store = MemoryStore()
    report = import_file(store, path)
    assert report.ok, [str(p) for p in report.problems]
    assert store.node("d").name == names[0]
