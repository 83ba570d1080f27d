"""Coverage, gaps, committees, navigation and agreements: the same answers from every store.

The known network (tests/utils/known_network.py) fixes every answer by construction; the
generated network checks that the answers agree with each other (counts with listings,
a street with the sum of its communities, coverage with the gaps it implies).
"""

from __future__ import annotations

from collections import Counter
from datetime import date

import pytest

from graph.agreements import AgreementStatus, agreements
from graph.committees import big_committee, street_committee, unit_committees
from graph.coverage import Coverage, CoverageFigures, coverage
from graph.errors import UnknownNode, WrongKind
from graph.gaps import GapRuleName, count_gaps, find_gaps, gap_rules
from graph.gaps.models import Severity
from graph.generator import NetworkSpec, generate
from graph.model import Level, MemberCategory, NodeKind
from graph.navigation import node_view, partners, search
from graph.norms import Norms
from graph.store import GraphStore
from tests.utils.known_network import AS_OF, COVERAGE, GAPS, GAPS_BY_STREET, MEMBERS, REDRAWING, ROLL, STAFF, UNIT_MEMBERS, UPGRADED


def _ids(gaps_page_items: list) -> list[str]:  # type: ignore[type-arg]
    return sorted(g.node.id for g in gaps_page_items)


def _pairs(figures: CoverageFigures) -> dict[str, tuple[int, int]]:
    return {name: (getattr(figures, name).numerator, getattr(figures, name).denominator) for name in COVERAGE["d"]}


# -- coverage -----------------------------------------------------------------------------------


@pytest.mark.parametrize("scope", sorted(COVERAGE))
def test_coverage_figures_are_the_ones_built_into_the_network(known: GraphStore, scope: str) -> None:
    figures = coverage(known, scope, as_of=AS_OF).figures
    assert _pairs(figures) == COVERAGE[scope]
    assert figures.households_linked.rate == pytest.approx(
        COVERAGE[scope]["households_linked"][0] / COVERAGE[scope]["households_linked"][1]
    )


def test_a_figure_with_nothing_to_cover_has_no_rate(known: GraphStore) -> None:
    figures = coverage(known, "s2", as_of=AS_OF).figures
    assert figures.property_companies_with_organisation.rate is None
    assert figures.units_in_agreements.rate == 1 / 3  # u6 signed ag4; the hospital u8 and the park u12 signed nothing
    assert figures.two_new_with_organisation.rate == 0.0  # the park u12 has no organisation


@pytest.mark.parametrize("scope", sorted(STAFF))
def test_staff_are_counted_against_the_households_of_the_communities(known: GraphStore, scope: str) -> None:
    staff = coverage(known, scope, as_of=AS_OF).figures.staff
    assert staff is not None
    assert (staff.staff, staff.households) == STAFF[scope]
    assert staff.staff_per_norm == pytest.approx(STAFF[scope][0] * 300 / STAFF[scope][1])


def test_below_a_community_there_is_no_staff_figure(known: GraphStore) -> None:
    assert coverage(known, "a11", as_of=AS_OF).figures.staff is None
    assert coverage(known, "g111", as_of=AS_OF).figures.staff is None


@pytest.mark.parametrize("scope", sorted(MEMBERS))
def test_members_are_counted_once_by_category(known: GraphStore, scope: str) -> None:
    by_category = coverage(known, scope, as_of=AS_OF).figures.members_by_category
    assert by_category == {category: MEMBERS[scope].get(category, 0) for category in MemberCategory}


@pytest.mark.parametrize("scope", sorted(UNIT_MEMBERS))
def test_the_units_roll_is_counted_apart_and_the_total_is_both(known: GraphStore, scope: str) -> None:
    figures = coverage(known, scope, as_of=AS_OF).figures
    assert figures.unit_members_by_category == {category: UNIT_MEMBERS[scope].get(category, 0) for category in MemberCategory}
    assert figures.members_on_roll == sum(MEMBERS[scope].values()) + sum(UNIT_MEMBERS[scope].values())


