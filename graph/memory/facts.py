"""The coverage and chain facts of a scope, read straight from the embedded store's packed graph.

``territory_facts`` and ``chain_facts`` are what coverage, gaps and the map ask for most, so
they build no models: they index the packed tuples (positions from ``packing``) and compare
interned enums with ``is``. Their answers are kept per scope and day until the next change
to the graph (``FactsCache``): the first read after a write walks the scope again, later ones
cost a dictionary look-up. The module is long because the two walks are long; each reads
one answer type of ``graph.store`` field by field.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable
from datetime import date
from typing import Any, TypeVar

import networkx as nx

from graph.errors import UnknownNode, WrongKind
from graph.i18n import _
from graph.labels import term
from graph.memory.packing import HEAD, NODE_FIELDS, PackedEdge, at, valid_on
from graph.model import SIX_HAVES, EdgeKind, MemberCategory, MemberRole, NodeKind, UnitType
from graph.store import (
    AgreementFacts,
    CentreFacts,
    ChainFacts,
    HeadFacts,
    InServiceFacts,
    OrgFacts,
    OrgRef,
    PartyRef,
    PostFacts,
    ScopeUnit,
    TerritoryFacts,
    UnitFacts,
)

__all__ = ["FactsCache", "chain_facts", "territory_facts", "territory_facts_of"]

_T_NAME, _T_LEVEL = at(NodeKind.TERRITORY, "name"), at(NodeKind.TERRITORY, "level")
_T_HOUSEHOLDS, _T_STAFF = at(NodeKind.TERRITORY, "households"), at(NodeKind.TERRITORY, "staff")
_T_POPULATION = at(NodeKind.TERRITORY, "population")
_T_ABANDONED = at(NodeKind.TERRITORY, "abandoned")
_M_CATEGORY, _M_HOUSEHOLDS = at(NodeKind.MEMBER, "category"), at(NodeKind.MEMBER, "households")
_U_TYPE, _U_ELIGIBLE, _U_MEMBERS = at(NodeKind.UNIT, "unit_type"), at(NodeKind.UNIT, "eligible"), at(NodeKind.UNIT, "members")
_C_NAME, _C_LEVEL, _C_SHARE = (
    at(NodeKind.SERVICE_CENTRE, "name"),
    at(NodeKind.SERVICE_CENTRE, "centre_level"),
    at(NodeKind.SERVICE_CENTRE, "service_share"),
)
_C_HAVES = tuple((name, at(NodeKind.SERVICE_CENTRE, name)) for name in SIX_HAVES)
_A_SIGNED, _A_EXPIRES = at(NodeKind.AGREEMENT, "signed_on"), at(NodeKind.AGREEMENT, "expires_on")
_M_NAME, _U_NAME = at(NodeKind.MEMBER, "name"), at(NodeKind.UNIT, "name")
_M_PARTY, _M_ROLES = at(NodeKind.MEMBER, "party_member"), at(NodeKind.MEMBER, "roles")
_O_NAME, _O_LEVEL, _O_FORM = at(NodeKind.ORGANISATION, "name"), at(NodeKind.ORGANISATION, "level"), at(NodeKind.ORGANISATION, "form")
_O_MEMBERS, _O_UPGRADED = at(NodeKind.ORGANISATION, "members"), at(NodeKind.ORGANISATION, "upgraded")
_S_FROM, _S_TO, _S_PERSON = at(NodeKind.SEAT, "valid_from"), at(NodeKind.SEAT, "valid_to"), at(NodeKind.SEAT, "person")
_P_POST, _P_PERSON = at(NodeKind.POST, "post"), at(NodeKind.POST, "person")
_P_FROM, _P_TO = at(NodeKind.POST, "valid_from"), at(NodeKind.POST, "valid_to")
_FACTS_KEPT = 256  # scope-and-day answers kept between writes

_Answer = TypeVar("_Answer")


class FactsCache:
    """Answers of ``territory_facts`` and ``chain_facts`` kept per scope and day, until the graph changes.

    The store passes its version, a number that moves on every change to the graph (undone
    ones included); an answer kept under another version is dropped, not checked.
    """

    def __init__(self) -> None:
        self._territories: dict[tuple[str, date], list[TerritoryFacts]] = {}
        self._chains: dict[tuple[str, date], list[ChainFacts]] = {}
        self._version = -1

    def territory_facts(self, graph: nx.DiGraph, territory_id: str, *, day: date, version: int) -> list[TerritoryFacts]:
        self._drop_stale(version)
        found = _kept(self._territories, (territory_id, day), lambda: territory_facts(graph, territory_id, day=day))
        return list(found)  # a copy: the caller may change its list, not the one kept

    def chain_facts(self, graph: nx.DiGraph, territory_id: str, *, day: date, version: int) -> list[ChainFacts]:
        self._drop_stale(version)

        def walk() -> list[ChainFacts]:
            territories = self.territory_facts(graph, territory_id, day=day, version=version)
            return chain_facts(graph, [f.id for f in territories], day=day)

        return list(_kept(self._chains, (territory_id, day), walk))

    def _drop_stale(self, version: int) -> None:
        if self._version != version:
            self._territories.clear()
            self._chains.clear()
            self._version = version


def _kept(cache: dict[tuple[str, date], list[_Answer]], key: tuple[str, date], walk: Callable[[], list[_Answer]]) -> list[_Answer]:
    """The answer kept under ``key``, or a fresh walk's, kept; a full cache starts over rather than tracking age."""
    found = cache.get(key)
    if found is None:
        found = walk()
        if len(cache) >= _FACTS_KEPT:
            cache.clear()
        cache[key] = found
    return found


