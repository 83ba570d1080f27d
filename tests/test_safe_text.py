"""Text that is safe everywhere: control characters refused at the door, sizes bounded, exports that neither run nor break.

Each break found by the attack on a running server (issue "Trust under attack") has its test here:
a control character or a lone surrogate in a name, a megabyte in an agreement's needs, formulas
in CSV exports, an xlsx round trip that changed the data, and GraphML or GEXF that XML parsers refuse.
"""

from __future__ import annotations

import csv
import io
import json
import xml.etree.ElementTree as ET
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from httpx2 import Response  # the HTTP client of starlette's TestClient
from openpyxl import load_workbook

from graph.memory import MemoryStore
from graph.model import MAX_ITEM, MAX_ITEMS, MAX_NAME, MAX_PROPERTY
from graph.settings import Settings
from loaders.exporter import export
from loaders.importer import import_file
from loaders.workbooks import write_problems
from tests.utils.apps import client_over, town_store
from tests.utils.ledgers import TOWN, Tables, copy, write_csv_folder, write_xlsx
from tests.utils.network import contents

UNSAFE = {
    "NUL": "\u0000",
    "SOH": "\u0001",
    "vertical tab": "\u000b",
    "DEL": "\u007f",
    "C1 control": "\u0085",
    "noncharacter U+FFFE": "\ufffe",
    "noncharacter U+FFFF": "\uffff",
    "lone surrogate": "\ud800",
}
"""Characters XML 1.0 or Excel cannot hold (or that no person types): refused wherever text enters."""

FORMULA_LEADS = ("=", "+", "-", "@")


@pytest.fixture
def store(tmp_path: Path) -> MemoryStore:
    return town_store(tmp_path)


@pytest.fixture
def client(store: MemoryStore) -> Iterator[TestClient]:
    with client_over(store, Settings(), raise_server_exceptions=False) as client:
        yield client


def _head(name: str) -> dict[str, object]:
    return {"name": name, "grid_id": "g1", "category": "retired", "households": 10}


def _put(client: TestClient, url: str, body: dict[str, object]) -> Response:
    """A PUT with its body escaped to ASCII, as a client does that sends a lone surrogate (``\\ud800``)."""
    return client.put(url, content=json.dumps(body).encode("ascii"), headers={"content-type": "application/json"})


# -- refused at the door: the API ----------------------------------------------------------------


@pytest.mark.parametrize("what", UNSAFE)
def test_a_household_heads_name_with_an_unsafe_character_is_refused_naming_the_field(
    client: TestClient, store: MemoryStore, what: str
) -> None:
    before = contents(store)
    answer = _put(client, "/household-heads/h1", _head(f"张{UNSAFE[what]}三"))
    assert answer.status_code == 422, answer.text
    message = answer.json()["error"]["message"]
    assert "name" in message and f"U+{ord(UNSAFE[what]):04X}" in message, message
    assert contents(store) == before


def test_a_lone_surrogate_in_an_id_the_body_names_is_a_422_not_a_500(client: TestClient) -> None:
    cases = {
        "/agreements/ag9": {"community_id": "c\ud800", "unit_id": "u1", "signed_on": "2025-06-01"},
        "/household-heads/h9": _head("钱七") | {"grid_id": "g\ud800"},
        "/seats/seat9": {"community_id": "c1", "unit_id": "u1", "member_id": "\ud800"},
    }
    for url, body in cases.items():
        answer = _put(client, url, body)
        assert answer.status_code == 422, (url, answer.status_code)
        assert "U+D800" in answer.json()["error"]["message"]


@pytest.mark.parametrize("field", ["needs", "resources", "projects"])
def test_a_control_character_in_an_agreements_list_item_is_refused(client: TestClient, field: str) -> None:
    body = {"community_id": "c1", "unit_id": "u1", "signed_on": "2025-06-01", field: ["助老", "托\u0001育"]}
    answer = client.put("/agreements/ag9", json=body)
    assert answer.status_code == 422, answer.text
    assert field in answer.json()["error"]["message"]


