"""The HTTP API over the embedded store: answers, the one error shape, the map page."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from graph.memory import MemoryStore
from graph.settings import Settings
from tests.utils.network import town


@pytest.fixture
def client() -> Iterator[TestClient]:
    store = MemoryStore()
    store.write(town())
    app = create_app(Settings(), store_factory=lambda _: store)
    with TestClient(app) as client:
        yield client


def test_health_names_the_store(client: TestClient) -> None:
    assert client.get("/health").json() == {"status": "ok", "store": "memory"}


def test_a_node_comes_with_its_provenance(client: TestClient) -> None:
    body = client.get("/nodes/h1").json()["node"]
    assert body["name"] == "王芳" and body["households"] == 10 and body["provenance"]["source"] == "test"


def test_an_unknown_id_is_a_404_in_the_one_error_shape(client: TestClient) -> None:
    response = client.get("/nodes/nobody")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"
    assert "nobody" in response.json()["error"]["message"]


def test_a_bad_parameter_is_a_422_that_names_it(client: TestClient) -> None:
    response = client.get("/nodes/a1/edges", params={"direction": "sideways"})
    assert response.status_code == 422
    assert "direction" in response.json()["error"]["message"]


def test_edges_come_a_page_at_a_time(client: TestClient) -> None:
    first = client.get("/nodes/c1/edges", params={"direction": "in", "limit": 2}).json()
    rest = client.get("/nodes/c1/edges", params={"direction": "in", "limit": 2, "offset": 2}).json()
    assert first["total"] == rest["total"] == 7  # a1, a2, o-c1 covers, u1 and u2 located in, sc1 its centre, m1 reported to
    assert len(first["items"]) == 2 and len(rest["items"]) == 2
    seen = {(e["source"], e["kind"]) for e in first["items"] + rest["items"]}
    assert len(seen) == 4


def test_stats_count_each_kind(client: TestClient) -> None:
    body = client.get("/stats").json()
    assert body["nodes"]["territory"] == 8 and body["edges"]["WITHIN"] == 7


def test_the_map_is_one_offline_page_with_the_gap_outlined(client: TestClient) -> None:
    page = client.get("/map", params={"scope": "d"})
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    text = page.text
    assert not re.search(r"<(script|link)[^>]+(src|href)=", text), "every script and style is inline"
    assert '"id": "a2"' in text and "小区未建党支部" in text  # a2 has no branch: flagged with its reason
    assert '"id": "g3"' in text


def test_the_map_of_an_unknown_scope_is_a_404(client: TestClient) -> None:
    assert client.get("/map", params={"scope": "nowhere"}).status_code == 404


def test_the_openapi_document_describes_every_route(client: TestClient) -> None:
    paths = client.get("/openapi.json").json()["paths"]
    assert {"/health", "/stats", "/nodes/{node_id}", "/nodes/{node_id}/edges", "/map"} <= set(paths)


def test_a_map_of_a_node_that_is_not_a_territory_is_a_422_that_says_so(client: TestClient) -> None:
    response = client.get("/map", params={"scope": "u1"})  # a chain organisation names its territory, as for /scopes/{id}/coverage
    assert response.status_code == 422
    assert "u1 是单位，不能作为范围" in response.json()["error"]["message"]


def test_an_unknown_path_answers_in_the_one_error_shape(client: TestClient) -> None:
    response = client.get("/no/such/path")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"
