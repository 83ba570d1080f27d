"""Small networks built by hand for tests, where every answer is known by construction."""

from __future__ import annotations

from datetime import date, datetime

from graph.model import (
    Agreement,
    Alliance,
    AllianceKind,
    Batch,
    CentreFor,
    CentreLevel,
    Covers,
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
from graph.store import GraphStore

PROV = Provenance(source="test", recorded_at=datetime(2025, 3, 1, 9, 30))


def prov(row: int | None = None, source: str = "test") -> Provenance:
    return Provenance(source=source, recorded_at=datetime(2025, 3, 1, 9, 30), row=row)


def new_grid(k: int) -> Batch:
    """A grid ``gx{k}`` and its group under area a1 of :func:`town`: two nodes and three edges that belong together, written as one."""
    return Batch(
        nodes=[
            Territory(id=f"gx{k}", name=f"新网格{k}", level=Level.GRID, households=100 + k, provenance=PROV),
            Organisation(id=f"o-gx{k}", name=f"新网格{k}党小组", level=Level.GRID, form=OrgForm.GROUP, members=3, provenance=PROV),
        ],
        edges=[
            Within(source=f"gx{k}", target="a1", provenance=PROV),
            Covers(source=f"o-gx{k}", target=f"gx{k}", provenance=PROV),
            ReportsTo(source=f"o-gx{k}", target="o-a1", provenance=PROV),
        ],
    )


def town() -> Batch:
    """One district, one street, one community with two residential areas and three grids.

    Area a1 has a branch with two grid groups, each with household heads; area a2 has no
    branch (a gap). One resident unit with its own organisation has signed an agreement
    with the community and holds a seat on its big committee; one alliance joins them.
    """
    nodes = [
        Territory(id="d", name="抚东区", level=Level.DISTRICT, provenance=PROV),
        Territory(id="s1", name="东湖街道", level=Level.STREET, provenance=PROV),
        Territory(id="c1", name="幸福社区", level=Level.COMMUNITY, staff=4, provenance=PROV),
        Territory(id="a1", name="春晖苑", level=Level.RESIDENTIAL_AREA, provenance=PROV),
        Territory(id="a2", name="锦绣园", level=Level.RESIDENTIAL_AREA, provenance=PROV),
        Territory(id="g1", name="春晖苑第1网格", level=Level.GRID, households=120, provenance=PROV),
        Territory(id="g2", name="春晖苑第2网格", level=Level.GRID, households=200, provenance=PROV),
        Territory(id="g3", name="锦绣园第1网格", level=Level.GRID, households=150, provenance=PROV),
        Organisation(id="o-d", name="区委", level=Level.DISTRICT, form=OrgForm.COMMITTEE, members=9000, provenance=PROV),
        Organisation(id="o-s1", name="东湖街道党工委", level=Level.STREET, form=OrgForm.WORKING_COMMITTEE, members=60, provenance=PROV),
        Organisation(id="o-c1", name="幸福社区党委", level=Level.COMMUNITY, form=OrgForm.COMMITTEE, members=150, provenance=PROV),
        Organisation(id="o-a1", name="春晖苑党支部", level=Level.RESIDENTIAL_AREA, form=OrgForm.BRANCH, members=12, provenance=PROV),
        Organisation(id="o-g1", name="第1网格党小组", level=Level.GRID, form=OrgForm.GROUP, members=5, provenance=PROV),
        Organisation(id="o-g2", name="第2网格党小组", level=Level.GRID, form=OrgForm.GROUP, members=4, provenance=PROV),
        Member(
            id="h1",
            name="王芳",
            category=MemberCategory.RETIRED,
            roles=(MemberRole.HOUSEHOLD_HEAD, MemberRole.GRID_LEADER),
            households=10,
            phone="13812345678",
            provenance=PROV,
        ),
        Member(
            id="h2", name="李强", category=MemberCategory.IN_SERVICE, roles=(MemberRole.HOUSEHOLD_HEAD,), households=12, provenance=PROV
        ),
        Unit(id="u1", name="抚东供电公司", unit_type=UnitType.SOE, eligible=True, members=30, provenance=PROV),
        Organisation(
            id="o-sys",
            name="区卫健工委",
            level=Level.SYSTEM,
            form=OrgForm.COMMITTEE,
            members=40,
            system_kind=SystemKind.HEALTH,
            provenance=PROV,
        ),
        ServiceCentre(
            id="sc1",
            name="幸福社区党群服务中心",
            centre_level=CentreLevel.COMMUNITY_CENTRE,
            floor_area=850.5,
            service_share=92.0,
            has_venue=True,
            has_flag=True,
            provenance=PROV,
        ),
        Organisation(id="o-u1", name="抚东供电公司党支部", level=Level.UNIT, form=OrgForm.BRANCH, members=30, provenance=PROV),
        Unit(id="u2", name="春晖苑物业", unit_type=UnitType.PROPERTY_COMPANY, properties={"备注": "无党组织"}, provenance=PROV),
        Agreement(
            id="ag1",
            signed_on=date(2024, 5, 1),
            expires_on=date(2026, 4, 30),
            needs=("养老服务",),
            resources=("义诊",),
            projects=("四点半课堂",),
            provenance=PROV,
        ),
        Alliance(id="al1", name="东湖党建联盟", alliance_kind=AllianceKind.ALLIANCE, provenance=PROV),
        Member(id="m1", name="赵敏", category=MemberCategory.IN_SERVICE, provenance=PROV),
        Seat(id="seat1", person="赵敏", role="兼职委员", valid_from=date(2024, 6, 1), valid_to=date(2029, 5, 31), provenance=PROV),
        Post(id="post-u1", post=PostKind.SECRETARY, person="赵敏", valid_from=date(2023, 1, 1), provenance=PROV),
        Team(id="team1", name="春晖苑党员志愿服务队", team_kind=TeamKind.VOLUNTEER, valid_from=date(2024, 1, 1), provenance=PROV),
    ]
    edges = [
        Within(source="s1", target="d", provenance=PROV),
        Within(source="c1", target="s1", provenance=PROV),
        Within(source="a1", target="c1", provenance=PROV),
        Within(source="a2", target="c1", provenance=PROV),
        Within(source="g1", target="a1", provenance=PROV),
        Within(source="g2", target="a1", provenance=PROV),
        Within(source="g3", target="a2", provenance=PROV),
        Covers(source="o-d", target="d", provenance=PROV),
        Covers(source="o-s1", target="s1", provenance=PROV),
        Covers(source="o-c1", target="c1", provenance=PROV),
        Covers(source="o-a1", target="a1", provenance=PROV),
        Covers(source="o-g1", target="g1", provenance=PROV),
        Covers(source="o-g2", target="g2", provenance=PROV),
        ReportsTo(source="o-s1", target="o-d", provenance=PROV),
        ReportsTo(source="o-c1", target="o-s1", provenance=PROV),
        ReportsTo(source="o-a1", target="o-c1", provenance=PROV),
        ReportsTo(source="o-g1", target="o-a1", provenance=PROV),
        ReportsTo(source="o-g2", target="o-a1", provenance=PROV),
        MemberOf(source="h1", target="o-g1", provenance=PROV),
        Serves(source="h1", target="g1", provenance=PROV),
        MemberOf(source="h2", target="o-g2", provenance=PROV),
        Serves(source="h2", target="g2", provenance=PROV),
        LocatedIn(source="u1", target="c1", provenance=PROV),
        LocatedIn(source="u2", target="c1", provenance=PROV),
        Covers(source="o-u1", target="u1", provenance=PROV),
        ReportsTo(source="o-u1", target="o-c1", provenance=PROV),
        SignedBy(source="ag1", target="o-c1", valid_from=date(2024, 5, 1), valid_to=date(2026, 4, 30), provenance=PROV),
        SignedBy(source="ag1", target="o-u1", valid_from=date(2024, 5, 1), valid_to=date(2026, 4, 30), provenance=PROV),
        InAlliance(source="o-s1", target="al1", lead=True, provenance=PROV),
        InAlliance(source="o-u1", target="al1", provenance=PROV),
        MemberOf(source="m1", target="o-u1", provenance=PROV),
        SeatOn(source="seat1", target="o-c1", valid_from=date(2024, 6, 1), valid_to=date(2029, 5, 31), provenance=PROV),
        OnBehalfOf(source="seat1", target="u1", provenance=PROV),
        HeldBy(source="seat1", target="m1", provenance=PROV),
        ReportsTo(source="o-sys", target="o-d", provenance=PROV),
        Manages(source="u2", target="a1", valid_from=date(2024, 1, 1), provenance=PROV),
        CentreFor(source="sc1", target="c1", provenance=PROV),
        PostIn(source="post-u1", target="o-u1", valid_from=date(2023, 1, 1), provenance=PROV),
        HeldBy(source="post-u1", target="m1", valid_from=date(2023, 1, 1), provenance=PROV),
        TeamServes(source="team1", target="a1", valid_from=date(2024, 1, 1), provenance=PROV),
        InTeam(source="h1", target="team1", valid_from=date(2024, 1, 1), provenance=PROV),
        ReportedTo(source="m1", target="c1", valid_from=date(2024, 7, 1), provenance=PROV),  # 双报到: held by o-u1, reported to c1
    ]
    return Batch(nodes=nodes, edges=edges)


def contents(store: GraphStore) -> tuple[list[str], list[str]]:
    """Everything a store holds, as sorted JSON lines: equal contents, equal lists."""
    nodes = sorted(n.model_dump_json() for n in store.nodes())
    edges = sorted(e.model_dump_json() for e in store.edges())
    return nodes, edges
