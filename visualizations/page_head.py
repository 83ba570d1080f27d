"""The head every served page shares (the gap list, the dashboard): Chinese first, CJK fonts, one header style.

:func:`page_head` opens the page up to its header's title; each page adds its own style to
:data:`BASE_STYLE` and writes the rest of its header and body.
"""

from __future__ import annotations

import html

__all__ = ["BASE_STYLE", "page_head"]

BASE_STYLE = """
:root { --font: 'Noto Sans CJK SC', 'Source Han Sans SC', 'Microsoft YaHei', 'PingFang SC', 'WenQuanYi Micro Hei', sans-serif; }
* { box-sizing: border-box; }
body { margin: 0; font-family: var(--font); color: #212121; background: #fafafa; }
header { padding: 10px 16px; background: #fff; border-bottom: 1px solid #ddd; }
header h1 { margin: 0; font-size: 20px; }
header .meta { margin: 4px 0; color: #616161; font-size: 13px; }
nav a { margin-right: 16px; font-size: 14px; }
"""
"""The font stack, the page's colours, and the header (title, meta line, nav links) of every page."""


def page_head(title: str, *, style: str) -> str:
    """The page from its doctype to its header's title, in Chinese (``lang="zh-CN"``), with ``style`` inline."""
    return f"""<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>{html.escape(title)}</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>{style}</style></head>
<body>
<header><h1>{html.escape(title)}</h1>
"""
