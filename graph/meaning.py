"""Matching on meaning for 双向点单: the concepts one item of a needs or resources list names, and what two items share.

An item is normalised (full-width forms folded, case and spaces dropped, traditional characters
made simplified), the words of the
synonym list (近义词表) found in it first, longest first, and the rest cut into words by jieba
(Chinese word segmentation). Each word stands for a concept: its synonym group, or the word
itself. Words that say little (服务, 活动...) weigh :data:`STOP_WEIGHT`, so two items sharing
only such a word are not a match. How much of a need an item of resources covers is the share
of the need's weight in concepts both name.
"""

from __future__ import annotations

import functools
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from importlib import resources
from typing import Any, NamedTuple

__all__ = [
    "MATCH_SHARE",
    "STOP_WEIGHT",
    "STOP_WORDS",
    "Shared",
    "Thesaurus",
    "Word",
    "compare",
    "normalise",
    "parse_groups",
    "shipped_groups",
]

STOP_WORDS = frozenset(
    {"服务", "活动", "工作", "开展", "提供", "项目", "社区", "居民", "群众", "需求", "资源", "建设", "中心", "站", "进社区", "支持", "帮助"}
)
"""Words too common in 三张清单 to make two items alike on their own (the seeds' lists all 服务 and 开展 活动)."""
STOP_WEIGHT = 0.2
"""What a stop word weighs against 1 for any other word."""
_SKIPPED = frozenset("的和与及为等进在对把向给之+-、，,;；:：/（）()【】[]“”\"'·.。！!？?")
"""Single characters that carry no meaning of their own here: particles and punctuation."""
MATCH_SHARE = 0.5
"""The share of a need's weight an item of resources must cover to match it."""
MAX_TERM = 50
"""The longest word a synonym group may hold."""


def normalise(text: str) -> str:
    """An item as it is compared: NFKC (full-width letters, digits and punctuation folded), lower case, no spaces,
    traditional characters as simplified (爲老服務 reads 为老服务: OpenCC's t2s)."""
    folded = "".join(unicodedata.normalize("NFKC", text).lower().split())
    return str(_simplifier().convert(folded)) if folded else folded


@functools.cache
def _simplifier() -> Any:
    """OpenCC's traditional-to-simplified converter, built once (two seconds to read its dictionaries)."""
    from opencc_purepy import OpenCC  # only when something is matched

    return OpenCC("t2s")


def parse_groups(text: str) -> list[tuple[str, ...]]:
    """Groups of a synonym list: one a line, words separated by spaces or 、 ~ ，; ``#`` starts a comment; lines of one word skipped."""
    groups: list[tuple[str, ...]] = []
    for line in text.splitlines():
        body = line.split("#", 1)[0]
        for mark in "、~，,;；":
            body = body.replace(mark, " ")
        group = tuple(dict.fromkeys(normalise(w) for w in body.split() if normalise(w)))
        if len(group) >= 2:
            groups.append(group)
    return groups


def shipped_groups() -> list[tuple[str, ...]]:
    """The synonym groups shipped with the package (``graph/synonyms.txt``, from the seeds' words)."""
    return parse_groups(resources.files("graph").joinpath("synonyms.txt").read_text(encoding="utf-8"))


class Word(NamedTuple):
    """One word of an item: as written (normalised), the concept it stands for, its weight, and whether a synonym group named it."""

    text: str
    concept: str
    weight: float
    synonym: bool


class Shared(NamedTuple):
    """A concept a need and a resource both name: the words on each side, and whether they meet through a synonym group."""

    concept: str
    need_word: str
    resource_word: str
    synonym: bool


@dataclass(frozen=True)
class Thesaurus:
    """Synonym groups (the package's and staff's), each word mapped to the concepts (first words) of its groups."""

    groups: tuple[tuple[str, ...], ...]

    @functools.cached_property
    def concepts(self) -> dict[str, tuple[str, ...]]:
        found: dict[str, list[str]] = {}
        for group in self.groups:
            for word in group:
                found.setdefault(word, []).append(group[0])
        return {w: tuple(dict.fromkeys(c)) for w, c in found.items()}

    @functools.cached_property
    def longest(self) -> int:
        return max((len(w) for w in self.concepts), default=0)

    @classmethod
    def of(cls, *lists: Iterable[Sequence[str]]) -> Thesaurus:
        """The groups of several lists, in order (the package's first, then staff's)."""
        return cls(tuple(tuple(g) for groups in lists for g in groups))

    def words(self, item: str) -> tuple[Word, ...]:
        """The words of one item, in order: synonym-list words first (longest match), jieba's words between them."""
        text = normalise(item)
        out: list[Word] = []
        rest: list[str] = []
        i = 0
        while i < len(text):
            found = next(
                (text[i : i + n] for n in range(min(self.longest, len(text) - i), 1, -1) if text[i : i + n] in self.concepts), None
            )
            if found is None:
                rest.append(text[i])
                i += 1
                continue
            out += _plain_words("".join(rest))
            rest = []
            out += [Word(found, concept, 1.0, True) for concept in self.concepts[found]]
            i += len(found)
        out += _plain_words("".join(rest))
        return tuple(out)


def _plain_words(text: str) -> list[Word]:
    if not text:
        return []
    out = []
    for word in _tokenizer().lcut(text, HMM=True):
        if (len(word) == 1 and word in _SKIPPED) or not any(ch.isalnum() for ch in word):
            continue
        out.append(Word(word, word, STOP_WEIGHT if word in STOP_WORDS else 1.0, False))
    return out


@functools.cache
def _tokenizer() -> Any:
    """jieba's tokenizer over its own dictionary, built in memory: jieba would otherwise cache it in the system's temporary folder."""
    import jieba

    tokenizer = jieba.Tokenizer()
    with tokenizer.get_dict_file() as dictionary:
        tokenizer.FREQ, tokenizer.total = tokenizer.gen_pfdict(dictionary)
    tokenizer.initialized = True
    return tokenizer


def compare(need: Sequence[Word], resource: Sequence[Word]) -> tuple[float, list[Shared]]:
    """How much of a need an item of resources covers (0..1: the share of the need's weight in shared concepts), and what they share.

    A share made of stop words alone counts 0: two items alike only in 服务 are not alike.
    """
    weight: dict[str, float] = {}
    mine: dict[str, Word] = {}
    for w in need:
        if w.weight > weight.get(w.concept, 0.0):
            weight[w.concept] = w.weight
        mine.setdefault(w.concept, w)
    theirs: dict[str, Word] = {}
    for w in resource:
        theirs.setdefault(w.concept, w)
    shared = [c for c in weight if c in theirs]
    total = sum(weight.values())
    if not shared or total == 0 or all(weight[c] < 1.0 for c in shared):
        return 0.0, []
    score = sum(weight[c] for c in shared) / total
    return score, [Shared(c, mine[c].text, theirs[c].text, synonym=mine[c].text != theirs[c].text) for c in shared]
