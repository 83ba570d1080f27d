"""A small district whose every coverage figure and gap count is known by construction.

Two streets, four communities. Each community is built to show a few things, written
beside it; the answers the queries must give are the constants at the end (``AS_OF`` is
the day they hold on). Change the network and those constants together.

The shapes of issue 12 are planted too: a street-level large grid (g2x, Heshan's 全科网格), two
buildings under a grid (b1111 with a building group, b1112 without), a joint branch (o-a21
covers a21 and a22, 联合党支部), and a re-drawn community: 旧团结社区 c0 ended on 2025-12-31,
团结社区 c4 started on 2026-01-01 and 团结苑 a41 moved from c0 to c4 that day (``REDRAWN``).

    抚东区 d
    ├── 东湖街道 s1 (o-s1)
    │   ├── 幸福社区 c1 (o-c1: committee of 90, upgraded by decision; staff 2)
    │   │   ├── 春晖苑 a11 (o-a11)
    │   │   │   ├── 春晖苑第1网格 g111: 30 households, group, heads 10+10+10 (h1111 also its grid leader; h1113 in service, unreported)
    │   │   │   │   ├── 1号楼 b1111: building group o-b1111
    │   │   │   │   └── 2号楼 b1112: no group
    │   │   │   └── 春晖苑第2网格 g112: 40 households, group since 2025-09-01, heads 15+16 (16 over the norm)
    │   │   ├── 锦绣园 a12: no branch; abandoned (弃管), run by u2
    │   │   │   └── 锦绣园第1网格 g121: 50 households, no group, no heads
    │   │   └── units: u1 SOE (o-u1, seat, agreements ag0 expired + ag1 renewal), u2 property co. without org
    │   │       (MANAGES a11), u3 owners' committee (o-u3, 2 members; MANAGES a11), u4 organ (o-u4 in its own
    │   │       line, under 机关工委 o-sys-organ; ag2 expiring 2026-07-15, no seat), u9 park without org (两新 gap),
    │   │       rc1 residents' committee (the community's own body: counted nowhere), u13 commercial building
    │   │       (o-u13 under o-c1, 属地)
    │   │       roll: m7 in service (o-c1 since 2026-04-01, unreported but within 90 days); in units' roll
    │   │       m1 (o-u1, reported to c1), m6 (o-u1, reported to the street s1), m4 (o-u4 since 2025-12-01, unreported)
    │   │   centre sc1: share 92%, all six 六有
    │   └── 和平社区 c2 (o-c2: committee of 80, not upgraded; no staff recorded; seat4 ended 2023)
    │       ├── 和平苑 a21 (o-a21, 2 members: a joint branch, also covering a22)
    │       │   └── 和平苑第1网格 g211: 310 households, group, one head of 10, a resident head r1 (群众联户长) of 8
    │       ├── 和平二苑 a22 (covered by o-a21), no grids
    │       ├── units: u5 property co. (o-u5 reports to nobody, ag3 expired 2025-12-31; MANAGES a21), u7 owners'
    │       │   committee without org, u10 new-employment group of 5 members not eligible (no gap, not counted),
    │       │   u11 enterprise of 4 members without org (两新 gap, and enough for a branch), u14 owners' committee
    │       │   without org, not eligible (no gap, not counted)
    │       └── centre sc2: share 85% (under 90), lacks 有书报 and 有制度
    │   centre sc3 (street centre): share not recorded, all six 六有
    └── 西湖街道 s2 (o-s2: seat2 for u1 from 2025, seat3 for u6 2020-2024)
        ├── 西湖大网格 g2x: a large grid in the street itself, 10 households, group o-g2x, head of 10, no grid leader
        ├── 光明社区 c3 (o-c3: a branch of 120 members; staff 5; no centre)
        │   ├── 光明苑 a31 (o-a31 reports to nobody)
        │   │   └── 光明苑第1网格 g311: 20 households, group, heads 10+10 (h3112 in service, unreported), grid leader m3
        │   ├── units: u6 hospital without org, ag4 signed by the unit itself, open-ended; u8 hospital whose
        │   │   党委 of 300 (o-u8) reports up its own line to 卫健工委 o-sys-health: neither hanging nor under c3;
        │   │   u12 industrial park without org (两新 gap)
        │   └── roll: m5 in service (o-c3), reported to the park u12
        ├── 团结社区 c4 (no organisation; staff 1; no centre; since 2026-01-01)
        │   └── 团结苑 a41: no branch; abandoned, run by nobody (in c0 until 2025-12-31, in c4 since 2026-01-01)
        │       └── 团结苑第1网格 g411: 10 households, no group
        └── 旧团结社区 c0 (o-c0, until 2025-12-31: gone on AS_OF)

Posts (职务) and teams (服务队), on AS_OF: every organisation but the groups has a secretary, except
o-a21 (its secretary left 2026-05-01, 31 days before: no secretary, not yet a vacant post) and o-u5
(no post on record). 一肩挑: 王芳 h1111 is secretary of o-a11 and chair of u3 (its community's owners'
committee); 陈红 (a name, no member) is secretary of o-c1 and director of rc1, c1's residents'
committee. 赵敏 m1 is secretary of o-u1 and holds seat1 on o-c1. Residents' committees: rc1 (c1),
rc2 (c2: its director left 2025-12-31, none since: vacant past 90 days) and rc3 (c3, director 吴丽,
not the secretary). Teams: t1 volunteer on g111 (h1111, h1112), t2 grid service on g311 (h3111, m3),
t3 vanguard on c1, ended 2025-12-31.

Alliances: al1 东湖党建联盟 (an alliance, not a 共同体): o-s1 leads, o-c1, u2. al2 东湖党建共同体: c1 leads (the
territory), o-c2, o-u1, o-u4, u5, u11. al3 西湖党建共同体: o-c3 leads, u6, and o-u8 until 2025-12-31. So on AS_OF the
三全 check finds c1's u2 (only in al1), park u9 and u13, s2's c4, u8 (left al3) and the park u12; owners' committees and
residents' committees are not asked to take part, u10 is not eligible. Their reach is REACH below.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from graph.memory import MemoryStore
from graph.model import (
    Agreement,
    Alliance,
    AllianceKind,
    Batch,
    CentreFor,
    CentreLevel,
    Covers,
    Edge,
    HeldBy,
    InAlliance,
    InTeam,
    Level,
    LocatedIn,
    Manages,
    Member,
    MemberCategory,
    MemberOf,
    MemberRole,
    Node,
    OnBehalfOf,
    Organisation,
    OrgForm,
    Post,
    PostIn,
    PostKind,
    Provenance,
    ReportedTo,
    ReportsTo,
    Seat,
    SeatOn,
    Serves,
    ServiceCentre,
    SignedBy,
    SystemKind,
    Team,
    TeamKind,
    TeamServes,
    Territory,
    Unit,
    UnitType,
    Within,
)

__all__ = [
    "AS_OF",
    "BEFORE_REDRAWING",
    "COVERAGE",
    "GAPS",
    "GAPS_BY_STREET",
    "MEMBERS",
    "PEOPLE",
    "POSTS",
    "REACH",
    "REDRAWING",
    "REDRAWN",
    "ROLL",
    "STAFF",
    "TEAMS",
    "UNIT_MEMBERS",
    "UPGRADED",
    "known_network",
    "known_store",
]

AS_OF = date(2026, 6, 1)
"""The day the expected answers below hold on."""
REDRAWN = date(2026, 1, 1)
"""The day 团结苑 a41 moved from the ended 旧团结社区 c0 to the new 团结社区 c4."""
BEFORE_REDRAWING = date(2025, 6, 1)
"""A day before the re-drawing, when ``REDRAWING`` says how things stood."""

PROV = Provenance(source="known-network", recorded_at=datetime(2026, 6, 1, 9, 0))

R, S, F, D, X = (  # retired, in service, floating, resident, handed over from an SOE
    MemberCategory.RETIRED,
    MemberCategory.IN_SERVICE,
    MemberCategory.FLOATING,
    MemberCategory.RESIDENT,
    MemberCategory.SOE_TRANSFERRED,
)


def _territories() -> Batch:
    t = [
        ("d", "抚东区", Level.DISTRICT, None, None, None),
        ("s1", "东湖街道", Level.STREET, "d", None, None),
        ("s2", "西湖街道", Level.STREET, "d", None, None),
        ("c1", "幸福社区", Level.COMMUNITY, "s1", None, 2),
        ("c2", "和平社区", Level.COMMUNITY, "s1", None, None),
        ("c3", "光明社区", Level.COMMUNITY, "s2", None, 5),
        ("c4", "团结社区", Level.COMMUNITY, "s2", None, 1),
        ("a11", "春晖苑", Level.RESIDENTIAL_AREA, "c1", None, None),
        ("a12", "锦绣园", Level.RESIDENTIAL_AREA, "c1", None, None),
        ("a21", "和平苑", Level.RESIDENTIAL_AREA, "c2", None, None),
        ("a31", "光明苑", Level.RESIDENTIAL_AREA, "c3", None, None),
        ("a41", "团结苑", Level.RESIDENTIAL_AREA, "c0", None, None),  # moved to c4 on 2026-01-01 (_redrawn)
        ("a22", "和平二苑", Level.RESIDENTIAL_AREA, "c2", None, None),
        ("g111", "春晖苑第1网格", Level.GRID, "a11", 30, None),
        ("g112", "春晖苑第2网格", Level.GRID, "a11", 40, None),
        ("g121", "锦绣园第1网格", Level.GRID, "a12", 50, None),
        ("g211", "和平苑第1网格", Level.GRID, "a21", 310, None),
        ("g311", "光明苑第1网格", Level.GRID, "a31", 20, None),
        ("g411", "团结苑第1网格", Level.GRID, "a41", 10, None),
        ("g2x", "西湖大网格", Level.GRID, "s2", 10, None),
        ("b1111", "1号楼", Level.BUILDING, "g111", None, None),
        ("b1112", "2号楼", Level.BUILDING, "g111", None, None),
        ("c0", "旧团结社区", Level.COMMUNITY, "s2", None, None),
    ]
    abandoned = {"a12", "a41"}  # 弃管小区
    nodes = [Territory(id=i, name=n, level=lv, households=h, staff=s, abandoned=i in abandoned, provenance=PROV) for i, n, lv, _, h, s in t]
    dated = {"c4": (REDRAWN, None), "c0": (None, REDRAWN - timedelta(days=1)), "a41": (None, REDRAWN - timedelta(days=1))}
    edges = [
        Within(source=i, target=p, valid_from=dated.get(i, (None, None))[0], valid_to=dated.get(i, (None, None))[1], provenance=PROV)
        for i, _, _, p, _, _ in t
        if p
    ]
    return Batch(nodes=nodes, edges=edges)


def _redrawn() -> Batch:
    """The re-drawing of 2026-01-01: 团结苑 a41 moves from the ended c0 to the new c4 (the old place is closed, kept)."""
    return Batch(edges=[Within(source="a41", target="c4", valid_from=REDRAWN, provenance=PROV)])


def _chain() -> Batch:
    o = [  # id, name, level, form, members, covers, parent, upgraded
        ("o-d", "中共抚东区委员会", Level.DISTRICT, OrgForm.COMMITTEE, 9000, "d", None, False),
        ("o-s1", "东湖街道党工委", Level.STREET, OrgForm.WORKING_COMMITTEE, 60, "s1", "o-d", False),
        ("o-s2", "西湖街道党工委", Level.STREET, OrgForm.WORKING_COMMITTEE, 50, "s2", "o-d", False),
        ("o-c1", "幸福社区党委", Level.COMMUNITY, OrgForm.COMMITTEE, 90, "c1", "o-s1", True),
        ("o-c2", "和平社区党委", Level.COMMUNITY, OrgForm.COMMITTEE, 80, "c2", "o-s1", False),
        ("o-c3", "光明社区党支部", Level.COMMUNITY, OrgForm.BRANCH, 120, "c3", "o-s2", False),
        ("o-a11", "春晖苑党支部", Level.RESIDENTIAL_AREA, OrgForm.BRANCH, 12, "a11", "o-c1", False),
        ("o-a21", "和平苑党支部", Level.RESIDENTIAL_AREA, OrgForm.BRANCH, 2, "a21", "o-c2", False),
        ("o-a31", "光明苑党支部", Level.RESIDENTIAL_AREA, OrgForm.BRANCH, 8, "a31", None, False),
        ("o-g111", "春晖苑第1网格党小组", Level.GRID, OrgForm.GROUP, 5, "g111", "o-a11", False),
        ("o-g112", "春晖苑第2网格党小组", Level.GRID, OrgForm.GROUP, 4, "g112", "o-a11", False),
        ("o-g211", "和平苑第1网格党小组", Level.GRID, OrgForm.GROUP, 3, "g211", "o-a21", False),
        ("o-g311", "光明苑第1网格党小组", Level.GRID, OrgForm.GROUP, 6, "g311", "o-a31", False),
        ("o-g2x", "西湖大网格党小组", Level.GRID, OrgForm.GROUP, 4, "g2x", "o-s2", False),
        ("o-b1111", "1号楼党小组", Level.BUILDING, OrgForm.GROUP, 3, "b1111", "o-g111", False),
        ("o-c0", "旧团结社区党支部", Level.COMMUNITY, OrgForm.BRANCH, 10, "c0", "o-s2", False),
    ]
    ended = {"o-c0": REDRAWN - timedelta(days=1)}
    nodes = [Organisation(id=i, name=n, level=lv, form=f, members=m, upgraded=up, provenance=PROV) for i, n, lv, f, m, _, _, up in o]
    systems = [  # 系统党组织: the lines units' organisations report up (Heshan: 隶属关系)
        ("o-sys-organ", "区直机关工委", SystemKind.ORGAN_WORK_COMMITTEE),
        ("o-sys-health", "区卫健工委", SystemKind.HEALTH),
    ]
    for i, n, k in systems:
        nodes.append(Organisation(id=i, name=n, level=Level.SYSTEM, form=OrgForm.WORKING_COMMITTEE, system_kind=k, provenance=PROV))
    edges: list[Edge] = [
        Covers(source=i, target=c, valid_from=date(2025, 9, 1) if i == "o-g112" else None, valid_to=ended.get(i), provenance=PROV)
        for i, _, _, _, _, c, _, _ in o
    ]
    edges.append(Covers(source="o-a21", target="a22", provenance=PROV))  # the joint branch's second area
    edges += [ReportsTo(source=i, target=p, valid_to=ended.get(i), provenance=PROV) for i, _, _, _, _, _, p, _ in o if p]
    edges += [ReportsTo(source=i, target="o-d", provenance=PROV) for i, _, _ in systems]
    return Batch(nodes=nodes, edges=edges)


def _members() -> Batch:
    heads = [  # id, name, category, households, grid
        ("h1111", "王芳", R, 10, "g111"),
        ("h1112", "李强", R, 10, "g111"),
        ("h1113", "张伟", S, 10, "g111"),
        ("h1121", "刘洋", D, 15, "g112"),
        ("h1122", "陈静", F, 16, "g112"),
        ("h2111", "杨敏", X, 10, "g211"),
        ("h3111", "黄磊", R, 10, "g311"),
        ("h3112", "赵军", S, 10, "g311"),
        ("h2x1", "钱华", R, 10, "g2x"),
    ]
    leader = {"h1111": (MemberRole.GRID_LEADER,)}  # 网格长 of g111 as well
    nodes: list[Node] = [
        Member(id=i, name=n, category=c, roles=(MemberRole.HOUSEHOLD_HEAD, *leader.get(i, ())), households=h, provenance=PROV)
        for i, n, c, h, _ in heads
    ]
    edges: list[Edge] = []
    for i, _, _, _, g in heads:
        edges += [MemberOf(source=i, target=f"o-{g}", provenance=PROV), Serves(source=i, target=g, provenance=PROV)]
    nodes += [
        Member(id="m1", name="赵敏", category=S, provenance=PROV),  # belongs to a unit's organisation: not the community's
        Member(id="m2", name="孙丽", category=D, provenance=PROV),  # belongs to 春晖苑党支部, serves nowhere
        Member(id="m3", name="周涛", category=R, roles=(MemberRole.GRID_LEADER,), provenance=PROV),  # serves g311, belongs nowhere
    ]
    edges += [
        MemberOf(source="m1", target="o-u1", provenance=PROV),
        MemberOf(source="m2", target="o-a11", provenance=PROV),
        Serves(source="m3", target="g311", provenance=PROV),
    ]
    # 双报到: in-service members held by their work unit's organisation (or the community's), reporting where they live
    nodes += [
        Member(id="m4", name="吴磊", category=S, provenance=PROV),
        Member(id="m5", name="郑洁", category=S, provenance=PROV),
        Member(id="m6", name="冯刚", category=S, provenance=PROV),
        Member(id="m7", name="何琳", category=S, provenance=PROV),
        Member(id="r1", name="郑大妈", party_member=False, roles=(MemberRole.HOUSEHOLD_HEAD,), households=8, provenance=PROV),
    ]
    edges += [
        ReportedTo(source="m1", target="c1", valid_from=date(2025, 3, 1), provenance=PROV),
        MemberOf(source="m4", target="o-u4", valid_from=date(2025, 12, 1), provenance=PROV),  # 182 days unreported on AS_OF
        MemberOf(source="m5", target="o-c3", valid_from=date(2024, 1, 1), provenance=PROV),
        ReportedTo(source="m5", target="u12", valid_from=date(2024, 3, 1), provenance=PROV),
        MemberOf(source="m6", target="o-u1", valid_from=date(2023, 1, 1), provenance=PROV),
        ReportedTo(source="m6", target="s1", valid_from=date(2023, 2, 1), provenance=PROV),
        MemberOf(source="m7", target="o-c1", valid_from=date(2026, 4, 1), provenance=PROV),  # 61 days: within the norm
        Serves(source="r1", target="g211", provenance=PROV),
    ]
    return Batch(nodes=nodes, edges=edges)


def _units() -> Batch:
    units = [  # id, name, type, community, own organisation (id, members, parent) or None, eligible, members
        ("u1", "抚东供电公司", UnitType.SOE, "c1", ("o-u1", 30, "o-c1"), None, None),
        ("u2", "春晖苑物业服务有限公司", UnitType.PROPERTY_COMPANY, "c1", None, None, None),
        ("u3", "春晖苑业主委员会", UnitType.OWNERS_COMMITTEE, "c1", ("o-u3", 2, "o-c1"), None, None),
        ("u4", "区教育局", UnitType.ORGAN, "c1", ("o-u4", 10, "o-sys-organ"), None, None),
        ("u5", "和平苑物业服务有限公司", UnitType.PROPERTY_COMPANY, "c2", ("o-u5", 5, None), None, None),
        ("u6", "区人民医院", UnitType.HOSPITAL, "c3", None, None, None),
        ("u7", "和平苑业主委员会", UnitType.OWNERS_COMMITTEE, "c2", None, None, None),
        ("u8", "区中医院", UnitType.HOSPITAL, "c3", ("o-u8", 300, "o-sys-health"), True, 300),
        ("u9", "东湖科技园", UnitType.INDUSTRIAL_PARK, "c1", None, True, 2),
        ("u10", "和平快递站", UnitType.NEW_EMPLOYMENT, "c2", None, False, 5),
        ("u11", "和平科技有限公司", UnitType.ENTERPRISE, "c2", None, None, 4),
        ("u12", "西湖工业园区", UnitType.INDUSTRIAL_PARK, "c3", None, None, None),  # m5 reported to it (双报到)
        ("u13", "东湖商务楼", UnitType.COMMERCIAL_BUILDING, "c1", ("o-u13", 8, "o-c1"), True, 8),
        ("u14", "和平苑二期业主委员会", UnitType.OWNERS_COMMITTEE, "c2", None, False, None),
        ("rc1", "幸福社区居民委员会", UnitType.RESIDENTS_COMMITTEE, "c1", None, None, 6),  # the community's own body: counted nowhere
        ("rc2", "和平社区居民委员会", UnitType.RESIDENTS_COMMITTEE, "c2", None, None, None),
        ("rc3", "光明社区居民委员会", UnitType.RESIDENTS_COMMITTEE, "c3", None, None, None),
    ]
    nodes: list[Node] = []
    edges: list[Edge] = []
    for uid, name, unit_type, community, org, eligible, working in units:
        nodes.append(Unit(id=uid, name=name, unit_type=unit_type, eligible=eligible, members=working, provenance=PROV))
        edges.append(LocatedIn(source=uid, target=community, provenance=PROV))
        if org:
            oid, members, parent = org
            form = OrgForm.COMMITTEE if members >= 100 else OrgForm.BRANCH
            name = f"{name}党{'委' if form is OrgForm.COMMITTEE else '支部'}"
            nodes.append(Organisation(id=oid, name=name, level=Level.UNIT, form=form, members=members, provenance=PROV))
            edges.append(Covers(source=oid, target=uid, provenance=PROV))
            if parent:
                edges.append(ReportsTo(source=oid, target=parent, provenance=PROV))
    # 三方共议: a11 has its branch, owners' committee and property company; u2 also runs the abandoned a12
    edges += [Manages(source=u, target=a, provenance=PROV) for u, a in (("u2", "a11"), ("u3", "a11"), ("u5", "a21"), ("u2", "a12"))]
    return Batch(nodes=nodes, edges=edges)


def _centres() -> Batch:
    everything = dict.fromkeys(("has_venue", "has_facilities", "has_sign", "has_flag", "has_reading", "has_rules"), True)
    centres = [  # id, name, level, territory, service share, 六有 lacking
        ("sc1", "幸福社区党群服务中心", CentreLevel.COMMUNITY_CENTRE, "c1", 92.0, ()),
        ("sc2", "和平社区党群服务中心", CentreLevel.COMMUNITY_CENTRE, "c2", 85.0, ("has_reading", "has_rules")),
        ("sc3", "东湖街道党群服务中心", CentreLevel.STREET_CENTRE, "s1", None, ()),
    ]
    nodes: list[Node] = []
    edges: list[Edge] = []
    for cid, name, level, territory, share, lacking in centres:
        haves = everything | dict.fromkeys(lacking, False)
        nodes.append(ServiceCentre(id=cid, name=name, centre_level=level, service_share=share, provenance=PROV, **haves))
        edges.append(CentreFor(source=cid, target=territory, provenance=PROV))
    return Batch(nodes=nodes, edges=edges)


def _agreements() -> Batch:
    agreements = [  # id, community org, other party, signed, expires
        ("ag0", "o-c1", "o-u1", date(2022, 1, 1), date(2024, 12, 31)),  # expired, renewed by ag1: not a gap
        ("ag1", "o-c1", "o-u1", date(2025, 1, 1), date(2027, 12, 31)),
        ("ag2", "o-c1", "o-u4", date(2025, 3, 1), date(2026, 7, 15)),  # expires 44 days after AS_OF
        ("ag3", "o-c2", "o-u5", date(2024, 1, 1), date(2025, 12, 31)),  # expired, not renewed
        ("ag4", "o-c3", "u6", date(2026, 1, 1), None),  # the unit has no organisation: it signs itself
    ]
    nodes: list[Node] = []
    edges: list[Edge] = []
    for aid, community_org, other, signed, expires in agreements:
        nodes.append(Agreement(id=aid, signed_on=signed, expires_on=expires, needs=("养老服务",), projects=("义诊",), provenance=PROV))
        for party in (community_org, other):
            edges.append(SignedBy(source=aid, target=party, valid_from=signed, valid_to=expires, provenance=PROV))
    return Batch(nodes=nodes, edges=edges)


def _seats_and_alliances() -> Batch:
    seats = [  # id, person, committee, unit, from, to
        ("seat1", "赵敏", "o-c1", "u1", date(2025, 2, 1), date(2030, 1, 31)),
        ("seat2", "钱进", "o-s2", "u1", date(2025, 1, 1), date(2027, 12, 31)),
        ("seat3", "孙浩", "o-s2", "u6", date(2020, 1, 1), date(2024, 12, 31)),
        ("seat4", "吴刚", "o-c2", "u5", date(2020, 1, 1), date(2023, 12, 31)),
    ]
    nodes: list[Node] = []
    edges: list[Edge] = []
    for sid, person, committee, unit, start, end in seats:
        nodes.append(Seat(id=sid, person=person, role="兼职委员", valid_from=start, valid_to=end, provenance=PROV))
        edges.append(SeatOn(source=sid, target=committee, valid_from=start, valid_to=end, provenance=PROV))
        edges.append(OnBehalfOf(source=sid, target=unit, valid_from=start, valid_to=end, provenance=PROV))
    edges.append(HeldBy(source="seat1", target="m1", provenance=PROV))
    nodes.append(Alliance(id="al1", name="东湖党建联盟", alliance_kind=AllianceKind.ALLIANCE, provenance=PROV))
    edges += [
        InAlliance(source="o-s1", target="al1", lead=True, provenance=PROV),
        InAlliance(source="o-c1", target="al1", provenance=PROV),
        InAlliance(source="u2", target="al1", provenance=PROV),
    ]
    practice = [  # 党建共同体 (Heshan): id, name, members (id, lead, until)
        ("al2", "东湖党建共同体", [("c1", True, None), *[(m, False, None) for m in ("o-c2", "o-u1", "o-u4", "u5", "u11")]]),
        ("al3", "西湖党建共同体", [("o-c3", True, None), ("u6", False, None), ("o-u8", False, date(2025, 12, 31))]),
    ]
    for aid, name, members in practice:
        nodes.append(Alliance(id=aid, name=name, alliance_kind=AllianceKind.COMMUNITY_OF_PRACTICE, provenance=PROV))
        edges += [InAlliance(source=m, target=aid, lead=lead, valid_to=until, provenance=PROV) for m, lead, until in members]
    return Batch(nodes=nodes, edges=edges)


SECRETARY, DIRECTOR, CHAIR, MEMBER = PostKind.SECRETARY, PostKind.DIRECTOR, PostKind.CHAIR, PostKind.MEMBER
POSTS = [  # id, body, post, person, holder, from, to
    ("p-d", "o-d", SECRETARY, "郑书记", None, date(2021, 1, 1), None),
    ("p-s1", "o-s1", SECRETARY, "冯书记", None, date(2021, 1, 1), None),
    ("p-s2", "o-s2", SECRETARY, "蒋书记", None, date(2021, 1, 1), None),
    ("p-c1", "o-c1", SECRETARY, "陈红", None, date(2021, 1, 1), None),
    ("p-c2", "o-c2", SECRETARY, "韩书记", None, date(2021, 1, 1), None),
    ("p-c3", "o-c3", SECRETARY, "曹书记", None, date(2021, 1, 1), None),
    ("p-c3-m", "o-c3", MEMBER, "吴丽", None, date(2021, 1, 1), None),  # a committee member and rc3's director: two bodies
    ("p-a11", "o-a11", SECRETARY, "王芳", "h1111", date(2022, 1, 1), None),
    ("p-a21", "o-a21", SECRETARY, "彭书记", None, date(2021, 1, 1), date(2026, 5, 1)),  # left 31 days before AS_OF
    ("p-a31", "o-a31", SECRETARY, "许书记", None, date(2021, 1, 1), None),
    ("p-u1", "o-u1", SECRETARY, "赵敏", "m1", date(2023, 1, 1), None),
    ("p-u3", "o-u3", SECRETARY, "何书记", None, date(2023, 1, 1), None),
    ("p-u4", "o-u4", SECRETARY, "吕书记", None, date(2023, 1, 1), None),
    ("p-u8", "o-u8", SECRETARY, "郭书记", None, date(2022, 1, 1), None),
    ("p-u13", "o-u13", SECRETARY, "林书记", None, date(2024, 1, 1), None),
    ("p-u3-chair", "u3", CHAIR, "王芳", "h1111", date(2022, 1, 1), None),  # 一肩挑 with p-a11
    ("p-rc1", "rc1", DIRECTOR, "陈红", None, date(2021, 1, 1), None),  # 一肩挑 with p-c1
    ("p-rc2", "rc2", DIRECTOR, "施主任", None, date(2020, 1, 1), date(2025, 12, 31)),  # vacant since 2026-01-01
    ("p-rc3", "rc3", DIRECTOR, "吴丽", None, date(2021, 1, 1), None),
    ("p-rc3-old", "rc3", DIRECTOR, "张主任", None, date(2015, 1, 1), date(2020, 12, 31)),  # a predecessor: not vacant
]
TEAMS = [  # id, name, kind, territory, members, from, to
    ("t1", "春晖苑党员志愿服务队", TeamKind.VOLUNTEER, "g111", ("h1111", "h1112"), date(2024, 1, 1), None),
    ("t2", "光明苑网格服务团队", TeamKind.GRID_SERVICE, "g311", ("h3111", "m3"), date(2024, 1, 1), None),
    ("t3", "幸福社区先锋队", TeamKind.VANGUARD, "c1", ("h1113",), date(2023, 1, 1), date(2025, 12, 31)),
]


def _posts_and_teams() -> Batch:
    nodes: list[Node] = []
    edges: list[Edge] = []
    for pid, body, post, person, holder, start, end in POSTS:
        nodes.append(Post(id=pid, post=post, person=person, valid_from=start, valid_to=end, provenance=PROV))
        edges.append(PostIn(source=pid, target=body, valid_from=start, valid_to=end, provenance=PROV))
        if holder:
            edges.append(HeldBy(source=pid, target=holder, valid_from=start, valid_to=end, provenance=PROV))
    for tid, name, kind, territory, members, start, end in TEAMS:
        nodes.append(Team(id=tid, name=name, team_kind=kind, valid_from=start, valid_to=end, provenance=PROV))
        edges.append(TeamServes(source=tid, target=territory, valid_from=start, valid_to=end, provenance=PROV))
        edges += [InTeam(source=m, target=tid, valid_from=start, valid_to=end, provenance=PROV) for m in members]
    return Batch(nodes=nodes, edges=edges)


def known_network() -> list[Batch]:
    """The network as batches, to write in order."""
    return [
        _territories(),
        _redrawn(),
        _chain(),
        _units(),
        _members(),
        _agreements(),
        _seats_and_alliances(),
        _centres(),
        _posts_and_teams(),
    ]


def known_store() -> MemoryStore:
    """An embedded store in memory holding the known district: for tests that need no other store."""
    store = MemoryStore()
    for batch in known_network():
        store.write(batch)
    return store


# -- the answers, by construction (on AS_OF, default settings) ---------------------------------

COVERAGE: dict[str, dict[str, tuple[int, int]]] = {
    # figure: (numerator, denominator) per territory
    "d": {
        "residential_areas_with_branch": (4, 6),  # a22 is covered by the joint branch o-a21
        "grids_with_group": (5, 7),  # g2x, the street's large grid, has its group
        "buildings_with_group": (1, 2),
        "households_linked": (109, 470),  # 30 + 31 + 0 + (10 + 8) + 20 + 0 + 10 (g2x)
        "property_companies_with_organisation": (1, 2),
        "owners_committees_with_organisation": (1, 2),
        "units_in_agreements": (3, 14),  # u1 (ag1), u4 (ag2), u6 (ag4); rc1-rc3, the residents' committees, are no resident units
        "two_new_with_organisation": (1, 4),  # u13; u9, u11 and u12 have none, u10 is not eligible
        "communities_with_centre": (2, 4),
        "centres_meeting_six_haves": (2, 3),
        "centres_mostly_for_service": (1, 2),
        "areas_with_three_parties": (1, 6),  # a22, the joint branch's second area, has neither unit
        "abandoned_areas_run": (1, 2),
    },
    "s1": {
        "residential_areas_with_branch": (3, 4),
        "grids_with_group": (3, 4),
        "buildings_with_group": (1, 2),
        "households_linked": (79, 430),
        "property_companies_with_organisation": (1, 2),
        "owners_committees_with_organisation": (1, 2),
        "units_in_agreements": (2, 11),
        "two_new_with_organisation": (1, 3),
        "communities_with_centre": (2, 2),
        "centres_meeting_six_haves": (2, 3),
        "centres_mostly_for_service": (1, 2),
        "areas_with_three_parties": (1, 4),
        "abandoned_areas_run": (1, 1),
    },
    "s2": {
        "residential_areas_with_branch": (1, 2),
        "grids_with_group": (2, 3),
        "buildings_with_group": (0, 0),
        "households_linked": (30, 40),
        "property_companies_with_organisation": (0, 0),
        "owners_committees_with_organisation": (0, 0),
        "units_in_agreements": (1, 3),  # u6 (ag4); u8 and u12 none
        "two_new_with_organisation": (0, 1),  # the park u12
        "communities_with_centre": (0, 2),
        "centres_meeting_six_haves": (0, 0),
        "centres_mostly_for_service": (0, 0),
        "areas_with_three_parties": (0, 2),
        "abandoned_areas_run": (0, 1),
    },
    "c1": {
        "residential_areas_with_branch": (1, 2),
        "grids_with_group": (2, 3),
        "buildings_with_group": (1, 2),
        "households_linked": (61, 120),
        "property_companies_with_organisation": (0, 1),
        "owners_committees_with_organisation": (1, 1),
        "units_in_agreements": (2, 6),
        "two_new_with_organisation": (1, 2),
        "communities_with_centre": (1, 1),
        "centres_meeting_six_haves": (1, 1),
        "centres_mostly_for_service": (1, 1),
        "areas_with_three_parties": (1, 2),
        "abandoned_areas_run": (1, 1),
    },
    "c2": {
        "residential_areas_with_branch": (2, 2),
        "grids_with_group": (1, 1),
        "buildings_with_group": (0, 0),
        "households_linked": (18, 310),
        "property_companies_with_organisation": (1, 1),
        "owners_committees_with_organisation": (0, 1),
        "units_in_agreements": (0, 5),
        "two_new_with_organisation": (0, 1),
        "communities_with_centre": (1, 1),
        "centres_meeting_six_haves": (0, 1),
        "centres_mostly_for_service": (0, 1),
        "areas_with_three_parties": (0, 2),
        "abandoned_areas_run": (0, 0),
    },
}
STAFF = {"d": (8, 470), "s1": (2, 430), "s2": (6, 40), "c1": (2, 120), "c2": (0, 310), "c3": (5, 20), "c4": (1, 10)}
MEMBERS = {  # the chain's roll, where held (r1 is no party member)
    "d": {R: 5, S: 4, D: 2, F: 1, X: 1},
    "s1": {R: 2, S: 2, D: 2, F: 1, X: 1},
    "s2": {R: 3, S: 2},  # h3111, m3 (serves g311, held nowhere), h2x1 (o-g2x), h3112, m5
    "c1": {R: 2, S: 2, D: 2, F: 1},  # h1111, h1112, h1113, h1121, h1122, m2, m7 (m1, m4, m6 are units' members)
}
UNIT_MEMBERS = {"d": {S: 3}, "s1": {S: 3}, "s2": {}, "c1": {S: 3}}
"""The units' roll: m1 and m6 (o-u1), m4 (o-u4)."""
ROLL: dict[str, dict[str, tuple[int, int]]] = {
    # the roll's coverage figures: (numerator, denominator) per territory
    "d": {
        "in_service_reported": (3, 7),  # held: h1113, h3112, m5, m7, m1, m4, m6; reported m1, m5, m6
        "reports_received": (3, 7),  # m1 → c1, m5 → u12 (in c3), m6 → s1
        "grids_with_leader": (2, 7),  # g111 (h1111), g311 (m3); g2x has none
        "buildings_with_leader": (0, 2),  # b1111, b1112: no 楼栋长
        "household_heads_party_members": (9, 10),  # r1 is a resident household head
    },
    "s1": {
        "in_service_reported": (2, 5),
        "reports_received": (2, 5),
        "grids_with_leader": (1, 4),
        "buildings_with_leader": (0, 2),
        "household_heads_party_members": (6, 7),
    },
    "s2": {
        "in_service_reported": (1, 2),
        "reports_received": (1, 2),
        "grids_with_leader": (1, 3),
        "buildings_with_leader": (0, 0),
        "household_heads_party_members": (3, 3),
    },
    "c1": {
        "in_service_reported": (2, 5),
        "reports_received": (1, 5),
        "grids_with_leader": (1, 3),
        "buildings_with_leader": (0, 2),
        "household_heads_party_members": (5, 5),
    },
    "c2": {
        "in_service_reported": (0, 0),
        "reports_received": (0, 0),
        "grids_with_leader": (0, 1),
        "buildings_with_leader": (0, 0),
        "household_heads_party_members": (1, 2),
    },
}

