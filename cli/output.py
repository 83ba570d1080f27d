"""What the command line prints: tables padded for Chinese in a terminal, and the answers of each command."""

from __future__ import annotations

import sys
import unicodedata

from graph.coverage import Coverage, Figure
from graph.gaps import GapCount, GapPage
from graph.labels import label
from graph.people import PeopleCounts
from graph.store import ImportRecord
from loaders.importer import ImportReport

__all__ = ["pad", "print_coverage", "print_gap_count", "print_gaps", "print_import", "print_imports", "print_refusal"]

_FIGURES = {
    "residential_areas_with_branch": "小区党支部",
    "grids_with_group": "网格党小组",
    "households_linked": "联户",
    "units_in_agreements": "共建单位",
    "property_companies_with_organisation": "物业党组织",
    "owners_committees_with_organisation": "业委会党组织",
}
"""The figures of a coverage table, in its column order, headed as staff name them."""
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
    print(f"{found.path}  (截至 {found.as_of})")
    rows = [(f"{found.scope.name} 合计", found.figures)] + [(child.scope.name, child.figures) for child in found.breakdown]
    cells = [[_cell(getattr(figures, field)) for field in _FIGURES] for _, figures in rows]
    widths = [max(_width(text) for text in [heading, *(row[i] for row in cells)]) + 2 for i, heading in enumerate(_FIGURES.values())]
    print(pad("", _NAME_WIDTH) + "".join(pad(heading, w, right=True) for heading, w in zip(_FIGURES.values(), widths, strict=True)))
    for (name, _), row in zip(rows, cells, strict=True):
        print(
            pad(clip(name, _NAME_WIDTH - 1), _NAME_WIDTH) + "".join(pad(cell, w, right=True) for cell, w in zip(row, widths, strict=True))
        )
    staff = found.figures.staff
    if staff is not None:
        per = f"{staff.staff_per_norm:.2f}" if staff.staff_per_norm is not None else "-"
        print(f"专职人员 {staff.staff:,} 名，服务 {staff.households:,} 户：为标准的 {per} 倍 (每 {staff.households_per_worker} 户 1 名)")
    members = "，".join(f"{label(category)} {n:,}" for category, n in found.figures.members_by_category.items())
    print(f"在册党员：{members}")


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
    print(f"{counted.scope.name}: {counted.total:,} gaps (as of {counted.as_of})")
    for rule, n in counted.by_rule.items():
        print(f"  {rule.value:<42}{n:>8,}")


def print_people(counts: PeopleCounts) -> None:
    """一人多职 of a scope: each count the seeds report on a line, then who holds several places."""
    print(f"{counts.scope.name}: people holding several places (as of {counts.as_of})")
    lines = [
        ("兼职委员 (community big committees)", counts.concurrent_members),
        ("大工委成员 (street working committees)", counts.street_committee_members),
        ("一肩挑 小区党支部书记兼业委会主任", counts.one_shoulder_area),
        ("一肩挑 社区书记兼居委会主任", counts.one_shoulder_community),
        ("交叉任职 (two or more bodies)", counts.cross_posted),
        ("服务队 (service teams)", counts.teams),
        ("服务队队员 (team members)", counts.team_members),
    ]
    for what, n in lines:
        print(f"  {what:<40}{n:>8,}")
    grids = counts.grids_with_team
    rate = f"{grids.rate:.1%}" if grids.rate is not None else "-"
    print(f"  {'网格有服务队 (grids with a service team)':<40}{grids.numerator:>8,} / {grids.denominator:,} ({rate})")
    for person in counts.cross_posts:
        places = "; ".join(f"{p.body.name} {p.role}" for p in person.places)
        print(f"  {person.person or '(withheld)'}: {places}")


def print_gaps(page: GapPage) -> None:
    print(f"{page.scope.name}: {page.total:,} gaps (as of {page.as_of}), the first {len(page.items)}:")
    for gap in page.items:
        print(f"  [{gap.rule.value}] {gap.path_text}: {gap.reason}")
    if page.total > len(page.items):
        print(f"  ... {page.total - len(page.items):,} more: --limit, --rule, or --count")


def print_imports(records: list[ImportRecord]) -> None:
    if not records:
        print("no imports yet")
    for r in records:
        rows = sum(r.rows.values())
        changed = r.summary.total("created") + r.summary.total("updated") + r.summary.total("removed")
        detail = f"{r.problems:,} problems" if r.outcome == "refused" else r.message or f"{changed:,} changed"
        print(f"{r.started_at:%Y-%m-%d %H:%M:%S}  {r.outcome:<8} {r.file}  {rows:,} rows, {detail}  sha256 {r.sha256[:12]}  ({r.id})")


def print_refusal(report: ImportReport) -> None:
    """A refused import on standard error: the first problems, and how many more."""
    record = report.record
    print(f"{record.file}: {record.problems:,} problem(s); nothing was written", file=sys.stderr)
    for problem in report.problems[:20]:
        print(f"  {problem}", file=sys.stderr)
    if record.problems > 20:
        print(f"  ... and {record.problems - 20:,} more", file=sys.stderr)


def print_import(report: ImportReport, *, dry_run: bool) -> None:
    """What an applied (or dry-run) import changed, per kind, and how fast it went."""
    record = report.record
    summary = record.summary
    kinds = sorted(set(summary.created) | set(summary.updated) | set(summary.unchanged) | set(summary.removed))
    print(f"{'':<14}{'created':>10}{'updated':>10}{'unchanged':>10}{'removed':>10}")
    for kind in kinds:
        figures = (summary.created[kind], summary.updated[kind], summary.unchanged[kind], summary.removed[kind])
        print(f"{kind:<14}" + "".join(f"{n:>10,}" for n in figures))
    rows = sum(record.rows.values())
    seconds = (record.finished_at - record.started_at).total_seconds()
    verb = "would change" if dry_run else "changed"
    changed = summary.total("created") + summary.total("updated") + summary.total("removed")
    print(f"{rows:,} rows in {seconds:.1f} s; {verb} {changed:,} nodes and edges" + (" (dry run: nothing written)" if dry_run else ""))
