"""The graph model: node and edge kinds of party-building-led grassroots governance.

Two hierarchies live side by side (DOMAIN.md): the territory (district → street →
community → residential area → grid) and the chain of party organisations that covers
it (street working committee → community committee → residential-area branch → grid
group → household head). Territory exists whether or not an organisation covers it;
that difference is what coverage measures.

Every node and edge carries its provenance; edges that start and end carry
``valid_from`` / ``valid_to``.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Callable
from datetime import date, datetime
from enum import StrEnum
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, TypeAdapter, field_validator, model_validator

from graph.i18n import _

__all__ = [
    "ALLOWED_PARENTS",
    "BODY_TYPES",
    "EDGE_MODELS",
    "LINE_BREAKS",
    "MAX_ITEM",
    "MAX_ITEMS",
    "MAX_NAME",
    "MAX_PHONE",
    "MAX_PROPERTIES",
    "MAX_PROPERTY",
    "MAX_SHORT",
    "MAX_SOURCE",
    "NODE_MODELS",
    "SIX_HAVES",
    "TWO_NEW_TYPES",
    "Agreement",
    "Alliance",
    "AllianceKind",
    "Batch",
    "CentreFor",
    "CentreLevel",
    "ChangeEvent",
    "Covers",
    "Edge",
    "EdgeKind",
    "EdgeRef",
    "HeldBy",
    "InAlliance",
    "InTeam",
    "Item",
    "Items",
    "Level",
    "LocatedIn",
    "Manages",
    "Member",
    "MemberCategory",
    "MemberOf",
    "MemberRole",
    "Name",
    "Node",
    "NodeKind",
    "OnBehalfOf",
    "OrgForm",
    "Organisation",
    "PersonName",
    "PhoneText",
    "Post",
    "PostIn",
    "PostKind",
    "Properties",
    "Provenance",
    "ReportedTo",
    "ReportsTo",
    "Seat",
    "SeatOn",
    "Serves",
    "ServiceCentre",
    "ShortText",
    "SignedBy",
    "SourceText",
    "SystemKind",
    "Team",
    "TeamKind",
    "TeamServes",
    "Territory",
    "Unit",
    "UnitType",
    "Within",
    "cleaned",
    "post_id",
    "unsafe_reason",
]

ID_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.:\-]{0,79}$")
"""Stable string ids: letters, digits and ``_ . : -``; nothing that could be markup or Cypher."""

# -- text: safe everywhere, bounded everywhere (README: "Text and sizes") ---------------------------

MAX_NAME = 200
"""A place's, an organisation's, a unit's or an alliance's name."""
MAX_SHORT = 100
"""A person's name, a seat's role, a property's key."""
MAX_PHONE = 30
MAX_ITEM = 500
"""One item of an agreement's needs, resources or projects."""
MAX_ITEMS = 100
"""Items in one of those lists."""
MAX_PROPERTY = 2_000
"""One value of a column the import format does not know (free text, such as remarks)."""
MAX_PROPERTIES = 50
"""Such columns on one record."""
MAX_SOURCE = 500
"""Where a fact came from (a file's name and table)."""

_UNSAFE = re.compile(
    "[\x00-\x1f\x7f-\x9f]"  # C0 and C1 control characters, and DEL
    "|[\ud800-\udfff]"  # a surrogate on its own is not a character: UTF-8 cannot encode it
    "|[\ufdd0-\ufdef]|[\ufffe\uffff" + "".join(f"\\U{plane:04X}FFFE\\U{plane:04X}FFFF" for plane in range(1, 17)) + "]"
)
"""What no export can hold: XML 1.0 and Excel refuse control characters, surrogates and noncharacters."""

LINE_BREAKS = "\t\n\r"
"""The control characters free text may hold (tab, line feed, carriage return): XML and Excel keep them."""


def unsafe_reason(text: str, *, limit: int, allowed: str = "") -> str | None:
    """What is wrong with text bound for the graph, Chinese first; None when it is fine.

    ``allowed`` names the control characters this field may hold (a list item keeps a tab,
    free text its line breaks); every other control character, lone surrogate or
    noncharacter is refused rather than removed, so that what is stored is what was sent.
    """
    if len(text) > limit:
        return _("过长：%(length)s 个字符，最多 %(limit)s；请缩短", length=len(text), limit=limit)
    if _UNSAFE.search(text) is None:  # nearly all text: one scan, no iterator
        return None
    for found in _UNSAFE.finditer(text):
        char = found.group()
        if char in allowed:
            continue
        code = f"U+{ord(char):04X}"
        if "\ud800" <= char <= "\udfff":
            return _("含孤立代理码位 %(code)s（不是字符）：请删去", code=code)
        if unicodedata.category(char) == "Cc":
            return _("含控制字符 %(code)s（导出无法保存）：请删去", code=code)
        return _("含非字符 %(code)s（Unicode 非字符，导出无法保存）：请删去", code=code)
    return None


