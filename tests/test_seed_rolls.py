"""The seeds' figures from ledgers shaped as the seeds describe them, one query each, on every store.

Suyu (宿豫): 3 streets, 12 communities, 57 residential areas and 8,263 party members, counted by the
roll's one coverage query; the district's 双报到 rate from the same answer.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from graph.coverage import coverage
from graph.model import MemberCategory
from graph.store import GraphStore
from loaders.importer import import_file
from tests.test_import_members import MEMBERS_HEADER
from tests.utils.ledgers import STRUCTURE, Tables, write_csv_folder

SUYU_MEMBERS = 8_263
CATEGORIES = {  # held by the chain's organisations, and by the units' (in-service members' work units)
    MemberCategory.IN_SERVICE: (1_000, 2_100),
    MemberCategory.RETIRED: (2_400, 0),
    MemberCategory.FLOATING: (800, 0),
    MemberCategory.RESIDENT: (1_600, 0),
    MemberCategory.SOE_TRANSFERRED: (363, 0),
}
REPORTED = 2_480
"""In-service members who reported to the community where they live (of 3,100)."""


def _suyu() -> Tables:
    structure: list[list[Any]] = [STRUCTURE, ["sy", "district", "宿豫区", None, None, "中共宿豫区委", None, None, None, None, None]]
    units: list[list[Any]] = [["id", "name", "type", "community_id", "party_org_id", "party_org_name", "party_org_members"]]
    communities, grids = [], []
    area = 0
    for s in range(3):
        structure.append([f"s{s}", "street", f"街道{s}", "sy", None, f"街道{s}党工委", None, None, None, None, None])
        for c in range(4):
            cid = f"c{s}{c}"
            communities.append(cid)
            structure.append([cid, "community", f"社区{cid}", f"s{s}", None, f"社区{cid}党委", None, None, None, 3, None])
            units.append([f"u{cid}", f"单位{cid}", "organ", cid, None, f"单位{cid}党支部", None])
            for _ in range(5 if area < 45 else 4):  # 57 residential areas: 9 communities with 5, 3 with 4
                if area == 57:
                    break
                aid, gid = f"a{area}", f"g{area}"
                structure.append([aid, "residential_area", f"小区{area}", cid, None, f"小区{area}党支部", None, None, None, None, None])
                structure.append([gid, "grid", f"网格{area}", aid, None, f"网格{area}党小组", None, None, 300, None, None])
                grids.append(gid)
                area += 1
    assert area == 57 and len(communities) == 12
    members: list[list[Any]] = [MEMBERS_HEADER]
    n = 0
    for category, (chain, in_units) in CATEGORIES.items():
        for k in range(chain + in_units):
            community = communities[n % 12]
            org = f"o-u{community}" if k >= chain else f"o-{grids[n % 57]}"
            reported = category is MemberCategory.IN_SERVICE and k < REPORTED
            report = [community, "2025-03-01"] if reported else [None, None]
            members.append([f"m{n}", f"党员{n}", category.value, org, *report, None, None, None, None, "2020-01-01", None])
            n += 1
    return {"structure": structure, "units": units, "members": members}


def test_suyus_8263_members_by_category_and_its_dual_report_rate_come_from_one_query(store: GraphStore, tmp_path: Path) -> None:
    report = import_file(store, write_csv_folder(tmp_path / "suyu", _suyu()))
    assert report.ok, [str(p) for p in report.problems[:5]]
    figures = coverage(store, "sy").figures
    assert figures.members_on_roll == SUYU_MEMBERS
    assert figures.members_by_category == {c: chain for c, (chain, _) in CATEGORIES.items()}
    assert figures.unit_members_by_category == {c: units for c, (_, units) in CATEGORIES.items()}
    in_service = sum(CATEGORIES[MemberCategory.IN_SERVICE])
    assert (figures.in_service_reported.numerator, figures.in_service_reported.denominator) == (REPORTED, in_service)
    assert figures.in_service_reported.rate == REPORTED / in_service  # 双报到 80%
    assert figures.reports_received.numerator == REPORTED  # every report went to a community of the district
