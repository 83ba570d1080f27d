"""`grassroots coverage` and `grassroots gaps` print the same answers as the queries, run as a user runs them."""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

from graph.coverage import coverage
from graph.gaps import count_gaps, find_gaps
from graph.memory import MemoryStore
from tests.test_cli import _grassroots


def _columns(line: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in line)


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
    lines = covered.stdout.splitlines()
    assert "网格党小组" in lines[1] and max(_columns(line) for line in lines) <= 100  # fits a terminal
    rows = [expected.figures] + [child.figures for child in expected.breakdown]
    # the path, the header, the scope and each community, staff, the roll, and 双报到 with grid leaders
    assert len(lines) == 2 + len(rows) + 3
    assert f"在册党员 {expected.figures.members_on_roll:,} 名" in lines[-2] and "双报到" in lines[-1]
    for line, figures in zip(lines[2:], rows, strict=False):
        grids = figures.grids_with_group  # the second figure column
        assert re.findall(r"[\d,]+/[\d,]+", line)[1] == f"{grids.numerator:,}/{grids.denominator:,}", line

    assert f"{gaps.total:,} 个短板" in counted.stdout
    for rule, n in gaps.by_rule.items():
        assert re.search(rf"^\s+{rule.value}\s+{n:,}$", counted.stdout, re.MULTILINE), rule
    assert [line.split("] ")[1].split("：")[0] for line in listed.stdout.splitlines()[1:3]] == [g.path_text for g in page.items]

    assert unknown.returncode == 1 and "没有短板规则 no_such_rule" in unknown.stderr


def test_alliances_in_the_terminal_match_the_query(tmp_path: Path) -> None:
    from graph.alliances import alliance_reach

    data = tmp_path / "data"
    assert _grassroots("generate", "--households", "3000", "--seed", "6", data=data).returncode == 0
    shown = _grassroots("alliances", "s01", data=data)
    assert shown.returncode == 0, shown.stderr
    store = MemoryStore(data)
    try:
        expected = alliance_reach(store, "s01")
    finally:
        store.close()
    assert expected, "the generator makes a street alliance"
    assert f"{len(expected)} 个党建联盟和党建共同体" in shown.stdout.splitlines()[0]
    for reach in expected:
        line = f"覆盖党组织 {len(reach.organisations):,} 个、驻区单位 {len(reach.units):,} 个、党员 {reach.party_members:,} 名"
        assert f"{reach.alliance.name}（" in shown.stdout and line in shown.stdout, reach.alliance.name
