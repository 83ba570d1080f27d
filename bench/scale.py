"""Growth with size: a generated district of 0.1, 1 and 10 million households on the embedded store.

    python bench/scale.py [--households 100000 1000000 10000000] [--runs 20]

Each size runs in a child process of its own, so that its memory is its own. The network is
generated (graph/generator.py) and written batch by batch into a MemoryStore in memory (no data
folder: the snapshot's disk time is not the store's); then, for the whole district ("city") and
for one street:

- load: seconds to generate and write, and nodes and edges a second;
- memory a node: resident memory after loading (VmRSS, after a garbage collection) minus the
  process's before it, over the nodes held (edges, properties and the facts included);
- coverage and the gap count of today (kept up to date by each write): p50 and p95 right after a
  write ("after write": the write's own time taken off) and between writes ("kept").

The 10-million run needs about 1 GiB a million nodes (measured: 1.5 GB for 1.76 million): give it a quiet,
roomy machine, and never run it beside another heavy process. Prints a table; asserts nothing.
"""

from __future__ import annotations

import argparse
import gc
import json
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--households", type=int, nargs="+", default=[100_000, 1_000_000, 10_000_000])
    parser.add_argument("--runs", type=int, default=20, help="timed runs of each query between writes")
    parser.add_argument("--child", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(_measure(args.child, args.runs)))
        return
    header = (
        f"{'households':>11}{'nodes':>11}{'edges':>11}{'load s':>9}{'nodes/s':>9}{'B/node':>8}{'RSS MB':>8}"
        f"  {'query':<17}{'after write p50/p95 ms':>24}{'kept p50/p95 ms':>18}"
    )
    print(header)
    for households in args.households:
        out = subprocess.run(
            [sys.executable, __file__, "--child", str(households), "--runs", str(args.runs)],
            capture_output=True,
            text=True,
            check=True,
            cwd=ROOT,
        ).stdout
        got = json.loads(out.strip().splitlines()[-1])
        first = True
        for query, (cold50, cold95, warm50, warm95) in got["queries"].items():
            lead = (
                f"{households:>11,}{got['nodes']:>11,}{got['edges']:>11,}{got['load_s']:>9.1f}{got['nodes'] / got['load_s']:>9,.0f}"
                f"{got['bytes_a_node']:>8,.0f}{got['rss_mb']:>8,.0f}"
                if first
                else " " * 67
            )
            print(f"{lead}  {query:<17}{f'{cold50:.1f} / {cold95:.1f}':>24}{f'{warm50:.1f} / {warm95:.1f}':>18}", flush=True)
            first = False


def _measure(households: int, runs: int) -> dict[str, Any]:
    """Load one network and time its queries; what the table shows of it."""
    from graph.coverage import coverage
    from graph.gaps import count_gaps
    from graph.generator import NetworkSpec, generate
    from graph.memory import MemoryStore
    from graph.model import Batch, Level, Territory

    spec = NetworkSpec(households=households, seed=7)
    gc.collect()
    before = _rss_mb()
    store = MemoryStore()
    street: str | None = None
    grid: Territory | None = None
    started = time.perf_counter()
    for batch in generate(spec):
        store.write(batch)
        for node in batch.nodes:
            if isinstance(node, Territory) and node.level is Level.STREET and (street is None or node.id < street):
                street = node.id
            if grid is None and isinstance(node, Territory) and node.level is Level.GRID:
                grid = node
    load_s = time.perf_counter() - started
    gc.collect()
    rss = _rss_mb()
    nodes, edges = store.count(), store.count_edges()
    assert street is not None and grid is not None
    changed, unchanged = grid.model_copy(update={"staff": (grid.staff or 0) + 1}), grid

    def touch() -> None:  # a write that changes nothing the queries read but makes every kept answer stale
        store.write(Batch(nodes=[changed]))
        store.write(Batch(nodes=[unchanged]))

    touch50, _ = _timed(touch, 5)
    queries: dict[str, tuple[float, float, float, float]] = {}
    for name, call in (
        ("coverage city", lambda: coverage(store, "d")),
        ("coverage street", lambda: coverage(store, street)),
        ("gap count city", lambda: count_gaps(store, "d")),
        ("gap count street", lambda: count_gaps(store, street)),
    ):

        def cold(call: Callable[[], Any] = call) -> None:
            touch()
            call()

        cold50, cold95 = _timed(cold, min(runs, 7))
        warm50, warm95 = _timed(call, runs)
        queries[name] = (max(cold50 - touch50, 0.0), max(cold95 - touch50, 0.0), warm50, warm95)
    return {
        "nodes": nodes,
        "edges": edges,
        "load_s": load_s,
        "rss_mb": rss,
        "bytes_a_node": (rss - before) * 1024 * 1024 / nodes,
        "queries": queries,
    }


def _timed(call: Callable[[], Any], runs: int) -> tuple[float, float]:
    """p50 and p95 in milliseconds."""
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        call()
        times.append((time.perf_counter() - started) * 1000)
    times.sort()
    return statistics.median(times), times[min(len(times) - 1, round(0.95 * (len(times) - 1)))]


def _rss_mb() -> float:
    """This process's resident memory now (VmRSS)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


if __name__ == "__main__":
    main()
