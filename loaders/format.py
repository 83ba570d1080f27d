"""The import format (台账导入格式): its tables, their columns in English and Chinese, and how a cell is read.

One workbook with a sheet per table, or one folder with a CSV file per table. This module
is the single description of that format: the reader, the template, the exporter and the
README's table all come from :data:`TABLES`.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum
from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, model_validator

from graph.i18n import _
from graph.labels import ALIASES, LABELS, choices, term
from graph.model import (
    ID_PATTERN,
    TERRITORY_LEVELS,
    AllianceKind,
    CentreLevel,
    Level,
    MemberCategory,
    MemberRole,
    Name,
    OrgForm,
    PersonName,
    PhoneText,
    PostKind,
    SystemKind,
    TeamKind,
    UnitType,
)
from graph.model import Items as _Items
from graph.model import ShortText as _Short

__all__ = [
    "TABLES",
    "AgreementRow",
    "AllianceRow",
    "BigCommitteeRow",
    "Column",
    "HouseholdHeadRow",
    "MemberRow",
    "PostRow",
    "Row",
    "ServiceCentreRow",
    "StructureRow",
    "SystemOrgRow",
    "Table",
    "TeamRow",
    "UnitRow",
    "parse_date",
    "quoted",
    "unquoted",
]

# -- Chinese labels of the enumerations: graph.labels, the one table ---------------------------

DEFAULT_FORM = {
    Level.DISTRICT: OrgForm.COMMITTEE,
    Level.STREET: OrgForm.WORKING_COMMITTEE,
    Level.COMMUNITY: OrgForm.COMMITTEE,
    Level.RESIDENTIAL_AREA: OrgForm.BRANCH,
    Level.GRID: OrgForm.GROUP,
    Level.BUILDING: OrgForm.GROUP,  # 楼栋党小组; a courtyard branch (院落党支部) gives org_form branch
}
"""The form an organisation takes when ``org_form`` is blank, by the level it covers."""


# -- reading cells -----------------------------------------------------------------------------

_YES = {"yes", "y", "true", "1", "是", "√", "✓", "有"}
_NO = {"no", "n", "false", "0", "否", "×", "无", ""}
_DATE = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$")
_LIST_SPLIT = re.compile(r"\s*[;；、\n]\s*")
_EXCEL_EPOCH = date(1899, 12, 30)

FORMULA_LEADS = ("=", "+", "-", "@", "\t", "\r")
"""What makes a spreadsheet read a cell as a formula (OWASP, "CSV Injection")."""
_QUOTED = re.compile(r"^'+[=+\-@\t\r]")


def quoted(text: str) -> str:
    """Text as a CSV cell that no spreadsheet runs: a single quote before a formula's first character (OWASP).

    Text that already starts with quotes before such a character gets one more, so that
    :func:`unquoted` gives back exactly what was written.
    """
    return "'" + text if text.startswith(FORMULA_LEADS) or _QUOTED.match(text) else text


def unquoted(text: str) -> str:
    """A cell as staff meant it: the single quote before ``= + - @`` (Excel's mark for text, and :func:`quoted`'s) dropped."""
    return text[1:] if _QUOTED.match(text) else text


def _text(value: Any) -> Any:
    """A cell as text: numbers that are whole (an id or phone typed into Excel) lose their ``.0``; a formula's quote goes."""
    if value is None:
        return None
    if isinstance(value, bool):
        return value
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, int):
        return str(value)
    if isinstance(value, str):
        value = unquoted(value.strip())
        return value or None
    return value


def _code(value: Any) -> Any:
    """A cell holding a code (id, number, phone, date, choice) as text: full-width digits, letters and spaces made plain (NFKC).

    Staff typing with a Chinese input method in its full-width mode write ｇ１ for g1 and １３８
    for 138; names and other free text are left as typed (NFKC would turn their （） into ()).
    """
    value = _text(value)
    if isinstance(value, str) and not value.isascii():
        value = unicodedata.normalize("NFKC", value).strip() or None
    return value


