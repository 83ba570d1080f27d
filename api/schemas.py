"""Request and response shapes of the API, named by role."""

from __future__ import annotations

from pydantic import BaseModel, Field

from graph.model import Edge, Node
from loaders.importer import Problem

__all__ = ["EdgePageOut", "ErrorOut", "HealthOut", "NodeOut", "StatsOut"]


class ErrorDetail(BaseModel):
    code: str = Field(description="stable machine-readable code: not_found, invalid, refused, unavailable")
    message: str = Field(description="what went wrong and what would be right")
    violations: list[dict[str, str]] = Field(default_factory=list, description="for refused writes: rule, node id, message")
    problems: list[Problem] = Field(default_factory=list, description="for refused imports: table, row, column, value, reason")


class ErrorOut(BaseModel):
    """The one shape of every error the API returns."""

    error: ErrorDetail


class HealthOut(BaseModel):
    status: str
    store: str


class StatsOut(BaseModel):
    nodes: dict[str, int]
    edges: dict[str, int]


class NodeOut(BaseModel):
    node: Node


class EdgePageOut(BaseModel):
    items: list[Edge]
    total: int
    limit: int
    offset: int
