"""Every route in the OpenAPI document, called with a street's keys: nothing of another street leaks, no write lands outside.

The routes come from the app's own OpenAPI document, so a route added later is covered without
anyone remembering to add it; an id parameter or body field this test has no ids for fails it,
naming what to add. The policy checked is the README's (service/policy.py states it): the far
end of a relation that crosses the street is a bare reference to a unit, an alliance, a
district's, street's, community's or unit's organisation, or a system organisation (系统党组织,
the superior a unit's organisation reports to in its own line); never another street's people,
phones, territories, branches, groups, seats or agreements.
"""

from __future__ import annotations

import io
import json
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from typing import Any

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from graph.access import within
from graph.generator import NetworkSpec, generate
from graph.memory import MemoryStore
from graph.model import (
    Agreement,
    Alliance,
    AllianceKind,
    Batch,
    EdgeKind,
    HeldBy,
    InAlliance,
    Level,
    Member,
    NodeKind,
    OnBehalfOf,
    Organisation,
    Seat,
    SeatOn,
    SignedBy,
    Territory,
    Unit,
)
from graph.settings import Settings
from graph.store import Direction, GraphStore
from service.keys import KeyRing
from service.principal import AccessRole
from tests.utils.network import PROV

pytestmark = pytest.mark.slow  # some 700 requests over a generated district of two streets: about a minute

MINE, OTHER = "s01", "s02"
WITHHELD_PERSON = "跨街道兼职委员"
"""The person recorded on a seat of MINE's committee whose holder is OTHER's member: another street's person, by name."""
REFERABLE_LEVELS = {Level.DISTRICT, Level.STREET, Level.COMMUNITY, Level.UNIT, Level.SYSTEM}
"""The written policy's bare references: organisations of these levels, units and alliances (kept apart from the code on purpose)."""
FORMATS = ("xlsx", "zip", "graphml", "gexf", "json")
_TOKEN = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]*")


@dataclass
class District:
    store: MemoryStore
    tokens: dict[str, str]
    ids: dict[str, list[tuple[str, str]]]  # a parameter or body field: pairs of (an id inside MINE, an id inside OTHER)
    forbidden: set[str]
    phones: set[str]
    client: TestClient


def _first(store: GraphStore, kind: NodeKind, street: str, test: Any = lambda n: True) -> str:
    return next(n.id for n in sorted(store.nodes(kind), key=lambda n: n.id) if test(n) and within(store, n.id, street))


def far_unit(store: GraphStore) -> str:
    """The unit of OTHER that the cross-street relations bind to MINE: one with its own organisation."""
    return _first(store, NodeKind.UNIT, OTHER, lambda u: store.has_node(f"o-{u.id}"))


def _cross_street_relations(store: GraphStore) -> None:
    """An agreement, an alliance and a seat that each bind MINE to OTHER, as the seeds' networks do."""
    community = f"o-{MINE}c01"
    far_unit_id = far_unit(store)
    far_org = f"o-{far_unit_id}"
    far_head = _first(store, NodeKind.MEMBER, OTHER, lambda m: isinstance(m, Member) and m.is_household_head)
    near_unit = next(e.source for e in store.edges_of(f"{MINE}c01", kind=EdgeKind.LOCATED_IN, direction=Direction.IN))
    store.write(
        Batch(
            nodes=[
                Agreement(id="ag-cross", signed_on=date(2025, 1, 1), provenance=PROV),
                Alliance(id="al-cross", name="跨街道党建联盟", alliance_kind=AllianceKind.ALLIANCE, provenance=PROV),
                Seat(id="seat-cross", person=WITHHELD_PERSON, role="兼职委员", provenance=PROV),
                Seat(id="seat-held-far", person=WITHHELD_PERSON, role="兼职委员", provenance=PROV),  # the street's unit, another's member
            ],
            edges=[
                SignedBy(source="ag-cross", target=community, provenance=PROV),
                SignedBy(source="ag-cross", target=far_org, provenance=PROV),
                InAlliance(source=community, target="al-cross", lead=True, provenance=PROV),
                InAlliance(source=f"o-{OTHER}c01", target="al-cross", provenance=PROV),
                InAlliance(source=far_org, target="al-cross", provenance=PROV),
                SeatOn(source="seat-cross", target=community, provenance=PROV),
                OnBehalfOf(source="seat-cross", target=far_unit_id, provenance=PROV),
                HeldBy(source="seat-cross", target=far_head, provenance=PROV),
                SeatOn(source="seat-held-far", target=community, provenance=PROV),
                OnBehalfOf(source="seat-held-far", target=near_unit, provenance=PROV),
                HeldBy(source="seat-held-far", target=far_head, provenance=PROV),
            ],
        )
    )


def _forbidden(store: GraphStore) -> tuple[set[str], set[str]]:
    """The ids and phones of OTHER that no answer to a key held to MINE may carry, by the written policy."""
    ids: set[str] = set()
    phones: set[str] = set()
    for node in store.nodes():
        if within(store, node.id, MINE) or node.id in ("d", "o-d"):  # its own, and the context above it
            continue
        if isinstance(node, Unit | Alliance) or (isinstance(node, Organisation) and node.level in REFERABLE_LEVELS):
            continue  # a bare reference the policy allows
        ids.add(node.id)
        if isinstance(node, Member) and node.phone:
            phones.add(node.phone)
    return ids, phones


