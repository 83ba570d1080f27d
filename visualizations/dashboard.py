"""The coverage dashboard of a scope (覆盖率看板): its figures as bars, its staff against the norm, its gaps by rule, one offline page.

:func:`render_dashboard` takes the answers of :func:`graph.coverage.coverage` and
:func:`graph.gaps.find_gaps` and returns HTML; :func:`dashboard` asks both and renders, for the
API (``GET /dashboard``) and the CLI (``grassroots report``). Charts are inline SVG, one bar per
child scope against 100%, so the page needs no CDN and no font download; the gap lists are in
the page itself (the first ones of each rule), so a report written to a file stands alone.
A served page links each rule to its gap-list page (``/gaps?scope=&rule=``) and offers its
workbook (``/report``); a print stylesheet lays it out on paper (no navigation, every gap list
open, the gaps on a page of their own).

The staff card is honest: each row shows the staff on record and the staff the norm requires,
counted community by community (one per ``households_per_worker`` households, as the
``under_staffed`` rule counts), and how many the communities below the norm lack, so that a
street with more staff than it needs in all still shows the community that is short.
"""

from __future__ import annotations

import html
import math
from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from graph.changes import Changes, FigureChange, Trends, listed
from graph.coverage import ChildCoverage, Coverage, Figure, StaffFigure, coverage
from graph.gaps import Gap, GapRule, find_gaps, gap_rules
from graph.labels import LABELS, label
from graph.model import TERRITORY_LEVELS, Level, MemberCategory
from graph.norms import NORMS, Norms
from graph.store import GraphStore
from visualizations.map import Links
from visualizations.page_head import BASE_STYLE, page_head

__all__ = [
    "CHANGES_LISTED",
    "FIGURES",
    "GAPS_LISTED",
    "REPORT_LINK",
    "Staffing",
    "changes_panel",
    "communities_of",
    "dashboard",
    "render_dashboard",
    "required_staff",
    "staffing",
]

GAPS_LISTED = 50
"""Gaps listed in the page per rule; the rest are counted, and the gap-list page pages through all of them."""


REPORT_LINK = "/report?scope={id}&format=xlsx"
"""The workbook a served dashboard offers (what ``grassroots report SCOPE --format xlsx`` writes)."""

FIGURES: list[tuple[str, str]] = [
    ("residential_areas_with_branch", "小区党支部覆盖率 (有党支部的小区 / 全部小区)"),
    ("grids_with_group", "网格党小组覆盖率 (有党小组的网格 / 全部网格)"),
    ("buildings_with_group", "楼栋(院落)党组织覆盖率 (有楼栋党小组或院落党支部的楼栋 / 全部楼栋)"),
    ("households_linked", "联户覆盖率 (党员联户长联系户数 / 总户数)"),
    ("units_in_agreements", "驻区单位共建率 (有在效共建协议的单位 / 全部驻区单位)"),
    ("property_companies_with_organisation", "物业服务企业党组织覆盖率"),
    ("owners_committees_with_organisation", "业主委员会党组织覆盖率"),
    ("areas_with_three_parties", "三方共议覆盖率 (党支部、业委会、物业齐全的小区 / 全部小区)"),
    ("two_new_with_organisation", "两新组织党组织覆盖率 (符合条件的)"),
    ("communities_with_centre", "社区党群服务中心覆盖率"),
    ("centres_meeting_six_haves", "党群服务中心“六有”达标率"),
    ("centres_mostly_for_service", "党群服务中心服务面积达标率 (90%以上用于服务)"),
    ("in_service_reported", "在职党员双报到率 (已报到的在职党员 / 在职党员, 按组织关系所在)"),
    ("grids_with_leader", "网格长配备率 (有网格长的网格 / 全部网格)"),
]
"""The rates, by their field of :class:`CoverageFigures`, with the title staff read (the report's too)."""