@pytest.mark.parametrize("scope", sorted(ROLL))
def test_reports_leaders_and_household_heads_are_the_ones_built_into_the_network(known: GraphStore, scope: str) -> None:
    figures = coverage(known, scope, as_of=AS_OF).figures
    assert {name: (getattr(figures, name).numerator, getattr(figures, name).denominator) for name in ROLL[scope]} == ROLL[scope]
    assert figures.buildings_with_leader.numerator == 0  # b1111 and b1112 have no 楼栋长 serving them


def test_the_breakdown_lists_each_territory_one_level_down_with_its_own_figures(known: GraphStore) -> None:
    answer = coverage(known, "d", as_of=AS_OF)
    assert [c.scope.id for c in answer.breakdown] == ["s1", "s2"]  # by name: 东湖 before 西湖
    assert {c.scope.id: _pairs(c.figures) for c in answer.breakdown} == {"s1": COVERAGE["s1"], "s2": COVERAGE["s2"]}
    assert {c.scope.id for c in coverage(known, "c1", as_of=AS_OF).breakdown} == {"a11", "a12"}
    assert [c.scope.id for c in coverage(known, "g111", as_of=AS_OF).breakdown] == ["b1111", "b1112"]  # its buildings
    assert coverage(known, "g112", as_of=AS_OF).breakdown == []


def test_an_organisation_of_the_chain_stands_for_the_territory_it_covers(known: GraphStore) -> None:
    by_org, by_territory = coverage(known, "o-s1", as_of=AS_OF), coverage(known, "s1", as_of=AS_OF)
    assert by_org == by_territory
    assert by_org.scope.id == "s1" and by_org.path == "东湖街道"


def test_coverage_as_of_a_past_day_follows_the_terms_of_edges(known: GraphStore) -> None:
    then = coverage(known, "d", as_of=date(2024, 6, 1)).figures
    # o-g112 covers g112 from 2025-09-01; g411 lay in c0 then, and g2x was there
    assert (then.grids_with_group.numerator, then.grids_with_group.denominator) == (4, 7)
    assert (then.units_in_agreements.numerator, then.units_in_agreements.denominator) == (2, 14)  # ag0 for u1, ag3 for u5


def test_a_scope_that_does_not_exist_is_unknown(known: GraphStore) -> None:
    with pytest.raises(UnknownNode):
        coverage(known, "nowhere")
    with pytest.raises(UnknownNode):
        count_gaps(known, "nowhere")


@pytest.mark.parametrize("node_id", ["u1", "h1111", "o-u1", "ag1", "seat1", "al1"])
def test_a_scope_that_is_neither_a_territory_nor_a_chain_organisation_is_the_wrong_kind(known: GraphStore, node_id: str) -> None:
    with pytest.raises(WrongKind, match=node_id):
        coverage(known, node_id)
    with pytest.raises(WrongKind):
        find_gaps(known, node_id)


# -- gaps ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("rule", sorted(GAPS))
def test_each_rule_finds_the_nodes_built_to_break_it(known: GraphStore, rule: str) -> None:
    page = find_gaps(known, "d", rules=[rule], as_of=AS_OF)
    assert _ids(page.items) == sorted(GAPS[rule])
    assert {g.rule for g in page.items} <= {GapRuleName(rule)}


def test_the_catalogue_names_every_rule_the_network_was_built_for() -> None:
    assert {r.name.value for r in gap_rules()} == set(GAPS)


@pytest.mark.parametrize("scope", ["d", "s1", "s2", "o-s2"])
def test_gap_counts_per_rule_without_a_listing(known: GraphStore, scope: str) -> None:
    expected = GAPS if scope == "d" else GAPS_BY_STREET[scope.removeprefix("o-")]
    counted = count_gaps(known, scope, as_of=AS_OF)
    assert {rule.value: n for rule, n in counted.by_rule.items()} == {rule: len(ids) for rule, ids in expected.items()}
    assert counted.total == sum(len(ids) for ids in expected.values())


def test_the_district_has_56_gaps_and_its_streets_38_and_18(known: GraphStore) -> None:
    # a22: no three parties; g2x: no grid leader; 6 in no 共同体 (the park u12 among them)
    assert [count_gaps(known, s, as_of=AS_OF).total for s in ("d", "s1", "s2")] == [56, 38, 18]


