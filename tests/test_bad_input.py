"""Bad input never breaks it: each class of bad file gets a clear 4xx naming what is wrong, and the graph stays as it was."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from graph.memory import MemoryStore
from graph.settings import Settings
from loaders import importer
from loaders.importer import import_file
from tests.utils.apps import client_over, town_store
from tests.utils.ledgers import TOWN, Tables, copy, write_csv_folder, write_xlsx
from tests.utils.network import contents


@pytest.fixture
def store(tmp_path: Path) -> MemoryStore:
    return town_store(tmp_path)


@pytest.fixture
def client(store: MemoryStore) -> Iterator[TestClient]:
    with client_over(store, Settings(max_upload_mb=2)) as client:
        yield client


def _upload(client: TestClient, name: str, body: bytes) -> tuple[int, dict[str, object]]:
    response = client.post("/imports", params={"filename": name}, content=body)
    return response.status_code, response.json()


def _zip(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def _with(tables: Tables, table: str, row: list[object]) -> Tables:
    changed = copy(tables)
    changed[table].append(row)
    return changed


def test_each_class_of_bad_file_is_refused_with_its_reason_and_changes_nothing(
    client: TestClient, store: MemoryStore, tmp_path: Path
) -> None:
    before = contents(store)
    cypher = _with(TOWN, "structure", ["g9'}) DETACH DELETE n //", "grid", "x", "a1", None, None, None, None, 1, None, None])
    html = _with(TOWN, "units", ["<script>alert(1)</script>", "x", "school", "c1", None, None, None])
    absurd = _with(TOWN, "structure", ["g9", "grid", "x", "a1", None, None, None, None, 10**12, None, None])
    formula = _with(TOWN, "household_heads", ["h9", "钱七", "g1", "retired", "=1+1", None])
    cases: dict[str, tuple[bytes, str]] = {
        "cypher.xlsx": (write_xlsx(tmp_path / "c.xlsx", cypher).read_bytes(), "不能用作 id"),
        "html.xlsx": (write_xlsx(tmp_path / "h.xlsx", html).read_bytes(), "不能用作 id"),
        "absurd.xlsx": (write_xlsx(tmp_path / "a.xlsx", absurd).read_bytes(), "应小于或等于 10000000"),
        "formula.xlsx": (write_xlsx(tmp_path / "f.xlsx", formula).read_bytes(), "是公式"),
        "truncated.xlsx": (write_xlsx(tmp_path / "t.xlsx", TOWN).read_bytes()[:3000], "不是可读的 .xlsx"),
        "not-a-workbook.xlsx": (b"<html>hello</html>", "不是可读的 .xlsx"),
        "no-workbook-inside.xlsx": (_zip({"hello.txt": b"hi"}), "不是 Excel 工作簿"),
        "bomb.zip": (_zip({"structure.csv": b"id,level,name\r\n" + b" " * (60 * 1024 * 1024)}), "压缩炸弹"),
        "structure.csv": ("id,level,name\r\nd,district,\udcff".encode("utf-8", "surrogateescape"), "既不是 UTF-8 也不是 GB18030"),
    }
    for name, (body, reason) in cases.items():
        status, answer = _upload(client, name, body)
        assert status == 422, (name, answer)
        error = answer["error"]
        assert isinstance(error, dict)
        assert any(reason in str(p) for p in error["problems"]), (name, error["problems"])
        assert contents(store) == before, name


def test_a_file_over_the_row_limit_is_refused_whole(store: MemoryStore, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(importer, "MAX_ROWS", 5)
    before = contents(store)
    report = import_file(store, write_csv_folder(tmp_path / "big", TOWN))
    assert not report.ok and "文件超过 5 行" in report.problems[-1].reason
    assert contents(store) == before
