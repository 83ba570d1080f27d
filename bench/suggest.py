"""Partner suggestions (双向点单) for every community of a generated city, against the plain way in the same run.

    python bench/suggest.py [--households 1000000] [--sample 40]

Three ways, all answering the same question for the same communities:

- ``Market`` once: the district's needs and resources read and indexed by concept once
  (graph.suggestions.Market), then ``for_community`` for every community of the city;
- one request each: ``community_suggestions(store, id)`` per community, as the API answers one
  request (each reads and indexes the district again), on a sample of communities, scaled;
- the plain way: the same market, but every need of a community compared with every item of
  resources of the district (no concept index, no cache of compared pairs), on the same sample, scaled.

The three must give the same answers, byte for byte (checked).

The embedded store always; Neo4j too when ``NEO4J_URI`` is set (its database is cleared first and
after: use one nobody else needs). Prints figures and checks the three ways agree; asserts nothing else.
"""

from __future__ import annotations

import argparse
import copy
import os
import time
from collections.abc import Callable
from typing import Any

from graph.generator import NetworkSpec, generate
from graph.meaning import Thesaurus, shipped_groups
from graph.memory import MemoryStore
from graph.model import Territory
from graph.store import GraphStore
from graph.suggestions import Market, community_suggestions


def _timed(fn: Callable[[], Any]) -> tuple[float, Any]:
    started = time.perf_counter()
    out = fn()
    return time.perf_counter() - started, out


class _EveryItem(dict[str, set[tuple[str, int]]]):
    """A concept index that answers every item of resources for any concept: the plain way, every pair compared."""

    def __init__(self, items: set[tuple[str, int]]) -> None:
        super().__init__()
        self.items_ = items

    def get(self, key: str, default: Any = None) -> set[tuple[str, int]]:  # type: ignore[override]
        return self.items_


class _NoMemory(dict[tuple[str, str], Any]):
    """A cache of compared pairs that keeps nothing: the plain way compares every pair every time."""

    def get(self, key: tuple[str, str], default: Any = None) -> Any:  # type: ignore[override]
        return None

    def __setitem__(self, key: tuple[str, str], value: Any) -> None:
        pass


def _plain(market: Market) -> Market:
    """The same market without its concept index or its cache of compared pairs: every need compared with every item of
    resources of the district, every time."""
    plain = copy.copy(market)
    plain.by_concept = _EveryItem({(u, k) for u, offer in market.offers.items() for k in range(len(offer.items))})
    plain._compared = _NoMemory()
    return plain


def run(store: GraphStore, name: str, *, sample: int) -> None:
    thesaurus = Thesaurus.of(shipped_groups())
    thesaurus.words("预热")  # jieba's dictionary, built once per process, is not the query's cost
    built, market = _timed(lambda: Market(store, "d", thesaurus=thesaurus))
    communities = list(market.needs)
    answered, answers = _timed(lambda: [market.for_community(store.node(c)) for c in communities])  # type: ignore[arg-type]
    suggested = sum(len(a.units) for a in answers)
    print(f"{name}: {len(communities):,} communities, {len(market.offers):,} units, {suggested:,} suggestions")
    per = answered / len(communities) * 1000
    print(f"  Market once            {built + answered:8.2f} s  (build {built:.2f} s, then {per:.1f} ms a community)")
    picked = communities[:: max(1, len(communities) // sample)][:sample]
    each, found = _timed(lambda: [community_suggestions(store, c, thesaurus=thesaurus) for c in picked])
    every_pair = _plain(market)
    plain, plain_found = _timed(lambda: [every_pair.for_community(store.node(c)) for c in picked])  # type: ignore[arg-type]
    by_id = {a.of.id: a.model_dump_json() for a in answers}
    assert [by_id[c] for c in picked] == [f.model_dump_json() for f in found] == [f.model_dump_json() for f in plain_found]
    scale = len(communities) / len(picked)
    print(f"  one request each       {each * scale:8.2f} s  ({each / len(picked):.2f} s a community; {len(picked)} measured, scaled)")
    plain_total, market_total = plain * scale + built, built + answered  # the plain way reads the district once too
    per = plain / len(picked) * 1000
    print(f"  plain: every pair      {plain_total:8.2f} s  ({per:.1f} ms a community; {len(picked)} measured, scaled)")
    print(f"  ratios: one request each / Market {each * scale / market_total:.1f}x; plain / Market {plain_total / market_total:.1f}x")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--households", type=int, default=1_000_000)
    parser.add_argument("--sample", type=int, default=40, help="communities timed one request each, and the plain way")
    args = parser.parse_args()
    spec = NetworkSpec(households=args.households, seed=7)
    store = MemoryStore()
    for batch in generate(spec):
        store.write(batch)
    districts = sum(1 for t in store.nodes() if isinstance(t, Territory) and t.level.value == "district")
    assert districts == 1
    run(store, f"MemoryStore, {args.households:,} households", sample=args.sample)
    store.close()
    if os.environ.get("NEO4J_URI"):
        from graph.settings import Settings, StoreKind
        from service.bootstrap import bootstrap

        neo4j = bootstrap(Settings(store=StoreKind.NEO4J)).store
        neo4j.clear()
        try:
            for batch in generate(spec):
                neo4j.write(batch)
            run(neo4j, f"Neo4jStore, {args.households:,} households", sample=min(args.sample, 10))
        finally:
            neo4j.clear()
            neo4j.close()
    else:
        print("Neo4j: skipped, NEO4J_URI is not set")


if __name__ == "__main__":
    main()
