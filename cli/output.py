"""What the command line prints: tables padded for Chinese in a terminal, and the answers of each command."""

from __future__ import annotations

import sys
import unicodedata

from graph.alliances import AllianceReach
from graph.changes import Changes, Trends, listed
from graph.coverage import Coverage, Figure
from graph.gaps import GapCount, GapPage
from graph.history import ChangeKind
from graph.i18n import N_, _
from graph.labels import term
from graph.model import NodeKind
from graph.node_history import NodeHistory
from graph.people import PeopleCounts
from graph.store import ImportRecord
from graph.suggestions import ItemMatch, Suggestions
from loaders.importer import ImportReport

__all__ = [
    "pad",
    "print_alliances",
    "print_changes",
    "print_coverage",
    "print_gap_count",
    "print_gaps",
    "print_history",
    "print_import",
    "print_imports",
    "print_refusal",
    "print_suggestions",
    "print_synonyms",
    "print_trends",
]

_FIGURES = {
    "residential_areas_with_branch": N_("小区党支部"),
    "grids_with_group": N_("网格党小组"),
    "households_linked": N_("联户"),
    "units_in_agreements": N_("共建单位"),
    "property_companies_with_organisation": N_("物业党组织"),
    "owners_committees_with_organisation": N_("业委会党组织"),
}
"""The figures of a coverage table, in its column order, headed as staff name them (translated where printed)."""
_NAME_WIDTH = 18
"""Terminal columns of a table's first column (names longer are cut with …); each figure column is as wide as its widest cell."""


def _width(text: str) -> int:
    """Terminal columns a text takes: a Chinese character takes two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def pad(text: str, width: int, *, right: bool = False) -> str:
    """Pad to a width in terminal columns: a Chinese character takes two."""
    shown = _width(text)
    space = " " * max(1, width - shown)
    return space + text if right else text + space


def print_coverage(found: Coverage) -> None:
    """A scope's figures, then a row for each territory one level down: the figures are the columns, so it fits a terminal."""
    print(_("%(path)s（截至 %(day)s）", path=found.path, day=found.as_of))
    headings = [_(heading) for heading in _FIGURES.values()]
    rows = [(_("%(name)s 合计", name=found.scope.name), found.figures)] + [(child.scope.name, child.figures) for child in found.breakdown]
    cells = [[_cell(getattr(figures, field)) for field in _FIGURES] for _name, figures in rows]
    widths = [max(_width(text) for text in [heading, *(row[i] for row in cells)]) + 2 for i, heading in enumerate(headings)]
    print(pad("", _NAME_WIDTH) + "".join(pad(heading, w, right=True) for heading, w in zip(headings, widths, strict=True)))
    for (name, _figures), row in zip(rows, cells, strict=True):
        print(
            pad(clip(name, _NAME_WIDTH - 1), _NAME_WIDTH) + "".join(pad(cell, w, right=True) for cell, w in zip(row, widths, strict=True))
        )
    staff = found.figures.staff
    if staff is not None:
        per = f"{staff.staff_per_norm:.2f}" if staff.staff_per_norm is not None else "-"
        print(
            _(
                "专职人员 %(staff)s 名，服务 %(households)s 户：为标准的 %(per)s 倍（每 %(norm)s 户 1 名）",
                staff=format(staff.staff, ","),
                households=format(staff.households, ","),
                per=per,
                norm=staff.households_per_worker,
            )
        )
    figures = found.figures
    both = {c: n + figures.unit_members_by_category.get(c, 0) for c, n in figures.members_by_category.items()}
    members = _("，").join(f"{term(category)} {n:,}" for category, n in both.items())
    in_units = format(sum(figures.unit_members_by_category.values()), ",")
    total = format(figures.members_on_roll, ",")
    print(_("在册党员 %(total)s 名：%(members)s（其中驻区单位党组织 %(units)s）", total=total, members=members, units=in_units))
    reported, leaders = _cell(figures.in_service_reported), _cell(figures.grids_with_leader)
    print(_("在职党员双报到：%(reported)s；网格长：%(leaders)s", reported=reported, leaders=leaders))


