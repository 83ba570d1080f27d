"""Failures in the one error shape, odd input refused at the door, request bodies bounded before they are read, rates limited per key."""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Iterator
from pathlib import Path

import anyio
import pytest
from fastapi.testclient import TestClient
from starlette.types import Message

from api.app import create_app
from api.limits import RateLimiter
from graph.memory import MemoryStore
from graph.settings import Settings
from loaders.importer import import_file
from service.keys import KeyRing
from service.principal import AccessRole
from tests.utils.ledgers import TOWN, write_xlsx


class _BrokenStore(MemoryStore):
    """A store that fails in a way nobody planned for, with internals in its message."""

    def count(self, kind: object = None) -> int:
        raise RuntimeError("/srv/grassroots/data/graph.snapshot: password=hunter2")


@pytest.fixture
def client(tmp_path: Path) -> Iterator[TestClient]:
    store = MemoryStore()
    assert import_file(store, write_xlsx(tmp_path / "town.xlsx", TOWN)).ok
    with TestClient(create_app(Settings(auth=False), store_factory=lambda _: store), raise_server_exceptions=False) as test_client:
        yield test_client


def _is_error_shape(response: object, *, status: int, code: str) -> dict[str, str]:
    assert response.status_code == status, response.text  # type: ignore[attr-defined]
    assert response.headers["content-type"].startswith("application/json"), response.headers  # type: ignore[attr-defined]
    error: dict[str, str] = response.json()["error"]  # type: ignore[attr-defined]
    assert error["code"] == code
    return error


# -- one error shape --------------------------------------------------------------------------


def test_an_unexpected_failure_answers_the_error_shape_without_internals_and_is_logged(caplog: pytest.LogCaptureFixture) -> None:
    app = create_app(Settings(auth=False), store_factory=lambda _: _BrokenStore())
    with caplog.at_level(logging.ERROR), TestClient(app, raise_server_exceptions=False) as broken:
        response = broken.get("/health")
    error = _is_error_shape(response, status=500, code="internal")
    assert "hunter2" not in response.text and "/srv" not in response.text and "RuntimeError" not in response.text
    assert "内部错误" in error["message"]
    logged = [r for r in caplog.records if r.levelno >= logging.ERROR and r.exc_info and "hunter2" in str(r.exc_info[1])]
    assert logged, "the failure is in the service's log, whole"
    reference = error["message"].split("编号 ")[1].split("）")[0]
    assert reference in logged[0].getMessage(), "the answer's reference finds the log entry"


@pytest.mark.parametrize("text", ["%1F", "%1C", "%1D", "%1E", "%00", "%01", "a%0Bb", "a%1Fb", "%7F", "%EF%BF%BE", "%ED%A0%80"])
def test_search_text_with_a_control_character_or_broken_utf8_is_refused_with_422(client: TestClient, text: str) -> None:
    error = _is_error_shape(client.get(f"/search?q={text}"), status=422, code="invalid")
    assert "q" in error["message"] and "U+" in error["message"]


def test_search_text_of_ordinary_characters_still_answers(client: TestClient) -> None:
    assert client.get("/search", params={"q": "阳光 苑"}).status_code == 200
    assert client.get("/search", params={"q": "阳光"}).json()["total"] >= 1


@pytest.mark.parametrize(
    ("filename", "says"),
    [("a\x00.xlsx", "U+0000"), ("台账\x1f.xlsx", "U+001F"), ("长" * 90 + ".xlsx", "255")],
)
def test_an_upload_filename_with_a_nul_or_over_255_bytes_is_refused_with_422(client: TestClient, filename: str, says: str) -> None:
    response = client.post("/imports", params={"filename": filename}, content=b"x")
    error = _is_error_shape(response, status=422, code="invalid")
    assert says in error["message"] and "文件名" in error["message"]


@pytest.mark.parametrize("where", ['"name": "\\ud800"', '"name": "a\\udc00b"', '"name": "x", "roles": ["\\udbff"]'])
def test_a_lone_surrogate_in_a_json_body_is_refused_with_422(client: TestClient, where: str) -> None:
    body = ('{"grid_id": "g1", "category": "retired", ' + where + "}").encode()
    response = client.put("/household-heads/hx", content=body, headers={"content-type": "application/json"})
    error = _is_error_shape(response, status=422, code="invalid")
    assert "surrogate" in error["message"] and ("name" in error["message"] or "roles" in error["message"])
    assert client.get("/nodes/hx").status_code == 404