def _blank_to_none(value: Any) -> Any:
    return None if isinstance(value, str) and not value.strip() else value


def _count(value: Any) -> Any:
    """户数, 党员数...: a whole number; ``1,200`` and ``1200.0`` are read as 1200."""
    value = _blank_to_none(value)
    if isinstance(value, str):
        text = str(_code(value) or "").replace(",", "")
        try:
            number = float(text)
        except ValueError:
            raise ValueError(_("应为整数，例如 120，而不是 %(value)r", value=value)) from None
        value = number
    if isinstance(value, float):
        if not value.is_integer():
            raise ValueError(_("应为整数，而不是 %(value)s", value=value))
        value = int(value)
    return value


def parse_date(value: Any) -> date | None:
    """A date as staff write it: 2023-05-01, 2023/5/1, 2023.5.1, 2023年5月1日, or an Excel date cell."""
    value = _blank_to_none(value)
    if value is None or (isinstance(value, date) and not isinstance(value, datetime)):
        return value
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, int | float) and not isinstance(value, bool) and 1 <= value < 2_958_466:
        return _EXCEL_EPOCH + timedelta(days=int(value))  # an Excel serial day, from a cell without a date format
    match = _DATE.match(str(_code(value)))
    if match:
        try:
            return date(int(match[1]), int(match[2]), int(match[3]))
        except ValueError as exc:
            raise ValueError(_("%(value)r 不是日历上的日期（%(error)s）", value=value, error=exc)) from None
    raise ValueError(_("应为日期，写作 2023-05-01、2023/5/1、2023.5.1 或 2023年5月1日，而不是 %(value)r", value=value))


def _yes_no(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    text = str(_code(value) or "").lower()
    if text in _YES:
        return True
    if text in _NO:
        return False
    raise ValueError(_("应为是或否（是/否、yes/no），而不是 %(value)r", value=value))


@functools.cache
def _enum(enum: type[StrEnum]) -> Callable[[Any], Any]:
    """A reader of the enumeration's English values and Chinese labels (one per enumeration, made once)."""
    by_text = {v.lower(): enum(v) for v in LABELS[enum]} | {zh: enum(v) for v, zh in LABELS[enum].items()}
    by_text |= {alias: enum(v) for alias, v in ALIASES.get(enum, {}).items()}

    def read(value: Any) -> Any:
        value = _code(value)
        if value is None:
            return None
        found = by_text.get(str(value).strip().lower())
        if found is None:
            raise ValueError(_("%(value)r 不在可选值中：%(choices)s", value=value, choices=choices(enum)))
        return found

    return read


def _list(value: Any) -> tuple[str, ...]:
    """需求清单 and the like: items separated by ; ； 、 or line breaks."""
    text = _text(value)
    if text is None:
        return ()
    return tuple(item for item in _LIST_SPLIT.split(str(text)) if item)


def _roles(value: Any) -> tuple[MemberRole, ...]:
    read = _enum(MemberRole)
    return tuple(read(item) for item in _list(value))


def _opt_yes_no(value: Any) -> bool | None:
    """符合条件 and the like: yes or no, or blank for not recorded (None)."""
    value = _blank_to_none(value)
    return None if value is None else _yes_no(value)


def _percent(value: Any) -> Any:
    """服务面积占比: a percentage, 92 or 92% (an Excel cell formatted as a percentage holds 0.92, and is read as 92)."""
    value = _blank_to_none(value)
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, int | float):
        return value * 100 if isinstance(value, float) and value <= 1 else value
    text = str(_code(value)).strip().replace(",", "")
    try:
        return float(text.removesuffix("%"))
    except ValueError:
        raise ValueError(_("应为百分比，例如 92 或 92%%，而不是 %(value)r", value=value)) from None


def _number(value: Any) -> Any:
    """面积: a number, 1,200 or 850.5."""
    value = _blank_to_none(value)
    if isinstance(value, str):
        try:
            return float(str(_code(value)).replace(",", ""))
        except ValueError:
            raise ValueError(_("应为数字，例如 850 或 850.5，而不是 %(value)r", value=value)) from None
    return value


