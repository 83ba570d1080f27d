"""Query latency on a generated city, against the plain way in the same run.

    python bench/queries.py [--households 1000000] [--runs 30]
    python bench/queries.py --households 200000 --runs 10 --only scoped-reads
    NEO4J_URI=neo4j://127.0.0.1:7687 python bench/queries.py --households 1000000 --only neo4j

Embedded, on today's facts (what the keeper of ``graph.keeper`` keeps up to date): ``coverage`` of
the city and of one street, and ``count_gaps`` of the city, on MemoryStore, right after a
one-record write (a grid's households changed: the keeper recomputes what it touched, "after
write") and between writes; the one-record write's own time; beside them, the plain way: a
networkx traversal of the subtree per request over a plain ``nx.DiGraph`` holding the same
nodes and edges as attribute dicts. The first read of all, which builds what is kept, is
printed apart ("first read"). Then requests per second of ``GET /scopes/d/coverage`` through starlette's
TestClient (in process, no network).

Neo4j, when ``NEO4J_URI`` is set (``NEO4J_USER``, ``NEO4J_PASSWORD``; ``--only neo4j`` runs this
section alone): the same city is written once into that database (which is cleared first and
after: use one nobody else needs), then today's city and street coverage and the city's gap
count through Neo4jStore, between writes and right after a one-record write (the keeper of
graph.keeper recomputes only the territories it touched), beside the plain way there: one
straightforward variable-length Cypher match over the subtree with an OPTIONAL MATCH per
neighbour, computing the same figures as the plain networkx walk. Prints figures; asserts
only that the plain ways agree.

Scoped reads (``--only scoped-reads`` runs this section alone): a street viewer's search and xlsx
export through ``Context``, which walk down from the street (graph.access.belonging_in), beside the
way they were, kept here as the baseline: search every node and filter the first 10,000 hits by
the policy; export every node and edge of the store, cut to the scope, the policy asked of each.
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
from collections import Counter, defaultdict
from collections.abc import Callable
from datetime import date
from functools import partial
from pathlib import Path
from typing import Any
from unittest import mock

import networkx as nx
from fastapi.testclient import TestClient

from api.app import create_app
from graph.access import belonging
from graph.coverage import coverage
from graph.errors import WrongKind
from graph.gaps import count_gaps
from graph.generator import NetworkSpec, generate
from graph.memory import MemoryStore
from graph.model import Batch, EdgeKind, Level, NodeKind, Territory
from graph.navigation import SearchPage, search
from graph.settings import Settings
from graph.store import GraphStore
from loaders import exporter
from service.context import Context
from service.keys import KeyRing
from service.policy import Policy
from service.principal import AccessRole, Principal

_VALID = "({r}.valid_from IS NULL OR {r}.valid_from <= $day) AND ({r}.valid_to IS NULL OR $day <= {r}.valid_to)"
PLAIN_CYPHER = f"""
MATCH p = (t:Territory)-[:WITHIN*0..]->(:Node {{id: $id}})
WHERE all(w IN relationships(p) WHERE {_VALID.format(r="w")})
OPTIONAL MATCH (o:Organisation)-[c:COVERS]->(t) WHERE {_VALID.format(r="c")}
WITH t, count(o) > 0 AS covered
OPTIONAL MATCH (m:Member)-[s:SERVES]->(t) WHERE {_VALID.format(r="s")}
WITH t, covered, collect(m) AS members
OPTIONAL MATCH (u:Unit)-[l:LOCATED_IN]->(t) WHERE {_VALID.format(r="l")}
OPTIONAL MATCH (uo:Organisation)-[uc:COVERS]->(u) WHERE {_VALID.format(r="uc")}
RETURN t.id AS id, t.level AS level, t.households AS households, covered, [m IN members | m.category] AS categories,
       [m IN members WHERE 'household_head' IN m.roles | m.households] AS heads,
       count(DISTINCT u) AS units, count(DISTINCT uo) AS units_organised
