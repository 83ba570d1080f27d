"""What changed in a city between two days after a month of daily imports, and its trends, against the plain way.

    python bench/changes.py [--households 200000] [--runs 3]

Generates a city (graph.generator), then writes 30 days of dated changes, one write a day dated
to its day (``effective``), as a month of daily imports leaves them: each day new residential
areas with a grid under a community, grid groups dissolved, a community moved to another street
with its committee, agreements signed, posts taken. Then times, on the embedded store:

- ``changes`` of the city between the month's eve and its last day, beside the plain way in the
  same run: ``coverage`` and ``find_gaps`` asked apart on each day (what a person would run by hand
  to compare two days, without the structure, agreements, seats, posts and reports ``changes``
  also lists), so the ratio says what reading each day's facts once costs against asking twice;
- ``trends`` of the city over the twelve months to the month's end, beside twelve ``coverage`` calls.

Each timing is taken right after a write (the stores keep facts until the next write; a write
between runs makes every run cold) and again warm. Prints figures; asserts nothing.
"""

from __future__ import annotations

import argparse
import random
import statistics
import time
from collections.abc import Callable
from datetime import date, datetime, timedelta
from typing import Any

from graph.changes import changes, trends
from graph.coverage import coverage
from graph.gaps import find_gaps
from graph.generator import NetworkSpec, generate
from graph.memory import MemoryStore
from graph.model import (
    Agreement,
    Batch,
    Covers,
    Edge,
    EdgeKind,
    Level,
    Node,
    NodeKind,
    Organisation,
    OrgForm,
    Post,
    PostIn,
    PostKind,
    Provenance,
    ReportsTo,
    SignedBy,
    Territory,
    Within,
)
from graph.store import GraphStore

START = date(2026, 10, 1)
DAYS = 30


def _month(store: GraphStore, rng: random.Random) -> list[tuple[date, Batch]]:
    """Thirty days of dated changes over the generated city, each a write of its own."""
    territories = [t for t in store.nodes(NodeKind.TERRITORY) if isinstance(t, Territory)]
    communities = sorted(t.id for t in territories if t.level is Level.COMMUNITY)
    streets = sorted(t.id for t in territories if t.level is Level.STREET)
    grids = sorted(t.id for t in territories if t.level is Level.GRID)
    units = sorted(n.id for n in store.nodes(NodeKind.UNIT))
    coverer = {e.target: e.source for e in store.edges(EdgeKind.COVERS)}
    out: list[tuple[date, Batch]] = []
    for i in range(DAYS):
        day = START + timedelta(days=i)
        p = Provenance(source=f"daily-{day}", recorded_at=datetime.combine(day, datetime.min.time()))
        nodes: list[Node] = []
        edges: list[Edge] = []
        for k in range(3):  # new residential areas, each with a grid
            community = rng.choice(communities)
            area, grid = f"new-{i}-{k}", f"new-{i}-{k}-g"
            nodes += [
                Territory(id=area, name=f"新建小区{i}-{k}", level=Level.RESIDENTIAL_AREA, provenance=p),
                Territory(id=grid, name=f"新建小区{i}-{k}第1网格", level=Level.GRID, households=rng.randint(50, 300), provenance=p),
            ]
            edges += [
                Within(source=area, target=community, valid_from=day, provenance=p),
                Within(source=grid, target=area, valid_from=day, provenance=p),
            ]
        for grid in rng.sample(grids, 2):  # grid groups dissolved (their last day)
            org = coverer.get(grid)
            if org is not None:
                edges.append(Covers(source=org, target=grid, valid_to=day, provenance=p))
        if i % 7 == 3:  # a community moves to another street, its committee with it
            community = rng.choice(communities)
            street = rng.choice(streets)
            current = [e.target for e in store.edges_of(community, kind=EdgeKind.WITHIN) if e.valid_to is None]
            if current and current[0] != street:
                edges.append(Within(source=community, target=street, valid_from=day, provenance=p))
                org, street_org = coverer.get(community), coverer.get(street)
                if org is not None and street_org is not None:
                    edges.append(ReportsTo(source=org, target=street_org, valid_from=day, provenance=p))
        for k in range(2):  # agreements signed
            community, unit = rng.choice(communities), rng.choice(units)
            party = coverer.get(community)
            if party is not None:
                aid = f"ag-new-{i}-{k}"
                nodes.append(Agreement(id=aid, signed_on=day, expires_on=day + timedelta(days=730), provenance=p))
                edges += [
                    SignedBy(source=aid, target=party, provenance=p),
                    SignedBy(source=aid, target=coverer.get(unit, unit), provenance=p),
                ]
        community = rng.choice(communities)  # a new secretary
        if community in coverer:
            pid = f"post-new-{i}"
            nodes.append(Post(id=pid, post=PostKind.DEPUTY_SECRETARY, person=f"新委员{i}", valid_from=day, provenance=p))
            edges.append(PostIn(source=pid, target=coverer[community], provenance=p))
        if i % 5 == 0:  # a branch set up for one of the new areas
            area = f"new-{max(0, i - 1)}-0"
            org = f"o-{area}-{i}"
            parent = coverer.get(rng.choice(communities))
            nodes.append(Organisation(id=org, name=f"新建小区党支部{i}", level=Level.RESIDENTIAL_AREA, form=OrgForm.BRANCH, provenance=p))
            edges.append(Covers(source=org, target=area, valid_from=day, provenance=p))
            if parent is not None:
                edges.append(ReportsTo(source=org, target=parent, valid_from=day, provenance=p))
        out.append((day, Batch(nodes=nodes, edges=edges)))
    return out