GAPS: dict[str, list[str]] = {
    # rule: the offending node ids in the district
    "area_without_branch": ["a12", "a41"],
    "grid_without_group": ["g121", "g411"],
    "community_without_organisation": ["c4"],
    "hanging_organisation": ["o-u5", "o-a31"],
    "unlinked_households": ["g112", "g121", "g211", "g411"],
    "head_over_norm": ["h1122"],
    "grid_without_leader": ["g112", "g121", "g211", "g411", "g2x"],  # g2x, the street's large grid, too
    "in_service_unreported": ["m4", "h1113", "h3112"],  # m4 182 days; the heads' start is not recorded; m7 61 days
    "committee_under_threshold": ["o-c2"],
    "community_over_threshold_not_committee": ["o-c3"],
    "branch_under_minimum": ["o-u3", "o-a21"],
    "community_without_agreement": ["c2"],
    "agreement_expired": ["ag3"],
    "agreement_expiring": ["ag2"],
    "property_company_without_organisation": ["u2"],
    "owners_committee_without_organisation": ["u7"],  # u14 is recorded as not meeting the conditions
    "two_new_without_organisation": ["u9", "u11", "u12"],  # u10 is not eligible; u13 has its organisation
    "eligible_unit_without_organisation": ["u11"],  # 4 members; u10's 5 are not eligible, rc1 is the community's own body
    "committee_without_concurrent_member": ["o-c2"],
    "under_staffed": ["c2"],
    "community_without_centre": ["c3", "c4"],
    "centre_short_of_service": ["sc2"],
    "centre_missing_six_haves": ["sc2"],
    "area_without_three_parties": ["a12", "a21", "a22", "a31", "a41"],  # a11 alone has all three
    "abandoned_area_unrun": ["a41"],  # a12 is run by u2
    "big_working_committee_without_unit": ["o-s1"],  # o-s2 has seat2 (seat3 ended in 2024)
    "outside_community_of_practice": ["u13", "u9", "u2", "u8", "u12", "c4"],  # 三全: u2 is only in an alliance, u8 left al3
    "organisation_without_secretary": ["o-a21", "o-u5"],
    "post_vacant": ["p-rc2"],
    "residents_committee_without_director": ["rc2"],
}
UPGRADED = {"d": 1, "s1": 1, "s2": 0, "c1": 1}
"""Organisations upgraded by decision (特批升格) covering the scope's territories: o-c1."""

