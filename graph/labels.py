"""The Chinese label of every enumeration value: what staff read and write for each code.

One table, read by the ledger format (which accepts these labels in cells), the template, the
map, the dashboard and the messages. Where the seeds use a longer and a shorter name for the
same thing (国有企业 / 国企, 物业服务企业 / 物业企业), the label is the seeds' full term and the
short one is an alias a ledger may still use.
"""

from __future__ import annotations

from enum import StrEnum
from typing import TypeVar

from graph.i18n import N_, Lang, current
from graph.model import (
    AllianceKind,
    CentreLevel,
    ChangeEvent,
    Level,
    MemberCategory,
    MemberRole,
    NodeKind,
    OrgForm,
    PostKind,
    SystemKind,
    TeamKind,
    UnitType,
)

__all__ = [
    "ALIASES",
    "FIELD_LABELS",
    "FIGURE_LABELS",
    "LABELS",
    "SIX_HAVES_LABELS",
    "choices",
    "field_label",
    "label",
    "parse_label",
    "term",
]

E = TypeVar("E", bound=StrEnum)

LABELS: dict[type[StrEnum], dict[str, str]] = {
    Level: {
        "district": "区",
        "street": "街道",
        "community": "社区",
        "residential_area": "小区",
        "grid": "网格",
        "building": "楼栋/院落",
    },
    OrgForm: {
        "working_committee": "党工委",
        "committee": "党委",
        "general_branch": "党总支",
        "branch": "党支部",
        "group": "党小组",
    },
    MemberCategory: {
        "in_service": "在职",
        "retired": "离退休",
        "floating": "流动",
        "resident": "居民",
        "soe_transferred": "国企社会化",
    },
    UnitType: {
        "organ": "机关",
        "soe": "国有企业",
        "school": "学校",
        "hospital": "医院",
        "enterprise": "非公企业",
        "social_org": "社会组织",
        "property_company": "物业服务企业",
        "owners_committee": "业主委员会",
        "industrial_park": "园区",
        "commercial_building": "商务楼宇",
        "new_employment": "新就业群体",
        "residents_committee": "居民委员会",
    },
    SystemKind: {
        "organ_work_committee": "机关工委",
        "education": "教育工委",
        "health": "卫健工委",
        "soe": "国资委党委",
        "two_new": "两新工委",
        "new_employment": "新就业群体综合党委",
        "other": "其他",
    },
    CentreLevel: {
        "street_centre": "街道党群服务中心",
        "community_centre": "社区党群服务中心",
        "area_station": "小区党群服务站",
        "point": "党群服务点",
    },
    AllianceKind: {"alliance": "党建联盟", "community_of_practice": "党建共同体"},
    MemberRole: {
        "household_head": "党员联户长",
        "grid_leader": "网格长",
        "building_leader": "楼栋长",
        "unit_leader": "单元长",
        "volunteer": "志愿者",
    },
    NodeKind: {
        "territory": "地域",
        "organisation": "党组织",
        "unit": "单位",
        "member": "党员",
        "agreement": "共建协议",
        "alliance": "党建联盟",
        "seat": "兼职委员席位",
        "post": "职务",
        "team": "服务队",
    },
    PostKind: {
        "secretary": "书记",
        "deputy_secretary": "副书记",
        "director": "主任",
        "chair": "主席",
        "head": "负责人",
        "member": "委员",
    },
    TeamKind: {"volunteer": "党员志愿服务队", "grid_service": "网格服务团队", "vanguard": "先锋队"},
    ChangeEvent: {
        "created": "新设",
        "ended": "撤销",
        "moved": "调整隶属",
        "moved_in": "划入",
        "moved_out": "划出",
        "signed": "签订",
        "renewed": "续签",
        "expired": "到期未续",
        "taken": "任职",
        "left": "离任",
        "reported": "报到",
        "changed": "变更",
        "opened": "新增",
        "closed": "消除",
    },
}

ALIASES: dict[type[StrEnum], dict[str, str]] = {
    Level: {"楼栋": "building", "院落": "building"},
    UnitType: {
        "国企": "soe",
        "物业企业": "property_company",
        "物业公司": "property_company",
        "业委会": "owners_committee",
        "产业园区": "industrial_park",
        "开发园区": "industrial_park",
        "商业楼宇": "commercial_building",
        "商圈": "commercial_building",
        "互联网企业": "enterprise",
        "居委会": "residents_committee",
        "工业园区": "industrial_park",
    },
    SystemKind: {"卫健委党委": "health", "教育局党委": "education", "两新组织党工委": "two_new"},
    MemberRole: {"联户长": "household_head", "群众联户长": "household_head"},
    PostKind: {"支部书记": "secretary", "业委会主任": "chair", "居委会主任": "director"},
    TeamKind: {"志愿服务队": "volunteer", "网格服务队": "grid_service", "先锋服务队": "vanguard"},
}
"""Other names staff write for a value (short forms in the seeds and in ledgers); accepted on import, never written."""

