"""The norms (标准) the seed articles state: one object, read by coverage, the gap rules and the map alike.

Each is a default a deployment or a request may change (the API takes them as query
parameters); docs/DOMAIN.md#norms names the article each comes from, and which are ours.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

__all__ = ["NORMS", "Norms"]


class Norms(BaseModel):
    """The norms the seeds state, read by coverage, the gap rules and the map.

    Each default is the seeds' unless said otherwise; docs/DOMAIN.md#norms has a section for each.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    committee_threshold: int = Field(default=100, ge=1, description="members from which a community organisation is a 党委 (Heshan)")
    """设立党委的党员数: docs/DOMAIN.md#committee_threshold."""
    general_branch_threshold: int = Field(default=50, ge=1, description="members from which a branch may become a 党总支 (party rules)")
    """设立党总支的党员数: docs/DOMAIN.md#general_branch_threshold (the party's rules, as advice)."""
    branch_min_members: int = Field(default=3, ge=1, description="full members a 党支部 needs (party rules)")
    """党支部正式党员数下限: docs/DOMAIN.md#branch_min_members (the party's rules, not the seeds)."""
    households_per_head: int = Field(default=10, ge=1, description="households a 联户长 links: 十联户 (Duyun)")
    """联户长联系户数 (十联户): docs/DOMAIN.md#households_per_head."""
    head_tolerance: float = Field(
        default=0.5, ge=0, le=10, description="share over households_per_head still 'about ten'; ours, not the seeds' (Duyun says 'about')"
    )
    """联系户数的容差: docs/DOMAIN.md#head_tolerance (ours, not the seeds')."""
    households_per_worker: int = Field(default=300, ge=1, description="households per full-time community worker (Heshan)")
    """每名专职人员的户数: docs/DOMAIN.md#households_per_worker."""
    staff_per_10000_residents: int = Field(default=18, ge=1, description="full-time workers per 10,000 residents (Fuzhou: 6 → 18)")
    """每万名常住人口专职人员数: docs/DOMAIN.md#staff_per_10000_residents."""
    expiring_within_days: int = Field(
        default=90, ge=0, le=3650, description="how soon an agreement's end counts as expiring; ours (a quarter to renew it)"
    )
    """协议即将到期的天数: docs/DOMAIN.md#expiring_within_days (ours, not the seeds')."""
    report_within_days: int = Field(
        default=90, ge=0, le=3650, description="days an in-service member may be held before reporting (双报到); ours, not the seeds'"
    )
    """在职党员报到期限: docs/DOMAIN.md#report_within_days (ours: the seeds ask every in-service member to report, not by when)."""
    post_vacant_days: int = Field(
        default=90, ge=0, le=3650, description="days a single-holder post may stay vacant before it is a gap; ours (a quarter to fill it)"
    )
    """职务空缺天数: docs/DOMAIN.md#post_vacant_days (ours, not the seeds')."""
    service_share_min: float = Field(
        default=90, ge=0, le=100, description="percent of a service centre's space for service (Fuzhou: over 90%)"
    )
    """服务面积占比下限: docs/DOMAIN.md#service_share_min."""


NORMS = Norms()
"""The seeds' defaults."""
