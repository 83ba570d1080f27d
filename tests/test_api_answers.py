"""Answers kept per store version, with ETag and If-None-Match: never stale after a write, never another principal's."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from graph.memory import MemoryStore
from graph.model import Batch, Member
from graph.settings import Settings
from loaders.importer import import_file
from service.answers import Answers, Kept
from service.keys import KeyRing
from service.principal import AccessRole
from tests.test_auth import WEST
from tests.utils.ledgers import TOWN, write_xlsx

Keys = dict[str, dict[str, str]]


@pytest.fixture
def town(tmp_path: Path) -> Iterator[tuple[TestClient, Keys, MemoryStore]]:
    store = MemoryStore()
    assert import_file(store, write_xlsx(tmp_path / "town.xlsx", TOWN)).ok
    assert import_file(store, write_xlsx(tmp_path / "west.xlsx", WEST)).ok
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


def test_the_same_question_again_is_not_modified_and_a_write_changes_the_etag_and_the_body(
    town: tuple[TestClient, Keys, MemoryStore],
) -> None:
    client, keys, _store = town
    first = client.get("/scopes/s1/coverage", headers=keys["editor"])
    assert first.status_code == 200
    etag = first.headers["etag"]
    assert etag.startswith('"') and not etag.startswith("W/")  # strong
    again = client.get("/scopes/s1/coverage", headers=keys["editor"] | {"If-None-Match": etag})
    assert again.status_code == 304 and again.content == b""
    assert again.headers["etag"] == etag

    body = {"name": "钱七", "grid_id": "g1", "category": "retired", "households": 10}
    assert client.put("/household-heads/h-new", json=body, headers=keys["editor"]).status_code == 200

    after = client.get("/scopes/s1/coverage", headers=keys["editor"] | {"If-None-Match": etag})
    assert after.status_code == 200, "a write makes the kept answer stale"
    assert after.headers["etag"] != etag
    assert after.json()["figures"] != first.json()["figures"]


def test_a_refused_write_leaves_the_answer_and_its_etag_as_they_were(town: tuple[TestClient, Keys, MemoryStore]) -> None:
    client, keys, store = town
    first = client.get("/scopes/s1/coverage", headers=keys["editor"])
    version = store.version()
    refused = client.put(
        "/agreements/ag9", json={"community_id": "c1", "unit_id": "u404", "signed_on": "2025-06-01"}, headers=keys["editor"]
    )
    assert refused.status_code in (404, 422)
    assert store.version() == version
    again = client.get("/scopes/s1/coverage", headers=keys["editor"] | {"If-None-Match": first.headers["etag"]})
    assert again.status_code == 304


def test_a_viewer_and_an_editor_never_share_a_masked_or_unmasked_answer(town: tuple[TestClient, Keys, MemoryStore]) -> None:
    client, keys, _store = town
    for _round in range(2):  # each asks twice: the second answer of each is a kept one
        viewer = client.get("/nodes/h1", headers=keys["viewer"])
        editor = client.get("/nodes/h1", headers=keys["editor"])
        assert viewer.json()["node"]["phone"] == "138****5678"
        assert editor.json()["node"]["phone"] == "13812345678"
        assert viewer.headers["etag"] != editor.headers["etag"]
    # a viewer sending the editor's ETag gets its own (masked) answer, not a 304
    crossed = client.get("/nodes/h1", headers=keys["viewer"] | {"If-None-Match": editor.headers["etag"]})
    assert crossed.status_code == 200 and crossed.json()["node"]["phone"] == "138****5678"


def test_another_streets_key_never_gets_an_answer_kept_for_a_scope_it_may_not_see(town: tuple[TestClient, Keys, MemoryStore]) -> None:
    client, keys, _store = town
    mine = client.get("/scopes/s1/coverage", headers=keys["viewer"])
    assert mine.status_code == 200
    for path in ("/scopes/s1/coverage", "/nodes/h1", "/scopes/s1/gaps"):
        client.get(path, headers=keys["admin"])  # kept for a key that sees everything
        theirs = client.get(path, headers=keys["west"] | {"If-None-Match": mine.headers["etag"]})
        assert theirs.status_code == 404, path
        assert "etag" not in theirs.headers


def test_accept_language_varies_the_kept_answer(town: tuple[TestClient, Keys, MemoryStore]) -> None:
    client, keys, _store = town
    chinese = client.get("/scopes/d/gaps", headers=keys["admin"])
    english = client.get("/scopes/d/gaps", headers=keys["admin"] | {"Accept-Language": "en"})
    chinese_again = client.get("/scopes/d/gaps", headers=keys["admin"] | {"Accept-Language": "zh-CN"})
    assert chinese.json()["items"], "the town has gaps whose reasons are worded"
    assert chinese.content != english.content and chinese.content == chinese_again.content
    assert chinese.headers["etag"] != english.headers["etag"]
    assert "Accept-Language" in english.headers["vary"] and "Authorization" in english.headers["vary"]
    held = client.get("/scopes/d/gaps", headers=keys["admin"] | {"Accept-Language": "en", "If-None-Match": chinese.headers["etag"]})
    assert held.status_code == 200 and held.content == english.content


def test_the_day_and_the_norms_of_a_question_are_part_of_it(town: tuple[TestClient, Keys, MemoryStore]) -> None:
    client, keys, _store = town
    today = client.get("/scopes/s1/gaps/count", headers=keys["admin"])
    strict = client.get("/scopes/s1/gaps/count", params={"branch_min_members": 999}, headers=keys["admin"])
    assert today.headers["etag"] != strict.headers["etag"]
    early = client.get("/scopes/s1/coverage", params={"as_of": "2000-01-01"}, headers=keys["admin"])
    assert early.json()["as_of"] == "2000-01-01"
    assert early.headers["etag"] != client.get("/scopes/s1/coverage", headers=keys["admin"]).headers["etag"]


# -- the keeper itself ------------------------------------------------------------------------


def test_answers_hold_no_more_than_their_bound_and_drop_an_older_version_whole() -> None:
    answers = Answers(max_bytes=100)
    for n in range(5):
        answers.answer(("q", n), version=lambda: 1, compute=lambda: b"x" * 40)
    assert answers.held <= 100 and len(answers) == 2
    assert answers.answer(("q", 4), version=lambda: 1, compute=lambda: b"new").body == b"x" * 40, "the most recent is kept"
    assert answers.answer(("q", 4), version=lambda: 2, compute=lambda: b"new").body == b"new", "a new version asks again"
    assert len(answers) == 1


def test_an_answer_computed_while_the_version_moved_is_sent_but_not_kept() -> None:
    answers = Answers()
    versions = iter([1, 2, 2, 2])
    first = answers.answer(("q",), version=lambda: next(versions), compute=lambda: b"during a write")
    assert first.body == b"during a write" and len(answers) == 0
    assert answers.answer(("q",), version=lambda: 2, compute=lambda: b"after").body == b"after"


def test_many_asking_the_same_thing_at_once_compute_it_once() -> None:
    answers = Answers()
    started = threading.Event()
    release = threading.Event()
    computed: list[int] = []

    def slow() -> bytes:
        computed.append(1)
        started.set()
        release.wait(5)
        return b"answer"

    found: list[Kept] = []
    threads = [threading.Thread(target=lambda: found.append(answers.answer(("q",), version=lambda: 1, compute=slow))) for _ in range(8)]
    for t in threads:
        t.start()
    assert started.wait(5)
    release.set()
    for t in threads:
        t.join(5)
    assert len(computed) == 1 and len(found) == 8 and {k.body for k in found} == {b"answer"}


def test_a_failed_computation_keeps_nothing_and_the_next_asks_again() -> None:
    answers = Answers()

    def fails() -> bytes:
        raise LookupError("unknown")

    with pytest.raises(LookupError):
        answers.answer(("q",), version=lambda: 1, compute=fails)
    assert answers.answer(("q",), version=lambda: 1, compute=lambda: b"ok").body == b"ok"


def test_a_kept_answer_is_sent_before_routing_and_a_revoked_key_still_gets_401(
    town: tuple[TestClient, Keys, MemoryStore], tmp_path: Path
) -> None:
    client, keys, _store = town
    answers = client.app.state.services.answers  # type: ignore[attr-defined]
    first = client.get("/scopes/s1/coverage", headers=keys["viewer"])
    hits = answers.hits
    assert client.get("/scopes/s1/coverage", headers=keys["viewer"]).content == first.content
    assert answers.hits == hits + 1
    ring = KeyRing(tmp_path / "keys.json")
    viewer = next(k for k in ring.listed() if k.name == "东风街道 viewer")
    assert ring.revoke(viewer.id)
    assert client.get("/scopes/s1/coverage", headers=keys["viewer"]).status_code == 401
    assert client.get("/scopes/s1/coverage", headers={"Authorization": "Bearer gg_nobody_secret"}).status_code == 401


def test_reads_of_kept_answers_do_not_wait_for_an_import_and_never_see_it_before_it_commits(
    town: tuple[TestClient, Keys, MemoryStore],
) -> None:
    client, keys, store = town
    before = client.get("/scopes/s1/coverage", headers=keys["editor"])
    node = client.get("/nodes/h1", headers=keys["editor"]).json()["node"]
    halfway, finish = threading.Event(), threading.Event()

    def batches() -> Iterator[Batch]:
        yield Batch(nodes=[Member.model_validate(node | {"name": "改名中"})])  # applied under the lock, not committed
        halfway.set()
        finish.wait(30)

    importing = threading.Thread(target=store.write_all, args=(batches(),))
    importing.start()
    try:
        assert halfway.wait(30)
        during = client.get("/nodes/h1", headers=keys["editor"])  # the store's lock is held by the import
        assert during.status_code == 200 and during.json()["node"]["name"] == node["name"], "the import in progress does not show"
        assert client.get("/scopes/s1/coverage", headers=keys["editor"]).content == before.content
    finally:
        finish.set()
        importing.join(30)
    assert client.get("/nodes/h1", headers=keys["editor"]).json()["node"]["name"] == "改名中", "once committed, it shows"


def test_a_kept_search_still_counts_against_the_rate_limit(tmp_path: Path) -> None:
    store = MemoryStore()
    assert import_file(store, write_xlsx(tmp_path / "town.xlsx", TOWN)).ok
    settings = Settings(auth=False, rate_per_minute=1, rate_burst=2)
    with TestClient(create_app(settings, store_factory=lambda _: store)) as client:
        first, second, third = (client.get("/search", params={"q": "社区"}) for _ in range(3))
    assert first.status_code == second.status_code == 200 and first.content == second.content
    assert third.status_code == 429


def test_with_no_memory_for_answers_each_read_is_computed_afresh_and_still_carries_its_etag() -> None:
    answers = Answers(max_bytes=0)
    computed: list[int] = []

    def compute() -> bytes:
        computed.append(1)
        return b"fresh"

    first = answers.answer(("q",), version=lambda: 1, compute=compute)
    second = answers.answer(("q",), version=lambda: 1, compute=compute)
    assert len(computed) == 2 and len(answers) == 0 and answers.get(("q",), version=1) is None
    assert first.etag == second.etag == Kept.of(b"fresh").etag
