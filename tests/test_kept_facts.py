"""Facts kept up to date by each write (graph.keeper) equal the plain walks after every kind of write.

On a generated district, after each kind of write (create, update, dated move, removal, a dated edge
closing, an import refused half way) today's facts each store gives, coverage and the gap count
equal what the reference walks of ``graph.scope`` give. A keeper told of writes by the
store's ``touched_since`` alone follows each write without a rebuild: what proves each store tells
every territory a write touches (Neo4j's included, whose own facts are not kept yet).
"""

from __future__ import annotations

from collections.abc import Collection, Iterator
from datetime import date, timedelta
from typing import Any

import pytest

from graph.coverage import coverage
from graph.errors import InvariantViolation
from graph.gaps import count_gaps
from graph.generator import NetworkSpec, generate
from graph.keeper import FactsKeeper
from graph.memory import MemoryStore
from graph.model import (
    Batch,
    Covers,
    EdgeKind,
    EdgeRef,
    Level,
    LocatedIn,
    Member,
    MemberCategory,
    MemberOf,
    MemberRole,
    NodeKind,
    Serves,
    Territory,
    Within,
)
from graph.scope import ancestors, walk_chain_facts, walk_territory_facts
from graph.store import ChainFacts, Direction, GraphStore, TerritoryFacts
from tests.utils.network import PROV

SPEC = NetworkSpec(households=4_000, seed=5)  # two communities, small enough for Neo4j round trips
SCOPES = ("d", "s01c01")


class _Walked:
    """A store read only through the reference walks: no keeper, no store's own facts."""

    def __init__(self, store: GraphStore) -> None:
        self._store = store
        self._walks: dict[tuple[str, str, date], list[Any]] = {}

    def __getattr__(self, name: str) -> Any:
        if name == "keeper":
            raise AttributeError(name)
        return getattr(self._store, name)

    def territory_facts(self, territory_id: str, *, day: date) -> list[TerritoryFacts]:
        key = ("territory", territory_id, day)
        if key not in self._walks:
            self._walks[key] = walk_territory_facts(self._store, territory_id, day=day)
        return self._walks[key]

    def chain_facts(self, territory_id: str, *, day: date) -> list[ChainFacts]:
        key = ("chain", territory_id, day)
        if key not in self._walks:
            self._walks[key] = walk_chain_facts(self._store, territory_id, day=day)
        return self._walks[key]


def _walked_keeper(store: GraphStore) -> FactsKeeper:
    """A keeper told of writes only by the store's ``touched_since``: its own facts are the store's answers for the
    whole district kept to the ids asked (one statement on Neo4j), themselves checked against the walks."""

    def roots(day: date) -> list[str]:
        territories = [n.id for n in store.nodes(NodeKind.TERRITORY)]
        return [t for t in territories if not ancestors(store, t, day)]

    def own_facts(ids: Collection[str] | None, day: date) -> list[TerritoryFacts]:
        found = []
        for root in roots(day):
            found += [f for f in store.territory_facts(root, day=day) if ids is None or f.id in ids]
        return found

    def own_chains(ids: list[str], day: date) -> list[ChainFacts]:
        wanted = set(ids)
        return [c for root in roots(day) for c in store.chain_facts(root, day=day) if c.id in wanted]

    return FactsKeeper(store, own_facts=own_facts, own_chains=own_chains)


def _by_id(facts: list[Any]) -> dict[str, Any]:
    return {f.id: f for f in facts}


@pytest.fixture
def city(store: GraphStore) -> Iterator[tuple[GraphStore, FactsKeeper]]:
    for batch in generate(SPEC):
        store.write(batch)
    keeper = _walked_keeper(store)
    _assert_kept(store, keeper)  # read once: every answer is kept from here on
    yield store, keeper


def _assert_kept(store: GraphStore, keeper: FactsKeeper) -> None:
    today = date.today()
    plain = _Walked(store)
    memory = isinstance(store, MemoryStore)  # on Neo4j each reference walk is thousands of round trips: the city only
    for scope in SCOPES if memory else SCOPES[:1]:
        if not store.has_node(scope):
            continue
        walked = _by_id(plain.territory_facts(scope, day=today))
        assert _by_id(store.territory_facts(scope, day=today)) == walked, scope
        assert _by_id(keeper.territory_facts(scope) or []) == walked, scope
        chains = _by_id(plain.chain_facts(scope, day=today))
        assert _by_id(store.chain_facts(scope, day=today)) == chains, scope
        assert _by_id(keeper.chain_facts(scope) or []) == chains, scope
        assert coverage(store, scope) == coverage(plain, scope), scope  # type: ignore[arg-type]
        assert count_gaps(store, scope) == count_gaps(plain, scope), scope  # type: ignore[arg-type]


def _written(store: GraphStore, keeper: FactsKeeper, batch: Batch) -> None:
    """Write, then check every answer against the walks, and that the keeper followed without walking everything."""
    before = store.version()
    store.write(batch)
    assert store.version() != before
    _assert_kept(store, keeper)
    assert keeper.rebuilds == 1, "kept up to date from touched_since, not rebuilt"


def _grid(store: GraphStore) -> Territory:
    grid = store.node("s01c01a02g1")
    assert isinstance(grid, Territory)
    return grid


