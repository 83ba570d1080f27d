"""A street editor writes only inside its street, on both ends: nothing it creates lies outside, nothing shared is changed by it.

Each break found by the attack on a running server (issue "Trust under attack") is a test here,
through the API with a street editor's key: the refusal, and the store's nodes and edges the
same before and after.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from openpyxl import load_workbook

from api.app import create_app
from graph.access import held_whole, within
from graph.memory import MemoryStore
from graph.model import EdgeKind
from graph.settings import Settings
from graph.store import Direction, GraphStore
from loaders.importer import import_file
from service.keys import KeyRing
from service.principal import AccessRole
from tests.utils.ledgers import STRUCTURE, TOWN, Tables, write_xlsx

WEST: Tables = {
    "structure": [
        STRUCTURE,
        ["s2", "street", "西湖街道", "d", None, "西湖街道党工委", None, 40, None, None, None],
        ["c2", "community", "平安社区", "s2", None, "平安社区党委", None, 110, None, 3, None],
        ["a9", "residential_area", "平安苑", "c2", None, None, None, None, None, None, None],
        ["g9", "grid", "平安苑第1网格", "a9", None, "平安苑第1网格党小组", None, 3, 80, None, None],
    ],
    "household_heads": [["id", "name", "grid_id", "category", "households", "phone"], ["h9", "周九", "g9", "resident", 8, "13900009999"]],
    "units": [
        ["id", "name", "type", "community_id", "party_org_id", "party_org_name", "party_org_members"],
        ["u9", "西湖中学", "school", "c2", None, "西湖中学党支部", 40],
    ],
    "agreements": [["id", "community_id", "unit_id", "signed_on"], ["ag9", "c2", "u9", "2025-03-01"]],
}
SHARED: Tables = {
    "agreements": [["id", "community_id", "unit_id", "signed_on"], ["ag-x", "c1", "u9", "2025-06-01"]],
    "alliances": [
        ["alliance_id", "alliance_name", "kind", "member_id", "lead"],
        ["al-x", "东西党建联盟", "alliance", "c1", "是"],
        ["al-x", None, None, "c2", "否"],
    ],
    "big_committee": [["id", "community_id", "person", "unit_id", "role"], ["seat-x", "c2", "王五", "u1", "兼职委员"]],
}
"""An agreement between s1's community and s2's unit, an alliance over both streets, a seat on s2's committee held for s1's unit."""

Setup = tuple[TestClient, MemoryStore, dict[str, str]]


@pytest.fixture
def setup(tmp_path: Path) -> Iterator[Setup]:
    store = MemoryStore()
    for name, tables in (("town", TOWN), ("west", WEST), ("shared", SHARED)):
        assert import_file(store, write_xlsx(tmp_path / f"{name}.xlsx", tables)).ok, name
    ring = KeyRing(tmp_path / "keys.json")
    tokens = {
        "admin": ring.create(role=AccessRole.ADMIN, scope=None, name="区委组织部")[1],
        "editor": ring.create(role=AccessRole.EDITOR, scope="s1", name="东风街道 editor")[1],
        "district_editor": ring.create(role=AccessRole.EDITOR, scope="d", name="抚东区 editor")[1],
    }
    settings = Settings(auth=True, keys_file=tmp_path / "keys.json", max_upload_mb=5)
    with TestClient(create_app(settings, store_factory=lambda _: store)) as client:
        yield client, store, tokens


def _as(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def _dump(store: GraphStore) -> tuple[list[str], list[str]]:
    """The store's nodes and edges as text, to compare before and after a refused write."""
    return sorted(n.model_dump_json() for n in store.nodes()), sorted(e.model_dump_json() for e in store.edges())


def _upload(client: TestClient, tmp_path: Path, tables: Tables, token: str, **params: str) -> Any:
    body = write_xlsx(tmp_path / "upload.xlsx", tables).read_bytes()
    return client.post("/imports", params={"filename": "upload.xlsx", **params}, content=body, headers=_as(token))


