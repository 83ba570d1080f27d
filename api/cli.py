"""The ``grassroots`` command: one entry point, a subcommand for each job."""

from __future__ import annotations

import argparse
import getpass
import sys
import time
import unicodedata
from collections.abc import Sequence
from datetime import UTC, date, datetime
from pathlib import Path

from tqdm import tqdm

from api.keys import AccessRole, KeyRing
from graph.errors import GraphError
from graph.files import atomic_write
from graph.generator import GapRates, NetworkSpec, generate
from graph.model import EdgeKind, Level, NodeKind, Territory
from graph.settings import Settings, get_settings, open_store
from graph.store import GraphStore, WriteSummary
from loaders.exporter import FORMATS, export
from loaders.importer import import_file, log_write
from loaders.workbooks import write_problems, write_template

__all__ = ["main"]

DEMO_HOUSEHOLDS = 20_000


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="grassroots", description="The party-building network of a district as a graph.")
    commands = parser.add_subparsers(dest="command", required=True)

    serve = commands.add_parser("serve", help="run the API and the map")
    serve.add_argument(
        "--demo", action="store_true", help=f"load a generated demo network ({DEMO_HOUSEHOLDS:,} households) if the store is empty"
    )
    serve.add_argument("--host", help="address to listen on (default: GRASSROOTS_HOST or 127.0.0.1)")
    serve.add_argument("--port", type=int, help="port (default: GRASSROOTS_PORT or 8000)")

    gen = commands.add_parser("generate", help="write a synthetic network with planted gaps into the store")
    gen.add_argument("--households", type=_positive, default=DEMO_HOUSEHOLDS, help="about how many households (default %(default)s)")
    gen.add_argument("--seed", type=int, default=7, help="same seed, same network (default %(default)s)")
    gen.add_argument("--replace", action="store_true", help="empty the store first")
    gen.add_argument(
        "--gap",
        action="append",
        default=[],
        metavar="NAME=RATE",
        type=_gap_rate,
        help=f"plant a gap at this rate, 0 to 1 (repeatable); names: {', '.join(GapRates.__dataclass_fields__)}",
    )

    commands.add_parser("stats", help="count the nodes and edges of each kind")

    keys = commands.add_parser("keys", help="API keys: create, list, revoke (kept hashed in GRASSROOTS_KEYS_FILE)")
    key_commands = keys.add_subparsers(dest="keys_command", required=True)
    create = key_commands.add_parser("create", help="make a key and print it (once: only its hash is kept)")
    create.add_argument(
        "--role", choices=[r.value for r in AccessRole], required=True, help="viewer reads; editor also writes; admin also manages keys"
    )
    create.add_argument("--scope", help="a territory id: the key sees and changes only it and what lies under it (default: everything)")
    create.add_argument("--name", default="", help="who or what holds it")
    key_commands.add_parser("list", help="the keys: id, role, scope, holder")
    revoke = key_commands.add_parser("revoke", help="stop a key working")
    revoke.add_argument("key_id")

    mapper = commands.add_parser("map", help="write the network map of a scope as an HTML file")
    mapper.add_argument("scope", help="id of a territory (district, street, community...)")
    mapper.add_argument("-o", "--output", type=Path, required=True, help="the HTML file to write")
    mapper.add_argument("--max-nodes", type=_positive, help="draw at most about this many nodes (default 3000)")
    mapper.add_argument(
        "--expand", action="store_true", help="also write the map of each summarised community beside it (<file>-<id>.html), linked"
    )

    reporter = commands.add_parser("report", help="write the coverage dashboard of a scope as a standalone HTML file")
    reporter.add_argument("scope", help="id of a territory (district, street, community...)")
    reporter.add_argument("-o", "--output", type=Path, required=True, help="the HTML file to write")

    importer = commands.add_parser("import", help="import a ledger: an .xlsx workbook, a CSV file, a .zip or a folder of CSV files")
    importer.add_argument("path", type=Path, help="the file or folder (see `grassroots template` for the format)")
    importer.add_argument("--dry-run", action="store_true", help="check everything and say what would change; write nothing")
    importer.add_argument(
        "--replace", metavar="SCOPE", help="also delete what the file's tables hold in this territory but the file no longer has"
    )
    importer.add_argument("--problems-file", type=Path, help="where to write the refused rows (default: <file>.problems.xlsx beside it)")
    importer.add_argument("--no-problems-file", action="store_true", help="do not write the refused rows to a file")

    commands.add_parser("imports", help="list past imports, newest first")

    template = commands.add_parser("template", help="write an empty workbook to fill in, with every sheet and its documentation")
    template.add_argument("path", type=Path, nargs="?", default=Path("grassroots-template.xlsx"), help="default %(default)s")

    exporter = commands.add_parser("export", help="write the graph, or one scope, as a ledger or for other tools")
    exporter.add_argument("path", type=Path, help=".xlsx, .zip or a folder (the import format), .graphml, .gexf or .json (Popolo)")
    exporter.add_argument("--scope", help="a territory id: it, everything under it and its ancestors (default: the whole graph)")
    exporter.add_argument("--format", choices=FORMATS, help="instead of telling it from the path")

    cover = commands.add_parser("coverage", help="how much of a scope the chain covers, broken down one level down")
    cover.add_argument("scope", help="id of a territory or of the organisation covering it")
    cover.add_argument("--as-of", type=date.fromisoformat, help="as things stood on this day (YYYY-MM-DD; default today)")

    gapper = commands.add_parser("gaps", help="where the network is thin: the gaps of a scope, by rule")
    gapper.add_argument("scope", help="id of a territory or of the organisation covering it")
    gapper.add_argument("--rule", action="append", help="only this rule (repeatable); `grassroots gaps SCOPE --count` lists them all")
    gapper.add_argument("--count", action="store_true", help="count per rule, without listing")
    gapper.add_argument("--limit", type=_positive, default=50, help="gaps to list (default %(default)s)")
    gapper.add_argument("--as-of", type=date.fromisoformat, help="as things stood on this day (YYYY-MM-DD; default today)")

    args = parser.parse_args(argv)
    if args.command == "template":  # needs no store
        write_template(args.path)
        print(f"wrote {args.path}: fill in the sheets you need, then `grassroots import {args.path}`")
        return 0
    settings = get_settings()
    if args.command == "keys":
        try:
            return _keys(settings, args)
        except (GraphError, ValueError, OSError) as exc:
            print(f"grassroots keys: {exc}", file=sys.stderr)
            return 1
    try:
        if args.command == "serve":
            return _serve(settings, demo=args.demo, host=args.host or settings.host, port=args.port or settings.port)
        with _opened(settings) as store:
            if args.command == "generate":
                gaps = GapRates(**dict(args.gap))
                _generate(store, spec=NetworkSpec(households=args.households, seed=args.seed, gaps=gaps), replace=args.replace)
            elif args.command == "stats":
                _stats(store)
            elif args.command == "coverage":
                _coverage(store, args.scope, as_of=args.as_of)
            elif args.command == "gaps":
                _gaps(store, args.scope, rules=args.rule, count=args.count, limit=args.limit, as_of=args.as_of)
            elif args.command == "import":
                return _import(store, args)
            elif args.command == "imports":
                _imports(store)
            elif args.command == "export":
                summary = export(store, args.path, scope=args.scope, fmt=args.format)
                rows = ", ".join(f"{n:,} {what}" for what, n in summary.rows.items() if n)
                print(f"wrote {args.path} ({summary.format}): {rows or 'nothing'}")
                for what, n in summary.left_out.items():
                    print(f"left out {n:,} {what}: the import format has no place for it", file=sys.stderr)
            elif args.command == "map":
                _map(store, args.scope, args.output, max_nodes=args.max_nodes, expand=args.expand)
            elif args.command == "report":
                from visualizations.dashboard import dashboard
                from visualizations.map import Links

                atomic_write(args.output, dashboard(store, args.scope, links=Links(map=None, dashboard=None, gaps=None)).encode("utf-8"))
                print(f"wrote {args.output}")
    except (GraphError, ValueError, OSError, KeyError) as exc:
        print(f"grassroots {args.command}: {exc}", file=sys.stderr)
        return 1
    return 0


