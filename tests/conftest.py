"""The ``store`` fixture runs each contract test on every store: always the embedded one,
and a real Neo4j server when ``NEO4J_URI`` is set."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from graph.memory import MemoryStore
from graph.settings import Settings, StoreKind, open_store
from graph.store import GraphStore
from tests.utils.known_network import known_network

if TYPE_CHECKING:
    from graph.neo4j_store import Neo4jStore

NEO4J_URI = os.environ.get("NEO4J_URI")


def pytest_configure(config: pytest.Config) -> None:
    """Before anything is collected: settings made anywhere in a test run default to a temporary folder, never ./data.

    Module-level apps and module-scoped fixtures build their Settings before the per-test fixture
    below runs; without this their keys would land in the user's data/keys.json.
    """
    folder = Path(tempfile.mkdtemp(prefix="grassroots-tests-"))
    config.stash[_SESSION_FOLDER] = folder
    os.environ["GRASSROOTS_DATA_DIR"] = str(folder / "data")
    os.environ["GRASSROOTS_KEYS_FILE"] = str(folder / "keys.json")
    # hypothesis keeps its examples and the constants it reads from our source in .hypothesis/ of
    # the working directory unless told otherwise: keep them in the run's folder too
    from hypothesis.configuration import set_hypothesis_home_dir

    set_hypothesis_home_dir(folder / "hypothesis")


def pytest_unconfigure(config: pytest.Config) -> None:
    folder = config.stash.get(_SESSION_FOLDER, None)
    if folder is not None:
        shutil.rmtree(folder, ignore_errors=True)


_SESSION_FOLDER = pytest.StashKey[Path]()


def _working_tree() -> dict[str, tuple[int, int]]:
    """Every file of the checkout a user works in, with its size and modification time: data/ and the work tree."""
    root = Path(__file__).resolve().parent.parent
    skip = {".git", ".venv", "__pycache__", ".pytest_cache", ".mypy_cache", ".ruff_cache"}
    found: dict[str, tuple[int, int]] = {}
    for folder, folders, files in os.walk(root):
        folders[:] = [f for f in folders if f not in skip and not f.endswith(".egg-info")]
        for name in files:
            stat = os.stat(os.path.join(folder, name))
            found[os.path.relpath(os.path.join(folder, name), root)] = (stat.st_size, stat.st_mtime_ns)
    return found


@pytest.fixture(scope="session", autouse=True)
def _the_users_files_are_left_alone() -> Iterator[None]:
    """Tests write only under their own temporary folders: the working tree and data/ are the same after the suite."""
    before = _working_tree()
    yield
    after = _working_tree()
    changed = sorted(p for p in before.keys() | after.keys() if before.get(p) != after.get(p))
    assert not changed, f"the tests changed files of the checkout (data/ included): {changed[:20]}"


@pytest.fixture(autouse=True)
def _keys_off_unless_asked(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """API tests about answers run as the operator may configure a laptop: no keys needed.

    tests/test_auth.py turns keys on (``Settings(auth=True)``) and shows every rule failing closed.
    """
    monkeypatch.setenv("GRASSROOTS_AUTH", "off")
    monkeypatch.setenv("GRASSROOTS_KEYS_FILE", str(tmp_path / "keys.json"))


def _neo4j_store() -> Neo4jStore:
    """The Neo4j store the environment names (NEO4J_URI, NEO4J_USER, ...), opened as the service opens it."""
    from graph.neo4j_store import Neo4jStore

    assert NEO4J_URI
    store = open_store(Settings(store=StoreKind.NEO4J))
    assert isinstance(store, Neo4jStore)
    return store


@pytest.fixture(
    params=[
        "memory",
        "memory-on-disk",
        pytest.param(
            "neo4j",
            marks=[pytest.mark.neo4j, pytest.mark.skipif(not NEO4J_URI, reason="NEO4J_URI is not set: no Neo4j server to test against")],
        ),
    ]
)
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[GraphStore]:
    if request.param == "memory":
        s: GraphStore = MemoryStore()
    elif request.param == "memory-on-disk":
        s = MemoryStore(tmp_path / "data", durable=False)
    else:
        neo4j = _neo4j_store()
        neo4j.wipe()
        s = neo4j
    try:
        yield s
    finally:
        if request.param == "neo4j":
            neo4j.wipe()
        s.close()


@pytest.fixture
def known(store: GraphStore) -> GraphStore:
    """Every store, holding the district of tests/utils/known_network.py, whose answers are known by construction."""
    for batch in known_network():
        store.write(batch)
    return store
