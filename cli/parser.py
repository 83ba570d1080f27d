"""The command line's arguments: one parser, a subcommand for each job."""

from __future__ import annotations

import argparse
from datetime import date
from pathlib import Path

from graph.generator import GapRates
from loaders.exporter import FORMATS
from service.principal import AccessRole

__all__ = ["DEMO_HOUSEHOLDS", "build_parser"]

DEMO_HOUSEHOLDS = 20_000
"""The network ``grassroots serve --demo`` loads into an empty store: a street of a small city."""


def build_parser() -> argparse.ArgumentParser:
    """Every subcommand with its arguments."""
    parser = argparse.ArgumentParser(prog="grassroots", description="The party-building network of a district as a graph.")
    commands = parser.add_subparsers(dest="command", required=True)

    serve = commands.add_parser("serve", help="run the API and the map")
    serve.add_argument(
        "--demo", action="store_true", help=f"load a generated demo network ({DEMO_HOUSEHOLDS:,} households) if the store is empty"
    )
    serve.add_argument("--host", help="address to listen on (default: GRASSROOTS_HOST or 127.0.0.1)")
    serve.add_argument("--port", type=int, help="port (default: GRASSROOTS_PORT or 8000)")

    gen = commands.add_parser("generate", help="write a synthetic network with planted gaps into the store")
    gen.add_argument("--households", type=positive, default=DEMO_HOUSEHOLDS, help="about how many households (default %(default)s)")
    gen.add_argument("--seed", type=int, default=7, help="same seed, same network (default %(default)s)")
    gen.add_argument("--replace", action="store_true", help="empty the store first")
    gen.add_argument(
        "--gap",
        action="append",
        default=[],
        metavar="NAME=RATE",
        type=gap_rate,
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
    mapper.add_argument("--max-nodes", type=positive, help="draw at most about this many nodes (default 3000)")
    mapper.add_argument(
        "--expand", action="store_true", help="also write the map of each summarised community beside it (<file>-<id>.html), linked"
    )

    reporter = commands.add_parser(
        "report", help="write the report of a scope to hand upward: a workbook set up to print (xlsx), or the dashboard (html)"
    )
    reporter.add_argument("scope", help="id of a territory (district, street, community...)")
    reporter.add_argument("-o", "--output", type=Path, required=True, help="the file to write (.xlsx or .html)")
    reporter.add_argument(
        "--format",
        choices=("xlsx", "html"),
        help="xlsx: coverage, gaps, members and agreements sheets; html: the dashboard (default: from -o)",
    )
    reporter.add_argument("--as-of", type=date.fromisoformat, help="as things stood on this day (YYYY-MM-DD; default today)")

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

    people = commands.add_parser("people", help="一人多职: concurrent committee members, 一肩挑, 交叉任职 and service teams of a scope")
    people.add_argument("scope", help="id of a territory or of the organisation covering it")
    people.add_argument("--as-of", type=date.fromisoformat, help="as things stood on this day (YYYY-MM-DD; default today)")

    gapper = commands.add_parser("gaps", help="where the network is thin: the gaps of a scope, by rule")
    gapper.add_argument("scope", help="id of a territory or of the organisation covering it")
    gapper.add_argument("--rule", action="append", help="only this rule (repeatable); `grassroots gaps SCOPE --count` lists them all")
    gapper.add_argument("--count", action="store_true", help="count per rule, without listing")
    gapper.add_argument("--limit", type=positive, default=50, help="gaps to list (default %(default)s)")
    gapper.add_argument("--as-of", type=date.fromisoformat, help="as things stood on this day (YYYY-MM-DD; default today)")

    return parser


def positive(text: str) -> int:
    value = int(text)
    if value <= 0:
        raise argparse.ArgumentTypeError(f"must be a positive whole number, not {text}")
    return value


def gap_rate(text: str) -> tuple[str, float]:
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