"""
"""The plain way on Neo4j: the figures of :func:`_plain_coverage`, by the query one would write first."""


def _timed(call: Callable[[], Any], runs: int, *, before: Callable[[], Any] | None = None) -> tuple[float, float]:
    """p50 and p95 in milliseconds; ``before`` runs untimed before each call (a write the call then reads after)."""
    times = []
    for _ in range(runs):
        if before is not None:
            before()
        started = time.perf_counter()
        call()
        times.append((time.perf_counter() - started) * 1000)
    times.sort()
    return statistics.median(times), times[min(len(times) - 1, round(0.95 * (len(times) - 1)))]


def _plain_graph(batches: list[Batch]) -> nx.DiGraph:
    g = nx.DiGraph()
    for batch in batches:
        g.add_nodes_from((n.id, n.model_dump(exclude={"provenance", "properties"})) for n in batch.nodes)
        g.add_edges_from((e.source, e.target, {"kind": e.kind, "valid_from": e.valid_from, "valid_to": e.valid_to}) for e in batch.edges)
    return g


def _plain_coverage(g: nx.DiGraph, scope: str, day: date) -> Counter[str]:
    """The territory figures of coverage the plain way: walk the WITHIN edges down from the scope, look around each."""

    def valid(d: dict[str, Any]) -> bool:
        return (d["valid_from"] is None or d["valid_from"] <= day) and (d["valid_to"] is None or day <= d["valid_to"])

    def ins(node: str, kind: str) -> list[str]:
        return [u for u, _, d in g.in_edges(node, data=True) if d["kind"] == kind and valid(d)]

    c: Counter[str] = Counter()
    queue = [scope]
    for t in queue:  # WITHIN edges valid on the day, as the stores follow them
        data = g.nodes[t]
        if data["kind"] != NodeKind.TERRITORY:
            continue
        queue.extend(ins(t, "WITHIN"))
        covered = any(g.nodes[o]["kind"] == NodeKind.ORGANISATION for o in ins(t, "COVERS"))
        members = ins(t, "SERVES")
        c.update(g.nodes[m]["category"] for m in members)
        if data["level"] is Level.GRID:
            linked = sum(g.nodes[m]["households"] for m in members if "household_head" in g.nodes[m]["roles"])
            c["grids"] += 1
            c["grids_with_group"] += covered
            c["households"] += data["households"] or 0
            c["linked"] += min(linked, data["households"] or 0)
        elif data["level"] is Level.RESIDENTIAL_AREA:
            c["areas"] += 1
            c["areas_with_branch"] += covered
        elif data["level"] is Level.COMMUNITY:
            for unit in ins(t, "LOCATED_IN"):
                c["units"] += 1
                c["units_organised"] += bool(ins(unit, "COVERS"))
    return c


def _plain_cypher_coverage(driver: Any, scope: str, day: date) -> Counter[str]:
    records, _, _ = driver.execute_query(PLAIN_CYPHER, id=scope, day=day)
    c: Counter[str] = Counter()
    for r in records:
        c.update(r["categories"])
        households = r["households"] or 0
        if r["level"] == Level.GRID:
            c["grids"] += 1
            c["grids_with_group"] += r["covered"]
            c["households"] += households
            c["linked"] += min(sum(r["heads"]), households)
        elif r["level"] == Level.RESIDENTIAL_AREA:
            c["areas"] += 1
            c["areas_with_branch"] += r["covered"]
        elif r["level"] == Level.COMMUNITY:
            c["units"] += r["units"]
            c["units_organised"] += r["units_organised"]
    return c


def _neo4j(
    batches: list[Batch], plain: nx.DiGraph, street: str, day: date, runs: int, row: Callable[[str, str, float, float], None]
) -> None:
    from graph.neo4j_store import Neo4jStore
    from graph.settings import StoreKind
    from service.bootstrap import bootstrap

    store = bootstrap(Settings(store=StoreKind.NEO4J)).store  # NEO4J_URI, NEO4J_USER... as the service reads them
    assert isinstance(store, Neo4jStore)
    grid = next(n for b in batches for n in b.nodes if isinstance(n, Territory) and n.level is Level.GRID)
    day = date.today()  # the facts kept up to date by each write are today's (graph.keeper); other days are walked

    def touch() -> None:  # a one-record write that changes a figure no query here reads, then puts it back
        store.write(Batch(nodes=[grid.model_copy(update={"staff": (grid.staff or 0) + 1})]))
        store.write(Batch(nodes=[grid]))

    try:
        store.clear()
        started = time.perf_counter()
        nodes = sum(len(b.nodes) for b in batches)
        for batch in batches:
            store.write(batch)
        loaded = time.perf_counter() - started
        print(f"Neo4j: the city written in {loaded:.1f} s ({nodes / loaded:,.0f} nodes/s); {store.count():,} nodes")
        driver = store._driver
        for name, scope in (("coverage city", "d"), ("coverage street", street)):
            a, b = _plain_cypher_coverage(driver, scope, day), _plain_coverage(plain, scope, day)
            assert a == b, (a - b, b - a)
            assert coverage(store, scope, as_of=day) == coverage(store, scope, as_of=day)
            row(name, "Neo4jStore", *_timed(partial(coverage, store, scope, as_of=day), runs))
            row(name, "Neo4jStore after write", *_after(touch, partial(coverage, store, scope, as_of=day), runs))
            row(name, "plain Cypher match", *_timed(partial(_plain_cypher_coverage, driver, scope, day), runs))
        row("gap count city", "Neo4jStore", *_timed(lambda: count_gaps(store, "d", as_of=day), runs))
        row("gap count city", "Neo4jStore after write", *_after(touch, lambda: count_gaps(store, "d", as_of=day), runs))
        row("gap count street", "Neo4jStore", *_timed(lambda: count_gaps(store, street, as_of=day), runs))
        row("one-record write", "Neo4jStore", *_timed(lambda: store.write(Batch(nodes=[grid])), runs))
    finally:
        store.clear()
        store.close()


def _neo4j_only(households: int, runs: int) -> None:
    """The Neo4j section alone (``--only neo4j``), its plain ways beside it."""
    batches = list(generate(NetworkSpec(households=households)))
    street = min(n.id for b in batches for n in b.nodes if isinstance(n, Territory) and n.level is Level.STREET)
    nodes, edges = sum(len(b.nodes) for b in batches), sum(len(b.edges) for b in batches)
    print(f"{households:,} households: {nodes:,} nodes, {edges:,} edges; street {street}")
    print(f"{'query':<28}{'store':<26}{'p50 ms':>10}{'p95 ms':>10}")

    def row(query: str, how: str, p50: float, p95: float) -> None:
        print(f"{query:<28}{how:<26}{p50:>10.1f}{p95:>10.1f}")

    _neo4j(batches, _plain_graph(batches), street, NetworkSpec(households=households).as_of, runs, row)


def _after(write: Callable[[], None], read: Callable[[], Any], runs: int) -> tuple[float, float]:
    """p50 and p95 in milliseconds of ``read`` alone, each run right after ``write`` (whose time is not counted)."""
    times = []
    for _ in range(runs):
        write()
        started = time.perf_counter()
        read()
        times.append((time.perf_counter() - started) * 1000)
    times.sort()
    return statistics.median(times), times[min(len(times) - 1, round(0.95 * (len(times) - 1)))]


def _search_filter_after(store: GraphStore, principal: Principal, text: str) -> SearchPage:
    """The old scoped search: the first 10,000 hits of the whole graph, those the policy lets the key see kept."""
    policy = Policy(store, principal)
    found = search(store, text, limit=10_000, offset=0)
    mine = [item for item in found.items if policy.sees(item.node.id)]
    return found.model_copy(update={"items": mine[:20], "total": len(mine), "limit": 20, "offset": 0})


def _view_filter_after(cls: type[exporter._View], store: GraphStore, scope: str | None, *, ancestors: bool = True) -> exporter._View:
    """The old ``_View.of``: every node and edge of the store, then the scope's part (belonging over the edge list)."""
    nodes = {n.id: n for n in store.nodes()}
    edges = list(store.edges())
    assert scope is not None
    if not isinstance(nodes[scope], Territory):
        raise WrongKind(scope)
    keep = belonging(edges, scope)
    parent = {e.source: e.target for e in edges if e.kind is EdgeKind.WITHIN}
    up = scope
    while ancestors and up in parent:
        up = parent[up]
        keep.add(up)
    far = (EdgeKind.SIGNED_BY, EdgeKind.ON_BEHALF_OF, EdgeKind.HELD_BY)
    keep.update(e.target for e in edges if e.kind in far and e.source in keep)
    keep.update(e.source for e in edges if e.kind is EdgeKind.COVERS and e.target in keep)
    above = {e.source: e.target for e in edges if e.kind is EdgeKind.WITHIN and e.source == scope and e.target not in keep}
    view = cls(
        {i: n for i, n in nodes.items() if i in keep}, [e for e in edges if e.source in keep and e.target in keep], *_indexes(), above
    )
    view.index()
    return view


