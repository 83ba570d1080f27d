"""A synthetic network with planted gaps, deterministic from a seed.

Sizes follow the seed articles: streets of 4-12 communities, communities of 3-10
residential areas, residential areas of 1-6 grids, grids of 100-300 households, a
household head (联户长) per about ten households. Gaps are planted at chosen rates so
that every gap rule has something to find. The same spec and seed give the same
network, ids, names and dates included.
"""

from __future__ import annotations

import math
import random
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from pydantic import BaseModel

from graph.model import (
    SIX_HAVES,
    Agreement,
    Alliance,
    AllianceKind,
    Batch,
    CentreFor,
    CentreLevel,
    Covers,
    InAlliance,
    Level,
    LocatedIn,
    Manages,
    Member,
    MemberCategory,
    MemberOf,
    MemberRole,
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
    Territory,
    Unit,
    UnitType,
    Within,
    post_id,
)

__all__ = ["NO_SHAPES", "GapRates", "NetworkSpec", "ShapeRates", "generate"]


@dataclass(frozen=True, kw_only=True)
class GapRates:
    """How often each kind of gap is planted, as a share of the places it can occur: 0 plants none.

    Each rate bears the name of the gap rule (graph/gaps) that finds what it plants, so
    ``--gap NAME=RATE`` and ``GET /gap-rules`` speak of the same thing. Five rules have no rate:
    outside_community_of_practice (the 共同体 generated take in some communities and units, not all),
    community_without_organisation (every community generated is covered; hanging_organisation's
    rate leaves units' organisations without a superior), area_without_three_parties (an area lacks its
    branch or owners' committee at their own rates), community_over_threshold_not_committee (the
    communities generated as a branch or general branch stay under the threshold) and
    agreement_expiring (agreements in force end on random days, so some fall due anyway).
    """

    area_without_branch: float = 0.08  # 小区 with no 小区党支部 (Suyu's 覆盖盲区)
    grid_without_group: float = 0.08  # 网格 with no 网格党小组
    unlinked_households: float = 0.10  # grids where heads link only part of the households
    committee_under_threshold: float = 0.10  # community committees under 100 members, not upgraded
    branch_under_minimum: float = 0.05  # branches under three full members
    agreement_expired: float = 0.15  # co-building agreements past their term
    head_over_norm: float = 0.02  # household heads linking well over ten households
    community_without_agreement: float = 0.05
    committee_without_concurrent_member: float = 0.10  # 大党委 with no 兼职委员
    under_staffed: float = 0.15  # communities below one worker per 300 households
    property_company_without_organisation: float = 0.073  # Fuzhou: 92.7% of property companies have an organisation
    owners_committee_without_organisation: float = 0.319  # Fuzhou: 68.1% of owners' committees have one
    hanging_organisation: float = 0.02  # units' organisations with no superior in either line (挂空挡)
    two_new_without_organisation: float = 0.3  # parks, commercial buildings, new-employment groups without one (Suyu's 盲区)
    eligible_unit_without_organisation: float = 0.05  # units without an organisation with three members or more
    community_without_centre: float = 0.05  # communities no party-mass service centre serves
    centre_short_of_service: float = 0.10  # centres under 90% of their space for service (Fuzhou)
    centre_missing_six_haves: float = 0.10  # centres lacking one of Duyun's 六有
    abandoned_area_unrun: float = 0.3  # of the abandoned areas (弃管小区, about 5%), those no company runs
    big_working_committee_without_unit: float = 0.2  # streets whose 大工委 seats no unit (Suyu)
    organisation_without_secretary: float = 0.03  # organisations below the district (groups aside) with no secretary on record
    post_vacant: float = 0.01  # organisations whose last secretary left long ago and none followed
    residents_committee_without_director: float = 0.03  # residents' committees (居委会) with no director (主任) on record
    grid_without_leader: float = 0.05  # grids whose household heads include no grid leader (网格长)
    in_service_unreported: float = 0.20  # in-service members of the roll who have not reported (双报到) long after joining


@dataclass(frozen=True, kw_only=True)
class ShapeRates:
    """How often each shape of issue 12 is planted, as a share of the places it can occur: 0 plants none.

    Drawn from a generator of their own, so that a seed gives the chain it always gave, with the
    shapes added to it.
    """

    large_grid: float = 0.2  # streets with a large grid of their own (Heshan's 全科网格), its group reporting to the street
    building: float = 0.05  # grids with a building (楼栋) under them, with a building group where the grid has one
    joint_branch: float = 0.05  # residential areas covered by the branch of the area before them (联合党支部)
    redrawn: float = 0.05  # communities whose first area moved in from a community that ended (a re-drawing, Duyun)


NO_SHAPES = ShapeRates(large_grid=0.0, building=0.0, joint_branch=0.0, redrawn=0.0)
"""The chain alone, five levels as Duyun draws it: for tests that count what the chain holds."""