def dashboard(
    store: GraphStore,
    scope_id: str,
    *,
    as_of: date | None = None,
    links: Links | None = None,
    norms: Norms = NORMS,
    changed: Changes | None = None,
    trend: Trends | None = None,
) -> str:
    """The dashboard of a scope (a territory, or the chain organisation covering one) as things stood on ``as_of``;
    with ``changed`` and ``trend`` (asked through the application layer), its panel of changes and monthly series."""
    cov = coverage(store, scope_id, as_of=as_of, norms=norms)
    gaps = find_gaps(store, scope_id, as_of=as_of, limit=10_000_000, settings=norms)
    communities = communities_of(store, cov, norms=norms)
    return render_dashboard(cov, gaps.items, rules=gap_rules(), links=links, communities=communities, changed=changed, trend=trend)


def communities_of(store: GraphStore, cov: Coverage, *, norms: Norms = NORMS) -> dict[str, list[ChildCoverage]]:
    """The communities under the scope and under each of its children, with their figures, keyed by scope id.

    Staff are recorded per community and the norm holds per community, so the staff card needs
    each community's figures: a street's are its breakdown; a district asks each street's coverage.
    """
    if cov.scope.level is Level.COMMUNITY:
        return {cov.scope.id: [ChildCoverage(scope=cov.scope, figures=cov.figures)]}
    if cov.scope.level not in (Level.DISTRICT, Level.STREET):
        return {}
    found: dict[str, list[ChildCoverage]] = {}
    for child in cov.breakdown:
        if child.scope.level is Level.COMMUNITY:
            found[child.scope.id] = [child]
        else:
            inner = coverage(store, child.scope.id, as_of=cov.as_of, norms=norms)
            found[child.scope.id] = [c for c in inner.breakdown if c.scope.level is Level.COMMUNITY]
    found[cov.scope.id] = [c for child in cov.breakdown for c in found[child.scope.id]]
    return found


@dataclass(frozen=True)
class Staffing:
    """专职人员配备 of a scope: staff on record, staff the norm requires community by community, and who is short."""

    staff: int
    required: int
    households_per_worker: int
    short: list[tuple[ChildCoverage, int]]
    """Each community below the norm, with how many staff it lacks."""

    @property
    def lacking(self) -> int:
        """Staff the communities below the norm lack between them (a surplus elsewhere fills none of it)."""
        return sum(n for _, n in self.short)

    @property
    def met(self) -> Figure:
        """The share of the requirement met where it is needed."""
        return Figure.of(self.required - self.lacking, self.required)


def required_staff(figure: StaffFigure) -> int:
    """Staff one community's households require: one per ``households_per_worker``, a part counting whole."""
    return math.ceil(figure.households / figure.households_per_worker)


def staffing(figure: StaffFigure, communities: list[ChildCoverage] | None) -> Staffing:
    """The staffing of a scope from its communities' figures; from its own total when they are not known."""
    per = figure.households_per_worker
    if communities is None:
        return Staffing(staff=figure.staff, required=required_staff(figure), households_per_worker=per, short=[])
    short: list[tuple[ChildCoverage, int]] = []
    required = 0
    for community in communities:
        own = community.figures.staff
        if own is None:
            continue
        need = required_staff(own)
        required += need
        if own.staff < need:
            short.append((community, need - own.staff))
    return Staffing(staff=figure.staff, required=required, households_per_worker=per, short=short)


def _tone(share: float) -> str:
    return "good" if share >= 0.9 else "fair" if share >= 0.7 else "poor"


def _svg(share: float, tone: str) -> str:
    return (
        '<svg class="bar" viewBox="0 0 100 10" preserveAspectRatio="none" role="img" '
        f'aria-label="{share:.0%}"><rect class="full" width="100" height="10"/>'
        f'<rect class="{tone}" width="{share * 100:.2f}" height="10"/></svg>'
    )


def _bar(figure: Figure | None) -> str:
    if figure is None or figure.rate is None:
        return '<span class="bar none"></span><span class="value">—</span>'
    share = max(0.0, min(1.0, figure.rate))
    return f'{_svg(share, _tone(share))}<span class="value">{figure.numerator:,} / {figure.denominator:,} · {share:.1%}</span>'


