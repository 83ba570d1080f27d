"""The gap queries: a scope's gaps under the chosen rules, a page at a time, or counted per rule."""

from __future__ import annotations

from collections.abc import Collection
from datetime import date

from graph.gaps.catalogue import CATALOGUE, Catalogue
from graph.gaps.facts import GapScope
from graph.gaps.models import Gap, GapCount, GapPage, Severity
from graph.gaps.names import GapRuleName
from graph.gaps.rule import Rule
from graph.i18n import _
from graph.norms import Norms
from graph.scope import NodeRef
from graph.store import GraphStore

__all__ = ["count_gaps", "find_gaps"]


def _all_gaps(scope: GapScope, rules: list[Rule], norms: Norms) -> dict[GapRuleName, list[Gap]]:
    return {rule.name: list(rule.gaps(scope, norms)) for rule in rules}


def find_gaps(
    store: GraphStore,
    scope_id: str,
    *,
    rules: Collection[GapRuleName | str] | None = None,
    settings: Norms | None = None,
    as_of: date | None = None,
    limit: int = 100,
    offset: int = 0,
    catalogue: Catalogue = CATALOGUE,
) -> GapPage:
    """A page of the gaps of a scope under the chosen rules (all when None), as things stood on ``as_of`` (default today)."""
    if limit < 0 or offset < 0:
        raise ValueError(_("limit 和 offset 应为 0 或更大"))
    chosen = catalogue.chosen(rules)
    scope = GapScope(store, scope_id, as_of=as_of)
    found = [gap for listed in _all_gaps(scope, chosen, settings or Norms()).values() for gap in listed]
    return GapPage(
        scope=NodeRef.of(scope.root),
        as_of=scope.day,
        rules=[rule.name for rule in chosen],
        items=found[offset : offset + limit],
        total=len(found),
        limit=limit,
        offset=offset,
    )


def count_gaps(
    store: GraphStore,
    scope_id: str,
    *,
    rules: Collection[GapRuleName | str] | None = None,
    settings: Norms | None = None,
    as_of: date | None = None,
    catalogue: Catalogue = CATALOGUE,
) -> GapCount:
    """How many gaps a scope has under each chosen rule (all when None), as things stood on ``as_of``."""
    chosen = catalogue.chosen(rules)
    scope = GapScope(store, scope_id, as_of=as_of)
    norms = settings or Norms()
    counts = {rule.name: sum(1 for _ in rule.finds(scope, norms)) for rule in chosen}  # counted, no Gap made
    advice = sum(n for name, n in counts.items() if catalogue[name].meta.severity is Severity.ADVICE)
    return GapCount(scope=NodeRef.of(scope.root), as_of=scope.day, total=sum(counts.values()), by_rule=counts, advice=advice)