def _map(store: GraphStore, scope: str, output: Path, *, max_nodes: int | None, expand: bool) -> None:
    """The map of a scope as a file, UTF-8 whatever the platform; with ``expand``, each summarised community's map beside it."""
    from visualizations.map import MAX_NODES, Links, map_data, render_map, summarised

    links = Links(map=f"{output.stem}-{{id}}.html" if expand else None, dashboard=None, gaps=None)
    data = map_data(store, scope, max_nodes=max_nodes or MAX_NODES)
    atomic_write(output, render_map(data, links=links).encode("utf-8"))
    print(f"wrote {output}: {len(data.nodes):,} nodes, drawn down to {data.depth.value}")
    if expand:
        inner = Links(map=None, dashboard=None, gaps=None)
        for scope_id in summarised(data):
            target = output.with_name(f"{output.stem}-{scope_id}.html")
            atomic_write(target, render_map(map_data(store, scope_id, max_nodes=max_nodes or MAX_NODES), links=inner).encode("utf-8"))
        print(f"wrote {len(summarised(data)):,} maps of the summarised communities beside it ({output.stem}-<id>.html)")


class _opened:
    """The configured store, closed on the way out (the embedded store writes its snapshot then)."""

    def __init__(self, settings: Settings) -> None:
        self._settings = settings

    def __enter__(self) -> GraphStore:
        self._store = open_store(self._settings)
        return self._store

    def __exit__(self, *_: object) -> None:
        self._store.close()


