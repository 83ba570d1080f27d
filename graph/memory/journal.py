"""The embedded store on disk: a snapshot plus a journal in its data folder, and the lock on it.

Every write is appended to the journal (framed and checksummed, flushed to disk) before it is
applied; the snapshot is rewritten by atomic replace when the journal grows large and on close.
At start the snapshot is loaded and the journal replayed up to its last whole frame, so a crash
at any point leaves the last good write.

A journal frame is ``<length><crc32><pickle of (seq, operations, final, entry)>``. A write is one
frame; ``write_all`` journals each batch as a frame of one group (one ``seq``) as it goes, and
only the group's final frame makes the group count, so an import killed half way is left out
on restart and the journal never holds a whole import in memory at once. ``entry`` is the
write's audit entry (the JSON of its ``ImportRecord``), carried by the final frame only: replay
restores a write and its entry together, or neither. Every file here is created ``PRIVATE``.

A reader beside the writer (``MemoryStore(folder, read_only=True)``, the command line while the
server runs) takes no lock and writes nothing: :func:`read_beside_writer` takes the snapshot and
the journal as one consistent pair even while the writer appends or folds the journal into a
new snapshot, and :func:`replay_frames` replays those bytes up to their last whole frame, where a
frame still being written ends.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import pickle
import struct
import zlib
from collections.abc import Callable
from pathlib import Path
from typing import IO, Any, NamedTuple

import networkx as nx

from graph.errors import StoreBusy
from graph.files import PRIVATE, atomic_write, open_private
from graph.history import Log
from graph.i18n import _
from graph.memory.operations import Operation
from graph.memory.packing import PackedEdge, PackedNode, collector_paused

__all__ = [
    "COMPACT_AT",
    "JOURNAL",
    "SNAPSHOT",
    "Journal",
    "Snapshot",
    "empty_journal",
    "read_beside_writer",
    "read_snapshot",
    "replay",
    "replay_frames",
    "write_snapshot",
]

SNAPSHOT = "graph.snapshot"
JOURNAL = "graph.journal"
FORMAT = 2  # of the snapshot; 2: levels by name
COMPACT_AT = 64 * 1024 * 1024  # journal bytes that trigger a new snapshot
_FRAME = struct.Struct("<II")  # payload length, crc32


class Journal:
    """The data folder's journal, open for appending and locked for as long as the store is open."""

    def __init__(self, folder: Path, *, durable: bool) -> None:
        self._file = _locked(folder / JOURNAL)
        self._durable = durable

    def append(self, seq: int, ops: list[Operation], *, final: bool = True, entry: str | None = None) -> None:
        """Append a frame; a write counts once its final frame is on disk (fsynced, when durable).

        Frames that are not final are flushed but not fsynced: until the final one is on disk
        the group does not count, and one fsync per group keeps a long import fast. ``entry``
        (a final frame's only) is the write's audit entry. If the frame cannot be written whole
        (a full disk), what was written of it is cut off again and the error raised: the write
        did not happen, and the frames after it must not follow a torn one.
        """
        payload = pickle.dumps((seq, ops, final, entry), protocol=pickle.HIGHEST_PROTOCOL)
        start = self._file.tell()
        try:
            frame = memoryview(_FRAME.pack(len(payload), zlib.crc32(payload)) + payload)
            while frame:  # unbuffered: a write may take part of the frame, and nothing is held back to flush later
                frame = frame[self._file.write(frame) :]
            if self._durable and final:
                os.fsync(self._file.fileno())
        except BaseException:
            self._cut(start)
            raise

    def _cut(self, size: int) -> None:
        """Drop whatever follows ``size`` bytes (best effort: replay cuts a torn frame off too)."""
        with contextlib.suppress(OSError):
            self._file.truncate(size)

    def tell(self) -> int:
        """Bytes in the journal: zero when every write is in the snapshot."""
        return self._file.tell()

    def full(self) -> bool:
        """Whether the journal has grown enough that a new snapshot should fold it in."""
        return self._file.tell() > COMPACT_AT

    def empty(self) -> None:
        """Drop every frame, once a snapshot holds what they wrote."""
        self._file.truncate(0)
        self._file.seek(0)

    def close(self) -> None:
        """Close the file, which releases the lock on the folder."""
        self._file.close()


