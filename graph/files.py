"""Writing files so that a crash or a failed write never leaves half of one, and reading them
back as only their owner may (``PRIVATE``) when they hold personal data."""

from __future__ import annotations

import os
from pathlib import Path
from typing import BinaryIO

__all__ = ["PRIVATE", "atomic_write", "open_private"]

PRIVATE = 0o600
"""The mode of the data folder's files: they hold every phone number, so only their owner reads them."""


def atomic_write(path: Path, data: bytes, *, durable: bool = True, mode: int = 0o666) -> None:
    """Write ``data`` to a file beside ``path`` and rename it over ``path``: readers see the old
    file or the new one, never a mix. ``durable`` also flushes file and folder to disk.

    The new file is created with ``mode`` (less the umask, as ``open`` does); ``PRIVATE`` for data.
    """
    tmp = path.with_name(path.name + ".tmp")
    try:
        tmp.unlink(missing_ok=True)  # one left by a crash keeps its own mode: the file is made afresh
        with os.fdopen(os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, mode), "wb") as f:
            f.write(data)
            f.flush()
            if durable:
                os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    if durable:
        fd = os.open(path.parent, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def open_private(path: Path, *, buffering: int = -1) -> BinaryIO:
    """A data file opened for appending bytes, created ``PRIVATE``, and made so if an older
    version created it readable by others."""
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, PRIVATE)
    try:
        os.fchmod(fd, PRIVATE)
        return os.fdopen(fd, "ab", buffering)
    except BaseException:
        os.close(fd)
        raise
