"""Facts kept up to date by each write (保持最新的事实): today's facts of every territory, and sums over subtrees.

A store that keeps its facts holds a :class:`FactsKeeper`: each territory's own
:class:`~graph.store.TerritoryFacts` and :class:`~graph.store.ChainFacts` for today, who lies within
whom, and any number of *rollups*, a value per territory made from its own facts and its children's
values (coverage's subtree sums, :mod:`graph.coverage`). On a read the keeper asks the store's
:meth:`~graph.store.GraphStore.version`; if it moved, :meth:`~graph.store.GraphStore.touched_since`
names the territories to recompute (their own facts, through the store's walk of exactly those
territories), and the rollups of those and of their ancestors are made again, children first. None
from ``touched_since`` (a clear, a large import), or another day, and it starts again from a full
walk. Days other than today are not kept: the store walks them as before.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Collection, Hashable, Iterable
from contextlib import AbstractContextManager
from dataclasses import replace
from datetime import date
from typing import Any, Generic, Protocol, TypeVar, runtime_checkable

from graph.store import ChainFacts, GraphStore, TerritoryFacts

__all__ = ["Combine", "FactsKeeper", "KeepsFacts", "kept"]

R = TypeVar("R")

Combine = Callable[[TerritoryFacts, list[R]], R]
"""A rollup's rule: a territory's value from its own facts and its children's values (in no promised order)."""

OwnFacts = Callable[[Collection[str] | None, date], list[TerritoryFacts]]
"""The store's walk of exactly these territories (all when None) on a day, each with its parent on the day."""
OwnChains = Callable[[list[str], date], list[ChainFacts]]
"""The store's chain facts of exactly these territories on a day."""

_REBUILD_SHARE = 0.5
"""Past this share of the territories touched, one full walk costs less than recomputing each."""
_ROLLUPS_KEPT = 8


@runtime_checkable
class KeepsFacts(Protocol):
    """A store that keeps its facts up to date: the queries read its keeper instead of walking."""

    def keeper(self) -> FactsKeeper | None:
        """The store's keeper, or None when it cannot answer now (from inside a write not yet committed)."""
        ...


def kept(store: GraphStore, day: date) -> FactsKeeper | None:
    """The keeper answering ``store`` on ``day``, if it keeps that day (today) and can answer now."""
    if not isinstance(store, KeepsFacts):
        return None
    keeper = store.keeper()
    return keeper if keeper is not None and day == date.today() else None


class _Rollup(Generic[R]):
    """One rollup's values, per territory."""

    def __init__(self, combine: Combine[R]) -> None:
        self.combine = combine
        self.values: dict[str, R] = {}


