"""A record's history over the API and the command line, and imports that take effect on a named day:
each change with its day, its field's label, old and new value and the import that made it, held to
the key's territory and masked for viewers like the record itself."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from cli.main import main
from graph.memory import MemoryStore
from graph.settings import Settings
from loaders.importer import import_file
from service.keys import KeyRing
from service.principal import AccessRole
from tests.test_auth import WEST
from tests.utils.ledgers import TOWN, copy, write_xlsx

OCT, NOV = date(2026, 10, 31), date(2026, 11, 30)
Keys = dict[str, dict[str, str]]


def _november(tmp_path: Path) -> Path:
    """The town a month later: h1 has another phone and 12 households, g1 has 210."""
    tables = copy(TOWN)
    tables["household_heads"][1] = ["h1", "张三", "g1", "retired", 12, "13900001111"]
    tables["structure"][5][8] = 210
    return write_xlsx(tmp_path / "november.xlsx", tables)


@pytest.fixture
def town(tmp_path: Path) -> Iterator[tuple[TestClient, Keys, MemoryStore]]:
    store = MemoryStore()
    assert import_file(store, write_xlsx(tmp_path / "town.xlsx", TOWN), effective=OCT).ok
    assert import_file(store, write_xlsx(tmp_path / "west.xlsx", WEST), effective=OCT).ok
    ring = KeyRing(tmp_path / "keys.json")
    tokens = {
        "viewer": ring.create(role=AccessRole.VIEWER, scope="s1", name="东风街道 viewer")[1],
        "editor": ring.create(role=AccessRole.EDITOR, scope="s1", name="东风街道 editor")[1],
        "west": ring.create(role=AccessRole.VIEWER, scope="s2", name="西湖街道 viewer")[1],
        "admin": ring.create(role=AccessRole.ADMIN, scope=None, name="区委组织部")[1],
    }
    settings = Settings(auth=True, keys_file=tmp_path / "keys.json", rate_per_minute=0)
    with TestClient(create_app(settings, store_factory=lambda _: store)) as client:
        yield client, {name: {"Authorization": f"Bearer {token}"} for name, token in tokens.items()}, store


def _upload(client: TestClient, keys: Keys, path: Path, **params: str) -> dict[str, object]:
    response = client.post("/imports", params={"filename": path.name, **params}, content=path.read_bytes(), headers=keys["admin"])
    assert response.status_code == 200, response.text
    body: dict[str, object] = response.json()
    return body


def test_a_backdated_upload_takes_effect_on_its_day_and_the_history_names_it(
    town: tuple[TestClient, Keys, MemoryStore], tmp_path: Path
) -> None:
    client, keys, store = town
    record = _upload(client, keys, _november(tmp_path), as_of=NOV.isoformat())["record"]
    assert isinstance(record, dict) and record["as_of"] == NOV.isoformat()
    found = client.get("/nodes/h1/history", headers=keys["editor"], params={"lang": "zh"}).json()
    assert found["exists"] and found["created"] == OCT.isoformat()
    changes = {c["field"]: c for c in found["changes"] if c["what"] == "changed"}
    assert set(changes) == {"households", "phone"}, "only what changed"
    assert (changes["households"]["day"], changes["households"]["old"], changes["households"]["new"]) == (NOV.isoformat(), 10, 12)
    assert changes["households"]["label"] == "户数"
    assert changes["phone"]["import_id"] == record["id"]
    assert changes["phone"]["old"] == "13812345678" and changes["phone"]["new"] == "13900001111"
    assert store.node_on("h1", OCT).households == 10 and store.node_on("h1", NOV).households == 12  # type: ignore[attr-defined]
    coverage = client.get("/scopes/g1/coverage", params={"as_of": OCT.isoformat()}, headers=keys["admin"]).json()
    later = client.get("/scopes/g1/coverage", params={"as_of": NOV.isoformat()}, headers=keys["admin"]).json()
    assert coverage != later, "a figure read on each side of the change"


def test_a_viewer_reads_phones_masked_in_old_values_too(town: tuple[TestClient, Keys, MemoryStore], tmp_path: Path) -> None:
    client, keys, _store = town
    _upload(client, keys, _november(tmp_path), as_of=NOV.isoformat())
    found = client.get("/nodes/h1/history", headers=keys["viewer"]).json()
    phone = next(c for c in found["changes"] if c["field"] == "phone")
    assert (phone["old"], phone["new"]) == ("138****5678", "139****1111")
    assert "13812345678" not in str(found) and "13900001111" not in str(found)


def test_another_streets_key_finds_no_history(town: tuple[TestClient, Keys, MemoryStore]) -> None:
    client, keys, _store = town
    assert client.get("/nodes/h1/history", headers=keys["west"]).status_code == 404
    assert client.get("/nodes/nowhere/history", headers=keys["admin"]).status_code == 404


def test_the_command_line_imports_as_of_a_day_and_prints_a_history(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GRASSROOTS_DATA_DIR", str(tmp_path / "data"))
    assert main(["import", str(write_xlsx(tmp_path / "town.xlsx", TOWN)), "--as-of", OCT.isoformat()]) == 0
    assert main(["import", str(_november(tmp_path)), "--as-of", NOV.isoformat()]) == 0
    capsys.readouterr()
    assert main(["--lang", "zh", "history", "h1"]) == 0
    out = capsys.readouterr().out
    assert "2026-11-30  户数: 10 → 12" in out
    assert f"{OCT:%Y-%m-%d}  创建" in out
    assert main(["--lang", "en", "history", "g1"]) == 0
    assert "2026-11-30  households: 200 → 210" in capsys.readouterr().out


def test_a_record_written_as_of_a_day_changes_from_that_day(town: tuple[TestClient, Keys, MemoryStore]) -> None:
    client, keys, store = town
    body = {"name": "张三", "grid_id": "g1", "category": "retired", "households": 15, "phone": "13812345678"}
    response = client.put("/household-heads/h1", json=body, params={"as_of": NOV.isoformat()}, headers=keys["editor"])
    assert response.status_code == 200, response.text
    assert store.node_on("h1", date(2026, 11, 29)).households == 10  # type: ignore[attr-defined]
    assert store.node_on("h1", NOV).households == 15  # type: ignore[attr-defined]
    line = client.get("/nodes/h1/history", headers=keys["viewer"]).json()["changes"][-1]
    assert (line["day"], line["field"], line["old"], line["new"]) == (NOV.isoformat(), "households", 10, 15)
    assert line["import_id"] == response.json()["record"]["id"]


def test_a_node_is_read_as_it_was_on_a_day(town: tuple[TestClient, Keys, MemoryStore], tmp_path: Path) -> None:
    client, keys, _store = town
    _upload(client, keys, _november(tmp_path), as_of=NOV.isoformat())
    then = client.get("/nodes/h1", params={"as_of": OCT.isoformat()}, headers=keys["viewer"]).json()["node"]
    now = client.get("/nodes/h1", headers=keys["viewer"]).json()["node"]
    assert (then["households"], then["phone"]) == (10, "138****5678")
    assert (now["households"], now["phone"]) == (12, "139****1111")
