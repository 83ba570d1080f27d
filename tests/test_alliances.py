"""Alliances (党建联盟 / 党建共同体): how far each reaches, and Heshan's 三全 check, on every store."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from graph.alliances import AllianceReach, alliance_reach
from graph.gaps import find_gaps
from graph.model import AllianceKind, Batch, InAlliance, NodeKind
from graph.store import GraphStore
from loaders.importer import import_file
from service.context import Context
from service.principal import AccessRole, Principal
from tests.utils.known_network import AS_OF, GAPS, PROV, REACH
from tests.utils.ledgers import STRUCTURE, Tables, write_xlsx

RULE = "outside_community_of_practice"


def _reach(found: list[AllianceReach]) -> dict[str, tuple[list[str], list[str], int]]:
    return {a.alliance.id: (sorted(o.id for o in a.organisations), sorted(u.id for u in a.units), a.party_members) for a in found}


def _sorted(expected: dict[str, tuple[list[str], list[str], int]]) -> dict[str, tuple[list[str], list[str], int]]:
    return {k: (sorted(orgs), sorted(units), n) for k, (orgs, units, n) in expected.items()}


@pytest.mark.parametrize("scope", sorted(REACH))
def test_each_alliance_reaches_the_organisations_units_and_members_built_under_it(known: GraphStore, scope: str) -> None:
    assert _reach(alliance_reach(known, scope, as_of=AS_OF)) == _sorted(REACH[scope])


def test_an_alliance_lists_every_member_on_the_day_its_lead_first(known: GraphStore) -> None:
    found = {a.alliance.id: a for a in alliance_reach(known, "d", as_of=AS_OF)}
    assert next((m.member.id, m.lead) for m in found["al1"].members) == ("o-s1", True)
    assert {m.member.id for m in found["al2"].members} == {"c1", "o-c2", "o-u1", "o-u4", "u5", "u11"}
    assert [m.member.id for m in found["al3"].members] == ["o-c3", "u6"]  # o-u8 left on 2025-12-31


def test_an_alliance_has_the_members_it_had_on_the_day_asked(known: GraphStore) -> None:
    (before,) = alliance_reach(known, "s2", as_of=date(2025, 6, 1))
    assert [m.member.id for m in before.members] == ["o-c3", "o-u8", "u6"]  # by name: 光明社区党支部, 区中医院党委, 区人民医院


def test_alliances_of_one_kind(known: GraphStore) -> None:
    found = alliance_reach(known, "d", as_of=AS_OF, kind=AllianceKind.COMMUNITY_OF_PRACTICE)
    assert [a.alliance.id for a in found] == ["al2", "al3"]  # by name: 东湖…, 西湖…


def test_a_street_key_sees_its_own_part_of_a_cross_street_alliance_and_bare_references_beyond(known: GraphStore) -> None:
    known.write(Batch(edges=[InAlliance(source="o-c3", target="al2", provenance=PROV)]))  # al2 now spans both streets
    west = Context(known, Principal(role=AccessRole.VIEWER, scope="s2", key_id="k-s2", name="西湖"), day=AS_OF)
    (al2,) = [a for a in west.alliance_reach("s2", kind=None) if a.alliance.id == "al2"]
    assert _reach([al2])["al2"] == _sorted({"al2": REACH["s2"]["al3"]})["al2"]  # o-c3 brings c3 and what lies there
    # the east street's members stand as bare references, except its community itself (a territory: not named)
    assert {m.member.id for m in al2.members} == {"o-c2", "o-u1", "o-u4", "u5", "u11", "o-c3"}
    assert all(m.member.kind is not NodeKind.MEMBER for m in al2.members)
    east = Context(known, Principal(role=AccessRole.VIEWER, scope="s1", key_id="k-s1", name="东湖"), day=AS_OF)
    (al2,) = [a for a in east.alliance_reach("s1", kind=None) if a.alliance.id == "al2"]
    assert "o-c3" not in {o.id for o in al2.organisations}
    assert _reach([al2])["al2"] == _sorted(REACH["d"])["al2"]


# -- the 三全 check ------------------------------------------------------------------------------


def test_the_known_network_misses_the_communities_parks_and_units_built_outside_every_community_of_practice(known: GraphStore) -> None:
    page = find_gaps(known, "d", rules=[RULE], as_of=AS_OF)
    assert [g.node.id for g in page.items] == GAPS[RULE]  # reading order: c1's units by name, then c3's, then c4
    assert find_gaps(known, "d", rules=[RULE], as_of=date(2025, 6, 1)).total == len(GAPS[RULE]) - 1  # u8 was still in al3


def test_the_check_is_silent_where_no_community_of_practice_exists(store: GraphStore) -> None:
    from tests.utils.known_network import known_network

    for batch in known_network():  # the network without al2 and al3
        nodes = [n for n in batch.nodes if n.id not in ("al2", "al3")]
        store.write(Batch(nodes=nodes, edges=[e for e in batch.edges if e.target not in ("al2", "al3")]))
    assert find_gaps(store, "d", rules=[RULE], as_of=AS_OF).total == 0


def _heshan() -> Tables:
    """Heshan in small (三全): four communities, two industrial parks and five organs and enterprises in two 共同体;
    社区 c4 and 园区 p2 are left out, and so is an owners' committee (not asked to take part)."""
    communities = [("c1", "沙坪社区"), ("c2", "新城社区"), ("c3", "东山社区"), ("c4", "西江社区")]
    structure: list[list[object]] = [
        STRUCTURE,
        ["d", "district", "鹤山市", None, None, "中共鹤山市委员会", None, 9000, None, None, None],
        ["s1", "street", "沙坪街道", "d", None, "沙坪街道党工委", None, 200, None, None, None],
    ]
    structure += [[c, "community", n, "s1", f"o-{c}", f"{n}党委", None, 120, None, 4, None] for c, n in communities]
    units = [["id", "name", "type", "community_id", "party_org_id", "party_org_name", "party_org_members"]]
    units += [
        ["p1", "鹤山工业城", "园区", "c1", "o-p1", "鹤山工业城党委", 150],
        ["p2", "址山工业园", "园区", "c3", None, None, None],
        ["u1", "鹤山市人民医院", "hospital", "c1", "o-u1", "鹤山市人民医院党委", 300],
        ["u2", "鹤山市教育局", "organ", "c2", "o-u2", "鹤山市教育局党支部", 30],
        ["u3", "鹤山供电局", "soe", "c2", None, None, None],
        ["u4", "沙坪科技有限公司", "enterprise", "c3", "o-u4", "沙坪科技党支部", 8],
        ["u5", "东山物业", "物业企业", "c3", None, None, None],
        ["u6", "东山苑业委会", "业委会", "c3", None, None, None],
    ]
    alliances = [["alliance_id", "alliance_name", "kind", "member_id", "lead"]]
    first = [["gt1", "沙坪第一党建共同体", "community_of_practice", m, m == "c1"] for m in ("c1", "c2", "p1", "u1", "u2", "u3")]
    second = [["gt2", "沙坪第二党建共同体", "community_of_practice", m, m == "c3"] for m in ("c3", "u4", "u5")]
    alliances += [[*row[:4], "是" if row[4] else "否"] for row in [*first, *second]]
    alliances += [["al1", "沙坪党建联盟", "alliance", m, None] for m in ("c4", "p2")]  # an alliance is no 共同体
    return {"structure": structure, "units": units, "alliances": alliances}


def test_a_ledger_shaped_as_heshan_gives_exactly_the_planted_gaps_of_the_three_wholes(store: GraphStore, tmp_path: Path) -> None:
    report = import_file(store, write_xlsx(tmp_path / "heshan.xlsx", _heshan()))
    assert report.ok, report.problems
    page = find_gaps(store, "d", rules=[RULE])
    assert sorted(g.node.id for g in page.items) == ["c4", "p2"]
    reach = {a.alliance.id: a for a in alliance_reach(store, "d", kind=AllianceKind.COMMUNITY_OF_PRACTICE)}
    assert sorted(o.id for o in reach["gt1"].organisations) == ["o-c1", "o-c2", "o-p1", "o-u1", "o-u2"]
    assert sorted(u.id for u in reach["gt1"].units) == ["p1", "u1", "u2", "u3"]  # and the units of its member communities
    assert sorted(u.id for u in reach["gt2"].units) == ["p2", "u4", "u5", "u6"]  # p2 lies in c3, yet takes no part itself
