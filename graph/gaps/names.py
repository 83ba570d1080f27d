"""The names of the gap rules: what clients filter by, what gaps and counts carry.

Kept apart from the rules so that every family module and the catalogue can import it
without importing one another.
"""

from __future__ import annotations

import re
from enum import StrEnum

__all__ = ["GapRuleName"]

_NAME = re.compile(r"^[a-z][a-z0-9_]{0,79}$")


class GapRuleName(StrEnum):
    """The names of the built-in gap rules, in catalogue order; docs/DOMAIN.md#gap-rules has one section each."""

    AREA_WITHOUT_BRANCH = "area_without_branch"
    GRID_WITHOUT_GROUP = "grid_without_group"
    COMMUNITY_WITHOUT_ORGANISATION = "community_without_organisation"
    HANGING_ORGANISATION = "hanging_organisation"
    UNLINKED_HOUSEHOLDS = "unlinked_households"
    HEAD_OVER_NORM = "head_over_norm"
    GRID_WITHOUT_LEADER = "grid_without_leader"
    IN_SERVICE_UNREPORTED = "in_service_unreported"
    COMMITTEE_UNDER_THRESHOLD = "committee_under_threshold"
    COMMUNITY_OVER_THRESHOLD_NOT_COMMITTEE = "community_over_threshold_not_committee"
    BRANCH_UNDER_MINIMUM = "branch_under_minimum"
    COMMUNITY_WITHOUT_AGREEMENT = "community_without_agreement"
    AGREEMENT_EXPIRED = "agreement_expired"
    AGREEMENT_EXPIRING = "agreement_expiring"
    PROPERTY_COMPANY_WITHOUT_ORGANISATION = "property_company_without_organisation"
    OWNERS_COMMITTEE_WITHOUT_ORGANISATION = "owners_committee_without_organisation"
    TWO_NEW_WITHOUT_ORGANISATION = "two_new_without_organisation"
    ELIGIBLE_UNIT_WITHOUT_ORGANISATION = "eligible_unit_without_organisation"
    COMMITTEE_WITHOUT_CONCURRENT_MEMBER = "committee_without_concurrent_member"
    UNDER_STAFFED = "under_staffed"
    ORGANISATION_WITHOUT_SECRETARY = "organisation_without_secretary"
    POST_VACANT = "post_vacant"
    RESIDENTS_COMMITTEE_WITHOUT_DIRECTOR = "residents_committee_without_director"
    COMMUNITY_WITHOUT_CENTRE = "community_without_centre"
    CENTRE_SHORT_OF_SERVICE = "centre_short_of_service"
    CENTRE_MISSING_SIX_HAVES = "centre_missing_six_haves"
    AREA_WITHOUT_THREE_PARTIES = "area_without_three_parties"
    ABANDONED_AREA_UNRUN = "abandoned_area_unrun"
    BIG_WORKING_COMMITTEE_WITHOUT_UNIT = "big_working_committee_without_unit"
    OUTSIDE_COMMUNITY_OF_PRACTICE = "outside_community_of_practice"

    @classmethod
    def declare(cls, name: str) -> GapRuleName:
        """The name of a rule kept outside the built-in catalogue (a deployment's own, or a test's).

        It is a GapRuleName like the built-in ones, so gaps, counts and the API carry it the same
        way, and ``GapRuleName(name)`` finds it from then on; ``list(GapRuleName)`` stays the
        built-in names, as the API documents them. Works as :class:`enum.Flag` makes its
        combinations: a pseudo-member, made once and kept.
        """
        if name in cls._value2member_map_:
            raise ValueError(f"{name} is a built-in gap rule's name already")
        if not _NAME.match(name):
            raise ValueError(f"a gap rule's name is lower-case letters, digits and _, not {name!r}")
        member = _DECLARED.get(name)
        if member is None:
            member = str.__new__(cls, name)
            member._name_ = name.upper()
            member._value_ = name
            _DECLARED[name] = member
        return member

    @classmethod
    def _missing_(cls, value: object) -> GapRuleName | None:
        return _DECLARED.get(value) if isinstance(value, str) else None


_DECLARED: dict[str, GapRuleName] = {}
