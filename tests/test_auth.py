"""Access: keys, roles and scopes fail closed in every route; personal data masked for viewers; every write audited."""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from openpyxl import load_workbook

from api.app import create_app
from graph.memory import MemoryStore
from graph.model import Batch, InAlliance
from graph.settings import Settings
from loaders.importer import import_file
from service.keys import KeyRing
from service.principal import AccessRole
from tests.utils.ledgers import STRUCTURE, TOWN, copy, write_xlsx
from tests.utils.network import PROV

WEST = {
    "structure": [
        STRUCTURE,
        ["s2", "street", "西湖街道", "d", None, "西湖街道党工委", None, 40, None, None, None],
        ["c2", "community", "平安社区", "s2", None, "平安社区党委", None, 110, None, 3, None],
        ["a9", "residential_area", "平安苑", "c2", None, None, None, None, None, None, None],
        ["g9", "grid", "平安苑第1网格", "a9", None, None, None, None, 80, None, None],
    ],
    "household_heads": [["id", "name", "grid_id", "category", "households", "phone"], ["h9", "周九", "g9", "resident", 8, "13900009999"]],
    "units": [
        ["id", "name", "type", "community_id", "party_org_id", "party_org_name", "party_org_members"],
        ["u9", "西湖中学", "school", "c2", None, "西湖中学党支部", 40],
    ],
    "agreements": [["id", "community_id", "unit_id", "signed_on"], ["ag9", "c2", "u9", "2025-03-01"]],
}


@pytest.fixture
def setup(tmp_path: Path) -> Iterator[tuple[TestClient, MemoryStore, dict[str, str]]]:
    store = MemoryStore()
    assert import_file(store, write_xlsx(tmp_path / "town.xlsx", TOWN)).ok
    assert import_file(store, write_xlsx(tmp_path / "west.xlsx", WEST)).ok
    ring = KeyRing(tmp_path / "keys.json")
    tokens = {
        "admin": ring.create(role=AccessRole.ADMIN, scope=None, name="区委组织部")[1],
        "viewer": ring.create(role=AccessRole.VIEWER, scope="s1", name="东湖街道 viewer")[1],
        "editor": ring.create(role=AccessRole.EDITOR, scope="s1", name="东湖街道 editor")[1],
        "viewer_all": ring.create(role=AccessRole.VIEWER, scope=None)[1],
    }
    settings = Settings(auth=True, keys_file=tmp_path / "keys.json", max_upload_mb=5)
    with TestClient(create_app(settings, store_factory=lambda _: store)) as client:
        yield client, store, tokens


