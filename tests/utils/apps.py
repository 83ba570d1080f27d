"""The town of tests/utils/ledgers.py imported into a store, and a TestClient over it: the setup of the API tests on ledgers.

The town is imported the way staff would bring it in (a workbook through the importer), so each
test starts from a graph the importer itself accepted.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from fastapi.testclient import TestClient

from api.app import create_app
from graph.memory import MemoryStore
from graph.settings import Settings
from loaders.importer import import_file
from tests.utils.ledgers import TOWN, write_xlsx


def town_store(folder: Path) -> MemoryStore:
    """A memory store holding the town, imported from a workbook written as ``folder``/town.xlsx."""
    store = MemoryStore()
    assert import_file(store, write_xlsx(folder / "town.xlsx", TOWN)).ok
    return store


@contextmanager
def client_over(store: MemoryStore, settings: Settings, *, raise_server_exceptions: bool = True) -> Iterator[TestClient]:
    """A TestClient over the app serving ``store`` with ``settings``, its lifespan run for the block."""
    with TestClient(create_app(settings, store_factory=lambda _: store), raise_server_exceptions=raise_server_exceptions) as client:
        yield client
