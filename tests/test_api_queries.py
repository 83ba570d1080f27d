"""The query routes over HTTP, on the known network: the answers of tests/test_queries.py, pages and the one error shape."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from graph.settings import Settings
from tests.utils.known_network import AS_OF, COVERAGE, GAPS, known_store

DAY = {"as_of": AS_OF.isoformat()}


@pytest.fixture
def client() -> Iterator[TestClient]:
    store = known_store()
    app = create_app(Settings(), store_factory=lambda _: store)
    with TestClient(app) as client:
        yield client


def _get(client: TestClient, path: str, **params: Any) -> Any:
    response = client.get(path, params=params)
    assert response.status_code == 200, response.text
    return response.json()


def test_coverage_of_a_scope_with_its_breakdown(client: TestClient) -> None:
    body = _get(client, "/scopes/d/coverage", **DAY)
    figures = body["figures"]
    for name, (numerator, denominator) in COVERAGE["d"].items():
        assert (figures[name]["numerator"], figures[name]["denominator"]) == (numerator, denominator)
    assert [c["scope"]["id"] for c in body["breakdown"]] == ["s1", "s2"]
    assert body["as_of"] == "2026-06-01" and figures["members_by_category"]["retired"] == 5  # h2x1 on the large grid g2x too


def test_gaps_filter_by_rule_and_come_a_page_at_a_time(client: TestClient) -> None:
    first = _get(client, "/scopes/d/gaps", rule=["unlinked_households", "area_without_branch"], limit=3, **DAY)
    rest = _get(client, "/scopes/d/gaps", rule=["unlinked_households", "area_without_branch"], limit=3, offset=3, **DAY)
    assert first["total"] == rest["total"] == 6 and len(first["items"]) == 3 and len(rest["items"]) == 3
    ids = sorted(g["node"]["id"] for g in first["items"] + rest["items"])
    assert ids == sorted(GAPS["unlinked_households"] + GAPS["area_without_branch"])
    assert first["rules"] == ["area_without_branch", "unlinked_households"]  # catalogue order
    assert first["items"][0]["path_text"] == "东湖街道 › 幸福社区 › 锦绣园"


def test_gap_counts_without_a_listing(client: TestClient) -> None:
    body = _get(client, "/scopes/s1/gaps/count", **DAY)
    assert body["total"] == 38 and body["by_rule"]["under_staffed"] == 1 and body["by_rule"]["in_service_unreported"] == 2
    assert _get(client, "/scopes/d/gaps/count", rule="agreement_expired", as_of="2027-01-01")["total"] == 2


def test_gap_parameters_come_from_the_query_string(client: TestClient) -> None:
    assert _get(client, "/scopes/d/gaps/count", rule="committee_under_threshold", committee_threshold=80, **DAY)["total"] == 0
    assert _get(client, "/scopes/d/gaps/count", rule="under_staffed", households_per_worker=50, **DAY)["total"] == 2


def test_the_catalogue_lists_rules_with_their_defaults(client: TestClient) -> None:
    body = _get(client, "/gap-rules")
    assert body["total"] == len(GAPS) == len(body["items"])
    staffed = next(r for r in body["items"] if r["name"] == "under_staffed")
    assert [(p["name"], p["default"]) for p in staffed["parameters"]] == [("households_per_worker", 300), ("staff_per_10000_residents", 18)]
    assert len(_get(client, "/gap-rules", limit=5, offset=len(GAPS) - 1)["items"]) == 1


def test_a_community_big_committee_and_its_partners_left_off(client: TestClient) -> None:
    body = _get(client, "/communities/c1/big-committee", **DAY)
    (seat,) = body["seats"]["items"]
    assert seat["unit"]["id"] == "u1" and seat["unit_organisation"]["id"] == "o-u1" and seat["valid_to"] == "2030-01-31"
    assert body["unrepresented_partners"] == 1
    partners = _get(client, "/communities/c1/big-committee/unrepresented-partners", **DAY)
    assert [p["id"] for p in partners["items"]] == ["u4"] and partners["total"] == 1


def test_a_street_working_committee_and_a_units_committees(client: TestClient) -> None:
    street = _get(client, "/streets/s2/big-committee", **DAY)
    assert [s["unit"]["id"] for s in street["seats"]["items"]] == ["u1"]
    unit = _get(client, "/units/u1/committees", **DAY)
    assert {c["committee"]["id"] for c in unit["items"]} == {"o-c1", "o-s2"} and unit["total"] == 2


def test_agreements_of_a_scope_filter_by_status(client: TestClient) -> None:
    body = _get(client, "/agreements", scope="d", status="expired", **DAY)
    assert sorted(a["agreement"]["id"] for a in body["items"]) == ["ag0", "ag3"]
    assert _get(client, "/agreements", scope="c3", **DAY)["items"][0]["partner"]["id"] == "u6"


def test_navigation_chain_children_partners_alliances_and_search(client: TestClient) -> None:
    chain = _get(client, "/nodes/h1122/chain")
    assert [n["id"] for n in chain["chain"]] == ["o-g112", "o-a11", "o-c1", "o-s1", "o-d"]
    assert chain["path"].endswith("春晖苑第2网格党小组 › 陈静")
    assert {n["id"] for n in _get(client, "/nodes/o-c1/children")["items"]} == {"o-a11", "o-u1", "o-u3", "o-u13"}
    assert [p["agreement"]["id"] for p in _get(client, "/nodes/c1/partners", limit=2)["items"]] == ["ag0", "ag1"]
    assert _get(client, "/nodes/s1/alliances")["items"][0]["lead"] is True
    found = _get(client, "/search", q="春晖", kind="territory")
    assert [h["node"]["id"] for h in found["items"]] == ["a11", "g111", "g112"]


@pytest.mark.parametrize(
    "path",
    [
        "/scopes/nowhere/coverage",
        "/scopes/nowhere/gaps",
        "/communities/nowhere/big-committee",
        "/units/nowhere/committees",
        "/nodes/nowhere/chain",
    ],
)
def test_an_unknown_id_is_a_404_in_the_one_error_shape(client: TestClient, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found" and "nowhere" in response.json()["error"]["message"]


@pytest.mark.parametrize(
    ("path", "params", "says"),
    [
        ("/scopes/u1/coverage", {}, "u1 是单位"),
        ("/communities/s1/big-committee", {}, "问的是社区"),
        ("/units/c1/committees", {}, "不是驻区单位"),
        ("/scopes/d/gaps", {"rule": "no_such_rule"}, "rule"),
        ("/scopes/d/gaps", {"limit": 0}, "limit"),
        ("/scopes/d/coverage", {"as_of": "yesterday"}, "as_of"),
        ("/scopes/d/gaps/count", {"committee_threshold": 0}, "committee_threshold"),
        ("/search", {"q": "   "}, "q"),
        ("/agreements", {}, "scope"),
    ],
)
def test_a_bad_question_is_a_422_that_says_what_is_wrong(client: TestClient, path: str, params: dict[str, Any], says: str) -> None:
    response = client.get(path, params=params)
    assert response.status_code == 422, response.text
    assert response.json()["error"]["code"] == "invalid" and says in response.json()["error"]["message"]


def test_the_openapi_document_describes_the_query_routes(client: TestClient) -> None:
    paths = client.get("/openapi.json").json()["paths"]
    assert {
        "/scopes/{scope_id}/coverage",
        "/scopes/{scope_id}/gaps",
        "/scopes/{scope_id}/gaps/count",
        "/gap-rules",
        "/communities/{community_id}/big-committee",
        "/streets/{street_id}/big-committee",
        "/units/{unit_id}/committees",
        "/agreements",
        "/search",
        "/nodes/{node_id}/chain",
    } <= set(paths)


def test_the_alliances_of_a_scope_with_how_far_each_reaches(client: TestClient) -> None:
    from tests.utils.known_network import REACH

    body = _get(client, "/scopes/d/alliances", kind="community_of_practice", **DAY)
    assert [a["alliance"]["id"] for a in body["items"]] == ["al2", "al3"] and body["total"] == 2
    al2 = body["items"][0]
    orgs, units, members = REACH["d"]["al2"]
    assert (len(al2["organisations"]), len(al2["units"]), al2["party_members"]) == (len(orgs), len(units), members)
    assert al2["members"][0] == {"member": {"id": "c1", "kind": "territory", "name": "幸福社区", "level": "community"}, "lead": True}
