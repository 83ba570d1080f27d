"""Posts (职务), teams (服务队) and the counts of people holding several places, on every store.

The known network fixes every count by construction (tests/utils/known_network.py, ``PEOPLE``);
a ledger shaped as Duyun describes gives its 24 一肩挑 and 38 concurrent members through one
query each; bad posts and teams are refused naming table, row, column and value.
"""

from __future__ import annotations

import json
import re
from datetime import date
from pathlib import Path

import pytest

from graph.memory import MemoryStore
from graph.model import EdgeKind, NodeKind, Post, PostKind
from graph.people import people_counts
from graph.store import GraphStore
from loaders.exporter import export
from loaders.importer import import_file
from loaders.importer.tables import post_id
from tests.utils.known_network import AS_OF, PEOPLE
from tests.utils.ledgers import STRUCTURE, TOWN, Tables, copy, write_csv_folder
from tests.utils.network import contents

# -- the known network -----------------------------------------------------------------------------


@pytest.mark.parametrize("scope", sorted(PEOPLE))
def test_people_counts_are_the_ones_built_into_the_network(known: GraphStore, scope: str) -> None:
    counts = people_counts(known, scope, as_of=AS_OF)
    expected = PEOPLE[scope]
    assert counts.concurrent_members == expected["concurrent_members"]
    assert counts.street_committee_members == expected["street_committee_members"]
    assert counts.one_shoulder_area == expected["one_shoulder_area"]
    assert counts.one_shoulder_community == expected["one_shoulder_community"]
    assert sorted(p.person or "" for p in counts.cross_posts) == expected["cross_posted"]
    assert counts.cross_posted == len(counts.cross_posts)
    assert (counts.teams, counts.team_members) == (expected["teams"], expected["team_members"])
    assert (counts.grids_with_team.numerator, counts.grids_with_team.denominator) == expected["grids_with_team"]


def test_one_shoulder_names_the_person_both_posts_and_the_place(known: GraphStore) -> None:
    found = {s.kind: s for s in people_counts(known, "d", as_of=AS_OF).one_shoulder}
    area = found["area_branch_and_owners_committee"]
    assert (area.person, area.member and area.member.id, area.territory.id) == ("王芳", "h1111", "a11")
    assert (area.party_post.id, area.other_post.id) == ("p-a11", "p-u3-chair")
    community = found["community_and_residents_committee"]
    assert (community.person, community.member, community.territory.id) == ("陈红", None, "c1")


def test_counts_follow_the_day(known: GraphStore) -> None:
    """Before seat1 (2025-02-01) and before the teams (2024): no concurrent member, no team; t3 (ended 2025) served c1 then."""
    earlier = people_counts(known, "d", as_of=date(2023, 6, 1))
    assert earlier.concurrent_members == 1  # seat4 on o-c2, 2020-2023
    assert earlier.teams == 1 and earlier.teams_by_kind == {"vanguard": 1} and earlier.grids_with_team.numerator == 0
    crossing = {p.person for p in earlier.cross_posts}
    assert "赵敏" not in crossing  # her seat began in 2025


# -- a ledger shaped as Duyun --------------------------------------------------------------------------


def _duyun() -> Tables:
    """8 communities of 4 residential areas each; 24 of the 32 area branch secretaries chair their owners' committee;
    39 seats on the communities' big committees held by 38 people (one sits on two); one seat ended, one is the street's."""
    structure: list[list[object]] = [STRUCTURE, ["dy", "district", "都匀市", None, None, "中共都匀市委", None, 9000, None, None, None]]
    units = [["id", "name", "type", "community_id", "party_org_id", "party_org_name", "party_org_members"]]
    posts = [["body_id", "post", "person_id", "person", "since", "until"]]
    seats = [["community_id", "person", "unit_id", "role", "since", "until"]]
    area_number = seat_number = 0
    for s in (1, 2):
        structure.append([f"s{s}", "street", f"街道{s}", "dy", None, f"街道{s}党工委", None, 80, None, None, None])
        for c in range(1, 5):
            cid = f"c{s}{c}"
            structure.append([cid, "community", f"社区{cid}", f"s{s}", None, f"社区{cid}党委", "committee", 120, None, 3, None])
            posts.append([f"o-{cid}", "书记", None, f"书记{cid}", "2022-01-01", None])
            for a in range(1, 5):
                area_number += 1
                aid = f"{cid}a{a}"
                structure.append([aid, "residential_area", f"小区{aid}", cid, None, f"小区{aid}党支部", None, 10, None, None, None])
                units.append([f"oc-{aid}", f"小区{aid}业主委员会", "业委会", cid, None, None, None])
                secretary = f"支书{aid}"
                posts.append([f"o-{aid}", "secretary", None, secretary, "2023-03-01", None])
                chair = secretary if area_number <= 24 else f"业主{aid}"
                posts.append([f"oc-{aid}", "主任", None, chair, "2023-05-01", None])  # 主任 of an owners' committee: its chair
            for k in range(1, 6 if cid not in ("c23", "c24") else 5):
                seat_number += 1
                units.append([f"u-{cid}-{k}", f"驻区单位{cid}-{k}", "organ", cid, None, None, None])
                seats.append([cid, f"委员{seat_number}", f"u-{cid}-{k}", "兼职委员", "2024-01-01", None])
    assert seat_number == 38
    seats.append(["c24", "委员1", "u-c11-1", "兼职委员", "2024-01-01", None])  # the same person on a second committee
    seats.append(["c24", "卸任委员", "u-c11-2", "兼职委员", "2020-01-01", "2023-12-31"])  # ended: not counted
    seats.append(["s1", "街道委员", "u-c11-3", "成员单位", "2024-01-01", None])  # the street's 大工委, apart
    return {"structure": structure, "units": units, "big_committee": seats, "posts": posts}