def _positive(text: str) -> int:
    value = int(text)
    if value <= 0:
        raise argparse.ArgumentTypeError(f"must be a positive whole number, not {text}")
    return value


def _gap_rate(text: str) -> tuple[str, float]:
    name, _, rate = text.partition("=")
    if name not in GapRates.__dataclass_fields__:
        raise argparse.ArgumentTypeError(f"no gap is called {name!r}; the gaps are {', '.join(GapRates.__dataclass_fields__)}")
    try:
        value = float(rate)
    except ValueError:
        value = -1.0
    if not 0.0 <= value <= 1.0:
        raise argparse.ArgumentTypeError(f"{name} needs a rate from 0 to 1, as in {name}=0.1, not {rate!r}")
    return name, value


def _generate(store: GraphStore, *, spec: NetworkSpec, replace: bool) -> WriteSummary:
    if replace:
        store.clear()
    elif store.count(NodeKind.TERRITORY):
        raise ValueError("the store already holds a network; add --replace to empty it first")
    total = WriteSummary()
    started = time.perf_counter()
    began = datetime.now(UTC)
    with tqdm(total=spec.households, unit="households", desc="generating", file=sys.stderr) as bar:
        for batch in generate(spec):
            summary = store.write(batch)
            total.created.update(summary.created)
            bar.update(sum(n.households or 0 for n in batch.nodes if isinstance(n, Territory) and n.level is Level.GRID))
        bar.total = bar.n  # the last community is finished whole, so the count ends a little past the target
        bar.refresh()
    elapsed = time.perf_counter() - started
    what = f"grassroots generate --households {spec.households} --seed {spec.seed}"
    log_write(store, what, total, started=began, actor=f"command line ({getpass.getuser()})")  # the audit log holds every write
    nodes = sum(total.created[k.value] for k in NodeKind)
    edges = sum(total.created[k.value] for k in EdgeKind)
    print(f"wrote {nodes:,} nodes and {edges:,} edges in {elapsed:.1f} s ({(nodes + edges) / elapsed:,.0f} a second)")
    return total


