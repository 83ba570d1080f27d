"""Partner suggestions of a community or a unit as a page (双向点单): each suggested partner with the items that met and why.

:func:`render_suggestions_page` takes the answer of the context (already held to the principal's
territory and redacted) and returns one self-contained HTML page, Chinese like the gap list:
inline style, no script, no CDN; each partner links to its own suggestions and the map.
"""

from __future__ import annotations

import html
from dataclasses import dataclass

from graph.model import NodeKind
from graph.suggestions import CommunitySuggestion, ItemMatch, Reach, Suggestions, UnitSuggestion
from visualizations.page_head import BASE_STYLE, page_head

__all__ = ["SuggestionLinks", "render_suggestions_page"]

_REACH = {Reach.STREET: "本街道", Reach.DISTRICT: "本区其他街道"}


@dataclass(frozen=True)
class SuggestionLinks:
    """Where the page links, as templates with ``{id}``: another party's suggestions, the map, a node's chain."""

    page: str = "/suggestions?scope={id}"
    map: str = "/map?scope={id}"
    chain: str = "/nodes/{id}/chain"


def _why(match: ItemMatch) -> str:
    words = "、".join(
        f'<span class="synonym" title="近义词">{html.escape(w.need_word)} ≈ {html.escape(w.resource_word)}</span>'
        if w.synonym
        else f'<span class="same">{html.escape(w.need_word)}</span>'
        for w in match.shared
    )
    need_from = "社区需求清单" if match.need_from.kind is NodeKind.TERRITORY else f"共建协议 {match.need_from.id}"
    resource_from = "单位资源清单" if match.resource_from.kind is NodeKind.UNIT else f"共建协议 {match.resource_from.id}"
    return (
        f'<li data-need="{html.escape(match.need)}" data-resource="{html.escape(match.resource)}">'
        f'需求「{html.escape(match.need)}」<span class="from">（{html.escape(need_from)}）</span> ← '
        f'资源「{html.escape(match.resource)}」<span class="from">（{html.escape(resource_from)}）</span>'
        f'：{words} <span class="score">{match.score:.0%}</span></li>'
    )


def _row(number: int, party: tuple[str, str, str], s: UnitSuggestion | CommunitySuggestion, links: SuggestionLinks) -> str:
    party_id, name, where = party
    reach, score, matches = s.reach, s.score, s.matches
    return (
        f'<tr data-id="{html.escape(party_id)}" data-reach="{reach.value}">'
        f'<td class="n">{number}</td>'
        f'<td class="party"><a href="{html.escape(links.page.format(id=party_id))}">{html.escape(name)}</a>'
        f'<div class="where">{html.escape(where)}</div></td>'
        f'<td class="reach">{_REACH[reach]}</td><td class="score">{score:.0%}</td>'
        f'<td class="why"><ul>{"".join(_why(m) for m in matches)}</ul></td></tr>'
    )


def render_suggestions_page(found: Suggestions, *, links: SuggestionLinks | None = None) -> str:
    """The partners suggested for one community (units) or one unit (communities), nearest and best first."""
    links = links or SuggestionLinks()
    of = found.of
    is_unit = of.kind is NodeKind.UNIT
    rows: list[str] = []
    for i, u in enumerate(found.units, start=1):
        rows.append(_row(i, (u.unit.id, u.unit.name, f"{u.community.name if u.community else '其他街道'} · {u.unit.id}"), u, links))
    for i, c in enumerate(found.communities, start=1):
        rows.append(_row(i, (c.community.id, c.community.name, c.community.id), c, links))
    count = len(rows)
    if not rows:
        rows = ['<tr><td colspan="5" class="empty">没有可推荐的对象。</td></tr>']
    listed = "资源清单" if is_unit else "需求清单"
    items = "".join(f"<li>{html.escape(item)}</li>" for item in found.items) or "<li class='none'>（无）</li>"
    title = f"{of.name} 双向点单"
    heading = "需要它资源的社区" if is_unit else "能满足需求的驻区单位（无在执行的共建协议）"
    nav = f'<a href="{html.escape(links.map.format(id=of.id))}">组织网络图 ›</a>' if not is_unit else ""
    return (
        page_head(title, style=_STYLE)
        + f"""\
<p class="meta">截至 {found.as_of} · {count} 个推荐 · 本街道在前，按匹配度排序</p>
<nav>{nav}</nav></header>
<main>
<section class="items"><h2>{listed}</h2><ul>{items}</ul></section>
<h2>{heading}</h2>
<table class="suggestions" data-of="{html.escape(of.id)}" data-total="{count}">
<thead><tr><th>序号</th><th>{"社区" if is_unit else "单位"}</th><th>范围</th><th>匹配度</th>
<th>匹配的条目（共同的词；≈ 为近义词）</th></tr></thead>
<tbody>{"".join(rows)}</tbody></table>
</main>
</body></html>
"""
    )


_STYLE = (
    BASE_STYLE
    + """main { padding: 8px 16px 16px; }
section.items ul { display: flex; flex-wrap: wrap; gap: 6px; list-style: none; padding: 0; }
section.items li { background: #fff3e0; border: 1px solid #ffcc80; border-radius: 3px; padding: 2px 8px; font-size: 13px; }
table.suggestions { border-collapse: collapse; width: 100%; background: #fff; font-size: 13px; }
table.suggestions th { background: #f5f5f5; text-align: left; }
table.suggestions th, table.suggestions td { border: 1px solid #e0e0e0; padding: 4px 8px; vertical-align: top; }
td.n { text-align: right; color: #757575; width: 3em; }
td.party a { font-weight: bold; }
td.party .where, .from { color: #757575; font-size: 12px; }
td.score, span.score { font-variant-numeric: tabular-nums; }
td.why ul { margin: 0; padding-left: 1.2em; }
span.synonym { color: #1565c0; }
span.same { color: #2e7d32; }
td.empty { text-align: center; color: #757575; padding: 24px; }
"""
)
