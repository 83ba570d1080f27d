"""Problems (问题) with a file: each points at the cell to fix, and the refused rows are kept for the problems file.

Every pass reports into one :class:`Problems`, so that an import names everything wrong at
once; the problems file (:mod:`loaders.workbooks`) is made from the rows it keeps.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel, Field, field_validator

from graph.i18n import _
from graph.validation import error_message
from loaders.sources import CellError, Formula

__all__ = ["MAX_LISTED", "PROBLEM_COLUMNS", "Problem", "Problems", "RefusedRow", "located", "shown"]

MAX_LISTED = 10_000
"""Problems listed in full (and rows kept for the problems file); beyond it they are only counted."""

PROBLEM_COLUMNS = ("problems 问题", "row 原行号")
"""The columns a problems file puts before the refused rows' own; an import skips them."""

RefusedRow = tuple[int, list[Any], list[str]]
"""A refused row as the file had it: its number, its cells, and the reasons it was refused."""


MAX_REASON = 500
"""Characters a problem's reason keeps (it may quote the cell, which can hold 32,767)."""


class Problem(BaseModel):
    """One thing wrong with the file, pointing at the cell to fix."""

    table: str | None = Field(default=None, description="the table (sheet or CSV file)")
    row: int | None = Field(default=None, description="row number as Excel shows it (a problem with the header names the header's own row)")
    column: str | None = Field(default=None, description="the column, by its English name (the same in every language)")
    header: str | None = Field(default=None, description="the column as the file headed it (户数 or households), for the reader")
    value: str | None = Field(default=None, description="what the cell holds")
    reason: str

    @field_validator("reason", mode="before")
    @classmethod
    def _bounded(cls, reason: object) -> object:
        """A reason quotes the cell at most in part: a listed problem of a 32,000-character cell stays small."""
        if isinstance(reason, str) and len(reason) > MAX_REASON:
            return reason[: MAX_REASON - 1] + "…"
        return reason

    def __str__(self) -> str:
        row = _("第 %(row)s 行", row=self.row) if self.row else None
        where = " ".join(p for p in (self.table, row, self.header or self.column) if p)
        if self.value is not None:
            where = f"{where} = {self.value!r}" if where else repr(self.value)
        return _("%(where)s：%(reason)s", where=where, reason=self.reason) if where else self.reason


@dataclass
class Problems:
    """Every problem of one import: the first :data:`MAX_LISTED` listed, all of them counted."""

    listed: list[Problem] = field(default_factory=list)
    total: int = 0
    rows: dict[str, list[RefusedRow]] = field(default_factory=dict)
    """Per table, the refused rows as they were in the file, with their reasons: the problems file."""
    headed: dict[str, dict[str, str]] = field(default_factory=dict)
    """Per table, each column's header as the file wrote it (households, 户数): what a problem names it by."""
    _by_row: dict[tuple[str, int], list[str]] = field(default_factory=dict)

    def add(self, problem: Problem, raw: list[Any] | None = None) -> None:
        """Count a problem; with the row's cells (``raw``), keep the row for the problems file too."""
        if problem.column and problem.header is None and problem.table:
            problem.header = self.headed.get(problem.table, {}).get(problem.column)
        self.total += 1
        if len(self.listed) < MAX_LISTED:
            self.listed.append(problem)
        if problem.table and problem.row and raw is not None:
            key = (problem.table, problem.row)
            reasons = self._by_row.get(key)
            column = problem.header or problem.column
            reason = _("%(column)s：%(reason)s", column=column, reason=problem.reason) if column else problem.reason
            if reasons is None and len(self._by_row) < MAX_LISTED:
                reasons = self._by_row[key] = []
                self.rows.setdefault(problem.table, []).append((problem.row, [_plain_cell(c) for c in raw], reasons))
            if reasons is not None:
                reasons.append(reason)


def shown(value: Any) -> str | None:
    """A cell's value as a problem shows it: text, cut short."""
    return None if value is None else str(value)[:200]


def located(error: Any) -> tuple[str | None, str]:
    """The column and the words of a pydantic error; a row-level check names its column as ``column: reason``."""
    loc = error.get("loc") or ()
    message = error_message(error)
    if loc:
        return str(loc[0]), message
    column, sep, reason = message.partition(": ")
    if sep and column.isidentifier():
        return column, reason
    return None, message


def _plain_cell(value: Any) -> Any:
    return str(value) if isinstance(value, Formula | CellError) else value