def test_a_huge_item_in_an_agreements_needs_is_refused(client: TestClient, store: MemoryStore) -> None:
    huge = "助" * (100 * 1024)  # 300 KB of UTF-8: under the body limit (a larger body answers 413 before it is read)
    body = {"community_id": "c1", "unit_id": "u1", "signed_on": "2025-06-01", "needs": ["义诊", huge]}
    answer = client.put("/agreements/ag9", json=body)
    assert answer.status_code == 422, answer.status_code
    assert "needs" in answer.json()["error"]["message"] and str(MAX_ITEM) in answer.json()["error"]["message"]
    assert not store.has_node("ag9")


def test_too_many_items_and_too_long_a_name_are_refused(client: TestClient) -> None:
    many = {"community_id": "c1", "unit_id": "u1", "signed_on": "2025-06-01", "resources": [f"资源{i}" for i in range(MAX_ITEMS + 1)]}
    assert client.put("/agreements/ag9", json=many).status_code == 422
    assert client.put("/household-heads/h9", json=_head("张" * (MAX_NAME + 1))).status_code == 422
    seat = {"community_id": "c1", "unit_id": "u1", "person": "王\u0000五"}
    answer = client.put("/seats/seat9", json=seat)
    assert answer.status_code == 422 and "person" in answer.json()["error"]["message"]


def test_tab_newline_and_everyday_text_are_accepted(client: TestClient) -> None:
    awkward = "王\"五\" <b>&amp; 'x' 🎉 社区"
    assert client.put("/household-heads/h9", json=_head(awkward)).status_code == 200
    body = {"community_id": "c1", "unit_id": "u1", "signed_on": "2025-06-01", "needs": ["=SUM(A1)", "@义诊", "托育\t(周末)"]}
    answer = client.put("/agreements/ag9", json=body)
    assert answer.status_code == 200, answer.text
    assert answer.json()["node"]["needs"] == ["=SUM(A1)", "@义诊", "托育\t(周末)"]


def test_an_unsafe_name_no_longer_breaks_the_export_of_its_scope(client: TestClient) -> None:
    client.put("/household-heads/h1", json=_head("张\u0001三"))
    client.put("/agreements/ag9", json={"community_id": "c1", "unit_id": "u1", "signed_on": "2025-06-01", "needs": ["\u000b"]})
    for fmt in ("xlsx", "zip", "graphml", "gexf", "json"):
        for scope in ("s1", "c1"):
            answer = client.get("/export", params={"format": fmt, "scope": scope})
            assert answer.status_code == 200, (fmt, scope, answer.status_code)
            if fmt in ("graphml", "gexf"):
                ET.fromstring(answer.content)


def test_a_file_named_with_a_control_character_imports_and_its_graphml_stays_well_formed(
    client: TestClient, store: MemoryStore, tmp_path: Path
) -> None:
    """An upload so named is refused at the door (422); a file on disk keeps its name, the character replaced."""
    tables = copy(TOWN)
    tables["household_heads"].append(["h3", "王五", "g2", "retired", 8, None])
    body = write_xlsx(tmp_path / "more.xlsx", tables).read_bytes()
    assert client.post("/imports", params={"filename": "town\u0001.xlsx"}, content=body).status_code == 422
    assert not store.has_node("h3")
    named = tmp_path / "town\u0001.xlsx"
    named.write_bytes(body)
    assert import_file(store, named).ok
    graphml = ET.fromstring(client.get("/export", params={"format": "graphml"}).content)
    sources = {e.text for e in graphml.iter() if e.text and "town" in e.text}
    assert any("town\ufffd.xlsx" in text for text in sources), "the file's name is kept, its control character replaced"


# -- refused at the door: a ledger ---------------------------------------------------------------


def _problems(path: Path) -> list[dict[str, object]]:
    report = import_file(MemoryStore(), path)
    assert not report.ok
    return [p.model_dump() for p in report.problems]


@pytest.mark.parametrize("what", [w for w in UNSAFE if w != "lone surrogate"])  # no UTF-8 file can hold a lone surrogate
def test_a_ledger_cell_with_an_unsafe_character_is_a_problem_naming_table_row_and_column(tmp_path: Path, what: str) -> None:
    tables = copy(TOWN)
    tables["units"][2][1] = f"阳光{UNSAFE[what]}物业"  # units row 3 as Excel numbers it, the name column
    problems = [p for p in _problems(write_csv_folder(tmp_path / "town", tables)) if p["table"] == "units"]
    assert len(problems) == 1, problems  # (the agreement with u2 is refused too: it names a unit that is not there)
    problem = problems[0]
    assert (problem["table"], problem["row"], problem["column"]) == ("units", 3, "name")
    reason = str(problem["reason"])
    assert f"U+{ord(UNSAFE[what]):04X}" in reason and reason[0] >= "\u4e00", "the reason says what is wrong, Chinese first"