def print_changes(found: Changes) -> None:
    """What changed in a scope: the figures that moved (then, now, difference), then every change, a line each."""
    print(_("%(path)s：%(since)s 至 %(until)s 的变化", path=found.path, since=found.since, until=found.until))
    moved = [f for f in found.coverage.figures if f.changed]
    if moved:
        width = max(_width(f.label) for f in moved) + 2
        for f in moved:
            difference = f"{f.rate_change * 100:+.1f}pp" if f.rate_change is not None else f"{f.numerator_change:+,}"
            print(
                pad(f.label, width)
                + pad(_count(f.before), 16, right=True)
                + pad(_count(f.after), 16, right=True)
                + pad(difference, 10, right=True)
            )
    else:
        print(_("各项覆盖指标没有变化"))
    lines = list(listed(found))
    for section, _kind, text in lines:
        print(f"  [{section}] {text}")  # the line itself says what happened
    print(_("共 %(count)s 项变化", count=format(len(lines), ",")))


def print_trends(found: Trends) -> None:
    """Each figure at every month end: the months are the columns."""
    headings = [day.strftime("%Y-%m") for day in found.months]
    width = max(_width(s.label) for s in found.series) + 2
    print(pad("", width) + "".join(pad(h, 12, right=True) for h in headings))
    for series in found.series:
        print(pad(series.label, width) + "".join(pad(_rate(p), 12, right=True) for p in series.points))


def _count(figure: Figure) -> str:
    """``12/20 60%``, or a count alone."""
    return f"{figure.numerator:,}" if not figure.denominator else _cell(figure)


def _rate(figure: Figure) -> str:
    """A rate alone, or a count alone; a dash where there is nothing to cover."""
    if not figure.denominator:
        return f"{figure.numerator:,}" if figure.numerator else "-"
    return f"{figure.rate:.1%}" if figure.rate is not None else "-"


def _cell(figure: Figure) -> str:
    """``12/20 60%``; a figure with nothing to cover is a dash."""
    if not figure.denominator:
        return "-"
    return f"{figure.numerator:,}/{figure.denominator:,} {figure.rate:.0%}" if figure.rate is not None else "-"


def clip(text: str, width: int) -> str:
    """The text cut to a width in terminal columns, with … where it was cut."""
    if _width(text) <= width:
        return text
    out, used = "", 0
    for ch in text:
        w = 2 if unicodedata.east_asian_width(ch) in "WF" else 1
        if used + w > width - 1:
            return out + "…"
        out, used = out + ch, used + w
    return out


def print_gap_count(counted: GapCount) -> None:
    print(_("%(scope)s：%(total)s 个短板（截至 %(day)s）", scope=counted.scope.name, total=format(counted.total, ","), day=counted.as_of))
    for rule, n in counted.by_rule.items():
        print(f"  {rule.value:<42}{n:>8,}")


def print_people(counts: PeopleCounts) -> None:
    """一人多职 of a scope: each count the seeds report on a line, then who holds several places."""
    print(_("%(scope)s：一人多职（截至 %(day)s）", scope=counts.scope.name, day=counts.as_of))
    lines = [
        (_("兼职委员（社区大党委）"), counts.concurrent_members),
        (_("大工委成员（街道大工委）"), counts.street_committee_members),
        (_("一肩挑：小区党支部书记兼业委会主任"), counts.one_shoulder_area),
        (_("一肩挑：社区书记兼居委会主任"), counts.one_shoulder_community),
        (_("交叉任职（两个及以上机构）"), counts.cross_posted),
        (_("服务队"), counts.teams),
        (_("服务队队员"), counts.team_members),
    ]
    for what, n in lines:
        print("  " + pad(what, 40) + f"{n:>8,}")
    grids = counts.grids_with_team
    rate = f"{grids.rate:.1%}" if grids.rate is not None else "-"
    print("  " + pad(_("网格有服务队"), 40) + f"{grids.numerator:>8,} / {grids.denominator:,} ({rate})")
    for person in counts.cross_posts:
        places = _("；").join(f"{p.body.name} {p.role}" for p in person.places)
        print("  " + _("%(person)s：%(places)s", person=person.person or _("（不显示）"), places=places))


