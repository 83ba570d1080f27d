"""Walking the territory and the chain: plain functions over any GraphStore."""

from __future__ import annotations

from collections.abc import Collection, Iterator
from datetime import date

from pydantic import BaseModel, Field

from graph.errors import UnknownNode, WrongKind
from graph.i18n import _
from graph.labels import term
from graph.model import Alliance, AllianceKind, EdgeKind, InAlliance, Level, Node, NodeKind, Organisation, Territory, Unit
from graph.scope import PATH_SEPARATOR, DayReader, NodeRef, ScopeTree, display_name
from graph.store import Direction, GraphStore

__all__ = [
    "SEARCHABLE",
    "AllianceMembership",
    "NodeView",
    "Partner",
    "SearchHit",
    "SearchPage",
    "alliances",
    "below",
    "chain_up",
    "children",
    "coverer",
    "node_view",
    "partners",
    "search",
    "territory_subtree",
]


def children(store: GraphStore, territory_id: str, *, as_of: date | None = None) -> list[Territory]:
    """The territories one level below on the day, by name."""
    return DayReader(store, as_of=as_of).children(territory_id)


def territory_subtree(store: GraphStore, scope_id: str, *, as_of: date | None = None) -> list[Territory]:
    """The scope and every territory under it on the day, parents first."""
    root = store.node(scope_id)
    if not isinstance(root, Territory):
        raise WrongKind(_("%(id)s 是%(kind)s，不是地域（区、街道、社区、小区或网格）", id=scope_id, kind=term(root.kind)))
    return ScopeTree(store, scope_id, as_of=as_of).territories


def coverer(store: GraphStore, node_id: str, *, as_of: date | None = None) -> Organisation | None:
    """The party organisation that covers a territory or unit on the day, if it has one."""
    return DayReader(store, as_of=as_of).coverer(node_id)


# -- navigation answers for the API: a node in its place, and search by name ----------------------

_PARENT_EDGE = {
    NodeKind.TERRITORY: EdgeKind.WITHIN,
    NodeKind.ORGANISATION: EdgeKind.REPORTS_TO,
    NodeKind.MEMBER: EdgeKind.MEMBER_OF,
    NodeKind.UNIT: EdgeKind.LOCATED_IN,
    NodeKind.SEAT: EdgeKind.SEAT_ON,
    NodeKind.AGREEMENT: EdgeKind.SIGNED_BY,
}
"""The edge to follow up from each kind of node; an agreement climbs through its community's side."""


class Partner(BaseModel):
    """共建单位: the other party of one co-building agreement."""

    party: NodeRef = Field(description="the organisation (or unit without one) on the other side")
    unit: NodeRef | None = Field(description="the resident unit behind that organisation, when it is a unit's")
    agreement: NodeRef
    signed_on: date
    expires_on: date | None
    in_force: bool = Field(description="whether the agreement is in force today")


class AllianceMembership(BaseModel):
    """One alliance (党建联盟 / 党建共同体) the node, or its organisation, belongs to."""

    alliance: NodeRef
    alliance_kind: AllianceKind
    lead: bool = Field(description="牵头: whether the member leads it")
    via: NodeRef = Field(description="the node that is the member: the node itself, or the organisation covering it")


class NodeView(BaseModel):
    """A node in its place: its chain up to the district, what hangs below it, its partners and alliances."""

    node: NodeRef
    chain: list[NodeRef] = Field(description="from the node's parent up to the top, nearest first")
    path: str = Field(description="the chain top down: 区 › 街道 › 社区 › 小区 › 网格 ...")
    organisation: NodeRef | None = Field(description="for a territory or unit, the party organisation covering it")
    covers: NodeRef | None = Field(description="for an organisation, the territory or unit it covers")
    children: list[NodeRef] = Field(description="territories within a territory, organisations reporting to an organisation; by name")
    partners: list[Partner] = Field(description="co-building partners (共建单位), by agreement id")
    alliances: list[AllianceMembership] = Field(description="by alliance name")


class SearchHit(BaseModel):
    node: NodeRef
    path: str = Field(description="where the node sits: its chain top down")


