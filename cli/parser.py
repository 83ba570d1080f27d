"""The command line's arguments: one parser, a subcommand for each job."""

from __future__ import annotations

import argparse
from datetime import date
from pathlib import Path

from graph.generator import GapRates
from graph.i18n import Lang, _
from graph.model import AllianceKind
from loaders.exporter import FORMATS
from service.principal import AccessRole

__all__ = ["DEMO_HOUSEHOLDS", "build_parser"]

DEMO_HOUSEHOLDS = 20_000
"""The network ``grassroots serve --demo`` loads into an empty store: a street of a small city."""


def build_parser() -> argparse.ArgumentParser:
    """Every subcommand with its arguments."""
    parser = argparse.ArgumentParser(prog="grassroots", description=_("一个区的党建网络图（党建引领基层治理）。"))
    commands = parser.add_subparsers(dest="command", required=True)
    _language(parser, default=None)

    serve = commands.add_parser("serve", help=_("运行 API 和地图"))
    serve.add_argument(
        "--demo",
        action="store_true",
        help=_("库为空时载入生成的演示网络（%(households)s 户）", households=format(DEMO_HOUSEHOLDS, ",")),
    )
    serve.add_argument("--host", help=_("监听地址（默认：GRASSROOTS_HOST 或 127.0.0.1）"))
    serve.add_argument("--port", type=int, help=_("端口（默认：GRASSROOTS_PORT 或 8000）"))

    gen = commands.add_parser("generate", help=_("向库中写入一个带有预设短板的合成网络"))
    gen.add_argument("--households", type=positive, default=DEMO_HOUSEHOLDS, help=_("大约多少户（默认 %(default)s）"))
    gen.add_argument("--seed", type=int, default=7, help=_("种子相同，网络相同（默认 %(default)s）"))
    gen.add_argument("--replace", action="store_true", help=_("先清空库"))
    gen.add_argument(
        "--gap",
        action="append",
        default=[],
        metavar="NAME=RATE",
        type=gap_rate,
        help=_("按这个比例（0 到 1）预设一种短板（可重复）；名称：%(names)s", names=", ".join(GapRates.__dataclass_fields__)),
    )

    commands.add_parser("stats", help=_("统计每种节点和边的数量"))

    keys = commands.add_parser("keys", help=_("API 密钥：生成、列出、吊销（以哈希保存在 GRASSROOTS_KEYS_FILE）"))
    key_commands = keys.add_subparsers(dest="keys_command", required=True)
    create = key_commands.add_parser("create", help=_("生成一个密钥并显示（只显示一次：只保存它的哈希）"))
    create.add_argument(
        "--role", choices=[r.value for r in AccessRole], required=True, help=_("viewer 只读；editor 还能写入；admin 还能管理密钥")
    )
    create.add_argument("--scope", help=_("一个地域 id：密钥只能看到和修改它及它之下的内容（默认：全部）"))
    create.add_argument("--name", default="", help=_("持有人"))
    key_commands.add_parser("list", help=_("所有密钥：id、角色、辖区、持有人"))
    revoke = key_commands.add_parser("revoke", help=_("停用一个密钥"))
    revoke.add_argument("key_id")

    mapper = commands.add_parser("map", help=_("把一个范围的网络图写成 HTML 文件"))
    mapper.add_argument("scope", help=_("一个地域的 id（区、街道、社区……）"))
    mapper.add_argument("-o", "--output", type=Path, required=True, help=_("要写出的 HTML 文件"))
    mapper.add_argument("--max-nodes", type=positive, help=_("最多画大约这么多节点（默认 3000）"))
    mapper.add_argument("--expand", action="store_true", help=_("同时在旁边写出每个被概括范围的地图（<文件>-<id>.html），并加上链接"))

    reporter = commands.add_parser("report", help=_("写出一个范围上报用的报表：排好版可打印的工作簿（xlsx），或看板（html）"))
    reporter.add_argument("scope", help=_("一个地域的 id（区、街道、社区……）"))
    reporter.add_argument("-o", "--output", type=Path, required=True, help=_("要写出的文件（.xlsx 或 .html）"))
    reporter.add_argument(
        "--format",
        choices=("xlsx", "html"),
        help=_("xlsx：覆盖、短板、党员和共建协议工作表；html：看板（默认：按 -o 判断）"),
    )
    reporter.add_argument("--as-of", type=date.fromisoformat, help=_("按这一天的情况（YYYY-MM-DD；默认今天）"))

    importer = commands.add_parser("import", help=_("导入台账：.xlsx 工作簿、CSV 文件、.zip 或放 CSV 文件的文件夹"))
    importer.add_argument("path", type=Path, help=_("文件或文件夹（格式见 `grassroots template`）"))
    importer.add_argument("--dry-run", action="store_true", help=_("检查全部内容并说明会改动什么；不写入"))
    importer.add_argument("--replace", metavar="SCOPE", help=_("同时删除这个地域中文件各表已不再包含的记录"))
    importer.add_argument("--problems-file", type=Path, help=_("被拒绝的行写到哪里（默认：旁边的 <文件>.problems.xlsx）"))
    importer.add_argument("--no-problems-file", action="store_true", help=_("不把被拒绝的行写入文件"))
    importer.add_argument(
        "--as-of", type=date.fromisoformat, help=_("文件中的改动从这一天起生效，记入各记录的变更历史（YYYY-MM-DD；默认今天）")
    )

    historian = commands.add_parser("history", help=_("一条记录的属性变更历史：每次改动的日期、字段、旧值和新值，以及哪次导入所改"))
    historian.add_argument("id", help=_("任何记录的 id（已删除的也可以）"))

    commands.add_parser("imports", help=_("列出以往的导入，最新的在前"))

    template = commands.add_parser("template", help=_("写出一个待填写的空工作簿，含每个工作表及其说明"))
    template.add_argument("path", type=Path, nargs="?", default=Path("grassroots-template.xlsx"), help=_("默认 %(default)s"))

    exporter = commands.add_parser("export", help=_("把全图或一个范围写成台账，或供其他工具使用"))
    exporter.add_argument("path", type=Path, help=_(".xlsx、.zip 或文件夹（导入格式），.graphml、.gexf 或 .json（Popolo）"))
    exporter.add_argument("--scope", help=_("一个地域 id：它、它之下的一切和它的上级（默认：全图）"))
    exporter.add_argument("--format", choices=FORMATS, help=_("不从路径判断格式"))

    cover = commands.add_parser("coverage", help=_("五级链条覆盖了一个范围的多少，按下一级分列"))
    cover.add_argument("scope", help=_("一个地域或覆盖它的党组织的 id"))
    cover.add_argument("--as-of", type=date.fromisoformat, help=_("按这一天的情况（YYYY-MM-DD；默认今天）"))

    people = commands.add_parser("people", help=_("一人多职：一个范围的兼职委员、一肩挑、交叉任职和服务队"))
    people.add_argument("scope", help=_("一个地域或覆盖它的党组织的 id"))
    people.add_argument("--as-of", type=date.fromisoformat, help=_("按这一天的情况（YYYY-MM-DD；默认今天）"))

    allied = commands.add_parser("alliances", help=_("党建联盟和党建共同体：一个范围内每个联盟覆盖多少党组织、单位和党员"))
    allied.add_argument("scope", help=_("一个地域或覆盖它的党组织的 id"))
    allied.add_argument(
        "--kind",
        type=AllianceKind,
        choices=list(AllianceKind),
        help=_("只看一种：alliance（党建联盟）或 community_of_practice（党建共同体）"),
    )
    allied.add_argument("--as-of", type=date.fromisoformat, help=_("按这一天的情况（YYYY-MM-DD；默认今天）"))

    gapper = commands.add_parser("gaps", help=_("网络薄弱之处：一个范围的短板，按规则列出"))
    gapper.add_argument("scope", help=_("一个地域或覆盖它的党组织的 id"))
    gapper.add_argument("--rule", action="append", help=_("只看这条规则（可重复）；`grassroots gaps 范围 --count` 列出所有规则"))
    gapper.add_argument("--count", action="store_true", help=_("按规则计数，不列出"))
    gapper.add_argument("--limit", type=positive, default=50, help=_("列出的短板数（默认 %(default)s）"))
    gapper.add_argument("--as-of", type=date.fromisoformat, help=_("按这一天的情况（YYYY-MM-DD；默认今天）"))

    changer = commands.add_parser("changes", help=_("一个范围两天之间的变化：新设、撤销、调整，各项覆盖指标，短板，协议，任免，报到"))
    changer.add_argument("scope", help=_("一个地域或覆盖它的党组织的 id"))
    since = changer.add_mutually_exclusive_group(required=True)
    since.add_argument("--since", type=date.fromisoformat, help=_("比较的第一天（YYYY-MM-DD）"))
    since.add_argument("--since-import", help=_("从这次导入生效的前一天起（导入记录的 id，见 `grassroots imports`）"))
    changer.add_argument("--until", type=date.fromisoformat, help=_("比较的第二天（YYYY-MM-DD；默认今天）"))

    trender = commands.add_parser("trends", help=_("一个范围各项覆盖指标的月度趋势（每月末）"))
    trender.add_argument("scope", help=_("一个地域或覆盖它的党组织的 id"))
    trender.add_argument("--since", type=date.fromisoformat, help=_("第一个月（YYYY-MM-DD；默认十二个月前）"))
    trender.add_argument("--until", type=date.fromisoformat, help=_("最后一天（YYYY-MM-DD；默认今天）"))

    suggester = commands.add_parser("suggest", help=_("双向点单：为社区推荐能满足其需求的驻区单位，或为单位推荐需要它资源的社区"))
    suggester.add_argument("id", help=_("一个社区或驻区单位的 id"))
    suggester.add_argument("--as-of", type=date.fromisoformat, help=_("按这一天的情况（YYYY-MM-DD；默认今天）"))

    synonyms = commands.add_parser("synonyms", help=_("近义词表：列出随软件提供的和工作人员自己的近义词组，或替换后者"))
    synonyms.add_argument("--set", type=Path, metavar="FILE", help=_("用这个文件替换工作人员的近义词组（每行一组，词之间用空格隔开）"))

    # --lang before or after the command (grassroots --lang en gaps d, grassroots gaps d --lang en)
    for command in [*commands.choices.values(), *key_commands.choices.values()]:
        _language(command, default=argparse.SUPPRESS)
    return parser


def _language(parser: argparse.ArgumentParser, *, default: object) -> None:
    parser.add_argument(
        "--lang",
        choices=[lang.value for lang in Lang],
        default=default,
        help=_("zh（中文）或 en（English）：信息的语言（默认 GRASSROOTS_LANG，否则 zh）"),
    )


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
