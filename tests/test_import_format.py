"""The import format's one description (loaders.format) agrees with the README and with the graph model."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from pydantic import ValidationError

from graph.model import Member, Territory
from loaders.format import TABLES, HouseholdHeadRow, StructureRow, parse_date

README = Path(__file__).resolve().parent.parent / "README.md"


def test_the_readme_lists_every_table_and_column_in_both_languages() -> None:
    text = README.read_text(encoding="utf-8")
    for table in TABLES.values():
        line = next((row for row in text.splitlines() if row.startswith(f"| `{table.name}` {table.chinese} |")), None)
        assert line is not None, f"the README's import format has no row for {table.name}"
        listed = re.findall(r"`(\w+)` (\S+?)(?:\*|⁺)?(?:,|$)", line.split("|")[2].strip())
        assert listed == [(c.name, c.chinese) for c in table.columns]


@pytest.mark.parametrize(
    ("text", "day"),
    [("2023-05-01", (2023, 5, 1)), ("2023/5/1", (2023, 5, 1)), ("2023.5.1", (2023, 5, 1)), ("2023年5月1日", (2023, 5, 1))],
)
def test_dates_in_every_form_staff_write_them(text: str, day: tuple[int, int, int]) -> None:
    parsed = parse_date(text)
    assert parsed is not None and (parsed.year, parsed.month, parsed.day) == day


def test_a_row_refuses_what_its_graph_model_would_refuse() -> None:
    """Rows are checked once; what passes a row must build its graph model (names, counts, levels)."""
    long_name = "张" * 101
    with pytest.raises(ValidationError):
        Member(id="h1", name=long_name, category="retired", provenance={"source": "t", "recorded_at": "2025-01-01T00:00:00"})
    with pytest.raises(ValidationError):
        HouseholdHeadRow.model_validate({"id": "h1", "name": long_name, "grid_id": "g1", "category": "retired"})
    with pytest.raises(ValidationError):
        StructureRow.model_validate({"id": "g1", "level": "grid", "name": "x", "parent_id": "a1", "households": 10_000_001})
    with pytest.raises(ValidationError):
        Territory(id="g1", level="grid", name="x", households=10_000_001, provenance={"source": "t", "recorded_at": "2025-01-01T00:00:00"})