def _problems(response: Any) -> set[tuple[str, int, str]]:
    assert response.status_code == 422, response.text
    return {(p["table"], p["row"], p["column"]) for p in response.json()["error"]["problems"]}


def test_the_shared_records_are_within_both_streets_and_held_whole_by_neither(setup: Setup) -> None:
    _, store, _ = setup
    for record in ("ag-x", "al-x", "seat-x"):
        assert within(store, record, "s1") and within(store, record, "s2"), record
        assert not held_whole(store, record, "s1") and not held_whole(store, record, "s2"), record
        assert held_whole(store, record, "d") and held_whole(store, record, None), record
    assert held_whole(store, "ag1", "s1") and not held_whole(store, "ag1", "s2")
    assert not held_whole(store, "no-such-node", "s1")  # a key without a scope holds everything, even what is not there yet


def test_a_ledger_of_territories_with_no_parent_in_the_street_is_refused(setup: Setup, tmp_path: Path) -> None:
    client, store, tokens = setup
    before = _dump(store)
    orphans: Tables = {
        "structure": [
            STRUCTURE,
            ["d-2", "district", "抚东区", None, None, "中共抚东区委员会", None, 10, None, None, None],
            ["s-2", "street", "东风街道", "d-2", None, "东风街道党工委", None, 10, None, None, None],
            ["c-2", "community", "和平社区", "s-2", None, None, None, None, None, None, None],
            ["a-2", "residential_area", "阳光苑", "c-2", None, None, None, None, None, None, None],
            ["g-2", "grid", "阳光苑网格", "a-2", None, None, None, None, 10, None, None],
        ],
        "household_heads": [["id", "name", "grid_id", "category"], ["h-2", "赵六", "g-2", "retired"]],
    }
    response = _upload(client, tmp_path, orphans, tokens["editor"])
    assert {("structure", row, "parent_id") for row in range(2, 7)} <= _problems(response)
    assert "不在本辖区内" in response.text and "s1（本次导入唯一可以修改的辖区）之外" in response.text
    assert _dump(store) == before

    # the same file under a street of the graph's: every row lands in s1, and it is written
    placed = {name: [list(r) for r in rows] for name, rows in orphans.items()}
    placed["structure"] = [placed["structure"][0], *[[*r[:3], "s1" if r[0] == "c-2" else r[3], *r[4:]] for r in placed["structure"][3:]]]
    assert _upload(client, tmp_path, placed, tokens["editor"]).status_code == 200
    assert within(store, "h-2", "s1") and not store.has_node("d-2")


def test_a_ledger_of_a_territory_under_another_street_in_the_file_is_refused(setup: Setup, tmp_path: Path) -> None:
    client, store, tokens = setup
    before = _dump(store)
    hidden: Tables = {
        "structure": [
            STRUCTURE,
            ["c-w", "community", "新社区", "s2", None, None, None, None, None, None, None],
            ["a-w", "residential_area", "新苑", "c-w", None, None, None, None, None, None, None],
        ]
    }
    assert _problems(_upload(client, tmp_path, hidden, tokens["editor"])) == {("structure", 2, "parent_id"), ("structure", 3, "parent_id")}
    assert _dump(store) == before


def test_an_alliance_with_no_member_is_refused_to_a_street_editor(setup: Setup, tmp_path: Path) -> None:
    client, store, tokens = setup
    before = _dump(store)
    lonely: Tables = {
        "alliances": [["alliance_id", "alliance_name", "kind", "member_id", "lead"], ["al-0", "无人联盟", "alliance", None, None]]
    }
    response = _upload(client, tmp_path, lonely, tokens["editor"])
    assert _problems(response) == {("alliances", 2, "member_id")}
    assert _dump(store) == before
    assert _upload(client, tmp_path, lonely, tokens["admin"]).status_code == 200  # a key without a scope may