def _id(value: Any) -> Any:
    value = _code(value)
    if isinstance(value, str) and not ID_PATTERN.match(value):
        raise ValueError(_("%(value)r 不能用作 id：只能用字母、数字和 _ . : -，最多 80 个字符", value=value))
    return value


def _ids(value: Any) -> tuple[str, ...]:
    """队员编号 and the like: ids separated by ; ； 、 , ， or line breaks, each a usable id, none twice."""
    text = _code(value)
    if text is None:
        return ()
    items = [item for item in re.split(r"\s*[;；、,，\n]\s*", str(text)) if item]
    return tuple(dict.fromkeys(_id(item) for item in items))


# The graph model's text types (graph.model: safe characters, bounded sizes), read from cells.
_Number = Annotated[int, Field(ge=0, le=10_000_000)]
_Phone = Annotated[PhoneText, Field(pattern=r"^[0-9+\-() *]+$")]

Text = Annotated[Name, BeforeValidator(_text)]
OptText = Annotated[Name | None, BeforeValidator(_text), Field(default=None)]
ShortText = Annotated[_Short | None, BeforeValidator(_text), Field(default=None)]
Phone = Annotated[_Phone | None, BeforeValidator(_code), Field(default=None)]
Id = Annotated[str, BeforeValidator(_id)]
OptId = Annotated[str | None, BeforeValidator(_id), Field(default=None)]
Count = Annotated[_Number | None, BeforeValidator(_count), Field(default=None)]
Day = Annotated[date | None, BeforeValidator(parse_date), Field(default=None)]
YesNo = Annotated[bool, BeforeValidator(_yes_no), Field(default=False)]
YesByDefault = Annotated[bool, BeforeValidator(lambda v: True if _blank_to_none(v) is None else _yes_no(v)), Field(default=True)]
"""是/否 where a blank cell means yes (是否党员: a household head is a party member unless the row says not)."""
Items = Annotated[_Items, BeforeValidator(_list), Field(default=())]
OptYesNo = Annotated[bool | None, BeforeValidator(_opt_yes_no), Field(default=None)]
Ids = Annotated[tuple[str, ...], BeforeValidator(_ids), Field(default=(), max_length=100)]
Percent = Annotated[float | None, BeforeValidator(_percent), Field(default=None, ge=0)]
Area = Annotated[float | None, BeforeValidator(_number), Field(default=None, ge=0, le=10_000_000)]


def _enum_field(enum: type[StrEnum]) -> Any:
    return Annotated[enum | None, BeforeValidator(_enum(enum)), Field(default=None)]


# -- the rows of each table ----------------------------------------------------------------------


class Row(BaseModel):
    """One row of a table, read and checked on its own; references are checked once every table is read."""

    model_config = ConfigDict(extra="forbid", frozen=True)


def _required_choice(column: str, value: object, enum: type[StrEnum]) -> None:
    """A choice column left blank where the row needs it: name the column and list what it may be."""
    if value is None:
        raise ValueError(f"{column}: " + _("为空；可选值：%(choices)s", choices=choices(enum)))


def _check_term(since: date | None, until: date | None) -> None:
    """An ``until`` before ``since`` (a term, a unit's or a team's life): name the column and both days."""
    if since and until and until < since:
        raise ValueError("until: " + _("%(until)s 早于开始日期 %(since)s", until=until, since=since))


