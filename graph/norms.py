"""The norms (标准) the seed articles state: one object, read by coverage, the gap rules and the map alike.

Each is a default a deployment or a request may change (the API takes them as query
parameters); docs/DOMAIN.md names the article each comes from.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

__all__ = ["NORMS", "Norms"]


class Norms(BaseModel):
    """The norms the seeds state, read by coverage, the gap rules and the map; each default is DOMAIN.md's unless said otherwise."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    committee_threshold: int = Field(default=100, ge=1, description="members from which a community organisation is a 党委 (Heshan)")
    branch_min_members: int = Field(default=3, ge=1, description="full members a 党支部 needs (party rules)")
    households_per_head: int = Field(default=10, ge=1, description="households a 联户长 links: 十联户 (Duyun)")
    head_tolerance: float = Field(
        default=0.5, ge=0, le=10, description="share over households_per_head still 'about ten'; ours, not the seeds' (Duyun says 'about')"
    )
    households_per_worker: int = Field(default=300, ge=1, description="households per full-time community worker (Heshan)")
    expiring_within_days: int = Field(
        default=90, ge=0, le=3650, description="how soon an agreement's end counts as expiring; ours (a quarter to renew it)"
    )


NORMS = Norms()
"""The seeds' defaults."""
