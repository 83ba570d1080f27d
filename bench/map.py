"""The network map per scope size: build time, page size, time until drawn in headless Chromium, nodes on screen.

    python bench/map.py [--households 1000000] [--repeat 3] [--screenshots docs]

Generates a district (graph.generator) into the embedded store, then for one community, one
street and the whole district: builds the map (reading the store and rendering the page, best
of ``--repeat``), writes it to a file, and opens it in headless Chromium with the network
switched off (visualizations.headless), timing from the start of navigation until the page's
first drawing (vis-network's ``afterDrawing``), best of ``--repeat`` loads. The aim
(issue 5): the district opens drawn in under 2 s, in a page under 5 MB, with no more than about
3,000 nodes on screen.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from graph.generator import NetworkSpec, generate
from graph.memory import MemoryStore
from graph.model import Level, NodeKind, Territory
from visualizations.headless import Browser, find_chromium
from visualizations.map import map_data, render_map


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--households", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=3, help="runs of each timing; the best is reported")
    parser.add_argument("--screenshots", type=Path, help="also save a screenshot of each map here (map-<scope>.png)")
    args = parser.parse_args()

    started = time.perf_counter()
    store = MemoryStore()
    for batch in generate(NetworkSpec(households=args.households)):
        store.write(batch)
    print(f"generated {args.households:,} households in {time.perf_counter() - started:.1f} s")

    territories = [t for t in store.nodes(NodeKind.TERRITORY) if isinstance(t, Territory)]
    street = min(t.id for t in territories if t.level is Level.STREET)
    community = min(t.id for t in territories if t.level is Level.COMMUNITY)
    scopes = [("community", community), ("street", street), ("district", "d")]

    chromium = find_chromium()
    if chromium is None:
        print("no chromium on PATH: time until drawn is not measured (apt-get install chromium fonts-noto-cjk)")
    print(f"\n{'scope':<11}{'id':<10}{'depth':<13}{'nodes':>7}{'edges':>7}{'build s':>9}{'page MB':>9}{'drawn ms':>10}{'wall ms':>9}")
    with tempfile.TemporaryDirectory() as folder, Browser(chromium) if chromium else _NoBrowser() as browser:
        for name, scope in scopes:
            best_build = float("inf")
            for _ in range(args.repeat):
                began = time.perf_counter()
                data = map_data(store, scope)
                page = render_map(data)
                best_build = min(best_build, time.perf_counter() - began)
            path = Path(folder) / f"map-{scope}.html"
            path.write_text(page, encoding="utf-8")
            size = path.stat().st_size / 1e6
            drawn = wall = float("nan")
            on_screen = len(data.nodes)
            if isinstance(browser, Browser):
                runs = []
                for _ in range(args.repeat):
                    began = time.perf_counter()
                    run = browser.open(path.as_uri(), ready="window.mapReady === true", check="network.body.nodeIndices.length")
                    runs.append((run.ready_ms or float("nan"), (time.perf_counter() - began) * 1000, run))
                drawn, wall, run = min(runs, key=lambda r: r[0])
                on_screen = run.result
                if run.outside or run.errors:
                    print(f"  !! {scope}: requests outside {run.outside}, errors {run.errors}")
                if args.screenshots:
                    args.screenshots.mkdir(parents=True, exist_ok=True)
                    browser.screenshot(args.screenshots / f"map-{name}.png")
            edges = len(data.edges)
            print(
                f"{name:<11}{scope:<10}{data.depth.value:<13}{on_screen:>7,}{edges:>7,}{best_build:>9.2f}{size:>9.2f}{drawn:>10.0f}{wall:>9.0f}"
            )
    print("\nbuild: reading the store (coverage, every gap rule, the scope's nodes) and rendering the page;")
    print("drawn: navigation start until vis-network's first drawing, from a file:// URL; wall: the same seen from here, polling included")


class _NoBrowser:
    def __enter__(self) -> _NoBrowser:
        return self

    def __exit__(self, *_: object) -> None:
        return None


if __name__ == "__main__":
    main()
