"""The coverage dashboard of a scope (覆盖率看板): its figures as bars, its gaps by rule, one offline page.

:func:`render_dashboard` takes the answers of :func:`graph.coverage.coverage` and
:func:`graph.gaps.find_gaps` and returns HTML; :func:`dashboard` asks both and renders, for the
API (``GET /dashboard``) and the CLI (``grassroots report``). Charts are inline SVG, one bar per
child scope against 100%, so the page needs no script, no CDN and no font download; the gap
lists are in the page itself (the first ones of each rule), so a report written to a file
stands alone.
"""

from __future__ import annotations

import html
import math
from collections import defaultdict
from datetime import date

from graph.coverage import Coverage, CoverageFigures, Figure, coverage
from graph.gaps import Gap, GapRule, find_gaps, gap_rules
from graph.labels import LABELS, label
from graph.model import TERRITORY_LEVELS, MemberCategory
from graph.store import GraphStore
from visualizations.map import Links

__all__ = ["GAPS_LISTED", "dashboard", "render_dashboard"]

GAPS_LISTED = 50
"""Gaps listed in the page per rule; the rest are counted, and the gap list (API) pages through all of them."""

_FIGURES: list[tuple[str, str]] = [
    ("residential_areas_with_branch", "小区党支部覆盖率 (有党支部的小区 / 全部小区)"),
    ("grids_with_group", "网格党小组覆盖率 (有党小组的网格 / 全部网格)"),
    ("households_linked", "联户覆盖率 (党员联户长联系户数 / 总户数)"),
    ("units_in_agreements", "驻区单位共建率 (有在效共建协议的单位 / 全部驻区单位)"),
    ("property_companies_with_organisation", "物业服务企业党组织覆盖率"),
    ("owners_committees_with_organisation", "业主委员会党组织覆盖率"),
]


def dashboard(store: GraphStore, scope_id: str, *, as_of: date | None = None, links: Links | None = None) -> str:
    """The dashboard of a scope (a territory, or the chain organisation covering one) as things stood on ``as_of``."""
    cov = coverage(store, scope_id, as_of=as_of)
    gaps = find_gaps(store, scope_id, as_of=as_of, limit=10_000_000)
    return render_dashboard(cov, gaps.items, rules=gap_rules(), links=links)


def _staff_figure(figures: CoverageFigures) -> Figure | None:
    """Full-time staff against the norm's need (one per N households), as a figure to draw against 100%."""
    staff = figures.staff
    if staff is None or not staff.households:
        return None
    needed = math.ceil(staff.households / staff.households_per_worker)
    return Figure.of(min(staff.staff, needed), needed)


def _bar(figure: Figure | None) -> str:
    if figure is None or figure.rate is None:
        return '<span class="bar none"></span><span class="value">—</span>'
    share = max(0.0, min(1.0, figure.rate))
    tone = "good" if share >= 0.9 else "fair" if share >= 0.7 else "poor"
    svg = (
        '<svg class="bar" viewBox="0 0 100 10" preserveAspectRatio="none" role="img" '
        f'aria-label="{share:.0%}"><rect class="full" width="100" height="10"/>'
        f'<rect class="{tone}" width="{share * 100:.2f}" height="10"/></svg>'
    )
    return f'{svg}<span class="value">{figure.numerator:,} / {figure.denominator:,} · {share:.1%}</span>'


def _link(template: str | None, scope_id: str, text: str) -> str:
    if template is None:
        return html.escape(text)
    return f'<a href="{html.escape(template.format(id=scope_id))}">{html.escape(text)}</a>'


def _chart(title: str, rows: list[tuple[str, str, Figure | None]], links: Links, *, note: str = "") -> str:
    """One chart: the scope's own bar first, then one bar per child."""
    body = []
    for i, (scope_id, name, figure) in enumerate(rows):
        who = _link(links.map, scope_id, name)
        body.append(f'<li class="{"total" if i == 0 else ""}"><span class="name">{who}</span>{_bar(figure)}</li>')
    foot = f'<p class="note">{html.escape(note)}</p>' if note else ""
    return f'<section class="chart"><h3>{html.escape(title)}</h3><ul>{"".join(body)}</ul>{foot}</section>'


def _gap_section(gaps: list[Gap], rules: list[GapRule], scope_id: str, links: Links) -> str:
    by_rule: dict[str, list[Gap]] = defaultdict(list)
    for gap in gaps:
        by_rule[gap.rule.value].append(gap)
    most = max((len(v) for v in by_rule.values()), default=0) or 1
    rows = []
    for rule in rules:
        found = by_rule.get(rule.name.value, [])
        share = len(found) / most
        listed = "".join(f"<li><b>{html.escape(g.path_text)}</b>: {html.escape(g.reason)}</li>" for g in found[:GAPS_LISTED])
        more = f"<li>… 另有 {len(found) - GAPS_LISTED:,} 条</li>" if len(found) > GAPS_LISTED else ""
        api = ""
        if links.gaps is not None:
            href = links.gaps.format(id=scope_id) + f"?rule={rule.name.value}&limit=1000"
            api = f' <a class="api" href="{html.escape(href)}">完整清单 (JSON)</a>'
        svg = (
            f'<svg class="bar" viewBox="0 0 100 10" preserveAspectRatio="none" role="img" aria-label="{len(found)}">'
            f'<rect class="{"poor" if found else "full"}" width="{max(share * 100, 0.5 if found else 0):.2f}" height="10"/></svg>'
        )
        summary = (
            f'<summary><span class="name">{html.escape(rule.title)}</span>{svg}'
            f'<span class="value">{len(found):,}</span><span class="rule">{html.escape(rule.name.value)}</span>{api}</summary>'
        )
        rows.append(
            f'<details class="gaprule" data-rule="{html.escape(rule.name.value)}" data-count="{len(found)}">'
            f'{summary}<p class="desc">{html.escape(rule.description)} ({html.escape(rule.source)})</p><ol>{listed}{more}</ol></details>'
        )
    return "".join(rows)