class FactsKeeper:
    """Today's facts of every territory of one store, brought up to date on each read from what the writes since touched.

    ``lock`` is held while it reads the store and changes what it keeps (the embedded store's own
    lock, so that no write lands half way through a recompute); without one it takes its own.
    """

    def __init__(
        self, store: GraphStore, *, own_facts: OwnFacts, own_chains: OwnChains, lock: AbstractContextManager[Any] | None = None
    ) -> None:
        self._store = store
        self._own_facts = own_facts
        self._own_chains = own_chains
        self._lock: AbstractContextManager[Any] = lock if lock is not None else threading.RLock()
        self._day: date | None = None
        self._version = -1
        self._facts: dict[str, TerritoryFacts] = {}
        self._children: dict[str | None, set[str]] = {}
        self._chains: dict[str, ChainFacts] | None = None
        self._rollups: dict[Hashable, _Rollup[Any]] = {}
        self.rebuilds = 0
        """How many times it walked everything (tests and benchmarks read it)."""

    # -- what queries read ------------------------------------------------------------------

    def territory_facts(self, root: str) -> list[TerritoryFacts] | None:
        """:meth:`GraphStore.territory_facts` of ``root`` today, parents first; None when ``root`` is no territory kept."""
        with self._lock:
            self._sync()
            if root not in self._facts:
                return None
            return [replace(self._facts[root], parent=None), *(self._facts[t] for t in self._below(root))]

    def chain_facts(self, root: str) -> list[ChainFacts] | None:
        """:meth:`GraphStore.chain_facts` of ``root`` today; None when ``root`` is no territory kept."""
        with self._lock:
            self._sync()
            if root not in self._facts:
                return None
            chains = self._chains_kept()
            return [chains[root], *(chains[t] for t in self._below(root))]

    def own(self, territory_id: str) -> TerritoryFacts | None:
        """One territory's own facts today (``parent``: where it lies), or None."""
        with self._lock:
            self._sync()
            return self._facts.get(territory_id)

    def rollup(self, key: Hashable, combine: Combine[R], root: str) -> tuple[R, list[tuple[TerritoryFacts, R]]] | None:
        """The value of ``root`` under the rollup ``key`` (made by ``combine``), and each child's with its facts;
        None when ``root`` is no territory kept. The first ask builds the rollup for every territory."""
        with self._lock:
            self._sync()
            if root not in self._facts:
                return None
            found = self._rollups.get(key)
            if found is None:
                if len(self._rollups) >= _ROLLUPS_KEPT:
                    self._rollups.clear()
                found = self._rollups[key] = _Rollup(combine)
                self._roll(found, self._facts)
            values: dict[str, R] = found.values
            return values[root], [(self._facts[c], values[c]) for c in self._children.get(root, ())]

    # -- keeping up -------------------------------------------------------------------------

    def _sync(self) -> None:
        today = date.today()
        version = self._store.version()
        if self._day != today or self._version < 0:
            self._rebuild(today, version)
            return
        if version == self._version:
            return
        touched = self._store.touched_since(self._version)
        if touched is None or len(touched) > _REBUILD_SHARE * max(len(self._facts), 1):
            self._rebuild(today, version)
            return
        self._version = version  # a write landing during the recompute is recomputed again on the next read
        self._recompute(touched)

    def _rebuild(self, day: date, version: int) -> None:
        self.rebuilds += 1
        self._day, self._version = day, version
        self._facts, self._children, self._chains = {}, {}, None
        for facts in self._own_facts(None, day):
            self._place(facts)
        for rollup in self._rollups.values():
            rollup.values.clear()
            self._roll(rollup, self._facts)

    def _place(self, facts: TerritoryFacts) -> None:
        self._facts[facts.id] = facts
        self._children.setdefault(facts.parent, set()).add(facts.id)

    def _recompute(self, touched: frozenset[str]) -> None:
        assert self._day is not None
        dirty: set[str] = set()
        left: set[str] = set()  # the parents touched territories lay within: their sums change too
        for territory_id in touched:
            old = self._facts.pop(territory_id, None)
            if old is not None:
                self._children.get(old.parent, set()).discard(territory_id)
                if old.parent is not None:
                    left.add(old.parent)
        fresh = self._own_facts(touched, self._day)
        for facts in fresh:
            self._place(facts)
        gone = touched - self._facts.keys()
        if self._chains is not None:
            for territory_id in gone:
                self._chains.pop(territory_id, None)
            for chain in self._own_chains([f.id for f in fresh], self._day):
                self._chains[chain.id] = chain
        if not self._rollups:
            return
        for territory_id in (touched | left) & self._facts.keys():
            dirty.update(self._up(territory_id))
        for rollup in self._rollups.values():
            for territory_id in gone:
                rollup.values.pop(territory_id, None)
            self._roll(rollup, dirty)

    def _up(self, territory_id: str) -> Iterable[str]:
        """A territory and each one it lies within, up to its root (a cycle stops the climb)."""
        seen: set[str] = set()
        current: str | None = territory_id
        while current is not None and current not in seen and current in self._facts:
            seen.add(current)
            yield current
            current = self._facts[current].parent

    def _roll(self, rollup: _Rollup[R], which: Iterable[str]) -> None:
        """Make the values of ``which`` again, children before parents."""
        depth = {t: sum(1 for _ in self._up(t)) for t in which}
        values = rollup.values
        for territory_id in sorted(depth, key=depth.__getitem__, reverse=True):
            kids = [values[c] for c in self._children.get(territory_id, ()) if c in values]
            values[territory_id] = rollup.combine(self._facts[territory_id], kids)

    def _below(self, root: str) -> list[str]:
        """Every territory within ``root`` today (not itself), parents first."""
        out: list[str] = []
        stack = sorted(self._children.get(root, ()), reverse=True)
        seen = {root}
        while stack:
            territory_id = stack.pop()
            if territory_id in seen:
                continue
            seen.add(territory_id)
            out.append(territory_id)
            stack.extend(self._children.get(territory_id, ()))
        return out

    def _chains_kept(self) -> dict[str, ChainFacts]:
        if self._chains is None:
            assert self._day is not None
            self._chains = {c.id: c for c in self._own_chains(list(self._facts), self._day)}
        return self._chains