def _staff_bar(staffed: Staffing | None) -> str:
    """Actual against required as text; the bar is the share of the requirement met where it is needed."""
    if staffed is None or not staffed.required:
        return '<span class="bar none"></span><span class="value">—</span>'
    met = staffed.met.rate or 0.0
    short = f' · <b class="short">缺 {staffed.lacking:,}</b>' if staffed.lacking else ""
    return (
        f'{_svg(met, _tone(met))}<span class="value" data-staff="{staffed.staff}" data-required="{staffed.required}" '
        f'data-lacking="{staffed.lacking}">实有 {staffed.staff:,} / 应配 {staffed.required:,}{short}</span>'
    )


def _link(template: str | None, scope_id: str, text: str) -> str:
    if template is None:
        return html.escape(text)
    return f'<a href="{html.escape(template.format(id=scope_id))}">{html.escape(text)}</a>'


def _chart(title: str, rows: list[tuple[str, str, str]], links: Links, *, note: str = "", extra: str = "") -> str:
    """One chart: the scope's own bar first, then one bar per child (each bar already drawn)."""
    body = []
    for i, (scope_id, name, bar) in enumerate(rows):
        who = _link(links.map, scope_id, name)
        body.append(f'<li class="{"total" if i == 0 else ""}"><span class="name">{who}</span>{bar}</li>')
    foot = f'<p class="note">{html.escape(note)}</p>' if note else ""
    return f'<section class="chart"><h3>{html.escape(title)}</h3><ul>{"".join(body)}</ul>{foot}{extra}</section>'


def _shortfall(staffed: Staffing, links: Links) -> str:
    """The communities below the staff norm, each with what it has, what it needs and what it lacks."""
    if not staffed.short:
        return '<p class="note staff-ok">各社区专职人员均达到配备标准。</p>'
    rows = "".join(
        f'<tr data-community="{html.escape(c.scope.id)}"><td>{_link(links.map, c.scope.id, c.scope.name)}</td>'
        f"<td>{c.figures.staff.households if c.figures.staff else 0:,}</td><td>{c.figures.staff.staff if c.figures.staff else 0:,}</td>"
        f'<td>{n + (c.figures.staff.staff if c.figures.staff else 0):,}</td><td class="short">{n:,}</td></tr>'
        for c, n in staffed.short
    )
    return (
        f'<table class="shortfall"><caption>低于配备标准的社区 {len(staffed.short):,} 个, 共缺 {staffed.lacking:,} 名</caption>'
        f"<tr><th>社区</th><th>户数</th><th>实有</th><th>应配</th><th>缺</th></tr>{rows}</table>"
    )


def _gap_href(links: Links, scope_id: str, rule: str) -> str | None:
    if links.gaps is None:
        return None
    base = links.gaps.format(id=scope_id)
    return f"{base}{'&' if '?' in base else '?'}rule={rule}"


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
        href = _gap_href(links, scope_id, rule.name.value)
        page = f' <a class="list" href="{html.escape(href)}">完整清单 ›</a>' if href and found else ""
        svg = (
            f'<svg class="bar" viewBox="0 0 100 10" preserveAspectRatio="none" role="img" aria-label="{len(found)}">'
            f'<rect class="{"poor" if found else "full"}" width="{max(share * 100, 0.5 if found else 0):.2f}" height="10"/></svg>'
        )
        summary = (
            f'<summary><span class="name">{html.escape(rule.title)}</span>{svg}'
            f'<span class="value">{len(found):,}</span><span class="rule">{html.escape(rule.name.value)}</span>{page}</summary>'
        )
        rows.append(
            f'<details class="gaprule" data-rule="{html.escape(rule.name.value)}" data-count="{len(found)}">'
            f'{summary}<p class="desc">{html.escape(rule.description)} ({html.escape(rule.source)})</p><ol>{listed}{more}</ol></details>'
        )
    return "".join(rows)


