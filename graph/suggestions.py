"""Partner suggestions (双向点单, Duyun; Heshan's 三张清单): which units could meet a community's needs, and the reverse.

A community's needs are its own list (需求清单, kept on the community) and the needs written
into its co-building agreements; a unit's resources are its own list (资源清单, kept on the
unit) and the resources of the agreements it signed. Items are matched on meaning
(graph/meaning.py: segmentation and the synonym list). For a community, the units in reach
(its street first, then the rest of its district) that offer what it needs and have no
agreement with it in force on the day (signed by then, not yet expired), ranked; for a unit, the
communities in reach that need what it offers. Every suggestion names the items that met,
the words they share, and whether a synonym joined them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum

from pydantic import BaseModel, Field

from graph.errors import WrongKind
from graph.i18n import _
from graph.labels import term
from graph.meaning import MATCH_SHARE, Thesaurus, Word, compare, normalise
from graph.model import BODY_TYPES, Agreement, EdgeKind, Level, Node, Organisation, Territory, Unit
from graph.scope import DayReader, NodeRef, ancestors, on_date
from graph.store import GraphStore

__all__ = [
    "CommunitySuggestion",
    "ItemMatch",
    "Market",
    "Reach",
    "SharedWord",
    "Suggestions",
    "UnitSuggestion",
    "community_suggestions",
    "unit_suggestions",
]


class Reach(StrEnum):
    """How near a suggested partner is: the same street first, then the rest of the district."""

    STREET = "street"
    DISTRICT = "district"


class SharedWord(BaseModel):
    """A concept a need and a resource both name: the word on each side, and whether a synonym group joined them."""

    concept: str = Field(description="the synonym group's first word, or the word itself")
    need_word: str
    resource_word: str
    synonym: bool = Field(description="the two words differ and meet through the synonym list (近义词表)")


class ItemMatch(BaseModel):
    """One need met by one resource: the items as recorded, where each is recorded, how much of the need it covers, and why."""

    need: str
    need_from: NodeRef = Field(description="the community (its own 需求清单) or the agreement that lists the need")
    resource: str
    resource_from: NodeRef = Field(description="the unit (its own 资源清单) or the agreement that lists the resource")
    score: float = Field(description="the share of the need's words the resource covers, 0..1")
    shared: list[SharedWord]


class UnitSuggestion(BaseModel):
    """A unit suggested to a community, with the needs it could meet."""

    unit: NodeRef
    community: NodeRef | None = Field(description="the community the unit sits in (left out for a key held to another street)")
    reach: Reach
    score: float = Field(description="the share of the community's needs the unit meets, each weighed by how well")
    matches: list[ItemMatch]


class CommunitySuggestion(BaseModel):
    """A community suggested to a unit, with the needs of it the unit could meet."""

    community: NodeRef
    reach: Reach
    score: float = Field(description="the share of the community's needs the unit meets, each weighed by how well")
    matches: list[ItemMatch]


class Suggestions(BaseModel):
    """What a community needs or a unit offers, and the partners suggested for it, nearest and best first."""

    of: NodeRef
    as_of: date
    items: list[str] = Field(description="the community's needs or the unit's resources, as matched")
    units: list[UnitSuggestion] = Field(default_factory=list, description="for a community")
    communities: list[CommunitySuggestion] = Field(default_factory=list, description="for a unit")
    total: int = Field(default=0, description="how many partners are suggested in all (the lists may be a page of them)")

    def page(self, *, limit: int, offset: int) -> Suggestions:
        """The same answer with a page of its partners, ``total`` counting them all."""
        total = len(self.units) + len(self.communities)
        window = slice(offset, offset + limit)
        return self.model_copy(update={"units": self.units[window], "communities": self.communities[window], "total": total})


@dataclass
class _Items:
    """One party's items, each with where it is recorded and its words."""

    owner: Node
    items: list[tuple[str, NodeRef, tuple[Word, ...]]] = field(default_factory=list)

    def add(self, text: str, source: NodeRef, words: tuple[Word, ...]) -> None:
        if text.strip() and all(normalise(text) != normalise(t) for t, _source, _words in self.items):
            self.items.append((text, source, words))