class SearchPage(BaseModel):
    """Nodes whose name contains the text, names starting with it first, then shorter names first."""

    query: str
    items: list[SearchHit]
    total: int
    limit: int
    offset: int


def chain_up(store: GraphStore, node_id: str, *, as_of: date | None = None, reader: DayReader | None = None) -> list[Node]:
    """The nodes above one up to the top of its hierarchy, nearest first (the node itself not included).

    A territory climbs WITHIN, an organisation REPORTS_TO, a member through its organisation,
    a unit through its community, a seat through its committee, an agreement through the
    community organisation that signed it.
    """
    read = reader or DayReader(store, as_of=as_of)
    current = read.node(node_id)
    seen = {node_id}
    out: list[Node] = []
    while True:
        kind = _PARENT_EDGE.get(current.kind)
        ups = [e.target for e in read.edges(current.id, kind)] if kind else []
        ups = [t for t in ups if t not in seen]
        if not ups:
            return out
        parents = [read.node(t) for t in ups]
        if current.kind is NodeKind.AGREEMENT:  # climb through the chain's side, not the unit's
            parents.sort(key=lambda n: (not (isinstance(n, Organisation) and n.level is not Level.UNIT), n.id))
        current = parents[0]
        seen.add(current.id)
        out.append(current)


def _path_text(node: Node, above: list[Node]) -> str:
    return PATH_SEPARATOR.join(display_name(n) for n in [*reversed(above), node])


def _party(read: DayReader, node: Node) -> str | None:
    """Who signs co-building agreements for a node on the day: an organisation itself, the organisation covering a territory or unit."""
    if isinstance(node, Organisation):
        return node.id
    if isinstance(node, Unit):
        return read.party_of(node)
    if isinstance(node, Territory):
        org = read.coverer(node.id)
        return org.id if org else None
    return None


def partners(store: GraphStore, node_id: str, *, as_of: date | None = None) -> list[Partner]:
    """The co-building partners of a territory, organisation or unit, through every agreement on record, by agreement id.

    ``in_force`` says whether each held on the day (its own term and both of its signatures).
    """
    read = DayReader(store, as_of=as_of)
    party = _party(read, read.node(node_id))
    if party is None:
        return []
    out: list[Partner] = []
    for agreement in read.agreements(party):
        for other in read.counterparties(agreement, party):
            unit = other if isinstance(other, Unit) else None
            if isinstance(other, Organisation) and other.level is Level.UNIT:
                unit = next(
                    (u for u in (read.node(e.target) for e in read.edges(other.id, EdgeKind.COVERS, any_day=True)) if isinstance(u, Unit)),
                    None,
                )
            signed = read.edges(agreement.id, EdgeKind.SIGNED_BY)
            out.append(
                Partner(
                    party=NodeRef.of(other),
                    unit=NodeRef.of(unit) if unit else None,
                    agreement=NodeRef.of(agreement),
                    signed_on=agreement.signed_on,
                    expires_on=agreement.expires_on,
                    in_force=read.agreement_holds(agreement, party) and any(e.target == other.id for e in signed),
                )
            )
    return sorted(out, key=lambda p: (p.agreement.id, p.party.id))


def alliances(store: GraphStore, node_id: str, *, as_of: date | None = None) -> list[AllianceMembership]:
    """The alliances a node belongs to on the day, directly or through the organisation covering it, by name."""
    read = DayReader(store, as_of=as_of)
    node = read.node(node_id)
    members: list[Node] = [node]
    if isinstance(node, Territory | Unit):
        org = read.coverer(node.id)
        if org is not None:
            members.append(org)
    out: list[AllianceMembership] = []
    for member in members:
        for edge in read.edges(member.id, EdgeKind.IN_ALLIANCE):
            alliance = read.node(edge.target)
            if isinstance(alliance, Alliance) and isinstance(edge, InAlliance):
                ref, via = NodeRef.of(alliance), NodeRef.of(member)
                out.append(AllianceMembership(alliance=ref, alliance_kind=alliance.alliance_kind, lead=edge.lead, via=via))
    return sorted(out, key=lambda a: (a.alliance.name, a.alliance.id, a.via.id))


