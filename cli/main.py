"""The ``grassroots`` command: each subcommand parses its arguments, calls the application layer once, and prints.

Commands run as the person at the terminal (:func:`terminal_user`): an admin of the whole
graph, since whoever runs them can read the data folder anyway, named in the audit log by
their login. Everything else is the same context the API's routes use.

Beside a running server, which owns the embedded store's data folder (its lock makes opening
it raise ``StoreBusy``), the reading commands open it read-only and say so, and the writing
ones say how to write through the server instead (:func:`_open_services`).
"""

from __future__ import annotations

import argparse
import getpass
import shlex
import sys
import time
from collections.abc import Iterator, Sequence
from pathlib import Path
from urllib.parse import quote

from tqdm import tqdm

from cli.output import (
    pad,
    print_alliances,
    print_changes,
    print_coverage,
    print_gap_count,
    print_gaps,
    print_history,
    print_import,
    print_imports,
    print_people,
    print_refusal,
    print_suggestions,
    print_synonyms,
    print_trends,
)
from cli.parser import build_parser
from graph.errors import GraphError, StoreBusy
from graph.files import atomic_write
from graph.generator import GapRates, NetworkSpec, generate
from graph.i18n import N_, Lang, _, using
from graph.meaning import parse_groups
from graph.model import Batch, EdgeKind, Level, NodeKind, Territory
from graph.settings import Settings, get_settings
from graph.store import WriteSummary
from loaders.workbooks import write_problems, write_template
from service.bootstrap import Services, bootstrap
from service.context import Context, Forbidden
from service.principal import AccessRole, Principal

__all__ = ["READING_COMMANDS", "generate_network", "main", "terminal_user"]

READING_COMMANDS = frozenset(
    {
        "stats",
        "coverage",
        "changes",
        "trends",
        "people",
        "alliances",
        "gaps",
        "map",
        "report",
        "export",
        "imports",
        "keys",
        "history",
        "suggest",
    }
)
"""Commands that write nothing to the store, so they run read-only beside a running server (``keys``
writes only the keys file, which has its own lock, after reading the store to check a scope)."""

READ_ONLY_NOTICE = N_("数据目录正由运行中的服务使用，以只读方式读取")
"""What a reading command says on standard error when it reads beside the server (translated where printed)."""


def terminal_user() -> Principal:
    """The person at the terminal, as the audit log names them."""
    return Principal(key_id="cli", name=f"command line ({getpass.getuser()})", role=AccessRole.ADMIN)


def main(argv: Sequence[str] | None = None, *, settings: Settings | None = None) -> int:
    """Run one command; 0 when it did its job, 1 when it could not (the reason on standard error), 2 for bad arguments."""
    settings = settings or get_settings()
    with using(_asked_language(sys.argv[1:] if argv is None else argv) or settings.lang):  # the help and errors of parsing too
        args = build_parser().parse_args(argv)
    with using(getattr(args, "lang", None) or settings.lang):  # --lang, else GRASSROOTS_LANG: every message below
        return _command(args, settings)


def _asked_language(argv: Sequence[str]) -> Lang | None:
    """The language ``--lang`` names anywhere in the arguments, before they are parsed (so that ``--help`` is in it)."""
    for i, arg in enumerate(argv):
        value = arg.removeprefix("--lang=") if arg.startswith("--lang=") else argv[i + 1] if arg == "--lang" and i + 1 < len(argv) else None
        if value is not None and value in {lang.value for lang in Lang}:
            return Lang(value)
    return None


def _command(args: argparse.Namespace, settings: Settings) -> int:
    if args.command == "template":  # needs no store
        write_template(args.path)
        print(_("已写入 %(path)s：填好需要的工作表，再运行 `grassroots import %(path)s`", path=args.path))
        return 0
    try:
        if args.command == "serve":
            from cli.serve import serve

            return serve(settings, demo=args.demo, host=args.host or settings.host, port=args.port or settings.port)
        with _open_services(settings, args) as services:
            return _run(services.context(terminal_user()), args)
    except (GraphError, Forbidden, ValueError, OSError, KeyError) as exc:
        print(f"grassroots {args.command}: {exc}", file=sys.stderr)
        return 1


def _open_services(settings: Settings, args: argparse.Namespace) -> Services:
    """The services for one command: the store opened as ever, or, when a running server owns its
    data folder, read-only for a reading command (said on standard error), and for a writing one
    a ``StoreBusy`` that says how to write through the server."""
    try:
        return bootstrap(settings)
    except StoreBusy as busy:
        if args.command not in READING_COMMANDS:
            raise StoreBusy(_server_owns_folder(settings, args)) from busy
        services = bootstrap(settings, read_only=True)
        print(f"grassroots {args.command}: {_(READ_ONLY_NOTICE)}", file=sys.stderr)
        return services


