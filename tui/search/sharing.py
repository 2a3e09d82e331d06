"""How several processes share one index file without breaking it.

Many processes may open the same index at once: the app, quick lookups from
the shell, every visitor of `newsroom serve`. They share it the way tools that
keep a SQLite cache do:

- Busy and locked mean wait (SQLite's busy timeout), never damage.
- One writer at a time: an update holds an exclusive `flock` on `<index>.lock`
  for as long as it writes. Everyone else keeps reading the last committed
  state meanwhile; a process that finds nothing to update never takes it.
- A whole (re)build writes a new file beside the index and renames it into
  place. Nothing deletes an index file: a process that still has the old one
  open keeps reading it until it notices the swap.
- Noticing the swap: a reader holds a shared `flock` on `<index>.swap` while it
  checks which file the path names and reads; the swap itself takes it
  exclusively. So no reader ever starts a transaction on a replaced file (with
  a rollback journal, whose name goes with the path, that could roll another
  file's journal into it).
- Builds happen under the writer lock, so two first builds never race: the
  second waits, then finds the first one's index and only tops it up. A
  half-built file never sits at the index's path.

Locks are `flock`s on files that are never deleted, so a crashed process
releases them by exiting.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import os
import secrets
from collections.abc import Iterator
from pathlib import Path

import platformdirs

from tui.core.config import APP_NAME


class LockBusy(Exception):
    """Another process holds the lock and we were told not to wait."""


def default_path(content_dir: Path) -> Path:
    """The cache file for a content dir: one per resolved path."""
    digest = hashlib.sha256(str(Path(content_dir).resolve()).encode("utf-8", "surrogateescape")).hexdigest()[:16]
    return Path(platformdirs.user_cache_dir(APP_NAME)) / f"index-{digest}.sqlite3"


def _open_lock(path: Path) -> int:
    return os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)


@contextlib.contextmanager
def writer_lock(index_path: Path, wait: bool = True) -> Iterator[None]:
    """Hold the one-writer lock of an index (raises LockBusy if not `wait` and taken)."""
    fd = _open_lock(index_path.with_name(index_path.name + ".lock"))
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | (0 if wait else fcntl.LOCK_NB))
        except BlockingIOError as error:
            raise LockBusy(str(index_path)) from error
        yield
    finally:
        os.close(fd)  # closing releases the lock


class SwapLock:
    """Shared while reading, exclusive while swapping a new file in.

    One per index object. flock belongs to the open file, not the thread: the
    caller serialises its own threads (the index's connection lock) and never
    nests a swap inside a read.
    """

    def __init__(self, index_path: Path):
        self.path = index_path.with_name(index_path.name + ".swap")
        self._fd: int | None = None

    def _descriptor(self) -> int:
        if self._fd is None:
            self._fd = _open_lock(self.path)
        return self._fd

    def shared(self) -> None:
        fcntl.flock(self._descriptor(), fcntl.LOCK_SH)

    def exclusive(self) -> None:
        fcntl.flock(self._descriptor(), fcntl.LOCK_EX)

    def release(self) -> None:
        if self._fd is not None:
            fcntl.flock(self._fd, fcntl.LOCK_UN)

    def close(self) -> None:
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None


def build_path(index_path: Path) -> Path:
    """A fresh name beside the index for a build that will be renamed into place."""
    return index_path.with_name(f"{index_path.name}.build-{os.getpid()}-{secrets.token_hex(4)}")


def remove_abandoned_builds(index_path: Path) -> None:
    """Builds left by a process that died. Call only under the writer lock: then
    no build is under way, and nobody else ever opens a build file."""
    prefix = index_path.name + ".build-"
    try:
        names = os.listdir(index_path.parent)
    except OSError:
        return
    for name in names:
        if name.startswith(prefix):
            with contextlib.suppress(OSError):
                os.remove(index_path.parent / name)


def file_identity(path: Path) -> tuple[int, int] | None:
    """(device, inode) of the file at path now; None if there is none."""
    try:
        info = os.stat(path)
    except FileNotFoundError:
        return None
    return info.st_dev, info.st_ino


__all__ = [
    "LockBusy",
    "SwapLock",
    "build_path",
    "default_path",
    "file_identity",
    "remove_abandoned_builds",
    "writer_lock",
]