def test_gaps_come_a_page_at_a_time_and_the_pages_make_the_whole(known: GraphStore) -> None:
    whole = find_gaps(known, "d", as_of=AS_OF, limit=100)
    pages = [find_gaps(known, "d", as_of=AS_OF, limit=7, offset=k) for k in range(0, 56, 7)]
    assert [len(p.items) for p in pages] == [7, 7, 7, 7, 7, 7, 7, 7]
    assert {p.total for p in pages} == {56}
    assert [g for p in pages for g in p.items] == whole.items
    order = [g.rule for g in whole.items]
    assert order == sorted(order, key=list(GapRuleName).index), "listed in catalogue order"


def test_a_gap_names_its_chain_path_and_its_reason(known: GraphStore) -> None:
    grid = find_gaps(known, "d", rules=["grid_without_group"], as_of=AS_OF).items
    by_id = {g.node.id: g for g in grid}
    assert by_id["g121"].path_text == "东湖街道 › 幸福社区 › 锦绣园 › 锦绣园第1网格"
    assert [t.id for t in by_id["g121"].path] == ["s1", "c1", "a12", "g121"]
    (head,) = find_gaps(known, "s1", rules=["head_over_norm"], as_of=AS_OF).items
    assert head.path_text == "东湖街道 › 幸福社区 › 春晖苑 › 春晖苑第2网格 › 陈静"
    assert "联系 16 户" in head.reason and "标准约为 10 户" in head.reason
    (unlinked,) = [g for g in find_gaps(known, "c1", rules=["unlinked_households"], as_of=AS_OF).items if g.node.id == "g112"]
    assert "40 户中的 31 户" in unlinked.reason
    (hanging,) = [g for g in find_gaps(known, "s2", rules=["hanging_organisation"], as_of=AS_OF).items]
    assert hanging.node.id == "o-a31" and "没有上级党组织（挂空挡）" in hanging.reason
    assert hanging.path_text == "西湖街道 › 光明社区 › 光明苑 › 光明苑党支部"


def test_a_scope_below_a_gap_does_not_see_it(known: GraphStore) -> None:
    assert count_gaps(known, "a11", as_of=AS_OF).by_rule[GapRuleName.AREA_WITHOUT_BRANCH] == 0
    # unlinked households and no grid leader, the in-service head unreported, head over norm
    assert _ids(find_gaps(known, "a11", as_of=AS_OF).items) == ["g112", "g112", "h1113", "h1122"]


@pytest.mark.parametrize(
    ("settings", "rule", "expected"),
    [
        (Norms(committee_threshold=80), "committee_under_threshold", []),
        (Norms(committee_threshold=130, general_branch_threshold=130), "community_over_threshold_not_committee", []),
        (Norms(committee_threshold=95), "committee_under_threshold", ["o-c2"]),  # o-c1 has 90 but was upgraded
        (Norms(expiring_within_days=30), "agreement_expiring", []),
        (Norms(expiring_within_days=44), "agreement_expiring", ["ag2"]),
        (Norms(head_tolerance=0.6), "head_over_norm", []),
        (Norms(households_per_head=8), "head_over_norm", ["h1121", "h1122"]),  # over 12
        (Norms(households_per_worker=50), "under_staffed", ["c1", "c2"]),
        (Norms(branch_min_members=6), "branch_under_minimum", ["o-a21", "o-u3", "o-u5"]),
    ],
)
def test_a_rule_reads_its_parameters(known: GraphStore, settings: Norms, rule: str, expected: list[str]) -> None:
    assert _ids(find_gaps(known, "d", rules=[rule], settings=settings, as_of=AS_OF).items) == expected


def test_gaps_as_of_another_day(known: GraphStore) -> None:
    later = find_gaps(known, "d", rules=["agreement_expired"], as_of=date(2027, 1, 1))
    assert _ids(later.items) == ["ag2", "ag3"]
    earlier = date(2022, 6, 1)
    assert _ids(find_gaps(known, "d", rules=["committee_without_concurrent_member"], as_of=earlier).items) == [
        "o-c1"
    ]  # seat4 then, seat1 not yet
    # c0, re-drawn away on 2026-01-01, was a community with an organisation and no agreement then
    assert _ids(find_gaps(known, "d", rules=["community_without_agreement"], as_of=earlier).items) == ["c0", "c2", "c3"]


