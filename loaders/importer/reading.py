"""Reading a sheet (读取与校验): its header matched to the table's columns, then each row checked on its own.

Pure of the store: a row is checked here against its table's row model alone (dates, counts,
choices...); whether what it refers to exists is for the builders, once every row is read.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from pydantic import ValidationError

from loaders.format import Row, Table
from loaders.importer.problems import PROBLEM_COLUMNS, Problem, Problems, located, shown
from loaders.sources import CellError, Formula

__all__ = ["Columns", "check_row", "columns_of", "header_names", "is_second_header"]

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
    ok = True
    for position, cell in enumerate(header, start=1):
        text = "" if cell is None else str(cell).strip()
        if text in PROBLEM_COLUMNS:
            text = ""  # a problems file's own columns: not data
        known = known_names.get(_normal(text))
        key = known or text
        if key and key in seen:
            reason = f"two columns ({seen[key]} and {position}) are both {key}; keep one"
            problems.add(Problem(table=table.name, row=row, column=key, value=text, reason=reason))
            ok = False
        seen[key] = position
        columns.append((key, known is not None))
    for column in table.columns:
        if column.required and column.name not in seen:
            reason = f"the column is missing: add a column headed {column.name} or {column.chinese}"
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
        if isinstance(cell, Formula | CellError):
            reason = (
                "a formula; the import reads values only: copy the column and paste it as values (选择性粘贴 › 数值)"
                if isinstance(cell, Formula)
                else "an Excel error value; correct the cell"
            )
            problems.add(Problem(table=table.name, row=number, column=key or None, value=str(cell), reason=reason), cells)
            bad = True
        elif known:
            values[key] = cell
        elif key and cell is not None and cell != "":
            props[key] = cell.isoformat() if isinstance(cell, date) else cell
    if len(cells) > len(columns) and any(c not in (None, "") for c in cells[len(columns) :]):
        reason = f"has cells beyond the last headed column ({len(columns)}); give them a header"
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
