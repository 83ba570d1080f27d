"""Maps staff can read: a street's and a district's map in a real headless Chromium, labels measured as drawn.

A generated district of 100,000 households (three streets of about ten communities) is served on
loopback; Chromium opens each map with the network off, and the page's own network object says
the scale its first fit chose and each label's font size: their product is the label's size on
screen. Each map must show more than its root, every label at least :data:`LEGIBLE_PX` px, and
breadcrumbs that lead to the maps above and below. Screenshots are kept under the test's tmp dir.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from api.app import create_app
from graph.generator import NetworkSpec, generate
from graph.memory import MemoryStore
from graph.model import Level, NodeKind, Territory
from graph.settings import Settings
from tests.utils.served import serve
from visualizations.headless import Browser, PageRun, find_chromium
from visualizations.map.style import LEGIBLE_PX

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        find_chromium() is None, reason="no chromium on PATH: install Debian's chromium and fonts-noto-cjk to run the browser tests"
    ),
]

LABELS = """(() => {
  const scale = network.getScale();
  const shown = network.body.nodeIndices.map((id) => network.body.nodes[id]).filter((n) => n.options.label);
  const drawn = shown.map((n) => ({id: n.id, kind: n.options.kindOf, px: n.options.font.size * scale}));
  const box = document.getElementById("map").getBoundingClientRect();
  return {scale, drawn, width: box.width, height: box.height,
          crumbs: [...document.querySelectorAll("nav.crumbs a")].map((a) => a.getAttribute("href")),
          here: document.querySelector("nav.crumbs [aria-current]")?.textContent};
})()"""


@pytest.fixture(scope="module")
def city() -> MemoryStore:
    store = MemoryStore()
    for batch in generate(NetworkSpec(households=100_000, seed=7)):
        store.write(batch)
    return store


@pytest.fixture(scope="module")
def served(city: MemoryStore) -> Iterator[str]:
    with serve(create_app(Settings(auth=False), store_factory=lambda _: city)) as url:
        yield url


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with Browser() as opened:
        yield opened


def _first(store: MemoryStore, level: Level) -> Territory:
    return min((t for t in store.nodes(NodeKind.TERRITORY) if isinstance(t, Territory) and t.level is level), key=lambda t: t.id)


def _legible(run: PageRun) -> dict[str, object]:
    assert run.outside == [] and run.errors == [], (run.outside, run.errors)
    result: dict[str, object] = run.result
    drawn = result["drawn"]
    assert isinstance(drawn, list) and len(drawn) > 5, "the map shows more than its root"
    smallest = min(drawn, key=lambda d: d["px"])
    assert smallest["px"] >= LEGIBLE_PX, f"a label is drawn at {smallest['px']:.1f} px at the first fit: {smallest}"
    return result


def test_a_streets_map_is_legible_at_its_first_fit_and_its_breadcrumbs_lead_up_and_down(
    served: str, browser: Browser, city: MemoryStore, tmp_path: Path
) -> None:
    street = _first(city, Level.STREET)
    run = browser.open(f"{served}/map?scope={street.id}", ready="window.mapReady === true", check=LABELS)
    browser.screenshot(tmp_path / "map-street.png")
    result = _legible(run)
    kinds = {d["kind"] for d in result["drawn"]}  # type: ignore[union-attr]
    assert {"street", "community"} <= kinds
    assert result["here"] == street.name
    crumbs = result["crumbs"]
    assert isinstance(crumbs, list) and crumbs[0] == "/map?scope=d"  # up to the district
    communities = [t.id for t in city.nodes(NodeKind.TERRITORY) if isinstance(t, Territory) and t.level is Level.COMMUNITY]
    below = [c.removeprefix("/map?scope=") for c in crumbs[1:]]
    assert below and set(below) <= set(communities)  # and down to each of its communities

    community = browser.open(f"{served}{crumbs[1]}", ready="window.mapReady === true", check=LABELS)  # a community's map
    browser.screenshot(tmp_path / "map-community.png")
    result = _legible(community)
    assert result["crumbs"][:2] == ["/map?scope=d", f"/map?scope={street.id}"]  # type: ignore[index]
    assert "grid" in {d["kind"] for d in result["drawn"]} or "residential_area" in {d["kind"] for d in result["drawn"]}  # type: ignore[union-attr]


def test_a_districts_map_is_legible_at_its_first_fit(served: str, browser: Browser, city: MemoryStore, tmp_path: Path) -> None:
    run = browser.open(f"{served}/map?scope=d", ready="window.mapReady === true", check=LABELS)
    browser.screenshot(tmp_path / "map-district.png")
    result = _legible(run)
    kinds = {d["kind"] for d in result["drawn"]}  # type: ignore[union-attr]
    assert {"district", "street"} <= kinds
    streets = [t for t in city.nodes(NodeKind.TERRITORY) if isinstance(t, Territory) and t.level is Level.STREET]
    assert len(streets) >= 2 and {f"/map?scope={s.id}" for s in streets} <= set(result["crumbs"])  # type: ignore[arg-type]