def _timed(call: Callable[[], Any], runs: int, *, touch: Callable[[], None] | None = None) -> float:
    """Median milliseconds of ``runs`` calls, each after ``touch`` (a write, so every run is cold) when given."""
    times = []
    for _ in range(runs):
        if touch is not None:
            touch()
        started = time.perf_counter()
        call()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--households", type=int, default=200_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--seed", type=int, default=16)
    args = parser.parse_args()

    store = MemoryStore()
    started = time.perf_counter()
    for batch in generate(NetworkSpec(households=args.households, seed=args.seed)):
        store.write(batch, effective=START - timedelta(days=1))
    generated = time.perf_counter() - started
    month = _month(store, random.Random(args.seed))
    started = time.perf_counter()
    for day, batch in month:
        store.write(batch, effective=day)
    written = time.perf_counter() - started
    city = next(t.id for t in store.nodes(NodeKind.TERRITORY) if isinstance(t, Territory) and t.level is Level.DISTRICT)
    print(
        f"city of {args.households:,} households: {store.count():,} nodes, {store.count_edges():,} edges "
        f"(generated in {generated:.1f}s; 30 daily writes in {written:.1f}s)"
    )
    since, until = START - timedelta(days=1), START + timedelta(days=DAYS - 1)
    found = changes(store, city, since=since, until=until)
    print(
        f"changes {since}..{until}: {len(found.territories)} territories, {len(found.organisations)} organisations, "
        f"{len(found.gaps)} gaps opened or closed, {len(found.agreements)} agreements, {len(found.posts)} posts"
    )

    n = [0]
    touched = Provenance(source="bench-touch", recorded_at=datetime(2026, 11, 1))

    def touch() -> None:  # a write the facts caches see, so the next read is cold
        n[0] += 1
        store.write(Batch(nodes=[Territory(id=f"touch-{n[0]}", name="触碰", level=Level.DISTRICT, provenance=touched)]))

    def plain() -> None:
        for day in (since, until):
            coverage(store, city, as_of=day)
            find_gaps(store, city, as_of=day, limit=10_000_000)

    months = trends(store, city, until=until).months  # the twelve month ends trends draws

    def plain_trends() -> None:
        for day in months:
            coverage(store, city, as_of=day)

    rows = [
        ("changes (two days, everything)", lambda: changes(store, city, since=since, until=until), plain, "coverage+gaps on each day"),
        ("trends (12 month ends)", lambda: trends(store, city, until=until), plain_trends, "12 coverage calls"),
    ]
    print(f"{'':34}{'cold ms':>10}{'plain cold':>12}{'ratio':>8}{'warm ms':>10}{'plain warm':>12}{'ratio':>8}  plain way")
    for name, call, baseline, what in rows:
        cold, plain_cold = _timed(call, args.runs, touch=touch), _timed(baseline, args.runs, touch=touch)
        call()
        warm, plain_warm = _timed(call, args.runs), _timed(baseline, args.runs)
        print(
            f"{name:34}{cold:>10.0f}{plain_cold:>12.0f}{cold / plain_cold:>8.2f}{warm:>10.0f}{plain_warm:>12.0f}"
            f"{warm / plain_warm:>8.2f}  {what}"
        )
    store.close()


if __name__ == "__main__":
    main()
