"""The history of a node's properties (属性变更记录): one change log per node, kept compactly by both stores.

A node's log is a tuple of :class:`PropertyChange`, oldest day first: the day it was created, each
day a write changed some of its fields (with those fields' values *before* the change: nothing is
kept for a field that did not change, nor for a write that changed nothing), and, for a removed
node, a tombstone with every field as last held. The node as it is now plus its log give its
properties on any day (:func:`values_on`): start from now and undo, newest first, every change that
took effect after the day.

Values are JSON values (``model_dump(mode="json")``) in both stores, so that the two keep and answer
the same log. A change takes effect on its day: on that day the new values hold. The functions here
are pure, so both stores keep the log by the same rules (:func:`written`, :func:`removed`).

Backdated writes (an import ``--as-of`` an earlier day) are placed in the log by their day: a field
changed later stays as the later change set it (the later change's old value becomes the
backdated one), while a field nobody changed since takes the new value now. A write dated before a
node's creation moves the creation back to that day.
"""

from __future__ import annotations

import json
from bisect import bisect_right
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from typing import Any

from graph.model import NODE_MODELS, Node, NodeKind

__all__ = [
    "HISTORY_SKIP",
    "ChangeKind",
    "ChangeRow",
    "PropertyChange",
    "changed_after",
    "changes_between",
    "effective_day",
    "fields_of",
    "from_json",
    "import_of",
    "last_changed",
    "node_from",
    "node_on",
    "removed",
    "rows",
    "to_json",
    "values_on",
    "written",
]

HISTORY_SKIP = frozenset({"id", "kind", "provenance"})
"""Fields a node's history does not follow: who it is, and where the write came from (the log keeps that apart)."""


class ChangeKind(StrEnum):
    """What one entry of a node's log records."""

    CREATED = "created"
    CHANGED = "changed"
    REMOVED = "removed"


@dataclass(frozen=True, slots=True)
class PropertyChange:
    """One entry of a node's change log."""

    day: date
    """The day it took effect."""
    what: ChangeKind
    kind: NodeKind
    """The node's kind (kept so that a removed node's tombstone still says what it was)."""
    old: Mapping[str, Any] = field(default_factory=dict)
    """changed: the fields that changed, with their values before; removed: every field as last held; created: nothing."""
    source: str | None = None
    """The provenance source of the write that made it (an import's names its ledger entry first); None when not known."""


@dataclass(frozen=True, slots=True)
class ChangeRow:
    """One line of a node's history as a person reads it: a field's old and new value on a day."""

    day: date
    what: ChangeKind
    field: str | None
    """The field that changed; None for a creation or a removal."""
    old: Any
    new: Any
    source: str | None


Log = tuple[PropertyChange, ...]


def effective_day(day: date | None) -> date:
    """The day a write takes effect or a query is about: the one given, or today (the one clock of the project)."""
    return day if day is not None else date.today()


def fields_of(node: Node) -> dict[str, Any]:
    """A node's fields as its history keeps them: JSON values, without id, kind and provenance."""
    return node.model_dump(mode="json", exclude=set(HISTORY_SKIP))


def node_from(node: Node, values: Mapping[str, Any]) -> Node:
    """The node with its fields set to ``values`` (as :func:`values_on` gives them), validated again."""
    data = {"id": node.id, "kind": node.kind, "provenance": node.provenance, **values}
    return NODE_MODELS[node.kind].model_validate(data)  # type: ignore[return-value]


def changed_after(log: Iterable[PropertyChange], day: date) -> bool:
    """Whether a change of the node's fields took effect after ``day`` (so it read otherwise then)."""
    return any(c.day > day and c.what is ChangeKind.CHANGED for c in log)


def node_on(node: Node, log: Sequence[PropertyChange], day: date) -> Node:
    """The node as it was on ``day``: ``node`` itself (no model rebuilt) when no change of its fields took effect after the day."""
    if not changed_after(log, day):
        return node
    return node_from(node, values_on(log, fields_of(node), day))


def values_on(log: Iterable[PropertyChange], current: Mapping[str, Any], day: date) -> dict[str, Any]:
    """A node's fields on ``day``: ``current`` with every change after the day undone, newest first."""
    values = dict(current)
    for change in reversed(tuple(log)):
        if change.day <= day:
            break
        if change.what is ChangeKind.CHANGED:
            values.update(change.old)
    return values


def last_changed(log: Iterable[PropertyChange]) -> date | None:
    """The last day a change of fields took effect (creations and removals change no one's properties)."""
    days = [c.day for c in log if c.what is ChangeKind.CHANGED]
    return max(days) if days else None


