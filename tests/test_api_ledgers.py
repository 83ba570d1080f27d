"""Ledgers over HTTP: upload an import (applied, refused, too large), list imports, download the template and exports."""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from openpyxl import load_workbook

from api.app import create_app
from graph.memory import MemoryStore
from graph.settings import Settings
from tests.utils.ledgers import TOWN, copy, write_xlsx


@pytest.fixture
def store() -> MemoryStore:
    return MemoryStore()


@pytest.fixture
def client(store: MemoryStore) -> Iterator[TestClient]:
    app = create_app(Settings(max_upload_mb=1), store_factory=lambda _: store)
    with TestClient(app) as client:
        yield client


def test_an_uploaded_workbook_is_imported_and_listed(client: TestClient, store: MemoryStore, tmp_path: Path) -> None:
    body = write_xlsx(tmp_path / "town.xlsx", TOWN).read_bytes()
    dry = client.post("/imports", params={"filename": "town.xlsx", "dry_run": True}, content=body)
    assert dry.status_code == 200 and dry.json()["dry_run"] is True and store.count() == 0

    response = client.post("/imports", params={"filename": "town.xlsx"}, content=body)
    assert response.status_code == 200, response.text
    record = response.json()["record"]
    assert record["outcome"] == "applied" and record["summary"]["created"]["territory"] == 6
    assert store.node("g1").provenance.source.startswith(record["id"])

    listed = client.get("/imports").json()
    assert [r["id"] for r in listed] == [record["id"]]


def test_a_refused_upload_is_a_422_naming_each_cell(client: TestClient, store: MemoryStore, tmp_path: Path) -> None:
    bad = copy(TOWN)
    bad["agreements"].append(["ag9", "c1", "u404", "2024-01-01", None, None, None, None])
    response = client.post("/imports", params={"filename": "bad.xlsx"}, content=write_xlsx(tmp_path / "bad.xlsx", bad).read_bytes())
    assert response.status_code == 422
    error = response.json()["error"]
    assert error["code"] == "import_refused"
    assert error["problems"] == [
        {
            "table": "agreements",
            "row": 4,
            "column": "unit_id",
            "header": "unit_id",
            "value": "u404",
            "reason": "本文件和图中都没有这个 id 的单位",
        }
    ]
    assert store.count() == 0


def test_an_upload_too_large_or_of_another_kind_is_refused_before_reading(client: TestClient, store: MemoryStore) -> None:
    too_big = client.post("/imports", params={"filename": "big.csv"}, content=b"x" * (1024 * 1024 + 1))
    assert too_big.status_code == 413 and "GRASSROOTS_MAX_UPLOAD_MB" in too_big.json()["error"]["message"]
    wrong = client.post("/imports", params={"filename": "notes.docx"}, content=b"PK")
    assert wrong.status_code == 422 and ".xlsx" in wrong.json()["error"]["message"]
    assert store.count() == 0


def test_the_template_and_an_export_download_as_workbooks(client: TestClient, tmp_path: Path) -> None:
    template = client.get("/template")
    assert template.status_code == 200 and "attachment" in template.headers["content-disposition"]
    assert "structure" in load_workbook(io.BytesIO(template.content)).sheetnames

    client.post("/imports", params={"filename": "town.xlsx"}, content=write_xlsx(tmp_path / "town.xlsx", TOWN).read_bytes())
    exported = client.get("/export", params={"scope": "c1", "format": "xlsx"})
    assert exported.status_code == 200
    rows = list(load_workbook(io.BytesIO(exported.content))["structure"].iter_rows(values_only=True))
    assert [r[0] for r in rows[2:]] == ["d", "s1", "c1", "a1", "g1", "g2"]
    assert client.get("/export", params={"scope": "nowhere"}).status_code == 404
    assert client.get("/export", params={"format": "docx"}).status_code == 422