def render_dashboard(
    cov: Coverage,
    gaps: list[Gap],
    *,
    rules: list[GapRule],
    links: Links | None = None,
    communities: dict[str, list[ChildCoverage]] | None = None,
    changed: Changes | None = None,
    trend: Trends | None = None,
) -> str:
    """The dashboard page of one scope's coverage and gaps (and, when given, what changed and each figure's monthly series).

    ``communities`` (from :func:`communities_of`) gives the staff card each row's communities;
    without it, a row whose communities are not in ``cov`` counts its requirement from its total.
    """
    links = links or Links()
    scope = cov.scope
    kind = label(scope.level) if scope.level in TERRITORY_LEVELS else ""
    charts = []
    for key, title in FIGURES:
        rows = [(scope.id, f"{scope.name} (合计)", _bar(getattr(cov.figures, key)))]
        rows += [(child.scope.id, child.scope.name, _bar(getattr(child.figures, key))) for child in cov.breakdown]
        charts.append(_chart(title, rows, links))
    if cov.figures.staff is not None:
        known = communities if communities is not None else _communities_in(cov)
        total = staffing(cov.figures.staff, known.get(scope.id))
        rows = [(scope.id, f"{scope.name} (合计)", _staff_bar(total))]
        rows += [
            (c.scope.id, c.scope.name, _staff_bar(staffing(c.figures.staff, known.get(c.scope.id)) if c.figures.staff else None))
            for c in cov.breakdown
        ]
        staff = cov.figures.staff
        per = staff.households_per_worker
        note = "条形为应配人数中已配足的比例; 一个社区的富余不抵另一个社区的不足。"
        if staff.staff_per_10000_residents is not None:  # Fuzhou counts staff per 10,000 residents too
            note += (
                f" 常住人口 {staff.population:,} 人, 每万人专职人员 {staff.staff_per_10000_residents:.1f} 名"
                f" (标准 {staff.residents_norm} 名)。"
            )
        charts.append(
            _chart(
                f"专职社区工作者配备 (实有 / 应配: 各社区每 {per} 户 1 名)",
                rows,
                links,
                note=note,
                extra=_shortfall(total, links) if scope.id in known else "",
            )
        )
    members, in_units = cov.figures.members_by_category, cov.figures.unit_members_by_category
    member_head = "<th></th>" + "".join(f"<th>{name}</th>" for name in LABELS[MemberCategory].values()) + "<th>合计</th>"
    member_rows = "".join(
        f"<tr><th>{where}</th>" + "".join(f"<td>{roll.get(c, 0):,}</td>" for c in MemberCategory) + f"<td>{sum(roll.values()):,}</td></tr>"
        for where, roll in (("街道社区党组织", members), ("驻区单位党组织", in_units))
    )
    heads = cov.figures.household_heads_party_members
    reported = cov.figures.in_service_reported
    member_note = (
        f"党员名册合计 {cov.figures.members_on_roll:,} 名; 在职党员双报到 {reported.numerator:,} / {reported.denominator:,}; "
        f"联户长 {heads.denominator:,} 名, 其中群众联户长 {heads.denominator - heads.numerator:,} 名。"
    )
    nav = [_link(links.map, scope.id, "组织网络图 ›")] if links.map else []
    if links.gaps:
        nav.append(_link(links.gaps, scope.id, "缺口清单 ›"))
    if links.dashboard:  # served: the workbook to hand in, and the page to print
        nav.append(_link(REPORT_LINK, scope.id, "下载报表 (Excel) ›"))
        nav.append('<button type="button" class="print" onclick="window.print()">打印</button>')
    title = f"{scope.name} 覆盖率看板"
    return (
        page_head(title, style=_STYLE)
        + f"""\
<p class="meta">{html.escape(kind)} · {html.escape(cov.path)} · 截至 {cov.as_of} · 下级 {len(cov.breakdown)} 个 · 缺口 {len(gaps):,} 条</p>
<nav>{" ".join(nav)}</nav></header>
<main>
<section class="charts">{"".join(charts)}</section>
<section class="side">
{changes_panel(changed, trend)}
<h2>缺口 (按规则)</h2><p class="hint">点击规则展开清单。</p>
{_gap_section(gaps, rules, scope.id, links)}
<h2>党员 (按类别)</h2>
<table class="members"><tr>{member_head}</tr>{member_rows}</table>
<p class="hint">{html.escape(member_note)}</p>
</section>
</main>
<script>window.addEventListener("beforeprint", () => document.querySelectorAll("details").forEach((d) => (d.open = true)));</script>
</body></html>
"""
    )


