"""The gap list of a scope as a page staff work from (缺口清单): paged, filtered by rule, each row linked to its map.

:func:`render_gap_page` takes one page of :func:`graph.gaps.find_gaps` (through the context, so
the policy has already held it to the principal's territory), the count per rule, and the
catalogue, and returns one self-contained HTML page: inline style, one line of inline script
(the rule filter submits itself; a button does the same without script), no CDN. Every link
is a relative URL of the same service: paging and the filter keep the scope and the day, each
row opens the map of the territory the gap sits in and the node's chain.
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from datetime import date
from urllib.parse import urlencode

from graph.gaps import Gap, GapCount, GapPage, GapRule
from visualizations.page_head import BASE_STYLE, page_head

__all__ = ["PAGE_SIZE", "GapPageLinks", "render_gap_page"]

PAGE_SIZE = 50
"""Gaps a page lists unless asked for another number."""


@dataclass(frozen=True)
class GapPageLinks:
    """Where a gap page links, as templates with ``{id}``: the page itself, the map, the node's chain, the dashboard."""

    page: str = "/gaps"
    map: str = "/map?scope={id}"
    chain: str = "/nodes/{id}/chain"
    dashboard: str = "/dashboard?scope={id}"


def _here(links: GapPageLinks, *, scope: str, day: date, rule: str | None, limit: int, offset: int) -> str:
    """The URL of a page of this list: the same scope and day, another rule or offset."""
    query = {"scope": scope, "as_of": day.isoformat()} | ({"rule": rule} if rule else {})
    if limit != PAGE_SIZE:
        query["limit"] = str(limit)
    if offset:
        query["offset"] = str(offset)
    return f"{links.page}?{urlencode(query)}"


def _nearest_territory(gap: Gap) -> str:
    """The territory a gap sits in: the last of its path (the node itself when it is a territory)."""
    return gap.path[-1].id if gap.path else gap.node.id


def _row(number: int, gap: Gap, titles: dict[str, str], links: GapPageLinks, day: date) -> str:
    territory = _nearest_territory(gap)
    map_href = links.map.format(id=territory) + f"&as_of={day.isoformat()}"
    chain_href = links.chain.format(id=gap.node.id)
    return (
        f'<tr data-rule="{html.escape(gap.rule.value)}" data-node="{html.escape(gap.node.id)}">'
        f'<td class="n">{number:,}</td>'
        f'<td class="rule">{html.escape(titles.get(gap.rule.value, gap.rule.value))}</td>'
        f'<td class="path">{html.escape(gap.path_text)}</td>'
        f'<td class="reason">{html.escape(gap.reason)}</td>'
        f'<td class="go"><a class="map" href="{html.escape(map_href)}">地图 ›</a> '
        f'<a class="chain" href="{html.escape(chain_href)}" title="{html.escape(gap.node.id)}">链条 ›</a></td></tr>'
    )


def render_gap_page(page: GapPage, counts: GapCount, *, rules: list[GapRule], rule: str | None, links: GapPageLinks | None = None) -> str:
    """One page of a scope's gaps, the rule filter above it (each rule with its count), paging links below."""
    links = links or GapPageLinks()
    scope, day, limit, offset = page.scope, page.as_of, page.limit, page.offset
    titles = {r.name.value: r.title for r in rules}
    options = [f'<option value=""{"" if rule else " selected"}>全部规则 ({counts.total:,})</option>']
    for r in rules:
        n = counts.by_rule.get(r.name, 0)
        chosen = " selected" if r.name.value == rule else ""
        options.append(f'<option value="{html.escape(r.name.value)}" data-count="{n}"{chosen}>{html.escape(r.title)} ({n:,})</option>')
    hidden = f'<input type="hidden" name="scope" value="{html.escape(scope.id)}"><input type="hidden" name="as_of" value="{day}">'
    if limit != PAGE_SIZE:
        hidden += f'<input type="hidden" name="limit" value="{limit}">'
    form = (
        f'<form class="filter" method="get" action="{html.escape(links.page)}">{hidden}'
        f'<label for="rule">按规则筛选</label> <select id="rule" name="rule" onchange="this.form.submit()">{"".join(options)}</select> '
        '<button type="submit">筛选</button></form>'
    )
    rows = "".join(_row(offset + i + 1, gap, titles, links, day) for i, gap in enumerate(page.items))
    if not rows:
        rows = '<tr><td colspan="5" class="empty">没有缺口。</td></tr>'
    first, last = (offset + 1, offset + len(page.items)) if page.items else (0, 0)
    pages = max(1, -(-page.total // limit))
    at = offset // limit + 1

    def to(start: int) -> str:
        return html.escape(_here(links, scope=scope.id, day=day, rule=rule, limit=limit, offset=start))

    previous = (
        f'<a class="previous" href="{to(max(0, offset - limit))}">‹ 上一页</a>'
        if offset > 0
        else '<span class="previous off">‹ 上一页</span>'
    )
    following = (
        f'<a class="next" href="{to(offset + limit)}">下一页 ›</a>'
        if offset + limit < page.total
        else '<span class="next off">下一页 ›</span>'
    )
    where = f"第 {at:,} / {pages:,} 页 · 第 {first:,}–{last:,} 条, 共 {page.total:,} 条"
    paging = f'<p class="paging">{previous} <span class="where">{where}</span> {following}</p>'
    shown = titles.get(rule, rule) if rule else "全部规则"
    title = f"{scope.name} 缺口清单"
    nav = (
        f'<a href="{html.escape(links.dashboard.format(id=scope.id))}">‹ 覆盖率看板</a> '
        f'<a href="{html.escape(links.map.format(id=scope.id))}">组织网络图 ›</a>'
    )
    return (
        page_head(title, style=_STYLE)
        + f"""\
<p class="meta">截至 {day} · {html.escape(shown)} · 共 {page.total:,} 条</p>
<nav>{nav}</nav>{form}</header>
<main>
{paging}
<table class="gaps" data-total="{page.total}" data-offset="{offset}">
<thead><tr><th>序号</th><th>规则</th><th>位置 (链条路径)</th><th>原因</th><th>查看</th></tr></thead>
<tbody>{rows}</tbody></table>
{paging}
</main>
</body></html>
"""
    )


_STYLE = (
    BASE_STYLE
    + """form.filter { margin: 8px 0 0; font-size: 14px; }
form.filter select, form.filter button { font: inherit; font-size: 14px; padding: 2px 6px; }
main { padding: 8px 16px 16px; }
.paging { font-size: 14px; margin: 8px 0; display: flex; gap: 16px; align-items: center; }
.paging .off { color: #bdbdbd; }
.paging .where { color: #616161; font-variant-numeric: tabular-nums; }
table.gaps { border-collapse: collapse; width: 100%; background: #fff; font-size: 13px; }
table.gaps th { background: #f5f5f5; text-align: left; position: sticky; top: 0; }
table.gaps th, table.gaps td { border: 1px solid #e0e0e0; padding: 4px 8px; vertical-align: top; }
td.n { text-align: right; color: #757575; font-variant-numeric: tabular-nums; width: 4em; }
td.rule { white-space: nowrap; color: #b71c1c; }
td.path { font-weight: bold; }
td.go { white-space: nowrap; }
td.go a { margin-right: 8px; }
td.empty { text-align: center; color: #757575; padding: 24px; }
@media print {
  nav, form.filter, .paging, td.go, th:last-child { display: none; }
  body { background: #fff; }
  tr { break-inside: avoid; }
}
"""
)
