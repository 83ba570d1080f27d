"""The network map as data and as a page: what is drawn, the size rule, gap flags, escaping, offline."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from graph.gaps import find_gaps
from graph.generator import NetworkSpec, generate
from graph.memory import MemoryStore
from graph.model import Batch, Level, LocatedIn, NodeKind, Territory, Unit, UnitType
from graph.store import GraphStore
from tests.utils.known_network import AS_OF, PROV, known_store
from visualizations.map import Depth, Links, MapData, map_data, render_map
from visualizations.map.layout import SCREEN, Point, Viewport, fitted_scale
from visualizations.map.model import MapEdge
from visualizations.map.style import LEGIBLE_PX, STYLES, font_size

HOSTILE = '</script><img src=x onerror="alert(1)">&amp;'


@pytest.fixture
def known() -> GraphStore:
    return known_store()


def _vis_nodes(page: str) -> list[dict[str, object]]:
    found = re.search(r"const ALL_NODES = (.*);\n", page)
    assert found
    nodes: list[dict[str, object]] = json.loads(found.group(1).replace("<\\/", "</"))
    return nodes


def test_a_small_district_is_drawn_whole_every_node_with_its_level(known: GraphStore) -> None:
    data = map_data(known, "d", as_of=AS_OF, fit=None)  # by node count alone
    assert data.depth is Depth.HOUSEHOLDS
    styles = {n.style for n in data.nodes.values()}
    assert {"district", "street", "community", "residential_area", "grid", "household", "unit", "alliance"} <= styles
    kinds = {e.kind for e in data.edges}
    assert {"chain", "cobuild", "cobuild_expired", "seat", "alliance"} <= kinds
    for node in _vis_nodes(render_map(data)):
        assert isinstance(node["level"], int) and isinstance(node["x"], int | float) and isinstance(node["y"], int | float)
    ranks = {n.id: n.y for n in data.nodes.values()}
    assert ranks["d"] < ranks["s1"] < ranks["c1"] < ranks["a11"] < ranks["g111"]  # levels top to bottom


def test_each_gap_flags_the_node_it_names_with_its_reason(known: GraphStore) -> None:
    data = map_data(known, "d", as_of=AS_OF, fit=None)
    assert any("小区未建党支部" in g for g in data.nodes["a12"].gaps)
    assert any("社区未建党组织" in g for g in data.nodes["c4"].gaps)
    assert any("物业服务企业未建党组织" in g for g in data.nodes["u2"].gaps)
    assert any("党组织挂空挡" in g for g in data.nodes["a31"].gaps)  # the organisation's gap, on the node standing for it
    assert any("联户长联系户数超标" in g for g in data.nodes["h1122"].gaps)
    assert not data.nodes["a11"].gaps and not data.nodes["g111"].gaps
    assert any("网格无网格长" in g for g in data.nodes["g112"].gaps)
    assert any("在职党员未报到" in g for g in data.nodes["h1113"].gaps)  # a household head, drawn
    assert any("在职党员未报到" in g and "吴磊" in g for g in data.nodes["c1"].gaps)  # m4 of the roll, not drawn: where held
    assert any("服务面积占比不足" in g for g in data.nodes["c2"].gaps)  # sc2's gap, on the community it serves
    assert sum(len(n.gaps) for n in data.nodes.values()) == data.gap_total == 56
    page = {n["id"]: n for n in _vis_nodes(render_map(data))}
    assert page["a12"]["gap"] is True and page["a12"]["color"]["border"] == "#d50000"  # type: ignore[index]
    assert "小区未建党支部" in str(page["a12"]["title"]) and "抚东区 › 东湖街道 › 幸福社区 › 锦绣园" in str(page["a12"]["title"])


def test_past_the_threshold_lower_levels_are_summarised_and_their_gaps_counted(known: GraphStore) -> None:
    data = map_data(known, "d", as_of=AS_OF, max_nodes=10)
    assert data.depth is Depth.COMMUNITIES
    assert {n.style for n in data.nodes.values()} <= {"district", "street", "community", "grid", "alliance"}
    assert [n.id for n in data.nodes.values() if n.style == "grid"] == ["g2x"]  # the street's own large grid, beside its communities
    c1 = data.nodes["c1"]
    assert c1.summary and c1.link == "c1" and "小区2 网格3" in c1.label
    assert c1.gaps_below > 0
    assert sum(len(n.gaps) + n.gaps_below for n in data.nodes.values()) == data.gap_total  # every gap counted somewhere
    page = render_map(data, links=Links())
    assert "/map?scope={id}" in page


def test_every_territory_right_under_a_drawn_scope_is_drawn_whatever_its_level(known: GraphStore) -> None:
    # g2x, 西湖大网格, is a large grid lying directly within the street s2 (全科网格): drawn at a depth that
    # stops at communities, it used to be left out, and its gaps sat on no node of its own
    for scope, max_nodes in (("s2", 1), ("d", 10)):
        data = map_data(known, scope, as_of=AS_OF, max_nodes=max_nodes)
        assert data.depth is Depth.COMMUNITIES, scope
        assert "g2x" in data.nodes and MapEdge("g2x", "s2", "chain") in data.edges, scope
        assert "g2x" in data.nodes["s2"].children
        assert sum(len(n.gaps) + n.gaps_below for n in data.nodes.values()) == data.gap_total  # every gap counted somewhere
    street = map_data(known, "s2", as_of=AS_OF, max_nodes=1)
    assert {t for t, _ in street.below} <= set(street.nodes)  # the breadcrumbs' 下级 are all on the map
    g2x_gaps = [g for g in find_gaps(known, "g2x", as_of=AS_OF, limit=1000).items if g.node.id in ("g2x", "o-g2x")]
    assert len(street.nodes["g2x"].gaps) == len(g2x_gaps)
    grid = map_data(known, "g111", as_of=AS_OF)  # a grid's own map draws its buildings (楼栋) beside its heads
    assert {"b1111", "b1112"} <= set(grid.nodes) and grid.nodes["b1112"].style == "building"
    assert {t for t, _ in grid.below} <= set(grid.nodes)


def test_a_summary_counts_what_lies_below_it_by_level_buildings_included_and_not_itself(known: GraphStore) -> None:
    # g111 holds two buildings, b1111 and b1112: summarised, it used to read "小区0 网格1" (itself)
    sizes: dict[Depth, MapData] = {}
    for max_nodes in range(1, 60):  # each depth c1 can be drawn at, by node count alone
        data = map_data(known, "c1", as_of=AS_OF, fit=None, max_nodes=max_nodes)
        sizes.setdefault(data.depth, data)
    grids = sizes[Depth.GRIDS]
    g111 = grids.nodes["g111"]
    assert g111.summary and g111.link == "g111"
    assert g111.label.split("\n")[1] == "楼栋2"  # under its name: its buildings, neither itself nor an area
    assert "下辖 楼栋 2" in g111.facts
    assert not grids.nodes["g112"].summary  # no building below: a plain grid
    a11 = sizes[Depth.AREAS].nodes["a11"]
    assert a11.summary and "网格2 楼栋2" in a11.label
    c1 = map_data(known, "d", as_of=AS_OF, max_nodes=10).nodes["c1"]
    assert c1.summary and "小区2 网格3\n楼栋2" in c1.label and "下辖 小区 2 · 网格 3 · 楼栋 2" in c1.facts


def test_a_generated_district_of_a_hundred_thousand_households_stays_under_the_node_budget() -> None:
    store = MemoryStore()
    for batch in generate(NetworkSpec(households=100_000, seed=3)):
        store.write(batch)
    data = map_data(store, "d", fit=None)
    assert len(data.nodes) <= 3000
    assert data.depth is not Depth.HOUSEHOLDS  # ~10,000 household heads would not fit
    street = next(t.id for t in store.nodes(NodeKind.TERRITORY) if t.level is Level.STREET)  # type: ignore[union-attr]
    assert map_data(store, street, fit=None).depth is not Depth.COMMUNITIES


def _smallest_label_px(data: MapData, view: Viewport = SCREEN) -> float:
    """The smallest label of a map once fitted to ``view``, as vis-network's fit draws it (the chain's nodes; alliances above)."""
    at = {n.id: Point(n.x, n.y) for n in data.nodes.values()}
    scale = fitted_scale(at, {n.id: STYLES[n.style].slot for n in data.nodes.values()}, view)
    return scale * min(n.font or font_size(n.style, summary=n.summary) for n in data.nodes.values())


@pytest.fixture(scope="module")
def city() -> MemoryStore:
    """A generated district of 100,000 households: three streets of about ten communities each."""
    store = MemoryStore()
    for batch in generate(NetworkSpec(households=100_000, seed=3)):
        store.write(batch)
    return store


def test_a_street_and_a_district_are_drawn_as_deep_as_their_labels_stay_legible_on_a_screen(city: MemoryStore) -> None:
    territories = [t for t in city.nodes(NodeKind.TERRITORY) if isinstance(t, Territory)]
    street = min(t.id for t in territories if t.level is Level.STREET)
    community = min(t.id for t in territories if t.level is Level.COMMUNITY)
    for scope in ("d", street, community):
        data = map_data(city, scope)
        assert _smallest_label_px(data) >= LEGIBLE_PX, (scope, data.depth)
        deeper = map_data(city, scope, fit=None)  # by node count alone: deeper, and unreadable on a screen
        assert _smallest_label_px(deeper) < LEGIBLE_PX, (scope, deeper.depth)
    street_map = map_data(city, street)
    assert street_map.depth is Depth.COMMUNITIES
    summaries = [n for n in street_map.nodes.values() if n.style == "community"]
    assert summaries and all(n.summary and n.link == n.id and re.search(r"小区\d+ 网格\d+", n.label) for n in summaries)
    assert map_data(city, "d").depth is Depth.COMMUNITIES  # three streets of about ten communities fit a screen
    district = map_data(city, "d", fit=Viewport(500, 400))  # on a small screen they do not: the streets, summarised
    assert district.depth is Depth.STREETS and _smallest_label_px(district, Viewport(500, 400)) >= LEGIBLE_PX
    streets = [n for n in district.nodes.values() if n.style == "street"]
    assert len(streets) >= 2 and all(re.search(r"社区\d+ 小区\d+\n网格\d+", n.label) and n.link == n.id for n in streets)
    assert sum(len(n.gaps) + n.gaps_below for n in district.nodes.values()) == district.gap_total  # every gap counted somewhere
    assert map_data(city, community).depth in (Depth.GRIDS, Depth.AREAS)


def test_every_map_carries_its_breadcrumbs_and_the_scopes_right_under_it(city: MemoryStore) -> None:
    territories = {t.id: t for t in city.nodes(NodeKind.TERRITORY) if isinstance(t, Territory)}
    community = min(t.id for t in territories.values() if t.level is Level.COMMUNITY)
    data = map_data(city, community)
    street = data.trail[1][0]
    assert [territories[i].level for i, _ in data.trail] == [Level.DISTRICT, Level.STREET, Level.COMMUNITY]
    assert data.trail[-1] == (community, territories[community].name)
    assert data.below and all(territories[i].level is Level.RESIDENTIAL_AREA for i, _ in data.below)
    page = render_map(data, links=Links())
    crumbs = re.search(r'<nav class="crumbs".*?</nav>', page, re.S)
    assert crumbs
    hrefs = re.findall(r'href="([^"]+)"', crumbs.group(0))
    assert hrefs[:2] == ["/map?scope=d", f"/map?scope={street}"]  # the ancestors, top down; the scope itself is not a link
    assert sorted(hrefs[2:]) == sorted(f"/map?scope={i}" for i, _ in data.below)
    assert f'<span aria-current="page">{territories[community].name}</span>' in crumbs.group(0)
    standalone = render_map(data, links=Links(map=None, dashboard=None, gaps=None))  # a file on its own: names without links
    assert "/map?scope=" not in standalone and territories[street].name in standalone


def test_names_are_text_in_the_page_never_markup(known: GraphStore) -> None:
    known.write(
        Batch(
            nodes=[Unit(id="u-evil", name=HOSTILE, unit_type=UnitType.ENTERPRISE, provenance=PROV)],
            edges=[LocatedIn(source="u-evil", target="c1", provenance=PROV)],
        )
    )
    page = render_map(map_data(known, "c1", as_of=AS_OF))
    assert HOSTILE not in page
    assert "</script><img" not in page  # no script element closed early by a name
    assert any(n["id"] == "u-evil" and HOSTILE in str(n["title"]) for n in _vis_nodes(page))  # kept as text in the data


def test_the_page_is_one_offline_file_in_chinese(known: GraphStore) -> None:
    page = render_map(map_data(known, "d", as_of=AS_OF))
    assert not re.search(r"<(script|link|img|iframe)[^>]+(src|href)=", page), "every script and style is inline"
    assert "://cdn" not in page and "bootstrap" not in page.lower() and "tom-select" not in page
    assert "Noto Sans CJK SC" in page and '<meta charset="utf-8">' in page and 'lang="zh-CN"' in page
    assert "vis.Network" in page and "window.mapReady" in page


@pytest.mark.slow
def test_the_map_command_writes_utf8_and_expands_summarised_communities(tmp_path: Path) -> None:
    data = tmp_path / "data"
    env = {"GRASSROOTS_DATA_DIR": str(data), "PYTHONIOENCODING": "utf-8", "LANG": "C", "LC_ALL": "C", "PATH": "/usr/bin:/bin"}
    cli = [sys.executable, "-m", "cli"]
    run = subprocess.run([*cli, "generate", "--households", "3000", "--seed", "2"], env=env, capture_output=True, text=True, check=False)
    assert run.returncode == 0, run.stderr
    page = tmp_path / "district.html"
    run = subprocess.run([*cli, "map", "d", "-o", str(page), "--max-nodes", "20", "--expand"], env=env, capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    text = page.read_bytes().decode("utf-8")  # UTF-8 though the locale is C
    assert "组织网络图" in text and "显示至社区" in text
    beside = sorted(tmp_path.glob("district-*.html"))
    assert beside and all("组织网络图" in p.read_text(encoding="utf-8") for p in beside)
    assert "district-{id}.html" in text


def test_a_missing_organisation_is_drawn_hollow_and_a_units_own_filled(known: GraphStore) -> None:
    """The legend's promise: filled where the organisation exists, hollow and dotted where it does not."""
    nodes = {n["id"]: n for n in _vis_nodes(render_map(map_data(known, "c1", as_of=AS_OF)))}
    area = nodes["a12"]  # 锦绣园: no residential-area branch
    assert area["color"]["background"] == "#ffffff" and area["shapeProperties"]["borderDashes"] == [2, 4]  # type: ignore[index]
    assert area["color"]["border"] == "#d50000"  # and outlined as a gap
    assert "shapeProperties" not in nodes["a11"] and not nodes["a11"].get("missing")  # 春晖苑 has its branch
    summary = {n["id"]: n for n in _vis_nodes(render_map(map_data(known, "d", as_of=AS_OF, max_nodes=10)))}["c4"]
    assert summary["link"] == "c4" and summary["shapeProperties"]["borderDashes"] == [2, 4]  # type: ignore[index]  # a summary, yet missing
    units = [n for n in nodes.values() if n["kindOf"] == "unit"]
    organised = [n for n in units if not n.get("missing")]
    assert organised and all(n["color"]["background"] != "#ffffff" for n in organised)  # type: ignore[index]
    assert all(n["color"]["background"] == "#ffffff" for n in units if n.get("missing"))  # type: ignore[index]
