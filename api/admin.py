"""Keys, the audit log and signing in from a browser: routes an admin (or anyone, for /login) calls."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

from fastapi import APIRouter, HTTPException, Query
from pydantic import BaseModel, Field

from api.deps import AdminContext
from graph.i18n import _
from graph.model import ID_PATTERN
from graph.store import ImportRecord
from service.principal import AccessRole

__all__ = ["router"]

router = APIRouter(tags=["access"])


class KeyIn(BaseModel):
    role: AccessRole
    scope: str | None = Field(default=None, pattern=ID_PATTERN.pattern, description="a territory id; none: the whole graph")
    name: str = Field(default="", max_length=100, description="who or what holds it")


class KeyOut(BaseModel):
    id: str
    name: str
    role: AccessRole
    scope: str | None
    created_at: datetime


class NewKeyOut(KeyOut):
    key: str = Field(description="the key itself: shown this once, kept only as a hash")


@router.get("/keys", response_model=list[KeyOut])
def list_keys(ctx: AdminContext) -> list[KeyOut]:
    """Every key: its id, holder, role and scope (never its secret)."""
    return [KeyOut.model_validate(k.model_dump()) for k in ctx.list_keys()]


@router.post("/keys", response_model=NewKeyOut, status_code=201)
def create_key(body: KeyIn, ctx: AdminContext) -> NewKeyOut:
    """A new key; its secret is in the answer and nowhere else."""
    try:
        key, token = ctx.create_key(role=body.role, scope=body.scope, name=body.name)
    except ValueError as exc:
        raise HTTPException(422, str(exc)) from exc
    return NewKeyOut.model_validate(key.model_dump() | {"key": token})


@router.delete("/keys/{key_id}", status_code=204)
def revoke_key(key_id: str, ctx: AdminContext) -> None:
    """Revoke a key: it stops working at once."""
    try:
        found = ctx.revoke_key(key_id)
    except ValueError as exc:
        raise HTTPException(422, str(exc)) from exc
    if not found:
        raise HTTPException(404, _("没有 id 为 %(id)r 的密钥", id=key_id))


@router.get("/audit", response_model=list[ImportRecord])
def audit(
    ctx: AdminContext,
    scope: Annotated[str | None, Query(description="writes held to this territory or touching a record in it")] = None,
    since: Annotated[date | None, Query(description="from this day (YYYY-MM-DD)")] = None,
    until: Annotated[date | None, Query(description="to this day, inclusive")] = None,
    limit: Annotated[int, Query(ge=1, le=10_000)] = 100,
) -> list[ImportRecord]:
    """Every write, newest first: imports, record writes and deletions, with who made them and what they changed."""
    return ctx.audit(scope_id=scope, since=since, until=until, limit=limit)
