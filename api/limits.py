"""What one request may cost: the size of its body, checked before it is read whole, and how often a key may ask for the costly answers.

Both answer in the one error shape (413, 429 with ``Retry-After``); uploads (``POST /imports``)
keep their own, larger limit (``GRASSROOTS_MAX_UPLOAD_MB``), enforced while the file streams in.
"""

from __future__ import annotations

import json
import math
import re
import threading
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Annotated, Any

from fastapi import Depends, HTTPException, Request
from starlette.datastructures import Headers
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.deps import PrincipalDep, ServicesDep
from api.schemas import error_response
from graph.i18n import _
from graph.settings import Settings

__all__ = ["BodyLimit", "RateLimited", "RateLimiter"]

_SURROGATE_ESCAPE = re.compile(rb"\\u[dD][89a-fA-F]")
"""How a surrogate reaches JSON: as an escape (raw surrogate bytes are not UTF-8, and json.loads refuses them)."""


class BodyLimit:
    """ASGI middleware: a body over ``GRASSROOTS_MAX_BODY_KB`` answers 413 before the route reads it, and a JSON
    body holding half a character (a lone surrogate, which no file or store can hold) answers 422 naming the field.

    A declared ``Content-Length`` is judged before a byte is read; a chunked body is counted as it arrives and
    refused at the first byte past the limit, so no more than the limit is ever held in memory.
    """

    def __init__(self, app: ASGIApp, *, exempt: Iterable[str]) -> None:
        self.app = app
        self.exempt = frozenset(exempt)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"] in self.exempt:
            await self.app(scope, receive, send)
            return
        limit = _settings(scope).max_body_kb * 1024
        headers = Headers(scope=scope)
        declared = headers.get("content-length", "")
        if declared.isdigit() and int(declared) > limit:
            await _too_large(scope, receive, send, limit=limit, declared=int(declared))
            return
        chunks: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            if message["type"] != "http.request":  # the client went away: nothing to answer
                return
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > limit:
                await _too_large(scope, receive, send, limit=limit, declared=None)
                return
            chunks.append(chunk)
            if not message.get("more_body", False):
                break
        body = b"".join(chunks)
        if _is_json(headers) and _SURROGATE_ESCAPE.search(body):
            where = _lone_surrogate(body)
            if where is not None:
                path, point = where
                message_text = (
                    f"{path}: 文本含孤立代理项 (a lone surrogate U+{point:04X}, half of a character that cannot be stored): "
                    "send whole characters (a surrogate escape only as the first half of a pair)"
                )
                await error_response(422, "invalid", message_text)(scope, receive, send)
                return
        await self.app(scope, _replay(body, receive), send)


def _settings(scope: Scope) -> Settings:
    services = getattr(scope["app"].state, "services", None)
    return services.settings if services is not None else Settings()


def _is_json(headers: Headers) -> bool:
    media = headers.get("content-type", "").split(";")[0].strip().lower()
    return media == "application/json" or media.endswith("+json")


def _replay(body: bytes, receive: Receive) -> Receive:
    """The body read here, handed to the route as if it came now; then whatever the client sends next (a disconnect)."""
    sent = False

    async def replay() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    return replay


async def _too_large(scope: Scope, receive: Receive, send: Send, *, limit: int, declared: int | None) -> None:
    size = f"{declared:,} bytes" if declared is not None else "more"
    message = (
        f"请求体过大 (the request body is {size}; at most {limit // 1024:,} KB is read, GRASSROOTS_MAX_BODY_KB): "
        "send a smaller body, or a whole ledger to POST /imports"
    )
    await error_response(413, "too_large", message)(scope, receive, send)


def _lone_surrogate(body: bytes) -> tuple[str, int] | None:
    """Where the first lone surrogate of a JSON body lies (``body.roles.0``) and which it is; None when the body
    has none or is not JSON at all (the route then refuses it as it refuses any malformed body)."""
    try:
        document = json.loads(body)
    except ValueError:
        return None
    stack: list[tuple[str, Any]] = [("body", document)]
    while stack:
        path, value = stack.pop()
        if isinstance(value, str):
            point = next((ord(c) for c in value if 0xD800 <= ord(c) <= 0xDFFF), None)
            if point is not None:
                return path, point
        elif isinstance(value, dict):
            stack.extend((f"{path}.{key}", key) for key in value)
            stack.extend((f"{path}.{key}", item) for key, item in value.items())
        elif isinstance(value, list):
            stack.extend((f"{path}.{index}", item) for index, item in enumerate(value))
    return None


# -- rates --------------------------------------------------------------------------------------


@dataclass
class _Bucket:
    tokens: float
    updated: float


@dataclass
class RateLimiter:
    """A token bucket per key: ``burst`` requests at once, then one more every ``60 / per_minute`` seconds."""

    per_minute: float
    burst: int
    clock: Any = time.monotonic
    _buckets: dict[str, _Bucket] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def take(self, key_id: str) -> float:
        """Spend one token of the key's bucket: 0 when there was one, else the seconds until there will be."""
        now = self.clock()
        rate = self.per_minute / 60
        with self._lock:
            bucket = self._buckets.get(key_id)
            if bucket is None:
                bucket = self._buckets[key_id] = _Bucket(tokens=float(self.burst), updated=now)
            bucket.tokens = min(float(self.burst), bucket.tokens + (now - bucket.updated) * rate)
            bucket.updated = now
            if bucket.tokens >= 1:
                bucket.tokens -= 1
                return 0.0
            return (1 - bucket.tokens) / rate


def _limiter(request: Request, settings: Settings) -> RateLimiter | None:
    """The app's limiter, made on first use from the settings (None: no limit)."""
    state = request.app.state
    if not hasattr(state, "rate_limiter"):
        per_minute = settings.rate_per_minute
        if per_minute is None:  # the default: limited when keys are on; a laptop with keys off is not
            per_minute = 60 if settings.auth else 0
        state.rate_limiter = RateLimiter(per_minute=per_minute, burst=settings.rate_burst) if per_minute > 0 else None
    limiter: RateLimiter | None = state.rate_limiter
    return limiter


def _rate_limited(request: Request, services: ServicesDep, principal: PrincipalDep) -> None:
    limiter = _limiter(request, services.settings)
    if limiter is None:
        return
    wait = limiter.take(principal.key_id)
    if wait > 0:
        seconds = max(1, math.ceil(wait))
        raise HTTPException(
            429,
            _(
                "请求过于频繁：密钥 %(key)s 请求导出、导入或搜索的速度超过每分钟 %(rate)s 次（GRASSROOTS_RATE_PER_MINUTE）；"
                "请在 %(seconds)s 秒后重试",
                key=principal.key_id,
                rate=format(limiter.per_minute, "g"),
                seconds=seconds,
            ),
            headers={"Retry-After": str(seconds)},
        )


RateLimited = Annotated[None, Depends(_rate_limited)]
"""Declared by the costly routes (exports, imports, search): 429 with ``Retry-After`` past the key's rate."""
