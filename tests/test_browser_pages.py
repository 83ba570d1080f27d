"""The gap-list page and the dashboard's staff card and report link in a real headless Chromium, with the network off.

Like tests/test_browser.py: the app serves the known district on loopback, Chromium can reach
nothing else, each page must draw with no request leaving the machine and a clean console,
and a screenshot of each is kept under the test's tmp dir.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from graph.gaps.catalogue import CATALOGUE
from tests.utils.known_network import AS_OF, GAPS
from tests.utils.served import known_district_app, serve
from visualizations.headless import Browser, PageRun, find_chromium

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        find_chromium() is None, reason="no chromium on PATH: install Debian's chromium and fonts-noto-cjk to run the browser tests"
    ),
]

_GAP_PAGE = """({
  rows: [...document.querySelectorAll('table.gaps tbody tr[data-node]')].map((r) => r.dataset.node),
  rules: [...document.querySelectorAll('tr[data-rule]')].map((r) => r.dataset.rule),
  mapLinks: [...document.querySelectorAll('td.go a.map')].map((a) => a.getAttribute('href')),
  next: document.querySelector('a.next')?.getAttribute('href') || null,
  options: document.querySelectorAll('select#rule option').length,
  text: document.body.innerText,
  font: getComputedStyle(document.body).fontFamily,
  height: document.querySelector('table.gaps').getBoundingClientRect().height,
})"""


@pytest.fixture(scope="module")
def served() -> Iterator[str]:
    """The app with the known district, listening on a free loopback port."""
    with serve(known_district_app()) as url:
        yield url


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with Browser() as opened:
        yield opened


def _clean(run: PageRun, served: str) -> None:
    assert run.outside == [], f"requests left the machine: {run.outside}"
    assert run.errors == [], f"the console shows errors: {run.errors}"
    assert all(u.startswith(served) for u in run.requests), run.requests  # the page itself, everything inline


def _wait_for(browser: Browser, condition: str) -> None:
    deadline = time.monotonic() + 20
    while not browser.evaluate(f"Boolean({condition})"):
        assert time.monotonic() < deadline, f"never true: {condition}"
        time.sleep(0.02)


def test_the_gap_page_draws_offline_pages_through_and_filters_by_rule(served: str, browser: Browser, tmp_path: Path) -> None:
    total = sum(len(ids) for ids in GAPS.values())
    run = browser.open(f"{served}/gaps?scope=d&as_of={AS_OF}&limit=10", check=_GAP_PAGE)
    browser.screenshot(tmp_path / "gaps-page-1.png")
    _clean(run, served)
    first = run.result
    assert len(first["rows"]) == 10 and first["height"] > 200, "the table did not draw"
    assert f"共 {total} 条" in first["text"] and f"第 1 / {-(-total // 10)} 页" in first["text"] and "缺口清单" in first["text"]
    assert "Noto Sans CJK SC" in first["font"]
    assert first["options"] == 1 + len(CATALOGUE)  # 全部规则, then every rule of the catalogue
    assert first["mapLinks"][0] == f"/map?scope=a12&as_of={AS_OF}"  # 锦绣园: the territory the first gap sits in
    assert all(href.startswith("/map?scope=") for href in first["mapLinks"])

    seen = list(first["rows"])
    following = first["next"]
    while following:  # the page's own links, followed as a person would
        page = browser.open(f"{served}{following}", check=_GAP_PAGE)
        seen += page.result["rows"]
        following = page.result["next"]
    assert sorted(seen) == sorted(n for ids in GAPS.values() for n in ids)

    browser.open(f"{served}/gaps?scope=d&as_of={AS_OF}")
    browser.evaluate(
        "(() => { const s = document.querySelector('select#rule'); s.value = 'unlinked_households'; "
        "s.dispatchEvent(new Event('change')); })()"
    )  # the select submits its form
    _wait_for(browser, "location.search.includes('rule=unlinked_households') && document.readyState === 'complete'")
    filtered = browser.evaluate(_GAP_PAGE)
    browser.screenshot(tmp_path / "gaps-page-filtered.png")
    assert set(filtered["rules"]) == {"unlinked_households"}
    assert sorted(filtered["rows"]) == sorted(GAPS["unlinked_households"])
    assert "党员联户" in filtered["text"] or "联户" in filtered["text"]

    browser.evaluate("document.querySelector('td.go a.map').click()")  # a row's map link opens the map of its territory
    _wait_for(browser, "window.mapReady === true")
    assert browser.evaluate("location.pathname + location.search").startswith("/map?scope=")


def test_the_dashboard_shows_the_staff_shortfall_and_links_to_the_gap_pages(served: str, browser: Browser, tmp_path: Path) -> None:
    check = """({
      staff: [...document.querySelectorAll('[data-required]')].map((v) => [v.dataset.staff, v.dataset.required, v.dataset.lacking]),
      short: [...document.querySelectorAll('table.shortfall tr[data-community]')].map((r) => r.dataset.community),
      gapLinks: [...document.querySelectorAll('a.list')].map((a) => a.getAttribute('href')),
      report: document.querySelector('a[href^="/report?"]')?.getAttribute('href') || null,
      text: document.body.innerText,
    })"""
    run = browser.open(f"{served}/dashboard?scope=d&as_of={AS_OF}", check=check)
    browser.screenshot(tmp_path / "dashboard-top.png")
    _clean(run, served)
    browser.evaluate("document.querySelector('table.shortfall').scrollIntoView({block: 'center'})")
    browser.screenshot(tmp_path / "dashboard-staff.png")
    assert run.result["staff"] == [["8", "5", "2"], ["2", "3", "2"], ["6", "2", "0"]]  # 抚东区, 东湖街道, 西湖街道
    assert run.result["short"] == ["c2"]
    assert "实有 8 / 应配 5" in run.result["text"]
    assert run.result["gapLinks"] and all(h.startswith("/gaps?scope=d&rule=") for h in run.result["gapLinks"])
    assert run.result["report"] == "/report?scope=d&format=xlsx"

    browser.evaluate("document.querySelector('a.list').click()")
    _wait_for(browser, "location.pathname === '/gaps' && document.readyState === 'complete'")
    assert browser.evaluate("document.querySelectorAll('table.gaps tbody tr[data-node]').length") > 0

    printed = browser.open(f"{served}/report?scope=d&as_of={AS_OF}&format=html")
    _clean(printed, served)
    browser.evaluate("window.dispatchEvent(new Event('beforeprint'))")
    assert browser.evaluate("[...document.querySelectorAll('details')].every((d) => d.open)")  # every gap list opens to print
