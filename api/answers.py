"""A read route's answer as kept bytes with a strong ETag: ``If-None-Match`` answers 304, anything else the kept body.

A route declares ``answer: KeptAnswer`` and returns ``answer(lambda: ctx.on(as_of).coverage(scope_id))``:
the request's context (service.context) keeps the serialised answer per store version under
everything it depends on (service.answers); this module only names the question (the route's
path and query), renders the model to JSON once, and speaks HTTP's conditional requests.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated

from fastapi import Depends, Request, Response
from pydantic import BaseModel
from starlette.types import ASGIApp, Receive, Scope, Send

from api.deps import ViewerContext, principal_of
from graph.errors import StoreUnavailable
from service.answers import Kept
from service.bootstrap import Services
from service.context import Context

__all__ = ["Keeper", "KeptAfterRouting", "KeptAnswer", "KeptAnswers", "kept_response", "matches", "question_of", "render"]

_HEADERS = {
    "Cache-Control": "private, no-cache",  # the answer is the key holder's: kept by their browser only, and asked again each time
    "Vary": "Authorization, X-API-Key, Cookie",  # and Accept-Language, which api/language.py adds to every answer
}


def render(answer: BaseModel) -> bytes:
    """An answer as JSON bytes, by pydantic's own serialiser (bench/api_load.py measures it beside the others)."""
    return answer.__pydantic_serializer__.to_json(answer, by_alias=True)


def matches(if_none_match: str | None, etag: str) -> bool:
    """Whether an ``If-None-Match`` header names ``etag`` (weak comparison, as RFC 9110 asks for this header)."""
    if not if_none_match:
        return False
    if if_none_match.strip() == "*":
        return True
    return any(tag.strip().removeprefix("W/") == etag for tag in if_none_match.split(","))


def kept_response(request: Request, kept: Kept) -> Response:
    """304 when the client holds this very answer, else the answer; both carry its ETag."""
    headers = {**_HEADERS, "ETag": kept.etag}
    if matches(request.headers.get("if-none-match"), kept.etag):
        return Response(status_code=304, headers=headers)
    return Response(kept.body, media_type="application/json", headers=headers)


def question_of(request: Request) -> str:
    """What a read asks, as answers are kept under it: its path and query, as sent."""
    return f"{request.url.path}?{request.url.query}"


class KeptAnswers:
    """ASGI middleware: a GET whose answer is kept at the store's version now is sent before routing.

    The principal comes from the request's key exactly as the routes' dependency gets it (a bad or
    revoked key finds nothing here and reaches the route, which answers 401), and the look-up goes
    through the principal's context, under the same key the route keeps the answer under: a hit is
    the answer that route gave this territory and role at this version. It reads nothing of the
    store but its version, so it takes no lock and answers while a write holds it. Anything else
    (a miss, another method, a route that keeps nothing, a store that cannot say its version) goes on to the routes.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["method"] == "GET":
            request = Request(scope)
            services: Services | None = getattr(request.app.state, "services", None)
            principal = principal_of(request, services) if services is not None else None
            kept = None
            if services is not None and principal is not None:
                try:
                    kept = services.context(principal).kept_now(question_of(request))
                except StoreUnavailable:  # the route answers it as every route does (503 with Retry-After)
                    kept = None
            if kept is not None:
                await kept_response(request, kept)(scope, receive, send)
                return
        await self.app(scope, receive, send)


class Keeper:
    """What a read route answers through: the request's question, kept by its context."""

    def __init__(self, request: Request, ctx: Context, *, before_routing: bool = True) -> None:
        self.request = request
        self.ctx = ctx
        # kept where KeptAnswers looks, or under a question it never asks (a route whose dependencies must run each time)
        self.question = question_of(request) if before_routing else "after routing: " + question_of(request)

    def __call__(self, answer: Callable[[], BaseModel]) -> Response:
        return kept_response(self.request, self.ctx.kept(self.question, lambda: render(answer())))


def _keeper(request: Request, ctx: ViewerContext) -> Keeper:
    return Keeper(request, ctx)


def _keeper_after_routing(request: Request, ctx: ViewerContext) -> Keeper:
    return Keeper(request, ctx, before_routing=False)


KeptAnswer = Annotated[Keeper, Depends(_keeper)]
"""A read route's answer kept per store version, with ETag and If-None-Match (the route's ``ctx`` is the same context)."""

KeptAfterRouting = Annotated[Keeper, Depends(_keeper_after_routing)]
"""The same for a route whose other dependencies must run on every request (a rate limit): never sent before routing."""
