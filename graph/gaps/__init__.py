"""Gaps (薄弱环节): a catalogue of named rules from the seed articles, each finding where a scope's network is thin.

Every rule has a name, the norms it reads with their defaults (graph/norms.py), and answers
with the offending nodes, each with its chain path (街道 › 社区 › 小区 › 网格) and the reason
in words. :func:`find_gaps` lists them a page at a time; :func:`count_gaps` counts them per
rule without a listing to page through.

Each rule is declared beside its code, one module per family (``chain``, ``households``,
``committees``, ``agreements``, ``units``, ``staff``); ``catalogue`` puts them in order.
docs/DOMAIN.md#gap-rules says where each comes from; docs/recipes/gap-rule.md how to add one.
"""

from graph.gaps.catalogue import CATALOGUE, Catalogue, gap_rules
from graph.gaps.facts import GapScope
from graph.gaps.models import Gap, GapCount, GapPage, GapRule, RuleParameter
from graph.gaps.names import GapRuleName
from graph.gaps.queries import count_gaps, find_gaps
from graph.gaps.rule import Finding, Rule, gap_rule

__all__ = [
    "CATALOGUE",
    "Catalogue",
    "Finding",
    "Gap",
    "GapCount",
    "GapPage",
    "GapRule",
    "GapRuleName",
    "GapScope",
    "Rule",
    "RuleParameter",
    "count_gaps",
    "find_gaps",
    "gap_rule",
    "gap_rules",
]
