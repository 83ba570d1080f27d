"""``kill -9`` at any point of an import or a burst of record writes leaves the graph and the audit log in agreement."""

from __future__ import annotations

import itertools
import os
import random
import signal
import time
from collections import Counter
from pathlib import Path

import pytest

from graph.memory import MemoryStore
from graph.model import NodeKind
from loaders.importer import import_file, import_rows
from tests.utils.ledgers import TOWN, write_xlsx


def _write_until_killed(folder: Path, round_: int, started: int) -> None:
    """The town as one import (unless it is there already), then household heads one PUT at a time, forever."""
    store = MemoryStore(folder)
    os.write(started, b"started")
    if not store.has_node("h1"):
        import_file(store, write_xlsx(folder.parent / f"town-{round_}.xlsx", TOWN))
    for n in itertools.count():
        head = f"h-{round_}-{n}"
        row = {"id": head, "name": "王五", "grid_id": "g1", "category": "retired", "households": 8, "phone": None, "roles": ""}
        import_rows(store, "household_heads", [row], name=f"PUT /household-heads/{head}")


def _killed_at_random(folder: Path, round_: int, *, delay: float) -> None:
    """A forked writer (no interpreter to start: the kills land in the writes), killed ``delay`` s after it opened the store."""
    ready, started = os.pipe()
    pid = os.fork()
    if pid == 0:  # the writer: it never returns into pytest
        try:
            os.close(ready)
            _write_until_killed(folder, round_, started)
        finally:
            os._exit(1)
    os.close(started)
    try:
        assert os.read(ready, 7) == b"started", "the writer could not open the store"
        time.sleep(delay)
    finally:
        os.kill(pid, signal.SIGKILL)
        _, status = os.waitpid(pid, 0)
        os.close(ready)
    assert os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGKILL, f"the writer stopped by itself ({status})"


def _import_id(source: str) -> str:
    """The import a node's provenance names (``<id> <file> [<table>]``)."""
    return source.split(" ", 1)[0]


def _agree(folder: Path) -> int:
    """Reopen the folder and hold the graph and its audit log to each other; the applied writes found."""
    store = MemoryStore(folder)
    try:
        entries = store.imports(limit=1_000_000)
        applied = {r.id: r for r in entries if r.outcome == "applied"}
        naming = Counter(_import_id(n.provenance.source) for n in store.nodes())
        assert set(naming) <= set(applied), f"writes without their entry: {sorted(set(naming) - set(applied))}"
        for record in applied.values():  # an entry without its write, or with half of it, fails here
            made = sum(record.summary.created[kind.value] for kind in NodeKind)
            assert naming[record.id] == made > 0, f"{record.id} ({record.file}) created {made} nodes, the graph has {naming[record.id]}"
        assert len(entries) == len(applied), "no write here is refused"
        return len(applied)
    finally:
        if random.random() < 0.5:
            store.close()  # a snapshot now and then, so that later kills meet one too
        else:
            assert store._journal is not None
            store._journal.close()


def _town_import_seconds(tmp_path: Path) -> float:
    """How long the town's import takes on this machine now: the kills' delays are measured in it, not in seconds."""
    began = time.monotonic()
    store = MemoryStore(tmp_path / "warm-up")
    import_file(store, write_xlsx(tmp_path / "warm-up.xlsx", TOWN))
    store.close()
    return time.monotonic() - began


@pytest.mark.slow
def test_kills_at_random_points_leave_the_graph_and_the_audit_log_in_agreement(tmp_path: Path) -> None:
    folder = tmp_path / "data"
    rng = random.Random(13)
    town = max(_town_import_seconds(tmp_path), 0.1)  # a loaded machine imports slower: the kills wait as much longer
    deadline = time.monotonic() + 25 + 60 * town
    kills, found = 0, 0
    while kills < 20 and time.monotonic() < deadline:
        _killed_at_random(folder, kills, delay=rng.uniform(0.0, 4 * town))  # the first kills land in the town's import
        kills += 1
        found = _agree(folder)
    assert kills >= 15, f"only {kills} kills in the time given"
    assert found > kills, "the writer got past the town and on into the burst"
