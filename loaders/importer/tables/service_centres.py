"""党群服务中心: the service_centres table, a party-mass service centre per row with its space and Duyun's 六有."""

from __future__ import annotations

from datetime import date
from typing import NamedTuple

from graph.model import CentreFor, CentreLevel, Level, NodeKind, ServiceCentre
from loaders.importer.rows import BuildingRow, DefiningRow
from loaders.importer.tables.base import TableBuilder

__all__ = ["ServiceCentreValues", "ServiceCentres"]


class ServiceCentreValues(NamedTuple):
    """A checked service_centres row (:class:`loaders.format.ServiceCentreRow`)."""

    id: str
    name: str
    level: CentreLevel
    territory_id: str
    floor_area: float | None
    service_share: float | None
    has_venue: bool
    has_facilities: bool
    has_sign: bool
    has_flag: bool
    has_reading: bool
    has_rules: bool
    since: date | None
    until: date | None


class ServiceCentres(TableBuilder[ServiceCentreValues]):
    """Service centres, each CentreFor the street, community or residential area it serves."""

    table = "service_centres"
    values = ServiceCentreValues

    def define(self, v: ServiceCentreValues, row: DefiningRow) -> None:
        row.define(v.id, NodeKind.SERVICE_CENTRE, None, "id")

    def nodes(self, v: ServiceCentreValues, row: BuildingRow) -> None:
        row.ref("territory_id", v.territory_id, (NodeKind.TERRITORY,), (Level.STREET, Level.COMMUNITY, Level.RESIDENTIAL_AREA))
        row.own("id", v.id)
        row.node(
            ServiceCentre,
            id=v.id,
            name=v.name,
            centre_level=v.level,
            floor_area=v.floor_area,
            service_share=v.service_share,
            has_venue=v.has_venue,
            has_facilities=v.has_facilities,
            has_sign=v.has_sign,
            has_flag=v.has_flag,
            has_reading=v.has_reading,
            has_rules=v.has_rules,
            properties=row.props,
        )

    def edges(self, v: ServiceCentreValues, row: BuildingRow) -> None:
        row.edge(CentreFor, v.id, v.territory_id, valid_from=v.since, valid_to=v.until)