class StructureRow(Row):
    """组织架构: a territory and, when it has one, the party organisation that covers it."""

    id: Id
    level: _enum_field(Level)  # type: ignore[valid-type]
    name: Text
    parent_id: OptId
    org_id: OptId
    org_name: OptText
    org_form: _enum_field(OrgForm)  # type: ignore[valid-type]
    org_members: Count
    households: Count
    staff: Count
    upgraded: YesNo
    population: Count
    since: Day
    until: Day
    abandoned: YesNo
    managed_by: OptId
    needs: Items

    @model_validator(mode="after")
    def _consistent(self) -> StructureRow:
        _required_choice("level", self.level, Level)
        if self.level not in TERRITORY_LEVELS:
            raise ValueError("level: " + _("%(level)s 不是地域层级；可选值：%(choices)s", level=self.level.value, choices=choices(Level)))
        if self.level is Level.DISTRICT and self.parent_id:
            raise ValueError("parent_id: " + _("区是地域的最上一级；请让它的 parent_id 留空"))
        if self.level is not Level.DISTRICT and not self.parent_id:
            wanted = "、".join(term(level) for level in sorted(self.level.parents))
            raise ValueError("parent_id: " + _("为空；%(level)s需要填写所属%(up)s的 id", level=term(self.level), up=wanted))
        if self.since is not None and self.until is not None and self.until < self.since:
            raise ValueError(
                "until: " + _("撤销日期 %(until)s 早于设立日期 since %(since)s；撤销应在设立之后", until=self.until, since=self.since)
            )
        if not self.org_name and (self.org_id or self.org_form or self.org_members or self.upgraded):
            raise ValueError("org_name: " + _("为空，即这里没有党组织；请填写党组织名称，或让所有 org_ 列留空"))
        if self.level is not Level.RESIDENTIAL_AREA and (self.abandoned or self.managed_by):
            column = "abandoned" if self.abandoned else "managed_by"
            raise ValueError(f"{column}: " + _("只用于小区（弃管小区），不用于%(level)s；请留空", level=term(self.level)))
        if self.needs and self.level is not Level.COMMUNITY:
            raise ValueError("needs: " + _("需求清单只记在社区上，不用于%(level)s；请留空", level=term(self.level)))
        return self


class HouseholdHeadRow(Row):
    """联户长: a person who keeps in touch with about ten households of a grid; a party member (党员联户长) unless
    ``party_member`` says no (群众联户长)."""

    id: Id
    name: Annotated[PersonName, BeforeValidator(_text)]
    grid_id: Id
    category: _enum_field(MemberCategory)  # type: ignore[valid-type]
    households: Count
    phone: Phone
    roles: Annotated[tuple[MemberRole, ...], BeforeValidator(_roles), Field(default=())]
    party_member: YesByDefault

    @model_validator(mode="after")
    def _category(self) -> HouseholdHeadRow:
        if self.category is None and self.party_member:
            raise ValueError("category: " + _("为空；可选值：%(choices)s", choices=choices(MemberCategory)))
        return self


class MemberRow(Row):
    """党员名册: one party member, where the membership is held, where they reported (双报到) and the roles they hold."""

    id: Id
    name: Annotated[PersonName, BeforeValidator(_text)]
    category: _enum_field(MemberCategory)  # type: ignore[valid-type]
    org_id: OptId
    reported_to: OptId
    reported_on: Day
    serves_id: OptId
    roles: Annotated[tuple[MemberRole, ...], BeforeValidator(_roles), Field(default=())]
    households: Count
    phone: Phone
    since: Day
    until: Day

    @model_validator(mode="after")
    def _consistent(self) -> MemberRow:
        _required_choice("category", self.category, MemberCategory)
        if self.reported_on and not self.reported_to:
            raise ValueError("reported_to: " + _("为空，却填了报到日期 reported_on；请填写报到的社区、街道或园区"))
        if self.roles and not self.serves_id:
            raise ValueError("serves_id: " + _("为空，却填了角色 roles；角色在服务的网格、楼栋或小区担任，请填写服务网格编号"))
        _check_term(self.since, self.until)
        return self