def test_a_ledger_shaped_as_duyun_gives_its_24_one_shoulder_and_38_concurrent_members(store: GraphStore, tmp_path: Path) -> None:
    report = import_file(store, write_csv_folder(tmp_path / "duyun", _duyun()))
    assert report.record.outcome == "applied", report.problems
    counts = people_counts(store, "dy", as_of=date(2025, 6, 30))
    assert counts.one_shoulder_area == 24
    assert counts.concurrent_members == 38 and counts.concurrent_seats == 39
    assert counts.street_committee_members == 1 and counts.one_shoulder_community == 0
    assert all(s.other_post.name == s.person for s in counts.one_shoulder)
    chairs = [n for n in store.nodes(NodeKind.POST) if isinstance(n, Post) and n.post is PostKind.CHAIR]
    assert len(chairs) == 32  # 主任 of an owners' committee is read as its chair
    assert counts.cross_posted == 24 + 1  # the secretaries who chair, and 委员1 on two committees


# -- importing posts and teams -------------------------------------------------------------------------

POSTS = ["body_id", "post", "person_id", "person", "since", "until"]
TEAMS = ["id", "name", "kind", "territory_id", "member_ids", "since", "until"]


def _town(**tables: list[list[object]]) -> Tables:
    made = copy(TOWN)
    made["units"].append(["rc1", "和平社区居民委员会", "居委会", "c1", None, None, None])
    made.update(tables)
    return made


def test_posts_and_teams_are_imported_and_a_second_import_updates_rather_than_duplicates(store: GraphStore, tmp_path: Path) -> None:
    first = _town(
        posts=[POSTS, ["o-c1", "书记", None, "刘书记", "2021-01-01", None], ["rc1", "居委会主任", None, "刘书记", "2021-01-01", None]],
        teams=[TEAMS, ["t1", "阳光苑党员志愿服务队", "党员志愿服务队", "g1", "h1；h2", "2024-01-01", None]],
    )
    assert import_file(store, write_csv_folder(tmp_path / "one", first)).record.outcome == "applied"
    assert store.count(NodeKind.POST) == 2 and store.count_edges(EdgeKind.IN_TEAM) == 2
    counted = people_counts(store, "d", as_of=date(2025, 1, 1))
    assert counted.one_shoulder_community == 1 and counted.teams == 1 and counted.team_members == 2
    again = copy(first)
    again["posts"][1][5] = "2024-12-31"  # the secretary left
    again["teams"][1][4] = "h1"  # h2 left the team
    assert import_file(store, write_csv_folder(tmp_path / "two", again)).record.outcome == "applied"
    assert store.count(NodeKind.POST) == 2 and store.count_edges(EdgeKind.IN_TEAM) == 1
    secretary = store.node(post_id("o-c1", PostKind.SECRETARY, "刘书记", date(2021, 1, 1)))
    assert isinstance(secretary, Post) and secretary.valid_to == date(2024, 12, 31)
    assert people_counts(store, "d", as_of=date(2025, 1, 1)).one_shoulder_community == 0


def _problems(store: GraphStore, tmp_path: Path, tables: Tables) -> list[tuple[str | None, int | None, str | None, str | None, str]]:
    before = contents(store)
    report = import_file(store, write_csv_folder(tmp_path / "bad", tables))
    assert report.record.outcome == "refused" and contents(store) == before  # nothing written
    return [(p.table, p.row, p.column, p.value, p.reason) for p in report.problems]