def test_a_shared_agreement_is_neither_re_pointed_nor_deleted_by_a_street_editor(setup: Setup) -> None:
    client, store, tokens = setup
    key = _as(tokens["editor"])
    before = _dump(store)
    moved = client.put("/agreements/ag-x", json={"community_id": "c1", "unit_id": "u2", "signed_on": "2025-06-01"}, headers=key)
    assert _problems(moved) == {("agreements", 2, "id")}
    assert "共享记录" in moved.text
    renewed = client.put("/agreements/ag-x", json={"community_id": "c1", "unit_id": "u9", "signed_on": "2026-01-01"}, headers=key)
    assert _problems(renewed) == {("agreements", 2, "unit_id"), ("agreements", 2, "id")}  # the far end is s2's, and the change
    deleted = client.delete("/agreements/ag-x", headers=key)
    assert deleted.status_code == 422 and deleted.json()["error"]["violations"][0]["node_id"] == "ag-x"
    assert _dump(store) == before
    assert client.delete("/agreements/ag-x", headers=_as(tokens["district_editor"])).status_code == 200  # a key holding both streets


def test_a_shared_seat_is_neither_moved_nor_deleted_by_a_street_editor(setup: Setup) -> None:
    client, store, tokens = setup
    key = _as(tokens["editor"])
    before = _dump(store)
    moved = client.put("/seats/seat-x", json={"community_id": "c1", "unit_id": "u1", "person": "王五", "role": "兼职委员"}, headers=key)
    assert _problems(moved) == {("big_committee", 2, "id")}
    renamed = client.put("/seats/seat-x", json={"community_id": "c2", "unit_id": "u1", "person": "李雷", "role": "兼职委员"}, headers=key)
    assert renamed.status_code == 422  # the committee is s2's: refused as a reference, and as a change
    assert client.delete("/seats/seat-x", headers=key).status_code == 422
    assert _dump(store) == before
    assert client.delete("/seats/seat-x", headers=_as(tokens["admin"])).status_code == 200


def test_a_shared_alliance_is_not_renamed_or_joined_by_a_street_editor(setup: Setup, tmp_path: Path) -> None:
    client, store, tokens = setup
    before = _dump(store)
    header = SHARED["alliances"][0]
    renamed = _upload(client, tmp_path, {"alliances": [header, ["al-x", "被改名的联盟", "alliance", "c1", "是"]]}, tokens["editor"])
    assert _problems(renamed) == {("alliances", 2, "alliance_id")}
    joined = _upload(
        client,
        tmp_path,
        {"alliances": [header, ["al-x", "东西党建联盟", "alliance", "c1", "是"], ["al-x", None, None, "u1", "否"]]},
        tokens["editor"],
    )
    assert _problems(joined) == {("alliances", 3, "alliance_id")}
    led = _upload(client, tmp_path, {"alliances": [header, ["al-x", "东西党建联盟", "alliance", "c1", "否"]]}, tokens["editor"])
    assert _problems(led) == {("alliances", 2, "alliance_id")}
    assert _dump(store) == before


def test_a_street_editor_re_imports_its_own_export_shared_records_and_all(setup: Setup) -> None:
    client, store, tokens = setup
    key = _as(tokens["editor"])
    before = _dump(store)
    exported = client.get("/export", headers=key).content
    sheets = load_workbook(io.BytesIO(exported))
    assert any(row[0] == "al-x" for row in sheets["alliances"].iter_rows(values_only=True))  # the shared alliance is in it
    again = client.post("/imports", params={"filename": "s1.xlsx"}, content=exported, headers=key)
    assert again.status_code == 200, again.text
    replaced = client.post("/imports", params={"filename": "s1.xlsx", "replace": "s1"}, content=exported, headers=key)
    assert replaced.status_code == 200, replaced.text
    assert [n for n in _dump(store)[0] if '"ag-x"' in n or '"al-x"' in n or '"seat-x"' in n] == [
        n for n in before[0] if '"ag-x"' in n or '"al-x"' in n or '"seat-x"' in n
    ]