def written(
    log: Log, current: Mapping[str, Any] | None, new: Mapping[str, Any], *, day: date, kind: NodeKind, source: str | None
) -> tuple[Log, dict[str, Any]] | None:
    """A write of ``new`` taking effect on ``day``: the node's log and current fields after it, or None
    when it changes neither. ``current`` is None for a node that does not exist (created now)."""
    if current is None:
        return _placed(log, PropertyChange(day, ChangeKind.CREATED, kind, {}, source)), dict(new)
    start = _life_start(log)
    if start is not None and log[start].day > day:
        return _created_earlier(log, start, current, new, day=day, source=source)
    on_day = values_on(log, current, day)
    changed = [f for f in dict.fromkeys([*new, *on_day]) if new.get(f) != on_day.get(f)]
    if not changed:
        return None
    entries = [dict(c.old) if c.what is ChangeKind.CHANGED else None for c in log]
    at = bisect_right([c.day for c in log], day)
    now = dict(current)
    for f in changed:
        later = [i for i in range(at, len(log)) if entries[i] is not None and f in entries[i]]  # type: ignore[operator]
        if not later:
            now[f] = new.get(f)
            continue
        first = entries[later[0]]
        assert first is not None
        first[f] = new.get(f)
        after = entries[later[1]][f] if len(later) > 1 else now.get(f)  # type: ignore[index]
        if after == new.get(f):  # the later change no longer changes this field
            del first[f]
    kept: list[PropertyChange] = []
    for i, c in enumerate(log):
        old = entries[i]
        if old is None:
            kept.append(c)
        elif old:
            kept.append(PropertyChange(c.day, c.what, c.kind, old, c.source))
    entry = PropertyChange(day, ChangeKind.CHANGED, kind, {f: on_day.get(f) for f in changed}, source)
    return _placed(tuple(kept), entry), now


def removed(log: Log, current: Mapping[str, Any], *, day: date, kind: NodeKind, source: str | None = None) -> Log:
    """A node removed on ``day``: its log gains a tombstone with every field as last held (always last:
    nothing follows a removal but a new creation)."""
    last = log[-1].day if log else day
    return (*log, PropertyChange(max(day, last), ChangeKind.REMOVED, kind, dict(current), source))


def rows(log: Iterable[PropertyChange], current: Mapping[str, Any] | None) -> list[ChangeRow]:
    """A node's log as lines, oldest first, each changed field with its old and new value.

    A change's new value is the field's old value at the next change of it, or its value now
    (for a removed node: as its tombstone last held it).
    """
    after: dict[str, Any] = dict(current or {})
    out: list[ChangeRow] = []
    for c in reversed(tuple(log)):
        if c.what is ChangeKind.REMOVED:
            after = dict(c.old)
            out.append(ChangeRow(c.day, c.what, None, None, None, c.source))
        elif c.what is ChangeKind.CREATED:
            out.append(ChangeRow(c.day, c.what, None, None, None, c.source))
        else:
            for f in reversed(list(c.old)):
                out.append(ChangeRow(c.day, c.what, f, c.old[f], after.get(f), c.source))
                after[f] = c.old[f]
    out.reverse()
    return out


def import_of(source: str | None) -> str | None:
    """The import ledger entry a provenance source names: an import's sources start with its id (``imp-...``)."""
    if not source or not source.startswith("imp-"):
        return None
    return source.split(" ", 1)[0]


def _life_start(log: Log) -> int | None:
    """Where the node's present life begins in its log: its last creation."""
    for i in range(len(log) - 1, -1, -1):
        if log[i].what is ChangeKind.CREATED:
            return i
    return None


def _created_earlier(
    log: Log, start: int, current: Mapping[str, Any], new: Mapping[str, Any], *, day: date, source: str | None
) -> tuple[Log, dict[str, Any]]:
    """A write dated before the node's creation: it existed from ``day`` with ``new``, and what it was
    created with is a change on the day it was created."""
    created = log[start]
    as_created = values_on(log, current, created.day)
    moved = {f: new.get(f) for f in dict.fromkeys([*new, *as_created]) if new.get(f) != as_created.get(f)}
    entries = [PropertyChange(day, ChangeKind.CREATED, created.kind, {}, source)]
    if moved:
        entries.append(PropertyChange(created.day, ChangeKind.CHANGED, created.kind, moved, created.source))
    return (*log[:start], *entries, *log[start + 1 :]), dict(current)


def _placed(log: Log, entry: PropertyChange) -> Log:
    """The log with an entry placed by its day, after every entry of that day or before."""
    at = bisect_right([c.day for c in log], entry.day)
    return (*log[:at], entry, *log[at:])


def changes_between(logs: Iterable[tuple[str, Log]], after: date, until: date) -> Iterator[tuple[str, PropertyChange]]:
    """Every entry of the given logs that took effect after ``after`` and on or before ``until``."""
    for node_id, log in logs:
        for c in log:
            if after < c.day <= until:
                yield node_id, c


def to_json(log: Iterable[PropertyChange]) -> str:
    """A log as JSON, for a store that keeps it as text (Neo4j's ``History`` records)."""
    return json.dumps(
        [{"day": c.day.isoformat(), "what": c.what.value, "kind": c.kind.value, "old": dict(c.old), "source": c.source} for c in log],
        ensure_ascii=False,
    )


def from_json(text: str | None) -> Log:
    """A log :func:`to_json` wrote (empty for None)."""
    if not text:
        return ()
    return tuple(
        PropertyChange(date.fromisoformat(c["day"]), ChangeKind(c["what"]), NodeKind(c["kind"]), c["old"], c["source"])
        for c in json.loads(text)
    )
