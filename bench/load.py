"""Bulk loading into each store, against the plain way in the same run.

    python bench/load.py [--households 1000000] [--neo4j-households 300000]
    NEO4J_URI=neo4j://127.0.0.1:7687 python bench/load.py --only neo4j --neo4j-households 1000000

Embedded: the generated city written to MemoryStore (in memory, and on disk with its
journal) against a plain networkx DiGraph given the same nodes with three attributes and
the same edges. Neo4j (when NEO4J_URI is set): the same city written through Neo4jStore
against a plain 10,000-row ``UNWIND ... CREATE`` of the same nodes.
"""

from __future__ import annotations

import argparse
import gc
import os
import shutil
import tempfile
import time
import tracemalloc
from collections.abc import Callable

import networkx as nx

from graph.generator import NetworkSpec, generate
from graph.memory import MemoryStore
from graph.model import Batch


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--households", type=int, default=1_000_000)
    parser.add_argument("--neo4j-households", type=int, default=300_000)
    parser.add_argument("--repeat", type=int, default=3, help="runs of each timing; the best is reported")
    parser.add_argument("--only", choices=["all", "neo4j"], default="all", help="run one section")
    args = parser.parse_args()
    if args.only == "neo4j":
        _neo4j(args.neo4j_households)
        return

    started = time.perf_counter()
    batches = list(generate(NetworkSpec(households=args.households)))
    nodes = sum(len(b.nodes) for b in batches)
    edges = sum(len(b.edges) for b in batches)
    print(f"generated {args.households:,} households: {nodes:,} nodes, {edges:,} edges in {time.perf_counter() - started:.1f} s")

    print(f"\nembedded store (best of {args.repeat})")
    plain = _best(args.repeat, lambda: _plain_networkx(batches))
    memory = _best(args.repeat, lambda: _memory_store(batches))
    on_disk = _best(args.repeat, lambda: _memory_store_on_disk(batches))
    items = nodes + edges
    print(f"  plain networkx, 3 attributes      {items / plain:>10,.0f} nodes+edges/s")
    print(f"  MemoryStore, in memory            {items / memory:>10,.0f} nodes+edges/s   x{plain / memory:.2f} of plain")
    print(f"  MemoryStore, journal + snapshot   {items / on_disk:>10,.0f} nodes+edges/s   x{plain / on_disk:.2f} of plain")

    plain_bytes = _bytes_held(lambda: _plain_networkx(batches, keep=True))
    store_bytes = _bytes_held(lambda: _memory_store(batches, keep=True))
    print(f"  bytes a node, plain networkx      {plain_bytes / nodes:>10,.0f}")
    print(f"  bytes a node, MemoryStore         {store_bytes / nodes:>10,.0f}   (edges, attributes and provenance included)")

    if os.environ.get("NEO4J_URI"):
        _neo4j(args.neo4j_households)
    else:
        print("\nNeo4j: skipped, NEO4J_URI is not set")


def _best(repeat: int, run: Callable[[], float]) -> float:
    return min(run() for _ in range(repeat))


def _plain_networkx(batches: list[Batch], *, keep: bool = False) -> float:
    gc.collect()
    started = time.perf_counter()
    g = nx.DiGraph()
    for batch in batches:
        g.add_nodes_from((n.id, {"kind": n.kind, "name": getattr(n, "name", None), "source": n.provenance.source}) for n in batch.nodes)
        g.add_edges_from((e.source, e.target, {"kind": e.kind}) for e in batch.edges)
    elapsed = time.perf_counter() - started
    _KEPT.append(g) if keep else None
    return elapsed


def _memory_store(batches: list[Batch], *, keep: bool = False) -> float:
    gc.collect()
    started = time.perf_counter()
    store = MemoryStore()
    for batch in batches:
        store.write(batch)
    elapsed = time.perf_counter() - started
    _KEPT.append(store) if keep else None
    return elapsed


def _memory_store_on_disk(batches: list[Batch]) -> float:
    folder = tempfile.mkdtemp(prefix="grassroots-bench-")
    try:
        gc.collect()
        started = time.perf_counter()
        store = MemoryStore(folder)
        for batch in batches:
            store.write(batch)
        store.close()  # the snapshot is part of the load
        return time.perf_counter() - started
    finally:
        shutil.rmtree(folder)


_KEPT: list[object] = []


def _bytes_held(build: Callable[[], float]) -> int:
    """Bytes still allocated once the structure is built (the input models excluded)."""
    gc.collect()
    tracemalloc.start()
    before = tracemalloc.get_traced_memory()[0]
    build()
    gc.collect()
    held = tracemalloc.get_traced_memory()[0] - before
    tracemalloc.stop()
    _KEPT.clear()
    return held


def _neo4j(households: int) -> None:
    from graph.neo4j_store import Neo4jStore
    from graph.settings import Settings, StoreKind
    from service.bootstrap import bootstrap

    batches = list(generate(NetworkSpec(households=households, seed=9)))
    nodes = sum(len(b.nodes) for b in batches)
    edges = sum(len(b.edges) for b in batches)
    store = bootstrap(Settings(store=StoreKind.NEO4J)).store  # NEO4J_URI, NEO4J_USER... as the service reads them
    assert isinstance(store, Neo4jStore)
    store.clear()
    driver = store._driver
    _drop_plain(driver)
    rows = [{"id": n.id, "kind": n.kind.value, "name": getattr(n, "name", None)} for b in batches for n in b.nodes]
    started = time.perf_counter()
    for start in range(0, len(rows), 10_000):
        driver.execute_query("UNWIND $rows AS row CREATE (n:Plain) SET n = row", rows=rows[start : start + 10_000])
    plain = time.perf_counter() - started
    # The floor for what the store writes: the same nodes, then the same edges, each end found by an index on id.
    driver.execute_query("CREATE INDEX plain_id IF NOT EXISTS FOR (n:Plain) ON (n.id)")
    driver.execute_query("CALL db.awaitIndexes()")
    links = [{"source": e.source, "target": e.target, "kind": e.kind.value} for b in batches for e in b.edges]
    started = time.perf_counter()
    for start in range(0, len(links), 10_000):
        driver.execute_query(
            "UNWIND $rows AS row MATCH (a:Plain {id: row.source}) MATCH (b:Plain {id: row.target}) "
            "CREATE (a)-[:PLAIN {kind: row.kind}]->(b)",
            rows=links[start : start + 10_000],
        )
    plain_edges = time.perf_counter() - started
    _drop_plain(driver)
    driver.execute_query("DROP INDEX plain_id IF EXISTS")

    started = time.perf_counter()
    for batch in batches:
        store.write(batch)
    loaded = time.perf_counter() - started
    print(f"\nNeo4j ({households:,} households: {nodes:,} nodes, {edges:,} edges)")
    print(f"  plain UNWIND CREATE, 10k rows     {nodes / plain:>10,.0f} nodes/s (nodes only, no edges, no checks)")
    both = plain + plain_edges
    print(f"  plain UNWIND CREATE, then edges   {nodes / both:>10,.0f} nodes/s   {(nodes + edges) / both:,.0f} nodes+edges/s (no checks)")
    print(f"  Neo4jStore.write                  {nodes / loaded:>10,.0f} nodes/s   {(nodes + edges) / loaded:,.0f} nodes+edges/s")
    store.clear()
    store.close()


def _drop_plain(driver: object) -> None:
    while driver.execute_query("MATCH (n:Plain) WITH n LIMIT 10000 DETACH DELETE n RETURN count(*) AS n").records[0]["n"]:  # type: ignore[attr-defined]
        pass


if __name__ == "__main__":
    main()
