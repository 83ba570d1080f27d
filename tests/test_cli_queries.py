"""`grassroots coverage` and `grassroots gaps` print the same answers as the queries, run as a user runs them."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from graph.coverage import coverage
from graph.gaps import count_gaps, find_gaps
from graph.memory import MemoryStore
from tests.test_cli import _grassroots

pytestmark = pytest.mark.slow  # the command in fresh Python processes, as in tests/test_cli.py


def test_coverage_and_gaps_in_the_terminal_match_the_queries(tmp_path: Path) -> None:
    data = tmp_path / "data"
    assert _grassroots("generate", "--households", "3000", "--seed", "6", data=data).returncode == 0
    covered = _grassroots("coverage", "s01", data=data)
    counted = _grassroots("gaps", "s01", "--count", data=data)
    listed = _grassroots("gaps", "s01", "--rule", "grid_without_group", "--limit", "2", data=data)
    unknown = _grassroots("gaps", "s01", "--rule", "no_such_rule", data=data)
    assert covered.returncode == counted.returncode == listed.returncode == 0, covered.stderr + counted.stderr + listed.stderr

    store = MemoryStore(data)
    try:
        expected = coverage(store, "s01")
        gaps = count_gaps(store, "s01")
        page = find_gaps(store, "s01", rules=["grid_without_group"], limit=2)
    finally:
        store.close()
    grids = expected.figures.grids_with_group
    line = next(line for line in covered.stdout.splitlines() if line.startswith("grids with a group"))
    assert re.findall(r"[\d,]+/[\d,]+", line)[0] == f"{grids.numerator:,}/{grids.denominator:,}"
    assert len(re.findall(r"[\d,]+/[\d,]+", line)) == 1 + len(expected.breakdown)  # the scope, then each community

    assert f"{gaps.total:,} gaps" in counted.stdout
    for rule, n in gaps.by_rule.items():
        assert re.search(rf"^\s+{rule.value}\s+{n:,}$", counted.stdout, re.MULTILINE), rule
    assert [line.split("] ")[1].split(":")[0] for line in listed.stdout.splitlines()[1:3]] == [g.path_text for g in page.items]

    assert unknown.returncode == 1 and "unknown gap rule no_such_rule" in unknown.stderr