def _safe(limit: int, allowed: str = "") -> Callable[[Any], Any]:
    """A before-validator refusing unsafe or overlong text in Chinese first; other values go on to the type's own checks."""

    def check(value: Any) -> Any:
        if isinstance(value, str):
            reason = unsafe_reason(value, limit=limit, allowed=allowed)
            if reason:
                raise ValueError(reason)
        return value

    return check


def _at_most(limit: int) -> Callable[[Any], Any]:
    def check(value: Any) -> Any:
        if isinstance(value, list | tuple) and len(value) > limit:
            raise ValueError(_("条目过多：%(count)s 项，最多 %(limit)s", count=len(value), limit=limit))
        return value

    return check


Name = Annotated[str, BeforeValidator(_safe(MAX_NAME)), Field(min_length=1, max_length=MAX_NAME)]
"""名称: a place's, an organisation's, a unit's or an alliance's name; one line, no control character."""
PersonName = Annotated[str, BeforeValidator(_safe(MAX_SHORT)), Field(min_length=1, max_length=MAX_SHORT)]
"""姓名: a person's name."""
ShortText = Annotated[str, BeforeValidator(_safe(MAX_SHORT)), Field(max_length=MAX_SHORT)]
"""A short line of text, such as a seat's role (职务)."""
PhoneText = Annotated[str, BeforeValidator(_safe(MAX_PHONE)), Field(max_length=MAX_PHONE)]
Item = Annotated[str, BeforeValidator(_safe(MAX_ITEM, allowed="\t")), Field(max_length=MAX_ITEM)]
"""One item of a list (需求, 资源, 项目); line breaks separate items in a ledger, so only a tab may stay."""
Items = Annotated[tuple[Item, ...], BeforeValidator(_at_most(MAX_ITEMS)), Field(max_length=MAX_ITEMS)]


def cleaned(value: Any) -> Any:
    """Unsafe characters each replaced by U+FFFD: for text the service writes itself, where a refusal would help nobody."""
    return _UNSAFE.sub("\ufffd", value) if isinstance(value, str) else value


SourceText = Annotated[str, BeforeValidator(cleaned), Field(min_length=1, max_length=MAX_SOURCE)]
"""Where a fact came from: made by the service from an upload's file name, so cleaned rather than refused."""


def _properties(values: dict[str, Any]) -> dict[str, Any]:
    """Extra columns: at most :data:`MAX_PROPERTIES`, keys one short line, text values bounded free text."""
    if len(values) > MAX_PROPERTIES:
        raise ValueError(_("列过多：%(count)s 个额外列，最多 %(limit)s", count=len(values), limit=MAX_PROPERTIES))
    for key, value in values.items():
        reason = unsafe_reason(key, limit=MAX_SHORT) or (
            unsafe_reason(value, limit=MAX_PROPERTY, allowed=LINE_BREAKS) if isinstance(value, str) else None
        )
        if reason:
            raise ValueError(_("列 %(column)r：%(reason)s", column=key[:MAX_SHORT], reason=reason))
    return values


class Level(StrEnum):
    """Tier of the territory and of the chain; the chain's level 5 is the household head."""

    DISTRICT = "district"  # 区 / 县级市, with the district committee (区委)
    STREET = "street"  # 街道, with the street working committee (街道党工委)
    COMMUNITY = "community"  # 社区, with the community committee (社区党委 / 党总支 / 党支部)
    RESIDENTIAL_AREA = "residential_area"  # 小区, with the residential-area branch (小区党支部)
    GRID = "grid"  # 网格, with the grid group (网格党小组)
    BUILDING = "building"  # 楼栋/院落, with a building group or courtyard branch (楼栋党小组 / 院落党支部)
    HOUSEHOLD = "household"  # about ten households (十联户), with a household head (党员联户长)
    UNIT = "unit"  # a resident unit's own party organisation, outside the chain
    SYSTEM = "system"  # 系统党组织: a line of its own (机关工委, 教育工委, 卫健工委...) that units' organisations report up

    @property
    def rank(self) -> int:
        """0 for the district down to 5 for households; a unit's organisation ranks below the chain."""
        return _RANK[self]

    @property
    def parents(self) -> frozenset[Level]:
        """The levels a territory (or chain organisation) of this level may lie within (report to): :data:`ALLOWED_PARENTS`."""
        return ALLOWED_PARENTS.get(self, frozenset())