def test_an_unknown_rule_is_refused_by_name(known: GraphStore) -> None:
    with pytest.raises(ValueError, match="no_such_rule"):
        find_gaps(known, "d", rules=["no_such_rule"])


def test_the_catalogue_states_each_parameter_with_the_domain_default() -> None:
    params = {p.name: p.default for rule in gap_rules() for p in rule.parameters}
    assert params["committee_threshold"] == 100
    assert params["branch_min_members"] == 3
    assert params["households_per_head"] == 10
    assert params["households_per_worker"] == 300
    by_name = {r.name: r for r in gap_rules()}
    assert params["staff_per_10000_residents"] == 18  # Fuzhou: 6 → 18 per 10,000 residents
    assert params["general_branch_threshold"] == 50
    assert [p.name for p in by_name[GapRuleName.UNDER_STAFFED].parameters] == ["households_per_worker", "staff_per_10000_residents"]
    assert by_name[GapRuleName.AREA_WITHOUT_BRANCH].parameters == []


# -- big committees -----------------------------------------------------------------------------


def test_a_community_committee_lists_its_concurrent_members_and_the_partners_left_off(known: GraphStore) -> None:
    answer = big_committee(known, "c1", as_of=AS_OF)
    assert answer.organisation is not None and answer.organisation.id == "o-c1" and answer.is_committee
    (seat,) = answer.seats
    assert (seat.seat.id, seat.person, seat.unit and seat.unit.id) == ("seat1", "赵敏", "u1")
    assert seat.unit_organisation is not None and seat.unit_organisation.id == "o-u1"
    assert seat.holder is not None and seat.holder.id == "m1"
    assert (seat.valid_from, seat.valid_to) == (date(2025, 2, 1), date(2030, 1, 31))
    assert [u.id for u in answer.unrepresented_partners] == ["u4"]


def test_a_committee_as_of_a_past_day_has_the_seats_of_that_day(known: GraphStore) -> None:
    assert [s.unit.id for s in big_committee(known, "o-c2", as_of=date(2022, 6, 1)).seats if s.unit] == ["u5"]
    assert big_committee(known, "c2", as_of=AS_OF).seats == []


def test_a_community_led_by_a_branch_has_no_big_committee_but_still_has_partners(known: GraphStore) -> None:
    answer = big_committee(known, "c3", as_of=AS_OF)
    assert not answer.is_committee and answer.seats == []
    assert [u.id for u in answer.unrepresented_partners] == ["u6"]  # signed as a unit, having no organisation


def test_a_street_working_committee_lists_its_member_units(known: GraphStore) -> None:
    (seat,) = street_committee(known, "s2", as_of=AS_OF).seats
    assert seat.unit is not None and seat.unit.id == "u1"
    assert seat.unit_community is not None and seat.unit_community.id == "c1"
    assert [s.unit.id for s in street_committee(known, "o-s2", as_of=date(2023, 6, 1)).seats if s.unit] == ["u6"]
    assert street_committee(known, "s1", as_of=AS_OF).seats == []


def test_a_unit_sits_on_the_committees_its_seats_are_on(known: GraphStore) -> None:
    sits = unit_committees(known, "u1", as_of=AS_OF)
    assert {(s.committee.id, s.territory.id if s.territory else None) for s in sits} == {("o-c1", "c1"), ("o-s2", "s2")}
    assert [s.committee.id for s in unit_committees(known, "u6", as_of=date(2023, 6, 1))] == ["o-s2"]
    assert unit_committees(known, "u6", as_of=AS_OF) == []


def test_committee_questions_refuse_the_wrong_kind_of_node(known: GraphStore) -> None:
    with pytest.raises(WrongKind, match="问的是社区"):
        big_committee(known, "s1")
    with pytest.raises(WrongKind, match="问的是街道"):
        street_committee(known, "c1")
    with pytest.raises(WrongKind, match="不是驻区单位"):
        unit_committees(known, "c1")
    with pytest.raises(UnknownNode):
        unit_committees(known, "u99")


