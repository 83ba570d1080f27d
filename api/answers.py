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

from api.deps import ViewerContext
from service.answers import Kept
from service.context import Context

__all__ = ["Keeper", "KeptAnswer", "kept_response", "render"]

_HEADERS = {
    "Cache-Control": "private, no-cache",  # the answer is the key holder's: kept by their browser only, and asked again each time
    "Vary": "Accept-Language, Authorization, X-API-Key, Cookie",
}


def render(answer: BaseModel) -> bytes:
    """An answer as JSON bytes, by pydantic's own serialiser (bench/api.py measures it beside the others)."""
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


class Keeper:
    """What a read route answers through: the request's question, kept by its context."""

    def __init__(self, request: Request, ctx: Context) -> None:
        self.request = request
        self.ctx = ctx

    def __call__(self, answer: Callable[[], BaseModel]) -> Response:
        url = self.request.url
        question = f"{url.path}?{url.query}"
        return kept_response(self.request, self.ctx.kept(question, lambda: render(answer())))


def _keeper(request: Request, ctx: ViewerContext) -> Keeper:
    return Keeper(request, ctx)


KeptAnswer = Annotated[Keeper, Depends(_keeper)]
"""A read route's answer kept per store version, with ETag and If-None-Match (the route's ``ctx`` is the same context)."""
