"""服务队: the teams table, a volunteer or grid service team per row, the territory it serves and its members."""

from __future__ import annotations

from datetime import date
from typing import NamedTuple

from graph.model import EdgeKind, InTeam, NodeKind, Team, TeamKind, TeamServes
from loaders.importer.rows import BuildingRow, DefiningRow
from loaders.importer.tables.base import TableBuilder

__all__ = ["TeamValues", "Teams"]


class TeamValues(NamedTuple):
    """A checked teams row (:class:`loaders.format.TeamRow`)."""

    id: str
    name: str
    kind: TeamKind
    territory_id: str
    member_ids: tuple[str, ...]
    since: date | None
    until: date | None


class Teams(TableBuilder[TeamValues]):
    """Teams that TEAM_SERVES a territory, their members IN_TEAM; members the row no longer lists leave."""

    table = "teams"
    values = TeamValues

    def define(self, v: TeamValues, row: DefiningRow) -> None:
        row.define(v.id, NodeKind.TEAM, None, "id")

    def nodes(self, v: TeamValues, row: BuildingRow) -> None:
        row.ref("territory_id", v.territory_id, (NodeKind.TERRITORY,))
        for member in v.member_ids:
            row.ref("member_ids", member, (NodeKind.MEMBER,))
        row.own("id", v.id)
        row.node(Team, id=v.id, name=v.name, team_kind=v.kind, valid_from=v.since, valid_to=v.until, properties=row.props)

    def edges(self, v: TeamValues, row: BuildingRow) -> None:
        term = {"valid_from": v.since, "valid_to": v.until}
        row.edge(TeamServes, v.id, v.territory_id, **term)
        for member in v.member_ids:
            row.edge(InTeam, member, v.id, **term)
        row.unlink_in(v.id, EdgeKind.IN_TEAM, keep=set(v.member_ids))
