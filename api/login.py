"""Signing in from a browser (登录): a form that posts the key, an HttpOnly cookie, and signing out.

The key travels in the body of a POST, never in a URL, so it reaches no access log and no
browser history. The pages (map, dashboard) then send the cookie by themselves.
"""

from __future__ import annotations

import html
from typing import Annotated
from urllib.parse import parse_qs

from fastapi import APIRouter, Header, Request
from fastapi.responses import HTMLResponse, RedirectResponse

from api.deps import COOKIE, ServicesDep
from graph.i18n import _

__all__ = ["router"]

router = APIRouter(tags=["access"], include_in_schema=False)

_MAX_FORM = 4096
"""Bytes a sign-in form may carry: one key and a field name."""

_PAGE = """<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>登录 · grassroots-graph</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>
body {{ font-family: "Noto Sans CJK SC", "Microsoft YaHei", sans-serif; background: #f5f5f5; margin: 0; }}
form {{ max-width: 26rem; margin: 12vh auto; background: #fff; padding: 2rem; border-radius: 8px; box-shadow: 0 1px 4px #0002; }}
h1 {{ font-size: 1.4rem; margin: 0 0 1rem; color: #b71c1c; }}
label {{ display: block; margin-bottom: .4rem; }}
input {{ width: 100%; box-sizing: border-box; padding: .6rem; font-size: 1rem; border: 1px solid #bbb; border-radius: 4px; }}
button {{ margin-top: 1rem; width: 100%; padding: .7rem; font-size: 1rem; background: #c62828; color: #fff;
         border: 0; border-radius: 4px; }}
p.hint {{ color: #666; font-size: .85rem; }} p.error {{ color: #c62828; }}
</style></head>
<body><form method="post" action="/login">
<h1>党建网络 · 登录</h1>
{error}
<label for="key">API 密钥 (API key)</label>
<input id="key" name="key" type="password" autocomplete="current-password" required autofocus>
<button type="submit">登录 (Sign in)</button>
<p class="hint">密钥由管理员用 <code>grassroots keys create</code> 生成；首次运行 <code>make run</code> 时会显示一个本机管理员密钥。</p>
</form></body></html>
"""


def _page(error: str = "", status: int = 200) -> HTMLResponse:
    shown = f'<p class="error">{html.escape(error)}</p>' if error else ""
    return HTMLResponse(_PAGE.format(error=shown), status_code=status)


@router.get("/login")
def login_form() -> HTMLResponse:
    """The sign-in form."""
    return _page()


@router.post("/login", response_model=None)
async def login(
    request: Request, services: ServicesDep, content_length: Annotated[int | None, Header()] = None
) -> HTMLResponse | RedirectResponse:
    """Check the posted key, keep it in an HttpOnly, SameSite cookie, and open the key's own scope."""
    if content_length is not None and content_length > _MAX_FORM:
        return _page(_("表单过大：只发送密钥"), status=413)
    body = await request.body()
    if len(body) > _MAX_FORM:
        return _page(_("表单过大：只发送密钥"), status=413)
    key = parse_qs(body.decode("utf-8", errors="replace")).get("key", [""])[0].strip()
    found = services.keys.verify(key) if services.settings.auth and key else None
    if services.settings.auth and found is None:
        return _page(_("密钥无效：请核对，或请管理员生成一个（grassroots keys create）"), status=401)
    response = RedirectResponse(f"/dashboard?scope={found.scope}" if found and found.scope else "/", status_code=303)
    response.set_cookie(COOKIE, key, httponly=True, samesite="strict")
    return response


@router.post("/logout")
def logout() -> RedirectResponse:
    """Forget the key this browser kept, and show the sign-in form."""
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(COOKIE, httponly=True, samesite="strict")
    return response
