"""The report a district or street hands upward (工作报表): one workbook, Chinese headers, set up to print.

:func:`render_report` takes the answers a :class:`ReportData` holds (coverage with its breakdown,
the communities' staff figures, gap counts and the gap list, agreements), all asked through the
application layer so the policy has held them to the principal's territory, and returns the
bytes of an .xlsx workbook with six sheets: 覆盖情况, 短板统计, 短板清单, 党员, 共建协议, 变化情况 (what changed since the last month end).

It lives beside the dashboard, not in ``loaders``: ``loaders`` reads and writes the ledger format,
which must import again unchanged; a report is a view for people to read and print, made from
query answers, like the pages here, and nothing reads it back.

Each sheet has a title row, a header row frozen under it and repeated on every printed page,
column widths set from what they hold, and a landscape A4 page fitted to its width.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from graph.agreements import AgreementStatus, AgreementView
from graph.changes import Changes, listed
from graph.coverage import ChildCoverage, Coverage, CoverageFigures, Figure
from graph.gaps import Gap, GapCount, GapRule
from graph.labels import LABELS, label
from graph.model import TERRITORY_LEVELS, MemberCategory
from graph.scope import NodeRef
from visualizations.dashboard import FIGURES, staffing

__all__ = ["SHEETS", "STATUS_LABELS", "ReportData", "render_report"]

SHEETS = ("覆盖情况", "短板统计", "短板清单", "党员", "共建协议", "变化情况")
"""The workbook's sheets, in order."""

STATUS_LABELS = {
    AgreementStatus.NOT_YET: "未生效",
    AgreementStatus.IN_FORCE: "在效",
    AgreementStatus.EXPIRING: "即将到期",
    AgreementStatus.EXPIRED: "已到期",
}
"""An agreement's standing on the report's day, as staff say it."""

_SHORT = {
    "residential_areas_with_branch": "小区党支部",
    "grids_with_group": "网格党小组",
    "buildings_with_group": "楼栋党组织",
    "households_linked": "党员联户",
    "units_in_agreements": "驻区单位共建",
    "property_companies_with_organisation": "物业企业党组织",
    "owners_committees_with_organisation": "业委会党组织",
    "areas_with_three_parties": "三方共议",
    "two_new_with_organisation": "两新党组织",
    "communities_with_centre": "服务中心",
    "centres_meeting_six_haves": "六有达标",
    "centres_mostly_for_service": "服务面积达标",
    "in_service_reported": "在职党员双报到",
    "grids_with_leader": "网格长",
}
"""The rates by a name short enough to head three narrow columns (the dashboard's titles say them whole)."""

_HEAD_ROW = 2  # row 1 is the sheet's title; the header is row 2, frozen and repeated on every printed page
_THIN = Side(style="thin", color="BDBDBD")
_BOX = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_HEAD_FILL = PatternFill("solid", fgColor="ECEFF1")
_TOTAL_FONT = Font(bold=True)
_PERCENT = "0.0%"


@dataclass(frozen=True)
class ReportData:
    """What a report shows, each part an answer of the application layer for one scope on one day."""

    coverage: Coverage
    communities: dict[str, list[ChildCoverage]]
    """The communities under the scope and under each child (for the staff the norm requires, community by community)."""
    gap_count: GapCount
    gaps: list[Gap]
    rules: list[GapRule]
    agreements: list[AgreementView]
    changes: Changes | None = None
    """What changed since the last month end (graph.changes), for the 变化情况 sheet."""


def render_report(data: ReportData) -> bytes:
    """The report as the bytes of an .xlsx workbook."""
    book = Workbook()
    scope = data.coverage.scope
    day = data.coverage.as_of
    sheets = [book.active] + [book.create_sheet() for _ in SHEETS[1:]]
    for sheet, name in zip(sheets, SHEETS, strict=True):
        if sheet is not None:
            sheet.title = name
    coverage_sheet, counts_sheet, list_sheet, members_sheet, agreements_sheet, changes_sheet = (book[name] for name in SHEETS)
    _coverage(coverage_sheet, data)
    _counts(counts_sheet, data)
    _gap_list(list_sheet, data)
    _members(members_sheet, data.coverage)
    _agreements(agreements_sheet, data.agreements)
    _changes(changes_sheet, data.changes)
    for sheet in book.worksheets:
        _title(sheet, f"{scope.name} {sheet.title} (截至 {day})", path=data.coverage.path)
        _print_setup(sheet)
    book.properties.title = f"{scope.name} 党建引领基层治理报表 {day}"
    book.properties.creator = "grassroots-graph"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


