"""Importing a generated city's ledger end to end (read, validate, write), against the plain way in the same run.

    python bench/import.py [--households 1000000] [--neo4j-households 200000] [--no-workbook]
    python bench/import.py --readers path/to/ledger.xlsx   # workbook readers only, on a file of your own


The city is generated, exported as a CSV folder and a workbook, then each import runs in a
child process of its own so that its peak memory (ru_maxrss) is its own:

- plain: ``csv.reader`` rows added straight to a networkx DiGraph, no checks (the floor);
- the import into MemoryStore, from CSV and from the workbook;
- the loader's own memory: peak of the import minus the same graph opened from its snapshot;
- Neo4j (when NEO4J_URI is set): the import of a smaller city into Neo4jStore, where the
  graph lives in the server, so the client's peak is the loader's alone;
- workbook readers: the project's streaming reader (loaders/sources.py) beside python-calamine
  and fastexcel (Rust readers, measured when installed; fastexcel hands rows over as Arrow only,
  so it is measured through pyarrow), each reading every row of every sheet of the workbook.

Times are CPU seconds of the child (process_time): the machine is shared, and a wall clock
there measures the neighbours; rows/s are rows over those seconds.
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
    parser.add_argument("--no-workbook", action="store_true", help="CSV only: no workbook written, imported or read")
    parser.add_argument("--readers", type=Path, help="only compare the workbook readers on this .xlsx")
    parser.add_argument("--child", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        _child(*args.child)
        return
    if args.readers:
        _readers(args.readers)
        return
    with tempfile.TemporaryDirectory(prefix="grassroots-bench-") as tmp:
        folder = Path(tmp)
        rows = _city(folder, args.households, "city", workbook=not args.no_workbook)
        print(f"city of {args.households:,} households: {rows:,} rows in the ledger")
        plain = _run("plain", folder / "city-csv")
        print(f"  plain csv + networkx, no checks     {rows / plain['seconds']:>9,.0f} rows/s   peak {plain['peak_mb']:>6,.0f} MB")
        for form in ("city-csv",) if args.no_workbook else ("city-csv", "city.xlsx"):
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
        if not args.no_workbook:
            _readers(folder / "city.xlsx")


def _readers(workbook: Path) -> None:
    """Each workbook reader over every row of every sheet, in a child process of its own."""
    print(f"  workbook readers on {workbook.name} ({workbook.stat().st_size / 1e6:,.1f} MB):")
    ours = None
    for reader in ("ours", "calamine", "fastexcel"):
        got = _run(f"read-{reader}", workbook)
        if "missing" in got:
            print(f"    {reader:<10} not installed ({got['missing']}): not measured")
            continue
        ours = ours or got["seconds"]
        print(
            f"    {reader:<10} {got['rows'] / got['seconds']:>9,.0f} rows/s   peak {got['peak_mb']:>6,.0f} MB"
            f"   x{ours / got['seconds']:.1f} the speed of ours"
        )


def _read(reader: str, workbook: Path) -> int:
    """Every row of every sheet, as Python values (what the import would go on to check); the count."""
    count = 0
    if reader == "ours":
        from loaders.sources import open_source

        with open_source(workbook) as source:
            for sheet in source.sheets:
                for _row in sheet.rows:
                    count += 1
    elif reader == "calamine":
        from python_calamine import CalamineWorkbook

        book = CalamineWorkbook.from_path(str(workbook))
        for name in book.sheet_names:
            for _row in book.get_sheet_by_name(name).iter_rows():
                count += 1
    else:
        import fastexcel

        book = fastexcel.read_excel(str(workbook))
        for name in book.sheet_names:
            table = book.load_sheet(name, header_row=None).to_arrow()
            for _row in table.to_pylist():
                count += 1
    return count


def _city(folder: Path, households: int, name: str, *, workbook: bool = True) -> int:
    from graph.generator import NetworkSpec, generate
    from graph.memory import MemoryStore
    from loaders.exporter import export

    store = MemoryStore()
    for batch in generate(NetworkSpec(households=households, seed=7)):
        store.write(batch)
    summary = export(store, folder / f"{name}-csv")
    if workbook:
        export(store, folder / f"{name}.xlsx")
    return sum(summary.rows.values())


def _run(mode: str, *paths: Path) -> dict[str, float]:
    out = subprocess.run(
        [sys.executable, __file__, "--child", mode, *map(str, paths)], capture_output=True, text=True, check=True, cwd=ROOT
    ).stdout
    return json.loads(out.strip().splitlines()[-1])


def _child(mode: str, *paths: str) -> None:
    import networkx  # noqa: F401 - loaded before the clock starts, as the other modes' imports are

    if mode.startswith("read-"):
        reader = mode.removeprefix("read-")
        try:
            started = time.process_time()
            rows = _read(reader, Path(paths[0]))
        except ImportError as exc:
            print(json.dumps({"missing": str(exc.name)}))
            return
        print(json.dumps({"seconds": time.process_time() - started, "rows": rows, "peak_mb": _peak_mb()}))
        return
    started = time.process_time()
    if mode == "plain":
        _plain(Path(paths[0]))
    elif mode == "memory":
        from graph.memory import MemoryStore
        from loaders.importer import import_file

        store = MemoryStore(paths[1], durable=False)
        started = time.process_time()
        report = import_file(store, Path(paths[0]))
        assert report.ok, report.problems[:3]
        seconds = time.process_time() - started
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
        started = time.perf_counter()  # the server's work is not this process's CPU time: wall clock here
        report = import_file(store, Path(paths[0]))
        assert report.ok, report.problems[:3]
        seconds = time.perf_counter() - started
        store.clear()
        store.close()
        print(json.dumps({"seconds": seconds, "peak_mb": _peak_mb()}))
        return
    print(json.dumps({"seconds": time.process_time() - started, "peak_mb": _peak_mb()}))


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
