"""What the command line prints: tables padded for Chinese in a terminal, and the answers of each command."""

from __future__ import annotations

import sys
import unicodedata

from graph.coverage import Coverage
from graph.gaps import GapCount, GapPage
from graph.store import ImportRecord
from loaders.importer import ImportReport

__all__ = ["pad", "print_coverage", "print_gap_count", "print_gaps", "print_import", "print_imports", "print_refusal"]

_FIGURES = {
    "residential_areas_with_branch": "areas with a branch 小区党支部",
    "grids_with_group": "grids with a group 网格党小组",
    "households_linked": "households linked 联户",
    "property_companies_with_organisation": "property companies with an org 物业",
    "owners_committees_with_organisation": "owners' committees with an org 业委会",
    "units_in_agreements": "units in an agreement 共建单位",
}


def pad(text: str, width: int, *, right: bool = False) -> str:
    """Pad to a width in terminal columns: a Chinese character takes two."""
    shown = sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)
    space = " " * max(1, width - shown)
    return space + text if right else text + space


def print_coverage(found: Coverage) -> None:
    """A scope's figures and its children's, one column each."""
    rows = [(found.scope.name, found.figures)] + [(child.scope.name, child.figures) for child in found.breakdown]
    print(f"{found.path}  (as of {found.as_of})")
    print(pad("", 40) + "".join(pad(name, 20, right=True) for name, _ in rows))
    for field, label in _FIGURES.items():
        cells = []
        for _, figures in rows:
            figure = getattr(figures, field)
            cells.append(f"{figure.numerator:,}/{figure.denominator:,}" + (f" {figure.rate:.0%}" if figure.rate is not None else ""))
        print(pad(label, 40) + "".join(pad(cell, 20, right=True) for cell in cells))
    staff = found.figures.staff
    if staff is not None:
        per = f"{staff.staff_per_norm:.2f}" if staff.staff_per_norm is not None else "-"
        norm = f"{per} of the norm (1 per {staff.households_per_worker})"
        print(pad("full-time staff 专职人员", 40) + f"{staff.staff:,} for {staff.households:,} households: {norm}")
    members = ", ".join(f"{category.value} {n:,}" for category, n in found.figures.members_by_category.items())
    print(pad("party members on record 党员", 40) + members)


def print_gap_count(counted: GapCount) -> None:
    print(f"{counted.scope.name}: {counted.total:,} gaps (as of {counted.as_of})")
    for rule, n in counted.by_rule.items():
        print(f"  {rule.value:<42}{n:>8,}")


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