@dataclass(frozen=True, kw_only=True)
class NetworkSpec:
    """What to generate: about ``households`` households in one district."""

    households: int = 20_000
    seed: int = 7
    members_per_household: float = 0.15
    """党员: about 6% of residents, at 2.5 residents a household (Suyu: 8,263 of 175,000); household heads included."""
    as_of: date = date(2026, 11, 1)
    gaps: GapRates = field(default_factory=GapRates)
    shapes: ShapeRates = field(default_factory=ShapeRates)
    lists: float = 0.7
    """The share of communities keeping a needs list (需求清单) and of units a resources list (资源清单), for 双向点单; 0: none."""


_STREET_WORDS = [
    "东湖",
    "西湖",
    "南门",
    "北门",
    "城关",
    "临江",
    "滨江",
    "长山",
    "青云",
    "文昌",
    "凤凰",
    "金溪",
    "玉茗",
    "大公",
    "学府",
    "荆公",
    "汝水",
    "钟岭",
    "白云",
    "桂花",
    "龙津",
    "梦湖",
    "上顿",
    "崇仁",
    "抚河",
    "赣东",
    "名人",
    "钟楼",
    "朝阳",
    "温泉",
]
_PLACE_WORDS = [
    "幸福",
    "和平",
    "光明",
    "团结",
    "春晖",
    "锦绣",
    "翠苑",
    "丽景",
    "银湖",
    "华庭",
    "新村",
    "佳园",
    "嘉园",
    "秀水",
    "兰亭",
    "桃源",
    "明珠",
    "御景",
    "紫荆",
    "梧桐",
    "香樟",
    "清风",
    "朝晖",
    "书香",
    "枫林",
    "康乐",
]
_SURNAMES = list("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾萧田董潘袁蔡蒋余于杜叶程魏苏吕丁任沈姚卢")
_GIVEN = list("伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华建国志红玉兰春梅海燕文斌辉")
_UNIT_NAMES = {
    UnitType.ORGAN: "区{}局",
    UnitType.SOE: "{}供电公司",
    UnitType.SCHOOL: "{}小学",
    UnitType.HOSPITAL: "{}人民医院",
    UnitType.ENTERPRISE: "{}科技有限公司",
    UnitType.SOCIAL_ORG: "{}志愿者协会",
}
_SYSTEMS = {  # 系统党组织 of the district: the lines units' organisations report up
    SystemKind.ORGAN_WORK_COMMITTEE: ("o-sys-organ", "区直机关工委"),
    SystemKind.EDUCATION: ("o-sys-edu", "区委教育工委"),
    SystemKind.HEALTH: ("o-sys-health", "区卫健工委"),
    SystemKind.SOE: ("o-sys-soe", "区国资委党委"),
    SystemKind.TWO_NEW: ("o-sys-two-new", "区两新工委"),
    SystemKind.NEW_EMPLOYMENT: ("o-sys-new-emp", "区新就业群体综合党委"),
}
_OWN_LINE = {
    UnitType.ORGAN: SystemKind.ORGAN_WORK_COMMITTEE,
    UnitType.SCHOOL: SystemKind.EDUCATION,
    UnitType.HOSPITAL: SystemKind.HEALTH,
    UnitType.SOE: SystemKind.SOE,
    UnitType.NEW_EMPLOYMENT: SystemKind.NEW_EMPLOYMENT,
}
"""The line each kind of unit's organisation reports up; the others are managed locally (属地), by their community."""
_NEW_UNITS = [  # 两新 of a community: (suffix, name pattern, type, how often a community has one)
    ("park", "{}工业园", UnitType.INDUSTRIAL_PARK, 0.15),
    ("bld", "{}商务楼宇", UnitType.COMMERCIAL_BUILDING, 0.3),
    ("ne", "{}快递外卖新就业群体", UnitType.NEW_EMPLOYMENT, 0.4),
]

_ORG_FORM_NAMES = {OrgForm.COMMITTEE: "党委", OrgForm.GENERAL_BRANCH: "党总支", OrgForm.BRANCH: "党支部"}
_NEEDS = ["老旧小区改造", "养老服务", "四点半课堂", "就业帮扶", "环境整治", "文明创建", "矛盾调解", "义诊"]
_NEED_ITEMS = [
    "助老服务",
    "为老服务",
    "四点半课堂",
    "义诊进社区",
    "就业帮扶",
    "法律咨询",
    "环境卫生整治",
    "矛盾纠纷化解",
    "微心愿认领",
    "活动场地",
]
"""需求清单 items a generated community may keep, in the seeds' words (Duyun's 家门口 services, 微心愿; Heshan's 三张清单)."""
_OFFER_ITEMS = {
    UnitType.HOSPITAL: ["义诊", "健康体检", "医养结合"],
    UnitType.SCHOOL: ["课后托管", "课业辅导", "活动场地"],
    UnitType.ORGAN: ["法律服务", "普法宣传", "人民调解"],
    UnitType.SOE: ["就业岗位", "职业培训", "党员志愿服务队"],
    UnitType.ENTERPRISE: ["技能培训", "就业岗位", "认领微心愿"],
    UnitType.SOCIAL_ORG: ["居家养老", "日间照料", "志愿服务"],
    UnitType.PROPERTY_COMPANY: ["卫生保洁", "物业服务"],
}
"""资源清单 items a generated unit of each type may offer, in the seeds' words, often a synonym of a community's (助老 ~ 居家养老)."""
_CATEGORIES = [
    (MemberCategory.RETIRED, 0.45),
    (MemberCategory.IN_SERVICE, 0.30),
    (MemberCategory.RESIDENT, 0.15),
    (MemberCategory.FLOATING, 0.05),
    (MemberCategory.SOE_TRANSFERRED, 0.05),
]