def test_the_problems_file_of_a_cell_refused_for_a_control_character_is_written(tmp_path: Path) -> None:
    tables = copy(TOWN)
    tables["units"][2][1] = "阳光\u0001物业"
    report = import_file(MemoryStore(), write_csv_folder(tmp_path / "town", tables))
    write_problems(report, tmp_path / "problems.xlsx")
    refused = [row for row in load_workbook(tmp_path / "problems.xlsx")["units"].iter_rows(values_only=True)]
    assert refused[1][3] == "阳光\ufffd物业" and "U+0001" in str(refused[1][0])


def test_a_ledger_list_item_over_the_bound_is_a_problem_of_its_cell(tmp_path: Path) -> None:
    tables = copy(TOWN)
    tables["agreements"][1][5] = "义诊；" + "助" * (MAX_ITEM + 1)
    problems = _problems(write_xlsx(tmp_path / "town.xlsx", tables))
    assert [(p["table"], p["row"], p["column"]) for p in problems] == [("agreements", 2, "needs")]
    assert str(MAX_ITEM) in str(problems[0]["reason"])


def test_a_ledger_extra_column_over_the_bound_or_with_a_control_character_is_a_problem(tmp_path: Path) -> None:
    for value in ("备" * (MAX_PROPERTY + 1), "备\u0001注"):
        tables = copy(TOWN)
        tables["units"][0].append("remarks")
        tables["units"][1].append(value)
        problems = _problems(write_csv_folder(tmp_path / f"town-{len(value)}", tables))
        assert [(p["table"], p["row"]) for p in problems] == [("units", 2)], problems
        assert "remarks" in str(problems[0]["reason"])


# -- exports neither run formulas nor change the data ---------------------------------------------


def _formulas(*, remarks: bool = False) -> Tables:
    """The town with names, a phone and list items starting with each formula character (and an extra column, if asked)."""
    tables = copy(TOWN)
    if remarks:
        tables["units"][0].append("remarks")
        tables["units"][1].append('=HYPERLINK("http://x")')
        tables["units"][2].append("\t@cmd")
    tables["units"][1][1] = "=1+1 医院"
    tables["units"][2][1] = "+86 物业"
    tables["household_heads"][1][1] = "-张三"
    tables["household_heads"][2][1] = "@李四"
    tables["household_heads"][2][5] = "+8613812345678"
    tables["agreements"][1][5:8] = ["=A1；+B2；-C3；@D4", "'=E5；''+F6", "'plain"]
    tables["alliances"][1][1] = tables["alliances"][2][1] = "=联盟"
    tables["big_committee"][1][1] = "@王五"
    tables["big_committee"][1][3] = "-兼职委员"
    return tables


def _formula_store(tmp_path: Path, *, remarks: bool = False) -> MemoryStore:
    store = MemoryStore()
    # A CSV ledger keeps what staff typed: openpyxl would make "=1+1 医院" a formula, which the import refuses.
    report = import_file(store, write_csv_folder(tmp_path / "formulas", _formulas(remarks=remarks)))
    assert report.ok, [str(p) for p in report.problems]
    return store


def test_the_town_with_formula_text_holds_it_as_typed(tmp_path: Path) -> None:
    store = _formula_store(tmp_path)
    assert store.node("u1").name == "=1+1 医院"  # type: ignore[union-attr]
    agreement = store.node("ag1")
    assert agreement.needs == ("=A1", "+B2", "-C3", "@D4")  # type: ignore[union-attr]
    assert agreement.resources == ("=E5", "''+F6")  # type: ignore[union-attr]  # Excel's quote marks a cell's start only
    assert agreement.projects == ("'plain",)  # type: ignore[union-attr]


@pytest.mark.parametrize("name", ["town.xlsx", "town.zip", "town-csv"])
def test_a_round_trip_of_formula_text_returns_identical_data(tmp_path: Path, name: str) -> None:
    store = _formula_store(tmp_path)
    export(store, tmp_path / name)
    again = MemoryStore()
    report = import_file(again, tmp_path / name)
    assert report.ok, [str(p) for p in report.problems]
    assert _without_provenance(again) == _without_provenance(store)


