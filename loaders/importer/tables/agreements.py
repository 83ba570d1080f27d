"""共建协议: the agreements table, a co-building agreement (党建共建协议) per row between a community and a unit."""

from __future__ import annotations

from datetime import date
from typing import NamedTuple

from graph.model import Agreement, EdgeKind, Level, NodeKind, SignedBy
from loaders.importer.rows import BuildingRow, DefiningRow
from loaders.importer.tables.base import TableBuilder

__all__ = ["AgreementValues", "Agreements"]


class AgreementValues(NamedTuple):
    """A checked agreements row (:class:`loaders.format.AgreementRow`)."""

    id: str
    community_id: str
    unit_id: str
    signed_on: date
    expires_on: date | None
    needs: tuple[str, ...]
    resources: tuple[str, ...]
    projects: tuple[str, ...]


class Agreements(TableBuilder[AgreementValues]):
    """Agreements SignedBy the community's organisation and the unit's (or the unit, when it has none)."""

    table = "agreements"
    values = AgreementValues

    def define(self, v: AgreementValues, row: DefiningRow) -> None:
        row.define(v.id, NodeKind.AGREEMENT, None, "id")

    def nodes(self, v: AgreementValues, row: BuildingRow) -> None:
        community = row.ref("community_id", v.community_id, (NodeKind.TERRITORY,), (Level.COMMUNITY,))
        if community and not community.org:
            reason = "the community has no party organisation to sign: give it an org_name in structure"
            row.problem("community_id", v.community_id, reason)
        row.ref("unit_id", v.unit_id, (NodeKind.UNIT,))
        row.own("id", v.id)
        row.node(
            Agreement,
            id=v.id,
            signed_on=v.signed_on,
            expires_on=v.expires_on,
            needs=v.needs,
            resources=v.resources,
            projects=v.projects,
            properties=row.props,
        )

    def edges(self, v: AgreementValues, row: BuildingRow) -> None:
        community, unit = row.known(v.community_id), row.known(v.unit_id)
        parties = {p for p in (community.org if community else None, (unit.org or v.unit_id) if unit else None) if p}
        for party in sorted(parties):
            row.edge(SignedBy, v.id, party, valid_from=v.signed_on, valid_to=v.expires_on)
        row.unlink(v.id, EdgeKind.SIGNED_BY, keep=parties)  # an agreement re-pointed at another unit