_CHAIN = (Level.DISTRICT, Level.STREET, Level.COMMUNITY, Level.RESIDENTIAL_AREA, Level.GRID, Level.BUILDING, Level.HOUSEHOLD)
_RANK = {level: rank for rank, level in enumerate(_CHAIN)} | {Level.UNIT: 9, Level.SYSTEM: 9}
TERRITORY_LEVELS = (Level.DISTRICT, Level.STREET, Level.COMMUNITY, Level.RESIDENTIAL_AREA, Level.GRID, Level.BUILDING)

ALLOWED_PARENTS: dict[Level, frozenset[Level]] = {
    Level.STREET: frozenset({Level.DISTRICT}),
    Level.COMMUNITY: frozenset({Level.STREET}),
    Level.RESIDENTIAL_AREA: frozenset({Level.COMMUNITY}),
    # Heshan's street of 28 large grids (全科网格) and Fuzhou's integrated grids (综合网) sit higher up.
    Level.GRID: frozenset({Level.RESIDENTIAL_AREA, Level.COMMUNITY, Level.STREET}),
    # Suyu's 院落支部、楼栋小组: a building or courtyard within a residential area or a grid.
    Level.BUILDING: frozenset({Level.RESIDENTIAL_AREA, Level.GRID}),
}
"""The levels a territory of each level may lie within, and a chain organisation of each level report to.
Every allowed parent ranks above its child, so walking up always climbs."""
assert all(parent.rank < child.rank for child, parents in ALLOWED_PARENTS.items() for parent in parents)


class NodeKind(StrEnum):
    TERRITORY = "territory"
    ORGANISATION = "organisation"
    UNIT = "unit"
    MEMBER = "member"
    AGREEMENT = "agreement"
    ALLIANCE = "alliance"
    SEAT = "seat"
    SERVICE_CENTRE = "service_centre"  # 党群服务中心
    POST = "post"  # 职务: one term of one post in a body (书记, 主任...), held by a person
    TEAM = "team"  # 服务队: a volunteer or grid service team serving a territory


class EdgeKind(StrEnum):
    """Relationship types; the values double as Neo4j relationship types (never from input)."""

    WITHIN = "WITHIN"  # territory → the territory it lies within (a level of ALLOWED_PARENTS)
    REPORTS_TO = "REPORTS_TO"  # organisation → its parent organisation
    COVERS = "COVERS"  # organisation → the territory (or unit) it is the party organisation of
    MEMBER_OF = "MEMBER_OF"  # party member → the organisation they belong to
    SERVES = "SERVES"  # party member → the territory where they hold their role
    LOCATED_IN = "LOCATED_IN"  # resident unit → its community
    SIGNED_BY = "SIGNED_BY"  # co-building agreement → one of its parties
    IN_ALLIANCE = "IN_ALLIANCE"  # organisation, territory or unit → alliance
    SEAT_ON = "SEAT_ON"  # big-committee seat → the committee it is a seat on
    ON_BEHALF_OF = "ON_BEHALF_OF"  # big-committee seat → the unit it is held for
    MANAGES = "MANAGES"  # unit → a residential area it serves (物业服务企业, 业主委员会) or runs (弃管小区的代管单位)
    CENTRE_FOR = "CENTRE_FOR"  # party-mass service centre → the territory it serves
    HELD_BY = "HELD_BY"  # big-committee seat or post → the party member who holds it
    POST_IN = "POST_IN"  # post → the body it is a post in (an organisation or a unit)
    TEAM_SERVES = "TEAM_SERVES"  # service team → the territory it serves
    IN_TEAM = "IN_TEAM"  # party member → a service team they are on
    REPORTED_TO = "REPORTED_TO"  # party member → the community, street or industrial park they reported to (双报到)


class OrgForm(StrEnum):
    """组织形式: the form a party organisation takes."""

    WORKING_COMMITTEE = "working_committee"  # 党工委
    COMMITTEE = "committee"  # 党委
    GENERAL_BRANCH = "general_branch"  # 党总支
    BRANCH = "branch"  # 党支部
    GROUP = "group"  # 党小组