class UnitRow(Row):
    """驻区单位: a resident unit and, when it has one, its own party organisation."""

    id: Id
    name: Text
    type: _enum_field(UnitType)  # type: ignore[valid-type]
    community_id: Id
    party_org_id: OptId
    party_org_name: OptText
    party_org_members: Count
    party_org_form: _enum_field(OrgForm)  # type: ignore[valid-type]
    superior_org_id: OptId
    residential_area_id: Ids
    eligible: OptYesNo
    members: Count
    since: Day
    until: Day
    resources: Items

    @model_validator(mode="after")
    def _consistent(self) -> UnitRow:
        _required_choice("type", self.type, UnitType)
        if not self.party_org_name and (self.party_org_id or self.party_org_members or self.party_org_form):
            raise ValueError("party_org_name: " + _("为空，即该单位没有党组织；请填写党组织名称，或让所有 party_org_ 列留空"))
        if self.superior_org_id and not self.party_org_name:
            raise ValueError("superior_org_id: " + _("该单位没有党组织，无从隶属上级；请填写 party_org_name，或让 superior_org_id 留空"))
        _check_term(self.since, self.until)
        return self


class SystemOrgRow(Row):
    """系统党组织: a party organisation heading a line of its own (机关工委, 教育工委, 卫健工委...)."""

    id: Id
    name: Text
    kind: _enum_field(SystemKind)  # type: ignore[valid-type]
    parent_id: OptId
    members: Count


class ServiceCentreRow(Row):
    """党群服务中心: a party-mass service centre, its space and Duyun's 六有."""

    id: Id
    name: Text
    level: _enum_field(CentreLevel)  # type: ignore[valid-type]
    territory_id: Id
    floor_area: Area
    service_share: Percent
    has_venue: YesNo
    has_facilities: YesNo
    has_sign: YesNo
    has_flag: YesNo
    has_reading: YesNo
    has_rules: YesNo
    since: Day
    until: Day

    @model_validator(mode="after")
    def _consistent(self) -> ServiceCentreRow:
        _required_choice("level", self.level, CentreLevel)
        if self.service_share is not None and self.service_share > 100:
            raise ValueError("service_share: " + _("%(share)s%% 超过 100%%：服务面积是总面积的一部分", share=f"{self.service_share:g}"))
        _check_term(self.since, self.until)
        return self


class AgreementRow(Row):
    """党建共建协议: a co-building agreement between a community and a resident unit."""

    id: Id
    community_id: Id
    unit_id: Id
    signed_on: Day
    expires_on: Day
    needs: Items
    resources: Items
    projects: Items

    @model_validator(mode="after")
    def _term(self) -> AgreementRow:
        if self.signed_on is None:
            raise ValueError("signed_on: " + _("为空；协议需要签订日期"))
        if self.expires_on is not None and self.expires_on < self.signed_on:
            raise ValueError("expires_on: " + _("%(expires)s 早于签订日期 %(signed)s", expires=self.expires_on, signed=self.signed_on))
        return self


class AllianceRow(Row):
    """党建联盟 / 党建共同体: one member of an alliance per row (a row without member_id just names it)."""

    alliance_id: Id
    alliance_name: OptText
    kind: _enum_field(AllianceKind)  # type: ignore[valid-type]
    member_id: OptId
    lead: YesNo


class BigCommitteeRow(Row):
    """大党委 / 大工委: a concurrent member seated on a community's (or street's) committee for a unit."""

    id: OptId
    community_id: Id
    person: ShortText
    unit_id: Id
    role: ShortText
    since: Day
    until: Day
    member_id: OptId

    @model_validator(mode="after")
    def _term(self) -> BigCommitteeRow:
        _check_term(self.since, self.until)
        return self


class PostRow(Row):
    """职务: one person's term in one post of a body (a party organisation, a residents', owners' committee or property company)."""

    body_id: Id
    post: _enum_field(PostKind)  # type: ignore[valid-type]
    person_id: OptId
    person: ShortText
    since: Day
    until: Day

    @model_validator(mode="after")
    def _consistent(self) -> PostRow:
        _required_choice("post", self.post, PostKind)
        if not self.person and not self.person_id:
            raise ValueError("person: " + _("为空，person_id 也为空；请写明任职人（或给出其党员编号）"))
        _check_term(self.since, self.until)
        return self