CHANGES_LISTED = 100
"""Changes listed in the dashboard's panel; the rest are counted (the API and the report list them all)."""


def changes_panel(changed: Changes | None, trend: Trends | None) -> str:
    """变化与趋势: the figures that moved since ``changed.since`` with the difference, the changes listed, and each
    figure's monthly series as a small inline SVG line (no script, no request)."""
    if changed is None and trend is None:
        return ""
    parts = ['<section class="changes">']
    if changed is not None:
        parts.append(f"<h2>变化 ({changed.since} 至 {changed.until})</h2>")
        moved = [f for f in changed.coverage.figures if f.changed]
        if moved:
            rows = "".join(
                f"<tr><th>{html.escape(f.label)}</th><td>{_figure_text(f.before)}</td><td>{_figure_text(f.after)}</td>"
                f'<td class="{"up" if _gain(f) > 0 else "down" if _gain(f) < 0 else ""}">{_difference(f)}</td></tr>'
                for f in moved
            )
            parts.append(
                f'<table class="moved"><tr><th></th><th>{changed.since}</th><th>{changed.until}</th><th>变化</th></tr>{rows}</table>'
            )
        else:
            parts.append('<p class="hint">各项覆盖指标没有变化。</p>')
        lines = list(listed(changed))
        if lines:
            items = "".join(
                f'<li class="{kind.value}"><span class="what">{html.escape(section)}</span> {html.escape(text)}</li>'
                for section, kind, text in lines[:CHANGES_LISTED]
            )
            more = f'<p class="hint">另有 {len(lines) - CHANGES_LISTED:,} 项未列出。</p>' if len(lines) > CHANGES_LISTED else ""
            parts.append(f'<ol class="changes-list">{items}</ol>{more}')
        else:
            parts.append('<p class="hint">期间没有新设、撤销、调整、签约、任免或报到。</p>')
    if trend is not None and trend.months:
        head = f"<h2>趋势 ({trend.months[0]} 至 {trend.months[-1]}, 每月末)</h2>"
        rows = "".join(
            f'<tr><th>{html.escape(s.label)}</th><td>{_sparkline(s.points)}</td><td class="value">{_figure_text(s.points[-1])}</td></tr>'
            for s in trend.series
        )
        parts.append(f'{head}<table class="trends">{rows}</table>')
    parts.append("</section>")
    return "".join(parts)


def _figure_text(figure: Figure) -> str:
    if figure.rate is None:
        return f"{figure.numerator:,}" if figure.denominator == 0 else f"{figure.numerator:,}/{figure.denominator:,}"
    return f"{figure.rate:.1%} ({figure.numerator:,}/{figure.denominator:,})"


def _gain(change: FigureChange) -> float:
    return change.rate_change if change.rate_change is not None else change.numerator_change


def _difference(change: FigureChange) -> str:
    if change.rate_change is not None:
        return f"{change.rate_change * 100:+.1f} 个百分点"
    return f"{change.numerator_change:+,}"