# -- navigation and agreements --------------------------------------------------------------------


def test_a_node_comes_with_its_chain_up_to_the_district(known: GraphStore) -> None:
    view = node_view(known, "g112")
    assert [n.id for n in view.chain] == ["a11", "c1", "s1", "d"]
    assert view.path == "抚东区 › 东湖街道 › 幸福社区 › 春晖苑 › 春晖苑第2网格"
    assert view.organisation is not None and view.organisation.id == "o-g112"
    assert [n.id for n in node_view(known, "h1122").chain] == ["o-g112", "o-a11", "o-c1", "o-s1", "o-d"]
    assert [n.id for n in node_view(known, "u4").chain] == ["c1", "s1", "d"]


def test_navigation_answers_for_the_day_asked_about(known: GraphStore) -> None:
    """o-g112 covers its grid from 2025-09-01: before then the grid had no group, whatever the edge on record."""
    assert node_view(known, "g112", as_of=date(2025, 8, 1)).organisation is None
    assert node_view(known, "g112", as_of=AS_OF).organisation is not None
    assert [p.in_force for p in partners(known, "c1", as_of=date(2026, 7, 16)) if p.agreement.id == "ag2"] == [
        False
    ]  # expired the day before
    assert [p.in_force for p in partners(known, "c1", as_of=AS_OF) if p.agreement.id == "ag2"] == [True]


def test_an_organisation_shows_what_reports_to_it_its_partners_and_alliances(known: GraphStore) -> None:
    view = node_view(known, "o-c1")
    assert {n.id for n in view.children} == {"o-a11", "o-u1", "o-u3", "o-u13"}  # o-u4 reports to its own line
    assert view.covers is not None and view.covers.id == "c1"
    assert [(p.agreement.id, p.unit.id if p.unit else None) for p in view.partners] == [("ag0", "u1"), ("ag1", "u1"), ("ag2", "u4")]
    assert [(a.alliance.id, a.lead) for a in view.alliances] == [("al1", False)]


def test_a_hospital_committee_reports_up_its_own_line_neither_hanging_nor_under_a_community(known: GraphStore) -> None:
    """Heshan's 隶属关系: the 300-member 党委 of 区中医院 reports to 卫健工委, not to 光明社区's 120-member branch."""
    assert {n.id for n in node_view(known, "o-sys-health").children} == {"o-u8"}
    assert "o-u8" not in {n.id for n in node_view(known, "o-c3").children}
    hanging = find_gaps(known, "d", rules=["hanging_organisation"], as_of=AS_OF).items
    assert "o-u8" not in {g.node.id for g in hanging} and "o-u4" not in {g.node.id for g in hanging}
    (unit,) = [u for c in known.chain_facts("c3", day=AS_OF) for u in c.units if u.id == "u8"]
    assert unit.organisation is not None and unit.organisation.parent is not None
    assert (unit.organisation.parent.id, unit.organisation.parent.level) == ("o-sys-health", Level.SYSTEM)


def test_a_territory_shows_its_children_and_the_alliances_of_its_organisation(known: GraphStore) -> None:
    view = node_view(known, "s1")
    assert [n.id for n in view.children] == ["c2", "c1"]  # by name: 和平 before 幸福
    assert [(a.alliance.id, a.lead, a.via.id) for a in view.alliances] == [("al1", True, "o-s1")]
    assert [(p.agreement.id, p.party.id) for p in node_view(known, "u6").partners] == [("ag4", "o-c3")]


