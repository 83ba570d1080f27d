"""Partner suggestions and the synonym list over HTTP: held to the key's street, the list changed only by an editor of the whole graph."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from graph.memory import MemoryStore
from graph.settings import Settings
from service.keys import KeyRing
from service.principal import AccessRole
from tests.utils.apps import client_over
from tests.utils.partners_network import AS_OF, C1_MATCHES, STAFF_GROUP, partners_network


@dataclass
class Served:
    client: TestClient
    tokens: dict[str, str]
    folder: Path

    def get(self, url: str, key: str, **params: str) -> Any:
        query = {"as_of": AS_OF.isoformat()} | params
        return self.client.get(url, params=query, headers={"Authorization": f"Bearer {self.tokens[key]}"})


@pytest.fixture
def served(tmp_path: Path) -> Iterator[Served]:
    store = MemoryStore()
    for batch in partners_network():
        store.write(batch)
    ring = KeyRing(tmp_path / "keys.json")
    tokens = {
        "s1": ring.create(role=AccessRole.VIEWER, scope="s1", name="s1")[1],
        "s2": ring.create(role=AccessRole.VIEWER, scope="s2", name="s2")[1],
        "s1-editor": ring.create(role=AccessRole.EDITOR, scope="s1", name="s1 editor")[1],
        "editor": ring.create(role=AccessRole.EDITOR, scope=None, name="editor")[1],
    }
    with client_over(store, Settings(auth=True, keys_file=tmp_path / "keys.json")) as client:
        yield Served(client, tokens, tmp_path)


def test_a_street_key_gets_its_communitys_suggestions_and_another_streets_key_a_404(served: Served) -> None:
    mine = served.get("/communities/c1/suggestions", "s1")
    assert mine.status_code == 200, mine.text
    assert {s["unit"]["id"] for s in mine.json()["units"]} == set(C1_MATCHES)
    paged = served.get("/communities/c1/suggestions", "s1", limit="1", offset="1").json()
    assert [s["unit"]["id"] for s in paged["units"]] == ["u-seg"] and paged["total"] == len(C1_MATCHES)
    theirs = served.get("/communities/c1/suggestions", "s2")
    assert theirs.status_code == 404 and theirs.json()["error"]["code"] == "not_found"
    assert served.get("/units/u-syn/suggestions", "s2").status_code == 404
    assert served.get("/suggestions", "s2", scope="c1").status_code == 404


def test_the_page_is_served_in_chinese_with_every_suggestion(served: Served) -> None:
    page = served.client.get(
        "/suggestions", params={"scope": "c1", "as_of": AS_OF.isoformat()}, headers={"Authorization": f"Bearer {served.tokens['s1']}"}
    )
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    assert page.text.count('<tr data-id="') == len(C1_MATCHES) and "需求清单" in page.text


def test_the_synonym_list_is_read_by_any_key_and_replaced_only_by_an_editor_of_the_whole_graph(served: Served) -> None:
    headers = {name: {"Authorization": f"Bearer {token}"} for name, token in served.tokens.items()}
    listed = served.client.get("/synonyms", headers=headers["s1"]).json()
    assert listed["shipped"][0][:3] == ["养老服务", "助老", "为老服务"] and listed["staff"] == []
    body = {"groups": [STAFF_GROUP]}
    assert served.client.put("/synonyms", json=body, headers=headers["s1"]).status_code == 403
    assert served.client.put("/synonyms", json=body, headers=headers["s1-editor"]).status_code == 403
    refused = served.client.put("/synonyms", json={"groups": [["独词"]]}, headers=headers["editor"])
    assert refused.status_code == 422 and "至少两个" in refused.json()["error"]["message"]
    assert not (served.folder / "synonyms.txt").exists()
    done = served.client.put("/synonyms", json=body, headers=headers["editor"])
    assert done.status_code == 200 and done.json()["staff"] == [STAFF_GROUP]
    assert (served.folder / "synonyms.txt").read_text(encoding="utf-8").splitlines()[-1] == " ".join(STAFF_GROUP)
    c2 = served.get("/communities/c2/suggestions", "s1").json()
    assert "u-staff" in {s["unit"]["id"] for s in c2["units"]}
