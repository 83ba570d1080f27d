"""The app served on a free loopback port for tests that drive a real browser (tests/test_browser*.py).

One server per module: uvicorn on a socket bound to 127.0.0.1 port 0, run in a daemon thread,
stopped when the ``with`` block ends. Chromium then reaches it and nothing else.
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

import uvicorn
from fastapi import FastAPI

from api.app import create_app
from graph.settings import Settings
from tests.utils.known_network import known_store


def known_district_app() -> FastAPI:
    """The app over a memory store holding the known district, signing in nobody (auth off)."""
    store = known_store()
    return create_app(Settings(auth=False), store_factory=lambda _: store)


@contextmanager
def serve(app: FastAPI) -> Iterator[str]:
    """The app listening on a free loopback port, as its base URL (``http://127.0.0.1:<port>``), until the block ends."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", ws="none", lifespan="on"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        assert time.monotonic() < deadline, "the app did not start"
        time.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        sock.close()