class Market:
    """The needs and resources of one district on one day, indexed by concept: answers every community and unit of it.

    ``may_read`` says which agreements' lists may be read (a street's key reads its own; a unit's
    own 资源清单 is read whatever street it lies in: it is what the unit offers the district).
    """

    def __init__(
        self,
        store: GraphStore,
        district_id: str,
        *,
        as_of: date | None = None,
        thesaurus: Thesaurus,
        may_read: Callable[[str], bool] | None = None,
    ) -> None:
        self.read = DayReader(store, as_of=as_of)
        self.day = self.read.day
        self.thesaurus = thesaurus
        self.may_read = may_read or (lambda _id: True)
        self._words: dict[str, tuple[Word, ...]] = {}
        self._refs: dict[str, NodeRef] = {}
        self._compared: dict[tuple[str, str], tuple[float, list[SharedWord]]] = {}
        self.street_of: dict[str, str] = {}
        self.needs: dict[str, _Items] = {}
        self.offers: dict[str, _Items] = {}
        self.unit_community: dict[str, Territory] = {}
        self.running: set[tuple[str, str]] = set()  # (community, unit) with an agreement signed by the day and not expired
        self.by_concept: dict[str, set[tuple[str, int]]] = {}  # concept -> (unit, item index), words of weight 1 only
        for street in self.read.children(district_id):
            if street.level is Level.STREET:
                for community in self.read.children(street.id):
                    if community.level is Level.COMMUNITY:
                        self._community(street.id, community)
        for unit_id, offer in self.offers.items():
            for k, (_text, _source, words) in enumerate(offer.items):
                for w in words:
                    if w.weight >= 1.0:
                        self.by_concept.setdefault(w.concept, set()).add((unit_id, k))

    def words(self, text: str) -> tuple[Word, ...]:
        found = self._words.get(text)
        if found is None:
            found = self._words[text] = self.thesaurus.words(text)
        return found

    def _signed(self, party: str) -> list[Agreement]:
        return [a for a in self.read.agreements(party) if a.signed_on <= self.day and self.may_read(a.id)]

    def _community(self, street_id: str, community: Territory) -> None:
        self.street_of[community.id] = street_id
        needs = self.needs[community.id] = _Items(community)
        for text in community.needs:
            needs.add(text, self.ref(community), self.words(text))
        org = self.read.coverer(community.id)
        for agreement in self._signed(org.id) if org else []:
            for text in agreement.needs:
                needs.add(text, self.ref(agreement), self.words(text))
        for unit in self.read.units(community.id):
            if unit.unit_type in BODY_TYPES:
                continue
            self.unit_community[unit.id] = community
            offer = self.offers[unit.id] = _Items(unit)
            for text in unit.resources:
                offer.add(text, self.ref(unit), self.words(text))
            for agreement in self._signed(self.read.party_of(unit)):
                for text in agreement.resources:
                    offer.add(text, self.ref(agreement), self.words(text))
                if agreement.expires_on is None or agreement.expires_on >= self.day:
                    for other in self.read.counterparties(agreement, self.read.party_of(unit)):
                        place = self._community_of_party(other)
                        if place is not None:
                            self.running.add((place, unit.id))

    def _community_of_party(self, party: Node) -> str | None:
        """The community an agreement's other party stands for: a community's organisation, or the community itself."""
        if isinstance(party, Territory) and party.level is Level.COMMUNITY:
            return party.id
        if isinstance(party, Organisation) and party.level is Level.COMMUNITY:
            covered = [self.read.node(e.target) for e in self.read.edges(party.id, EdgeKind.COVERS, any_day=True)]
            return next((t.id for t in covered if isinstance(t, Territory)), None)
        return None

    def _meet(self, community_id: str, unit_id: str | None = None) -> dict[str, list[ItemMatch]]:
        """Each unit (or the one given) and the needs of a community it meets: the best resource for each need.

        Candidates come from the concept index (an item sharing no word of weight 1 cannot match); the
        answer's models are built without validation (made here from checked parts), once per match.
        """
        found: dict[str, list[ItemMatch]] = {}
        for need, need_from, need_words in self.needs[community_id].items:
            if unit_id is None:
                candidates = sorted({c for w in need_words if w.weight >= 1.0 for c in self.by_concept.get(w.concept, ())})
            else:
                candidates = [(unit_id, k) for k in range(len(self.offers[unit_id].items))]
            best: dict[str, tuple[float, int, list[SharedWord]]] = {}
            for uid, k in candidates:
                if (community_id, uid) in self.running:
                    continue
                score, shared = self._compare(need, need_words, self.offers[uid].items[k])
                if score >= MATCH_SHARE and score > best.get(uid, (0.0, 0, []))[0]:
                    best[uid] = (score, k, shared)
            for uid, (score, k, shared) in best.items():
                resource, resource_from, _words = self.offers[uid].items[k]
                match = ItemMatch.model_construct(
                    need=need, need_from=need_from, resource=resource, resource_from=resource_from, score=round(score, 3), shared=shared
                )
                found.setdefault(uid, []).append(match)
        return found

    def _compare(
        self, need: str, need_words: tuple[Word, ...], resource: tuple[str, NodeRef, tuple[Word, ...]]
    ) -> tuple[float, list[SharedWord]]:
        """:func:`graph.meaning.compare` of two items, with the shared words as the answer shows them; once per pair of texts
        (lists repeat the same items across a district)."""
        pair = (need, resource[0])
        found = self._compared.get(pair)
        if found is None:
            score, shared = compare(need_words, resource[2])
            words = [SharedWord.model_construct(**s._asdict()) for s in shared] if score >= MATCH_SHARE else []
            found = self._compared[pair] = (score, words)
        return found

    def ref(self, node: Node) -> NodeRef:
        """A node's reference, made once per market."""
        found = self._refs.get(node.id)
        if found is None:
            found = self._refs[node.id] = NodeRef.of(node)
        return found

    def _score(self, community_id: str, matches: list[ItemMatch]) -> float:
        return round(sum(m.score for m in matches) / max(1, len(self.needs[community_id].items)), 3)

    def _reach(self, community_id: str, other_community: str) -> Reach:
        return Reach.STREET if self.street_of.get(community_id) == self.street_of.get(other_community) else Reach.DISTRICT

    def for_community(self, community: Territory) -> Suggestions:
        """The units that could meet a community's needs, its street's first, then by score."""
        out = []
        for uid, matches in self._meet(community.id).items():
            home = self.unit_community[uid]
            out.append(
                UnitSuggestion.model_construct(
                    unit=self.ref(self.offers[uid].owner),
                    community=self.ref(home),
                    reach=self._reach(community.id, home.id),
                    score=self._score(community.id, matches),
                    matches=matches,
                )
            )
        out.sort(key=lambda s: (s.reach is not Reach.STREET, -s.score, -len(s.matches), s.unit.id))
        items = [text for text, _source, _words in self.needs[community.id].items]
        return Suggestions(of=NodeRef.of(community), as_of=self.day, items=items, units=out, total=len(out))

    def for_unit(self, unit: Unit) -> Suggestions:
        """The communities whose needs a unit could meet, its own street's first, then by score."""
        home = self.unit_community[unit.id]
        out = []
        for cid, needs in self.needs.items():
            matches = self._meet(cid, unit.id).get(unit.id)
            if matches:
                out.append(
                    CommunitySuggestion.model_construct(
                        community=self.ref(needs.owner), reach=self._reach(cid, home.id), score=self._score(cid, matches), matches=matches
                    )
                )
        out.sort(key=lambda s: (s.reach is not Reach.STREET, -s.score, -len(s.matches), s.community.id))
        items = [text for text, _source, _words in self.offers[unit.id].items]
        return Suggestions(of=NodeRef.of(unit), as_of=self.day, items=items, communities=out, total=len(out))


