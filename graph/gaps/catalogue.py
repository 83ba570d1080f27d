"""The catalogue (短板目录): every built-in gap rule, in the order gaps are listed and counted.

Each rule is declared beside its code in its family's module; this one only puts them in
order. A new rule goes in here once it is declared (docs/recipes/gap-rule.md).
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Iterator

from graph.gaps import agreements, alliances, areas, centres, chain, committees, households, members, posts, staff, units
from graph.gaps.models import GapRule
from graph.gaps.names import GapRuleName
from graph.gaps.rule import Rule
from graph.i18n import _

__all__ = ["CATALOGUE", "Catalogue", "gap_rules"]


class Catalogue:
    """An ordered set of gap rules, one per name: which rules there are, and the order gaps come in."""

    def __init__(self, rules: Iterable[Rule]) -> None:
        self._rules: dict[GapRuleName, Rule] = {}
        for rule in rules:
            if rule.name in self._rules:
                raise ValueError(f"two gap rules are named {rule.name}")
            self._rules[rule.name] = rule

    def __iter__(self) -> Iterator[Rule]:
        return iter(self._rules.values())

    def __len__(self) -> int:
        return len(self._rules)

    def __getitem__(self, name: GapRuleName) -> Rule:
        return self._rules[name]

    @property
    def names(self) -> list[GapRuleName]:
        """The rules' names, in catalogue order."""
        return list(self._rules)

    def adding(self, *rules: Rule) -> Catalogue:
        """This catalogue with more rules after its own: a deployment's, or a test's."""
        return Catalogue([*self, *rules])

    def chosen(self, names: Collection[GapRuleName | str] | None) -> list[Rule]:
        """The rules asked for, in catalogue order (all when none are named); ValueError names an unknown one."""
        if not names:
            return list(self)
        known = {name.value for name in self._rules}
        unknown = sorted(str(n) for n in names if n not in known)
        if unknown:
            raise ValueError(_("没有短板规则 %(unknown)s；规则有 %(rules)s", unknown=", ".join(unknown), rules=", ".join(self._rules)))
        wanted = {str(n) for n in names}
        return [rule for rule in self if rule.name.value in wanted]


CATALOGUE = Catalogue(
    [
        chain.area_without_branch,
        chain.grid_without_group,
        chain.community_without_organisation,
        chain.hanging_organisation,
        households.unlinked_households,
        households.head_over_norm,
        members.grid_without_leader,
        members.in_service_unreported,
        committees.committee_under_threshold,
        committees.community_over_threshold_not_committee,
        committees.branch_under_minimum,
        agreements.community_without_agreement,
        agreements.agreement_expired,
        agreements.agreement_expiring,
        units.property_company_without_organisation,
        units.owners_committee_without_organisation,
        units.two_new_without_organisation,
        units.eligible_unit_without_organisation,
        committees.committee_without_concurrent_member,
        staff.under_staffed,
        posts.organisation_without_secretary,
        posts.post_vacant,
        posts.residents_committee_without_director,
        centres.community_without_centre,
        centres.centre_short_of_service,
        centres.centre_missing_six_haves,
        areas.area_without_three_parties,
        areas.abandoned_area_unrun,
        committees.big_working_committee_without_unit,
        alliances.outside_community_of_practice,
    ]
)
"""The built-in rules: the catalogue `GET /gap-rules` serves and the gap queries apply by default."""
assert CATALOGUE.names == list(GapRuleName), "every built-in name has its rule, in the order GapRuleName lists them"


def gap_rules(catalogue: Catalogue = CATALOGUE) -> list[GapRule]:
    """The catalogue of gap rules, with their parameters and defaults; titles and descriptions in the reader's language."""
    return [rule.meta.model_copy(update={"title": _(rule.meta.title), "description": _(rule.meta.description)}) for rule in catalogue]
