"""The registry of table builders (表格): one module per table of :data:`loaders.format.TABLES`.

Each builder reads its table's rows by name and makes their ids, nodes and edges; the run
looks a table's builder up here. A new table is a new module and one line below.
"""

from __future__ import annotations

from typing import Any

from loaders.importer.tables.agreements import Agreements
from loaders.importer.tables.alliances import Alliances
from loaders.importer.tables.base import TableBuilder
from loaders.importer.tables.big_committee import BigCommittee, seat_id
from loaders.importer.tables.household_heads import HouseholdHeads
from loaders.importer.tables.members import Members
from loaders.importer.tables.posts import Posts, post_id
from loaders.importer.tables.service_centres import ServiceCentres
from loaders.importer.tables.structure import Structure
from loaders.importer.tables.system_orgs import SystemOrgs
from loaders.importer.tables.teams import Teams
from loaders.importer.tables.units import Units

__all__ = ["BUILDERS", "TableBuilder", "post_id", "seat_id"]

BUILDERS: dict[str, TableBuilder[Any]] = {
    builder.table: builder
    for builder in (
        Structure(),
        SystemOrgs(),
        Members(),
        HouseholdHeads(),
        Units(),
        Agreements(),
        Alliances(),
        BigCommittee(),
        Posts(),
        Teams(),
        ServiceCentres(),
    )
}
"""Each table's builder, by the table's name."""
