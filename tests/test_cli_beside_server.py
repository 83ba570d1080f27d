"""The command line beside a running server: with the data folder held by a store open in the test
(standing in for `grassroots serve`), reading commands read it read-only and say so, writing ones
say how to write through the server, and nothing of the folder changes."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from cli.main import READ_ONLY_NOTICE
from graph.memory import JOURNAL, LEDGER, SNAPSHOT, MemoryStore
from graph.model import Batch, EdgeKind, Level, NodeKind, Territory, Within
from service.keys import KeyRing
from tests.test_cli import _grassroots
from tests.utils.network import PROV, contents

NOTICE = "数据目录正由运行中的服务使用，以只读方式读取"


@pytest.fixture(scope="module")
def network(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A data folder with a generated network, made once: each test copies it."""
    data = tmp_path_factory.mktemp("network") / "data"
    made = _grassroots("generate", "--households", "3000", "--seed", "3", data=data)
    assert made.returncode == 0, made.stderr
    return data


@pytest.fixture
def data(network: Path, tmp_path: Path) -> Path:
    copy = tmp_path / "data"
    copy.mkdir()
    for file in network.iterdir():
        (copy / file.name).write_bytes(file.read_bytes())
    return copy


@pytest.fixture
def server(data: Path) -> Iterator[MemoryStore]:
    """The store a running server holds open on the folder, its lock taken."""
    store = MemoryStore(data)
    yield store
    store.close()


def _store_files(folder: Path) -> dict[str, bytes]:
    return {name: (folder / name).read_bytes() for name in (SNAPSHOT, JOURNAL, LEDGER) if (folder / name).exists()}


def test_reading_commands_work_beside_the_server_and_say_they_read_read_only(data: Path, tmp_path: Path) -> None:
    alone = {name: _grassroots(*argv, data=data) for name, argv in _reads(tmp_path / "alone").items()}
    for name, ran in alone.items():
        assert ran.returncode == 0, (name, ran.stderr)
        assert NOTICE not in ran.stderr, f"{name}: with no server, nothing changes"

    server = MemoryStore(data)
    try:
        before = _store_files(data)
        beside = {name: _grassroots(*argv, data=data) for name, argv in _reads(tmp_path / "beside").items()}
        assert _store_files(data) == before, "a reading command wrote to the server's folder"
    finally:
        server.close()
    for name, ran in beside.items():
        assert ran.returncode == 0, (name, ran.stderr)
        assert ran.stderr.count(READ_ONLY_NOTICE) == 1, name
        assert "read-only" not in ran.stderr, f"{name}: Chinese only, unless English is asked for"
        assert ran.stdout == alone[name].stdout.replace("alone", "beside"), f"{name}: the same answer as with no server"
    assert (tmp_path / "beside.xlsx").read_bytes()[:2] == b"PK"
    assert "<!doctype html>" in (tmp_path / "beside-map.html").read_text(encoding="utf-8")


def _reads(out: Path) -> dict[str, list[str]]:
    return {
        "stats": ["stats"],
        "coverage": ["coverage", "s01"],
        "gaps": ["gaps", "s01", "--count"],
        "gap list": ["gaps", "s01", "--rule", "grid_without_group", "--limit", "3"],
        "export": ["export", f"{out}.xlsx", "--scope", "s01"],
        "map": ["map", "s01c01", "-o", f"{out}-map.html"],
        "imports": ["imports"],
        "keys list": ["keys", "list"],
    }


def test_the_command_line_sees_what_the_server_has_written(data: Path, server: MemoryStore) -> None:
    server.write(Batch(nodes=[Territory(id="s99", name="新街道", level=Level.STREET, provenance=PROV)], edges=[]))
    server.write(Batch(nodes=[], edges=[Within(source="s99", target="d", provenance=PROV)]))
    stats = _grassroots("stats", data=data)
    assert stats.returncode == 0 and NOTICE in stats.stderr
    counts = {name: int(n.replace(",", "")) for name, n in (line.split() for line in stats.stdout.splitlines())}
    assert counts["territory"] == server.count(NodeKind.TERRITORY) and counts["WITHIN"] == server.count_edges(EdgeKind.WITHIN)
    covered = _grassroots("coverage", "s99", data=data)
    assert covered.returncode == 0, covered.stderr
    assert "新街道" in covered.stdout


def test_keys_are_made_listed_and_revoked_beside_the_server(data: Path, server: MemoryStore) -> None:
    made = _grassroots("keys", "create", "--role", "viewer", "--scope", "s01", "--name", "东湖街道", data=data)
    assert made.returncode == 0, made.stderr
    assert NOTICE in made.stderr
    token = made.stdout.strip()
    key = KeyRing(data / "keys.json").verify(token)  # what the server checks a request's key against
    assert key is not None and key.scope == "s01"
    listed = _grassroots("keys", "list", data=data)
    assert key.id in listed.stdout
    not_a_territory = _grassroots("keys", "create", "--role", "viewer", "--scope", "nowhere", data=data)
    assert not_a_territory.returncode == 1 and "nowhere" in not_a_territory.stderr, "the scope is still checked, read-only"
    assert _grassroots("keys", "revoke", key.id, data=data).returncode == 0
    assert KeyRing(data / "keys.json").verify(token) is None


def test_import_and_generate_beside_the_server_say_how_to_write_through_it(data: Path, server: MemoryStore, tmp_path: Path) -> None:
    held = contents(server)
    before = _store_files(data)
    ledger = tmp_path / "东湖 台账.xlsx"
    assert _grassroots("template", str(ledger), data=data).returncode == 0

    imported = _grassroots("import", str(ledger), "--dry-run", data=data)
    assert imported.returncode == 1
    said = imported.stderr
    assert "正由运行中的服务使用" in said and "owned by the running server" not in said, "Chinese, unless English is asked for"
    assert 'curl -H "Authorization: Bearer <key>" --data-binary' in said
    assert f"'@{ledger}'" in said, "the file itself, quoted for the shell"
    assert "/imports?filename=%E4%B8%9C%E6%B9%96%20%E5%8F%B0%E8%B4%A6.xlsx&dry_run=true" in said, "the name as a URL carries it"
    assert "http://127.0.0.1:8000/" in said and "停止服务" in said
    english = _grassroots("import", str(ledger), "--dry-run", "--lang", "en", data=data).stderr
    assert "stop the server" in english and "停止服务" not in english and "/imports?filename=" in english

    generated = _grassroots("generate", "--households", "1000", "--replace", data=data)
    assert generated.returncode == 1
    assert "正由运行中的服务使用" in generated.stderr and "/imports?filename=file.xlsx" in generated.stderr
    assert "停止服务" in generated.stderr

    assert contents(server) == held and _store_files(data) == before, "nothing was written"


def test_with_no_server_import_and_generate_write_as_ever(data: Path, tmp_path: Path) -> None:
    generated = _grassroots("generate", "--households", "1000", "--replace", data=data)
    assert generated.returncode == 0, generated.stderr
    assert NOTICE not in generated.stderr and "curl" not in generated.stderr
    exported = tmp_path / "s01.xlsx"
    assert _grassroots("export", str(exported), "--scope", "s01", data=data).returncode == 0
    imported = _grassroots("import", str(exported), "--dry-run", data=data)
    assert imported.returncode == 0, imported.stderr
    assert NOTICE not in imported.stderr and "curl" not in imported.stderr