class TeamRow(Row):
    """服务队: a party members' volunteer team or grid service team, the territory it serves and its members."""

    id: Id
    name: Text
    kind: _enum_field(TeamKind)  # type: ignore[valid-type]
    territory_id: Id
    member_ids: Annotated[tuple[str, ...], BeforeValidator(_ids), Field(default=(), max_length=10_000)]
    since: Day
    until: Day

    @model_validator(mode="after")
    def _consistent(self) -> TeamRow:
        _required_choice("kind", self.kind, TeamKind)
        _check_term(self.since, self.until)
        return self


# -- the tables --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Column:
    name: str
    chinese: str
    doc: str
    required: bool = False
    extension: bool = False  # beyond the minimum; optional, documented, exported


@dataclass(frozen=True)
class Table:
    name: str
    chinese: str
    doc: str
    row: type[Row]
    columns: tuple[Column, ...]

    @property
    def key(self) -> str:
        """The column that names the row's record."""
        return self.columns[0].name


def _values(enum: type[StrEnum]) -> str:
    return " / ".join(f"{v} {zh}" for v, zh in LABELS[enum].items())


TABLES: dict[str, Table] = {
    t.name: t
    for t in (
        Table(
            "structure",
            "组织架构",
            "One row per territory, top down or in any order; the party organisation covering it on the same row.",
            StructureRow,
            (
                Column("id", "编号", "the territory's id, unique in the whole file", required=True),
                Column("level", "层级", _values(Level), required=True),
                Column("name", "名称", "the territory's name", required=True),
                Column(
                    "parent_id",
                    "上级编号",
                    "id of the territory it lies within (blank for the district): a grid within a residential area, community or street; "
                    "a building within a residential area or grid",
                ),
                Column("org_id", "党组织编号", "id of its party organisation (blank: o-<id>)"),
                Column("org_name", "党组织名称", "blank: no party organisation yet"),
                Column("org_form", "组织形式", _values(OrgForm) + " (blank: the usual form of the level)"),
                Column("org_members", "党员数", "full party members of the organisation"),
                Column("households", "户数", "households living here (any level: counted where no territory below records them)"),
                Column("staff", "专职人员数", "full-time workers (any level: counted where no territory below records them)"),
                Column("upgraded", "特批升格", "made a committee by decision under 100 members: yes/no, 是/否"),
                Column("population", "常住人口", "resident population (any level: counted where no territory below records it)"),
                Column(
                    "since",
                    "设立日期",
                    "the day this row's place and line start (blank: always); a later ledger moving it keeps the history",
                ),
                Column("until", "撤销日期", "the day the territory and its organisation end (blank: still in force)"),
                Column("abandoned", "弃管", "a residential area its property company has abandoned (弃管小区): yes/no"),
                Column(
                    "managed_by", "代管单位编号", "the unit running the residential area (for an abandoned one, 代管); it MANAGES the area"
                ),
                Column(
                    "needs",
                    "需求清单",
                    "a community's own needs list (双向点单, 三张清单), items separated by ; or 、; matched with units' resources",
                    extension=True,
                ),
            ),
        ),
        Table(
            "members",
            "党员名册",
            "One row per party member (党员名册): the organisation holding the membership (in-service members: their work "
            "unit's), the community, street or industrial park they reported to (双报到), and the roles they hold where they "
            "serve. The same id in household_heads is the same person: see the README.",
            MemberRow,
            (
                Column("id", "编号", "the member's id (the same person as a household_heads row of this id)", required=True),
                Column("name", "姓名", "", required=True),
                Column("category", "党员类别", _values(MemberCategory), required=True),
                Column("org_id", "所在党组织编号", "the organisation holding the membership: the chain's or a unit's (blank: unchanged)"),
                Column("reported_to", "报到社区编号", "the community, street or industrial park reported to (双报到; blank: unchanged)"),
                Column("reported_on", "报到日期", "the day they reported"),
                Column("serves_id", "服务网格编号", "the grid, building or residential area where they hold roles (blank: unchanged)"),
                Column("roles", "角色", "separated by ; : " + _values(MemberRole)),
                Column("households", "联系户数", "households they keep in touch with, as household head"),
                Column("phone", "电话", "personal data"),
                Column("since", "入党/转入日期", "when the organisation began to hold the membership"),
                Column("until", "转出日期", "when it stopped (转出); blank: still held"),
            ),
        ),
        Table(
            "household_heads",
            "党员联户长",
            "One row per household head (联户长); a party member belongs to their grid's party group unless the roll "
            "(members) holds the membership elsewhere; party_member no: a resident household head (群众联户长).",
            HouseholdHeadRow,
            (
                Column("id", "编号", "the member's id", required=True),
                Column("name", "姓名", "", required=True),
                Column("grid_id", "网格编号", "id of the grid they serve", required=True),
                Column("category", "党员类别", _values(MemberCategory), required=True),
                Column("households", "联系户数", "households they keep in touch with (about 10)"),
                Column("phone", "电话", "personal data"),
                Column("roles", "角色", "further roles, separated by ; : " + _values(MemberRole), extension=True),
                Column("party_member", "是否党员", "yes/no, 是/否 (blank: yes); no: a resident household head (群众联户长)"),
            ),
        ),
        Table(
            "units",
            "驻区单位",
            "One row per resident unit, with its own party organisation if it has one.",
            UnitRow,
            (
                Column("id", "编号", "the unit's id", required=True),
                Column("name", "名称", "", required=True),
                Column("type", "类型", _values(UnitType), required=True),
                Column("community_id", "所在社区编号", "id of the community it sits in", required=True),
                Column("party_org_id", "党组织编号", "id of its party organisation (blank: o-<id>)"),
                Column("party_org_name", "党组织名称", "blank: the unit has no party organisation"),
                Column("party_org_members", "党员数", ""),
                Column("party_org_form", "党组织形式", _values(OrgForm) + " (blank: branch 党支部)", extension=True),
                Column(
                    "superior_org_id",
                    "上级党组织编号",
                    "where its party organisation reports: a system organisation (its own line), or a street's, community's or "
                    "park's organisation where it is managed locally (属地); blank: none (挂空挡)",
                ),
                Column(
                    "residential_area_id",
                    "所在小区编号",
                    "residential areas it serves (a property company, an owners' committee), separated by ;",
                ),
                Column("eligible", "符合条件", "meets the conditions counted in the seeds' rates: yes/no, 是/否 (blank: counted)"),
                Column("members", "单位党员数", "party members working here, also where it has no party organisation"),
                Column("since", "设立日期", "blank: on record since ever"),
                Column("until", "撤销日期", "blank: still there"),
                Column(
                    "resources",
                    "资源清单",
                    "what the unit offers communities (双向点单, 三张清单), items separated by ; or 、; matched with communities' needs",
                    extension=True,
                ),
            ),
        ),
        Table(
            "system_orgs",
            "系统党组织",
            "One row per system party organisation (系统党组织), the line units' organisations report up.",
            SystemOrgRow,
            (
                Column("id", "编号", "the organisation's id", required=True),
                Column("name", "名称", "", required=True),
                Column("kind", "类型", _values(SystemKind) + " (blank: other 其他)"),
                Column("parent_id", "上级编号", "another system organisation, or the district's organisation (blank: none)"),
                Column("members", "党员数", "", extension=True),
            ),
        ),
        Table(
            "service_centres",
            "党群服务中心",
            "One row per party-mass service centre (党群服务中心), station or point.",
            ServiceCentreRow,
            (
                Column("id", "编号", "the centre's id", required=True),
                Column("name", "名称", "", required=True),
                Column("level", "层级", _values(CentreLevel), required=True),
                Column("territory_id", "所属编号", "the street, community or residential area it serves", required=True),
                Column("floor_area", "面积", "square metres"),
                Column("service_share", "服务面积占比", "percent of the space used for service, 0 to 100 (92 or 92%)"),
                Column("has_venue", "有场所", "六有: yes/no, 是/否"),
                Column("has_facilities", "有设施", "六有: yes/no"),
                Column("has_sign", "有标志", "六有: yes/no"),
                Column("has_flag", "有党旗", "六有: yes/no"),
                Column("has_reading", "有书报", "六有: yes/no"),
                Column("has_rules", "有制度", "六有: yes/no"),
                Column("since", "设立日期", "blank: on record since ever"),
                Column("until", "撤销日期", "blank: still open"),
            ),
        ),
        Table(
            "agreements",
            "共建协议",
            "One row per co-building agreement (党建共建协议) between a community and a unit.",
            AgreementRow,
            (
                Column("id", "协议编号", "", required=True),
                Column("community_id", "社区编号", "the community; its party organisation signs", required=True),
                Column("unit_id", "单位编号", "the unit; its party organisation signs, or the unit if it has none", required=True),
                Column("signed_on", "签订日期", "2023-05-01, 2023/5/1, 2023.5.1 or 2023年5月1日", required=True),
                Column("expires_on", "到期日期", "blank: open-ended"),
                Column("needs", "需求清单", "items separated by ; or 、"),
                Column("resources", "资源清单", "items separated by ; or 、"),
                Column("projects", "项目清单", "items separated by ; or 、"),
            ),
        ),
        Table(
            "alliances",
            "党建联盟",
            "One row per member of an alliance; repeat the alliance's id, name and kind on each.",
            AllianceRow,
            (
                Column("alliance_id", "联盟编号", "", required=True),
                Column("alliance_name", "联盟名称", "", required=True),
                Column("kind", "类型", _values(AllianceKind)),
                Column("member_id", "成员编号", "a community, street or unit id (a territory joins through its party organisation)"),
                Column("lead", "牵头", "yes/no, 是/否"),
            ),
        ),
        Table(
            "big_committee",
            "大党委",
            "One row per concurrent member (兼职委员) of a community's big party committee or a street's big working committee.",
            BigCommitteeRow,
            (
                Column("community_id", "社区编号", "the community (or a street, for its big working committee)", required=True),
                Column("person", "姓名", "the member's name"),
                Column("unit_id", "单位编号", "the unit they sit for", required=True),
                Column("role", "职务", "such as 兼职委员"),
                Column("since", "起始日期", ""),
                Column("until", "结束日期", "blank: still serving"),
                Column("id", "编号", "the seat's id (blank: made from community, unit and person)", extension=True),
                Column("member_id", "党员编号", "the holder's id, when they are on record as a member", extension=True),
            ),
        ),
        Table(
            "posts",
            "职务",
            "One row per person's term in a post (书记, 主任...); a re-import of the same term updates it (its id is made from "
            "body, post, person and since).",
            PostRow,
            (
                Column(
                    "body_id",
                    "组织编号",
                    "a party organisation, or a residents' committee, owners' committee or property company unit",
                    required=True,
                ),
                Column("post", "职务", _values(PostKind) + " (主任 of an owners' committee is its chair)", required=True),
                Column("person_id", "人员编号", "the holder's member id, where they are on record as one"),
                Column("person", "姓名", "the holder's name"),
                Column("since", "任职日期", ""),
                Column("until", "离任日期", "blank: still in post"),
            ),
        ),
        Table(
            "teams",
            "服务队",
            "One row per service team (党员志愿服务队, 网格服务团队, 先锋队) with the territory it serves and its members.",
            TeamRow,
            (
                Column("id", "编号", "the team's id", required=True),
                Column("name", "名称", "", required=True),
                Column("kind", "类型", _values(TeamKind), required=True),
                Column("territory_id", "服务区域编号", "the grid, residential area, community or street it serves", required=True),
                Column("member_ids", "队员编号", "member ids separated by ; or 、"),
                Column("since", "成立日期", ""),
                Column("until", "解散日期", "blank: still serving"),
            ),
        ),
    )
}

SHEET_NAMES: dict[str, str] = {t.name: t.name for t in TABLES.values()} | {t.chinese: t.name for t in TABLES.values()}
"""A sheet or CSV file may be named by the table's English or Chinese name."""