def test_a_post_in_a_body_that_does_not_exist_or_cannot_hold_posts_is_refused(store: GraphStore, tmp_path: Path) -> None:
    bad = _town(
        posts=[
            POSTS,
            ["o-nope", "secretary", None, "甲", None, None],
            ["u1", "director", None, "乙", None, None],  # a hospital: a unit, not one with posts of its own
            ["c1", "secretary", None, "丙", None, None],  # a territory, not a body
        ]
    )
    found = _problems(store, tmp_path, bad)
    assert [(t, r, c, v) for t, r, c, v, _ in found] == [
        ("posts", 2, "body_id", "o-nope"),
        ("posts", 3, "body_id", "u1"),
        ("posts", 4, "body_id", "c1"),
    ]
    assert "是医院" in found[1][4] and "居民委员会" in found[1][4]


def test_two_secretaries_of_one_organisation_at_once_are_refused_naming_both_rows(store: GraphStore, tmp_path: Path) -> None:
    bad = _town(
        posts=[
            POSTS,
            ["o-c1", "secretary", None, "甲", "2020-01-01", "2023-12-31"],
            ["o-c1", "secretary", None, "乙", "2023-06-01", None],  # overlaps 甲's last half year
            ["o-c1", "member", None, "丙", "2020-01-01", None],  # committee members are many: no overlap to refuse
        ]
    )
    found = _problems(store, tmp_path, bad)
    assert len(found) == 1
    table, row, column, value, reason = found[0]
    assert (table, row, column, value) == ("posts", 3, "since", "2023-06-01")
    assert "第 2 行" in reason and "一职多人" in reason


def test_a_term_overlapping_one_on_record_is_refused(store: GraphStore, tmp_path: Path) -> None:
    kept = _town(posts=[POSTS, ["o-c1", "secretary", None, "甲", "2020-01-01", None]])
    assert import_file(store, write_csv_folder(tmp_path / "kept", kept)).record.outcome == "applied"
    later = {"posts": [POSTS, ["o-c1", "secretary", None, "乙", "2025-01-01", None]]}
    (_, row, column, _, reason), *rest = _problems(store, tmp_path, later)
    assert not rest and (row, column) == (2, "since") and "甲" in reason


def test_a_team_with_a_member_or_territory_that_does_not_exist_is_refused(store: GraphStore, tmp_path: Path) -> None:
    bad = _town(
        teams=[
            TEAMS,
            ["t1", "志愿服务队", "volunteer", "g1", "h1;h9", None, None],
            ["t2", "网格服务团队", "grid_service", "g9", "h1", None, None],
            ["t3", "先锋队", "先锋队", "g1", "u1", None, None],  # a unit is no member
        ]
    )
    found = _problems(store, tmp_path, bad)
    assert [(t, r, c, v) for t, r, c, v, _ in found] == [
        ("teams", 2, "member_ids", "h9"),
        ("teams", 3, "territory_id", "g9"),
        ("teams", 4, "member_ids", "u1"),
    ]


# -- exports -------------------------------------------------------------------------------------------


def _staffed() -> Tables:
    return _town(
        posts=[
            POSTS,
            ["o-c1", "书记", None, "刘书记", "2021-01-01", "2024-12-31"],
            ["o-c1", "书记", "h1", None, "2025-01-01", None],
            ["rc1", "主任", None, "刘书记", "2021-01-01", None],
        ],
        teams=[TEAMS, ["t1", "阳光苑党员志愿服务队", "volunteer", "g1", "h1;h2", "2024-01-01", None]],
    )


@pytest.mark.parametrize("name", ["posts.xlsx", "posts-csv"])
def test_posts_and_teams_make_the_round_trip(store: GraphStore, tmp_path: Path, name: str) -> None:
    source = MemoryStore()
    assert import_file(source, write_csv_folder(tmp_path / "in", _staffed())).record.outcome == "applied"
    summary = export(source, tmp_path / name)
    assert summary.rows["posts"] == 3 and summary.rows["teams"] == 1 and not summary.left_out
    assert import_file(store, tmp_path / name).record.outcome == "applied"
    assert _without_provenance(store) == _without_provenance(source)


def _without_provenance(store: GraphStore) -> tuple[list[str], list[str]]:
    nodes = sorted(n.model_dump_json(exclude={"provenance"}) for n in store.nodes())
    edges = sorted(e.model_dump_json(exclude={"provenance"}) for e in store.edges())
    return nodes, edges


