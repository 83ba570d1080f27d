"""Big party committees (大党委, 大工委): who sits on them for which unit, and who is missing.

A community committee takes heads of resident units' party organisations on as
concurrent members (兼职委员); a street working committee takes member units on (大工委).
Each seat is a :class:`~graph.model.Seat` node: SEAT_ON the committee, ON_BEHALF_OF the
unit, optionally HELD_BY a member on record. Every answer is as of a day (default today):
a seat counts when its own term and its SEAT_ON edge both cover the day.
"""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel, Field

from graph.errors import WrongKind
from graph.i18n import _
from graph.labels import term
from graph.model import EdgeKind, Level, Organisation, OrgForm, Seat, Territory, Unit
from graph.scope import DayReader, NodeRef, resolve_scope, seat_in_force
from graph.store import Direction, GraphStore

__all__ = [
    "BigCommittee",
    "CommitteeSeat",
    "StreetCommittee",
    "UnitSeat",
    "big_committee",
    "street_committee",
    "unit_committees",
]


class CommitteeSeat(BaseModel):
    """兼职委员: one seat on a big committee, the unit it is held for and that unit's party organisation."""

    seat: NodeRef
    person: str | None = Field(description="the holder's name as recorded on the seat")
    role: str | None = Field(description="职务")
    holder: NodeRef | None = Field(description="the party member holding it, when on record (HELD_BY)")
    unit: NodeRef | None = Field(description="the resident unit the seat is held for")
    unit_organisation: NodeRef | None = Field(description="that unit's own party organisation, if it has one")
    unit_community: NodeRef | None = Field(description="the community the unit sits in")
    valid_from: date | None
    valid_to: date | None


class BigCommittee(BaseModel):
    """大党委: a community's committee with its concurrent members, and its co-building partners not on it."""

    community: NodeRef
    organisation: NodeRef | None = Field(description="the community's party organisation; None when it has none")
    is_committee: bool = Field(description="whether that organisation is a committee (党委), the form a big committee takes")
    as_of: date
    seats: list[CommitteeSeat] = Field(description="seats in force on the day, by id")
    unrepresented_partners: list[NodeRef] = Field(
        description="units with a co-building agreement in force with the community and no seat on its committee, by name"
    )


class StreetCommittee(BaseModel):
    """大工委: the member units of a street working committee."""

    street: NodeRef
    organisation: NodeRef | None = Field(description="the street working committee (街道党工委); None when there is none")
    as_of: date
    seats: list[CommitteeSeat] = Field(description="member units' seats in force on the day, by id")


class UnitSeat(BaseModel):
    """One committee a unit sits on, through one seat."""

    committee: NodeRef = Field(description="the community committee or street working committee")
    territory: NodeRef | None = Field(description="the community or street that committee covers")
    seat: CommitteeSeat


def _seat(tree: DayReader, seat: Seat) -> CommitteeSeat:
    unit = tree.seat_unit(seat.id)
    holder = tree.seat_holder(seat.id)
    unit_org = tree.coverer(unit.id) if unit is not None else None
    community = _unit_community(tree, unit) if unit is not None else None
    return CommitteeSeat(
        seat=NodeRef.of(seat),
        person=seat.person,
        role=seat.role,
        holder=NodeRef.of(holder) if holder else None,
        unit=NodeRef.of(unit) if unit else None,
        unit_organisation=NodeRef.of(unit_org) if unit_org else None,
        unit_community=NodeRef.of(community) if community else None,
        valid_from=seat.valid_from,
        valid_to=seat.valid_to,
    )


def _unit_community(tree: DayReader, unit: Unit) -> Territory | None:
    found = [tree.node(e.target) for e in tree.edges(unit.id, EdgeKind.LOCATED_IN)]
    return next((t for t in found if isinstance(t, Territory)), None)


class _Scoped(DayReader):
    """A reader of the store on a day, about one territory: a committee is read around its root alone,
    so nothing under it is walked."""

    def __init__(self, store: GraphStore, root: Territory, *, as_of: date | None) -> None:
        super().__init__(store, as_of=as_of)
        self.root = root


