"""The import report (导入报告): what an import did, or would do, or why it was refused; the answer every entry point gives."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field

from graph.store import ImportRecord
from loaders.importer.problems import MAX_LISTED, Problem, RefusedRow

__all__ = ["ImportReport"]


class ImportReport(BaseModel):
    """What an import did, or would do (dry run), or why it was refused."""

    record: ImportRecord
    dry_run: bool = False
    problems: list[Problem] = Field(default_factory=list, description=f"the first {MAX_LISTED:,} problems; record.problems counts all")
    ignored: list[str] = Field(default_factory=list, description="sheets or files that are not tables, left alone")
    refused_rows: dict[str, list[RefusedRow]] = Field(default_factory=dict, exclude=True)
    headers: dict[str, list[Any]] = Field(default_factory=dict, exclude=True)

    @property
    def ok(self) -> bool:
        return self.record.outcome == "applied"