def _server_owns_folder(settings: Settings, args: argparse.Namespace) -> str:
    """Why a writing command cannot run beside the server that owns the data folder, and what to do instead."""
    file, query = Path("file.xlsx"), ""
    if args.command == "import":  # the same import, said as the server's upload takes it
        file = args.path
        query = ("&dry_run=true" if args.dry_run else "") + (f"&replace={quote(args.replace)}" if args.replace else "")
        query += f"&as_of={args.as_of}" if args.as_of else ""
    upload = (
        f'curl -H "Authorization: Bearer <key>" --data-binary {shlex.quote("@" + str(file))} '
        f'"http://{settings.host}:{settings.port}/imports?filename={quote(file.name)}{query}"'
    )
    return _(
        "数据目录 %(folder)s 正由运行中的服务使用，命令行不能写入：请通过服务导入台账，或先停止服务再运行本命令：\n  %(upload)s",
        folder=settings.data_dir,
        upload=upload,
    )


def _run(ctx: Context, args: argparse.Namespace) -> int:
    command = args.command
    if command == "generate":
        spec = NetworkSpec(households=args.households, seed=args.seed, gaps=GapRates(**dict(args.gap)))
        generate_network(ctx, spec=spec, replace=args.replace)
    elif command == "stats":
        nodes, edges = ctx.stats()
        for name, n in [*nodes.items(), *edges.items()]:
            print(f"{name:<14}{n:>10,}")
    elif command == "coverage":
        print_coverage(ctx.on(args.as_of).coverage(args.scope))
    elif command == "changes":
        print_changes(ctx.on(args.until).changes(args.scope, since=args.since, since_import=args.since_import))
    elif command == "trends":
        print_trends(ctx.on(args.until).trends(args.scope, since=args.since))
    elif command == "people":
        print_people(ctx.on(args.as_of).people(args.scope))
    elif command == "alliances":
        print_alliances(args.scope, ctx.on(args.as_of).alliance_reach(args.scope, kind=args.kind))
    elif command == "gaps":
        rules = args.rule  # the gap rules check their names, and list them when one is wrong
        day = ctx.on(args.as_of)
        if args.count:
            print_gap_count(day.gap_count(args.scope, rules=rules))
        else:
            print_gaps(day.gaps(args.scope, rules=rules, limit=args.limit, offset=0))
    elif command == "import":
        return _import(ctx, args)
    elif command == "imports":
        print_imports(ctx.imports(100))
    elif command == "history":
        print_history(ctx.history(args.id))
    elif command == "export":
        summary = ctx.export(args.path, scope_id=args.scope, fmt=args.format)
        rows = ", ".join(f"{n:,} {what}" for what, n in summary.rows.items() if n)
        print(_("已写入 %(path)s（%(format)s）：%(rows)s", path=args.path, format=summary.format, rows=rows or _("没有内容")))
        for what, n in summary.left_out.items():
            print(_("略去了 %(count)s 个 %(what)s：导入格式中没有它的位置", count=format(n, ","), what=what), file=sys.stderr)
    elif command == "map":
        _map(ctx, args.scope, args.output, max_nodes=args.max_nodes, expand=args.expand)
    elif command == "report":
        fmt = args.format or ("xlsx" if args.output.suffix.lower() == ".xlsx" else "html")
        atomic_write(args.output, ctx.on(args.as_of).report(args.scope, fmt=fmt))
        print(_("已写入 %(path)s（%(format)s）", path=args.output, format=fmt))
    elif command == "suggest":
        day = ctx.on(args.as_of)
        is_unit = ctx.node(args.id).kind is NodeKind.UNIT
        print_suggestions(day.unit_suggestions(args.id) if is_unit else day.community_suggestions(args.id))
    elif command == "synonyms":
        if args.set is not None:
            kept = ctx.set_synonyms([list(g) for g in parse_groups(args.set.read_text(encoding="utf-8"))])
            print(_("已保存 %(count)s 组工作人员的近义词", count=len(kept)))
        print_synonyms(*ctx.synonym_groups())
    elif command == "keys":
        return _keys(ctx, args)
    return 0


