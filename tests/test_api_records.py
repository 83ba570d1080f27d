"""Writes over HTTP for the records staff keep current: the same checks as a ledger, logged like an import."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from graph.memory import MemoryStore
from graph.model import EdgeKind
from graph.settings import Settings
from tests.utils.apps import client_over, town_store


@pytest.fixture
def store(tmp_path: Path) -> MemoryStore:
    return town_store(tmp_path)


@pytest.fixture
def client(store: MemoryStore) -> Iterator[TestClient]:
    with client_over(store, Settings()) as client:
        yield client


def _parties(store: MemoryStore, agreement: str) -> set[str]:
    return {e.target for e in store.edges_of(agreement, kind=EdgeKind.SIGNED_BY)}


def test_an_agreement_is_created_re_pointed_and_deleted(client: TestClient, store: MemoryStore) -> None:
    body = {"community_id": "c1", "unit_id": "u1", "signed_on": "2025-06-01", "expires_on": "2027-05-31", "needs": ["助老", "托育"]}
    created = client.put("/agreements/ag9", json=body)
    assert created.status_code == 200, created.text
    assert created.json()["node"]["needs"] == ["助老", "托育"]
    assert created.json()["record"]["summary"]["created"]["agreement"] == 1
    assert _parties(store, "ag9") == {"o-c1", "o-u1"}

    moved = client.put("/agreements/ag9", json=body | {"unit_id": "u2"})
    assert moved.status_code == 200
    assert _parties(store, "ag9") == {"o-c1", "u2"}, "the old unit no longer signs it"

    assert client.delete("/agreements/ag9").status_code == 200
    assert client.get("/nodes/ag9").status_code == 404
    assert client.delete("/agreements/ag9").status_code == 404
    assert [r["file"] for r in client.get("/imports").json()[:3]] == [
        "DELETE /agreements/ag9",
        "PUT /agreements/ag9",
        "PUT /agreements/ag9",
    ]


def test_a_write_is_refused_with_the_cell_at_fault_and_changes_nothing(client: TestClient, store: MemoryStore) -> None:
    before = store.count()
    refused = client.put("/agreements/ag9", json={"community_id": "c1", "unit_id": "u404", "signed_on": "2025-06-01"})
    assert refused.status_code == 422
    problems = refused.json()["error"]["problems"]
    assert [(p["column"], p["value"]) for p in problems] == [("unit_id", "u404")]
    assert store.count() == before

    wrong_level = client.put("/household-heads/h9", json={"name": "钱七", "grid_id": "a1", "category": "retired"})
    assert wrong_level.status_code == 422 and "是小区" in wrong_level.json()["error"]["problems"][0]["reason"]
    assert client.delete("/seats/h1").status_code == 422  # h1 is a member, not a seat


def test_a_household_head_moves_grid_and_leaves_the_old_group(client: TestClient, store: MemoryStore) -> None:
    moved = client.put("/household-heads/h1", json={"name": "张三", "grid_id": "g2", "category": "retired", "households": 10})
    assert moved.status_code == 200, moved.text
    assert {e.kind: e.target for e in store.edges_of("h1")} == {EdgeKind.SERVES: "g2"}  # g2 has no group to join
    back = client.put("/household-heads/h1", json={"name": "张三", "grid_id": "g1", "category": "retired", "roles": ["grid_leader"]})
    assert back.status_code == 200
    assert {e.kind: e.target for e in store.edges_of("h1")} == {EdgeKind.SERVES: "g1", EdgeKind.MEMBER_OF: "o-g1"}
    assert back.json()["node"]["roles"] == ["household_head", "grid_leader"]


def test_a_seat_is_put_on_a_committee_for_a_unit(client: TestClient, store: MemoryStore) -> None:
    seat = client.put("/seats/seat9", json={"community_id": "c1", "unit_id": "u2", "person": "孙八", "since": "2025-01-01"})
    assert seat.status_code == 200, seat.text
    assert {e.kind: e.target for e in store.edges_of("seat9")} == {EdgeKind.SEAT_ON: "o-c1", EdgeKind.ON_BEHALF_OF: "u2"}
    held = client.put("/seats/seat9", json={"community_id": "c1", "unit_id": "u2", "person": "张三", "member_id": "h1"})
    assert held.status_code == 200
    assert store.edges_of("seat9", kind=EdgeKind.HELD_BY)[0].target == "h1"
    assert client.delete("/seats/seat9").status_code == 200 and not store.has_node("seat9")
