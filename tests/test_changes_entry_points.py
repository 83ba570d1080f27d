"""Changes and trends through their entry points: the API (scoped like every route), the dashboard's panel, the report's sheet, the CLI."""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from openpyxl import load_workbook

from api.app import create_app
from graph.changes import changes, trends
from graph.coverage import coverage
from graph.gaps import find_gaps, gap_rules
from graph.generator import NetworkSpec
from graph.memory import MemoryStore
from graph.settings import Settings
from service.context import Context
from service.keys import KeyRing
from service.principal import COMMAND_LINE, AccessRole
from tests.test_cli import _grassroots
from tests.utils.changing_network import END, START, write_month
from visualizations.dashboard import changes_panel, render_dashboard


@pytest.fixture
def store() -> MemoryStore:
    s = MemoryStore()
    write_month(s)
    return s


@pytest.fixture
def keyed(store: MemoryStore, tmp_path: Path) -> Iterator[tuple[TestClient, dict[str, str]]]:
    ring = KeyRing(tmp_path / "keys.json")
    tokens = {
        "east": ring.create(role=AccessRole.VIEWER, scope="s1", name="东湖街道")[1],
        "west": ring.create(role=AccessRole.VIEWER, scope="s2", name="西湖街道")[1],
        "all": ring.create(role=AccessRole.VIEWER, scope=None, name="区")[1],
    }
    settings = Settings(auth=True, keys_file=tmp_path / "keys.json")
    with TestClient(create_app(settings, store_factory=lambda _: store)) as client:
        yield client, {name: f"Bearer {token}" for name, token in tokens.items()}


def test_the_api_answers_changes_and_trends_of_a_scope(keyed: tuple[TestClient, dict[str, str]]) -> None:
    client, keys = keyed
    found = client.get("/scopes/d/changes", params={"since": str(START), "until": str(END)}, headers={"Authorization": keys["all"]})
    assert found.status_code == 200, found.text
    body = found.json()
    assert {a["agreement"]["id"] for a in body["agreements"]} == {"ag-new", "ag-x", "ag-sign"}
    assert {(t["change"], t["node"]["id"]) for t in body["territories"]} >= {("created", "a12"), ("moved", "c2")}
    months = client.get("/scopes/d/trends", params={"since": "2026-09-01", "until": str(END)}, headers={"Authorization": keys["all"]})
    assert months.status_code == 200 and months.json()["months"] == ["2026-09-30", "2026-10-31"]


def test_another_streets_key_gets_404_and_a_street_sees_no_other_streets_places(keyed: tuple[TestClient, dict[str, str]]) -> None:
    client, keys = keyed
    params = {"since": str(START), "until": str(END)}
    for path in ("/scopes/s2/changes", "/scopes/c3/changes", "/scopes/s2/trends"):
        assert client.get(path, params=params, headers={"Authorization": keys["east"]}).status_code == 404
    east = client.get("/scopes/s1/changes", params=params, headers={"Authorization": keys["east"]}).json()
    # c2 now lies in the other street: this key may no longer name it (the policy), so its leaving shows in the figures
    assert "c2" not in {t["node"]["id"] for t in east["territories"]}
    communities = next(f for f in east["coverage"]["figures"] if f["figure"] == "communities_with_centre")
    assert communities["denominator_change"] == -1
    assert _territories_named(east) <= {"d", "s1", "c1", "a11", "a12", "g111", "g112", "g121"}
    assert "和平苑" not in str(east)  # c2's residential area is the other street's now
    west = client.get("/scopes/s2/changes", params=params, headers={"Authorization": keys["west"]}).json()
    moved = next(t for t in west["territories"] if t["node"]["id"] == "c2")
    assert moved["change"] == "moved_in" and moved["before"] is None  # where it came from is the other street's
    assert _territories_named(west) <= {"d", "s2", "c2", "c3", "a21", "a31"}


def _territories_named(answer: object) -> set[str]:
    """Every territory an answer names, wherever it sits in the JSON."""
    if isinstance(answer, dict):
        own = {answer["id"]} if answer.get("kind") == "territory" and "id" in answer else set()
        return own.union(*(_territories_named(v) for v in answer.values()))
    if isinstance(answer, list):
        return set().union(*(_territories_named(v) for v in answer))
    return set()