def _scope_of_level(store: GraphStore, scope_id: str, level: Level, *, as_of: date | None) -> _Scoped:
    root = resolve_scope(store, scope_id)
    if root.level is not level:
        raise WrongKind(
            _(
                "%(id)s 是%(level)s %(name)s；这个问题问的是%(wanted)s",
                id=scope_id,
                name=root.name,
                level=term(root.level),
                wanted=term(level),
            )
        )
    return _Scoped(store, root, as_of=as_of)


def big_committee(store: GraphStore, community_id: str, *, as_of: date | None = None) -> BigCommittee:
    """The big committee (大党委) of a community (or of its organisation) as it stood on ``as_of``."""
    tree = _scope_of_level(store, community_id, Level.COMMUNITY, as_of=as_of)
    community = tree.root
    org = tree.coverer(community.id)
    seats = [_seat(tree, s) for s in tree.seats_on(org.id)] if org else []
    represented = {s.unit.id for s in seats if s.unit is not None}
    partners: dict[str, Unit] = {}
    if org is not None:
        for unit in tree.units(community.id) + _partner_units_elsewhere(tree, org):
            party = tree.party_of(unit)
            if unit.id not in represented and any(
                tree.agreement_holds(a, org.id) and tree.agreement_holds(a, party) for a in tree.agreements(party)
            ):
                partners[unit.id] = unit
    return BigCommittee(
        community=NodeRef.of(community),
        organisation=NodeRef.of(org) if org else None,
        is_committee=org is not None and org.form is OrgForm.COMMITTEE,
        as_of=tree.day,
        seats=seats,
        unrepresented_partners=[NodeRef.of(u) for u in sorted(partners.values(), key=lambda u: (u.name, u.id))],
    )


def _partner_units_elsewhere(tree: DayReader, community_org: Organisation) -> list[Unit]:
    """Units that signed with the community from outside it (a district organ, a unit of the next community)."""
    found: list[Unit] = []
    for agreement in tree.agreements(community_org.id):
        for party in tree.counterparties(agreement, community_org.id):
            if isinstance(party, Unit):
                found.append(party)
            elif isinstance(party, Organisation):
                covered = [tree.node(e.target) for e in tree.edges(party.id, EdgeKind.COVERS)]
                found.extend(u for u in covered if isinstance(u, Unit))
    return found


def street_committee(store: GraphStore, street_id: str, *, as_of: date | None = None) -> StreetCommittee:
    """The member units of a street's big working committee (大工委) as it stood on ``as_of``."""
    tree = _scope_of_level(store, street_id, Level.STREET, as_of=as_of)
    org = tree.coverer(tree.root.id)
    return StreetCommittee(
        street=NodeRef.of(tree.root),
        organisation=NodeRef.of(org) if org else None,
        as_of=tree.day,
        seats=[_seat(tree, s) for s in tree.seats_on(org.id)] if org else [],
    )


def unit_committees(store: GraphStore, unit_id: str, *, as_of: date | None = None) -> list[UnitSeat]:
    """The big committees a resident unit sits on, through seats in force on ``as_of``, by committee name."""
    unit = store.node(unit_id)
    if not isinstance(unit, Unit):
        raise WrongKind(_("%(id)s 是%(kind)s，不是驻区单位", id=unit_id, kind=term(unit.kind)))
    reader = DayReader(store, as_of=as_of)
    out: list[UnitSeat] = []
    for edge in reader.edges(unit_id, EdgeKind.ON_BEHALF_OF, Direction.IN):
        seat = reader.node(edge.source)
        if not isinstance(seat, Seat) or not seat_in_force(seat, reader.day):
            continue
        for on in reader.edges(seat.id, EdgeKind.SEAT_ON):
            committee = reader.node(on.target)
            if not isinstance(committee, Organisation):
                continue
            covered = [reader.node(e.target) for e in reader.edges(committee.id, EdgeKind.COVERS)]
            territory = next((t for t in covered if isinstance(t, Territory)), None)
            out.append(
                UnitSeat(committee=NodeRef.of(committee), territory=NodeRef.of(territory) if territory else None, seat=_seat(reader, seat))
            )
    return sorted(out, key=lambda s: (s.committee.name, s.seat.seat.id))