def test_create(city: tuple[GraphStore, FactsKeeper]) -> None:
    store, keeper = city
    batch = Batch(
        nodes=[
            Territory(id="s01c01a02g9", name="新网格", level=Level.GRID, households=77, provenance=PROV),
            Member(
                id="h-new",
                name="新联户长",
                category=MemberCategory.RETIRED,
                roles=(MemberRole.HOUSEHOLD_HEAD,),
                households=12,
                provenance=PROV,
            ),
        ],
        edges=[
            Within(source="s01c01a02g9", target="s01c01a02", provenance=PROV),
            Serves(source="h-new", target="s01c01a02g9", provenance=PROV),
        ],
    )
    _written(store, keeper, batch)


def test_update(city: tuple[GraphStore, FactsKeeper]) -> None:
    store, keeper = city
    _written(store, keeper, Batch(nodes=[_grid(store).model_copy(update={"households": 999})]))
    # a household head (held where serving), a member held by an area's branch, one held by a unit's organisation
    for member_id in ("h-s01c01a01g1-01", "m-s01c01-0001", "m-s01c01-0007"):
        member = store.node(member_id)
        assert isinstance(member, Member)
        other = MemberCategory.RETIRED if member.category is MemberCategory.IN_SERVICE else MemberCategory.IN_SERVICE
        _written(store, keeper, Batch(nodes=[member.model_copy(update={"category": other})]))
    org = store.node("o-s01c01")  # its name is read by every organisation reporting to it
    _written(store, keeper, Batch(nodes=[org.model_copy(update={"name": "改名社区党委"})]))


def test_dated_move(city: tuple[GraphStore, FactsKeeper]) -> None:
    store, keeper = city
    today = date.today()
    _written(store, keeper, Batch(edges=[Within(source="s01c01a02", target="s01c02", valid_from=today, provenance=PROV)]))
    _written(store, keeper, Batch(edges=[LocatedIn(source="u-s01c01a01-pm", target="s01c02", valid_from=today, provenance=PROV)]))
    _written(store, keeper, Batch(edges=[MemberOf(source="h-s01c01a01g1-01", target="o-s01c02", valid_from=today, provenance=PROV)]))
    _written(store, keeper, Batch(edges=[MemberOf(source="m-s01c01-0007", target="o-s01c02", valid_from=today, provenance=PROV)]))


def test_remove(city: tuple[GraphStore, FactsKeeper]) -> None:
    store, keeper = city
    _written(store, keeper, Batch(remove_nodes=["h-s01c01a01g1-02"]))
    _written(store, keeper, Batch(remove_nodes=["u-s01c01a01-pm"]))
    _written(store, keeper, Batch(remove_nodes=["o-s01c01a01"]))
    _written(store, keeper, Batch(remove_edges=[EdgeRef(source="s01c01a02g1", kind=EdgeKind.WITHIN, target="s01c01a02")]))


def test_dated_edges_closing(city: tuple[GraphStore, FactsKeeper]) -> None:
    store, keeper = city
    yesterday = date.today() - timedelta(days=1)
    covering = store.edges_of("s01c01a02", kind=EdgeKind.COVERS, direction=Direction.IN)[0]
    _written(store, keeper, Batch(edges=[Covers(source=covering.source, target=covering.target, valid_to=yesterday, provenance=PROV)]))
    serving = store.edges_of("h-s01c01a01g1-03", kind=EdgeKind.SERVES)[0]
    _written(store, keeper, Batch(edges=[Serves(source=serving.source, target=serving.target, valid_to=yesterday, provenance=PROV)]))


def test_an_import_refused_half_way_changes_nothing(city: tuple[GraphStore, FactsKeeper]) -> None:
    store, keeper = city
    before = store.version()

    def batches() -> Iterator[Batch]:
        yield Batch(nodes=[_grid(store).model_copy(update={"households": 1})])
        yield Batch(edges=[Within(source="s01c01a02g1", target="nowhere", provenance=PROV)])

    with pytest.raises(InvariantViolation):
        store.write_all(batches())
    assert store.version() == before and _grid(store).households != 1
    _assert_kept(store, keeper)
    assert keeper.rebuilds == 1

    def interrupted() -> Iterator[Batch]:
        yield Batch(nodes=[_grid(store).model_copy(update={"households": 2})])
        raise OSError("the file is cut short")

    with pytest.raises(OSError):
        store.write_all(interrupted())
    assert store.version() == before
    _assert_kept(store, keeper)


def test_a_large_import_is_rebuilt_and_still_equal(city: tuple[GraphStore, FactsKeeper], monkeypatch: pytest.MonkeyPatch) -> None:
    """Past graph.touched.BATCH_LIMIT a store tells "unknown": the keeper walks everything again."""
    store, keeper = city
    monkeypatch.setattr("graph.touched.BATCH_LIMIT", 10)
    members = [m for m in store.nodes(NodeKind.MEMBER) if isinstance(m, Member) and m.households][:20]
    store.write(Batch(nodes=[m.model_copy(update={"households": m.households + 1}) for m in members]))
    assert store.touched_since(store.version() - 1) is None
    _assert_kept(store, keeper)
    assert keeper.rebuilds == 2
