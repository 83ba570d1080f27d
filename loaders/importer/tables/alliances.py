"""党建联盟: the alliances table, a member of an alliance per row; the alliance is named by its first row."""

from __future__ import annotations

from typing import NamedTuple

from graph.model import Alliance, AllianceKind, InAlliance, NodeKind
from loaders.importer.index import FileAlliance
from loaders.importer.rows import BuildingRow, DefiningRow
from loaders.importer.tables.base import TableBuilder

__all__ = ["AllianceValues", "Alliances"]


class AllianceValues(NamedTuple):
    """A checked alliances row (:class:`loaders.format.AllianceRow`)."""

    alliance_id: str
    alliance_name: str | None
    kind: AllianceKind | None
    member_id: str | None
    lead: bool


class Alliances(TableBuilder[AllianceValues]):
    """Alliances, and their members InAlliance (a territory through its organisation)."""

    table = "alliances"
    values = AllianceValues

    def define(self, v: AllianceValues, row: DefiningRow) -> None:
        aid = v.alliance_id
        seen = row.alliances.get(aid)
        if seen is None:
            row.define(aid, NodeKind.ALLIANCE, None, "alliance_id")
            row.alliances[aid] = FileAlliance(v.alliance_name, v.kind, row.number, named_member=v.member_id is not None)
            return
        seen.named_member = seen.named_member or v.member_id is not None
        # a later row of the alliance: it may leave name and kind blank, not contradict the first
        if v.alliance_name and seen.name and v.alliance_name != seen.name:
            row.problem("alliance_name", v.alliance_name, f"row {seen.first} names {aid} {seen.name!r}")
        if v.kind and seen.kind and v.kind != seen.kind:
            row.problem("kind", v.kind.value, f"row {seen.first} makes {aid} {seen.kind.value}")
        seen.name, seen.kind = seen.name or v.alliance_name, seen.kind or v.kind

    def nodes(self, v: AllianceValues, row: BuildingRow) -> None:
        aid = v.alliance_id
        seen = row.alliances[aid]
        if row.number == seen.first:
            row.own("alliance_id", aid)
            if row.scope is not None and not seen.named_member and not row.stored(aid):
                reason = (
                    f"names no member: an alliance this import creates must have a member within {row.scope}, or it lies in no territory"
                )
                row.problem("member_id", None, "联盟无成员 (" + reason + ")")
            if seen.name is None:
                row.problem("alliance_name", None, f"is blank on the first row of {aid}; give the alliance its name")
            else:
                kind = seen.kind or AllianceKind.ALLIANCE
                row.node(Alliance, id=aid, name=seen.name, alliance_kind=kind, properties=row.props)
        if v.member_id:
            row.ref("member_id", v.member_id, (NodeKind.TERRITORY, NodeKind.ORGANISATION, NodeKind.UNIT))

    def edges(self, v: AllianceValues, row: BuildingRow) -> None:
        if not v.member_id:
            return
        member = row.known(v.member_id)
        if member:
            source = member.org if member.kind is NodeKind.TERRITORY and member.org else v.member_id
            row.edge(InAlliance, source, v.alliance_id, lead=v.lead)
            row.joined(source, v.alliance_id)
