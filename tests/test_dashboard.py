"""The coverage dashboard: one bar per child scope against 100%, gap counts by rule, links, and the report command."""

from __future__ import annotations

import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from graph.coverage import coverage
from graph.gaps import find_gaps, gap_rules
from graph.memory import MemoryStore
from graph.settings import Settings
from tests.utils.known_network import AS_OF, GAPS, known_store
from visualizations.dashboard import FIGURES, render_dashboard
from visualizations.map import Links


@pytest.fixture
def store() -> MemoryStore:
    return known_store()


@pytest.fixture
def client(store: MemoryStore) -> Iterator[TestClient]:
    with TestClient(create_app(Settings(), store_factory=lambda _: store)) as c:
        yield c


def _page(store: MemoryStore, links: Links | None = None) -> str:
    cov = coverage(store, "d", as_of=AS_OF)
    gaps = find_gaps(store, "d", as_of=AS_OF, limit=10_000).items
    return render_dashboard(cov, gaps, rules=gap_rules(), links=links)


def test_each_rate_is_a_bar_per_child_against_a_hundred_percent(store: MemoryStore) -> None:
    page = _page(store)
    charts = re.findall(r'<section class="chart">(.*?)</section>', page)
    assert len(charts) == len(FIGURES) + 1  # every rate and the staff norm
    for chart in charts:
        assert chart.count("<li") == 1 + 2  # the district, then its two streets
    first = charts[0]
    assert '<rect class="full" width="100"' in first  # the 100% the rate is drawn against
    assert "4 / 6 · 66.7%" in first and "3 / 4 · 75.0%" in first and "1 / 2 · 50.0%" in first  # a22 under the joint branch
    assert 'width="66.67"' in first


def test_the_roll_is_counted_by_category_in_the_chain_and_in_units_with_the_dual_report_rate(store: MemoryStore) -> None:
    page = _page(store)
    (reports,) = [c for c in re.findall(r'<section class="chart">(.*?)</section>', page) if "双报到率" in c]
    assert "3 / 7 · 42.9%" in reports and "2 / 5 · 40.0%" in reports and "1 / 2 · 50.0%" in reports  # d, s1, s2
    rows = re.findall(r"<tr><th>(\w+)</th>((?:<td>[\d,]+</td>)+)</tr>", page)
    assert [(where, re.findall(r"[\d,]+", cells)) for where, cells in rows] == [
        ("街道社区党组织", ["4", "5", "1", "2", "1", "13"]),  # in service, retired (h2x1 among them), floating, resident, SOE; total
        ("驻区单位党组织", ["3", "0", "0", "0", "0", "3"]),
    ]
    assert "党员名册合计 16 名" in page and "双报到 3 / 7" in page and "其中群众联户长 1 名" in page


def test_gap_counts_by_rule_with_every_rule_listed(store: MemoryStore) -> None:
    page = _page(store)
    counts = {rule: int(n) for rule, n in re.findall(r'data-rule="(\w+)" data-count="(\d+)"', page)}
    assert set(counts) == {r.name.value for r in gap_rules()}
    assert {k: v for k, v in counts.items() if v} == {rule: len(ids) for rule, ids in GAPS.items() if ids}
    assert "锦绣园" in page and "未建小区党支部" in page  # the list itself, with its chain path


def test_the_served_dashboard_links_into_the_map_and_the_gap_lists(client: TestClient) -> None:
    page = client.get("/dashboard", params={"scope": "d", "as_of": str(AS_OF)})
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    text = page.text
    assert 'href="/map?scope=s1"' in text and 'href="/map?scope=d"' in text
    assert 'href="/gaps?scope=d&amp;rule=area_without_branch"' in text  # the gap-list page, not the JSON
    assert "/scopes/d/gaps" not in text
    assert 'href="/report?scope=d&amp;format=xlsx"' in text
    assert not re.search(r"<(script|link|img)[^>]+(src|href)=", text)
    linked = client.get("/gaps", params={"scope": "d", "rule": "area_without_branch", "as_of": str(AS_OF)})
    assert linked.status_code == 200 and linked.text.count('<tr data-rule="area_without_branch"') == 2
    assert client.get("/dashboard", params={"scope": "nowhere"}).status_code == 404


def test_a_standalone_report_has_no_links_to_a_service(store: MemoryStore) -> None:
    page = _page(store, Links(map=None, dashboard=None, gaps=None))
    assert "href=" not in page
    assert "东湖街道" in page


@pytest.mark.slow
def test_the_report_command_writes_the_dashboard_as_a_utf8_file(tmp_path: Path) -> None:
    env = {"GRASSROOTS_DATA_DIR": str(tmp_path / "data"), "LANG": "C", "LC_ALL": "C", "PATH": "/usr/bin:/bin"}
    cli = [sys.executable, "-m", "cli"]
    made = subprocess.run([*cli, "generate", "--households", "3000", "--seed", "2"], env=env, capture_output=True, text=True, check=False)
    assert made.returncode == 0, made.stderr
    report = tmp_path / "report.html"
    run = subprocess.run([*cli, "report", "d", "-o", str(report)], env=env, capture_output=True, text=True, check=False)
    assert run.returncode == 0, run.stderr
    text = report.read_bytes().decode("utf-8")
    assert "覆盖率看板" in text and "小区党支部覆盖率" in text and 'class="gaprule"' in text
    missing = subprocess.run([*cli, "report", "nowhere", "-o", str(report)], env=env, capture_output=True, text=True, check=False)
    assert missing.returncode == 1 and "nowhere" in missing.stderr


def test_the_staff_card_gives_staff_per_10000_residents_where_population_is_recorded(store: MemoryStore) -> None:
    assert "每万人专职人员" not in _page(store)  # the known district records no population
    cov = coverage(store, "d", as_of=AS_OF)
    assert cov.figures.staff is not None
    staffed = cov.figures.staff.model_copy(update={"population": 20_000, "staff_per_10000_residents": 6.0})
    page = render_dashboard(cov.model_copy(update={"figures": cov.figures.model_copy(update={"staff": staffed})}), [], rules=gap_rules())
    assert "常住人口 20,000 人, 每万人专职人员 6.0 名 (标准 18 名)" in page  # Fuzhou's 6 against its 18