def _coverer_on(graph: nx.DiGraph, node_id: str, day: date) -> str | None:
    """The organisation covering a territory or unit on a day, from the packed edges."""
    nodes = graph._node
    incoming: dict[str, tuple[Any, ...]] = graph._pred[node_id]  # networkx is untyped: name what it holds
    for src, d in incoming.items():
        if d[0] is EdgeKind.COVERS and valid_on(d, day) and nodes[src][0].kind is NodeKind.ORGANISATION:
            return src
    return None


def _first_covered(outgoing: dict[str, PackedEdge], day: date) -> str | None:
    """The first by id of the territories an organisation covers on a day: where a joint organisation's own members are counted."""
    return min((v for v, d in outgoing.items() if d[0] is EdgeKind.COVERS and valid_on(d, day)), default=None)


def territory_facts(graph: nx.DiGraph, root: str, *, day: date) -> list[TerritoryFacts]:
    """The facts of territory ``root`` and every territory within it on ``day``, walked down the packed graph."""
    packed = graph._node.get(root)
    if packed is None:
        raise UnknownNode(root)
    if packed[0].kind is not NodeKind.TERRITORY:
        raise WrongKind(_("%(id)s 是%(kind)s，不是地域", id=root, kind=term(packed[0].kind)))
    return _walk(graph, [(root, None)], day=day, descend=True)


def territory_facts_of(graph: nx.DiGraph, ids: Iterable[str] | None, *, day: date) -> list[TerritoryFacts]:
    """The facts of exactly these territories (every territory when None) on ``day``, each with the
    territory it lies within that day as ``parent``; ids that are no territory are left out.
    What the kept facts (``graph.keeper``) recompute after a write."""
    nodes = graph._node
    territory = NodeKind.TERRITORY
    wanted = nodes if ids is None else ids
    start = [(t, _parent_on(graph, t, day)) for t in wanted if t in nodes and nodes[t][0].kind is territory]
    return _walk(graph, start, day=day, descend=False)


def _parent_on(graph: nx.DiGraph, territory_id: str, day: date) -> str | None:
    """The territory a territory lies within on a day (WITHIN valid on the day), if any."""
    nodes = graph._node
    outgoing: dict[str, tuple[Any, ...]] = graph._succ[territory_id]
    for target, d in outgoing.items():
        if d[0] is EdgeKind.WITHIN and valid_on(d, day) and nodes[target][0].kind is NodeKind.TERRITORY:
            return target
    return None


