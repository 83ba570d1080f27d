"""Wiring for routes: the services the app started with, who is asking, and the role each route declares.

A route declares the context it needs as a typed dependency — :data:`ViewerContext`,
:data:`EditorContext` or :data:`AdminContext` — and never looks at paths or parameter names
to decide who may call it. A key comes as ``Authorization: Bearer <key>``, ``X-API-Key: <key>``,
or (for the pages a browser opens) the ``grassroots_key`` cookie that ``/login`` sets.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Annotated

from fastapi import Depends, HTTPException, Query, Request

from graph.i18n import _
from service.bootstrap import Services
from service.context import Context, Forbidden
from service.principal import OPEN, AccessRole, Principal

__all__ = [
    "COOKIE",
    "AdminContext",
    "AsOf",
    "EditorContext",
    "PrincipalDep",
    "ServicesDep",
    "ViewerContext",
    "current_principal",
    "principal_of",
]

COOKIE = "grassroots_key"

AsOf = Annotated[date | None, Query(description="the day to answer for (YYYY-MM-DD); today when left out")]


def get_services(request: Request) -> Services:
    """The services opened in the app's lifespan."""
    services: Services = request.app.state.services
    return services


ServicesDep = Annotated[Services, Depends(get_services)]


def _token(request: Request) -> str | None:
    header = request.headers.get("authorization", "")
    if header.lower().startswith("bearer "):
        return header[7:].strip()
    return request.headers.get("x-api-key") or request.cookies.get(COOKIE)


def principal_of(request: Request, services: Services) -> Principal | None:
    """The principal a request's key names (everyone when the operator turned keys off); None without a valid key."""
    if not services.settings.auth:
        return OPEN
    token = _token(request)
    key = services.keys.verify(token) if token else None
    if key is None:
        return None
    return Principal(key_id=key.id, name=key.name, role=key.role, scope=key.scope)


def current_principal(request: Request, services: ServicesDep) -> Principal:
    """The principal of this request; 401 without a valid key (unless the operator turned keys off)."""
    principal = principal_of(request, services)
    if principal is None:
        raise HTTPException(
            401,
            _(
                "需要有效的 API 密钥：请以 'Authorization: Bearer <密钥>' 发送（或在浏览器中到 /login 登录）；"
                "`grassroots keys create` 可生成密钥"
            ),
            headers={"WWW-Authenticate": "Bearer"},
        )
    return principal


PrincipalDep = Annotated[Principal, Depends(current_principal)]


def _context(role: AccessRole, *, unscoped: bool = False) -> Callable[[Services, Principal], Context]:
    """A dependency giving the request's context once its principal holds ``role`` (403 otherwise)."""

    def dependency(services: ServicesDep, principal: PrincipalDep) -> Context:
        context = services.context(principal)
        try:
            context.require(role, unscoped=unscoped)
        except Forbidden as exc:
            raise HTTPException(403, str(exc)) from exc
        return context

    return dependency


ViewerContext = Annotated[Context, Depends(_context(AccessRole.VIEWER))]
"""Any valid key: reads, held to the key's territory."""
EditorContext = Annotated[Context, Depends(_context(AccessRole.EDITOR))]
"""An editor's or admin's key: imports and record writes, held to the key's territory."""
AdminContext = Annotated[Context, Depends(_context(AccessRole.ADMIN, unscoped=True))]
"""An admin's key without a scope: keys, the audit log and the import ledger span the whole graph."""