def print_alliances(scope: str, found: list[AllianceReach]) -> None:
    """Each alliance of a scope on a line with how far it reaches there, then its members (牵头 first)."""
    print(_("%(scope)s：%(count)s 个党建联盟和党建共同体", scope=scope, count=len(found)))
    for reach in found:
        print(
            "  "
            + _(
                "%(name)s（%(kind)s）：覆盖党组织 %(organisations)s 个、驻区单位 %(units)s 个、党员 %(members)s 名",
                name=reach.alliance.name,
                kind=term(reach.alliance_kind),
                organisations=format(len(reach.organisations), ","),
                units=format(len(reach.units), ","),
                members=format(reach.party_members, ","),
            )
        )
        names = _("、").join(m.member.name + (_("（牵头）") if m.lead else "") for m in reach.members)
        print("    " + _("成员：%(members)s", members=names))


def explain(match: ItemMatch) -> str:
    """Why one need met one resource, in a line: the items and the words they share (近义 where a synonym joined them)."""
    words = _("、").join(
        (_("%(need)s ≈ %(resource)s（近义）", need=w.need_word, resource=w.resource_word) if w.synonym else w.need_word)
        for w in match.shared
    )
    return _("需求「%(need)s」← 资源「%(resource)s」：%(words)s", need=match.need, resource=match.resource, words=words)


def print_suggestions(found: Suggestions) -> None:
    """Partners suggested for a community or a unit (双向点单), nearest and best first, each with the items that met."""
    items = _("、").join(found.items) or _("（无）")
    if found.of.kind is not NodeKind.UNIT:
        print(_("%(name)s（%(id)s）的需求：%(items)s", name=found.of.name, id=found.of.id, items=items))
        print(_("可对接的驻区单位 %(count)s 个（截至 %(day)s），本街道在前：", count=len(found.units), day=found.as_of))
        for unit in found.units:
            where = _("本街道") if unit.reach.value == "street" else _("本区")
            print(
                "  "
                + _(
                    "%(name)s（%(id)s，%(where)s，%(community)s）匹配度 %(score)s",
                    name=unit.unit.name,
                    id=unit.unit.id,
                    where=where,
                    community=unit.community.name if unit.community else _("其他街道"),
                    score=f"{unit.score:.0%}",
                )
            )
            for match in unit.matches:
                print("    " + explain(match))
    else:
        print(_("%(name)s（%(id)s）的资源：%(items)s", name=found.of.name, id=found.of.id, items=items))
        print(_("需要它的社区 %(count)s 个（截至 %(day)s），本街道在前：", count=len(found.communities), day=found.as_of))
        for community in found.communities:
            where = _("本街道") if community.reach.value == "street" else _("本区")
            print(
                "  "
                + _(
                    "%(name)s（%(id)s，%(where)s）匹配度 %(score)s",
                    name=community.community.name,
                    id=community.community.id,
                    where=where,
                    score=f"{community.score:.0%}",
                )
            )
            for match in community.matches:
                print("    " + explain(match))


def print_synonyms(shipped: list[tuple[str, ...]], staff: list[tuple[str, ...]]) -> None:
    """The synonym list (近义词表): the package's groups, then staff's."""
    print(_("随软件提供的近义词组 %(count)s 组：", count=len(shipped)))
    for group in shipped:
        print("  " + " ".join(group))
    print(_("工作人员自己的近义词组 %(count)s 组：", count=len(staff)))
    for group in staff:
        print("  " + " ".join(group))