def generate(spec: NetworkSpec) -> Iterator[Batch]:
    """The network as batches to write in order: the district, one per street, then cross-street alliances."""
    return _Generator(spec).batches()


class _Generator:
    def __init__(self, spec: NetworkSpec) -> None:
        self.spec = spec
        self.gaps = spec.gaps
        self.rng = random.Random(spec.seed)  # noqa: S311 - a reproducible network, not a secret
        self.shapes = spec.shapes
        self.srng = random.Random(f"shapes:{spec.seed}")  # noqa: S311 - the shapes' own draws leave the chain's as they were
        # The shapes added later (units' own lines, 两新, service centres) draw from a second generator,
        # so that a seed still gives the chain, units and agreements it always gave.
        self.more = random.Random(spec.seed * 7919 + 1)  # noqa: S311
        # the roll draws from its own stream, so that a seed gives the structure, units and heads it always gave
        self.roll_rng = random.Random(f"{spec.seed}:roll")  # noqa: S311
        # secretaries (职务) draw from theirs, so that a seed gives the network it gave before posts existed
        self.post_rng = random.Random(f"{spec.seed}:posts")  # noqa: S311
        # needs and resources lists (双向点单) draw from theirs, so that a seed gives the network it gave before lists existed
        self.list_rng = random.Random(f"{spec.seed}:lists")  # noqa: S311
        self.unit_orgs: list[str] = []
        self.area_branches: list[str] = []
        self.heads_made = 0
        self.community = ""
        self.prov = Provenance(
            source=f"generator:seed={spec.seed}", recorded_at=datetime(spec.as_of.year, spec.as_of.month, spec.as_of.day)
        )
        self.nodes: list[BaseModel] = []
        self.edges: list[BaseModel] = []
        self.community_orgs: list[str] = []
        self._last_branch: dict[str, str] = {}  # each community's latest area branch: a joint branch may cover the next area
        self.unrun: set[str] = set()
        """Abandoned residential areas no company runs: their property company's MANAGES is left out."""

    def batches(self) -> Iterator[Batch]:
        rng = self.rng
        self._territory("d", "抚东区", Level.DISTRICT)
        self._org("o-d", "中共抚东区委员会", Level.DISTRICT, OrgForm.COMMITTEE, members=rng.randint(8_000, 20_000), covers="d")
        for kind, (oid, name) in _SYSTEMS.items():
            form = OrgForm.COMMITTEE if kind in (SystemKind.SOE, SystemKind.NEW_EMPLOYMENT) else OrgForm.WORKING_COMMITTEE
            members = self.more.randint(20, 200)
            self.nodes.append(
                Organisation(id=oid, name=name, level=Level.SYSTEM, form=form, members=members, system_kind=kind, provenance=self.prov)
            )
            self.edges.append(ReportsTo(source=oid, target="o-d", provenance=self.prov))
        yield self._flush()
        placed = 0
        street = 0
        while placed < self.spec.households:
            street += 1
            placed += self._street(street, budget=self.spec.households - placed)
            yield self._flush()
        self._communities_of_practice()
        yield self._flush()

    def _flush(self) -> Batch:
        batch = Batch.model_construct(nodes=self.nodes, edges=self.edges, remove_nodes=[], remove_edges=[])
        self.nodes, self.edges = [], []
        return batch

    # -- builders ---------------------------------------------------------------------------

    def _territory(
        self,
        tid: str,
        name: str,
        level: Level,
        *,
        parent: str | None = None,
        households: int | None = None,
        staff: int | None = None,
        until: date | None = None,
        needs: tuple[str, ...] = (),
    ) -> None:
        self.nodes.append(Territory(id=tid, name=name, level=level, households=households, staff=staff, needs=needs, provenance=self.prov))
        if parent:
            self.edges.append(Within(source=tid, target=parent, valid_to=until, provenance=self.prov))

    def _org(
        self,
        oid: str,
        name: str,
        level: Level,
        form: OrgForm,
        *,
        members: int,
        covers: str,
        parent: str | None = None,
        upgraded: bool = False,
        until: date | None = None,
    ) -> None:
        self.nodes.append(Organisation(id=oid, name=name, level=level, form=form, members=members, upgraded=upgraded, provenance=self.prov))
        self.edges.append(Covers(source=oid, target=covers, valid_to=until, provenance=self.prov))
        if parent:
            self.edges.append(ReportsTo(source=oid, target=parent, valid_to=until, provenance=self.prov))
        if level is not Level.DISTRICT and form is not OrgForm.GROUP:
            self._secretary(oid)

    def _director(self, committee: str) -> None:
        """主任: the residents' committee's director on record, but for those planted without one (from the posts' stream)."""
        rng = self.post_rng
        if rng.random() < self.gaps.residents_committee_without_director:
            return
        self._post(committee, PostKind.DIRECTOR, since=self.spec.as_of - timedelta(days=rng.randint(60, 5 * 365)))

    def _secretary(self, org: str) -> None:
        """书记: the organisation's secretary on record, but for the planted organisations without one or with the post left vacant."""
        rng, gaps = self.post_rng, self.gaps
        roll = rng.random()
        if roll < gaps.organisation_without_secretary:
            return
        since = self.spec.as_of - timedelta(days=rng.randint(60, 5 * 365))
        until = None
        if roll < gaps.organisation_without_secretary + gaps.post_vacant:  # left more than post_vacant_days ago, none followed
            since = self.spec.as_of - timedelta(days=rng.randint(800, 2000))
            until = self.spec.as_of - timedelta(days=rng.randint(200, 700))
        self._post(org, PostKind.SECRETARY, since=since, until=until)

    def _post(self, body: str, kind: PostKind, *, since: date, until: date | None = None) -> None:
        """One term of a post in a body, its holder named from the posts' stream, POST_IN dated as a ledger dates it."""
        person = _person(self.post_rng)
        pid = post_id(body, kind, person, since)
        self.nodes.append(Post(id=pid, post=kind, person=person, valid_from=since, valid_to=until, provenance=self.prov))
        self.edges.append(PostIn(source=pid, target=body, valid_from=since, valid_to=until, provenance=self.prov))

    def _person(self) -> str:
        return _person(self.rng)

    def _phone(self) -> str:
        return f"1{self.rng.choice('3589')}{self.rng.randrange(10**9):09d}"

    def _street(self, number: int, *, budget: int) -> int:
        rng = self.rng
        sid = f"s{number:02d}"
        word = _STREET_WORDS[(number - 1) % len(_STREET_WORDS)]
        suffix = "" if number <= len(_STREET_WORDS) else str((number - 1) // len(_STREET_WORDS) + 1)
        self._territory(sid, f"{word}{suffix}街道", Level.STREET, parent="d")
        self._org(
            f"o-{sid}",
            f"{word}{suffix}街道党工委",
            Level.STREET,
            OrgForm.WORKING_COMMITTEE,
            members=rng.randint(40, 120),
            covers=sid,
            parent="o-d",
        )
        self._centre(f"sc-{sid}", f"{word}{suffix}街道党群服务中心", CentreLevel.STREET_CENTRE, sid)
        alliance = f"al-{sid}"
        self.nodes.append(
            Alliance(id=alliance, name=f"{word}{suffix}街道党建联盟", alliance_kind=AllianceKind.ALLIANCE, provenance=self.prov)
        )
        self.edges.append(InAlliance(source=f"o-{sid}", target=alliance, lead=True, provenance=self.prov))
        placed = 0
        words = rng.sample(_PLACE_WORDS, rng.randint(4, 12))  # no two communities of a street share a name
        for c, community_word in enumerate(words, start=1):
            if placed >= budget:
                break
            placed += self._community(sid, c, name=f"{community_word}社区", budget=budget - placed, street_alliance=alliance)
        if self.srng.random() < self.shapes.large_grid:  # Heshan: a large grid in the street itself, its group reporting to the street
            self._territory(f"{sid}gx", f"{word}{suffix}街道全科网格", Level.GRID, parent=sid)
            self._org(
                f"o-{sid}gx",
                f"{word}{suffix}街道全科网格党小组",
                Level.GRID,
                OrgForm.GROUP,
                members=5,
                covers=f"{sid}gx",
                parent=f"o-{sid}",
            )
        if rng.random() < 1 - self.gaps.big_working_committee_without_unit:  # 大工委: a few units join the street working committee
            units = [n for n in self.nodes if isinstance(n, Unit) and n.unit_type in (UnitType.ORGAN, UnitType.SOE, UnitType.HOSPITAL)]
            for k, unit in enumerate(rng.sample(units, min(len(units), rng.randint(2, 5))), start=1):
                self._seat(f"seat-{sid}-{k}", committee=f"o-{sid}", unit=unit.id)
        return placed

    def _community(self, sid: str, number: int, *, name: str, budget: int, street_alliance: str) -> int:
        """One community; the last one of the network stops at the residential area that meets the budget."""
        rng, gaps = self.rng, self.gaps
        cid = f"{sid}c{number:02d}"
        cname = name
        grids_by_area: dict[str, list[int]] = {}
        households = 0
        for a in range(1, rng.randint(3, 10) + 1):
            if households >= budget:
                break
            grids = [rng.randint(100, 300) for _ in range(rng.randint(1, 6))]
            grids_by_area[f"{cid}a{a:02d}"] = grids
            households += sum(grids)
        areas = list(grids_by_area)
        area_words = rng.sample(_PLACE_WORDS, len(areas))  # nor two residential areas of a community
        staff_norm = math.ceil(households / 300)
        staff = max(1, staff_norm - rng.randint(1, 4)) if rng.random() < gaps.under_staffed else staff_norm + rng.randint(0, 3)
        needs = tuple(self.list_rng.sample(_NEED_ITEMS, self.list_rng.randint(1, 3))) if self.list_rng.random() < self.spec.lists else ()
        self._territory(cid, cname, Level.COMMUNITY, parent=sid, staff=staff, needs=needs)

        members = rng.randint(100, 400)
        form, upgraded = OrgForm.COMMITTEE, False
        roll = rng.random()
        if roll < gaps.committee_under_threshold:
            members = rng.randint(40, 99)  # a committee under the threshold, not upgraded: a gap
        elif roll < gaps.committee_under_threshold + 0.05:
            members, upgraded = rng.randint(60, 99), True  # Heshan: upgraded by decision, not a gap
        elif roll < gaps.committee_under_threshold + 0.12:
            members, form = rng.randint(20, 99), rng.choice([OrgForm.GENERAL_BRANCH, OrgForm.BRANCH])
        oid = f"o-{cid}"
        self._org(
            oid, f"{cname}{_ORG_FORM_NAMES[form]}", Level.COMMUNITY, form, members=members, covers=cid, parent=f"o-{sid}", upgraded=upgraded
        )
        self.community_orgs.append(oid)
        self.edges.append(InAlliance(source=oid, target=street_alliance, provenance=self.prov))

        self.community = cid
        named = [
            (aid, self._area(cid, aid, grids_by_area[aid], word=word, community_org=oid))
            for aid, word in zip(areas, area_words, strict=True)
        ]
        if areas and self.srng.random() < self.shapes.redrawn:
            self._redrawn(sid, cid, cname, areas[0])
        self.unit_orgs = []
        self._units_and_agreements(cid, oid, named, committee=form is OrgForm.COMMITTEE, street_alliance=street_alliance)
        self._new_units(cid, cname, oid)
        if self.more.random() >= gaps.community_without_centre:
            self._centre(f"sc-{cid}", f"{cname}党群服务中心", CentreLevel.COMMUNITY_CENTRE, cid)
        self._roll(sid, cid, oid, grids_by_area, households=households)
        return households

    def _roll(self, sid: str, cid: str, community_org: str, grids_by_area: dict[str, list[int]], *, households: int) -> None:
        """党员名册: the community's party members beyond its household heads, to about ``members_per_household`` in all.

        In-service members (在职) are held by their work unit's organisation where the community has one (双重管理)
        and most reported to the community or the street (双报到); the rest are held by a residential-area branch or
        the community's organisation. About a third volunteer on a grid (志愿者).
        """
        rng, prov, day = self.roll_rng, self.prov, self.spec.as_of
        wanted = round(households * self.spec.members_per_household) - self.heads_made
        self.heads_made = 0
        branches, self.area_branches = self.area_branches, []
        grids = [f"{aid}g{g}" for aid, sizes in grids_by_area.items() for g in range(1, len(sizes) + 1)]
        for k in range(1, max(0, wanted) + 1):
            category = rng.choices([c for c, _ in _CATEGORIES], [w for _, w in _CATEGORIES])[0]
            mid = f"m-{cid}-{k:04d}"
            since = day - timedelta(days=rng.randint(120, 4_000))
            self.nodes.append(Member(id=mid, name=self._person(), category=category, provenance=prov))
            if category is MemberCategory.IN_SERVICE and self.unit_orgs:
                self.edges.append(MemberOf(source=mid, target=rng.choice(self.unit_orgs), valid_from=since, provenance=prov))
            else:
                holder = rng.choice(branches) if branches and rng.random() < 0.7 else community_org
                self.edges.append(MemberOf(source=mid, target=holder, valid_from=since, provenance=prov))
            if category is MemberCategory.IN_SERVICE and rng.random() >= self.gaps.in_service_unreported:
                reported_on = min(day, since + timedelta(days=rng.randint(10, 90)))
                place = sid if rng.random() < 0.1 else cid
                self.edges.append(ReportedTo(source=mid, target=place, valid_from=reported_on, provenance=prov))
            if grids and rng.random() < 0.3:
                self.nodes[-1] = self.nodes[-1].model_copy(update={"roles": (MemberRole.VOLUNTEER,)})
                self.edges.append(Serves(source=mid, target=rng.choice(grids), provenance=prov))

    def _superior(self, unit_type: UnitType, community_org: str) -> str | None:
        """Where a unit's organisation reports: its own line, or its community (属地); at the hanging rate, nowhere."""
        if self.more.random() < self.gaps.hanging_organisation:
            return None
        line = _OWN_LINE.get(unit_type)
        return _SYSTEMS[line][0] if line is not None else community_org

    def _new_units(self, cid: str, cname: str, community_org: str) -> None:
        """The community's residents' committee (its own body) and its 两新: parks, commercial buildings, new-employment groups."""
        more, prov = self.more, self.prov
        self.nodes.append(Unit(id=f"u-{cid}-rc", name=f"{cname}居民委员会", unit_type=UnitType.RESIDENTS_COMMITTEE, provenance=prov))
        self.edges.append(LocatedIn(source=f"u-{cid}-rc", target=cid, provenance=prov))
        self._director(f"u-{cid}-rc")
        for suffix, pattern, unit_type, often in _NEW_UNITS:
            if more.random() >= often:
                continue
            uid = f"u-{cid}-{suffix}"
            name = pattern.format(more.choice(_PLACE_WORDS))
            has_org = more.random() >= self.gaps.two_new_without_organisation
            eligible = not (unit_type is UnitType.NEW_EMPLOYMENT and not has_org and more.random() < 0.3)  # too few, too loose
            working = more.randint(3, 40) if has_org else self._members_without_org()
            self.nodes.append(Unit(id=uid, name=name, unit_type=unit_type, eligible=eligible, members=working, provenance=prov))
            self.edges.append(LocatedIn(source=uid, target=cid, provenance=prov))
            if has_org:
                parent = self._superior(unit_type, community_org)
                self._org(f"o-{uid}", f"{name}党支部", Level.UNIT, OrgForm.BRANCH, members=working, covers=uid, parent=parent)

    def _members_without_org(self) -> int:
        """Party members in a unit without an organisation: under three, or at the planted rate enough for a branch."""
        more = self.more
        return more.randint(3, 12) if more.random() < self.gaps.eligible_unit_without_organisation else more.randint(0, 2)

    def _centre(self, cid: str, name: str, level: CentreLevel, territory: str) -> None:
        """A party-mass service centre (党群服务中心), short of space for service or of 六有 at the planted rates."""
        more, gaps = self.more, self.gaps
        share = round(more.uniform(60, 89.9) if more.random() < gaps.centre_short_of_service else more.uniform(90, 98), 1)
        lacking = set(more.sample(SIX_HAVES, more.randint(1, 2))) if more.random() < gaps.centre_missing_six_haves else set()
        area = float(more.randint(200, 3000))
        centre = ServiceCentre(id=cid, name=name, centre_level=level, floor_area=area, service_share=share, provenance=self.prov)
        self.nodes.append(centre.model_copy(update={item: item not in lacking for item in SIX_HAVES}))
        self.edges.append(CentreFor(source=cid, target=territory, provenance=self.prov))

    def _area(self, cid: str, aid: str, grids: list[int], *, word: str, community_org: str) -> str:
        rng, gaps = self.rng, self.gaps
        aname = f"{word}{rng.choice(['苑', '园', '小区', '家园', '花园'])}"
        self._territory(aid, aname, Level.RESIDENTIAL_AREA, parent=cid)
        if self.more.random() < 0.05:  # 弃管小区: run by the community's company (代管), or at the planted rate by nobody
            self.nodes[-1] = self.nodes[-1].model_copy(update={"abandoned": True})
            if self.more.random() < gaps.abandoned_area_unrun:
                self.unrun.add(aid)
        branch = None
        if rng.random() >= gaps.area_without_branch:
            branch = f"o-{aid}"
            members = rng.randint(1, 2) if rng.random() < gaps.branch_under_minimum else rng.randint(5, 40)
            joint = self._last_branch.get(cid)
            if joint is not None and self.srng.random() < self.shapes.joint_branch:
                branch = joint  # 联合党支部: the branch of the area before covers this one too
                self.edges.append(Covers(source=joint, target=aid, provenance=self.prov))
            else:
                self._org(
                    branch, f"{aname}党支部", Level.RESIDENTIAL_AREA, OrgForm.BRANCH, members=members, covers=aid, parent=community_org
                )
                self.area_branches.append(branch)  # a branch the roll may hold members in
            self._last_branch[cid] = branch
        for g, households in enumerate(grids, start=1):
            gid = f"{aid}g{g}"
            self._territory(gid, f"{aname}第{g}网格", Level.GRID, parent=aid, households=households)
            group = None
            if branch is not None and rng.random() >= gaps.grid_without_group:
                group = f"o-{gid}"
                self._org(
                    group, f"{aname}第{g}网格党小组", Level.GRID, OrgForm.GROUP, members=rng.randint(3, 15), covers=gid, parent=branch
                )
                self._household_heads(gid, group, households)
            if self.srng.random() < self.shapes.building:  # 楼栋: a building under the grid, with a group where the grid has one
                bid = f"{gid}b1"
                self._territory(bid, f"{aname}第{g}网格1号楼", Level.BUILDING, parent=gid)
                if group is not None:
                    self._org(f"o-{bid}", f"{aname}1号楼党小组", Level.BUILDING, OrgForm.GROUP, members=3, covers=bid, parent=group)
        return aname

    def _redrawn(self, sid: str, cid: str, cname: str, aid: str) -> None:
        """A re-drawing (Duyun): the community's first area lay in a community that ended the day before it moved here."""
        moved = self.spec.as_of - timedelta(days=self.srng.randint(30, 700))
        ended = moved - timedelta(days=1)
        old = f"{cid}x"
        self._territory(old, f"{cname}（撤并前）", Level.COMMUNITY, parent=sid, until=ended)
        self._org(
            f"o-{old}", f"{cname}（撤并前）党支部", Level.COMMUNITY, OrgForm.BRANCH, members=30, covers=old, parent=f"o-{sid}", until=ended
        )
        self.edges = [self._dated(e, aid, cid, moved) for e in self.edges]
        self.edges.append(Within(source=aid, target=old, valid_to=ended, provenance=self.prov))
        branch = next((e.source for e in self.edges if isinstance(e, Covers) and e.target == aid), None)
        if branch is not None and branch == f"o-{aid}":
            self.edges = [self._dated(e, branch, f"o-{cid}", moved) for e in self.edges]
            self.edges.append(ReportsTo(source=branch, target=f"o-{old}", valid_to=ended, provenance=self.prov))

    @staticmethod
    def _dated(edge: BaseModel, source: str, target: str, since: date) -> BaseModel:
        """The edge from ``source`` to ``target`` (WITHIN or REPORTS_TO) in force from ``since``; any other as it was."""
        if isinstance(edge, Within | ReportsTo) and edge.source == source and edge.target == target:
            return edge.model_copy(update={"valid_from": since})
        return edge

    def _household_heads(self, gid: str, group: str, households: int) -> None:
        rng, gaps = self.rng, self.gaps
        to_link = households if rng.random() >= gaps.unlinked_households else int(households * rng.uniform(0.4, 0.85))
        k = 0
        while to_link > 0:
            k += 1
            linked = min(to_link, rng.randint(16, 25) if rng.random() < gaps.head_over_norm else rng.randint(8, 12))
            to_link -= linked
            leads = k == 1 and self.roll_rng.random() >= gaps.grid_without_leader
            roles = (MemberRole.HOUSEHOLD_HEAD, MemberRole.GRID_LEADER) if leads else (MemberRole.HOUSEHOLD_HEAD,)
            self.heads_made += 1
            category = rng.choices([c for c, _ in _CATEGORIES], [w for _, w in _CATEGORIES])[0]
            hid = f"h-{gid}-{k:02d}"
            self.nodes.append(
                Member(
                    id=hid,
                    name=self._person(),
                    category=category,
                    roles=roles,
                    households=linked,
                    phone=self._phone(),
                    provenance=self.prov,
                )
            )
            self.edges.append(MemberOf(source=hid, target=group, provenance=self.prov))
            self.edges.append(Serves(source=hid, target=gid, provenance=self.prov))
            if category is MemberCategory.IN_SERVICE and self.roll_rng.random() >= gaps.in_service_unreported:
                reported_on = self.spec.as_of - timedelta(days=self.roll_rng.randint(30, 1_500))  # 双报到 where they live
                self.edges.append(ReportedTo(source=hid, target=self.community, valid_from=reported_on, provenance=self.prov))

    def _units_and_agreements(
        self, cid: str, community_org: str, areas: list[tuple[str, str]], *, committee: bool, street_alliance: str
    ) -> None:
        rng, gaps, prov = self.rng, self.gaps, self.prov
        units: list[tuple[str, bool]] = []  # (unit id, has an organisation)

        def unit(uid: str, name: str, unit_type: UnitType, org_rate: float, *, serves: str | None = None) -> None:
            # the share with an organisation, drawn this way round so that a seed gives the network it always gave
            has_org = rng.random() < org_rate
            members = rng.randint(3, 60) if has_org else self._members_without_org()
            offers = _OFFER_ITEMS.get(unit_type, [])
            kept = self.list_rng.random() < self.spec.lists and bool(offers)
            resources = tuple(self.list_rng.sample(offers, self.list_rng.randint(1, len(offers)))) if kept else ()
            self.nodes.append(
                Unit(id=uid, name=name, unit_type=unit_type, eligible=True, members=members, resources=resources, provenance=prov)
            )
            self.edges.append(LocatedIn(source=uid, target=cid, provenance=prov))
            if serves is not None:
                self.edges.append(Manages(source=uid, target=serves, provenance=prov))
            if has_org:
                parent = self._superior(unit_type, community_org)
                self._org(f"o-{uid}", f"{name}党支部", Level.UNIT, OrgForm.BRANCH, members=members, covers=uid, parent=parent)
                if unit_type not in (UnitType.PROPERTY_COMPANY, UnitType.OWNERS_COMMITTEE):
                    self.unit_orgs.append(f"o-{uid}")  # a work unit holding in-service members' membership
            units.append((uid, has_org))

        for aid, area_name in areas:  # each residential area has a property company, most an owners' committee
            pm_rate = 1 - gaps.property_company_without_organisation
            unit(
                f"u-{aid}-pm", f"{area_name}物业服务有限公司", UnitType.PROPERTY_COMPANY, pm_rate, serves=None if aid in self.unrun else aid
            )
            if rng.random() < 0.7:
                oc_rate = 1 - gaps.owners_committee_without_organisation
                unit(f"u-{aid}-oc", f"{area_name}业主委员会", UnitType.OWNERS_COMMITTEE, oc_rate, serves=aid)
        for k in range(1, rng.randint(2, 8) + 1):
            unit_type = rng.choice(list(_UNIT_NAMES))
            unit(f"u-{cid}-{k}", _UNIT_NAMES[unit_type].format(rng.choice(_PLACE_WORDS)), unit_type, 0.8)

        partners: list[str] = []
        if rng.random() >= gaps.community_without_agreement:
            with_org = [u for u, has in units if has and not u.endswith(("-pm", "-oc"))] or [u for u, has in units if has]
            for k, uid in enumerate(rng.sample(with_org, min(len(with_org), rng.randint(1, 4))), start=1):
                signed = self.spec.as_of - timedelta(days=rng.randint(30, 3 * 365))
                term_years = rng.choice([1, 2, 3])
                expires = signed + timedelta(days=365 * term_years)
                if rng.random() < gaps.agreement_expired:
                    expires = self.spec.as_of - timedelta(days=rng.randint(1, 300))
                    signed = min(signed, expires - timedelta(days=365))
                elif expires <= self.spec.as_of:
                    expires = self.spec.as_of + timedelta(days=rng.randint(10, 700))
                agid = f"ag-{cid}-{k}"
                self.nodes.append(
                    Agreement(
                        id=agid,
                        signed_on=signed,
                        expires_on=expires,
                        needs=tuple(rng.sample(_NEEDS, 2)),
                        resources=tuple(rng.sample(_NEEDS, 1)),
                        projects=tuple(rng.sample(_NEEDS, 1)),
                        provenance=prov,
                    )
                )
                self.edges.append(SignedBy(source=agid, target=community_org, valid_from=signed, valid_to=expires, provenance=prov))
                self.edges.append(SignedBy(source=agid, target=f"o-{uid}", valid_from=signed, valid_to=expires, provenance=prov))
                partners.append(uid)
        if committee and partners and rng.random() >= gaps.committee_without_concurrent_member:
            for k, uid in enumerate(rng.sample(partners, rng.randint(1, len(partners))), start=1):
                self._seat(f"seat-{cid}-{k}", committee=community_org, unit=uid)
        for uid, _ in units[:2]:
            self.edges.append(InAlliance(source=uid, target=street_alliance, provenance=prov))

    def _seat(self, sid: str, *, committee: str, unit: str) -> None:
        """兼职委员: a unit's party secretary seated on a community committee (or a unit on the 大工委).

        The holder is recorded by name on the seat, as the ledgers keep them; a holder who is
        also on record as a party member (``HELD_BY``) only comes from an import.
        """
        rng, prov = self.rng, self.prov
        since = self.spec.as_of - timedelta(days=rng.randint(30, 4 * 365))
        until = since + timedelta(days=5 * 365)
        self.nodes.append(Seat(id=sid, person=self._person(), role="兼职委员", valid_from=since, valid_to=until, provenance=prov))
        self.edges.append(SeatOn(source=sid, target=committee, valid_from=since, valid_to=until, provenance=prov))
        self.edges.append(OnBehalfOf(source=sid, target=unit, valid_from=since, valid_to=until, provenance=prov))

    def _communities_of_practice(self) -> None:
        """Heshan's 党建共同体: communities grouped across streets."""
        rng, prov = self.rng, self.prov
        orgs = self.community_orgs
        for k in range(1, max(1, len(orgs) // 12) + 1):
            cp = f"cp-{k:02d}"
            self.nodes.append(
                Alliance(
                    id=cp, name=f"{rng.choice(_PLACE_WORDS)}党建共同体", alliance_kind=AllianceKind.COMMUNITY_OF_PRACTICE, provenance=prov
                )
            )
            for j, oid in enumerate(rng.sample(orgs, min(len(orgs), rng.randint(3, 8)))):
                self.edges.append(InAlliance(source=oid, target=cp, lead=j == 0, provenance=prov))


def _person(rng: random.Random) -> str:
    """A person's name: a surname and one or two given characters."""
    return rng.choice(_SURNAMES) + "".join(rng.choice(_GIVEN) for _ in range(rng.randint(1, 2)))