def generate_network(ctx: Context, *, spec: NetworkSpec, replace: bool) -> WriteSummary:
    """Write a generated network through the context (so it enters the audit log), with a progress bar."""
    started = time.perf_counter()
    with tqdm(total=spec.households, unit=_(" 户"), desc=_("生成"), file=sys.stderr) as bar:

        def batches() -> Iterator[Batch]:
            for batch in generate(spec):
                yield batch
                bar.update(sum(n.households or 0 for n in batch.nodes if isinstance(n, Territory) and n.level is Level.GRID))

        # the network takes effect on the day it describes (its provenance's), so that what changed since then is what staff changed
        total = ctx.on(spec.as_of).write_generated(
            batches(), what=f"grassroots generate --households {spec.households} --seed {spec.seed}", replace=replace
        )
        bar.total = bar.n  # the last community is finished whole, so the count ends a little past the target
        bar.refresh()
    elapsed = time.perf_counter() - started
    nodes = sum(total.created[k.value] for k in NodeKind)
    edges = sum(total.created[k.value] for k in EdgeKind)
    print(
        _(
            "写入了 %(nodes)s 个节点和 %(edges)s 条边，用时 %(seconds)s 秒（每秒 %(rate)s）",
            nodes=format(nodes, ","),
            edges=format(edges, ","),
            seconds=format(elapsed, ".1f"),
            rate=format((nodes + edges) / elapsed, ",.0f"),
        )
    )
    return total


def _import(ctx: Context, args: argparse.Namespace) -> int:
    bars: dict[str, tqdm[None]] = {}

    def progress(phase: str, rows: int) -> None:
        if phase not in bars:
            for bar in bars.values():
                bar.close()
            bars[phase] = tqdm(unit=_(" 行"), desc=_("读取") if phase == "read" else _("写入"), file=sys.stderr)
        bars[phase].update(rows)

    try:
        report = ctx.on(args.as_of).import_file(args.path, dry_run=args.dry_run, replace=args.replace, progress=progress)
    finally:
        for bar in bars.values():
            bar.close()
    if report.ignored:
        print(_("未读取（不是导入格式中的表）：%(files)s", files=", ".join(report.ignored)))
    if not report.ok:
        print_refusal(report)
        if report.problems and not args.no_problems_file:
            target = args.problems_file or args.path.with_name(f"{args.path.stem}.problems.xlsx")
            write_problems(report, target)
            print(_("问题和被拒绝的行在 %(target)s 中：请在原文件中改正，然后重新导入", target=target), file=sys.stderr)
        return 1
    print_import(report, dry_run=args.dry_run)
    return 0


def _map(ctx: Context, scope: str, output: Path, *, max_nodes: int | None, expand: bool) -> None:
    """The map of a scope as a file, UTF-8 whatever the platform; with ``expand``, each summarised scope's map beside it."""
    from visualizations.map import MAX_NODES, Links, render_map, summarised

    links = Links(map=f"{output.stem}-{{id}}.html" if expand else None, dashboard=None, gaps=None)
    data = ctx.map_data(scope, max_nodes=max_nodes or MAX_NODES)
    atomic_write(output, render_map(data, links=links).encode("utf-8"))
    print(
        _("已写入 %(path)s：%(nodes)s 个节点，绘制深度 %(depth)s", path=output, nodes=format(len(data.nodes), ","), depth=data.depth.value)
    )
    if expand:
        inner = Links(map=None, dashboard=None, gaps=None)
        for scope_id in summarised(data):
            target = output.with_name(f"{output.stem}-{scope_id}.html")
            atomic_write(target, render_map(ctx.map_data(scope_id, max_nodes=max_nodes or MAX_NODES), links=inner).encode("utf-8"))
        print(
            _(
                "在旁边写入了 %(count)s 张被概括范围的地图（%(pattern)s）",
                count=format(len(summarised(data)), ","),
                pattern=output.stem + "-<id>.html",
            )
        )


def _keys(ctx: Context, args: argparse.Namespace) -> int:
    if args.keys_command == "create":
        key, token = ctx.create_key(role=AccessRole(args.role), scope=args.scope, name=args.name)
        print(token)
        print(
            _(
                "密钥 %(id)s：%(role)s，辖区 %(scope)s；只显示这一次，只保存它的哈希",
                id=key.id,
                role=key.role.value,
                scope=key.scope or _("全部"),
            ),
            file=sys.stderr,
        )
    elif args.keys_command == "list":
        for key in ctx.list_keys():
            scope = key.scope or _("（全部）")
            print(f"{key.id}  {key.role.value:<7} {pad(scope, 14)} {key.created_at:%Y-%m-%d}  {key.name}")
    elif not ctx.revoke_key(args.key_id):
        print("grassroots keys: " + _("没有 id 为 %(id)r 的密钥；`grassroots keys list` 列出所有密钥", id=args.key_id), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