class UnitType(StrEnum):
    """驻区单位类型: the kinds of resident unit."""

    ORGAN = "organ"  # 机关
    SOE = "soe"  # 国企
    SCHOOL = "school"  # 学校
    HOSPITAL = "hospital"  # 医院
    ENTERPRISE = "enterprise"  # 非公企业
    SOCIAL_ORG = "social_org"  # 社会组织
    PROPERTY_COMPANY = "property_company"  # 物业服务企业
    OWNERS_COMMITTEE = "owners_committee"  # 业主委员会
    INDUSTRIAL_PARK = "industrial_park"  # 园区 (Heshan: 5 parks in its 18 共同体; in-service members report to one as to a community)
    COMMERCIAL_BUILDING = "commercial_building"  # 商务楼宇 (Suyu: 商业楼宇, a blind spot)
    NEW_EMPLOYMENT = "new_employment"  # 新就业群体 (couriers, riders, drivers; Fuzhou's 新就业群体综合党委)
    RESIDENTS_COMMITTEE = "residents_committee"  # 居民委员会: the community's own body, never counted among resident units


TWO_NEW_TYPES = frozenset(
    {UnitType.ENTERPRISE, UnitType.SOCIAL_ORG, UnitType.INDUSTRIAL_PARK, UnitType.COMMERCIAL_BUILDING, UnitType.NEW_EMPLOYMENT}
)
"""两新组织: the unit types counted as new economic and social organisations (Suyu's blind spots, Fuzhou's 两新 coverage)."""

BODY_TYPES = frozenset({UnitType.RESIDENTS_COMMITTEE})
"""Unit types that are bodies of the community itself, left out of every count of resident units (驻区单位)."""


class SystemKind(StrEnum):
    """系统党组织类型: the line a system party organisation heads."""

    ORGAN_WORK_COMMITTEE = "organ_work_committee"  # 机关工委
    EDUCATION = "education"  # 教育工委
    HEALTH = "health"  # 卫健工委
    SOE = "soe"  # 国资委党委
    TWO_NEW = "two_new"  # 两新工委
    NEW_EMPLOYMENT = "new_employment"  # 新就业群体综合党委
    OTHER = "other"  # 其他


class CentreLevel(StrEnum):
    """党群服务中心层级: where in the network a party-mass service centre stands."""

    STREET_CENTRE = "street_centre"  # 街道党群服务中心
    COMMUNITY_CENTRE = "community_centre"  # 社区党群服务中心
    AREA_STATION = "area_station"  # 小区党群服务站
    POINT = "point"  # 党群服务点


class MemberCategory(StrEnum):
    """党员类别: Duyun's five categories of party member."""

    IN_SERVICE = "in_service"  # 在职 (dual management, reports to where they live)
    RETIRED = "retired"  # 离退休
    FLOATING = "floating"  # 流动
    RESIDENT = "resident"  # 居民
    SOE_TRANSFERRED = "soe_transferred"  # 国企社会化


class MemberRole(StrEnum):
    """Roles a party member takes where they live (Fuzhou's 三长制 and Duyun's 联户长)."""

    HOUSEHOLD_HEAD = "household_head"  # 党员联户长
    GRID_LEADER = "grid_leader"  # 网格长
    BUILDING_LEADER = "building_leader"  # 楼栋长
    UNIT_LEADER = "unit_leader"  # 单元长
    VOLUNTEER = "volunteer"  # 志愿者 (党员志愿服务队, Duyun)


class ChangeEvent(StrEnum):
    """变化: what happened to a thing between two days (graph.changes), as the changes report lists it."""

    CREATED = "created"  # 新设
    ENDED = "ended"  # 撤销
    MOVED = "moved"  # 调整隶属: its parent on the first day is not its parent on the second
    MOVED_IN = "moved_in"  # 划入: under another scope on the first day
    MOVED_OUT = "moved_out"  # 划出: under another scope on the second day
    SIGNED = "signed"  # 签订
    RENEWED = "renewed"  # 续签: signed by the same parties as an earlier agreement
    EXPIRED = "expired"  # 到期未续: expired, and its parties signed nothing in force after it
    TAKEN = "taken"  # 任职 (a seat's or post's term began)
    LEFT = "left"  # 离任 (a seat's or post's term ended)
    REPORTED = "reported"  # 报到 (双报到)
    CHANGED = "changed"  # 变更: a property (households, staff, members, name, form...) changed
    OPENED = "opened"  # 新增短板
    CLOSED = "closed"  # 消除短板