def _locked(path: Path) -> IO[bytes]:
    """The journal opened for appending, with an exclusive lock that lasts as long as it is open.

    Two processes on one data folder would each keep their own graph and overwrite each
    other's snapshot; the lock makes the second one stop at start instead. The kernel drops
    the lock when the process dies, so a crash never leaves the folder locked. A reader beside
    the writer takes no lock at all (a shared one could not be had while this one is held, and
    would keep the writer from starting while a reader runs): nothing it does writes.
    """
    journal = open_private(path, buffering=0)  # held open for the store's life
    try:
        fcntl.flock(journal.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        journal.close()
        raise StoreBusy(
            _(
                "数据目录 %(folder)s 正被另一个 grassroots 进程使用；请先停止它（或把 GRASSROOTS_DATA_DIR 指向另一个目录）",
                folder=path.parent,
            )
        ) from None
    return journal


class Snapshot(NamedTuple):
    """What a snapshot holds: the graph's packed nodes and out-edges, every node's change log, and the last write in it."""

    seq: int
    nodes: dict[str, PackedNode]
    succ: dict[str, dict[str, PackedEdge]]
    history: dict[str, Log]


def write_snapshot(folder: Path, graph: nx.DiGraph, *, seq: int, durable: bool, history: dict[str, Log] | None = None) -> None:
    """Write the whole graph to a new snapshot and replace the old one atomically.

    The caller empties the journal afterwards: a crash between the two replays writes the
    snapshot already holds, which puts the same data in place again.
    """
    state = {"format": FORMAT, "seq": seq, "nodes": graph._node, "succ": graph._succ, "history": history or {}}
    with collector_paused():  # pickling a large graph makes many objects and no cycles
        data = pickle.dumps(state, protocol=pickle.HIGHEST_PROTOCOL)
    atomic_write(folder / SNAPSHOT, data, durable=durable, mode=PRIVATE)


def read_snapshot(folder: Path) -> Snapshot | None:
    """The folder's snapshot, or None if it has none yet; ValueError if it is not one this version reads."""
    path = folder / SNAPSHOT
    if not path.exists():
        return None
    with collector_paused():
        state: Any = pickle.loads(path.read_bytes())  # noqa: S301 - the store's own file in its own data folder
    if not isinstance(state, dict) or state.get("format") != FORMAT:
        found = state.get("format") if isinstance(state, dict) else type(state).__name__
        raise ValueError(f"{path} has format {found}, this version reads {FORMAT}")
    return Snapshot(state["seq"], state["nodes"], state["succ"], state.get("history", {}))  # snapshots before the history have none


def empty_journal(folder: Path) -> None:
    """Empty the journal of a folder whose store is closed (no lock held, no file open)."""
    with open_private(folder / JOURNAL) as journal:
        journal.truncate(0)


def read_beside_writer(folder: Path, *, attempts: int = 100) -> tuple[Snapshot | None, bytes]:
    """The folder's snapshot and its journal's bytes, as one consistent pair, without a lock and
    while a writer may be appending or compacting; StoreBusy if the writer compacts on every try.

    The writer replaces the snapshot (a new file renamed over the old) before it empties the
    journal. So if the snapshot file is the same one after the journal was read as before the
    snapshot was, the journal read held every write past that snapshot (it may hold more, and
    a frame being written: replay stops before the first frame that is not whole); if not, a
    compaction came in between, and both are read again.
    """
    for _attempt in range(attempts):
        before = _identity(folder / SNAPSHOT)
        snapshot = read_snapshot(folder)
        try:
            journal = (folder / JOURNAL).read_bytes()
        except FileNotFoundError:
            journal = b""
        if _identity(folder / SNAPSHOT) == before:
            return snapshot, journal
    raise StoreBusy(
        _("数据目录 %(folder)s 在 %(attempts)s 次读取中每次都在变化（服务正在整理它）：请重试", folder=folder, attempts=attempts)
    )


def _identity(path: Path) -> tuple[int, int, int] | None:
    """Which file ``path`` is now (a replaced file is another inode, written at another time)."""
    try:
        found = path.stat()
    except FileNotFoundError:
        return None
    return found.st_ino, found.st_mtime_ns, found.st_size


def replay(folder: Path, *, after: int, apply: Callable[[list[Operation]], None], enter: Callable[[int, str], None] | None = None) -> int:
    """Apply each whole write the journal holds past write ``after``, in order, hand its audit
    entry (if it has one) to ``enter`` with its number, and return the highest write number it holds.

    The journal is read up to its last whole frame (:func:`replay_frames`): a frame cut short or
    failing its checksum is a write a crash interrupted, which never happened, and is cut off the
    file so the journal goes on cleanly after it. Only the writer, which holds the lock, calls this.
    """
    path = folder / JOURNAL
    if not path.exists():
        return after
    raw = path.read_bytes()
    last, whole = replay_frames(raw, after=after, apply=apply, enter=enter)
    if whole < len(raw):
        with open(path, "r+b") as f:
            f.truncate(whole)
    return last


def replay_frames(
    raw: bytes, *, after: int, apply: Callable[[list[Operation]], None], enter: Callable[[int, str], None] | None = None
) -> tuple[int, int]:
    """Replay journal bytes as :func:`replay` does, touching no file: the highest write number they
    hold, and how many bytes of them are whole frames (the rest is a torn or unfinished frame).

    A group without its final frame is never applied, but its number is counted, so that no
    later write reuses it and joins its frames.
    """
    good, applied, last = 0, after, after
    pending: dict[int, list[Operation]] = {}
    while good + _FRAME.size <= len(raw):
        size, crc = _FRAME.unpack_from(raw, good)
        payload = raw[good + _FRAME.size : good + _FRAME.size + size]
        if len(payload) < size or zlib.crc32(payload) != crc:
            break  # a write cut off by a crash, or still being written: it has not happened
        seq, ops, final, *rest = pickle.loads(payload)  # noqa: S301 - the store's own file; older frames have no entry
        if seq > applied:
            pending.setdefault(seq, []).extend(ops)
            if final:
                apply(pending.pop(seq))
                applied = seq
                if rest and rest[0] is not None and enter is not None:
                    enter(seq, rest[0])
        last = max(last, seq)
        good += _FRAME.size + size
    return last, good