def render_dashboard(cov: Coverage, gaps: list[Gap], *, rules: list[GapRule], links: Links | None = None) -> str:
    """The dashboard page of one scope's coverage and gaps."""
    links = links or Links()
    scope = cov.scope
    kind = label(scope.level) if scope.level in TERRITORY_LEVELS else ""
    charts = []
    for key, title in _FIGURES:
        rows = [(scope.id, f"{scope.name} (合计)", getattr(cov.figures, key))]
        rows += [(child.scope.id, child.scope.name, getattr(child.figures, key)) for child in cov.breakdown]
        charts.append(_chart(title, rows, links))
    if cov.figures.staff is not None:
        rows = [(scope.id, f"{scope.name} (合计)", _staff_figure(cov.figures))]
        rows += [(c.scope.id, c.scope.name, _staff_figure(c.figures)) for c in cov.breakdown]
        per = cov.figures.staff.households_per_worker
        charts.append(_chart(f"专职社区工作者配备 (实有 / 按每 {per} 户 1 名应配)", rows, links, note="超过应配的按 100% 计"))
    members = cov.figures.members_by_category
    member_cells = "".join(f"<td>{members.get(c, 0):,}</td>" for c in MemberCategory)
    member_head = "".join(f"<th>{name}</th>" for name in LABELS[MemberCategory].values())
    nav = [_link(links.map, scope.id, "组织网络图 ›")] if links.map else []
    if links.gaps:
        nav.append(_link(links.gaps, scope.id, "缺口清单 (JSON) ›"))
    title = f"{scope.name} 覆盖率看板"
    return f"""<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>{html.escape(title)}</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>{_STYLE}</style></head>
<body>
<header><h1>{html.escape(title)}</h1>
<p class="meta">{html.escape(kind)} · {html.escape(cov.path)} · 截至 {cov.as_of} · 下级 {len(cov.breakdown)} 个 · 缺口 {len(gaps):,} 条</p>
<nav>{" ".join(nav)}</nav></header>
<main>
<section class="charts">{"".join(charts)}</section>
<section class="side">
<h2>缺口 (按规则)</h2><p class="hint">点击规则展开清单。</p>
{_gap_section(gaps, rules, scope.id, links)}
<h2>党员 (按类别)</h2>
<table class="members"><tr>{member_head}</tr><tr>{member_cells}</tr></table>
</section>
</main>
</body></html>
"""


_STYLE = """
:root { --font: 'Noto Sans CJK SC', 'Source Han Sans SC', 'Microsoft YaHei', 'PingFang SC', 'WenQuanYi Micro Hei', sans-serif; }
* { box-sizing: border-box; }
body { margin: 0; font-family: var(--font); color: #212121; background: #fafafa; }
header { padding: 10px 16px; background: #fff; border-bottom: 1px solid #ddd; }
header h1 { margin: 0; font-size: 20px; }
header .meta { margin: 4px 0; color: #616161; font-size: 13px; }
nav a { margin-right: 16px; font-size: 14px; }
main { display: grid; grid-template-columns: minmax(0, 3fr) minmax(0, 2fr); gap: 16px; padding: 16px; }
.charts { display: grid; grid-template-columns: repeat(auto-fill, minmax(420px, 1fr)); gap: 16px; align-content: start; }
.chart, .side { background: #fff; border: 1px solid #e0e0e0; border-radius: 4px; padding: 8px 12px; }
.chart h3 { font-size: 14px; margin: 4px 0 8px; }
.chart ul { list-style: none; margin: 0; padding: 0; }
.chart li, summary {
  display: grid; grid-template-columns: 8em minmax(60px, 1fr) 11em; gap: 8px; align-items: center; font-size: 13px; margin: 3px 0;
}
.chart li.total { font-weight: bold; border-bottom: 1px solid #eee; padding-bottom: 3px; }
.name { overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
svg.bar { width: 100%; height: 12px; display: block; }
.bar.none { height: 12px; }
rect.full { fill: #eeeeee; }
rect.good { fill: #2e7d32; }
rect.fair { fill: #f9a825; }
rect.poor { fill: #d50000; }
.value { font-variant-numeric: tabular-nums; color: #424242; }
.note, .hint, .desc { color: #757575; font-size: 12px; margin: 4px 0; }
.side h2 { font-size: 16px; margin: 8px 0; }
summary { grid-template-columns: 11em minmax(40px, 1fr) 4em; cursor: pointer; }
summary .rule { display: none; }
summary .api { grid-column: 1 / -1; font-size: 12px; }
details ol { font-size: 12px; margin: 4px 0 8px; padding-left: 2em; max-height: 300px; overflow-y: auto; }
table.members { border-collapse: collapse; font-size: 13px; }
table.members td, table.members th { border: 1px solid #e0e0e0; padding: 3px 10px; text-align: center; }
"""