# -- the sheets ----------------------------------------------------------------------------------


def _rows_of(cov: Coverage) -> list[tuple[NodeRef, CoverageFigures, bool]]:
    """The scope's own row (合计) first, then a row per child scope."""
    return [(cov.scope, cov.figures, True)] + [(c.scope, c.figures, False) for c in cov.breakdown]


def _coverage(sheet: Worksheet, data: ReportData) -> None:
    header = ["单位", "层级"]
    for key, _ in FIGURES:
        short = _SHORT[key]
        header += [f"{short}\n覆盖数", f"{short}\n总数", f"{short}\n覆盖率"]
    header += ["专职人员\n实有", "专职人员\n应配", "专职人员\n缺额"]
    rows: list[list[Any]] = []
    for ref, figures, total in _rows_of(data.coverage):
        row: list[Any] = [f"{ref.name} (合计)" if total else ref.name, _level(ref)]
        for key, _ in FIGURES:
            figure: Figure = getattr(figures, key)
            row += [figure.numerator, figure.denominator, figure.rate]
        if figures.staff is not None:
            staffed = staffing(figures.staff, data.communities.get(ref.id))
            row += [staffed.staff, staffed.required, staffed.lacking]
        else:
            row += [None, None, None]
        rows.append(row)
    _table(sheet, header, rows, percent_columns=[3 + 3 * i + 2 for i in range(len(FIGURES))], total_rows=1)


def _counts(sheet: Worksheet, data: ReportData) -> None:
    header = ["序号", "短板 (规则)", "数量", "规则代码", "依据"]
    rows: list[list[Any]] = [
        [i, rule.title, data.gap_count.by_rule.get(rule.name, 0), rule.name.value, rule.source] for i, rule in enumerate(data.rules, 1)
    ]
    rows.append(["", "合计", data.gap_count.total, "", ""])
    _table(sheet, header, rows, total_rows=0)
    for cell in sheet[sheet.max_row]:
        cell.font = _TOTAL_FONT


def _gap_list(sheet: Worksheet, data: ReportData) -> None:
    titles = {rule.name.value: rule.title for rule in data.rules}
    header = ["序号", "短板 (规则)", "位置 (链条路径)", "原因", "编号"]
    rows: list[list[Any]] = [
        [i, titles.get(gap.rule.value, gap.rule.value), gap.path_text, gap.reason, gap.node.id] for i, gap in enumerate(data.gaps, 1)
    ]
    _table(sheet, header, rows, total_rows=0, wrap_columns=[3, 4])


def _members(sheet: Worksheet, cov: Coverage) -> None:
    categories = list(MemberCategory)
    # the whole roll: members held by the chain's organisations and by resident units' own, the latter also apart
    header = ["单位", "层级", *(LABELS[MemberCategory][c.value] for c in categories), "其中驻区单位党组织", "合计"]
    rows: list[list[Any]] = []
    for ref, figures, total in _rows_of(cov):
        in_units = figures.unit_members_by_category
        counts = [figures.members_by_category.get(c, 0) + in_units.get(c, 0) for c in categories]
        rows.append([f"{ref.name} (合计)" if total else ref.name, _level(ref), *counts, sum(in_units.values()), sum(counts)])
    _table(sheet, header, rows, total_rows=1)


def _agreements(sheet: Worksheet, found: Sequence[AgreementView]) -> None:
    header = [
        "序号",
        "协议编号",
        "社区",
        "社区党组织",
        "共建单位 / 党组织",
        "签订日期",
        "到期日期",
        "状态",
        "需求清单",
        "资源清单",
        "项目清单",
    ]
    rows: list[list[Any]] = []
    for i, view in enumerate(found, 1):
        partner = " / ".join(dict.fromkeys(ref.name for ref in (view.partner_unit, view.partner) if ref is not None))
        rows.append(
            [
                i,
                view.agreement.id,
                view.community.name,
                view.community_organisation.name,
                partner,
                view.signed_on,
                view.expires_on if view.expires_on is not None else "长期",
                STATUS_LABELS.get(view.status, view.status.value),
                "; ".join(view.needs),
                "; ".join(view.resources),
                "; ".join(view.projects),
            ]
        )
    _table(sheet, header, rows, total_rows=0, wrap_columns=[9, 10, 11])