class PostKind(StrEnum):
    """职务: the posts of a party organisation or of a residents', owners' committee or property company."""

    SECRETARY = "secretary"  # 书记
    DEPUTY_SECRETARY = "deputy_secretary"  # 副书记
    DIRECTOR = "director"  # 主任 (居委会主任)
    CHAIR = "chair"  # 主任 / 主席 (业委会主任)
    HEAD = "head"  # 负责人 (of a property company)
    MEMBER = "member"  # 委员

    @property
    def single(self) -> bool:
        """Whether one person at a time holds it in a body (every post but 委员 and 副书记)."""
        return self not in (PostKind.MEMBER, PostKind.DEPUTY_SECRETARY)

    @property
    def family(self) -> PostKind:
        """主任 and 主席 are one post of a committee: an owners' committee's 主任 is its chair."""
        return PostKind.DIRECTOR if self is PostKind.CHAIR else self


def post_id(body_id: str, post: PostKind, holder: str, since: date | None) -> str:
    """The id of one term of a post (a posts row has no id): the same body, post, holder (member id, else name)
    and start always give the same id, so a re-import updates the term rather than adding a second."""
    key = f"{body_id}|{post.family.value}|{holder}|{since.isoformat() if since else ''}"
    digest = hashlib.sha1(key.encode(), usedforsecurity=False).hexdigest()
    readable = f"post-{body_id}-{post.family.value}-{digest[:8]}"
    return readable if len(readable) <= 80 else f"post-{digest[:20]}"


class TeamKind(StrEnum):
    """服务队类型: the kinds of service team the seeds name."""

    VOLUNTEER = "volunteer"  # 党员志愿服务队 (Duyun)
    GRID_SERVICE = "grid_service"  # 网格服务团队 (Haishu's 1+1+n)
    VANGUARD = "vanguard"  # 先锋队


class AllianceKind(StrEnum):
    ALLIANCE = "alliance"  # 党建联盟
    COMMUNITY_OF_PRACTICE = "community_of_practice"  # 党建共同体


class Provenance(BaseModel):
    """Where a fact came from: an import file, the generator, an API call; and when."""

    model_config = ConfigDict(frozen=True)

    source: SourceText
    recorded_at: datetime
    row: int | None = Field(default=None, ge=0)


Scalar = str | int | float | bool
Id = Annotated[str, Field(pattern=ID_PATTERN.pattern, description="stable string id")]
Count = Annotated[int, Field(ge=0, le=10_000_000)]
Properties = Annotated[dict[str, Scalar], AfterValidator(_properties)]