def test_replace_by_a_street_editor_leaves_the_records_it_shares(setup: Setup, tmp_path: Path) -> None:
    client, store, tokens = setup
    only_ag1: Tables = {"agreements": [TOWN["agreements"][0], TOWN["agreements"][1]]}
    response = _upload(client, tmp_path, only_ag1, tokens["editor"], replace="s1")
    assert response.status_code == 200, response.text
    assert not store.has_node("ag2") and store.has_node("ag-x")  # its own left-out agreement goes; the shared one stays


def test_a_refusal_says_the_same_for_a_missing_id_and_another_streets(setup: Setup) -> None:
    client, _, tokens = setup
    key = _as(tokens["editor"])
    answers = {}
    for unit in ("u9", "u-missing"):
        response = client.put("/agreements/ag-new", json={"community_id": "c1", "unit_id": unit, "signed_on": "2026-01-01"}, headers=key)
        assert response.status_code == 422
        answers[unit] = response.json()["error"]
    assert answers["u9"] == {
        **answers["u-missing"],
        "message": answers["u-missing"]["message"].replace("u-missing", "u9"),
        "problems": [p | {"value": "u9"} for p in answers["u-missing"]["problems"]],
    }
    alike = [client.get(f"/nodes/{node}", headers=key).json() for node in ("al-9", "ag9")]
    assert alike[0] == {"error": {**alike[1]["error"], "message": alike[1]["error"]["message"].replace("ag9", "al-9")}}


def test_replace_by_a_street_editor_does_not_take_its_members_out_of_a_shared_alliance(setup: Setup, tmp_path: Path) -> None:
    """Leaving an alliance changes it: under --replace, a shared alliance keeps the members the file leaves out (found in review)."""
    client, store, tokens = setup
    header = SHARED["alliances"][0]
    both = {"alliances": [header, ["al-x", "东西党建联盟", "alliance", "c1", "是"], ["al-x", None, None, "u1", "否"]]}
    assert _upload(client, tmp_path, both, tokens["admin"]).status_code == 200  # the district adds s1's unit too
    members = {e.source for e in store.edges_of("al-x", kind=EdgeKind.IN_ALLIANCE, direction=Direction.IN)}
    assert {"o-c1", "o-c2"} < members and len(members) == 3  # c1's and c2's organisations, and s1's unit
    only_u1 = {"alliances": [header, ["al-x", "东西党建联盟", "alliance", "u1", "否"]]}
    response = _upload(client, tmp_path, only_u1, tokens["editor"], replace="s1")
    assert response.status_code == 200, response.text
    assert {e.source for e in store.edges_of("al-x", kind=EdgeKind.IN_ALLIANCE, direction=Direction.IN)} == members


def test_a_street_editor_re_importing_its_export_keeps_a_seat_held_by_another_streets_member(setup: Setup) -> None:
    """The export withholds that member and the person's name; importing it again must not empty the seat (found in review)."""
    client, store, tokens = setup
    seat = {"community_id": "c1", "unit_id": "u1", "person": "周九", "role": "兼职委员", "member_id": "h9"}  # h9 serves s2
    assert client.put("/seats/seat-y", json=seat, headers=_as(tokens["admin"])).status_code == 200
    key = _as(tokens["editor"])
    exported = client.get("/export", headers=key).content
    rows = list(load_workbook(io.BytesIO(exported))["big_committee"].iter_rows(values_only=True))
    assert not any("周九" in str(cell) or cell == "h9" for row in rows for cell in row)  # withheld from s1's editor
    again = client.post("/imports", params={"filename": "s1.xlsx"}, content=exported, headers=key)
    assert again.status_code == 200, again.text
    assert store.node("seat-y").person == "周九"  # type: ignore[union-attr]
    assert [e.target for e in store.edges_of("seat-y", kind=EdgeKind.HELD_BY)] == ["h9"]
