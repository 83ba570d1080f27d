"""The importer's parts: a builder for every table of the format reading its fields by name, and one ledger entry per write."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from graph.model import Level
from graph.store import GraphStore, WriteSummary
from loaders.format import TABLES, BigCommitteeRow, StructureRow
from loaders.importer import import_rows, seat_id
from loaders.importer.ledger import Origin, entry
from loaders.importer.tables import BUILDERS


def test_every_table_of_the_format_has_a_builder() -> None:
    assert set(BUILDERS) == set(TABLES)
    assert all(builder.table == name for name, builder in BUILDERS.items())


@pytest.mark.parametrize("table", list(TABLES))
def test_a_builder_names_exactly_the_fields_of_its_tables_row_model(table: str) -> None:
    values = BUILDERS[table].values
    assert values._fields == tuple(TABLES[table].row.model_fields)  # type: ignore[attr-defined]


def test_a_checked_row_reaches_its_builder_by_column_name() -> None:
    row = StructureRow.model_validate({"id": "s01c01", "level": "社区", "name": "东湖社区", "parent_id": "s01", "org_name": "东湖社区党委"})
    values = BUILDERS["structure"].checked(row)
    assert (values.id, values.level, values.parent_id, values.org_id, values.org_members) == ("s01c01", Level.COMMUNITY, "s01", None, None)


def test_a_seat_without_an_id_is_named_by_its_committee_unit_and_person() -> None:
    row = BigCommitteeRow.model_validate({"community_id": "s01c01", "unit_id": "u-1", "person": "周刚"})
    values = BUILDERS["big_committee"].checked(row)
    assert values.seat == seat_id("s01c01", "u-1", "周刚")
    assert values.seat.startswith("seat-s01c01-u-1-")


def test_a_ledger_entry_carries_who_wrote_and_where_they_were_held_from_its_origin() -> None:
    started = datetime(2025, 3, 1, 8, 30, tzinfo=UTC)
    origin = Origin.of(file="heads.csv", sha256="ab" * 32, started_at=started, actor="key-7", scope="s01", touched=["h-1"])
    record = entry(origin, outcome="refused", summary=WriteSummary(), problems=3, replaced="s01")
    assert record.id == "imp-20250301T083000-abababab"
    assert (record.file, record.actor, record.scope, record.touched, record.problems) == ("heads.csv", "key-7", "s01", ["h-1"], 3)
    assert record.started_at == started <= record.finished_at


def test_records_sent_over_the_api_are_entered_once_with_the_senders_key_and_where_they_lie(known: GraphStore) -> None:
    grid = next(n.id for n in known.nodes() if getattr(n, "level", None) is Level.GRID)
    row = {"id": "h-new", "name": "王芳", "grid_id": grid, "category": "retired", "households": 10}
    before = len(known.imports())
    report = import_rows(known, "household_heads", [row], name="PUT /members/h-new", actor="key-7")
    assert report.ok, report.problems
    assert len(known.imports()) == before + 1
    logged = known.imports(limit=1)[0]
    assert (logged.id, logged.actor, logged.touched) == (report.record.id, "key-7", ["h-new"])
    assert grid in logged.territories