def test_popolo_carries_posts_with_their_terms_and_the_memberships_holding_them(tmp_path: Path) -> None:
    source = MemoryStore()
    assert import_file(source, write_csv_folder(tmp_path / "in", _staffed())).record.outcome == "applied"
    export(source, tmp_path / "town.json")
    doc = json.loads((tmp_path / "town.json").read_text(encoding="utf-8"))
    posts = sorted((p["organization_id"], p["role"], p.get("start_date"), p.get("end_date")) for p in doc["posts"])
    assert posts == [
        ("o-c1", "secretary", "2021-01-01", "2024-12-31"),
        ("o-c1", "secretary", "2025-01-01", None),
        ("rc1", "director", "2021-01-01", None),
    ]
    held = {m["post_id"]: m for m in doc["memberships"] if "post_id" in m}
    persons = {p["id"]: p["name"] for p in doc["persons"]}
    assert sorted(persons[m["person_id"]] for m in held.values()) == ["刘书记", "刘书记", "张三"]
    team = next(o for o in doc["organizations"] if o["id"] == "t1")
    assert team["classification"] == "team:volunteer" and team["area_id"] == "g1"
    assert sorted(m["person_id"] for m in doc["memberships"] if m["organization_id"] == "t1") == ["h1", "h2"]


# -- through the context: scope and masking -------------------------------------------------------------


def test_a_street_key_counts_its_street_and_never_names_another_streets_member(known: GraphStore) -> None:
    from graph.errors import UnknownNode
    from graph.model import Batch, HeldBy, PostIn
    from service.context import Context
    from service.principal import AccessRole, Principal
    from tests.utils.known_network import PROV

    # 王芳 (h1111, of street s1) also sits on s2's working committee and c3's committee: 交叉任职 in s2 too
    since = date(2024, 1, 1)
    nodes: list[Post] = []
    edges: list[PostIn | HeldBy] = []
    for pid, body in (("p-s2-m", "o-s2"), ("p-c3-x", "o-c3")):
        nodes.append(Post(id=pid, post=PostKind.MEMBER, person="王芳", valid_from=since, provenance=PROV))
        edges += [PostIn(source=pid, target=body, valid_from=since, provenance=PROV), HeldBy(source=pid, target="h1111", provenance=PROV)]
    known.write(Batch(nodes=nodes, edges=edges))
    whole = people_counts(known, "d", as_of=AS_OF)
    assert {p.body.id for p in next(p for p in whole.cross_posts if p.person == "王芳").places} == {"o-a11", "u3", "o-s2", "o-c3"}
    west = Context(known, Principal(key_id="k-s2", role=AccessRole.VIEWER, scope="s2")).on(AS_OF)
    with pytest.raises(UnknownNode):
        west.people("d")
    answer = west.people("s2")
    assert answer.concurrent_members == PEOPLE["s2"]["concurrent_members"]
    assert answer.cross_posted == 2 and sorted(p.person or "" for p in answer.cross_posts) == ["", "吴丽"]  # counted, not named
    assert "王芳" not in answer.model_dump_json() and "h1111" not in answer.model_dump_json()


def test_the_people_command_prints_the_counts_and_who_holds_several_places(tmp_path: Path) -> None:
    from tests.test_cli import _grassroots

    data = tmp_path / "data"
    ledger = write_csv_folder(tmp_path / "in", _staffed())
    assert _grassroots("import", str(ledger), data=data).returncode == 0
    ran = _grassroots("people", "d", "--as-of", "2023-06-01", data=data)
    assert ran.returncode == 0, ran.stderr
    assert re.search(r"一肩挑：社区书记兼居委会主任\s+1$", ran.stdout, re.MULTILINE)
    assert re.search(r"服务队\s+0$", ran.stdout, re.MULTILINE)  # t1 began in 2024
    assert "刘书记：和平社区党委 书记；和平社区居民委员会 主任" in ran.stdout


def test_the_template_offers_the_posts_and_team_kinds_as_drop_downs(tmp_path: Path) -> None:
    from openpyxl import load_workbook

    from loaders.workbooks import write_template

    write_template(tmp_path / "template.xlsx")
    book = load_workbook(tmp_path / "template.xlsx")
    offered = {name: [v.formula1 for v in book[name].data_validations.dataValidation] for name in ("posts", "teams")}
    assert any("书记" in f and "主席" in f for f in offered["posts"])
    assert any("党员志愿服务队" in f and "先锋队" in f for f in offered["teams"])
