"""Workbooks written for staff: the empty template to fill in, and the problems file to fix and import again."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Font, PatternFill
from openpyxl.worksheet.datavalidation import DataValidation

from graph.files import atomic_write
from graph.labels import LABELS
from graph.model import cleaned
from loaders.format import TABLES, Column
from loaders.importer import PROBLEM_COLUMNS, ImportReport

__all__ = ["write_problems", "write_template"]

_HEADER = Font(bold=True)
_REQUIRED = PatternFill("solid", fgColor="FFF2CC")
_CHOICES = {
    ("structure", "level"): "Level",
    ("structure", "org_form"): "OrgForm",
    ("structure", "upgraded"): "yes/no",
    ("household_heads", "category"): "MemberCategory",
    ("units", "type"): "UnitType",
    ("units", "party_org_form"): "OrgForm",
    ("alliances", "kind"): "AllianceKind",
    ("alliances", "lead"): "yes/no",
    ("posts", "post"): "PostKind",
    ("teams", "kind"): "TeamKind",
}


def write_template(path: Path) -> None:
    """An empty workbook: a 说明 (read me) sheet, then a sheet per table with its English and Chinese header rows.

    Required columns are shaded; each header cell carries its documentation as a comment, and
    columns with a fixed set of values offer them in a drop-down.
    """
    book = Workbook()
    readme = book.active
    assert readme is not None
    readme.title = "说明"
    readme.append(["grassroots-graph import template 导入模板"])
    readme.append(["Fill in the sheets you need; leave out or leave empty the others. Rows 1 and 2 are headers: keep them."])
    readme.append(["按需填写各工作表；不需要的表可留空。第1、2行为表头，请勿删除。带底色的列为必填。"])
    readme.append([])
    readme.append(["table 表", "column", "列名", "required 必填", "what goes in 说明"])
    for cell in readme[5]:
        cell.font = _HEADER
    for table in TABLES.values():
        readme.append([f"{table.name} {table.chinese}", "", "", "", table.doc])
        for column in table.columns:
            readme.append(["", column.name, column.chinese, "yes 是" if column.required else "", column.doc])
    readme.column_dimensions["A"].width = 26
    readme.column_dimensions["B"].width = 20
    readme.column_dimensions["E"].width = 100
    for table in TABLES.values():
        sheet = book.create_sheet(table.name)
        sheet.append([c.name for c in table.columns])
        sheet.append([c.chinese for c in table.columns])
        for position, column in enumerate(table.columns, start=1):
            for row in (1, 2):
                cell = sheet.cell(row=row, column=position)
                cell.font = _HEADER
                if column.required:
                    cell.fill = _REQUIRED
            sheet.cell(row=1, column=position).comment = Comment(_note(column), "grassroots-graph")
            letter = sheet.cell(row=1, column=position).column_letter
            sheet.column_dimensions[letter].width = max(12, len(column.name) + 4)
            choices = _choices(table.name, column)
            if choices:
                check = DataValidation(type="list", formula1=f'"{",".join(choices)}"', allow_blank=True)
                check.error = f"{column.name}: one of {', '.join(choices)}"
                sheet.add_data_validation(check)
                check.add(f"{letter}3:{letter}100000")
        sheet.freeze_panes = "A3"
    buffer = io.BytesIO()
    book.save(buffer)
    atomic_write(Path(path), buffer.getvalue())


def _note(column: Column) -> str:
    required = "required 必填" if column.required else "optional 选填"
    return f"{column.name} / {column.chinese} ({required})\n{column.doc}".strip()


def _choices(table: str, column: Column) -> list[str]:
    kind = _CHOICES.get((table, column.name))
    if kind is None:
        return []
    if kind == "yes/no":
        return ["是", "否", "yes", "no"]
    labels = next(v for k, v in LABELS.items() if k.__name__ == kind)
    return list(labels.values())  # the Chinese labels: what staff pick; the English values are read too


def write_problems(report: ImportReport, path: Path) -> None:
    """The refused rows as they were, each with its reasons and its row number in the original file.

    Nothing of a refused import was written, so the way on is to fix these rows in the original
    file and import it whole again. The first sheet lists every problem, including those of no
    one row (a missing column).
    """
    book = Workbook(write_only=True)
    listing = book.create_sheet("problems 问题")
    listing.append(["table 表", "row 行", "column 列", "value 值", "reason 原因"])
    for problem in report.problems:
        listing.append([problem.table, problem.row, problem.column, _safe(problem.value), problem.reason])
    if report.record.problems > len(report.problems):
        listing.append([None, None, None, None, f"… and {report.record.problems - len(report.problems):,} more"])
    for table, rows in report.refused_rows.items():
        sheet = book.create_sheet(table)
        header = list(report.headers.get(table) or [c.name for c in TABLES[table].columns])
        sheet.append([*PROBLEM_COLUMNS, *header])
        for number, cells, reasons in rows:
            sheet.append(["; ".join(reasons), number, *(_safe(c) for c in cells)])
    buffer = io.BytesIO()
    book.save(buffer)
    atomic_write(Path(path), buffer.getvalue())


def _safe(value: Any) -> Any:
    """A refused cell written back as text: a formula stays visible instead of running, a control character shows as �."""
    value = cleaned(value)  # a cell refused for a control character could not be written to a workbook at all
    return "'" + value if isinstance(value, str) and value.startswith("=") else value
