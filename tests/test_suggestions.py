"""Partner suggestions (双向点单) on a district whose matches and near-misses are known by construction, on every store."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from graph.errors import UnknownNode, WrongKind
from graph.generator import NetworkSpec, generate
from graph.meaning import STOP_WORDS, Thesaurus, compare, shipped_groups
from graph.memory import MemoryStore
from graph.model import Batch, Level, Territory, Unit
from graph.scope import display_name
from graph.store import GraphStore
from graph.suggestions import Market, Reach, community_suggestions, unit_suggestions
from service.context import Context, Forbidden
from service.principal import AccessRole, Principal
from service.synonyms import SynonymBook
from tests.utils.partners_network import AS_OF, C1_MATCHES, C1_NEAR_MISSES, STAFF_GROUP, partners_network

SHIPPED = Thesaurus.of(shipped_groups())


@pytest.fixture
def planted(store: GraphStore) -> GraphStore:
    for batch in partners_network():
        store.write(batch)
    return store


def test_every_planted_match_is_suggested_with_the_needs_it_meets_and_no_near_miss(planted: GraphStore) -> None:
    found = community_suggestions(planted, "c1", as_of=AS_OF, thesaurus=SHIPPED)
    suggested = {s.unit.id: {m.need for m in s.matches} for s in found.units}
    assert suggested == C1_MATCHES
    assert not C1_NEAR_MISSES & set(suggested)


def test_the_street_comes_before_the_district_whatever_the_score(planted: GraphStore) -> None:
    found = community_suggestions(planted, "c1", as_of=AS_OF, thesaurus=SHIPPED).units
    assert [(s.unit.id, s.reach) for s in found] == [("u-syn", Reach.STREET), ("u-seg", Reach.DISTRICT), ("u-exp", Reach.DISTRICT)]
    assert found[1].score > found[0].score  # u-seg meets two needs, u-syn one: the street still comes first
    assert [s.community.id for s in found if s.community] == ["c2", "c3", "c3"]


def test_a_synonym_only_match_says_which_words_the_synonym_list_joined(planted: GraphStore) -> None:
    (syn,) = [s for s in community_suggestions(planted, "c1", as_of=AS_OF, thesaurus=SHIPPED).units if s.unit.id == "u-syn"]
    (match,) = syn.matches
    assert (match.need, match.resource, match.need_from.id, match.resource_from.id) == ("为老服务", "居家养老", "c1", "u-syn")
    assert [(w.concept, w.need_word, w.resource_word, w.synonym) for w in match.shared] == [("养老服务", "为老服务", "居家养老", True)]
    assert match.score == 1.0


def test_a_segmented_match_names_the_words_both_items_share(planted: GraphStore) -> None:
    (seg,) = [s for s in community_suggestions(planted, "c1", as_of=AS_OF, thesaurus=SHIPPED).units if s.unit.id == "u-seg"]
    (match,) = [m for m in seg.matches if m.need == "青少年心理辅导"]
    assert match.resource == "心理辅导讲座"
    assert {w.need_word for w in match.shared} == {"心理", "辅导"} and not any(w.synonym for w in match.shared)
    assert match.score == pytest.approx(2 / 3, abs=0.001)


def test_an_expired_agreement_lists_needs_and_resources_and_no_longer_holds_the_unit_back(planted: GraphStore) -> None:
    (exp,) = [s for s in community_suggestions(planted, "c1", as_of=AS_OF, thesaurus=SHIPPED).units if s.unit.id == "u-exp"]
    assert [(m.need, m.resource, m.need_from.id, m.resource_from.id) for m in exp.matches] == [
        ("四点半课堂", "课后托管", "ag-expired", "ag-expired")
    ]
    before = community_suggestions(planted, "c1", as_of=AS_OF.replace(year=2024), thesaurus=SHIPPED)
    assert "u-exp" not in {s.unit.id for s in before.units}  # still in force then


def test_items_sharing_only_a_stop_word_do_not_match() -> None:
    need, resource = SHIPPED.words("文艺演出服务"), SHIPPED.words("理发服务")
    shared = {w.concept for w in need} & {w.concept for w in resource}
    assert shared == {"服务"} and shared <= STOP_WORDS  # the near-miss is what it says
    assert compare(need, resource) == (0.0, [])


def test_a_synonym_of_another_group_does_not_match() -> None:
    assert compare(SHIPPED.words("为老服务"), SHIPPED.words("义诊"))[0] == 0.0
    assert compare(SHIPPED.words("为老服务"), SHIPPED.words("日间照料"))[0] == 1.0


def test_full_width_forms_are_folded_before_matching() -> None:
    assert SHIPPED.words("ＡＢＣ为老服务") == SHIPPED.words("abc为老服务")


def test_a_unit_is_shown_the_communities_that_need_what_it_offers_its_street_first(planted: GraphStore) -> None:
    found = unit_suggestions(planted, "u-syn", as_of=AS_OF, thesaurus=SHIPPED)
    assert found.items == ["居家养老"]
    assert [(c.community.id, c.reach) for c in found.communities] == [("c2", Reach.STREET), ("c1", Reach.STREET), ("c3", Reach.DISTRICT)]
    assert unit_suggestions(planted, "u-agr", as_of=AS_OF, thesaurus=SHIPPED).communities[0].community.id != "c1"  # its partner


def test_the_unit_beyond_the_district_and_the_near_misses_see_nothing_of_c1(planted: GraphStore) -> None:
    for unit in sorted(C1_NEAR_MISSES):
        found = unit_suggestions(planted, unit, as_of=AS_OF, thesaurus=SHIPPED)
        assert "c1" not in {c.community.id for c in found.communities}, unit


def test_only_a_community_or_a_unit_gets_suggestions(planted: GraphStore) -> None:
    with pytest.raises(WrongKind):
        community_suggestions(planted, "s1", as_of=AS_OF, thesaurus=SHIPPED)
    with pytest.raises(WrongKind):
        unit_suggestions(planted, "c1", as_of=AS_OF, thesaurus=SHIPPED)
    with pytest.raises(UnknownNode):
        community_suggestions(planted, "nowhere", as_of=AS_OF, thesaurus=SHIPPED)


def _context(store: GraphStore, book: SynonymBook, *, role: AccessRole = AccessRole.EDITOR, scope: str | None = None) -> Context:
    principal = Principal(role=role, scope=scope, key_id=f"k-{scope}", name=f"{role.value} {scope}")
    return Context(store, principal, synonyms=book, day=AS_OF)


def test_staff_synonyms_join_what_the_shipped_list_does_not_and_the_change_is_audited(planted: GraphStore, tmp_path: Path) -> None:
    book = SynonymBook(tmp_path / "synonyms.txt")
    ctx = _context(planted, book)
    assert "u-staff" not in {s.unit.id for s in ctx.community_suggestions("c2").units}
    assert ctx.set_synonyms([STAFF_GROUP]) == [tuple(STAFF_GROUP)]
    assert book.staff() == [tuple(STAFF_GROUP)]
    (staff,) = [s for s in ctx.community_suggestions("c2").units if s.unit.id == "u-staff"]
    assert [(w.need_word, w.resource_word, w.synonym) for w in staff.matches[0].shared] == [("助老", "银发关爱", True)]
    (entry,) = [r for r in planted.imports(5) if r.file == "synonyms: 0 -> 1 groups"]
    assert entry.actor == ctx.actor


def test_a_bad_group_is_refused_whole_and_nothing_is_written(planted: GraphStore, tmp_path: Path) -> None:
    book = SynonymBook(tmp_path / "synonyms.txt")
    ctx = _context(planted, book)
    with pytest.raises(ValueError, match="第 2 组"):
        ctx.set_synonyms([STAFF_GROUP, ["独词"]])
    assert not book.path or not book.path.exists()


def test_viewers_and_street_editors_may_not_change_the_district_wide_list(planted: GraphStore, tmp_path: Path) -> None:
    book = SynonymBook(tmp_path / "synonyms.txt")
    for ctx in (_context(planted, book, role=AccessRole.VIEWER), _context(planted, book, scope="s1")):
        with pytest.raises(Forbidden):
            ctx.set_synonyms([STAFF_GROUP])
    assert book.staff() == []


def test_a_street_key_sees_its_own_communities_suggestions_and_the_district_units_without_their_community(
    planted: GraphStore, tmp_path: Path
) -> None:
    s1 = _context(planted, SynonymBook(None), role=AccessRole.VIEWER, scope="s1")
    found = s1.community_suggestions("c1").units
    assert {s.unit.id for s in found} == set(C1_MATCHES)
    assert [s.community.id if s.community else None for s in found] == ["c2", None, None]  # c3 is s2's
    assert [c.community.id for c in s1.unit_suggestions("u-syn").communities] == ["c2", "c1"]  # c3 left out
    s2 = _context(planted, SynonymBook(None), role=AccessRole.VIEWER, scope="s2")
    with pytest.raises(UnknownNode):
        s2.community_suggestions("c1")
    assert display_name(planted.node("c1")) not in s2.community_suggestions("c3").model_dump_json()


def test_the_page_lists_every_suggestion_with_its_explanation(planted: GraphStore) -> None:
    page = _context(planted, SynonymBook(None), role=AccessRole.VIEWER).suggestions_page("c1")
    assert page.count('<tr data-id="') == len(C1_MATCHES)
    assert page.index('data-id="u-syn"') < page.index('data-id="u-seg"') < page.index('data-id="u-exp"')
    assert "为老服务 ≈ 居家养老" in page and "双向点单" in page and 'data-reach="district"' in page
    for unit in C1_NEAR_MISSES:
        assert f'data-id="{unit}"' not in page


def _without_lists(batches: list[Batch]) -> list[str]:
    out = []
    for batch in batches:
        for node in batch.nodes:
            out.append(
                node.model_copy(update={"needs": (), "resources": ()} if isinstance(node, Territory | Unit) else {}).model_dump_json()
            )
        out += [edge.model_dump_json() for edge in batch.edges]
    return out


def test_the_generator_draws_lists_from_a_stream_of_its_own_and_leaves_the_rest_of_the_network_as_it_was() -> None:
    spec = NetworkSpec(households=30_000, seed=5)
    with_lists, without = list(generate(spec)), list(generate(replace(spec, lists=0.0)))
    assert _without_lists(with_lists) == _without_lists(without)
    nodes = [n for b in without for n in b.nodes]
    assert not any((isinstance(n, Territory) and n.needs) or (isinstance(n, Unit) and n.resources) for n in nodes)
    communities = [n for b in with_lists for n in b.nodes if isinstance(n, Territory) and n.level is Level.COMMUNITY]
    assert sum(1 for c in communities if c.needs) > 0


def test_a_generated_district_has_suggestions_for_the_communities_keeping_a_needs_list() -> None:
    store = MemoryStore()
    for batch in generate(NetworkSpec(households=8_000, seed=5)):
        store.write(batch)
    market = Market(store, "d", thesaurus=SHIPPED)
    with_needs = [c for c in market.needs if market.needs[c].items]
    answered = [market.for_community(store.node(c)) for c in with_needs]  # type: ignore[arg-type]
    assert with_needs and all(a.units for a in answered)
    assert any(w.synonym for a in answered for s in a.units for m in s.matches for w in m.shared)


def test_traditional_characters_meet_simplified_ones() -> None:
    assert compare(SHIPPED.words("爲老服務"), SHIPPED.words("居家养老"))[0] == 1.0  # Fuzhou's article is written in them