def test_a_surrogate_pair_in_a_json_body_is_one_character_and_accepted(client: TestClient) -> None:
    body = b'{"grid_id": "g1", "category": "retired", "name": "\\ud842\\udfb7\\u4e00"}'
    response = client.put("/household-heads/hx", content=body, headers={"content-type": "application/json"})
    assert response.status_code == 200, response.text
    assert client.get("/nodes/hx").json()["node"]["name"] == "\U00020bb7一"


# -- bodies bounded before they are read ------------------------------------------------------


@pytest.fixture
def small_bodies(tmp_path: Path) -> Iterator[TestClient]:
    store = MemoryStore()
    assert import_file(store, write_xlsx(tmp_path / "town.xlsx", TOWN)).ok
    settings = Settings(auth=False, max_body_kb=1, max_upload_mb=1)
    with TestClient(create_app(settings, store_factory=lambda _: store), raise_server_exceptions=False) as test_client:
        yield test_client


def _head(name: str) -> bytes:
    return json.dumps({"grid_id": "g1", "category": "retired", "name": name}).encode()


def test_a_body_declared_over_the_limit_is_refused_413_before_a_byte_is_read(small_bodies: TestClient) -> None:
    app = small_bodies.app
    reads: list[str] = []
    sent: list[Message] = []

    async def receive() -> Message:
        reads.append("read")
        return {"type": "http.request", "body": b" " * 1024, "more_body": len(reads) < 3}

    async def send(message: Message) -> None:
        sent.append(message)

    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "PUT",
        "scheme": "http",
        "path": "/household-heads/hx",
        "raw_path": b"/household-heads/hx",
        "query_string": b"",
        "root_path": "",
        "headers": [(b"content-type", b"application/json"), (b"content-length", str(200 * 1024 * 1024).encode())],
        "client": ("127.0.0.1", 1),
        "server": ("testserver", 80),
        "state": {},
    }
    anyio.run(app, scope, receive, send)
    assert sent[0]["status"] == 413 and reads == []
    error = json.loads(b"".join(m.get("body", b"") for m in sent[1:]))["error"]
    assert error["code"] == "too_large" and "209,715,200 bytes" in error["message"] and "GRASSROOTS_MAX_BODY_KB" in error["message"]


def test_a_chunked_body_is_refused_413_at_the_limit_and_nothing_is_written(small_bodies: TestClient) -> None:
    def chunks() -> Iterator[bytes]:
        yield b'{"grid_id": "g1", "category": "retired", "name": "'
        for _ in range(64):
            yield b"x" * 100
        yield b'"}'

    response = small_bodies.put("/household-heads/hx", content=chunks(), headers={"content-type": "application/json"})
    assert "content-length" not in response.request.headers
    _is_error_shape(response, status=413, code="too_large")
    assert small_bodies.get("/nodes/hx").status_code == 404


def test_a_body_under_the_limit_is_read_whole_chunked_or_not(small_bodies: TestClient) -> None:
    assert small_bodies.put("/household-heads/hx", content=_head("王小明"), headers={"content-type": "application/json"}).status_code == 200
    streamed = small_bodies.put("/household-heads/hy", content=iter([_head("李小红")]), headers={"content-type": "application/json"})
    assert streamed.status_code == 200, streamed.text


def test_an_upload_keeps_its_own_limit_not_the_json_one(small_bodies: TestClient, tmp_path: Path) -> None:
    ledger = write_xlsx(tmp_path / "again.xlsx", TOWN).read_bytes()
    assert len(ledger) > 1024
    response = small_bodies.post("/imports", params={"filename": "again.xlsx", "dry_run": True}, content=ledger)
    assert response.status_code == 200, response.text
    too_big = small_bodies.post("/imports", params={"filename": "big.xlsx"}, content=b"x" * (1024 * 1024 + 1))
    _is_error_shape(too_big, status=413, code="too_large")


def test_every_list_route_bounds_its_page_size() -> None:
    document = create_app(Settings(auth=False)).openapi()
    unbounded = []
    for path, methods in document["paths"].items():
        for method, operation in methods.items():
            for parameter in operation.get("parameters", []):
                if parameter["name"] in ("limit", "max_nodes") and "maximum" not in parameter["schema"]:
                    unbounded.append(f"{method} {path} {parameter['name']}")
            answer = operation.get("responses", {}).get("200", {}).get("content", {}).get("application/json", {}).get("schema", {})
            names = {p["name"] for p in operation.get("parameters", [])}
            if answer.get("type") == "array" and "limit" not in names and path != "/keys":  # keys: as many as admins made
                unbounded.append(f"{method} {path}: a list without a limit")
    assert unbounded == []