def test_search_finds_a_chinese_substring_in_any_named_node(known: GraphStore) -> None:
    found = search(known, "春晖", limit=50)
    assert {h.node.id for h in found.items} == {"a11", "g111", "g112", "o-a11", "o-g111", "o-g112", "u2", "u3", "o-u3"}
    assert found.total == 9 and found.items[0].node.id == "a11"  # a name starting with the text, shortest first
    assert found.items[0].path == "抚东区 › 东湖街道 › 幸福社区 › 春晖苑"
    only = search(known, "春晖", kinds=[NodeKind.TERRITORY])
    assert [h.node.id for h in only.items] == ["a11", "g111", "g112"]
    assert [h.node.id for h in search(known, "春晖", limit=2, offset=1).items] == [h.node.id for h in found.items[1:3]]
    assert search(known, "不存在的名字").total == 0


def test_the_agreements_of_a_scope_say_where_each_stands(known: GraphStore) -> None:
    listed = {a.agreement.id: a for a in agreements(known, "d", as_of=AS_OF)}
    assert {k: a.status for k, a in listed.items()} == {
        "ag0": AgreementStatus.EXPIRED,
        "ag1": AgreementStatus.IN_FORCE,
        "ag2": AgreementStatus.EXPIRING,
        "ag3": AgreementStatus.EXPIRED,
        "ag4": AgreementStatus.IN_FORCE,
    }
    assert listed["ag4"].partner is not None and listed["ag4"].partner.id == "u6" and listed["ag4"].partner_unit is not None
    assert listed["ag2"].partner_unit is not None and listed["ag2"].partner_unit.id == "u4"
    assert sorted(a.agreement.id for a in agreements(known, "s1", status=AgreementStatus.EXPIRED, as_of=AS_OF)) == ["ag0", "ag3"]
    assert [a.agreement.id for a in agreements(known, "c1", as_of=date(2021, 1, 1))] == ["ag0", "ag1", "ag2"]
    assert {a.status for a in agreements(known, "c1", as_of=date(2021, 1, 1))} == {AgreementStatus.NOT_YET}


# -- a generated network: answers that must agree with each other -----------------------------------


@pytest.fixture
def generated(store: GraphStore) -> GraphStore:
    for batch in generate(NetworkSpec(households=6_000, seed=11)):
        store.write(batch)
    return store


def _sum(parts: list[CoverageFigures]) -> dict[str, tuple[int, int]]:
    out: dict[str, tuple[int, int]] = {}
    for name in COVERAGE["d"]:
        out[name] = (sum(getattr(p, name).numerator for p in parts), sum(getattr(p, name).denominator for p in parts))
    return out


_OWN_CENTRES = ("centres_meeting_six_haves", "centres_mostly_for_service")
"""Figures a scope adds to by itself: a street's own service centre is in the street's figures, in none of its communities'."""


def _check_breakdown_adds_up(answer: Coverage) -> None:
    parts = [c.figures for c in answer.breakdown]
    whole, summed = _pairs(answer.figures), _sum(parts)
    assert {k: v for k, v in whole.items() if k not in _OWN_CENTRES} == {k: v for k, v in summed.items() if k not in _OWN_CENTRES}
    assert all(whole[k][1] - summed[k][1] <= 1 and whole[k][0] >= summed[k][0] for k in _OWN_CENTRES)
    members = Counter[MemberCategory]()
    for p in parts:
        members.update(p.members_by_category)
    assert {k: members[k] for k in MemberCategory} == answer.figures.members_by_category
    if answer.figures.staff is not None:
        assert answer.figures.staff.staff == sum(p.staff.staff for p in parts if p.staff)


def test_generated_coverage_of_a_scope_is_the_sum_of_its_breakdown(generated: GraphStore) -> None:
    district = coverage(generated, "d")
    assert district.figures.households_linked.denominator >= 6_000
    _check_breakdown_adds_up(district)
    for street in district.breakdown:
        answer = coverage(generated, street.scope.id)
        assert answer.figures == street.figures
        _check_breakdown_adds_up(answer)


def test_generated_gap_counts_equal_the_listings_and_streets_add_up_to_the_district(generated: GraphStore) -> None:
    district = count_gaps(generated, "d")
    listing = find_gaps(generated, "d", limit=100_000)
    assert district.total == listing.total == len(listing.items)
    assert Counter(g.rule for g in listing.items) == Counter({r: n for r, n in district.by_rule.items() if n})
    streets = [c.scope.id for c in coverage(generated, "d").breakdown]
    per_street = [count_gaps(generated, s) for s in streets]
    for rule in GapRuleName:
        assert district.by_rule[rule] == sum(c.by_rule[rule] for c in per_street), rule
    assert sum(count_gaps(generated, s).by_rule[GapRuleName.AREA_WITHOUT_BRANCH] for s in streets) > 0, "the generator plants gaps"