SIX_HAVES_LABELS = {
    "has_venue": "有场所",
    "has_facilities": "有设施",
    "has_sign": "有标志",
    "has_flag": "有党旗",
    "has_reading": "有书报",
    "has_rules": "有制度",
}
"""Duyun's 六有 by the field of :class:`graph.model.ServiceCentre` that records each."""


FIGURE_LABELS = {
    "residential_areas_with_branch": N_("小区党支部覆盖率"),
    "grids_with_group": N_("网格党小组覆盖率"),
    "buildings_with_group": N_("楼栋(院落)党组织覆盖率"),
    "households_linked": N_("联户覆盖率"),
    "property_companies_with_organisation": N_("物业服务企业党组织覆盖率"),
    "owners_committees_with_organisation": N_("业主委员会党组织覆盖率"),
    "two_new_with_organisation": N_("两新组织党组织覆盖率"),
    "units_in_agreements": N_("驻区单位共建率"),
    "communities_with_centre": N_("社区党群服务中心覆盖率"),
    "centres_meeting_six_haves": N_("党群服务中心“六有”达标率"),
    "centres_mostly_for_service": N_("党群服务中心服务面积达标率"),
    "areas_with_three_parties": N_("三方共议覆盖率"),
    "abandoned_areas_run": N_("弃管小区有人管率"),
    "in_service_reported": N_("在职党员双报到率"),
    "reports_received": N_("在职党员到本地报到"),
    "grids_with_leader": N_("网格长配备率"),
    "buildings_with_leader": N_("楼栋长配备率"),
    "household_heads_party_members": N_("党员联户长占比"),
    "members_on_roll": N_("党员总数"),
    "staff": N_("专职社区工作者"),
}
"""Each coverage figure (a field of :class:`graph.coverage.CoverageFigures`) by the name staff read (msgids: ``_()`` them
where shown): changes and trends."""


FIELD_LABELS = {
    "name": "名称",
    "level": "层级",
    "households": "户数",
    "staff": "专职人员数",
    "population": "常住人口",
    "abandoned": "弃管",
    "form": "组织形式",
    "members": "党员数",
    "upgraded": "特批升格",
    "system_kind": "系统类型",
    "unit_type": "单位类型",
    "eligible": "符合条件",
    "category": "党员类别",
    "party_member": "是否党员",
    "roles": "角色",
    "phone": "电话",
    "signed_on": "签订日期",
    "expires_on": "到期日期",
    "needs": "需求清单",
    "resources": "资源清单",
    "projects": "项目清单",
    "alliance_kind": "联盟类型",
    "person": "姓名",
    "role": "职务",
    "post": "职务",
    "valid_from": "起始日期",
    "valid_to": "截止日期",
    "centre_level": "中心层级",
    "floor_area": "面积",
    "service_share": "服务面积占比",
    "team_kind": "服务队类型",
    "properties": "其他列",
    **SIX_HAVES_LABELS,
}
"""The Chinese label of each field of a node, as a node's history (graph.history) names what changed."""


def field_label(name: str) -> str:
    """A node's field as the reader's language names it: its label in Chinese, its name in English."""
    return FIELD_LABELS.get(name, name) if current() is Lang.ZH else name.replace("_", " ")


def label(value: StrEnum) -> str:
    """The Chinese label of an enumeration value."""
    return LABELS[type(value)][value.value]


def choices(enum: type[StrEnum]) -> str:
    """``value 标签`` for every member: what an error message offers instead of a wrong value."""
    return ", ".join(f"{v} {zh}" for v, zh in LABELS[enum].items())


def parse_label(enum: type[E], text: str) -> E | None:
    """The value a cell names by its code (any case), its label or an alias; None when it names none."""
    folded = text.strip()
    for value, zh in LABELS[enum].items():
        if folded.lower() == value or folded == zh:
            return enum(value)
    alias = ALIASES.get(enum, {}).get(folded)
    return enum(alias) if alias is not None else None


def term(value: StrEnum) -> str:
    """An enumeration value as the reader's language names it (graph.i18n): its label in Chinese, its code in English."""
    labels = LABELS.get(type(value), {})
    return labels.get(value.value, value.value) if current() is Lang.ZH else value.value.replace("_", " ")