# -- rates per key ----------------------------------------------------------------------------


def _keyed(tmp_path: Path, **settings: object) -> tuple[TestClient, dict[str, dict[str, str]]]:
    store = MemoryStore()
    assert import_file(store, write_xlsx(tmp_path / "town.xlsx", TOWN)).ok
    ring = KeyRing(tmp_path / "keys.json")
    keys = {
        "viewer": ring.create(role=AccessRole.VIEWER, scope="s1", name="东风街道 viewer")[1],
        "other": ring.create(role=AccessRole.VIEWER, scope="s1", name="another viewer")[1],
        "editor": ring.create(role=AccessRole.EDITOR, scope="s1", name="东风街道 editor")[1],
    }
    app = create_app(Settings(auth=True, keys_file=tmp_path / "keys.json", **settings), store_factory=lambda _: store)  # type: ignore[arg-type]
    return TestClient(app), {name: {"Authorization": f"Bearer {token}"} for name, token in keys.items()}


def test_a_burst_past_the_rate_answers_429_with_retry_after_for_that_key_only(tmp_path: Path) -> None:
    client, keys = _keyed(tmp_path, rate_per_minute=6, rate_burst=3)
    with client:
        answers = [client.get("/search", params={"q": "阳光"}, headers=keys["viewer"]).status_code for _ in range(3)]
        assert answers == [200, 200, 200]
        for refused in (
            client.get("/search", params={"q": "阳光"}, headers=keys["viewer"]),
            client.get("/export", params={"format": "json"}, headers=keys["viewer"]),
        ):
            error = _is_error_shape(refused, status=429, code="rate_limited")
            assert 1 <= int(refused.headers["retry-after"]) <= 10 and "GRASSROOTS_RATE_PER_MINUTE" in error["message"]
        upload = client.post("/imports", params={"filename": "t.xlsx"}, content=b"x", headers=keys["editor"])
        assert upload.status_code == 422  # the editor's own bucket is full: the file is read (and refused as no workbook)
        assert client.get("/export", params={"format": "json"}, headers=keys["other"]).status_code == 200
        assert client.get("/scopes/s1/coverage", headers=keys["viewer"]).status_code == 200, "cheap routes are not limited"


def test_a_slow_pace_is_never_limited(tmp_path: Path) -> None:
    client, keys = _keyed(tmp_path, rate_per_minute=600, rate_burst=2)  # one more every 0.1 s
    with client:
        for _ in range(8):
            assert client.get("/search", params={"q": "阳光"}, headers=keys["viewer"]).status_code == 200
            time.sleep(0.15)


def test_the_default_limits_keyed_requests_and_leaves_a_keyless_laptop_alone(tmp_path: Path, client: TestClient) -> None:
    assert all(client.get("/search", params={"q": "阳光"}).status_code == 200 for _ in range(40))
    keyed, keys = _keyed(tmp_path)
    with keyed:
        answers = [keyed.get("/search", params={"q": "阳光"}, headers=keys["viewer"]).status_code for _ in range(40)]
    assert answers.count(200) == 30 and set(answers[30:]) == {429}


def test_a_keyless_service_is_limited_when_the_operator_sets_a_rate(tmp_path: Path) -> None:
    store = MemoryStore()
    with TestClient(create_app(Settings(auth=False, rate_per_minute=1, rate_burst=2), store_factory=lambda _: store)) as open_client:
        answers = [open_client.get("/search", params={"q": "x"}).status_code for _ in range(3)]
    assert answers == [200, 200, 429]


def test_a_token_bucket_refills_at_its_rate_up_to_its_burst() -> None:
    now = [100.0]
    limiter = RateLimiter(per_minute=60, burst=2, clock=lambda: now[0])
    assert [limiter.take("k") for _ in range(2)] == [0, 0]
    assert limiter.take("k") == pytest.approx(1.0)
    now[0] += 0.5
    assert limiter.take("k") == pytest.approx(0.5)
    now[0] += 600  # a long pause fills the bucket to its burst, not beyond
    after = [limiter.take("k") for _ in range(3)]
    assert after[:2] == [0, 0] and after[2] > 0
    assert limiter.take("another") == 0
