"""Personal data, whole: extra columns of every kind of record left out for viewers, in JSON and in every export,
and a seat's holder from another street never named to a street's keys."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from graph.memory import MemoryStore
from graph.settings import Settings
from loaders.importer import import_file
from service.keys import KeyRing
from service.principal import AccessRole
from tests.test_auth import WEST
from tests.utils.ledgers import TOWN, copy, write_xlsx

ID_NUMBER = "110101199001011234"
CONTACT = "13911112222"
HOLDER = "周九"  # h9, a household head of 西湖街道 (s2)

Keys = dict[str, dict[str, str]]


@pytest.fixture
def town(tmp_path: Path) -> Iterator[tuple[TestClient, Keys]]:
    tables = copy(TOWN)
    tables["units"][0].append("联系电话")
    tables["units"][1].append(CONTACT)
    tables["units"][2].append(None)
    tables["big_committee"][0].append("身份证号")
    tables["big_committee"][1].append(ID_NUMBER)
    store = MemoryStore()
    assert import_file(store, write_xlsx(tmp_path / "town.xlsx", tables)).ok
    assert import_file(store, write_xlsx(tmp_path / "west.xlsx", WEST)).ok
    header = ["id", "community_id", "person", "unit_id", "role", "member_id"]
    seat = {"big_committee": [header, ["st9", "c1", HOLDER, "u1", "兼职委员", "h9"]]}
    assert import_file(store, write_xlsx(tmp_path / "seat.xlsx", seat)).ok
    ring = KeyRing(tmp_path / "keys.json")
    tokens = {
        "viewer": ring.create(role=AccessRole.VIEWER, scope="s1", name="东风街道 viewer")[1],
        "editor": ring.create(role=AccessRole.EDITOR, scope="s1", name="东风街道 editor")[1],
        "viewer_all": ring.create(role=AccessRole.VIEWER, scope=None, name="区 viewer")[1],
        "admin": ring.create(role=AccessRole.ADMIN, scope=None, name="区委组织部")[1],
    }
    settings = Settings(auth=True, keys_file=tmp_path / "keys.json", rate_per_minute=0)
    with TestClient(create_app(settings, store_factory=lambda _: store)) as client:
        yield client, {name: {"Authorization": f"Bearer {token}"} for name, token in tokens.items()}


def _seat_id(client: TestClient, keys: Keys) -> str:
    seats = client.get("/communities/c1/big-committee", headers=keys["admin"]).json()["seats"]["items"]
    return next(s["seat"]["id"] for s in seats if s["person"] == "王五")


def _export_text(client: TestClient, headers: dict[str, str], fmt: str) -> str:
    response = client.get("/export", params={"format": fmt}, headers=headers)
    assert response.status_code == 200, response.text
    if fmt in ("xlsx", "zip"):
        with zipfile.ZipFile(io.BytesIO(response.content)) as archive:
            return "".join(archive.read(name).decode("utf-8") for name in archive.namelist())
    return response.content.decode("utf-8")


@pytest.mark.parametrize("who", ["viewer", "viewer_all"])
def test_a_viewer_reads_no_extra_column_of_any_kind_of_record(town: tuple[TestClient, Keys], who: str) -> None:
    client, keys = town
    seat = _seat_id(client, keys)
    for node_id in ("u1", seat):
        node = client.get(f"/nodes/{node_id}", headers=keys[who]).json()["node"]
        assert node["properties"] == {}, node_id
    assert client.get("/nodes/h1", headers=keys[who]).json()["node"]["phone"] == "138****5678"


def test_editors_and_admins_read_extra_columns_whole(town: tuple[TestClient, Keys]) -> None:
    client, keys = town
    seat = _seat_id(client, keys)
    for who in ("editor", "admin"):
        assert client.get("/nodes/u1", headers=keys[who]).json()["node"]["properties"] == {"联系电话": CONTACT}
        assert client.get(f"/nodes/{seat}", headers=keys[who]).json()["node"]["properties"] == {"身份证号": ID_NUMBER}
    assert ID_NUMBER in _export_text(client, keys["admin"], "zip") and CONTACT in _export_text(client, keys["editor"], "zip")


@pytest.mark.parametrize("fmt", ["xlsx", "zip", "json", "graphml", "gexf"])
@pytest.mark.parametrize("who", ["viewer", "viewer_all"])
def test_a_viewers_export_carries_no_extra_column_in_any_format(town: tuple[TestClient, Keys], fmt: str, who: str) -> None:
    client, keys = town
    text = _export_text(client, keys[who], fmt)
    assert ID_NUMBER not in text and CONTACT not in text and "13812345678" not in text
    assert "市第一医院" in text  # the unit is there, without its extra column


def test_a_seat_held_by_another_streets_member_names_neither_holder_nor_person_to_the_street(town: tuple[TestClient, Keys]) -> None:
    client, keys = town
    for who in ("viewer", "editor"):
        headers = keys[who]
        assert client.get("/nodes/h9", headers=headers).status_code == 404
        answers = {
            "chain": client.get("/nodes/st9/chain", headers=headers),
            "node": client.get("/nodes/st9", headers=headers),
            "unit seats": client.get("/units/u1/committees", headers=headers),
            "big committee": client.get("/communities/c1/big-committee", headers=headers),
            "edges": client.get("/nodes/st9/edges", headers=headers),
            "search": client.get("/search", params={"q": HOLDER}, headers=headers),
            "export": client.get("/export", params={"format": "json"}, headers=headers),
        }
        for what, response in answers.items():
            assert response.status_code == 200, (who, what, response.text)
            shown = response.text.replace(f'"query":"{HOLDER}"', "")  # search repeats the question
            assert HOLDER not in shown and "h9" not in shown, (who, what)
        assert client.get("/search", params={"q": HOLDER}, headers=headers).json()["total"] == 0
        seats = {s["seat"]["id"]: s for s in answers["big committee"].json()["seats"]["items"]}
        assert seats["st9"]["person"] is None and seats["st9"]["holder"] is None and seats["st9"]["seat"]["name"] == "席位 st9"
        assert seats["st9"]["unit"]["id"] == "u1", "the seat itself is the street's: shown, its holder withheld"
        assert seats[_seat_id(client, keys)]["person"] == "王五", "a seat with no holder elsewhere keeps its person"
        assert answers["chain"].json()["node"]["name"] == "席位 st9"
        assert answers["node"].json()["node"]["person"] is None
    whole = client.get("/communities/c1/big-committee", headers=keys["viewer_all"]).json()["seats"]["items"]
    assert {s["person"] for s in whole} == {"王五", HOLDER}, "a key over the whole district sees every holder"
