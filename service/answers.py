"""Answers kept per store version (答复缓存): a read's serialised answer, reused until the graph changes.

A read route's answer depends on the graph (the store's :meth:`~graph.store.GraphStore.version`,
which moves with every committed write), on what was asked (the route and its query), on who
asks (the principal's territory and role: a viewer's answer is masked, an editor's is not), on
the language of the messages, and on the day and norms of the context. :class:`Answers` keeps
the bytes of each answer under all of these, with a strong ETag, so the same question asked
again at the same version costs a dictionary look-up, not a walk and a serialisation.

Nothing is ever invalidated one by one: a key carries its version, and the first answer kept
for a newer version drops every older one at once. The memory held is bounded (``max_bytes``,
least recently used first). Two requests asking the same thing at once compute it once.
"""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from dataclasses import dataclass

__all__ = ["MAX_BYTES", "AnswerKey", "Answers", "Kept"]

MAX_BYTES = 64 * 1024 * 1024
"""What the kept answers may hold in all, by default: a city's coverage is about 10 kB, its gap page a few hundred."""

AnswerKey = tuple[Hashable, ...]
"""Everything an answer depends on but the version: the question, who asks, language, day, norms."""


@dataclass(frozen=True, slots=True)
class Kept:
    """One answer as it is sent: its bytes and a strong ETag, the hash of those bytes."""

    body: bytes
    etag: str

    @classmethod
    def of(cls, body: bytes) -> Kept:
        return cls(body=body, etag='"' + hashlib.blake2b(body, digest_size=16).hexdigest() + '"')


class Answers:
    """Serialised answers of one store, kept per version; thread-safe, bounded to ``max_bytes``."""

    def __init__(self, *, max_bytes: int = MAX_BYTES) -> None:
        self.max_bytes = max_bytes
        self._lock = threading.Lock()
        self._version = -1  # the version the kept answers are of
        self._kept: OrderedDict[AnswerKey, Kept] = OrderedDict()
        self._bytes = 0
        self._pending: dict[tuple[int, AnswerKey], threading.Event] = {}
        self.hits = 0
        self.misses = 0

    def answer(self, key: AnswerKey, *, version: Callable[[], int], compute: Callable[[], bytes]) -> Kept:
        """The answer kept for ``key`` at the store's version now, or ``compute()``'s, kept if the version did not move meanwhile.

        ``version`` is read before and after computing: an answer computed while a write committed
        may be of either graph, so it is sent but not kept. An exception from ``compute`` (an
        unknown id, a refusal) is raised and nothing is kept.
        """
        if self.max_bytes == 0:  # keeping turned off: every answer computed afresh (the plain way, GRASSROOTS_ANSWERS_MB=0)
            return Kept.of(compute())
        while True:
            at = version()
            with self._lock:
                kept = self._kept.get(key) if at == self._version else None
                if kept is not None:
                    self._kept.move_to_end(key)
                    self.hits += 1
                    return kept
                waiting = self._pending.get((at, key))
                if waiting is None:
                    mine = self._pending[(at, key)] = threading.Event()
                    self.misses += 1
            if waiting is None:
                break
            waiting.wait()  # another request computes the same answer: use it (or compute it if that one failed)
        try:
            kept = Kept.of(compute())
            if version() == at:
                self._keep(at, key, kept)
            return kept
        finally:
            with self._lock:
                del self._pending[(at, key)]
            mine.set()

    def get(self, key: AnswerKey, *, version: int) -> Kept | None:
        """The answer kept for ``key`` at ``version``, or None: a look-up only, nothing computed."""
        with self._lock:
            kept = self._kept.get(key) if version == self._version else None
            if kept is not None:
                self._kept.move_to_end(key)
                self.hits += 1
            return kept

    def _keep(self, at: int, key: AnswerKey, kept: Kept) -> None:
        size = len(kept.body)
        if size > self.max_bytes:
            return
        with self._lock:
            if at < self._version:
                return  # a newer version's answers are kept already: this one is stale
            if at > self._version:
                self._kept.clear()
                self._bytes = 0
                self._version = at
            old = self._kept.pop(key, None)
            if old is not None:
                self._bytes -= len(old.body)
            self._kept[key] = kept
            self._bytes += size
            while self._bytes > self.max_bytes:
                _key, dropped = self._kept.popitem(last=False)
                self._bytes -= len(dropped.body)

    @property
    def held(self) -> int:
        """Bytes of answers held now."""
        return self._bytes

    def __len__(self) -> int:
        return len(self._kept)