def _indexes() -> tuple[Any, Any]:
    return defaultdict(lambda: defaultdict(list)), defaultdict(lambda: defaultdict(list))


def _export_filter_after(store: GraphStore, principal: Principal, path: Path, scope: str) -> None:
    """The old scoped export: the old view, the policy asked of every node in it."""
    with mock.patch.object(exporter._View, "of", classmethod(_view_filter_after)):
        policy = Policy(store, principal)
        exporter.export(store, path, scope=scope, fmt="xlsx", ancestors=False, mask=policy.mask, keep=policy.sees)


def _scoped_reads(households: int, runs: int) -> None:
    """A street viewer's search and export, the walk down from the street beside the old whole-graph read."""
    store = MemoryStore()
    store.write_all(generate(NetworkSpec(households=households)))
    streets = sorted(t.id for t in store.nodes(NodeKind.TERRITORY) if isinstance(t, Territory) and t.level is Level.STREET)
    street = streets[len(streets) // 2]
    viewer = Principal(key_id="bench", role=AccessRole.VIEWER, scope=street)
    ctx = Context(store, viewer)
    print(f"\nscoped reads: {households:,} households, {store.count():,} nodes, {len(streets)} streets; a viewer of {street}")
    print(f"{'read':<28}{'how':<26}{'p50 ms':>10}{'p95 ms':>10}")
    assert ctx.search("党", kinds=None, limit=20, offset=0) == _search_filter_after(store, viewer, "党")
    with tempfile.TemporaryDirectory() as folder:
        target = Path(folder) / "street.xlsx"
        for how, call in (
            ("walk down from the street", lambda: ctx.on().search("党", kinds=None, limit=20, offset=0)),
            ("old: filter every hit", lambda: _search_filter_after(store, viewer, "党")),
        ):
            print(f"{'search 党 (first page)':<28}{how:<26}" + "".join(f"{t:>10.1f}" for t in _timed(call, runs)))
        for how, call in (
            ("walk down from the street", lambda: ctx.on().export(target, scope_id=street, fmt="xlsx")),
            ("old: cut from every node", lambda: _export_filter_after(store, viewer, target, street)),
        ):
            print(f"{'export street xlsx':<28}{how:<26}" + "".join(f"{t:>10.1f}" for t in _timed(call, runs)))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--households", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=30, help="timed runs of each fast query")
    parser.add_argument("--only", choices=["all", "scoped-reads", "neo4j"], default="all", help="run one section")
    args = parser.parse_args()
    if args.only == "scoped-reads":
        _scoped_reads(args.households, args.runs)
        return
    if args.only == "neo4j":
        _neo4j_only(args.households, args.runs)
        return

    spec = NetworkSpec(households=args.households)
    day = date.today()  # the keeper keeps today; another day is walked as before
    batches = list(generate(spec))
    store = MemoryStore()
    store.write_all(batches)
    plain = _plain_graph(batches)
    street = min(n.id for b in batches for n in b.nodes if isinstance(n, Territory) and n.level is Level.STREET)
    print(f"{args.households:,} households: {store.count():,} nodes, {store.count_edges():,} edges; street {street}")
    print(f"{'query':<28}{'store':<26}{'p50 ms':>10}{'p95 ms':>10}")

    def row(query: str, how: str, p50: float, p95: float) -> None:
        print(f"{query:<28}{how:<26}{p50:>10.1f}{p95:>10.1f}")

    grid = next(n for b in batches for n in b.nodes if isinstance(n, Territory) and n.level is Level.GRID)

    edits = iter(range(1, 1_000_000))

    def one_record_write() -> None:  # a grid's households changed: its facts and its ancestors' sums move
        store.write(Batch(nodes=[grid.model_copy(update={"households": (grid.households or 0) + next(edits)})]))

    for name, first in (("coverage city", lambda: coverage(store, "d")), ("gap count city", lambda: count_gaps(store, "d"))):
        row(name, "MemoryStore first read", *_timed(first, 1))
    row("one-record write", "MemoryStore", *_timed(one_record_write, args.runs))
    for name, query in (
        ("coverage city", lambda: coverage(store, "d")),
        ("coverage street", lambda: coverage(store, street)),
        ("gap count city", lambda: count_gaps(store, "d")),
        ("gap count street", lambda: count_gaps(store, street)),
    ):
        row(name, "MemoryStore after write", *_timed(query, args.runs, before=one_record_write))
        row(name, "MemoryStore", *_timed(query, args.runs))
        if name.startswith("coverage"):
            row(name, "plain networkx", *_timed(partial(_plain_coverage, plain, "d" if "city" in name else street, day), 5))
    if os.environ.get("NEO4J_URI"):
        _neo4j(batches, plain, street, day, args.runs, row)
    else:
        print("Neo4j: skipped, NEO4J_URI is not set")

    with tempfile.TemporaryDirectory() as keys_dir:  # with a key, as a client calls it: the check is part of the cost
        keys = Path(keys_dir) / "keys.json"
        _, token = KeyRing(keys).create(role=AccessRole.VIEWER, scope=None)
        app = create_app(Settings(auth=True, keys_file=keys), store_factory=lambda _settings: store)
        with TestClient(app, headers={"Authorization": f"Bearer {token}"}) as client:
            url = f"/scopes/d/coverage?as_of={day}"
            assert client.get(url).status_code == 200
            started, n = time.perf_counter(), 0
            while time.perf_counter() - started < 5:
                client.get(url)
                n += 1
            print(f"API GET {url}: {n / (time.perf_counter() - started):.0f} requests/s (TestClient, one client)")
    _scoped_reads(args.households, max(3, args.runs // 3))


if __name__ == "__main__":
    main()