def _walk(graph: nx.DiGraph, start: list[tuple[str, str | None]], *, day: date, descend: bool) -> list[TerritoryFacts]:
    """Each territory of ``start`` with its parent, and when ``descend`` every one within them, parents first."""
    nodes, succ, pred = graph._node, graph._succ, graph._pred
    # Locals, not enum attribute look-ups, in the loop: it runs for every edge of the scope.
    territory, organisation, member = NodeKind.TERRITORY, NodeKind.ORGANISATION, NodeKind.MEMBER
    within, covers, serves, located_in = EdgeKind.WITHIN, EdgeKind.COVERS, EdgeKind.SERVES, EdgeKind.LOCATED_IN
    reported_to, in_service, park = EdgeKind.REPORTED_TO, MemberCategory.IN_SERVICE, UnitType.INDUSTRIAL_PARK

    def valid(d: PackedEdge) -> bool:
        return valid_on(d, day)

    def reported(member_id: str) -> bool:
        return any(d[0] is reported_to and valid(d) for d in succ[member_id].values())

    def reporting_in_service(node_id: str) -> int:
        count = 0
        for src, d in pred[node_id].items():
            if d[0] is reported_to and valid(d):
                m = nodes[src]
                count += m[0].kind is member and m[_M_PARTY] and m[_M_CATEGORY] is in_service
        return count

    def in_agreement(party: str) -> bool:
        for src, d in pred[party].items():
            if d[0] is EdgeKind.SIGNED_BY and valid(d):
                a = nodes[src]
                if a[0].kind is NodeKind.AGREEMENT and a[_A_SIGNED] <= day and (a[_A_EXPIRES] is None or day <= a[_A_EXPIRES]):
                    return True
        return False

    out: list[TerritoryFacts] = []
    seen: set[str] = set()
    stack = list(reversed(start))
    while stack:
        tid, parent = stack.pop()
        if tid in seen:
            continue  # a cycle the invariants should have refused; never loop on it
        seen.add(tid)
        t = nodes[tid]
        covered_by: str | None = None
        linked = 0
        serving: list[str] = []
        units: list[UnitFacts] = []
        unit_roll: list[str] = []
        reported_here = 0
        centres: list[CentreFacts] = []
        managers: list[Any] = []
        for src, d in pred[tid].items():
            kind = d[0]
            if kind is within:
                if descend and nodes[src][0].kind is territory and valid(d):
                    stack.append((src, tid))
            elif kind is covers:
                if covered_by is None and valid(d) and nodes[src][0].kind is organisation:
                    covered_by = src
            elif kind is serves:
                facts = nodes[src][0]
                if facts.kind is member and valid(d):
                    serving.append(src)
                    if facts.household_head:
                        linked += nodes[src][_M_HOUSEHOLDS]
            elif kind is reported_to:
                m = nodes[src]
                if m[0].kind is member and valid(d) and m[_M_PARTY] and m[_M_CATEGORY] is in_service:
                    reported_here += 1
            elif kind is located_in and nodes[src][0].kind is NodeKind.UNIT and valid(d):
                unit_org = _coverer_on(graph, src, day)
                u = nodes[src]
                units.append(UnitFacts(u[_U_TYPE], unit_org is not None, in_agreement(unit_org or src), u[_U_ELIGIBLE] is not False))
                if unit_org is not None:
                    unit_roll += _held_by(graph, unit_org, day)
                if u[_U_TYPE] is park:
                    reported_here += reporting_in_service(src)
            elif kind is EdgeKind.CENTRE_FOR and nodes[src][0].kind is NodeKind.SERVICE_CENTRE and valid(d):
                c = nodes[src]
                missing = tuple(name for name, i in _C_HAVES if not c[i])
                centres.append(CentreFacts(src, c[_C_NAME], c[_C_LEVEL], c[_C_SHARE], missing))
            elif kind is EdgeKind.MANAGES and nodes[src][0].kind is NodeKind.UNIT and valid(d):
                managers.append(nodes[src][_U_TYPE])
        # a joint organisation's own members are counted once, at the first by id of the territories it covers
        holds_here = covered_by is not None and _first_covered(succ[covered_by], day) == tid
        chain_roll = _held_by(graph, covered_by, day) if holds_here and covered_by is not None else []
        if serving:  # those serving here whose membership is held nowhere; most serving are held right here
            held_here = set(chain_roll)
            chain_roll += [m for m in serving if m not in held_here and nodes[m][_M_PARTY] and not _held(graph, m, day)]
        roles: set[MemberRole] = set()
        heads = resident_heads = 0
        for m in serving:
            packed_member = nodes[m]
            roles.update(packed_member[_M_ROLES])
            if packed_member[0].household_head:
                if packed_member[_M_PARTY]:
                    heads += 1
                else:
                    resident_heads += 1
        in_service_here = [m for m in (*chain_roll, *unit_roll) if nodes[m][_M_CATEGORY] is in_service]
        out.append(
            TerritoryFacts(
                id=tid,
                name=t[_T_NAME],
                level=t[_T_LEVEL],
                parent=parent,
                households=t[_T_HOUSEHOLDS],
                staff=t[_T_STAFF],
                covered=covered_by is not None,
                linked=linked,
                units=tuple(sorted(units)),
                members=dict(Counter(nodes[m][_M_CATEGORY] for m in chain_roll)),
                unit_members=dict(Counter(nodes[m][_M_CATEGORY] for m in unit_roll)),
                in_service=len(in_service_here),
                in_service_reported=sum(1 for m in in_service_here if reported(m)),
                reported_here=reported_here,
                roles=frozenset(roles),
                heads=heads,
                resident_heads=resident_heads,
                population=t[_T_POPULATION],
                upgraded=covered_by is not None and nodes[covered_by][_O_UPGRADED],
                centres=tuple(sorted(centres)),
                abandoned=t[_T_ABANDONED],
                managers=tuple(sorted(managers)),
            )
        )
    return out


