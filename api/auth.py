"""Who is asking, and may they: every route is held to the key's role and scope before it runs.

A key comes as ``Authorization: Bearer <key>``, ``X-API-Key: <key>``, or (for the pages a
browser opens) the ``grassroots_key`` cookie that ``/login?key=...`` sets. Viewers read,
editors also import and write, admins also manage keys and read the audit log. A key scoped
to a territory sees that territory and everything under it: any id outside it answers 404,
exactly as an id that does not exist, so a key learns nothing of other streets.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, HTTPException, Request
from pydantic import BaseModel

from api.deps import StoreDep
from api.keys import AccessRole
from graph.access import within
from graph.errors import UnknownNode
from graph.store import GraphStore

__all__ = ["COOKIE", "Principal", "PrincipalDep", "authorise"]

COOKIE = "grassroots_key"
_ID_PARAMS = ("node_id", "scope_id", "community_id", "street_id", "unit_id", "agreement_id", "member_id", "seat_id")
_CREATED_BY_PUT = ("agreement_id", "member_id", "seat_id")
_OPEN_PATHS = ("/health", "/login", "/favicon.ico")
_ADMIN_PATHS = ("/keys", "/audit")


class Principal(BaseModel):
    """The holder of the key a request came with."""

    key_id: str
    name: str = ""
    role: AccessRole
    scope: str | None = None

    @property
    def label(self) -> str:
        """How the audit log names them."""
        return f"key {self.key_id}" + (f" ({self.name})" if self.name else "")

    @property
    def sees_personal_data(self) -> bool:
        """Editors and admins see phone numbers whole; viewers see them masked."""
        return self.role is not AccessRole.VIEWER

    def sees(self, store: GraphStore, node_id: str) -> bool:
        return within(store, node_id, self.scope)


OPEN = Principal(key_id="open", name="no keys required (GRASSROOTS_AUTH=off)", role=AccessRole.ADMIN)


def _token(request: Request) -> str | None:
    header = request.headers.get("authorization", "")
    if header.lower().startswith("bearer "):
        return header[7:].strip()
    return request.headers.get("x-api-key") or request.cookies.get(COOKIE)


def current(request: Request) -> Principal:
    """The principal of this request; 401 without a valid key (unless the operator turned keys off)."""
    cached: Principal | None = getattr(request.state, "principal", None)
    if cached is not None:
        return cached
    if not request.app.state.settings.auth:
        principal = OPEN
    else:
        token = _token(request)
        key = request.app.state.keys.verify(token) if token else None
        if key is None:
            raise HTTPException(
                401,
                "a valid API key is needed: send it as 'Authorization: Bearer <key>' (or open /login?key=<key> in a browser); "
                "`grassroots keys create` makes one",
                headers={"WWW-Authenticate": "Bearer"},
            )
        principal = Principal(key_id=key.id, name=key.name, role=key.role, scope=key.scope)
    request.state.principal = principal
    return principal


PrincipalDep = Annotated[Principal, Depends(current)]


def authorise(request: Request, store: StoreDep) -> None:
    """The check every route passes first: a key, the role the method and path need, and every id in its scope."""
    path = request.url.path
    if path in _OPEN_PATHS:
        return
    principal = current(request)
    needed = AccessRole.VIEWER
    if path.startswith(_ADMIN_PATHS) or (path == "/imports" and request.method == "GET"):
        needed = AccessRole.ADMIN
    elif request.method not in ("GET", "HEAD", "OPTIONS"):
        needed = AccessRole.EDITOR
    if principal.role.rank < needed.rank:
        raise HTTPException(403, f"this key is a {principal.role.value}'s; {request.method} {path} needs an {needed.value}'s key")
    if needed is AccessRole.ADMIN and principal.scope is not None:
        raise HTTPException(403, f"{request.method} {path} is for keys without a scope: keys and the audit log span the whole graph")
    if principal.scope is None:
        return
    ids = [str(request.path_params[name]) for name in _ID_PARAMS if name in request.path_params]
    ids += [request.query_params[name] for name in ("scope", "replace") if name in request.query_params]
    for node_id in ids:
        creating = request.method == "PUT" and any(request.path_params.get(n) == node_id for n in _CREATED_BY_PUT)
        if creating and not store.has_node(node_id):
            continue  # a record being made: the importer holds what it refers to within the scope
        if not principal.sees(store, node_id):
            raise UnknownNode(node_id)  # 404, as for an id that does not exist: nothing about other streets leaks