def test_csv_exports_start_formula_cells_with_a_single_quote(tmp_path: Path) -> None:
    store = _formula_store(tmp_path, remarks=True)
    export(store, tmp_path / "town.zip")
    cells: list[str] = []
    with zipfile.ZipFile(tmp_path / "town.zip") as archive:
        for member in archive.namelist():
            cells += [c for row in csv.reader(io.StringIO(archive.read(member).decode("utf-8-sig"))) for c in row]
    assert not [c for c in cells if c[:1] in (*FORMULA_LEADS, "\t", "\r")], "no cell may start as a formula"
    for expected in (
        "'=1+1 医院",
        "'+86 物业",
        "'-张三",
        "'@李四",
        "'+8613812345678",
        "'=A1；+B2；-C3；@D4",
        "'=E5；''+F6",
        "'plain",
        '\'=HYPERLINK("http://x")',
        "'\t@cmd",
    ):
        assert expected in cells, expected


def test_xlsx_exports_write_formula_text_as_text_cells(tmp_path: Path) -> None:
    store = _formula_store(tmp_path, remarks=True)
    export(store, tmp_path / "town.xlsx")
    book = load_workbook(tmp_path / "town.xlsx")
    cells = {c.value: c.data_type for sheet in book.worksheets for row in sheet.iter_rows() for c in row if isinstance(c.value, str)}
    assert cells["=1+1 医院"] == "s" and cells["=联盟"] == "s" and cells["-张三"] == "s" and cells['=HYPERLINK("http://x")'] == "s"
    assert not [v for v, t in cells.items() if t == "f"], "no formula in staff's workbook"


def _without_provenance(store: MemoryStore) -> tuple[list[str], list[str]]:
    nodes = sorted(n.model_dump_json(exclude={"provenance"}) for n in store.nodes())
    edges = sorted(e.model_dump_json(exclude={"provenance"}) for e in store.edges())
    return nodes, edges


# -- GraphML, GEXF and Popolo are always well-formed ------------------------------------------------

AWKWARD = ('王"五" & <赵六>', "O'Brien 🎉 社区", "=1+1", "@义诊", "𠀀𪚥 (CJK beyond the BMP)", "tab\there")


def _awkward_store(tmp_path: Path) -> MemoryStore:
    tables = copy(TOWN)
    tables["units"][0].append("remarks")
    tables["units"][1][1], tables["units"][2][1] = AWKWARD[0], AWKWARD[1]
    tables["units"][1].append("line one\nline two & <three>")
    tables["household_heads"][1][1], tables["household_heads"][2][1] = AWKWARD[2], AWKWARD[3]
    tables["structure"][3][2] = AWKWARD[4]
    tables["agreements"][1][5] = "；".join(AWKWARD)
    store = MemoryStore()
    report = import_file(store, write_csv_folder(tmp_path / "awkward", tables))
    assert report.ok, [str(p) for p in report.problems]
    return store


def test_every_export_of_awkward_text_parses_with_a_real_parser_and_keeps_the_text(tmp_path: Path) -> None:
    store = _awkward_store(tmp_path)
    for fmt in ("graphml", "gexf"):
        export(store, tmp_path / f"town.{fmt}")
        root = ET.parse(tmp_path / f"town.{fmt}").getroot()  # expat: refuses anything not well-formed
        texts = {e.text for e in root.iter() if e.text} | {v for e in root.iter() for v in e.attrib.values()}
        for text in (*AWKWARD[:4], AWKWARD[4], "line one\nline two & <three>", "；".join(AWKWARD)):
            assert text in texts, (fmt, text)
    export(store, tmp_path / "town.json")
    document = json.loads((tmp_path / "town.json").read_text(encoding="utf-8"))
    names = {o["name"] for o in document["organizations"]} | {p["name"] for p in document["persons"]}
    assert set(AWKWARD[:4]) <= names
    assert [a["needs"] for a in document["agreements"] if a["id"] == "ag1"] == [list(AWKWARD)]
    for name in ("town.xlsx", "town.zip"):
        export(store, tmp_path / name)
        again = MemoryStore()
        assert import_file(again, tmp_path / name).ok
        assert _without_provenance(again) == _without_provenance(store)