REDRAWING: dict[date, dict[str, object]] = {
    # on a day: the communities of s2, where a41 lies, and s2's communities without an organisation
    BEFORE_REDRAWING: {"communities": ["c0", "c3"], "a41_in": "c0", "community_without_organisation": []},
    AS_OF: {"communities": ["c3", "c4"], "a41_in": "c4", "community_without_organisation": ["c4"]},
}

_IN_S2 = {"a31", "a41", "g411", "g2x", "c3", "c4", "o-a31", "o-c3", "h3112", "u8", "u12"}
GAPS_BY_STREET = {
    "s1": {rule: [n for n in ids if n not in _IN_S2] for rule, ids in GAPS.items()},
    "s2": {rule: [n for n in ids if n in _IN_S2] for rule, ids in GAPS.items()},
}

PEOPLE: dict[str, dict[str, object]] = {
    # scope: the people counts (graph.people) on AS_OF
    "d": {
        "concurrent_members": 1,  # seat1 on o-c1 (seat4 ended 2023)
        "street_committee_members": 1,  # seat2 on o-s2 (seat3 ended 2024)
        "one_shoulder_area": 1,  # 王芳: o-a11 and u3
        "one_shoulder_community": 1,  # 陈红: o-c1 and rc1
        "cross_posted": ["吴丽", "王芳", "赵敏", "陈红"],  # 吴丽: o-c3 member and rc3 director; 赵敏: o-u1 and seat1
        "teams": 2,
        "team_members": 4,
        "grids_with_team": (2, 7),  # g2x, the street's large grid, has none
    },
    "s1": {
        "concurrent_members": 1,
        "street_committee_members": 0,
        "one_shoulder_area": 1,
        "one_shoulder_community": 1,
        "cross_posted": ["王芳", "赵敏", "陈红"],
        "teams": 1,
        "team_members": 2,
        "grids_with_team": (1, 4),
    },
    "s2": {
        "concurrent_members": 0,
        "street_committee_members": 1,
        "one_shoulder_area": 0,
        "one_shoulder_community": 0,
        "cross_posted": ["吴丽"],
        "teams": 1,
        "team_members": 2,
        "grids_with_team": (1, 3),
    },
}