def _sparkline(points: list[Figure], *, width: int = 120, height: int = 24) -> str:
    """A figure's series as a small SVG line: rates against 0..100% (or more), counts against their largest."""
    values = [p.rate if p.denominator else float(p.numerator) for p in points]
    known = [v for v in values if v is not None]
    if not known:
        return '<svg class="spark none" viewBox="0 0 120 24"></svg>'
    top = max(*known, 1.0)  # a rate against 100% (or more, where more report than are held); a count against its largest
    step = width / max(len(values) - 1, 1)
    coords = [f"{i * step:.1f},{height - 2 - (v / top) * (height - 4):.1f}" for i, v in enumerate(values) if v is not None]
    dots = coords if len(coords) == 1 else coords[-1:]
    circle = "".join(f'<circle cx="{c.split(",")[0]}" cy="{c.split(",")[1]}" r="2"/>' for c in dots)
    return (
        f'<svg class="spark" viewBox="0 0 {width} {height}" width="{width}" height="{height}" role="img">'
        f'<polyline points="{" ".join(coords)}"/>{circle}</svg>'
    )


def _communities_in(cov: Coverage) -> dict[str, list[ChildCoverage]]:
    """The communities ``cov`` itself holds: the scope when it is one, or its breakdown when that is communities."""
    if cov.scope.level is Level.COMMUNITY:
        return {cov.scope.id: [ChildCoverage(scope=cov.scope, figures=cov.figures)]}
    if cov.breakdown and all(c.scope.level is Level.COMMUNITY for c in cov.breakdown):
        return {cov.scope.id: list(cov.breakdown)} | {c.scope.id: [c] for c in cov.breakdown}
    return {}


_STYLE = (
    BASE_STYLE
    + """main { display: grid; grid-template-columns: minmax(0, 3fr) minmax(0, 2fr); gap: 16px; padding: 16px; }
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
summary { grid-template-columns: 11em minmax(40px, 1fr) 3em 5em; cursor: pointer; }
summary .rule { display: none; }
summary .list { grid-column: 4; font-size: 12px; white-space: nowrap; }
details ol { font-size: 12px; margin: 4px 0 8px; padding-left: 2em; max-height: 300px; overflow-y: auto; }
table.members { border-collapse: collapse; font-size: 13px; }
table.members td, table.members th { border: 1px solid #e0e0e0; padding: 3px 10px; text-align: center; }
.short { color: #b71c1c; }
table.moved, table.trends { border-collapse: collapse; font-size: 12px; margin: 4px 0 8px; }
table.moved td, table.moved th, table.trends td, table.trends th { border-bottom: 1px solid #eee; padding: 2px 6px; text-align: right; }
table.moved th:first-child, table.trends th:first-child { text-align: left; font-weight: normal; }
td.up { color: #2e7d32; }
td.down { color: #b71c1c; }
ol.changes-list { font-size: 12px; margin: 4px 0 8px; padding-left: 2em; max-height: 300px; overflow-y: auto; }
ol.changes-list .what { color: #757575; }
svg.spark { display: block; }
svg.spark polyline { fill: none; stroke: #1565c0; stroke-width: 1.5; }
svg.spark circle { fill: #1565c0; }
table.shortfall { border-collapse: collapse; font-size: 12px; margin: 6px 0; }
table.shortfall caption { text-align: left; font-weight: bold; color: #b71c1c; padding: 2px 0; }
table.shortfall td, table.shortfall th { border: 1px solid #e0e0e0; padding: 2px 8px; text-align: right; }
table.shortfall td:first-child, table.shortfall th:first-child { text-align: left; }
button.print { font: inherit; font-size: 13px; padding: 1px 10px; cursor: pointer; }
@media print {
  @page { size: A4 landscape; margin: 12mm; }
  body { background: #fff; }
  nav, .hint, summary .list, button.print { display: none; }
  header { border: none; padding: 0 0 6px; }
  main { display: block; padding: 0; }
  .charts { grid-template-columns: 1fr 1fr; gap: 8px; }
  .chart, table.shortfall, details { break-inside: avoid; }
  .side { break-before: page; border: none; padding: 0; }
  details ol { max-height: none; overflow: visible; }
  a { color: inherit; text-decoration: none; }
  svg.bar rect { print-color-adjust: exact; -webkit-print-color-adjust: exact; }
}
"""
)
