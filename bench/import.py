"""Importing a generated city's ledger end to end (read, validate, write), against the plain way in the same run.

    python bench/import.py [--households 1000000] [--neo4j-households 200000]

The city is generated, exported as a CSV folder and a workbook, then each import runs in a
child process of its own so that its peak memory (ru_maxrss) is its own:

- plain: ``csv.reader`` rows added straight to a networkx DiGraph, no checks (the floor);
- the import into MemoryStore, from CSV and from the workbook;
- the loader's own memory: peak of the import minus the same graph opened from its snapshot;
- Neo4j (when NEO4J_URI is set): the import of a smaller city into Neo4jStore, where the
  graph lives in the server, so the client's peak is the loader's alone.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--households", type=int, default=1_000_000)
    parser.add_argument("--neo4j-households", type=int, default=200_000)
    parser.add_argument("--child", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        _child(*args.child)
        return
    with tempfile.TemporaryDirectory(prefix="grassroots-bench-") as tmp:
        folder = Path(tmp)
        rows = _city(folder, args.households, "city")
        print(f"city of {args.households:,} households: {rows:,} rows in the ledger")
        plain = _run("plain", folder / "city-csv")
        print(f"  plain csv + networkx, no checks     {rows / plain['seconds']:>9,.0f} rows/s   peak {plain['peak_mb']:>6,.0f} MB")
        for form in ("city-csv", "city.xlsx"):
            got = _run("memory", folder / form, folder / f"data-{form}")
            loaded = _run("open", folder / f"data-{form}")
            overhead = (got["peak_mb"] - loaded["peak_mb"]) * 1024 * 1024 / rows
            print(
                f"  import {form:<10} -> MemoryStore   {rows / got['seconds']:>9,.0f} rows/s   peak {got['peak_mb']:>6,.0f} MB"
                f"   x{got['seconds'] / plain['seconds']:.1f} the time of plain; the graph alone {loaded['peak_mb']:,.0f} MB held,"
                f" the loader {overhead:,.0f} bytes a row"
            )
        if os.environ.get("NEO4J_URI"):
            for households in (args.neo4j_households // 4, args.neo4j_households):
                small = _city(folder, households, f"small{households}")
                got = _run("neo4j", folder / f"small{households}-csv")
                print(
                    f"  import {households:,} households ({small:,} rows) -> Neo4jStore   {small / got['seconds']:>7,.0f} rows/s"
                    f"   client peak {got['peak_mb']:,.0f} MB"
                )
        else:
            print("  Neo4j: NEO4J_URI is not set, not measured")


def _city(folder: Path, households: int, name: str) -> int:
    from graph.generator import NetworkSpec, generate
    from graph.memory import MemoryStore
    from loaders.exporter import export

    store = MemoryStore()
    for batch in generate(NetworkSpec(households=households, seed=7)):
        store.write(batch)
    summary = export(store, folder / f"{name}-csv")
    export(store, folder / f"{name}.xlsx")
    return sum(summary.rows.values())


def _run(mode: str, *paths: Path) -> dict[str, float]:
    out = subprocess.run(
        [sys.executable, __file__, "--child", mode, *map(str, paths)], capture_output=True, text=True, check=True, cwd=ROOT
    ).stdout
    return json.loads(out.strip().splitlines()[-1])


def _child(mode: str, *paths: str) -> None:
    import networkx  # noqa: F401 - loaded before the clock starts, as the other modes' imports are

    started = time.perf_counter()
    if mode == "plain":
        _plain(Path(paths[0]))
    elif mode == "memory":
        from graph.memory import MemoryStore
        from loaders.importer import import_file

        store = MemoryStore(paths[1], durable=False)
        started = time.perf_counter()
        report = import_file(store, Path(paths[0]))
        assert report.ok, report.problems[:3]
        seconds = time.perf_counter() - started
        peak = _peak_mb()  # before close, whose snapshot is the store's cost, not the import's
        store.close()
        print(json.dumps({"seconds": seconds, "peak_mb": peak}))
        return
    elif mode == "open":
        import gc

        from graph.memory import MemoryStore

        store = MemoryStore(paths[0])
        gc.collect()
        print(json.dumps({"seconds": 0.0, "peak_mb": _peak_mb("VmRSS")}))  # the graph held, not the peak of reading its file
        store.close()
        return
    elif mode == "neo4j":
        from graph.settings import Settings, StoreKind
        from loaders.importer import import_file
        from service.bootstrap import bootstrap

        store = bootstrap(Settings(store=StoreKind.NEO4J)).store  # NEO4J_URI, NEO4J_USER... as the service reads them
        store.clear()
        started = time.perf_counter()
        report = import_file(store, Path(paths[0]))
        assert report.ok, report.problems[:3]
        seconds = time.perf_counter() - started
        store.clear()
        store.close()
        print(json.dumps({"seconds": seconds, "peak_mb": _peak_mb()}))
        return
    print(json.dumps({"seconds": time.perf_counter() - started, "peak_mb": _peak_mb()}))


def _plain(folder: Path) -> None:
    """Each row straight into a DiGraph: a node with its cells, an edge to what it names; nothing checked."""
    import networkx as nx

    graph = nx.DiGraph()
    targets = {"structure": 3, "household_heads": 2, "units": 3, "agreements": 1, "alliances": 3, "big_committee": 0}
    for table, column in targets.items():
        path = folder / f"{table}.csv"
        if not path.exists():
            continue
        with open(path, encoding="utf-8-sig", newline="") as f:
            reader = csv.reader(f)
            header = next(reader)
            for cells in reader:
                graph.add_node(cells[0], **dict(zip(header, cells, strict=False)))
                if cells[column]:
                    graph.add_edge(cells[0], cells[column])


def _peak_mb(field: str = "VmHWM") -> float:
    """This process's peak resident memory (VmHWM: ru_maxrss would carry the parent's peak across fork and exec), or VmRSS now."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(f"{field}:"):
            return int(line.split()[1]) / 1024
    return float("nan")


if __name__ == "__main__":
    main()