def print_gaps(page: GapPage) -> None:
    print(
        _(
            "%(scope)s：%(total)s 个短板（截至 %(day)s），前 %(shown)s 个：",
            scope=page.scope.name,
            total=format(page.total, ","),
            day=page.as_of,
            shown=len(page.items),
        )
    )
    for gap in page.items:
        print("  " + _("[%(rule)s] %(path)s：%(reason)s", rule=gap.rule.value, path=gap.path_text, reason=gap.reason))
    if page.total > len(page.items):
        print("  " + _("……还有 %(more)s 个：用 --limit、--rule 或 --count", more=format(page.total - len(page.items), ",")))


def print_imports(records: list[ImportRecord]) -> None:
    if not records:
        print(_("还没有导入记录"))
    for r in records:
        rows = sum(r.rows.values())
        changed = r.summary.total("created") + r.summary.total("updated") + r.summary.total("removed")
        if r.outcome == "refused":
            detail = _("%(problems)s 个问题", problems=format(r.problems, ","))
        else:
            detail = r.message or _("改动 %(changed)s 处", changed=format(changed, ","))
        figures = _("%(rows)s 行，%(detail)s", rows=format(rows, ","), detail=detail)
        print(f"{r.started_at:%Y-%m-%d %H:%M:%S}  {r.outcome:<8} {r.file}  {figures}  sha256 {r.sha256[:12]}  ({r.id})")


def print_history(found: NodeHistory) -> None:
    """A node's property history, oldest first: one line per change of a field, creation and removal."""
    print(f"{found.id}  {term(found.kind)}" + ("" if found.exists else "  " + _("（已删除）")))
    if not found.changes:
        print(_("没有记录的变更"))
    for line in found.changes:
        source = f"  ({line.import_id})" if line.import_id else ""
        if line.what is ChangeKind.CREATED:
            what = _("创建")
        elif line.what is ChangeKind.REMOVED:
            what = _("删除")
        else:
            what = f"{line.label}: {_shown(line.old)} → {_shown(line.new)}"
        print(f"{line.day:%Y-%m-%d}  {what}{source}")


def _shown(value: object) -> str:
    """A field's value as a line of history shows it: empty as a dash, a list joined."""
    if value is None or value == "" or value == [] or value == {}:
        return "—"
    if isinstance(value, list):
        return "、".join(str(v) for v in value)
    return str(value)


def print_refusal(report: ImportReport) -> None:
    """A refused import on standard error: the first problems, and how many more."""
    record = report.record
    print(_("%(file)s：%(problems)s 个问题；什么也没有写入", file=record.file, problems=format(record.problems, ",")), file=sys.stderr)
    for problem in report.problems[:20]:
        print(f"  {problem}", file=sys.stderr)
    if record.problems > 20:
        print("  " + _("……另有 %(more)s 个", more=format(record.problems - 20, ",")), file=sys.stderr)


def print_import(report: ImportReport, *, dry_run: bool) -> None:
    """What an applied (or dry-run) import changed, per kind, and how fast it went."""
    record = report.record
    summary = record.summary
    kinds = sorted(set(summary.created) | set(summary.updated) | set(summary.unchanged) | set(summary.removed))
    headings = (_("新增"), _("更新"), _("未变"), _("删除"))
    print(pad("", 14) + "".join(pad(heading, 10, right=True) for heading in headings))
    for kind in kinds:
        figures = (summary.created[kind], summary.updated[kind], summary.unchanged[kind], summary.removed[kind])
        print(f"{kind:<14}" + "".join(f"{n:>10,}" for n in figures))
    rows = sum(record.rows.values())
    seconds = (record.finished_at - record.started_at).total_seconds()
    changed = summary.total("created") + summary.total("updated") + summary.total("removed")
    took = {"rows": format(rows, ","), "seconds": f"{seconds:.1f}", "changed": format(changed, ",")}
    if dry_run:
        print(_("%(rows)s 行，用时 %(seconds)s 秒；将改动 %(changed)s 个节点和边（试运行：什么也没有写入）", **took))
    else:
        print(_("%(rows)s 行，用时 %(seconds)s 秒；改动了 %(changed)s 个节点和边", **took))
