"""The map and the dashboard in a real headless Chromium, with the network switched off.

The app serves the known district on loopback; Chromium (Debian's ``chromium`` package, with
``fonts-noto-cjk`` for the Chinese) opens each page through a proxy that goes nowhere and a
resolver that resolves nothing but loopback. Each test checks that the page drew, that no
request left the machine, that the console stayed clean, and keeps a screenshot under the
test's tmp dir. Skipped, saying why, only when there is no Chromium on PATH.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from graph.gaps.catalogue import CATALOGUE
from tests.utils.known_network import AS_OF
from tests.utils.served import known_district_app, serve
from visualizations.headless import Browser, find_chromium

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        find_chromium() is None, reason="no chromium on PATH: install Debian's chromium and fonts-noto-cjk to run the browser tests"
    ),
]

# Draws the map's planted gap into view and counts the gap-red pixels inside its box on the canvas.
_OUTLINE_CHECK = """
(async (id) => {
  network.focus(id, {scale: 2.0, animation: false});
  network.redraw();
  await new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done)));
  const box = network.getBoundingBox(id);
  const a = network.canvasToDOM({x: box.left, y: box.top}), b = network.canvasToDOM({x: box.right, y: box.bottom});
  const canvas = document.querySelector("#map canvas");
  const ratio = canvas.width / canvas.clientWidth;
  const x = Math.floor(a.x * ratio) - 2, y = Math.floor(a.y * ratio) - 2;
  const w = Math.ceil((b.x - a.x) * ratio) + 4, h = Math.ceil((b.y - a.y) * ratio) + 4;
  const pixels = canvas.getContext("2d").getImageData(x, y, w, h).data;
  let red = 0;
  for (let i = 0; i < pixels.length; i += 4) {
    if (pixels[i] > 180 && pixels[i + 1] < 60 && pixels[i + 2] < 60) red++;
  }
  const node = network.body.nodes[id];
  return {red, border: node.options.color.border, width: node.options.borderWidth, title: node.options.title};
})
"""

_DRAWN_CHECK = """
(() => {
  const canvas = document.querySelector("#map canvas");
  const pixels = canvas.getContext("2d").getImageData(0, 0, canvas.width, canvas.height).data;
  let inked = 0;
  for (let i = 0; i < pixels.length; i += 4) if (pixels[i + 3] > 0 && (pixels[i] < 200 || pixels[i + 1] < 200)) inked++;
  const font = getComputedStyle(document.body).fontFamily;
  return {nodes: network.body.nodeIndices.length, edges: network.body.edgeIndices.length, inked, font};
})()
"""


@pytest.fixture(scope="module")
def served() -> Iterator[str]:
    """The app with the known district, listening on a free loopback port."""
    with serve(known_district_app()) as url:
        yield url


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with Browser() as opened:
        yield opened


def _no_request_left_and_no_error(run_requests: list[str], outside: list[str], errors: list[str]) -> None:
    assert run_requests, "the page was not even requested"
    assert outside == [], f"requests left the machine: {outside}"
    assert errors == [], f"the console shows errors: {errors}"


def test_the_map_draws_offline_with_the_planted_gap_outlined_in_red(served: str, browser: Browser, tmp_path: Path) -> None:
    run = browser.open(f"{served}/map?scope=c1&as_of={AS_OF}", ready="window.mapReady === true", check=_DRAWN_CHECK)
    browser.screenshot(tmp_path / "map-known.png")
    _no_request_left_and_no_error(run.requests, run.outside, run.errors)
    assert all(u.startswith(served) for u in run.requests), run.requests  # one request: the page itself, everything inline
    assert run.result["nodes"] >= 15 and run.result["edges"] >= 15
    assert run.result["inked"] > 5_000, "the canvas is blank"
    assert "Noto Sans CJK SC" in run.result["font"]

    gap = browser.evaluate(f"{_OUTLINE_CHECK}('a12')")  # 锦绣园: a residential area without a branch
    browser.screenshot(tmp_path / "map-known-gap.png")
    assert gap["border"] == "#d50000" and gap["width"] >= 3
    assert gap["red"] > 50, "the red outline is not on the canvas"
    assert "小区未建党支部" in gap["title"] and "锦绣园" in gap["title"]
    covered = browser.evaluate(f"{_OUTLINE_CHECK}('a11')")  # 春晖苑 has its branch: no red
    assert covered["border"] != "#d50000" and covered["red"] == 0


def test_search_focuses_the_node_and_the_filters_switch_layers(served: str, browser: Browser, tmp_path: Path) -> None:
    browser.open(f"{served}/map?scope=c1&as_of={AS_OF}", ready="window.mapReady === true")
    assert browser.evaluate("findNode('锦绣园')") == ["a12"]
    assert "锦绣园" in browser.evaluate("document.getElementById('details').textContent")
    shown = "network.body.data.nodes.length"
    edges = "network.body.data.edges.get().filter((e) => e.kind === 'cobuild').length"
    assert browser.evaluate(edges) > 0
    browser.evaluate("document.getElementById('layer-cobuild').click()")
    assert browser.evaluate(edges) == 0
    everything = browser.evaluate(shown)
    browser.evaluate("document.getElementById('gaps-only').click()")
    flagged = browser.evaluate(shown)
    assert 0 < flagged < everything
    assert browser.evaluate("network.body.data.nodes.get('h1111')") is None  # no gap there or below it
    assert browser.evaluate("network.body.data.nodes.get('g111')") is not None  # h1113 below it has not reported (双报到)
    browser.screenshot(tmp_path / "map-gaps-only.png")


def test_the_sign_in_form_is_chinese_and_posts_the_key(served: str, browser: Browser, tmp_path: Path) -> None:
    check = """({method: document.querySelector('form').method, type: document.querySelector('#key').type,
                 text: document.body.innerText, font: getComputedStyle(document.body).fontFamily})"""
    run = browser.open(f"{served}/login", check=check)
    browser.screenshot(tmp_path / "login.png")
    _no_request_left_and_no_error(run.requests, run.outside, run.errors)
    assert run.result["method"] == "post" and run.result["type"] == "password"  # the key never goes into a URL
    assert "登录" in run.result["text"] and "Noto Sans CJK SC" in run.result["font"]


def test_the_api_docs_draw_offline_from_packaged_assets(served: str, browser: Browser, tmp_path: Path) -> None:
    check = """({operations: document.querySelectorAll('.opblock').length, title: document.querySelector('.title')?.textContent || ''})"""
    run = browser.open(f"{served}/docs", ready="document.querySelectorAll('.opblock').length > 0", check=check)
    browser.screenshot(tmp_path / "docs-offline.png")
    _no_request_left_and_no_error(run.requests, run.outside, run.errors)
    assert all(u.startswith(served) for u in run.requests), run.requests  # the page, its script and style, the OpenAPI document
    assert run.result["operations"] >= 30 and "grassroots-graph" in run.result["title"]


def test_the_dashboard_draws_offline_one_bar_per_child(served: str, browser: Browser, tmp_path: Path) -> None:
    check = """({
      bars: document.querySelectorAll('.chart svg.bar').length,
      rules: document.querySelectorAll('details.gaprule').length,
      withGaps: [...document.querySelectorAll('details.gaprule')].filter((d) => d.dataset.count > 0).length,
      mapLinks: document.querySelectorAll('a[href^="/map?scope="]').length,
      text: document.body.innerText,
    })"""
    run = browser.open(f"{served}/dashboard?scope=d&as_of={AS_OF}", check=check)
    browser.screenshot(tmp_path / "dashboard-known.png")
    _no_request_left_and_no_error(run.requests, run.outside, run.errors)
    assert run.result["bars"] >= 6 * 3  # six rates, each the district and its two streets
    assert run.result["rules"] == len(CATALOGUE) and run.result["withGaps"] > 5
    assert run.result["mapLinks"] >= 3
    assert "东湖街道" in run.result["text"] and "4 / 6" in run.result["text"]  # areas with a branch, a22 under the joint one
