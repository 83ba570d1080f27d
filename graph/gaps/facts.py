"""A scope as the gap rules read it: its territories on a day, in reading order, with their facts.

Two store calls (:meth:`GraphStore.territory_facts` and :meth:`GraphStore.chain_facts`) per
query, whatever the number of rules; every rule reads this object and asks the store nothing.
The members of the graph's 党建共同体 are read only when a rule first asks for them: a call for the
alliances (a district has a handful: Heshan 18) and one for each one's members.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from datetime import date
from functools import cached_property

from graph.model import Alliance, AllianceKind, EdgeKind, Level, NodeKind
from graph.recorded import recorded
from graph.scope import NodeRef, ancestors, on_date, resolve_scope, valid_on
from graph.store import Direction, GraphStore, OrgFacts, TerritoryFacts

__all__ = ["GapScope"]


class GapScope:
    """A scope's territories on a day in reading order (parents first, siblings by name), with the facts the rules read."""

    def __init__(self, store: GraphStore, scope_id: str, *, as_of: date | None) -> None:
        self.day = on_date(as_of)
        self._store = store
        self.root = resolve_scope(store, scope_id)
        facts = store.territory_facts(self.root.id, day=self.day)
        self.chain = {c.id: c for c in store.chain_facts(self.root.id, day=self.day)}
        children: dict[str | None, list[TerritoryFacts]] = defaultdict(list)
        for f in facts:
            children[f.parent].append(f)
        self._above = [NodeRef.of(t) for t in reversed(ancestors(store, self.root.id, self.day))]
        self.territories: list[TerritoryFacts] = []
        self._facts: dict[str, TerritoryFacts] = {}
        self._inside: dict[str, list[NodeRef]] = {}  # paths made as gaps ask for them: a count asks for none
        stack = list(children[None])
        while stack:
            territory = stack.pop()
            self.territories.append(territory)
            self._facts[territory.id] = territory
            kids = sorted(children[territory.id], key=lambda t: (t.name, t.id))
            stack.extend(reversed(kids))
        self.households = recorded(facts, "households").total
        """Households under each territory (its own included), counted where nothing below records them (graph.recorded)."""
        self.staff = recorded(facts, "staff").total
        """Full-time staff under each territory, counted the same way."""
        self.population = recorded(facts, "population").total
        """常住人口 under each territory, counted the same way."""

    def of_level(self, level: Level) -> list[TerritoryFacts]:
        """The scope's territories of one level, in reading order."""
        return [t for t in self.territories if t.level is level]

    def path(self, territory_id: str) -> list[NodeRef]:
        """From the street down to a territory (the district only when it is the one asked for)."""
        full = self._full_path(territory_id)
        return [t for t in full if t.level is not Level.DISTRICT] or full

    def _full_path(self, territory_id: str) -> list[NodeRef]:
        found = self._inside.get(territory_id)
        if found is None:
            territory = self._facts[territory_id]
            before = self._above if territory.parent is None else self._full_path(territory.parent)
            found = self._inside[territory_id] = [
                *before,
                NodeRef(id=territory.id, kind=NodeKind.TERRITORY, name=territory.name, level=territory.level),
            ]
        return found

    def organisation(self, territory_id: str) -> OrgFacts | None:
        """The organisation of the chain covering a territory on the day, if any."""
        return self.chain[territory_id].organisation

    def organisations(self) -> Iterator[tuple[OrgFacts, TerritoryFacts]]:
        """Each organisation of the chain covering a territory of the scope, then each unit's own, with where it sits;
        a joint organisation (联合党支部) once, at the first territory it covers."""
        seen: set[str] = set()
        for territory in self.territories:
            chain = self.chain[territory.id]
            if chain.organisation is not None and chain.organisation.id not in seen:
                seen.add(chain.organisation.id)
                yield chain.organisation, territory
            if territory.level is Level.COMMUNITY:
                for unit in chain.units:
                    if unit.organisation is not None:
                        yield unit.organisation, territory

    def community_organisations(self) -> Iterator[tuple[TerritoryFacts, OrgFacts]]:
        """Each community of the scope that has an organisation (社区党委 / 党总支 / 党支部), with it."""
        for community in self.of_level(Level.COMMUNITY):
            org = self.organisation(community.id)
            if org is not None:
                yield community, org

    @cached_property
    def practice_members(self) -> frozenset[str] | None:
        """The ids of the members (organisations, territories, units) of every 党建共同体 on the day, wherever they lie;
        None when the graph has no 共同体 on the day (the 三全 principle is Heshan's, for districts organised so)."""
        found: set[str] = set()
        any_alliance = False
        for alliance in self._store.nodes(NodeKind.ALLIANCE):
            if not isinstance(alliance, Alliance) or alliance.alliance_kind is not AllianceKind.COMMUNITY_OF_PRACTICE:
                continue
            edges = self._store.edges_of(alliance.id, kind=EdgeKind.IN_ALLIANCE, direction=Direction.IN)
            edges = [e for e in edges if valid_on(e, self.day)]
            any_alliance = any_alliance or bool(edges)
            found.update(e.source for e in edges)
        return frozenset(found) if any_alliance else None