def _changes(sheet: Worksheet, found: Changes | None) -> None:
    """变化情况: each figure of the scope that moved (then, now, the difference), then every change listed, a row each."""
    since, until = (str(found.since), str(found.until)) if found is not None else ("", "")
    header = ["序号", "类别", "变化", "内容", f"{since}\n之前", f"{until}\n之后", "差额"]
    rows: list[list[Any]] = []
    if found is not None:
        for f in found.coverage.figures:
            if not f.changed:
                continue
            if f.before.denominator or f.after.denominator:
                rows.append([len(rows) + 1, "覆盖指标", "", f.label, f.before.rate, f.after.rate, f.rate_change])
            else:
                rows.append([len(rows) + 1, "覆盖指标", "", f.label, f.before.numerator, f.after.numerator, f.numerator_change])
        for section, kind, text in listed(found):
            rows.append([len(rows) + 1, section, label(kind), text, None, None, None])
    _table(sheet, header, rows, total_rows=0, percent_columns=[], wrap_columns=[4])
    for row in sheet.iter_rows(min_row=_HEAD_ROW + 1, min_col=5, max_col=7):
        for cell in row:
            if isinstance(cell.value, float):
                cell.number_format = _PERCENT


# -- layout ----------------------------------------------------------------------------------------


def _level(ref: NodeRef) -> str:
    return label(ref.level) if ref.level in TERRITORY_LEVELS else ""


def _table(
    sheet: Worksheet,
    header: list[str],
    rows: Iterable[list[Any]],
    *,
    total_rows: int,
    percent_columns: Sequence[int] = (),
    wrap_columns: Sequence[int] = (),
) -> None:
    """The header on row 2 and the rows under it, boxed; widths from the longest text of each column."""
    widths = [_width(h) for h in header]
    for column, text in enumerate(header, 1):
        cell = sheet.cell(row=_HEAD_ROW, column=column, value=text)
        cell.font = Font(bold=True)
        cell.fill = _HEAD_FILL
        cell.border = _BOX
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    for r, row in enumerate(rows, _HEAD_ROW + 1):
        for column, value in enumerate(row, 1):
            cell = sheet.cell(row=r, column=column, value=value)
            cell.border = _BOX
            if column in percent_columns:
                cell.number_format = _PERCENT
            elif isinstance(value, date):
                cell.number_format = "yyyy-mm-dd"
            if column in wrap_columns:
                cell.alignment = Alignment(wrap_text=True, vertical="top")
            if r - _HEAD_ROW <= total_rows:
                cell.font = _TOTAL_FONT
            widths[column - 1] = max(widths[column - 1], _width(value))
    for column, width in enumerate(widths, 1):
        limit = 50 if column in wrap_columns else 60
        sheet.column_dimensions[get_column_letter(column)].width = min(limit, max(6, width + 2))
    sheet.row_dimensions[_HEAD_ROW].height = 32 if any("\n" in h for h in header) else 20
    sheet.freeze_panes = sheet.cell(row=_HEAD_ROW + 1, column=1).coordinate


def _width(value: Any) -> int:
    """Columns a value takes in a spreadsheet font: a Chinese character about two, a line break starts over."""
    if value is None:
        return 0
    if isinstance(value, float):
        return 7
    if isinstance(value, date):
        return 10
    return max(sum(2 if ord(ch) > 0x2E7F else 1 for ch in line) for line in str(value).split("\n"))


def _title(sheet: Worksheet, text: str, *, path: str) -> None:
    last = max(1, sheet.max_column)
    sheet.cell(row=1, column=1, value=f"{text} · {path}").font = Font(bold=True, size=13)
    if last > 1:
        sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=last)
    sheet.row_dimensions[1].height = 22


def _print_setup(sheet: Worksheet) -> None:
    """Landscape A4, fitted to the page's width (as many pages down as it takes), the header on every page."""
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.print_title_rows = f"{_HEAD_ROW}:{_HEAD_ROW}"
    sheet.print_options.horizontalCentered = True
    sheet.page_margins.left = sheet.page_margins.right = 0.4
    sheet.oddFooter.center.text = "第 &P 页, 共 &N 页"
