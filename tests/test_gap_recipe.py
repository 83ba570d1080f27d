"""The recipe for a gap rule (docs/recipes/gap-rule.md), followed in a test: a rule declared as the
built-in ones are, which the queries apply once it is in the catalogue they are given.

The rule here, a grid with households but no household head (十联户 with nobody to link them),
stays in this file: the built-in catalogue (graph/gaps/catalogue.py) is neither edited nor changed.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from graph.gaps import CATALOGUE, GapRuleName, count_gaps, find_gaps, gap_rules
from graph.gaps.facts import GapScope
from graph.gaps.rule import Finding, gap_rule, territory_ref
from graph.i18n import N_, _
from graph.memory import MemoryStore
from graph.model import Level, NodeKind
from graph.norms import Norms
from graph.store import GraphStore
from tests.utils.known_network import AS_OF

GRID_WITHOUT_HEAD = GapRuleName.declare("grid_without_household_head")


@gap_rule(
    GRID_WITHOUT_HEAD,
    title=N_("网格无党员联户长"),
    description=N_("有户数却没有党员联户长的网格"),
    node_kind=NodeKind.TERRITORY,
    source="Duyun (十联户); the example of docs/recipes/gap-rule.md",
)
def grid_without_household_head(scope: GapScope, _norms: Norms) -> Iterator[Finding]:
    for grid in scope.of_level(Level.GRID):
        if grid.households and not scope.chain[grid.id].heads:
            yield Finding(
                territory_ref(grid),
                grid.id,
                _("网格 %(name)s 有 %(households)s 户，没有党员联户长", name=grid.name, households=grid.households),
            )


WITH_IT = CATALOGUE.adding(grid_without_household_head)


def test_the_new_rule_lists_each_grid_with_households_and_no_head_with_its_path(known: GraphStore) -> None:
    page = find_gaps(known, "d", rules=["grid_without_household_head"], as_of=AS_OF, catalogue=WITH_IT)
    assert page.rules == [GRID_WITHOUT_HEAD]
    assert [(g.rule, g.node.id) for g in page.items] == [(GRID_WITHOUT_HEAD, "g121"), (GRID_WITHOUT_HEAD, "g411")]
    assert page.items[0].path_text == "东湖街道 › 幸福社区 › 锦绣园 › 锦绣园第1网格"
    assert page.items[0].reason == "网格 锦绣园第1网格 有 50 户，没有党员联户长"


def test_counts_take_the_new_rule_after_the_built_in_ones_and_streets_add_up(known: GraphStore) -> None:
    district = count_gaps(known, "d", as_of=AS_OF, catalogue=WITH_IT)
    assert list(district.by_rule) == [*GapRuleName, GRID_WITHOUT_HEAD]
    assert district.by_rule[GRID_WITHOUT_HEAD] == 2
    assert district.total == count_gaps(known, "d", as_of=AS_OF).total + 2
    assert [count_gaps(known, s, as_of=AS_OF, catalogue=WITH_IT).by_rule[GRID_WITHOUT_HEAD] for s in ("s1", "s2")] == [1, 1]
    listed = find_gaps(known, "d", as_of=AS_OF, catalogue=WITH_IT).items
    assert [g.node.id for g in listed[-2:]] == ["g121", "g411"], "listed last, in catalogue order"


def test_the_catalogue_shows_the_rule_only_where_it_was_added() -> None:
    assert gap_rules(WITH_IT)[-1].title == "网格无党员联户长"
    assert [r.name for r in gap_rules()] == list(GapRuleName), "the built-in catalogue is as it was"
    with pytest.raises(ValueError, match="没有短板规则 grid_without_household_head"):  # asked before the store is read
        find_gaps(MemoryStore(), "d", rules=["grid_without_household_head"])


def test_a_rule_must_read_real_norms_have_a_name_of_its_own_and_be_catalogued_once() -> None:
    with pytest.raises(ValueError, match=r"heads_per_grid.*committee_threshold"):
        gap_rule(GRID_WITHOUT_HEAD, title="t", description="d", node_kind=NodeKind.TERRITORY, source="s", norms=("heads_per_grid",))
    with pytest.raises(ValueError, match="built-in"):
        GapRuleName.declare("grid_without_group")
    with pytest.raises(ValueError, match="two gap rules are named grid_without_household_head"):
        WITH_IT.adding(grid_without_household_head)
