"""A load test on loopback: many clients mixing reads and small writes on the embedded store, no error and no lost write.

Short in the suite; ``GRASSROOTS_LOAD_CLIENTS=32 GRASSROOTS_LOAD_REQUESTS=500 .venv/bin/python -m pytest -s tests/test_load.py``
is the long form, and prints its figures either way.
"""

from __future__ import annotations

import os
import socket
import statistics
import threading
import time
from collections.abc import Iterator

import httpx2 as httpx  # the HTTP client the test extra installs (starlette's TestClient uses it too)
import pytest
import uvicorn

from api.app import create_app
from graph.generator import NetworkSpec, generate
from graph.memory import MemoryStore
from graph.model import NodeKind
from graph.settings import Settings

CLIENTS = int(os.environ.get("GRASSROOTS_LOAD_CLIENTS", "8"))
REQUESTS = int(os.environ.get("GRASSROOTS_LOAD_REQUESTS", "30"))


@pytest.fixture(scope="module")
def served() -> Iterator[tuple[str, MemoryStore]]:
    store = MemoryStore()
    for batch in generate(NetworkSpec(households=20_000, seed=7)):
        store.write(batch)
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = uvicorn.Server(
        uvicorn.Config(create_app(Settings(auth=False), store_factory=lambda _: store), host="127.0.0.1", port=port, log_level="warning")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        assert time.monotonic() < deadline, "the server did not start"
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}", store
    server.should_exit = True
    thread.join(timeout=10)


@pytest.mark.slow
def test_many_clients_reading_and_writing_get_no_error_and_lose_no_write(served: tuple[str, MemoryStore]) -> None:
    base, store = served
    units = sorted(u.id for u in store.nodes(NodeKind.UNIT) if u.id.startswith("u-s01c01-"))
    latencies: list[float] = []
    failures: list[str] = []
    written: list[str] = []
    lock = threading.Lock()

    def client(number: int) -> None:
        with httpx.Client(base_url=base, timeout=30) as http:
            for k in range(REQUESTS):
                started = time.perf_counter()
                if k % 5 == 4:  # one request in five is a small write
                    agreement = f"ag-load-{number}-{k}"
                    body = {"community_id": "s01c01", "unit_id": units[k % len(units)], "signed_on": "2026-01-01", "needs": ["助老"]}
                    response = http.put(f"/agreements/{agreement}", json=body)
                    if response.status_code == 200:
                        with lock:
                            written.append(agreement)
                else:
                    path = ("/scopes/s01/coverage", "/scopes/s01c01/gaps/count", "/nodes/s01c01a01g1", "/search?q=社区&limit=5")[k % 4]
                    response = http.get(path)
                elapsed = time.perf_counter() - started
                with lock:
                    latencies.append(elapsed)
                    if response.status_code != 200:
                        failures.append(
                            f"{response.request.method} {response.request.url.path}: {response.status_code} {response.text[:200]}"
                        )

    started = time.perf_counter()
    threads = [threading.Thread(target=client, args=(n,)) for n in range(CLIENTS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=300)
    seconds = time.perf_counter() - started

    assert not failures, failures[:5]
    assert len(written) == CLIENTS * (REQUESTS // 5)
    assert all(store.has_node(a) for a in written), "every acknowledged write is in the store"
    p95 = statistics.quantiles(latencies, n=20)[18]
    rate = len(latencies) / seconds
    print(f"\nload: {CLIENTS} clients, {len(latencies):,} requests in {seconds:.1f} s: {rate:,.0f} requests/s, p95 {p95 * 1000:.0f} ms")