@pytest.fixture(scope="module")
def district(tmp_path_factory: pytest.TempPathFactory) -> Iterator[District]:
    folder = tmp_path_factory.mktemp("scope")
    store = MemoryStore()
    for batch in generate(NetworkSpec(households=60_000, seed=3)):
        store.write(batch)
    assert {t.id for t in store.nodes(NodeKind.TERRITORY) if isinstance(t, Territory) and t.level is Level.STREET} == {MINE, OTHER}
    _cross_street_relations(store)
    ring = KeyRing(folder / "keys.json")
    tokens = {
        "viewer": ring.create(role=AccessRole.VIEWER, scope=MINE, name="viewer")[1],
        "editor": ring.create(role=AccessRole.EDITOR, scope=MINE, name="editor")[1],
    }
    key_ids = {k.name: k.id for k in ring.listed()}

    def pair(kind: NodeKind, test: Any = lambda n: True) -> tuple[str, str]:
        return _first(store, kind, MINE, test), _first(store, kind, OTHER, test)

    head = pair(NodeKind.MEMBER, lambda m: isinstance(m, Member) and m.is_household_head)
    community = (f"{MINE}c01", f"{OTHER}c01")
    grid = pair(NodeKind.TERRITORY, lambda t: t.level is Level.GRID)
    node_ids = [  # a node of every kind, and the nodes the cross-street relations hang off
        grid,
        community,
        (f"o-{MINE}c01", f"o-{OTHER}c01"),
        pair(NodeKind.UNIT),
        head,
        pair(NodeKind.SEAT, lambda s: s.id != "seat-cross"),
        ("seat-cross", pair(NodeKind.AGREEMENT, lambda a: a.id != "ag-cross")[1]),
        ("ag-cross", f"o-{OTHER}c01a01"),
        ("al-cross", f"{OTHER}c01a01"),
    ]
    ids = {
        "node_id": node_ids,
        "scope_id": [community, (MINE, OTHER), grid],
        "scope": [community],
        "replace": [community],
        "community_id": [community],
        "street_id": [(MINE, OTHER)],
        "unit_id": [pair(NodeKind.UNIT), (far_unit(store), pair(NodeKind.UNIT)[1])],
        "agreement_id": [pair(NodeKind.AGREEMENT, lambda a: a.id != "ag-cross")],
        "member_id": [head],
        "seat_id": [pair(NodeKind.SEAT, lambda s: s.id != "seat-cross")],
        "grid_id": [grid],
        "key_id": [(key_ids["viewer"], key_ids["editor"])],
    }
    forbidden, phones = _forbidden(store)
    assert {"seat-cross", "ag-cross"} <= {n.id for n in store.nodes()} and head[1] in forbidden and phones
    assert all(inside not in forbidden for pairs in ids.values() for inside, _ in pairs if pairs is not ids["key_id"])
    settings = Settings(auth=True, keys_file=folder / "keys.json", max_upload_mb=5)
    with TestClient(create_app(settings, store_factory=lambda _: store)) as client:
        yield District(store, tokens, ids, forbidden, phones, client)


def _texts(response: Any) -> Iterator[str]:
    """Everything a response carries as text: the body, or each member of a zip or workbook."""
    body: bytes = response.content
    if body[:2] == b"PK":
        with zipfile.ZipFile(io.BytesIO(body)) as archive:
            for name in archive.namelist():
                yield archive.read(name).decode("utf-8", errors="replace")
    else:
        yield body.decode("utf-8", errors="replace")


def _leaks(district: District, response: Any, asked: str) -> list[str]:
    """What of another street a response carries, beyond the ids the request itself named (a 404 echoes those)."""
    named = set(_TOKEN.findall(asked))
    found: list[str] = []
    for text in _texts(response):
        found += sorted({t for t in _TOKEN.findall(text) if t in district.forbidden and t not in named})
        found += sorted(p for p in district.phones if p in text)
        found += [WITHHELD_PERSON] if WITHHELD_PERSON in text else []
    return found


def _dump(store: GraphStore) -> tuple[list[str], list[str]]:
    return sorted(n.model_dump_json() for n in store.nodes()), sorted(e.model_dump_json() for e in store.edges())