def _import(store: GraphStore, args: argparse.Namespace) -> int:
    bars: dict[str, tqdm[None]] = {}

    def progress(phase: str, rows: int) -> None:
        if phase not in bars:
            for bar in bars.values():
                bar.close()
            bars[phase] = tqdm(unit=" rows", desc="reading" if phase == "read" else "writing", file=sys.stderr)
        bars[phase].update(rows)

    try:
        actor = f"command line ({getpass.getuser()})"
        report = import_file(store, args.path, dry_run=args.dry_run, replace=args.replace, progress=progress, actor=actor)
    finally:
        for bar in bars.values():
            bar.close()
    record = report.record
    if report.ignored:
        print(f"left alone (not a table): {', '.join(report.ignored)}")
    if not report.ok:
        print(f"{record.file}: {record.problems:,} problem(s); nothing was written", file=sys.stderr)
        for problem in report.problems[:20]:
            print(f"  {problem}", file=sys.stderr)
        if record.problems > 20:
            print(f"  ... and {record.problems - 20:,} more", file=sys.stderr)
        if report.problems and not args.no_problems_file:
            target = args.problems_file or args.path.with_name(f"{args.path.stem}.problems.xlsx")
            write_problems(report, target)
            print(f"the problems and the refused rows are in {target}: fix them in the original, then import it again", file=sys.stderr)
        return 1
    summary = record.summary
    kinds = sorted(set(summary.created) | set(summary.updated) | set(summary.unchanged) | set(summary.removed))
    print(f"{'':<14}{'created':>10}{'updated':>10}{'unchanged':>10}{'removed':>10}")
    for kind in kinds:
        figures = (summary.created[kind], summary.updated[kind], summary.unchanged[kind], summary.removed[kind])
        print(f"{kind:<14}" + "".join(f"{n:>10,}" for n in figures))
    rows = sum(record.rows.values())
    seconds = (record.finished_at - record.started_at).total_seconds()
    verb = "would change" if args.dry_run else "changed"
    changed = summary.total("created") + summary.total("updated") + summary.total("removed")
    print(f"{rows:,} rows in {seconds:.1f} s; {verb} {changed:,} nodes and edges" + (" (dry run: nothing written)" if args.dry_run else ""))
    return 0


def _imports(store: GraphStore) -> None:
    records = store.imports()
    if not records:
        print("no imports yet")
    for r in records:
        rows = sum(r.rows.values())
        changed = r.summary.total("created") + r.summary.total("updated") + r.summary.total("removed")
        detail = f"{r.problems:,} problems" if r.outcome == "refused" else r.message or f"{changed:,} changed"
        print(f"{r.started_at:%Y-%m-%d %H:%M:%S}  {r.outcome:<8} {r.file}  {rows:,} rows, {detail}  sha256 {r.sha256[:12]}  ({r.id})")


def _coverage(store: GraphStore, scope: str, *, as_of: date | None) -> None:
    from graph.coverage import coverage

    found = coverage(store, scope, as_of=as_of)
    names = {
        "residential_areas_with_branch": "areas with a branch 小区党支部",
        "grids_with_group": "grids with a group 网格党小组",
        "households_linked": "households linked 联户",
        "property_companies_with_organisation": "property companies with an org 物业",
        "owners_committees_with_organisation": "owners' committees with an org 业委会",
        "units_in_agreements": "units in an agreement 共建单位",
    }
    rows = [(found.scope.name, found.figures)] + [(child.scope.name, child.figures) for child in found.breakdown]
    print(f"{found.path}  (as of {found.as_of})")
    print(_pad("", 40) + "".join(_pad(name, 20, right=True) for name, _ in rows))
    for field, label in names.items():
        cells = []
        for _, figures in rows:
            figure = getattr(figures, field)
            cells.append(f"{figure.numerator:,}/{figure.denominator:,}" + (f" {figure.rate:.0%}" if figure.rate is not None else ""))
        print(_pad(label, 40) + "".join(_pad(cell, 20, right=True) for cell in cells))
    staff = found.figures.staff
    if staff is not None:
        per = f"{staff.staff_per_norm:.2f}" if staff.staff_per_norm is not None else "-"
        norm = f"{per} of the norm (1 per {staff.households_per_worker})"
        print(_pad("full-time staff 专职人员", 40) + f"{staff.staff:,} for {staff.households:,} households: {norm}")
    members = ", ".join(f"{category.value} {n:,}" for category, n in found.figures.members_by_category.items())
    print(_pad("party members on record 党员", 40) + members)


