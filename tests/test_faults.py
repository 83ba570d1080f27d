"""Faults: Neo4j going away mid-service gives 503 with a retry hint, and the service recovers on its own.

The server is a real Neo4j reached through a TCP relay in this process, which the test cuts
and restores: the network failing, not the database being mocked.
"""

from __future__ import annotations

import contextlib
import os
import socket
import threading
import time
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from graph.settings import Settings, StoreKind

NEO4J_URI = os.environ.get("NEO4J_URI")
pytestmark = [pytest.mark.neo4j, pytest.mark.skipif(not NEO4J_URI, reason="NEO4J_URI is not set: no Neo4j server to test against")]


class _Relay:
    """Forwards connections from a local port to the Neo4j server until cut; restoring listens on the same port again."""

    def __init__(self, target: tuple[str, int]) -> None:
        self.target = target
        self.port = 0
        self._conns: list[socket.socket] = []
        self._listener: socket.socket | None = None
        self.restore()

    def restore(self) -> None:
        listener = socket.socket()
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", self.port))
        listener.listen()
        self.port = listener.getsockname()[1]
        self._listener = listener
        threading.Thread(target=self._accept, args=(listener,), daemon=True).start()

    def cut(self) -> None:
        assert self._listener is not None
        with contextlib.suppress(OSError):
            self._listener.shutdown(socket.SHUT_RDWR)  # wakes the thread blocked in accept(); close alone would not
        self._listener.close()
        for conn in self._conns:
            with contextlib.suppress(OSError):
                conn.shutdown(socket.SHUT_RDWR)
            conn.close()
        self._conns.clear()

    def _accept(self, listener: socket.socket) -> None:
        while True:
            try:
                client, _ = listener.accept()
            except OSError:
                return
            server = socket.create_connection(self.target)
            self._conns += [client, server]
            for a, b in ((client, server), (server, client)):
                threading.Thread(target=self._pipe, args=(a, b), daemon=True).start()

    @staticmethod
    def _pipe(source: socket.socket, sink: socket.socket) -> None:
        try:
            while data := source.recv(65536):
                sink.sendall(data)
        except OSError:
            pass
        finally:
            for s in (source, sink):
                with contextlib.suppress(OSError):
                    s.close()


@pytest.fixture
def relay() -> Iterator[_Relay]:
    assert NEO4J_URI
    host_port = NEO4J_URI.split("://", 1)[1].split("/")[0]
    host, _, port = host_port.partition(":")
    relay = _Relay((host, int(port or 7687)))
    yield relay
    relay.cut()


def test_neo4j_going_away_gives_503_with_retry_after_and_the_service_recovers(relay: _Relay) -> None:
    settings = Settings.model_validate(
        {
            "store": StoreKind.NEO4J,
            "NEO4J_URI": f"bolt://127.0.0.1:{relay.port}",  # bolt: one server, no routing table to go stale
            "NEO4J_USER": os.environ.get("NEO4J_USER", "neo4j"),
            "NEO4J_PASSWORD": os.environ.get("NEO4J_PASSWORD", ""),
        }
    )
    assert settings.neo4j_uri and str(relay.port) in settings.neo4j_uri
    with TestClient(create_app(settings)) as client:
        assert client.get("/health").status_code == 200

        relay.cut()
        started = time.monotonic()
        down = client.get("/health")
        assert down.status_code == 503
        assert down.headers["retry-after"] and down.json()["error"]["code"] == "unavailable"
        assert time.monotonic() - started < 30, "a request gives up within the store's retry time, not the driver's default"

        relay.restore()
        back = client.get("/health")
        assert back.status_code == 200 and back.json()["store"] == "neo4j"
