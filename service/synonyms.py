"""Staff's synonym list (近义词表) for 双向点单: kept in the data folder beside the keys, read with the one shipped in the package.

The file holds one group a line, words separated by spaces (graph.meaning.parse_groups reads it);
it is replaced whole, through a temporary file, so a reader never sees half a list.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Sequence
from pathlib import Path

from graph.i18n import _
from graph.meaning import MAX_TERM, Thesaurus, normalise, parse_groups, shipped_groups
from graph.model import unsafe_reason

__all__ = ["MAX_GROUPS", "SynonymBook", "checked_groups"]

MAX_GROUPS = 1_000
"""Groups staff may keep."""


def checked_groups(groups: Sequence[Sequence[str]]) -> list[tuple[str, ...]]:
    """Groups as they will be kept (words normalised, repeats dropped); ValueError naming the first bad group and word."""
    if len(groups) > MAX_GROUPS:
        raise ValueError(_("近义词组过多：%(count)s 组，最多 %(limit)s", count=len(groups), limit=MAX_GROUPS))
    out: list[tuple[str, ...]] = []
    for number, group in enumerate(groups, start=1):
        kept: list[str] = []
        for word in group:
            reason = unsafe_reason(word, limit=MAX_TERM)
            if reason is None and any(mark in word for mark in "#、~，,;；"):
                reason = _("含分隔符号（# 、 ~ ， ; ）；一个词里不能有")
            if reason:
                raise ValueError(_("第 %(number)s 组的词 %(word)r：%(reason)s", number=number, word=word[:MAX_TERM], reason=reason))
            if normalise(word) and normalise(word) not in kept:
                kept.append(normalise(word))
        if len(kept) < 2:
            raise ValueError(_("第 %(number)s 组只有 %(count)s 个词；一组近义词至少两个", number=number, count=len(kept)))
        out.append(tuple(kept))
    return out


class SynonymBook:
    """Staff's groups in one file (none yet: an empty list); with the package's, the :class:`Thesaurus` matching uses."""

    def __init__(self, path: Path | None) -> None:
        self.path = path
        self._cached: tuple[int, Thesaurus] | None = None

    def staff(self) -> list[tuple[str, ...]]:
        if self.path is None or not self.path.exists():
            return []
        return parse_groups(self.path.read_text(encoding="utf-8"))

    def thesaurus(self) -> Thesaurus:
        """The package's groups then staff's, read again whenever the file changed."""
        stamp = self.path.stat().st_mtime_ns if self.path is not None and self.path.exists() else 0
        if self._cached is None or self._cached[0] != stamp:
            self._cached = (stamp, Thesaurus.of(shipped_groups(), self.staff()))
        return self._cached[1]

    def save(self, groups: Sequence[Sequence[str]]) -> list[tuple[str, ...]]:
        """Replace staff's groups whole (checked first: ValueError and nothing written when one is bad)."""
        kept = checked_groups(groups)
        if self.path is None:
            raise ValueError(_("没有数据目录，近义词表无处保存"))
        self.path.parent.mkdir(parents=True, exist_ok=True)
        text = "# 近义词表: one group a line (grassroots synonyms)\n" + "".join(" ".join(g) + "\n" for g in kept)
        fd, tmp = tempfile.mkstemp(dir=self.path.parent, prefix=".synonyms-")
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            out.write(text)
        Path(tmp).replace(self.path)
        self._cached = None
        return kept