class _Record(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    provenance: Provenance
    properties: Properties = Field(default_factory=dict, description="columns the import format does not know, kept as they came")


class _NodeBase(_Record):
    id: Id


class Territory(_NodeBase):
    """A territorial unit: district 区, street 街道, community 社区, residential area 小区, grid 网格 or building 楼栋/院落."""

    kind: Literal[NodeKind.TERRITORY] = NodeKind.TERRITORY
    name: Name
    level: Level
    households: Count | None = Field(default=None, description="户数 living here (any level; counted where the level below has none)")
    staff: Count | None = Field(
        default=None, description="专职人员数: full-time workers (any level; counted where the level below has none)"
    )
    population: Count | None = Field(default=None, description="常住人口: resident population (any level)")
    abandoned: bool = Field(default=False, description="弃管小区: a residential area its property company has abandoned")
    needs: Items = Field(default=(), description="需求清单: what a community asks of resident units (双向点单), kept on the community")

    @field_validator("level")
    @classmethod
    def _territorial(cls, level: Level) -> Level:
        if level not in TERRITORY_LEVELS:
            raise ValueError(f"a territory's level is one of district..building, not {level.value}")
        return level

    @model_validator(mode="after")
    def _needs_of_a_community(self) -> Territory:
        if self.needs and self.level is not Level.COMMUNITY:
            raise ValueError(_("需求清单只记在社区上，%(id)s 是%(level)s", id=self.id, level=self.level.value))
        return self


class Organisation(_NodeBase):
    """A party organisation: a link of the chain (level 0-4) or a resident unit's own (level unit)."""

    kind: Literal[NodeKind.ORGANISATION] = NodeKind.ORGANISATION
    name: Name
    level: Level
    form: OrgForm
    members: Count = Field(default=0, description="党员数: full party members")
    upgraded: bool = Field(default=False, description="特批升格: made a committee by decision under the threshold")
    system_kind: SystemKind | None = Field(default=None, description="系统党组织类型: for a system organisation (level system) only")

    @field_validator("level")
    @classmethod
    def _not_household(cls, level: Level) -> Level:
        if level is Level.HOUSEHOLD:
            raise ValueError("the household level is held by a household head (a member), not an organisation")
        return level

    @model_validator(mode="after")
    def _system_kind(self) -> Organisation:
        if self.system_kind is not None and self.level is not Level.SYSTEM:
            raise ValueError(f"system_kind is for a system organisation (level system), not one of level {self.level.value}")
        return self


class Unit(_NodeBase):
    """驻区单位: a resident unit (organ, SOE, school, hospital, company, property manager...)."""

    kind: Literal[NodeKind.UNIT] = NodeKind.UNIT
    name: Name
    unit_type: UnitType
    eligible: bool | None = Field(
        default=None, description="符合条件: counted in the denominators the seeds use (None: not recorded, counted)"
    )
    members: Count | None = Field(default=None, description="党员数: party members working here, with or without an organisation")
    resources: Items = Field(default=(), description="资源清单: what a resident unit offers communities (双向点单), kept on the unit")


class Member(_NodeBase):
    """党员: a party member, with category and the roles they take where they live.

    One person is one node across the roll (members), household heads and posts. A household
    head who is not a party member (群众联户长, Duyun's 选配联户长) is one too, with
    ``party_member`` False and no category; coverage counts them apart.
    """

    kind: Literal[NodeKind.MEMBER] = NodeKind.MEMBER
    name: PersonName
    category: MemberCategory | None = None
    party_member: bool = Field(default=True, description="是否党员: False for a resident household head (群众联户长)")
    roles: tuple[MemberRole, ...] = ()
    households: Count = Field(default=0, description="联系户数: households linked as household head")
    phone: PhoneText | None = Field(default=None, description="personal data")

    @model_validator(mode="after")
    def _category(self) -> Member:
        if self.party_member and self.category is None:
            raise ValueError(f"member {self.id}: a party member has a category (党员类别)")
        return self

    @property
    def is_household_head(self) -> bool:
        return MemberRole.HOUSEHOLD_HEAD in self.roles


class Agreement(_NodeBase):
    """党建共建协议: a co-building agreement between a community's and a unit's organisations."""

    kind: Literal[NodeKind.AGREEMENT] = NodeKind.AGREEMENT
    signed_on: date
    expires_on: date | None = None
    needs: Items = Field(default=(), description="需求清单")
    resources: Items = Field(default=(), description="资源清单")
    projects: Items = Field(default=(), description="项目清单")

    @model_validator(mode="after")
    def _term(self) -> Agreement:
        if self.expires_on is not None and self.expires_on < self.signed_on:
            raise ValueError(f"agreement {self.id} expires on {self.expires_on}, before it was signed on {self.signed_on}")
        return self


class Alliance(_NodeBase):
    """党建联盟 / 党建共同体: a named grouping of organisations, territories and units."""

    kind: Literal[NodeKind.ALLIANCE] = NodeKind.ALLIANCE
    name: Name
    alliance_kind: AllianceKind


class Seat(_NodeBase):
    """兼职委员: a seat on a big party committee held on behalf of a resident unit.

    Like Popolo's Membership (``on_behalf_of``): the seat does not change which
    organisation the person belongs to.
    """

    kind: Literal[NodeKind.SEAT] = NodeKind.SEAT
    person: ShortText | None = Field(default=None, description="the holder's name as recorded")
    role: ShortText | None = Field(default=None, description="职务")
    valid_from: date | None = None
    valid_to: date | None = None


SIX_HAVES = ("has_venue", "has_facilities", "has_sign", "has_flag", "has_reading", "has_rules")
"""Duyun's 六有 of a service centre: 有场所 有设施 有标志 有党旗 有书报 有制度, as fields of :class:`ServiceCentre`."""


class ServiceCentre(_NodeBase):
    """党群服务中心: a party-mass service centre (street centre, community centre, area station or point)."""

    kind: Literal[NodeKind.SERVICE_CENTRE] = NodeKind.SERVICE_CENTRE
    name: Name
    centre_level: CentreLevel
    floor_area: float | None = Field(default=None, ge=0, le=10_000_000, description="面积 in square metres")
    service_share: float | None = Field(default=None, ge=0, le=100, description="服务面积占比: percent of the space used for service")
    has_venue: bool = Field(default=False, description="有场所")
    has_facilities: bool = Field(default=False, description="有设施")
    has_sign: bool = Field(default=False, description="有标志")
    has_flag: bool = Field(default=False, description="有党旗")
    has_reading: bool = Field(default=False, description="有书报")
    has_rules: bool = Field(default=False, description="有制度")

    @property
    def missing(self) -> tuple[str, ...]:
        """The 六有 items it lacks, by field name."""
        return tuple(f for f in SIX_HAVES if not getattr(self, f))


class Post(_NodeBase):
    """职务: one person's term in one post of a body (党组织书记, 居委会主任, 业委会主任...), POST_IN the body.

    Like Popolo's Post with its Membership folded in: a re-import of the same term updates it
    (its id is made from body, post, person and start; see the README).
    """

    kind: Literal[NodeKind.POST] = NodeKind.POST
    post: PostKind
    person: ShortText | None = Field(default=None, description="the holder's name as recorded")
    valid_from: date | None = None
    valid_to: date | None = None

    @model_validator(mode="after")
    def _term(self) -> Post:
        if self.valid_from and self.valid_to and self.valid_to < self.valid_from:
            raise ValueError(f"post {self.id} ends on {self.valid_to}, before it starts on {self.valid_from}")
        return self


class Team(_NodeBase):
    """服务队: a party members' volunteer team or a grid service team, TEAM_SERVES a territory."""

    kind: Literal[NodeKind.TEAM] = NodeKind.TEAM
    name: Name
    team_kind: TeamKind
    valid_from: date | None = None
    valid_to: date | None = None


Node = Annotated[
    Territory | Organisation | Unit | Member | Agreement | Alliance | Seat | ServiceCentre | Post | Team,
    Field(discriminator="kind"),
]
NODE_MODELS: dict[NodeKind, type[_NodeBase]] = {
    NodeKind.TERRITORY: Territory,
    NodeKind.ORGANISATION: Organisation,
    NodeKind.UNIT: Unit,
    NodeKind.MEMBER: Member,
    NodeKind.AGREEMENT: Agreement,
    NodeKind.ALLIANCE: Alliance,
    NodeKind.SEAT: Seat,
    NodeKind.SERVICE_CENTRE: ServiceCentre,
    NodeKind.POST: Post,
    NodeKind.TEAM: Team,
}


class _EdgeBase(_Record):
    source: Id
    target: Id
    valid_from: date | None = None
    valid_to: date | None = None

    @model_validator(mode="after")
    def _period(self) -> _EdgeBase:
        if self.valid_from and self.valid_to and self.valid_to < self.valid_from:
            raise ValueError(f"{self.source} -{self.kind}-> {self.target} ends before it starts")  # type: ignore[attr-defined]
        return self

    @property
    def ref(self) -> EdgeRef:
        return EdgeRef(source=self.source, kind=self.kind, target=self.target)  # type: ignore[attr-defined]


class Within(_EdgeBase):
    """Territory → the territory it lies within, of a level :data:`ALLOWED_PARENTS` allows."""

    kind: Literal[EdgeKind.WITHIN] = EdgeKind.WITHIN


class ReportsTo(_EdgeBase):
    """Organisation → its parent organisation: one level up in the chain; for a unit's, its system's or where it is managed locally."""

    kind: Literal[EdgeKind.REPORTS_TO] = EdgeKind.REPORTS_TO


class Covers(_EdgeBase):
    """Organisation → a territory of its own level (a joint organisation, 联合党支部, covers several); a unit's → its unit."""

    kind: Literal[EdgeKind.COVERS] = EdgeKind.COVERS


class MemberOf(_EdgeBase):
    """Party member → the organisation that holds their membership (valid_from / valid_to: 入党或转入 / 转出).

    An in-service member's is their work unit's organisation (双重管理); a household head's is
    often their grid's group, but need not be."""

    kind: Literal[EdgeKind.MEMBER_OF] = EdgeKind.MEMBER_OF


class Serves(_EdgeBase):
    """Party member → the territory where they hold their roles (a grid, building or residential area)."""

    kind: Literal[EdgeKind.SERVES] = EdgeKind.SERVES


class ReportedTo(_EdgeBase):
    """双报到: party member → the community or street territory, or industrial-park unit, they reported to.

    ``valid_from`` is the day they reported (报到日期). The membership stays where it is held (MEMBER_OF);
    roles taken up there hang from the report (SERVES), not from a second membership."""

    kind: Literal[EdgeKind.REPORTED_TO] = EdgeKind.REPORTED_TO


class LocatedIn(_EdgeBase):
    """Resident unit → the community it sits in."""

    kind: Literal[EdgeKind.LOCATED_IN] = EdgeKind.LOCATED_IN


class SignedBy(_EdgeBase):
    """Co-building agreement → one of its parties (an organisation, or a unit without one)."""

    kind: Literal[EdgeKind.SIGNED_BY] = EdgeKind.SIGNED_BY


class InAlliance(_EdgeBase):
    """Organisation, territory or unit → an alliance it is a member of (牵头: leads it)."""

    kind: Literal[EdgeKind.IN_ALLIANCE] = EdgeKind.IN_ALLIANCE
    lead: bool = False


class SeatOn(_EdgeBase):
    """Seat → the community committee (大党委) or street working committee (大工委) it is on."""

    kind: Literal[EdgeKind.SEAT_ON] = EdgeKind.SEAT_ON


class OnBehalfOf(_EdgeBase):
    """Seat → the resident unit it is held for."""

    kind: Literal[EdgeKind.ON_BEHALF_OF] = EdgeKind.ON_BEHALF_OF


class HeldBy(_EdgeBase):
    """Seat or post → the party member holding it, where the member is on record."""

    kind: Literal[EdgeKind.HELD_BY] = EdgeKind.HELD_BY


class Manages(_EdgeBase):
    """Unit → a residential area it serves (a property company, an owners' committee) or runs (an abandoned area's 代管单位)."""

    kind: Literal[EdgeKind.MANAGES] = EdgeKind.MANAGES


class CentreFor(_EdgeBase):
    """Party-mass service centre → the territory it serves (a street, community or residential area)."""

    kind: Literal[EdgeKind.CENTRE_FOR] = EdgeKind.CENTRE_FOR


class PostIn(_EdgeBase):
    """Post → the body it is a post in: a party organisation, or a residents', owners' committee or property company."""

    kind: Literal[EdgeKind.POST_IN] = EdgeKind.POST_IN


class TeamServes(_EdgeBase):
    """Service team → the territory it serves (a grid, area, community...)."""

    kind: Literal[EdgeKind.TEAM_SERVES] = EdgeKind.TEAM_SERVES


class InTeam(_EdgeBase):
    """Party member → a service team they are on."""

    kind: Literal[EdgeKind.IN_TEAM] = EdgeKind.IN_TEAM


Edge = Annotated[
    Within
    | ReportsTo
    | Covers
    | MemberOf
    | Serves
    | LocatedIn
    | SignedBy
    | InAlliance
    | SeatOn
    | OnBehalfOf
    | HeldBy
    | Manages
    | CentreFor
    | PostIn
    | TeamServes
    | InTeam
    | ReportedTo,
    Field(discriminator="kind"),
]
EDGE_MODELS: dict[EdgeKind, type[_EdgeBase]] = {
    EdgeKind.WITHIN: Within,
    EdgeKind.REPORTS_TO: ReportsTo,
    EdgeKind.COVERS: Covers,
    EdgeKind.MEMBER_OF: MemberOf,
    EdgeKind.SERVES: Serves,
    EdgeKind.LOCATED_IN: LocatedIn,
    EdgeKind.SIGNED_BY: SignedBy,
    EdgeKind.IN_ALLIANCE: InAlliance,
    EdgeKind.SEAT_ON: SeatOn,
    EdgeKind.ON_BEHALF_OF: OnBehalfOf,
    EdgeKind.HELD_BY: HeldBy,
    EdgeKind.MANAGES: Manages,
    EdgeKind.CENTRE_FOR: CentreFor,
    EdgeKind.POST_IN: PostIn,
    EdgeKind.TEAM_SERVES: TeamServes,
    EdgeKind.IN_TEAM: InTeam,
    EdgeKind.REPORTED_TO: ReportedTo,
}


class EdgeRef(BaseModel):
    """Names one edge: at most one edge of a kind joins an ordered pair of nodes."""

    model_config = ConfigDict(frozen=True)

    source: Id
    kind: EdgeKind
    target: Id

    def __str__(self) -> str:
        return f"{self.source} -{self.kind}-> {self.target}"


class Batch(BaseModel):
    """One atomic write: every node and edge in it is written, or none is."""

    nodes: list[Node] = Field(default_factory=list)
    edges: list[Edge] = Field(default_factory=list)
    remove_nodes: list[Id] = Field(default_factory=list, description="ids to delete with their edges")
    remove_edges: list[EdgeRef] = Field(default_factory=list)

    def __len__(self) -> int:
        return len(self.nodes) + len(self.edges) + len(self.remove_nodes) + len(self.remove_edges)


NODE_ADAPTER: TypeAdapter[Any] = TypeAdapter(Node)
EDGE_ADAPTER: TypeAdapter[Any] = TypeAdapter(Edge)
