"""Request and response shapes of the API, named by role."""

from __future__ import annotations

import unicodedata

from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

from graph.model import Edge, Node
from loaders.importer import Problem

__all__ = ["EdgePageOut", "ErrorOut", "HealthOut", "NodeOut", "StatsOut", "error_response", "odd_character"]


class ErrorDetail(BaseModel):
    code: str = Field(
        description="stable machine-readable code: not_found, invalid, refused, too_large, rate_limited, unavailable, internal..."
    )
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


def error_response(status: int, code: str, message: str, violations: list[dict[str, str]] | None = None) -> JSONResponse:
    """An :class:`ErrorOut` answer: how every failure of the API, from a route or from the door, reaches the client."""
    body = ErrorOut.model_validate({"error": {"code": code, "message": message, "violations": violations or []}})
    return JSONResponse(body.model_dump(), status_code=status)


def odd_character(text: str) -> str | None:
    """The first character no person types, named (``U+001F``), or None: control characters, lone surrogates,
    noncharacters, and U+FFFD, which stands where a client sent bytes that were not UTF-8."""
    for char in text:
        point = ord(char)
        category = unicodedata.category(char)
        if category in ("Cc", "Cs") or point == 0xFFFD or 0xFDD0 <= point <= 0xFDEF or (point & 0xFFFE) == 0xFFFE:
            return f"U+{point:04X}"
    return None
