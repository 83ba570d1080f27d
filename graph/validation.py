"""The words of a pydantic validation error in the reader's language (校验错误): by the error's type, with its limits.

pydantic words its own errors in English; each type it raises for our models is worded here as a
message of the catalogue (graph.i18n), filled from the error's ``ctx`` (the bound, the pattern...).
A check of our own raises ``ValueError`` with a message already in the reader's language; an error
type not listed keeps pydantic's words.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from graph.i18n import _

__all__ = ["error_message"]

_BY_TYPE: dict[str, Callable[[Mapping[str, Any]], str]] = {
    "missing": lambda _c: _("必填，不能为空"),
    "greater_than_equal": lambda c: _("应大于或等于 %(ge)s", ge=c.get("ge")),
    "greater_than": lambda c: _("应大于 %(gt)s", gt=c.get("gt")),
    "less_than_equal": lambda c: _("应小于或等于 %(le)s", le=c.get("le")),
    "less_than": lambda c: _("应小于 %(lt)s", lt=c.get("lt")),
    "string_too_long": lambda c: _("最多 %(max_length)s 个字符", max_length=c.get("max_length")),
    "string_too_short": lambda c: _("至少 %(min_length)s 个字符", min_length=c.get("min_length")),
    "too_long": lambda c: _("最多 %(max_length)s 项", max_length=c.get("max_length")),
    "string_pattern_mismatch": lambda c: _("格式不符，应匹配 %(pattern)s", pattern=c.get("pattern")),
    "int_parsing": lambda _c: _("应为整数"),
    "int_type": lambda _c: _("应为整数"),
    "int_from_float": lambda _c: _("应为整数，不能带小数"),
    "float_parsing": lambda _c: _("应为数字"),
    "float_type": lambda _c: _("应为数字"),
    "bool_parsing": lambda _c: _("应为是或否"),
    "bool_type": lambda _c: _("应为是或否"),
    "string_type": lambda _c: _("应为文字"),
    "date_parsing": lambda _c: _("应为日期，写作 2023-05-01"),
    "date_type": lambda _c: _("应为日期，写作 2023-05-01"),
    "date_from_datetime_parsing": lambda _c: _("应为日期，写作 2023-05-01"),
    "date_from_datetime_inexact": lambda _c: _("应为日期，不带时刻"),
    "enum": lambda c: _("应为以下之一：%(expected)s", expected=c.get("expected")),
    "literal_error": lambda c: _("应为以下之一：%(expected)s", expected=c.get("expected")),
    "extra_forbidden": lambda _c: _("不认识这一项，请删去"),
}


def error_message(error: Mapping[str, Any]) -> str:
    """What one error of ``ValidationError.errors()`` says, in the reader's language."""
    worded = _BY_TYPE.get(str(error.get("type", "")))
    if worded is not None:
        return worded(error.get("ctx") or {})
    return str(error.get("msg", "")).removeprefix("Value error, ")