def _held_by(graph: nx.DiGraph, org_id: str, day: date) -> list[str]:
    """The party members whose membership an organisation holds on a day (MEMBER_OF)."""
    nodes = graph._node
    return [
        m
        for m, d in graph._pred[org_id].items()
        if d[0] is EdgeKind.MEMBER_OF and valid_on(d, day) and nodes[m][0].kind is NodeKind.MEMBER and nodes[m][_M_PARTY]
    ]


def _held(graph: nx.DiGraph, member_id: str, day: date) -> bool:
    """Whether a member's membership is held anywhere on a day."""
    return any(d[0] is EdgeKind.MEMBER_OF and valid_on(d, day) for d in graph._succ[member_id].values())


def _membership_since(graph: nx.DiGraph, member_id: str, day: date) -> date | None:
    """When a member's membership held on a day began (MEMBER_OF valid_from), if recorded."""
    for d in graph._succ[member_id].values():
        if d[0] is EdgeKind.MEMBER_OF and valid_on(d, day):
            return d[HEAD + 1]  # type: ignore[no-any-return]
    return None


def chain_facts(graph: nx.DiGraph, territories: list[str], *, day: date) -> list[ChainFacts]:
    """The chain facts (organisation, household heads, units) of each territory given, on ``day``."""
    nodes, succ, pred = graph._node, graph._succ, graph._pred
    organisation, signed_by = NodeKind.ORGANISATION, EdgeKind.SIGNED_BY

    def valid(d: PackedEdge) -> bool:
        return valid_on(d, day)

    def party(node_id: str) -> PartyRef:
        p = nodes[node_id]
        kind = p[0].kind
        if kind is NodeKind.SEAT:
            name = p[_S_PERSON] or f"席位 {node_id}"
        elif kind is NodeKind.AGREEMENT:
            name = f"共建协议 {node_id}"
        else:
            name = p[HEAD + NODE_FIELDS[kind].index("name")]
        return PartyRef(node_id, kind, name)

    def agreement(a_id: str) -> AgreementFacts:
        a = nodes[a_id]
        signed = [(v, d) for v, d in succ[a_id].items() if d[0] is signed_by]
        return AgreementFacts(
            id=a_id,
            signed_on=a[_A_SIGNED],
            expires_on=a[_A_EXPIRES],
            parties_on_day=frozenset(v for v, d in signed if valid(d)),
            parties=tuple(party(v) for v in sorted(v for v, _ in signed)),
        )

    def posts(body_id: str) -> tuple[PostFacts, ...]:
        found = []
        for src, d in pred[body_id].items():
            if d[0] is EdgeKind.POST_IN and nodes[src][0].kind is NodeKind.POST:
                p = nodes[src]
                holder = next((v for v, e in succ[src].items() if e[0] is EdgeKind.HELD_BY), None)
                found.append(PostFacts(src, p[_P_POST], p[_P_PERSON], holder, p[_P_FROM], p[_P_TO]))
        return tuple(sorted(found, key=lambda f: f.id))

    def org_facts(org_id: str) -> OrgFacts:
        o = nodes[org_id]
        parent = next(
            (v for v, d in succ[org_id].items() if d[0] is EdgeKind.REPORTS_TO and valid(d) and nodes[v][0].kind is organisation), None
        )
        seats = 0
        for src, d in pred[org_id].items():
            if d[0] is EdgeKind.SEAT_ON and valid(d):
                seat = nodes[src]
                if (
                    seat[0].kind is NodeKind.SEAT
                    and (seat[_S_FROM] is None or seat[_S_FROM] <= day)
                    and (seat[_S_TO] is None or day <= seat[_S_TO])
                ):
                    seats += 1
        signed = sorted(src for src, d in pred[org_id].items() if d[0] is signed_by and nodes[src][0].kind is NodeKind.AGREEMENT)
        return OrgFacts(
            id=org_id,
            name=o[_O_NAME],
            level=o[_O_LEVEL],
            form=o[_O_FORM],
            members=o[_O_MEMBERS],
            upgraded=o[_O_UPGRADED],
            parent=OrgRef(parent, nodes[parent][_O_NAME], nodes[parent][_O_LEVEL]) if parent is not None else None,
            seats=seats,
            agreements=tuple(agreement(a) for a in signed),
            posts=posts(org_id),
        )

    out: list[ChainFacts] = []
    for tid in territories:
        heads: list[HeadFacts] = []
        units: list[ScopeUnit] = []
        for src, d in pred[tid].items():
            kind = d[0]
            if kind is EdgeKind.SERVES:
                m = nodes[src]
                if m[0].kind is NodeKind.MEMBER and m[0].household_head and valid(d):
                    heads.append(HeadFacts(src, m[_M_NAME], m[_M_HOUSEHOLDS]))
            elif kind is EdgeKind.LOCATED_IN and nodes[src][0].kind is NodeKind.UNIT and valid(d):
                u = nodes[src]
                unit_org = _coverer_on(graph, src, day)
                unit_facts = org_facts(unit_org) if unit_org is not None else None
                units.append(ScopeUnit(src, u[_U_NAME], u[_U_TYPE], unit_facts, posts(src), eligible=u[_U_ELIGIBLE], members=u[_U_MEMBERS]))
        org = _coverer_on(graph, tid, day)
        out.append(
            ChainFacts(
                id=tid,
                organisation=org_facts(org) if org is not None else None,
                heads=tuple(sorted(heads, key=lambda h: h.id)),
                units=tuple(sorted(units, key=lambda u: (u.name, u.id))),
                in_service=_in_service(graph, tid, org, [u.id for u in units], day),
            )
        )
    return out


