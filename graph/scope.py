"""The scope of a query (查询范围): one territory, what lies under it, and the facts queries read there.

Coverage, gaps and committees all start the same way: resolve the id they were given to a
territory (an organisation of the chain stands for the territory it covers), walk the
territory down to its grids as it stood on a date, and ask the store about the
organisations, household heads, units and agreements hanging off those territories. This
module does that walk once per query and remembers each answer, so the work stays
proportional to the scope's subtree and a later pass can swap the walk for kept aggregates
without the queries noticing.
"""

from __future__ import annotations

from collections import Counter
from datetime import date

from pydantic import BaseModel, ConfigDict, Field

from graph.errors import WrongKind
from graph.history import effective_day
from graph.i18n import _
from graph.labels import term
from graph.model import (
    TERRITORY_LEVELS,
    Agreement,
    Edge,
    EdgeKind,
    Level,
    Member,
    MemberCategory,
    Node,
    NodeKind,
    Organisation,
    Post,
    Seat,
    ServiceCentre,
    Team,
    Territory,
    Unit,
    UnitType,
)
from graph.store import (
    AgreementFacts,
    CentreFacts,
    ChainFacts,
    Direction,
    GraphStore,
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

__all__ = [
    "PATH_SEPARATOR",
    "DayReader",
    "NodeRef",
    "ScopeTree",
    "agreement_in_force",
    "ancestors",
    "chain_path",
    "display_name",
    "on_date",
    "resolve_scope",
    "seat_in_force",
    "term_covers",
    "valid_on",
    "walk_chain_facts",
    "walk_territory_facts",
]

PATH_SEPARATOR = " › "
"""Between the names of a chain path: 街道 › 社区 › 小区 › 网格."""


def on_date(as_of: date | None) -> date:
    """The day a query is about: the one asked for, or today."""
    return effective_day(as_of)


def valid_on(edge: Edge, day: date) -> bool:
    """Whether an edge held on a day; ``valid_from`` and ``valid_to`` are both inclusive, None is open."""
    return (edge.valid_from is None or edge.valid_from <= day) and (edge.valid_to is None or day <= edge.valid_to)


def agreement_in_force(agreement: Agreement, day: date) -> bool:
    """Whether a co-building agreement had been signed and had not yet expired on a day (expires_on inclusive)."""
    return agreement.signed_on <= day and (agreement.expires_on is None or day <= agreement.expires_on)


def seat_in_force(seat: Seat, day: date) -> bool:
    """Whether a big-committee seat's own term covers a day (the edges carry the same term, checked apart)."""
    return (seat.valid_from is None or seat.valid_from <= day) and (seat.valid_to is None or day <= seat.valid_to)


def term_covers(node: Seat | Post | Team, day: date) -> bool:
    """Whether a seat's, post's or team's own term covers a day (both ends inclusive, None open)."""
    return (node.valid_from is None or node.valid_from <= day) and (node.valid_to is None or day <= node.valid_to)


def display_name(node: Node) -> str:
    """A name a person can read for any node: its name, a seat's or post's holder, or an agreement's id."""
    if isinstance(node, Seat):
        return node.person or f"席位 {node.id}"
    if isinstance(node, Agreement):
        return f"共建协议 {node.id}"
    if isinstance(node, Post):
        return node.person or f"职务 {node.id}"
    return node.name


class NodeRef(BaseModel):
    """A node named in an answer: enough to show it and to ask for it again by id."""

    model_config = ConfigDict(frozen=True)

    id: str
    kind: NodeKind
    name: str = Field(description="the node's name; a seat's holder; 共建协议 <id> for an agreement")
    level: Level | None = Field(default=None, description="for territories and organisations")

    @classmethod
    def of(cls, node: Node) -> NodeRef:
        level = node.level if isinstance(node, Territory | Organisation) else None
        return cls(id=node.id, kind=node.kind, name=display_name(node), level=level)


_CHAIN_LEVELS = frozenset(TERRITORY_LEVELS)


def resolve_scope(store: GraphStore, node_id: str) -> Territory:
    """The territory a scope id names: the territory itself, or the one a chain organisation covers.

    :class:`~graph.errors.UnknownNode` for an unknown id; :class:`~graph.errors.WrongKind` for a
    node that is neither (a unit, a member, a unit's own organisation...).
    """
    node = store.node(node_id)
    if isinstance(node, Territory):
        return node
    if isinstance(node, Organisation) and node.level in _CHAIN_LEVELS:
        for edge in store.edges_of(node_id, kind=EdgeKind.COVERS):
            covered = store.node(edge.target)
            if isinstance(covered, Territory):
                return covered
        raise WrongKind(_("党组织 %(id)s 没有覆盖任何地域，所以不能作为范围；请先把它连到它的地域（COVERS）", id=node_id))
    kind = f"{term(node.kind)}（{term(node.level)}）" if isinstance(node, Organisation) else term(node.kind)
    raise WrongKind(
        _("%(id)s 是%(kind)s，不能作为范围：请给一个地域（区、街道、社区、小区、网格），或覆盖它的五级链条党组织", id=node_id, kind=kind)
    )


def ancestors(store: GraphStore, territory_id: str, day: date) -> list[Territory]:
    """The territories above one on a day, nearest first, up to the top."""
    out: list[Territory] = []
    seen = {territory_id}
    current = territory_id
    while True:
        ups = [e for e in store.edges_of(current, kind=EdgeKind.WITHIN) if valid_on(e, day) and e.target not in seen]
        if not ups:
            return out
        parent = store.node_on(ups[0].target, day)
        if not isinstance(parent, Territory):
            return out
        out.append(parent)
        seen.add(parent.id)
        current = parent.id


def chain_path(above: list[Territory], territory: Territory) -> list[Territory]:
    """From the street down to a territory, given those above it nearest first (the district only when it is the one asked for)."""
    full = [*reversed(above), territory]
    return [t for t in full if t.level is not Level.DISTRICT] or full


class DayReader:
    """Reads the store as it stood on one day, remembering every answer for the length of one query."""

    def __init__(self, store: GraphStore, *, as_of: date | None = None) -> None:
        self.store = store
        self.day = on_date(as_of)
        self._coverer: dict[str, Organisation | None] = {}
        self._edges: dict[tuple[str, EdgeKind, Direction], list[Edge]] = {}
        self._nodes: dict[str, Node] = {}

    def node(self, node_id: str) -> Node:
        found = self._nodes.get(node_id)
        if found is None:
            found = self._nodes[node_id] = self.store.node_on(node_id, self.day)
        return found

    def edges(self, node_id: str, kind: EdgeKind, direction: Direction = Direction.OUT, *, any_day: bool = False) -> list[Edge]:
        """One node's edges of a kind: those valid on the day, or all on record with ``any_day``."""
        key = (node_id, kind, direction)
        found = self._edges.get(key)
        if found is None:
            found = self._edges[key] = self.store.edges_of(node_id, kind=kind, direction=direction)
        return found if any_day else [e for e in found if valid_on(e, self.day)]

    def children(self, territory_id: str) -> list[Territory]:
        """The territories within one on the day, by name."""
        found = [self.node(e.source) for e in self.edges(territory_id, EdgeKind.WITHIN, Direction.IN)]
        return sorted((t for t in found if isinstance(t, Territory)), key=lambda t: (t.name, t.id))

    def coverer(self, node_id: str) -> Organisation | None:
        """The party organisation covering a territory or unit on the day, if any."""
        if node_id not in self._coverer:
            orgs = [self.node(e.source) for e in self.edges(node_id, EdgeKind.COVERS, Direction.IN)]
            self._coverer[node_id] = next((o for o in orgs if isinstance(o, Organisation)), None)
        return self._coverer[node_id]

    def parent_org(self, org_id: str) -> Organisation | None:
        """The organisation one reports to on the day (REPORTS_TO), if any."""
        ups = [self.node(e.target) for e in self.edges(org_id, EdgeKind.REPORTS_TO)]
        return next((o for o in ups if isinstance(o, Organisation)), None)

    def household_heads(self, grid_id: str) -> list[Member]:
        """党员联户长 serving a grid on the day, by id."""
        members = [self.node(e.source) for e in self.edges(grid_id, EdgeKind.SERVES, Direction.IN)]
        heads = [m for m in members if isinstance(m, Member) and m.is_household_head]
        return sorted(heads, key=lambda m: m.id)

    def members_serving(self, territory_id: str) -> list[Member]:
        """Party members serving a territory on the day (any role)."""
        members = [self.node(e.source) for e in self.edges(territory_id, EdgeKind.SERVES, Direction.IN)]
        return [m for m in members if isinstance(m, Member)]

    def members_of(self, org_id: str) -> list[Member]:
        """Party members on record as belonging to an organisation on the day."""
        members = [self.node(e.source) for e in self.edges(org_id, EdgeKind.MEMBER_OF, Direction.IN)]
        return [m for m in members if isinstance(m, Member)]

    def reported_here(self, node_id: str) -> list[Member]:
        """People who reported (双报到, REPORTED_TO on the day) to a community, street or industrial park."""
        members = [self.node(e.source) for e in self.edges(node_id, EdgeKind.REPORTED_TO, Direction.IN)]
        return [m for m in members if isinstance(m, Member)]

    def held_since(self, member_id: str) -> tuple[bool, date | None]:
        """Whether a member's membership is held somewhere on the day (MEMBER_OF), and since when."""
        held = self.edges(member_id, EdgeKind.MEMBER_OF)
        return (True, held[0].valid_from) if held else (False, None)

    def roll(self, territory_id: str) -> tuple[list[Member], list[Member]]:
        """党员名册 as coverage counts it for one territory: the party members held by its covering organisation
        (a joint organisation's at the first by id of the territories it covers; plus those serving it whose membership
        is held nowhere on the day), and those held by its units' organisations."""
        org = self.coverer(territory_id)
        chain = []
        if org is not None and min((e.target for e in self.edges(org.id, EdgeKind.COVERS)), default=None) == territory_id:
            chain = [m for m in self.members_of(org.id) if m.party_member]  # a joint organisation's, once: at its first by id
        chain += [m for m in self.members_serving(territory_id) if m.party_member and not self.held_since(m.id)[0]]
        units = []
        for unit in self.units(territory_id):
            unit_org = self.coverer(unit.id)
            if unit_org is not None:
                units += [m for m in self.members_of(unit_org.id) if m.party_member]
        return chain, units

    def units(self, territory_id: str) -> list[Unit]:
        """驻区单位 located in a territory (a community) on the day, by name."""
        units = [self.node(e.source) for e in self.edges(territory_id, EdgeKind.LOCATED_IN, Direction.IN)]
        return sorted((u for u in units if isinstance(u, Unit)), key=lambda u: (u.name, u.id))

    def centres(self, territory_id: str) -> list[ServiceCentre]:
        """党群服务中心 serving a territory on the day (CENTRE_FOR valid on the day), by id."""
        found = [self.node(e.source) for e in self.edges(territory_id, EdgeKind.CENTRE_FOR, Direction.IN)]
        return sorted((c for c in found if isinstance(c, ServiceCentre)), key=lambda c: c.id)

    def managers(self, territory_id: str) -> list[Unit]:
        """Units MANAGING a residential area on the day (property company, owners' committee, who runs it), by id."""
        found = [self.node(e.source) for e in self.edges(territory_id, EdgeKind.MANAGES, Direction.IN)]
        return sorted((u for u in found if isinstance(u, Unit)), key=lambda u: u.id)

    def party_of(self, unit: Unit) -> str:
        """The id that signs for a unit: its organisation on the day, or the unit itself when it has none."""
        org = self.coverer(unit.id)
        return org.id if org is not None else unit.id

    def agreements(self, party_id: str) -> list[Agreement]:
        """Every co-building agreement on record that an organisation or unit signed, by id, whatever its term."""
        found = [self.node(e.source) for e in self.edges(party_id, EdgeKind.SIGNED_BY, Direction.IN, any_day=True)]
        return sorted((a for a in found if isinstance(a, Agreement)), key=lambda a: a.id)

    def agreement_holds(self, agreement: Agreement, party_id: str) -> bool:
        """Whether an agreement was in force on the day, by its own term and by its SIGNED_BY edge to this party."""
        if not agreement_in_force(agreement, self.day):
            return False
        return any(e.target == party_id for e in self.edges(agreement.id, EdgeKind.SIGNED_BY))

    def counterparties(self, agreement: Agreement, party_id: str) -> list[Node]:
        """The other parties to an agreement, by id."""
        ends = [self.node(e.target) for e in self.edges(agreement.id, EdgeKind.SIGNED_BY, any_day=True) if e.target != party_id]
        return sorted(ends, key=lambda n: n.id)

    def seats_on(self, org_id: str) -> list[Seat]:
        """兼职委员 seats on a committee in force on the day, by id."""
        seats = [self.node(e.source) for e in self.edges(org_id, EdgeKind.SEAT_ON, Direction.IN)]
        return sorted((s for s in seats if isinstance(s, Seat) and seat_in_force(s, self.day)), key=lambda s: s.id)

    def posts_in(self, body_id: str) -> list[Post]:
        """职务: every post on record in a body (an organisation or a unit), whatever its term, by id."""
        found = [self.node(e.source) for e in self.edges(body_id, EdgeKind.POST_IN, Direction.IN, any_day=True)]
        return sorted((p for p in found if isinstance(p, Post)), key=lambda p: p.id)

    def post_holder(self, post_id: str) -> Member | None:
        """The party member on record as holding a post, if any (whatever the day: the post's term says when)."""
        members = [self.node(e.target) for e in self.edges(post_id, EdgeKind.HELD_BY, any_day=True)]
        return next((m for m in members if isinstance(m, Member)), None)

    def post_facts(self, body_id: str) -> tuple[PostFacts, ...]:
        """The posts of a body as the gap rules read them."""
        out = []
        for p in self.posts_in(body_id):
            holder = self.post_holder(p.id)
            out.append(PostFacts(p.id, p.post, p.person, holder.id if holder else None, p.valid_from, p.valid_to))
        return tuple(out)

    def seat_unit(self, seat_id: str) -> Unit | None:
        """The unit a seat is held for on the day."""
        units = [self.node(e.target) for e in self.edges(seat_id, EdgeKind.ON_BEHALF_OF)]
        return next((u for u in units if isinstance(u, Unit)), None)

    def seat_holder(self, seat_id: str) -> Member | None:
        """The party member on record as holding a seat, if any."""
        members = [self.node(e.target) for e in self.edges(seat_id, EdgeKind.HELD_BY)]
        return next((m for m in members if isinstance(m, Member)), None)


class ScopeTree(DayReader):
    """The territories under one scope as they stood on a day, with what queries ask about them, each fetched once.

    Territories come parents first and siblings by name, so listings read down the chain.
    Every edge followed must have been valid on the day (:func:`valid_on`); node properties
    (households, members, staff) are read as they were on the day (``GraphStore.node_on``).
    """

    def __init__(self, store: GraphStore, scope_id: str, *, as_of: date | None = None) -> None:
        super().__init__(store, as_of=as_of)
        root = self.node(resolve_scope(store, scope_id).id)
        assert isinstance(root, Territory)
        self.root = root
        self.above = ancestors(store, self.root.id, self.day)
        self.territories: list[Territory] = []
        self.parent: dict[str, str | None] = {}
        self.children_of: dict[str, list[Territory]] = {}
        self._walk_down()
        self._by_id = {t.id: t for t in self.territories}

    # -- the territory ---------------------------------------------------------------------

    def _walk_down(self) -> None:
        stack: list[tuple[Territory, str | None]] = [(self.root, None)]
        while stack:
            territory, parent = stack.pop()
            if territory.id in self.parent:
                continue  # a cycle the invariants should have refused; never loop on it
            self.territories.append(territory)
            self.parent[territory.id] = parent
            kids = self.children_of[territory.id] = self.children(territory.id)
            stack.extend((kid, territory.id) for kid in reversed(kids))

    def of_level(self, level: Level) -> list[Territory]:
        """The territories of one level in the scope, in reading order."""
        return [t for t in self.territories if t.level is level]


def walk_territory_facts(store: GraphStore, territory_id: str, *, day: date) -> list[TerritoryFacts]:
    """:meth:`GraphStore.territory_facts` the plain way, node by node through ``node`` and ``edges_of``.

    What the contract suite checks each store's own way against, and a store's answer until it has a faster one.
    """
    node = store.node(territory_id)
    if not isinstance(node, Territory):
        raise WrongKind(_("%(id)s 是%(kind)s，不是地域", id=territory_id, kind=term(node.kind)))
    tree = ScopeTree(store, territory_id, as_of=day)
    out: list[TerritoryFacts] = []
    for territory in tree.territories:
        org = tree.coverer(territory.id)
        units = []
        for unit in tree.units(territory.id):
            party = tree.party_of(unit)
            holds = any(tree.agreement_holds(a, party) for a in tree.agreements(party))
            units.append(UnitFacts(unit.unit_type, tree.coverer(unit.id) is not None, holds, unit.eligible is not False))
        chain, unit_roll = tree.roll(territory.id)
        in_service = [m for m in chain + unit_roll if m.category is MemberCategory.IN_SERVICE]
        reporting = list(tree.reported_here(territory.id))
        for unit in tree.units(territory.id):
            if unit.unit_type is UnitType.INDUSTRIAL_PARK:
                reporting += tree.reported_here(unit.id)
        serving = tree.members_serving(territory.id)
        heads = [m for m in serving if m.is_household_head]
        out.append(
            TerritoryFacts(
                id=territory.id,
                name=territory.name,
                level=territory.level,
                parent=tree.parent[territory.id],
                households=territory.households,
                staff=territory.staff,
                covered=org is not None,
                linked=sum(h.households for h in tree.household_heads(territory.id)),
                units=tuple(sorted(units)),
                members=dict(Counter(m.category for m in chain if m.category is not None)),
                unit_members=dict(Counter(m.category for m in unit_roll if m.category is not None)),
                in_service=len(in_service),
                in_service_reported=sum(1 for m in in_service if tree.edges(m.id, EdgeKind.REPORTED_TO)),
                reported_here=sum(1 for m in reporting if m.party_member and m.category is MemberCategory.IN_SERVICE),
                roles=frozenset(role for m in serving for role in m.roles),
                heads=sum(1 for m in heads if m.party_member),
                resident_heads=sum(1 for m in heads if not m.party_member),
                population=territory.population,
                upgraded=org is not None and org.upgraded,
                centres=tuple(CentreFacts(c.id, c.name, c.centre_level, c.service_share, c.missing) for c in tree.centres(territory.id)),
                abandoned=territory.abandoned,
                managers=tuple(sorted(u.unit_type for u in tree.managers(territory.id))),
            )
        )
    return out


def walk_chain_facts(store: GraphStore, territory_id: str, *, day: date) -> list[ChainFacts]:
    """:meth:`GraphStore.chain_facts` the plain way, node by node: what the contract suite checks each store against."""
    node = store.node(territory_id)
    if not isinstance(node, Territory):
        raise WrongKind(_("%(id)s 是%(kind)s，不是地域", id=territory_id, kind=term(node.kind)))
    tree = ScopeTree(store, territory_id, as_of=day)

    def org_facts(org: Organisation) -> OrgFacts:
        parent = tree.parent_org(org.id)
        agreements = []
        for a in tree.agreements(org.id):
            signed = tree.edges(a.id, EdgeKind.SIGNED_BY, any_day=True)
            parties = sorted((tree.node(e.target) for e in signed), key=lambda n: n.id)
            agreements.append(
                AgreementFacts(
                    id=a.id,
                    signed_on=a.signed_on,
                    expires_on=a.expires_on,
                    parties_on_day=frozenset(e.target for e in signed if valid_on(e, day)),
                    parties=tuple(PartyRef(p.id, p.kind, display_name(p)) for p in parties),
                )
            )
        return OrgFacts(
            id=org.id,
            name=org.name,
            level=org.level,
            form=org.form,
            members=org.members,
            upgraded=org.upgraded,
            parent=OrgRef(parent.id, parent.name, parent.level) if parent is not None else None,
            seats=len(tree.seats_on(org.id)),
            agreements=tuple(agreements),
            posts=tree.post_facts(org.id),
        )

    out: list[ChainFacts] = []
    for territory in tree.territories:
        org = tree.coverer(territory.id)
        units = []
        for unit in tree.units(territory.id):
            unit_org = tree.coverer(unit.id)
            unit_facts = org_facts(unit_org) if unit_org is not None else None
            units.append(
                ScopeUnit(
                    unit.id, unit.name, unit.unit_type, unit_facts, tree.post_facts(unit.id), eligible=unit.eligible, members=unit.members
                )
            )
        chain, unit_roll = tree.roll(territory.id)
        in_service = [
            InServiceFacts(m.id, m.name, tree.held_since(m.id)[1], bool(tree.edges(m.id, EdgeKind.REPORTED_TO)))
            for m in chain + unit_roll
            if m.category is MemberCategory.IN_SERVICE
        ]
        out.append(
            ChainFacts(
                id=territory.id,
                organisation=org_facts(org) if org is not None else None,
                heads=tuple(HeadFacts(h.id, h.name, h.households) for h in tree.household_heads(territory.id)),
                units=tuple(units),
                in_service=tuple(sorted(in_service)),
            )
        )
    return out
