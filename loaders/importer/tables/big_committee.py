"""大党委: the big committee table, a concurrent member (兼职委员) per row seated on a community's or street's committee."""

from __future__ import annotations

import hashlib
from datetime import date
from typing import NamedTuple

from graph.model import EdgeKind, HeldBy, Level, NodeKind, OnBehalfOf, Seat, SeatOn
from loaders.importer.rows import BuildingRow, DefiningRow
from loaders.importer.tables.base import TableBuilder

__all__ = ["BigCommittee", "BigCommitteeValues", "seat_id"]


def seat_id(committee_id: str, unit_id: str, person: str | None) -> str:
    """The id of a big-committee seat whose row gives none: the same row always gives the same id."""
    digest = hashlib.sha1(f"{committee_id}|{unit_id}|{person or ''}".encode(), usedforsecurity=False).hexdigest()
    readable = f"seat-{committee_id}-{unit_id}-{digest[:6]}"
    return readable if len(readable) <= 80 else f"seat-{digest[:16]}"


class BigCommitteeValues(NamedTuple):
    """A checked big committee row (:class:`loaders.format.BigCommitteeRow`)."""

    id: str | None
    community_id: str
    person: str | None
    unit_id: str
    role: str | None
    since: date | None
    until: date | None
    member_id: str | None

    @property
    def seat(self) -> str:
        """The seat's id: the row's, or one made from community, unit and person."""
        return self.id or seat_id(self.community_id, self.unit_id, self.person)


class BigCommittee(TableBuilder[BigCommitteeValues]):
    """Seats: SeatOn the committee (a territory's through its organisation), OnBehalfOf a unit, HeldBy a member."""

    table = "big_committee"
    values = BigCommitteeValues

    def define(self, v: BigCommitteeValues, row: DefiningRow) -> None:
        row.define(v.seat, NodeKind.SEAT, None, "id")

    def nodes(self, v: BigCommitteeValues, row: BuildingRow) -> None:
        committees = (NodeKind.TERRITORY, NodeKind.ORGANISATION)
        committee = row.ref("community_id", v.community_id, committees, (Level.COMMUNITY, Level.STREET))
        if committee and committee.kind is NodeKind.TERRITORY and not committee.org:
            reason = "has no party organisation, so no committee to sit on: give it an org_name in structure"
            row.problem("community_id", v.community_id, reason)
        row.ref("unit_id", v.unit_id, (NodeKind.UNIT,))
        if v.member_id:
            row.ref("member_id", v.member_id, (NodeKind.MEMBER,))
        sid = v.seat
        row.own("id", sid)
        person = v.person
        if not v.person and not v.member_id and (withheld := row.withheld_holder(sid)) is not None:
            person = withheld[1]  # the key's own export, its holder withheld from it: not a seat emptied
        row.node(Seat, id=sid, person=person, role=v.role, valid_from=v.since, valid_to=v.until, properties=row.props)

    def edges(self, v: BigCommitteeValues, row: BuildingRow) -> None:
        sid, term = v.seat, {"valid_from": v.since, "valid_to": v.until}
        committee = row.known(v.community_id)
        if committee:
            target = committee.org if committee.kind is NodeKind.TERRITORY else v.community_id
            if target:
                row.edge(SeatOn, sid, target, **term)
        row.edge(OnBehalfOf, sid, v.unit_id, **term)
        if v.member_id:
            row.edge(HeldBy, sid, v.member_id, **term)
        elif v.person or row.withheld_holder(sid) is None:  # a holder the key's own export withheld stays (see nodes)
            row.unlink(sid, EdgeKind.HELD_BY, keep=set())