_S1_ORGS = ["o-c1", "o-a11", "o-g111", "o-b1111", "o-g112", "o-u1", "o-u3", "o-u4", "o-u13"]  # c1's organisations and its units'
_C2_ORGS = ["o-c2", "o-a21", "o-g211", "o-u5"]
_S1_UNITS = ["u1", "u2", "u3", "u4", "u9", "u13"]  # c1's units but its residents' committee
_C2_UNITS = ["u5", "u7", "u10", "u11", "u14"]
_S2_PART = (
    ["o-c3", "o-a31", "o-g311", "o-u8"],
    ["u6", "u8", "u12"],
    3,
)  # o-c3 covers c3: what lies there; h3111, h3112 in o-g311, m5 in o-c3
_PARTY_MEMBERS = 11  # h1111, h1112, h1113 (o-g111), h1121, h1122 (o-g112), h2111 (o-g211), m1, m6 (o-u1), m2 (o-a11), m4 (o-u4), m7 (o-c1)
REACH: dict[str, dict[str, tuple[list[str], list[str], int]]] = {
    # scope: alliance: (organisations, units, party members) it reaches within the scope on AS_OF. A member organisation
    # covering a territory brings what lies in it (o-s1: the whole street; o-c2: c2), as the member territory c1 does.
    "d": {
        "al1": (["o-s1", *_S1_ORGS, *_C2_ORGS], [*_S1_UNITS, *_C2_UNITS], _PARTY_MEMBERS),
        "al2": ([*_S1_ORGS, *_C2_ORGS], [*_S1_UNITS, *_C2_UNITS], _PARTY_MEMBERS),
        "al3": _S2_PART,  # o-u8 left it on 2025-12-31, but u8 lies in c3; o-a31 reports to nobody but covers a31
    },
    "s2": {"al3": _S2_PART},
    "c1": {  # c1's part of each: nothing of c2 nor the street's own committee
        "al1": (_S1_ORGS, _S1_UNITS, 10),  # all of _PARTY_MEMBERS but h2111
        "al2": (_S1_ORGS, _S1_UNITS, 10),
    },
}