def _in_service(graph: nx.DiGraph, tid: str, org: str | None, units: list[str], day: date) -> tuple[InServiceFacts, ...]:
    """The in-service members held in a territory (the roll coverage counts there), with when held and whether reported.

    Reads only in-service members (the category is checked before the edge's term): a fifth of a roll.
    """
    nodes, succ, pred = graph._node, graph._succ, graph._pred
    in_service, member_of, since_at = MemberCategory.IN_SERVICE, EdgeKind.MEMBER_OF, HEAD + 1
    found: list[InServiceFacts] = []

    def add(m: str, since: date | None) -> None:
        reported = any(d[0] is EdgeKind.REPORTED_TO and valid_on(d, day) for d in succ[m].values())
        found.append(InServiceFacts(m, nodes[m][_M_NAME], since, reported))

    holders = [org] if org is not None and _first_covered(succ[org], day) == tid else []  # a joint organisation's: once
    holders += [o for o in (_coverer_on(graph, u, day) for u in units) if o is not None]
    for holder in holders:
        for m, d in pred[holder].items():
            if d[0] is member_of:
                packed = nodes[m]
                if packed[_M_CATEGORY] is in_service and packed[_M_PARTY] and valid_on(d, day):
                    add(m, d[since_at])
    for m, d in pred[tid].items():
        if d[0] is EdgeKind.SERVES:
            packed = nodes[m]
            serving_in_service = packed[0].kind is NodeKind.MEMBER and packed[_M_CATEGORY] is in_service and packed[_M_PARTY]
            if serving_in_service and valid_on(d, day) and not _held(graph, m, day):
                add(m, None)
    return tuple(sorted(found))
