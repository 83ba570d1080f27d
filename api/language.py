"""The language of a request (请求语言): ``Accept-Language`` picks Chinese or English for every message it reads.

Set for the whole request, before any route, dependency or error handler runs, so that a refusal
raised anywhere below is worded in the language asked for. Answers say which they used
(``Content-Language``), and that they vary by it.
"""

from __future__ import annotations

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from graph.i18n import Lang, language_of, using

__all__ = ["RequestLanguage", "request_language"]


def request_language(headers: list[tuple[bytes, bytes]], *, default: Lang) -> Lang:
    """The language a request's headers ask for."""
    asked = next((v.decode("latin-1") for k, v in headers if k.lower() == b"accept-language"), None)
    return language_of(asked, default=default)


class RequestLanguage:
    """ASGI middleware: each request's messages in the language its ``Accept-Language`` asks for (else ``default``)."""

    def __init__(self, app: ASGIApp, *, default: Lang = Lang.ZH) -> None:
        self.app = app
        self.default = default

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        lang = request_language(scope.get("headers", []), default=self.default)

        async def send_with_language(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                headers["Content-Language"] = "zh-Hans" if lang is Lang.ZH else "en"
                headers.add_vary_header("Accept-Language")
            await send(message)

        with using(lang):
            await self.app(scope, receive, send_with_language)
