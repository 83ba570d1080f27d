"""What the gap queries answer with: the catalogue's entries, the gaps found, pages and counts."""

from __future__ import annotations

from datetime import date
from enum import StrEnum

from pydantic import BaseModel, Field

from graph.gaps.names import GapRuleName
from graph.scope import NodeRef

__all__ = ["Gap", "GapCount", "GapPage", "GapRule", "RuleParameter", "Severity"]


class Severity(StrEnum):
    """How a gap weighs: a failure to meet a rule, or advice (可升格: may upgrade) the rules allow but do not require."""

    FAILURE = "failure"
    ADVICE = "advice"


class RuleParameter(BaseModel):
    """One parameter a rule reads, with its default."""

    name: str
    default: int | float
    description: str


class GapRule(BaseModel):
    """One named rule of the catalogue."""

    name: GapRuleName
    title: str = Field(description="the rule as staff say it (Chinese by default, English on request)")
    description: str = Field(description="what the rule finds, in the reader's language")
    node_kind: str = Field(description="the kind of node it lists")
    parameters: list[RuleParameter]
    source: str = Field(description="where the rule comes from (seed article or party rules), and its section of docs/DOMAIN.md")
    severity: Severity = Field(default=Severity.FAILURE, description="failure, or advice (可升格: what the rules allow, not require)")


class Gap(BaseModel):
    """One offending node: which rule, where in the chain, and why."""

    rule: GapRuleName
    node: NodeRef
    path: list[NodeRef] = Field(description="territories from the street down to where the node sits")
    path_text: str = Field(description="街道 › 社区 › 小区 › 网格, then the node itself when it is not a territory")
    severity: Severity = Field(default=Severity.FAILURE, description="its rule's: failure, or advice (可升格)")
    reason: str = Field(description="why, in the reader's language (Chinese by default, English on request)")


class GapPage(BaseModel):
    """A page of gaps of a scope, in catalogue order, then down the chain."""

    scope: NodeRef
    as_of: date
    rules: list[GapRuleName] = Field(description="the rules asked about")
    items: list[Gap]
    total: int
    limit: int
    offset: int


class GapCount(BaseModel):
    """How many gaps a scope has, per rule, without listing them."""

    scope: NodeRef
    as_of: date
    total: int
    by_rule: dict[GapRuleName, int] = Field(description="every rule asked about, zeros included")
    advice: int = Field(default=0, description="how many of total are advice (可升格), not failures")
