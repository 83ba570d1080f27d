"""Reading a sheet (读取与校验): its header matched to the table's columns, then each row checked on its own.

Pure of the store: a row is checked here against its table's row model alone (dates, counts,
choices...); whether what it refers to exists is for the builders, once every row is read.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from pydantic import ValidationError

from graph.i18n import _
from loaders.format import Row, Table
from loaders.importer.problems import PROBLEM_COLUMNS, Problem, Problems, located, shown
from loaders.sources import CellError, Formula

__all__ = ["Columns", "check_row", "columns_of", "header_names", "is_second_header"]

_REFUSED = (Formula, CellError)
"""Cells read but never imported (a tuple: ``isinstance`` with it is several times cheaper than with a union, once a cell)."""

Columns = list[tuple[str, bool]]
"""For each header cell: the key it is read under, and whether it is one of the table's columns
(True: it fills the row model) or a column of the file's own (False: kept as a property)."""


def header_names(table: Table) -> dict[str, str]:
    """Every way a header may name a column (English or Chinese, any case and spacing), to the column's name."""
    return {_normal(c.name): c.name for c in table.columns} | {_normal(c.chinese): c.name for c in table.columns}


def columns_of(table: Table, header: list[Any], problems: Problems, *, row: int = 1) -> Columns | None:
    """What each header cell is; None, with the problems, if a column is doubled or a required one missing.

    ``row`` is the header's row number in the sheet: below a title row (XX街道党组织台账) it is not 1.
    """
    known_names = header_names(table)
    columns: Columns = []
    seen: dict[str, int] = {}
    headed = problems.headed.setdefault(table.name, {})
    ok = True
    for position, cell in enumerate(header, start=1):
        text = "" if cell is None else str(cell).strip()
        if text in PROBLEM_COLUMNS:
            text = ""  # a problems file's own columns: not data
        known = known_names.get(_normal(text))
        key = known or text
        if key and key in seen:
            reason = _("第 %(first)s 列和第 %(second)s 列都是 %(column)s：只留一列", first=seen[key], second=position, column=text)
            problems.add(Problem(table=table.name, row=row, column=key, value=text, reason=reason))
            ok = False
        seen[key] = position
        if known and key not in headed:
            headed[key] = text
        columns.append((key, known is not None))
    for column in table.columns:
        if column.required and column.name not in seen:
            reason = _("缺少这一列：请加一列，表头写 %(chinese)s 或 %(name)s", chinese=column.chinese, name=column.name)
            problems.add(Problem(table=table.name, row=row, column=column.name, reason=reason))
            ok = False
    return columns if ok else None


def is_second_header(cells: list[Any], columns: Columns, known_names: dict[str, str]) -> bool:
    """Whether a row is the template's second header row (the Chinese names under the English ones)."""
    named = [(key, cell) for (key, known), cell in zip(columns, cells, strict=False) if known and cell not in (None, "")]
    return bool(named) and all(known_names.get(_normal(str(cell))) == key for key, cell in named)


def check_row(table: Table, columns: Columns, number: int, cells: list[Any], problems: Problems) -> tuple[Row, dict[str, Any]] | None:
    """The row checked by its table's row model, and its file's own columns as properties; None if refused."""
    values: dict[str, Any] = {}
    props: dict[str, Any] = {}
    bad = False
    for (key, known), cell in zip(columns, cells, strict=False):
        if isinstance(cell, _REFUSED):
            reason = (
                _("是公式；导入只读数值：请复制这一列，再选择性粘贴 › 数值")
                if isinstance(cell, Formula)
                else _("是 Excel 错误值；请改正这个单元格")
            )
            problems.add(Problem(table=table.name, row=number, column=key or None, value=str(cell), reason=reason), cells)
            bad = True
        elif known:
            values[key] = cell
        elif key and cell is not None and cell != "":
            props[key] = cell.isoformat() if isinstance(cell, date) else cell
    if len(cells) > len(columns) and any(c not in (None, "") for c in cells[len(columns) :]):
        reason = _("在最后一个有表头的列（第 %(last)s 列）之后还有内容；请给这些列加上表头", last=len(columns))
        problems.add(Problem(table=table.name, row=number, reason=reason), cells)
        bad = True
    try:
        row = table.row.model_validate(values)
    except ValidationError as exc:
        for error in exc.errors(include_url=False):
            column, reason = located(error)
            problems.add(Problem(table=table.name, row=number, column=column, value=shown(values.get(column or "")), reason=reason), cells)
        return None
    if bad:
        return None
    return row, props


def _normal(text: str) -> str:
    return "".join(text.split()).replace("_", "").lower()