def test_a_question_without_a_first_day_or_with_the_days_reversed_is_a_422(keyed: tuple[TestClient, dict[str, str]]) -> None:
    client, keys = keyed
    headers = {"Authorization": keys["all"]}
    assert client.get("/scopes/d/changes", headers=headers).status_code == 422
    reversed_days = client.get("/scopes/d/changes", params={"since": str(END), "until": str(START)}, headers=headers)
    assert reversed_days.status_code == 422 and "早于" in str(reversed_days.json())


def test_the_dashboard_panel_lists_the_changes_and_draws_each_figure_as_a_line(store: MemoryStore) -> None:
    changed = changes(store, "d", since=START, until=END)
    trend = trends(store, "d", since=date(2026, 6, 1), until=END)
    panel = changes_panel(changed, trend)
    assert f"变化 ({START} 至 {END})" in panel
    assert panel.count("<li") == changed.total
    assert "续签共建协议 ag-new" in panel and "小区党支部覆盖率" in panel
    lines = re.findall(r'<svg class="spark"[^>]*><polyline points="([^"]+)"/>', panel)
    assert len(lines) == len(trend.series)
    assert all(len(points.split()) == len(trend.months) for points in lines)  # a point per month end
    page = render_dashboard(
        coverage(store, "d", as_of=END), find_gaps(store, "d", as_of=END, limit=1000).items, rules=gap_rules(), changed=changed, trend=trend
    )
    assert panel in page and "http" not in panel  # drawn inline, nothing fetched


def test_the_report_has_a_sheet_of_changes_since_the_last_month_end(store: MemoryStore) -> None:
    ctx = Context(store, COMMAND_LINE).on(END)  # the last month end before END is START's eve: the whole month
    book = load_workbook(io.BytesIO(ctx.report("d", fmt="xlsx")))
    sheet = book["变化情况"]
    rows = [[c.value for c in row] for row in sheet.iter_rows(min_row=3)]
    found = ctx.changes("d", since=date(2026, 9, 30))
    figures = [f for f in found.coverage.figures if f.changed]
    assert len(rows) == len(figures) + found.total
    assert rows[0][1] == "覆盖指标" and rows[0][3] == figures[0].label
    assert any(row[2] == "续签" and "ag-new" in str(row[3]) for row in rows)
    assert any(row[2] == "调整隶属" and "和平社区" in str(row[3]) for row in rows)


def test_the_command_line_prints_the_changes_and_the_trends(store: MemoryStore, tmp_path: Path) -> None:
    data = tmp_path / "data"
    write_month(MemoryStore(data)).close()
    changed = _grassroots("changes", "d", "--since", str(START), "--until", str(END), data=data)
    assert changed.returncode == 0, changed.stderr
    assert "续签共建协议 ag-new" in changed.stdout and "小区党支部覆盖率" in changed.stdout
    assert f"共 {changes(store, 'd', since=START, until=END).total} 项变化" in changed.stdout
    english = _grassroots("changes", "d", "--since", str(START), "--until", str(END), "--lang", "en", data=data)
    assert "renewed" in english.stdout
    monthly = _grassroots("trends", "d", "--since", "2026-09-01", "--until", str(END), data=data)
    assert monthly.returncode == 0 and "2026-09" in monthly.stdout and "2026-10" in monthly.stdout
    assert re.search(r"小区党支部覆盖率\s+66\.7%\s+75\.0%", monthly.stdout), monthly.stdout
    missing = _grassroots("changes", "d", data=data)
    assert missing.returncode != 0


def test_a_generated_network_takes_effect_on_its_own_day_so_nothing_is_new_since(tmp_path: Path) -> None:
    """The demo describes the district as of NetworkSpec.as_of (its provenance's day): asked what changed since
    the next day, it lists nothing created; asked since the day before, every territory it made."""
    data = tmp_path / "data"
    assert _grassroots("generate", "--households", "3000", "--seed", "2", data=data).returncode == 0
    day = NetworkSpec().as_of
    after = _grassroots("changes", "d", "--since", str(day), data=data)
    assert after.returncode == 0, after.stderr
    assert "新设" not in after.stdout
    before = _grassroots("changes", "d", "--since", str(day - timedelta(days=1)), data=data)
    assert before.stdout.count("新设 社区") >= 1
    history = _grassroots("history", "s01", data=data)
    assert str(day) in history.stdout and "创建" in history.stdout