def test_generated_coverage_and_gaps_tell_the_same_story(generated: GraphStore) -> None:
    figures = coverage(generated, "d").figures
    counts = count_gaps(generated, "d").by_rule

    def missing(name: str) -> int:
        figure = getattr(figures, name)
        return int(figure.denominator - figure.numerator)

    assert counts[GapRuleName.AREA_WITHOUT_BRANCH] == missing("residential_areas_with_branch")
    assert counts[GapRuleName.GRID_WITHOUT_GROUP] == missing("grids_with_group")
    assert counts[GapRuleName.PROPERTY_COMPANY_WITHOUT_ORGANISATION] == missing("property_companies_with_organisation")
    assert counts[GapRuleName.OWNERS_COMMITTEE_WITHOUT_ORGANISATION] == missing("owners_committees_with_organisation")
    unlinked = find_gaps(generated, "d", rules=["unlinked_households"], limit=100_000).items
    assert sum(int(g.reason.split("；")[1].split()[0]) for g in unlinked) == missing("households_linked")  # "…；N 户未联系"


def test_generated_scopes_answer_the_same_by_territory_and_by_organisation(generated: GraphStore) -> None:
    street = coverage(generated, "d").breakdown[0].scope.id
    assert count_gaps(generated, f"o-{street}") == count_gaps(generated, street)
    community = coverage(generated, street).breakdown[0].scope
    assert community.level is Level.COMMUNITY
    assert big_committee(generated, f"o-{community.id}") == big_committee(generated, community.id)


# -- the shapes of issue 12 in the known network ------------------------------------------------


@pytest.mark.parametrize("scope", sorted(UPGRADED))
def test_the_upgraded_count_is_a_coverage_figure(known: GraphStore, scope: str) -> None:
    assert coverage(known, scope, as_of=AS_OF).figures.upgraded_organisations == UPGRADED[scope]


@pytest.mark.parametrize("day", sorted(REDRAWING))
def test_a_redrawn_community_answers_as_on_each_day(known: GraphStore, day: date) -> None:
    expected = REDRAWING[day]
    answer = coverage(known, "s2", as_of=day)
    assert sorted(c.scope.id for c in answer.breakdown if c.scope.level is Level.COMMUNITY) == expected["communities"]
    assert {f.id: f.parent for f in known.territory_facts("s2", day=day)}["a41"] == expected["a41_in"]
    found = find_gaps(known, "s2", rules=[GapRuleName.COMMUNITY_WITHOUT_ORGANISATION], as_of=day).items
    assert [g.node.id for g in found] == expected["community_without_organisation"]
    # The re-drawing moves an area and adds nothing: the street's areas and households are the same either day.
    figures = answer.figures
    assert (figures.residential_areas_with_branch.denominator, figures.households_linked.denominator) == (2, 40)


def test_a_joint_branch_is_listed_once_among_the_gaps(known: GraphStore) -> None:
    found = find_gaps(known, "c2", rules=[GapRuleName.BRANCH_UNDER_MINIMUM], as_of=AS_OF).items
    assert [g.node.id for g in found] == ["o-a21"]


def test_advice_is_apart_from_failures(known: GraphStore) -> None:
    counted = count_gaps(known, "d", as_of=AS_OF)
    assert counted.advice == len(GAPS["community_over_threshold_not_committee"]) == 1
    severities = {g.rule: g.severity for g in find_gaps(known, "d", as_of=AS_OF, limit=1000).items}
    assert severities[GapRuleName.COMMUNITY_OVER_THRESHOLD_NOT_COMMITTEE] is Severity.ADVICE
    assert {s for r, s in severities.items() if r is not GapRuleName.COMMUNITY_OVER_THRESHOLD_NOT_COMMITTEE} == {Severity.FAILURE}