def _body(operation: dict[str, Any], schemas: dict[str, Any], ids: dict[str, str], *, where: int) -> tuple[dict[str, Any], Any]:
    """The request body an operation takes, with every id field taken from ``ids`` (inside or outside the street)."""
    content = operation.get("requestBody", {}).get("content", {})
    if "application/octet-stream" in content:  # a ledger: one household head placed in a grid of ``where``'s street
        grid, member = ids["grid_id"], ids["member_id"]
        csv = f"id,name,grid_id,category,households\n{member},测试联户长,{grid},retired,9\nh-new-{where},新联户长,{grid},retired,9\n"
        return {"content": csv.encode("utf-8"), "headers": {"content-type": "application/octet-stream"}}, "household_heads.csv"
    if "application/json" not in content:
        return {}, None
    ref = content["application/json"]["schema"]["$ref"].rsplit("/", 1)[-1]
    schema = schemas[ref]
    body: dict[str, Any] = {}
    for name, spec in schema.get("properties", {}).items():
        if name.endswith("_id") or name == "scope":
            assert name in ids, f"{ref}.{name} is an id this test has none for: add it to the ids of the district fixture"
            body[name] = ids[name]
        elif name in schema.get("required", []):
            body[name] = _example(spec, schemas)
    return {"json": body}, None


def _example(spec: dict[str, Any], schemas: dict[str, Any]) -> Any:
    if "$ref" in spec:
        spec = schemas[spec["$ref"].rsplit("/", 1)[-1]]
    if "enum" in spec:
        return spec["enum"][0]
    if spec.get("format") == "date":
        return "2025-06-01"
    return {"string": "测试", "integer": 1, "number": 1, "boolean": False, "array": []}.get(spec.get("type", "string"), "测试")


def _calls(district: District) -> Iterator[tuple[str, str, str, dict[str, Any], bool]]:
    """(method, label, url, request arguments, whether it names something outside) for every operation, both ways."""
    document = district.client.app.openapi()  # type: ignore[attr-defined]
    schemas = document.get("components", {}).get("schemas", {})
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            params = operation.get("parameters", [])
            names = [p["name"] for p in params if p["in"] == "path" and p["name"] in district.ids]
            choices = max((len(district.ids[n]) for n in names), default=1)
            for where, choice in [(w, c) for c in range(choices) for w in (0, 1)]:
                ids = {name: pairs[min(choice, len(pairs) - 1)][where] for name, pairs in district.ids.items()}
                url = path
                query: dict[str, Any] = {}
                names_id = where == 1 and any(p["in"] == "path" or p["name"] in ("scope", "replace") for p in params)
                for p in params:
                    name = p["name"]
                    if p["in"] == "path":
                        assert name in ids, f"{method.upper()} {path}: no ids for path parameter {name!r}; add it to the district fixture"
                        url = url.replace("{" + name + "}", ids[name])
                    elif name == "scope" or (name == "replace" and where == 1):  # a community keeps exports and maps small
                        query[name] = ids[name]
                    elif name == "filename":
                        continue  # the body's own (below)
                    elif name == "q":
                        query[name] = "社区"
                    elif p.get("required"):
                        raise AssertionError(f"{method.upper()} {path}: no value for required query parameter {name!r}; add one here")
                arguments, filename = _body(operation, schemas, ids, where=where)
                names_id = names_id or (where == 1 and bool(arguments))
                if filename:
                    query["filename"] = filename
                formats = FORMATS if any(p["name"] == "format" for p in params) else (None,)
                for fmt in formats:
                    q = query | ({"format": fmt} if fmt else {})
                    yield (
                        method.upper(),
                        f"{method.upper()} {path} {q} ({'outside' if where else 'inside'})",
                        url,
                        {"params": q, **arguments},
                        names_id,
                    )


@pytest.mark.parametrize("role", ["viewer", "editor"])
def test_no_route_shows_another_street_or_writes_outside_it(district: District, role: str) -> None:
    headers = {"Authorization": f"Bearer {district.tokens[role]}"}
    calls = list(_calls(district))
    assert len(calls) > 60
    leaks: list[str] = []
    for method, label, url, arguments, outside in calls:
        before = _dump(district.store) if outside and method != "GET" else None
        sent = dict(arguments)
        response = district.client.request(method, url, headers=headers | sent.pop("headers", {}), **sent)
        assert response.status_code < 500, (label, response.status_code, response.text[:300])
        if found := _leaks(district, response, f"{url} {arguments}"):
            leaks.append(f"{label}: {found[:5]}")
        if outside:
            assert response.status_code in (403, 404, 422), (label, url, response.status_code, response.text[:300])
        if before is not None:
            assert _dump(district.store) == before, f"{label} wrote outside the street"
    assert not leaks, "another street's people, territories or agreements in answers:\n" + "\n".join(leaks)


def test_the_district_holds_what_the_policy_is_about(district: District) -> None:
    """The cross-street relations are there, so the test above has something to hold back."""
    partners = district.client.get(f"/nodes/{MINE}c01/partners", headers={"Authorization": f"Bearer {district.tokens['viewer']}"})
    names = json.dumps(partners.json(), ensure_ascii=False)
    assert "ag-cross" in names  # the agreement is the street's own: it is shown ...
    committee = district.client.get(
        f"/communities/{MINE}c01/big-committee", headers={"Authorization": f"Bearer {district.tokens['viewer']}"}
    )
    seats = {s["seat"]["id"]: s for s in committee.json()["seats"]["items"]}
    assert seats["seat-cross"]["holder"] is None and seats["seat-cross"]["unit"] is not None  # ... its far end bare, no person behind it
    assert seats["seat-cross"]["unit_community"] is None
