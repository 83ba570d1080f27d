"""Messages a person reads (界面语言): Chinese by default, English on request, through a gettext catalogue.

Messages are written in the code in Chinese (zh_Hans), as gettext msgids with named placeholders:
``_("第 %(row)s 行：%(reason)s", row=3, reason=...)``, never sentences glued from pieces. The English
catalogue, ``graph/locale/en/LC_MESSAGES/messages.po``, gives each its English; it is read with
Babel and compiled in memory the first time English is asked for, so no ``.mo`` file is committed.
CONTRIBUTING.md says how to extract and update it; a test fails when a msgid has no English.

The language of the moment is a context variable: the API sets it per request (``Accept-Language``),
the command line once (``--lang``), both defaulting to the setting ``GRASSROOTS_LANG``. Only what a
person reads changes with it; codes, ids, rule names and JSON keys are the same in both languages.
"""

from __future__ import annotations

import gettext
import io
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from enum import StrEnum
from functools import lru_cache
from pathlib import Path

__all__ = ["LOCALE_DIR", "N_", "Lang", "_", "current", "language_of", "set_language", "translations", "using"]

LOCALE_DIR = Path(__file__).parent / "locale"
"""The catalogues, one folder per language: ``<lang>/LC_MESSAGES/messages.po``."""

DOMAIN = "messages"


class Lang(StrEnum):
    """The languages a person may read: Chinese (the msgids themselves) and English."""

    ZH = "zh"
    EN = "en"


_current: ContextVar[Lang] = ContextVar("grassroots_lang", default=Lang.ZH)


def current() -> Lang:
    """The language messages are given in now."""
    return _current.get()


def set_language(lang: Lang | str) -> None:
    """Give messages in ``lang`` from now on, in this context (a command, a request's task)."""
    _current.set(Lang(lang))


@contextmanager
def using(lang: Lang | str) -> Iterator[None]:
    """Give messages in ``lang`` inside the block, and as before after it."""
    token = _current.set(Lang(lang))
    try:
        yield
    finally:
        _current.reset(token)


def _(msgid: str, /, **params: object) -> str:
    """The message in the current language, its named placeholders filled: ``_("第 %(row)s 行", row=3)``."""
    text = msgid if current() is Lang.ZH else translations(current()).gettext(msgid)
    return text % params if params else text


def N_(msgid: str, /) -> str:
    """Mark a message for the catalogue where it is declared (a rule's title); it is translated where shown, with ``_``."""
    return msgid


@lru_cache
def translations(lang: Lang) -> gettext.NullTranslations:
    """The catalogue of a language, read from its ``.po`` and compiled in memory once; Chinese needs none."""
    po = LOCALE_DIR / lang.value / "LC_MESSAGES" / f"{DOMAIN}.po"
    if lang is Lang.ZH or not po.is_file():
        return gettext.NullTranslations()
    from babel.messages.mofile import write_mo  # Babel is needed only once English is asked for
    from babel.messages.pofile import read_po

    with po.open("rb") as f:
        catalog = read_po(f, locale=lang.value, domain=DOMAIN)
    compiled = io.BytesIO()
    write_mo(compiled, catalog)
    compiled.seek(0)
    return gettext.GNUTranslations(compiled)


def language_of(accept_language: str | None, *, default: Lang = Lang.ZH) -> Lang:
    """The language an ``Accept-Language`` header asks for, by its weights (``en-US,en;q=0.9``); ``default`` when it names neither."""
    best: tuple[float, Lang] | None = None
    for part in (accept_language or "").split(","):
        tag, _sep, rest = part.strip().partition(";")
        weight = 1.0
        if rest.strip().startswith("q="):
            try:
                weight = float(rest.strip()[2:])
            except ValueError:
                continue
        primary = tag.strip().lower().split("-")[0]
        lang = default if primary == "*" else {"zh": Lang.ZH, "en": Lang.EN}.get(primary)
        if lang is not None and weight > 0 and (best is None or weight > best[0]):
            best = (weight, lang)
    return best[1] if best else default