def _district_of(store: GraphStore, territory_id: str, day: date) -> str:
    above = ancestors(store, territory_id, day)
    return next((t.id for t in above if t.level is Level.DISTRICT), above[-1].id if above else territory_id)


def community_suggestions(
    store: GraphStore,
    community_id: str,
    *,
    as_of: date | None = None,
    thesaurus: Thesaurus,
    may_read: Callable[[str], bool] | None = None,
) -> Suggestions:
    """The units in reach that could meet a community's needs (:meth:`Market.for_community`)."""
    day = on_date(as_of)
    community = store.node(community_id)
    if not isinstance(community, Territory) or community.level is not Level.COMMUNITY:
        raise WrongKind(_("%(id)s 不是社区：双向点单为社区找驻区单位", id=community_id))
    market = Market(store, _district_of(store, community_id, day), as_of=day, thesaurus=thesaurus, may_read=may_read)
    if community_id not in market.needs:
        raise WrongKind(_("社区 %(id)s 在 %(day)s 不在任何街道之下", id=community_id, day=day))
    return market.for_community(community)


def unit_suggestions(
    store: GraphStore,
    unit_id: str,
    *,
    as_of: date | None = None,
    thesaurus: Thesaurus,
    may_read: Callable[[str], bool] | None = None,
) -> Suggestions:
    """The communities in reach whose needs a unit could meet (:meth:`Market.for_unit`)."""
    day = on_date(as_of)
    unit = store.node(unit_id)
    if not isinstance(unit, Unit):
        raise WrongKind(_("%(id)s 是%(kind)s，不是驻区单位", id=unit_id, kind=term(unit.kind)))
    read = DayReader(store, as_of=day)
    located = read.edges(unit_id, EdgeKind.LOCATED_IN)
    if not located or unit.unit_type in BODY_TYPES:
        raise WrongKind(_("驻区单位 %(id)s 在 %(day)s 不在任何社区", id=unit_id, day=day))
    market = Market(store, _district_of(store, located[0].target, day), as_of=day, thesaurus=thesaurus, may_read=may_read)
    if unit_id not in market.unit_community:
        raise WrongKind(_("驻区单位 %(id)s 在 %(day)s 不在任何社区", id=unit_id, day=day))
    return market.for_unit(unit)
