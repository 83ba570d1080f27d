"""Keys, the audit log and signing in from a browser: routes an admin (or anyone, for /login) calls."""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Annotated

from fastapi import APIRouter, HTTPException, Query, Request
from fastapi.responses import RedirectResponse
from pydantic import BaseModel, Field

from api.auth import COOKIE, PrincipalDep
from api.deps import StoreDep
from api.keys import AccessRole
from graph.access import within
from graph.errors import UnknownNode
from graph.model import ID_PATTERN, Territory
from graph.store import ImportRecord

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


@router.get("/login", include_in_schema=False)
def login(request: Request, key: Annotated[str, Query(max_length=200)]) -> RedirectResponse:
    """For the pages a browser opens: keeps the key in a cookie, then opens the map of the key's scope."""
    found = request.app.state.keys.verify(key) if request.app.state.settings.auth else None
    if request.app.state.settings.auth and found is None:
        raise HTTPException(401, "that key is not valid: check it, or ask an admin for one (`grassroots keys create`)")
    response = RedirectResponse(f"/dashboard?scope={found.scope}" if found and found.scope else "/", status_code=303)
    response.set_cookie(COOKIE, key, httponly=True, samesite="strict")
    return response


@router.get("/keys", response_model=list[KeyOut])
def list_keys(request: Request) -> list[KeyOut]:
    """Every key: its id, holder, role and scope (never its secret)."""
    return [KeyOut.model_validate(k.model_dump()) for k in request.app.state.keys.listed()]


@router.post("/keys", response_model=NewKeyOut, status_code=201)
def create_key(request: Request, body: KeyIn, store: StoreDep) -> NewKeyOut:
    """A new key; its secret is in the answer and nowhere else."""
    if body.scope is not None and not isinstance(store.node(body.scope), Territory):
        raise HTTPException(422, f"a key's scope is a territory (district, street, community...); {body.scope} is not one")
    if body.role is AccessRole.ADMIN and body.scope is not None:
        raise HTTPException(422, "an admin key has no scope (keys and the audit log span the whole graph); give a street an editor key")
    key, token = request.app.state.keys.create(role=body.role, scope=body.scope, name=body.name)
    return NewKeyOut.model_validate(key.model_dump() | {"key": token})


@router.delete("/keys/{key_id}", status_code=204)
def revoke_key(request: Request, key_id: str, principal: PrincipalDep) -> None:
    """Revoke a key: it stops working at once."""
    if key_id == principal.key_id:
        raise HTTPException(422, "a key cannot revoke itself: use another admin key, or `grassroots keys revoke`")
    if not request.app.state.keys.revoke(key_id):
        raise HTTPException(404, f"no key has id {key_id!r}")


@router.get("/audit", response_model=list[ImportRecord])
def audit(
    store: StoreDep,
    scope: Annotated[str | None, Query(description="writes held to this territory or touching a record in it")] = None,
    since: Annotated[date | None, Query(description="from this day (YYYY-MM-DD)")] = None,
    until: Annotated[date | None, Query(description="to this day, inclusive")] = None,
    limit: Annotated[int, Query(ge=1, le=10_000)] = 100,
) -> list[ImportRecord]:
    """Every write, newest first: imports, record writes and deletions, with who made them and what they changed."""
    if scope is not None and not store.has_node(scope):
        raise UnknownNode(scope)
    found: list[ImportRecord] = []
    for record in store.imports(limit=100_000):
        at = record.started_at.replace(tzinfo=None)
        if since and at < datetime.combine(since, time.min):
            continue
        if until and at > datetime.combine(until, time.max):
            continue
        if scope is not None and not _touches(store, record, scope):
            continue
        found.append(record)
        if len(found) == limit:
            break
    return found


def _touches(store: StoreDep, record: ImportRecord, scope: str) -> bool:
    if record.scope is not None and within(store, record.scope, scope):
        return True
    if record.replaced is not None and within(store, record.replaced, scope):
        return True
    return any(within(store, territory, scope) for territory in record.territories) or any(
        within(store, node_id, scope) for node_id in record.touched
    )