def _pad(text: str, width: int, *, right: bool = False) -> str:
    """Pad to a width in terminal columns: a Chinese character takes two."""
    shown = sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)
    space = " " * max(1, width - shown)
    return space + text if right else text + space


def _gaps(store: GraphStore, scope: str, *, rules: list[str] | None, count: bool, limit: int, as_of: date | None) -> None:
    from graph.gaps import count_gaps, find_gaps

    if count:
        counted = count_gaps(store, scope, rules=rules, as_of=as_of)
        print(f"{counted.scope.name}: {counted.total:,} gaps (as of {counted.as_of})")
        for rule, n in counted.by_rule.items():
            print(f"  {rule.value:<42}{n:>8,}")
        return
    page = find_gaps(store, scope, rules=rules, as_of=as_of, limit=limit)
    print(f"{page.scope.name}: {page.total:,} gaps (as of {page.as_of}), the first {len(page.items)}:")
    for gap in page.items:
        print(f"  [{gap.rule.value}] {gap.path_text}: {gap.reason}")
    if page.total > len(page.items):
        print(f"  ... {page.total - len(page.items):,} more: --limit, --rule, or --count")


def _stats(store: GraphStore) -> None:
    for kind in NodeKind:
        print(f"{kind.value:<14}{store.count(kind):>10,}")
    for edge_kind in EdgeKind:
        print(f"{edge_kind.value:<14}{store.count_edges(edge_kind):>10,}")


def _keys(settings: Settings, args: argparse.Namespace) -> int:
    ring = KeyRing(settings.keys_path)
    if args.keys_command == "create":
        if args.scope:
            with _opened(settings) as store:
                if not isinstance(store.node(args.scope), Territory):
                    raise ValueError(f"a key's scope is a territory (district, street, community...); {args.scope} is not one")
        key, token = ring.create(role=AccessRole(args.role), scope=args.scope, name=args.name)
        print(token)
        print(f"key {key.id}: {key.role.value}, scope {key.scope or 'everything'}; shown this once, kept only as a hash", file=sys.stderr)
    elif args.keys_command == "list":
        for key in ring.listed():
            print(f"{key.id}  {key.role.value:<7} {key.scope or '(everything)':<14} {key.created_at:%Y-%m-%d}  {key.name}")
    elif not ring.revoke(args.key_id):
        print(f"grassroots keys: no key has id {args.key_id!r}; `grassroots keys list` shows them", file=sys.stderr)
        return 1
    return 0


def _local_admin_key(settings: Settings) -> str | None:
    """On a laptop's first start: an admin key to open the pages with, printed once. None if one exists or keys are off."""
    ring = KeyRing(settings.keys_path)
    if not settings.auth or any(k.role is AccessRole.ADMIN for k in ring.listed()):
        return None
    _, token = ring.create(role=AccessRole.ADMIN, scope=None, name="local admin, made by grassroots serve")
    return token


def _serve(settings: Settings, *, demo: bool, host: str, port: int) -> int:
    import uvicorn

    from api.app import create_app

    if demo:
        with _opened(settings) as store:
            held = store.count(NodeKind.TERRITORY)
            if held:
                print(
                    f"serving the network already in {settings.data_dir} ({held:,} territories); "
                    "`grassroots generate --replace` starts it again"
                )
            else:
                print(f"loading a demo network of {DEMO_HOUSEHOLDS:,} households into {settings.data_dir}")
                _generate(store, spec=NetworkSpec(households=DEMO_HOUSEHOLDS, seed=7), replace=False)
    token = _local_admin_key(settings)
    if token:
        print(f"a local admin key was made and is kept hashed in {settings.keys_path}; it is shown this once:\n  {token}")
        print(f"open http://{host}:{port}/login?key={token} in a browser; send it as 'Authorization: Bearer <key>' to the API")
    elif settings.auth:
        print(f"keys are required: use yours (`grassroots keys create --role admin` makes another; they are kept in {settings.keys_path})")
    print(f"grassroots-graph on http://{host}:{port}/  (dashboard: /dashboard?scope=d, map: /map?scope=d, API docs: /docs)")
    uvicorn.run(create_app(settings), host=host, port=port, log_level="info")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
