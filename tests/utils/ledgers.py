"""Ledger files written by tests, as staff would write them: workbooks and CSV files in either encoding."""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

from openpyxl import Workbook

Tables = dict[str, list[list[Any]]]
"""Each table as its header row followed by its rows."""

STRUCTURE = ["id", "level", "name", "parent_id", "org_id", "org_name", "org_form", "org_members", "households", "staff", "upgraded"]

TOWN: Tables = {
    "structure": [
        STRUCTURE,
        ["d", "district", "抚东区", None, None, "中共抚东区委员会", None, 9000, None, None, None],
        ["s1", "street", "东风街道", "d", None, "东风街道党工委", None, 60, None, None, None],
        ["c1", "community", "和平社区", "s1", None, "和平社区党委", None, 120, None, 4, "no"],
        ["a1", "residential_area", "阳光苑", "c1", None, "阳光苑党支部", None, 12, None, None, None],
        ["g1", "grid", "阳光苑第1网格", "a1", None, "阳光苑第1网格党小组", None, 5, 200, None, None],
        ["g2", "grid", "阳光苑第2网格", "a1", None, None, None, None, 150, None, None],
    ],
    "household_heads": [
        ["id", "name", "grid_id", "category", "households", "phone"],
        ["h1", "张三", "g1", "retired", 10, "13812345678"],
        ["h2", "李四", "g1", "在职", 9, None],
    ],
    "units": [
        ["id", "name", "type", "community_id", "party_org_id", "party_org_name", "party_org_members"],
        ["u1", "市第一医院", "hospital", "c1", None, "市第一医院党委", 300],
        ["u2", "阳光物业", "物业企业", "c1", None, None, None],
    ],
    "agreements": [
        ["id", "community_id", "unit_id", "signed_on", "expires_on", "needs", "resources", "projects"],
        ["ag1", "c1", "u1", "2024/3/1", "2026年3月1日", "义诊；健康讲座", "医护志愿者", "健康小屋"],
        ["ag2", "c1", "u2", "2025.1.15", None, None, None, None],
    ],
    "alliances": [
        ["alliance_id", "alliance_name", "kind", "member_id", "lead"],
        ["al1", "东风党建联盟", "alliance", "s1", "是"],
        ["al1", "东风党建联盟", "alliance", "c1", "否"],
        ["al1", None, None, "u1", None],
    ],
    "big_committee": [
        ["community_id", "person", "unit_id", "role", "since", "until"],
        ["c1", "王五", "u1", "兼职委员", "2023-05-01", "2028-04-30"],
    ],
}
"""A town small enough to read: one street, one community, one area, two grids (one without a group)."""


def copy(tables: Tables) -> Tables:
    return {name: [list(row) for row in rows] for name, rows in tables.items()}


def write_xlsx(path: Path, tables: Tables, *, extra_sheets: Tables | None = None) -> Path:
    book = Workbook()
    assert book.active is not None
    book.remove(book.active)
    for name, rows in {**tables, **(extra_sheets or {})}.items():
        sheet = book.create_sheet(name)
        for row in rows:
            sheet.append(row)
    book.save(path)
    return path


def write_csv_folder(folder: Path, tables: Tables, *, encoding: str = "utf-8") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, rows in tables.items():
        text = io.StringIO()
        writer = csv.writer(text, lineterminator="\r\n")
        for row in rows:
            writer.writerow(["" if v is None else v for v in row])
        (folder / f"{name}.csv").write_bytes(text.getvalue().encode(encoding))
    return folder