def below(store: GraphStore, node_id: str, *, as_of: date | None = None) -> list[Node]:
    """What hangs directly below a node on the day: territories within a territory, organisations reporting to an organisation; by name."""
    read = DayReader(store, as_of=as_of)
    node = read.node(node_id)
    if isinstance(node, Territory):
        return list(read.children(node_id))
    if isinstance(node, Organisation):
        found = [read.node(e.source) for e in read.edges(node_id, EdgeKind.REPORTS_TO, Direction.IN)]
        return sorted(found, key=lambda n: (display_name(n), n.id))
    return []


def node_view(store: GraphStore, node_id: str, *, as_of: date | None = None) -> NodeView:
    """A node with its chain up to the district, its children, its co-building partners and its alliances, on the day."""
    read = DayReader(store, as_of=as_of)
    node = read.node(node_id)
    above = chain_up(store, node_id, reader=read)
    organisation = read.coverer(node_id) if isinstance(node, Territory | Unit) else None
    covers = None
    if isinstance(node, Organisation):
        covered = [read.node(e.target) for e in read.edges(node_id, EdgeKind.COVERS)]
        covers = covered[0] if covered else None
    return NodeView(
        node=NodeRef.of(node),
        chain=[NodeRef.of(n) for n in above],
        path=_path_text(node, above),
        organisation=NodeRef.of(organisation) if organisation else None,
        covers=NodeRef.of(covers) if covers else None,
        children=[NodeRef.of(n) for n in below(store, node_id, as_of=read.day)],
        partners=partners(store, node_id, as_of=read.day),
        alliances=alliances(store, node_id, as_of=read.day),
    )


SEARCHABLE = (NodeKind.TERRITORY, NodeKind.ORGANISATION, NodeKind.UNIT, NodeKind.ALLIANCE, NodeKind.MEMBER, NodeKind.SEAT)
"""Kinds with a name (a seat by its holder's); agreements have none."""


def search(
    store: GraphStore,
    text: str,
    *,
    kinds: Collection[NodeKind] | None = None,
    limit: int = 20,
    offset: int = 0,
    among: Collection[str] | None = None,
) -> SearchPage:
    """Nodes whose name contains ``text`` (a Chinese substring; case is ignored for Latin letters), a page at a time.

    Without ``among`` it reads every node of the kinds asked for: the GraphStore protocol has no
    name index, so this is the one query whose work grows with the whole graph (narrow it with
    ``kinds``). ``among`` lists the only ids that may be found (a scope's belonging,
    graph.access.belonging_in): then it reads those nodes alone, whatever the graph holds.
    """
    needle = text.strip().casefold()
    if not needle:
        raise ValueError(_("搜索需要要找的文字"))
    if limit < 0 or offset < 0:
        raise ValueError(_("limit 和 offset 应为 0 或更大"))
    found: list[tuple[bool, int, str, str, Node]] = []
    for node in _candidates(store, kinds or SEARCHABLE, among):
        name = display_name(node)
        folded = name.casefold()
        if needle in folded:
            found.append((not folded.startswith(needle), len(name), name, node.id, node))
    found.sort(key=lambda hit: hit[:4])
    page = [hit[4] for hit in found[offset : offset + limit]]
    read = DayReader(store)
    items = [SearchHit(node=NodeRef.of(n), path=_path_text(n, chain_up(store, n.id, reader=read))) for n in page]
    return SearchPage(query=text, items=items, total=len(found), limit=limit, offset=offset)


def _candidates(store: GraphStore, kinds: Collection[NodeKind], among: Collection[str] | None) -> Iterator[Node]:
    """The nodes a search looks at: every node of the kinds, or only those of ``among`` that are of the kinds."""
    if among is None:
        for kind in kinds:
            yield from store.nodes(kind)
        return
    wanted = frozenset(kinds)
    for node_id in among:
        try:
            node = store.node(node_id)
        except UnknownNode:  # removed by a write since the ids were gathered: not there to find
            continue
        if node.kind in wanted:
            yield node
