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
  open keeps reading it until it notices the swap. (Older index versions' files,
  which this version never reads, are the one exception: `remove_other_versions`.)
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
import os
import re
import stat
from collections.abc import Iterator
from pathlib import Path

from tui.core.digests import sha256
from tui.core.user_dirs import cache_dir


class LockBusy(Exception):
    """Another process holds the lock and we were told not to wait."""


# The index file's format. Each version has a file of its own (its number is in the name), so
# two versions at work on one machine (a `newsroom watch` started before an upgrade, and the
# upgraded `newsroom`) never rebuild each other's index in turn, as they did when they shared one.
# 11: bodies indexed as shown: shortcodes expanded, no comments, scripts or tags
# 12: character references indexed as the characters shown (AT&amp;T as AT&T)
SCHEMA_VERSION = 12
_VERSIONED = re.compile(r"index-([0-9a-f]{16})-v(\d+)\.sqlite3")
_UNVERSIONED = re.compile(r"index-([0-9a-f]{16})\.sqlite3")  # before version 11


def default_path(content_dir: Path) -> Path:
    """The cache file for a content dir: one per resolved path and index version."""
    digest = sha256(str(Path(content_dir).resolve()).encode("utf-8", "surrogateescape")).hexdigest()[:16]
    return Path(cache_dir()) / f"index-{digest}-v{SCHEMA_VERSION}.sqlite3"


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
    return index_path.with_name(f"{index_path.name}.build-{os.getpid()}-{os.urandom(4).hex()}")


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


def remove_other_versions(index_path: Path) -> None:
    """Older versions' index files for the same content dir (each with its stored newsroom):
    once this version has built its own, they only take room (a gigabyte at 100,000 articles).
    A newer version's file is kept (both may be in use, and each would rebuild in turn), so is
    one whose writer lock another process holds, and so are the lock files themselves (never
    deleted, see above). An older process still at work finds its file gone at its next read
    and builds it again: once a build of ours, which is rare, not once a lookup."""
    own = _VERSIONED.fullmatch(index_path.name)
    if own is None:  # a path the user chose: no siblings of ours
        return
    try:
        names = os.listdir(index_path.parent)
    except OSError:
        return
    for name in names:
        other = _VERSIONED.fullmatch(name) or _UNVERSIONED.fullmatch(name)
        if other is None or other.group(1) != own.group(1):
            continue
        if other.re is _VERSIONED and int(other.group(2)) >= SCHEMA_VERSION:
            continue  # ours, or a newer version's: that one may be in use beside us
        path = index_path.with_name(name)
        try:
            with writer_lock(path, wait=False):
                for leftover in (path, path.with_name(name + ".assembled"), path.with_name(name + "-journal")):
                    with contextlib.suppress(FileNotFoundError):
                        os.remove(leftover)
        except (LockBusy, OSError):
            continue


def file_identity(path: Path) -> tuple[int, int] | None:
    """(device, inode) of the file at path now; None if there is none."""
    try:
        info = os.stat(path)
    except FileNotFoundError:
        return None
    return info.st_dev, info.st_ino


def is_regular_file(path: Path) -> bool:
    """Whether the file at path is a regular file (not a FIFO, a folder or a device)."""
    try:
        return stat.S_ISREG(os.stat(path).st_mode)
    except OSError:
        return False


__all__ = [
    "LockBusy",
    "SwapLock",
    "build_path",
    "default_path",
    "file_identity",
    "is_regular_file",
    "remove_abandoned_builds",
    "remove_other_versions",
    "writer_lock",
]