def _as(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def test_without_a_valid_key_every_route_answers_401(setup: tuple[TestClient, MemoryStore, dict[str, str]]) -> None:
    client, store, tokens = setup
    before = store.count()
    routes = [(path, method) for path, methods in client.app.openapi()["paths"].items() for method in methods]  # type: ignore[attr-defined]
    assert len(routes) > 25
    for path, method in routes:
        url = path.replace("{", "").replace("}", "")  # any id: the key is checked first
        for headers in ({}, _as("gg_nope_nope"), _as(tokens["admin"][:-2] + "xx")):
            response = client.request(method.upper(), url, headers=headers, params={"scope": "s1", "q": "x", "filename": "a.xlsx"})
            if path == "/health":
                assert response.status_code == 200
                continue
            assert response.status_code == 401, (method, path, response.status_code)
            assert response.json()["error"]["code"] == "unauthenticated"
            assert response.headers["www-authenticate"] == "Bearer"
    assert store.count() == before


def test_roles_viewers_read_editors_write_admins_manage(setup: tuple[TestClient, MemoryStore, dict[str, str]]) -> None:
    client, store, tokens = setup
    agreement = {"community_id": "c1", "unit_id": "u1", "signed_on": "2026-01-01"}
    assert client.get("/scopes/s1/coverage", headers=_as(tokens["viewer"])).status_code == 200
    refused = client.put("/agreements/ag-v", json=agreement, headers=_as(tokens["viewer"]))
    assert refused.status_code == 403 and refused.json()["error"]["code"] == "forbidden" and "编辑者" in refused.json()["error"]["message"]
    assert client.delete("/agreements/ag1", headers=_as(tokens["viewer"])).status_code == 403
    assert client.post("/imports", params={"filename": "t.xlsx"}, content=b"x", headers=_as(tokens["viewer"])).status_code == 403
    assert not store.has_node("ag-v") and store.has_node("ag1")

    assert client.put("/agreements/ag-e", json=agreement, headers=_as(tokens["editor"])).status_code == 200
    for path in ("/keys", "/audit", "/imports"):
        assert client.get(path, headers=_as(tokens["editor"])).status_code == 403, path
        assert client.get(path, headers=_as(tokens["admin"])).status_code == 200, path

    made = client.post("/keys", json={"role": "viewer", "scope": "c1", "name": "和平社区"}, headers=_as(tokens["admin"]))
    assert made.status_code == 201
    new = made.json()["key"]
    assert client.get("/scopes/c1/coverage", headers=_as(new)).status_code == 200
    assert client.get("/scopes/s1/coverage", headers=_as(new)).status_code == 404  # its street is above its scope
    assert client.delete(f"/keys/{made.json()['id']}", headers=_as(tokens["admin"])).status_code == 204
    assert client.get("/scopes/c1/coverage", headers=_as(new)).status_code == 401  # revoked: at once


def test_a_street_key_gets_404_for_another_street_in_every_endpoint(setup: tuple[TestClient, MemoryStore, dict[str, str]]) -> None:
    client, store, tokens = setup
    key = _as(tokens["editor"])
    for url in (
        "/nodes/g9",
        "/nodes/h9",
        "/nodes/ag9/edges",
        "/scopes/s2/coverage",
        "/scopes/c2/gaps",
        "/scopes/s2/gaps/count",
        "/communities/c2/big-committee",
        "/streets/s2/big-committee",
        "/units/u9/committees",
        "/nodes/g9/chain",
        "/agreements?scope=s2",
        "/map?scope=s2",
        "/dashboard?scope=c2",
        "/export?scope=s2",
        "/nodes/d",
    ):
        response = client.get(url, headers=key)
        assert response.status_code == 404, (url, response.status_code)
        assert "西湖" not in response.text and "平安" not in response.text  # nothing of the other street
    assert client.get("/stats", headers=key).status_code == 403
    assert client.delete("/agreements/ag9", headers=key).status_code == 404 and store.has_node("ag9")

    members = client.get("/nodes/al1/edges", params={"direction": "in"}, headers=key).json()  # an alliance spanning streets
    assert {e["source"] for e in members["items"]} == {"o-s1", "o-c1", "u1"}
    store.write(Batch(edges=[InAlliance(source="o-s2", target="al1", provenance=PROV)]))
    members = client.get("/nodes/al1/edges", params={"direction": "in"}, headers=key).json()
    # The written policy: the far end of a relation that crosses the street is a bare reference, and nothing behind it.
    assert {e["source"] for e in members["items"]} == {"o-s1", "o-c1", "u1", "o-s2"} and members["total"] == 4
    assert client.get("/nodes/o-s2", headers=key).status_code == 404

    hits = client.get("/search", params={"q": "社区"}, headers=key).json()
    assert sorted(h["node"]["id"] for h in hits["items"]) == ["c1", "o-c1"] and hits["total"] == 2  # not c2, o-c2

    exported = client.get("/export", headers=key)  # the key's scope by default, nothing above it
    rows = list(load_workbook(io.BytesIO(exported.content))["structure"].iter_rows(values_only=True))
    assert [r[0] for r in rows[2:]] == ["s1", "c1", "a1", "g1", "g2"]


def test_a_street_editor_cannot_write_outside_its_street(setup: tuple[TestClient, MemoryStore, dict[str, str]], tmp_path: Path) -> None:
    client, store, tokens = setup
    key = _as(tokens["editor"])
    outside = client.put("/agreements/ag-x", json={"community_id": "c2", "unit_id": "u9", "signed_on": "2026-01-01"}, headers=key)
    assert outside.status_code == 422
    assert {p["column"] for p in outside.json()["error"]["problems"]} == {"community_id", "unit_id"}
    assert client.put("/household-heads/h9", json={"name": "x", "grid_id": "g1", "category": "retired"}, headers=key).status_code == 404
    assert not store.has_node("ag-x") and store.node("h9").name == "周九"  # type: ignore[union-attr]

    west = copy(WEST)
    west["household_heads"][1][4] = 12
    body = write_xlsx(tmp_path / "west-edited.xlsx", {"household_heads": west["household_heads"]}).read_bytes()
    upload = client.post("/imports", params={"filename": "west.xlsx"}, content=body, headers=key)
    assert upload.status_code == 422 and store.node("h9").households == 8  # type: ignore[union-attr]

    own = client.get("/export", headers=key).content  # its own street, exported and imported again: allowed
    again = client.post("/imports", params={"filename": "s1.xlsx"}, content=own, headers=key)
    assert again.status_code == 200, again.text
    assert not again.json()["record"]["summary"]["created"]


def test_phones_are_masked_for_viewers_in_the_api_and_exports(setup: tuple[TestClient, MemoryStore, dict[str, str]]) -> None:
    client, _, tokens = setup
    assert client.get("/nodes/h1", headers=_as(tokens["viewer"])).json()["node"]["phone"] == "138****5678"
    assert client.get("/nodes/h1", headers=_as(tokens["editor"])).json()["node"]["phone"] == "13812345678"
    exported = client.get("/export", params={"format": "json"}, headers=_as(tokens["viewer_all"])).json()
    phones = [d["value"] for p in exported["persons"] for d in p.get("contact_details", [])]
    assert phones and all("****" in phone for phone in phones)


def test_every_write_is_in_the_audit_log_with_who_and_where(setup: tuple[TestClient, MemoryStore, dict[str, str]]) -> None:
    client, _, tokens = setup
    client.put("/agreements/ag-e", json={"community_id": "c1", "unit_id": "u1", "signed_on": "2026-01-01"}, headers=_as(tokens["editor"]))
    client.delete("/agreements/ag-e", headers=_as(tokens["editor"]))
    admin = _as(tokens["admin"])
    street = client.get("/audit", params={"scope": "s1"}, headers=admin).json()
    assert [(r["file"], r["actor"]) for r in street[:2]] == [
        ("DELETE /agreements/ag-e", "key " + tokens["editor"].split("_")[1] + " (东湖街道 editor)"),
        ("PUT /agreements/ag-e", "key " + tokens["editor"].split("_")[1] + " (东湖街道 editor)"),
    ]
    assert client.get("/audit", params={"scope": "s2"}, headers=admin).json() == []
    assert client.get("/audit", params={"until": "2000-01-01"}, headers=admin).json() == []
    assert len(client.get("/audit", headers=admin).json()) == 4  # two file imports, two writes


def test_a_browser_signs_in_once_and_the_pages_open(setup: tuple[TestClient, MemoryStore, dict[str, str]]) -> None:
    client, _, tokens = setup
    form = client.get("/login")
    assert form.status_code == 200 and 'method="post"' in form.text and 'type="password"' in form.text and "登录" in form.text
    refused = client.post("/login", data={"key": "gg_bad_key"})
    assert refused.status_code == 401 and "密钥无效" in refused.text
    assert client.get("/login", params={"key": tokens["viewer"]}).status_code == 200  # a key in the URL signs nobody in
    assert "set-cookie" not in client.get("/login", params={"key": tokens["viewer"]}).headers
    signed = client.post("/login", data={"key": tokens["viewer"]}, follow_redirects=False)
    assert signed.status_code == 303 and signed.headers["location"] == "/dashboard?scope=s1"
    cookie = signed.headers["set-cookie"].lower()
    assert "httponly" in cookie and "samesite=strict" in cookie
    assert client.get("/map", params={"scope": "s1"}).status_code == 200  # the cookie, no header
    assert client.get("/map", params={"scope": "s2"}).status_code == 404
    out = client.post("/logout", follow_redirects=False)
    assert out.status_code == 303 and out.headers["location"] == "/login"
    assert client.get("/map", params={"scope": "s1"}).status_code == 401  # signed out: the cookie is gone


def test_a_street_editor_cannot_reach_another_street_through_an_import(
    setup: tuple[TestClient, MemoryStore, dict[str, str]], tmp_path: Path
) -> None:
    """Found in review: --replace of another scope, a unit's organisation id, an alliance id, moving the street itself."""
    client, store, tokens = setup
    key = _as(tokens["editor"])
    before = store.count()
    one_grid = write_xlsx(tmp_path / "g.xlsx", {"structure": [TOWN["structure"][0], TOWN["structure"][5]]}).read_bytes()
    for scope in ("s2", "d"):
        response = client.post("/imports", params={"filename": "g.xlsx", "replace": scope}, content=one_grid, headers=key)
        assert response.status_code == 404, (scope, response.text)
    assert (
        client.post("/imports", params={"filename": "g.xlsx", "replace": "h1"}, content=one_grid, headers=_as(tokens["admin"])).status_code
        == 422
    )

    units = [TOWN["units"][0], ["u-new", "x", "school", "c1", "o-u9", "HACKED", 1]]
    took = client.post(
        "/imports", params={"filename": "u.xlsx"}, content=write_xlsx(tmp_path / "u.xlsx", {"units": units}).read_bytes(), headers=key
    )
    assert took.status_code == 422 and took.json()["error"]["problems"][0]["column"] == "party_org_id"

    client.put("/seats/seat-w", json={"community_id": "c2", "unit_id": "u9", "person": "x"}, headers=_as(tokens["admin"]))
    alliances = [TOWN["alliances"][0], ["al9", "x", "alliance", "c2", "否"]]
    assert import_file(store, write_xlsx(tmp_path / "al9.xlsx", {"alliances": alliances})).ok
    joined = [TOWN["alliances"][0], ["al9", "HACKED", "alliance", "c1", "是"]]
    body = write_xlsx(tmp_path / "j.xlsx", {"alliances": joined}).read_bytes()
    assert client.post("/imports", params={"filename": "j.xlsx"}, content=body, headers=key).status_code == 422
    assert store.node("al9").name == "x"  # type: ignore[union-attr]

    moved = [TOWN["structure"][0], ["s1", "street", "东风街道", "elsewhere", None, "东风街道党工委", None, 60, None, None, None]]
    body = write_xlsx(tmp_path / "m.xlsx", {"structure": moved}).read_bytes()
    assert client.post("/imports", params={"filename": "m.xlsx"}, content=body, headers=key).status_code == 422
    assert store.count() == before + 2  # only the admin's seat and alliance


def test_admin_keys_span_the_whole_graph_and_viewers_see_no_personal_extra_columns(
    setup: tuple[TestClient, MemoryStore, dict[str, str]], tmp_path: Path
) -> None:
    client, store, tokens = setup
    admin = _as(tokens["admin"])
    assert client.post("/keys", json={"role": "admin", "scope": "s1"}, headers=admin).status_code == 422
    with pytest.raises(ValueError, match="管理员密钥不限辖区"):
        KeyRing(tmp_path / "k.json").create(role=AccessRole.ADMIN, scope="s1")

    heads = copy(TOWN)["household_heads"]
    heads[0].append("id_card 身份证号")
    heads[1].append("110101199001011234")
    assert import_file(store, write_xlsx(tmp_path / "ids.xlsx", {"household_heads": heads})).ok
    seen = client.get("/nodes/h1", headers=_as(tokens["viewer"])).json()["node"]
    assert seen["properties"] == {} and seen["phone"] == "138****5678"
    assert client.get("/nodes/h1", headers=_as(tokens["editor"])).json()["node"]["properties"] == {"id_card 身份证号": "110101199001011234"}
    exported = client.get("/export", params={"format": "graphml"}, headers=_as(tokens["viewer_all"])).text
    assert "110101199001011234" not in exported and "13812345678" not in exported


def test_a_scoped_export_holds_no_one_from_another_street(setup: tuple[TestClient, MemoryStore, dict[str, str]]) -> None:
    client, _, tokens = setup
    seat = {"community_id": "c1", "unit_id": "u1", "person": "周九", "member_id": "h9"}  # a man of the other street holds a seat here
    assert client.put("/seats/seat-x", json=seat, headers=_as(tokens["admin"])).status_code == 200
    for fmt in ("json", "graphml"):  # text formats, where a number or an id could be read
        exported = client.get("/export", params={"format": fmt}, headers=_as(tokens["editor"])).content
        assert b"13900009999" not in exported and b'"h9"' not in exported, fmt


def test_the_audit_finds_a_deletion_under_the_territory_where_it_lay(setup: tuple[TestClient, MemoryStore, dict[str, str]]) -> None:
    client, _, tokens = setup
    admin = _as(tokens["admin"])
    assert client.delete("/agreements/ag9", headers=admin).status_code == 200
    found = client.get("/audit", params={"scope": "s2"}, headers=admin).json()
    assert [r["file"] for r in found] == ["DELETE /agreements/ag9"] and found[0]["territories"] == ["c2"]
    assert client.get("/audit", params={"scope": "s1"}, headers=admin).json() == []


@pytest.mark.parametrize(
    ("phone", "masked"), [("13812345678", "138****5678"), ("12345", "***45"), ("123456", "***456"), ("0755-1234", "*****1234")]
)
def test_a_phone_is_masked_to_at_most_half_and_four_digits(phone: str, masked: str) -> None:
    from service.policy import mask_phone

    assert mask_phone(phone) == masked
