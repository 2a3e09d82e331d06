"""Keeping an index fresh for lookups, so that they need not walk the content folder (Linux).

A lookup from the shell makes sure the index describes the folder as it is now by
stat-ing every content file: about 0.1 s at 10,000 files and over a second at
100,000. `newsroom watch` runs a keeper instead: it follows the folder with inotify
and brings the index up to date when anything changes, and a lookup asks it to
catch up rather than walking.

The handshake is git's fsmonitor cookie. The lookup creates a request file in the
keeper's folder, which the keeper watches with the same inotify instance as the
content folder. The kernel queues one instance's events in the order they happen,
so once the keeper reads the request it has read every change made before the
lookup started. It rescans the folder if anything changed (or the queue
overflowed and events were lost), brings the index up to date, and answers with
the digest of the listing the index now describes. The lookup trusts the index only
if the index's own digest is that one, and only if the keeper walks the folder
the way the lookup's config would; otherwise, or when no keeper holds the lock, or
it does not answer in time, the lookup walks as it always did.

The keeper's folder sits beside the index: `lock` (held by the keeper, with its
pid), `ask-TOKEN` (a request) and `ans-TOKEN` (its answer: the digest and stamp).
"""

from __future__ import annotations

import errno
import fcntl
import os
import struct
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

from tui.core.digests import sha256

ANSWER_WAIT = 5.0  # seconds a lookup waits for the keeper before walking itself
STALE_ANSWER = 60.0  # answers nobody collected (their lookup gave up) are removed after this

# inotify(7)
_IN_MODIFY, _IN_ATTRIB, _IN_CLOSE_WRITE = 0x2, 0x4, 0x8
_IN_MOVED_FROM, _IN_MOVED_TO, _IN_CREATE, _IN_DELETE = 0x40, 0x80, 0x100, 0x200
_IN_DELETE_SELF, _IN_MOVE_SELF = 0x400, 0x800
_IN_Q_OVERFLOW, _IN_IGNORED, _IN_ISDIR = 0x4000, 0x8000, 0x40000000
_IN_ONLYDIR, _IN_NONBLOCK, _IN_CLOEXEC = 0x01000000, 0o4000, 0o2000000
_FOLDER_MASK = (
    _IN_MODIFY
    | _IN_ATTRIB
    | _IN_CLOSE_WRITE
    | _IN_MOVED_FROM
    | _IN_MOVED_TO
    | _IN_CREATE
    | _IN_DELETE
    | _IN_DELETE_SELF
    | _IN_MOVE_SELF
    | _IN_ONLYDIR
)
_EVENT = struct.Struct("iIII")


class KeeperError(Exception):
    """The keeper cannot start: another keeper runs, or the folder cannot be watched."""


def keeper_dir(index_path: Path) -> Path:
    return index_path.with_name(index_path.name + ".keeper")


def walk_stamp(content_dir: Path, site: object, allow_outside_links: bool) -> str:
    """What the keeper's listing depends on besides the files: lookups under another
    config (other language folders, say) must not trust it."""
    text = repr((str(Path(content_dir).resolve()), repr(site), allow_outside_links))
    return sha256(text.encode("utf-8", "surrogateescape")).hexdigest()[:32]


# -- the lookup's side ---------------------------------------------------------


def _keeper_alive(lock_path: Path) -> bool:
    """True while a keeper holds its lock (a shared lock cannot be had)."""
    try:
        fd = os.open(lock_path, os.O_RDONLY | os.O_CLOEXEC)
    except OSError:
        return False
    try:
        fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
    except BlockingIOError:
        return True
    except OSError:
        return False
    finally:
        os.close(fd)  # also releases a lock we did get
    return False


def ask_keeper(index_path: Path, stamp: str, wait: float = ANSWER_WAIT) -> str | None:
    """The listing digest a running keeper has brought the index up to, counting
    every change made before this call; None if no keeper answers (walk instead)."""
    folder = keeper_dir(index_path)
    lock_path = folder / "lock"
    if not _keeper_alive(lock_path):
        return None
    token = f"{os.getpid()}-{os.urandom(6).hex()}"
    ask, answer = folder / f"ask-{token}", folder / f"ans-{token}"
    try:
        os.close(os.open(ask, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, 0o600))
    except OSError:
        return None
    deadline = time.monotonic() + wait
    pause, next_check = 0.0002, time.monotonic() + 0.05
    try:
        while True:
            try:
                text = answer.read_text("utf-8")
                break
            except FileNotFoundError:
                pass
            except (OSError, UnicodeDecodeError):
                return None
            now = time.monotonic()
            if now > deadline:
                return None
            if now > next_check:  # a keeper that died will never answer
                if not _keeper_alive(lock_path):
                    return None
                next_check = now + 0.05
            time.sleep(pause)
            pause = min(pause * 1.5, 0.005)
    finally:
        for leftover in (ask, answer):
            try:
                os.unlink(leftover)
            except OSError:
                pass
    lines = text.split("\n")
    if len(lines) < 2 or lines[0] != "ok" or lines[2:3] != [stamp]:
        return None
    return lines[1] or None


# -- the keeper ----------------------------------------------------------------


class _Inotify:
    """The few inotify calls the keeper needs, through ctypes (Linux only)."""

    def __init__(self) -> None:
        import ctypes  # here: lookups import this module for `ask_keeper` alone

        self._ctypes = ctypes
        try:
            libc = ctypes.CDLL(None, use_errno=True)
            self._add = libc.inotify_add_watch
            init = libc.inotify_init1
        except (OSError, AttributeError) as error:
            raise KeeperError("this system has no inotify: lookups keep walking the folder") from error
        self._add.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_uint32]
        self.fd = init(_IN_NONBLOCK | _IN_CLOEXEC)
        if self.fd < 0:
            raise KeeperError(f"cannot start inotify: {os.strerror(ctypes.get_errno())}")
        self.paths: dict[int, str] = {}

    def watch(self, path: str, mask: int = _FOLDER_MASK) -> bool:
        """Watch a folder; False if it is gone (or not a folder). Raises KeeperError at the system's limit."""
        wd = self._add(self.fd, os.fsencode(path), mask)
        if wd < 0:
            code = self._ctypes.get_errno()
            if code == errno.ENOSPC:
                raise KeeperError(
                    "too many folders to watch: raise fs.inotify.max_user_watches "
                    "(sysctl), or let lookups walk the folder"
                )
            return False
        self.paths[wd] = path
        return True

    def events(self) -> Iterator[tuple[str | None, int, str]]:
        """Every queued event as (watched folder or None, mask, name)."""
        while True:
            try:
                data = os.read(self.fd, 1 << 16)
            except BlockingIOError:
                return
            offset = 0
            while offset < len(data):
                wd, mask, _cookie, size = _EVENT.unpack_from(data, offset)
                offset += _EVENT.size
                name = os.fsdecode(data[offset : offset + size].rstrip(b"\0"))
                offset += size
                folder = self.paths.get(wd)
                if mask & _IN_IGNORED:
                    self.paths.pop(wd, None)
                yield folder, mask, name

    def close(self) -> None:
        os.close(self.fd)


def _folders(top: str) -> Iterator[str]:
    """`top` and every folder below it that is not hidden, without following symlinks."""
    stack = [top]
    while stack:
        folder = stack.pop()
        yield folder
        try:
            with os.scandir(folder) as entries:
                for entry in entries:
                    try:
                        if not entry.name.startswith(".") and entry.is_dir(follow_symlinks=False):
                            stack.append(entry.path)
                    except OSError:
                        continue
        except OSError:
            continue


def _link_hops(root: str, files: dict) -> set[tuple[str, str]]:
    """(folder, name) of each hop of every symlinked content file: editing a link's
    target changes the listing (it stats through links) without an event where the link is."""
    hops: set[tuple[str, str]] = set()
    for rel in files:
        path = root + rel
        for _ in range(40):  # the kernel's own limit on a chain of links
            if not os.path.islink(path):
                break
            try:
                path = os.path.abspath(os.path.join(os.path.dirname(path), os.readlink(path)))
            except OSError:
                break
            hops.add((os.path.dirname(path), os.path.basename(path)))
    return hops


class Keeper:
    """Keeps one index fresh and answers lookups' requests, until `stop()`.

    `update(listing)` brings the index up to the listing and returns its digest
    (the CLI passes the index's own update); `scan()` walks the folder.
    """

    def __init__(
        self,
        content_dir: Path,
        index_path: Path,
        stamp: str,
        scan: Callable[[], object],
        update: Callable[[object], str],
        suffixes: tuple[str, ...],
    ) -> None:
        self.root = os.path.realpath(content_dir)
        self.folder = keeper_dir(index_path)
        self.stamp = stamp
        self._scan, self._update, self._suffixes = scan, update, suffixes
        self._wake_r, self._wake_w = os.pipe2(os.O_CLOEXEC | os.O_NONBLOCK)
        self._closing = threading.Lock()
        self._lock_fd: int | None = None
        self._inotify: _Inotify | None = None
        self._parent = os.path.dirname(self.root)  # watched for the content folder itself coming and going
        self._hops: set[tuple[str, str]] = set()
        self.listing = None
        self.rescans = 0  # how often a change made the keeper walk the folder (for tests and the log)

    # -- starting and stopping

    def start(self) -> None:
        """Take the keeper's lock, watch the folders, bring the index up to date."""
        self.folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        fd = os.open(self.folder / "lock", os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            other = os.pread(fd, 32, 0).decode("ascii", "replace").strip()
            os.close(fd)
            raise KeeperError(f"another keeper (pid {other or '?'}) keeps this index already") from None
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()}\n".encode(), 0)
        self._lock_fd = fd
        try:
            self._inotify = _Inotify()
            # Requests first: from here on no request is missed; those made before are listed below.
            if not self._inotify.watch(str(self.folder), _IN_CREATE | _IN_MOVED_TO | _IN_ONLYDIR):
                raise KeeperError(f"cannot watch {self.folder}")
            if not os.path.isdir(self.root):
                raise KeeperError(f"content folder not found: {self.root}")
            self._inotify.watch(self._parent, _IN_CREATE | _IN_DELETE | _IN_MOVED_FROM | _IN_MOVED_TO | _IN_ONLYDIR)
            self._refresh(watch_all=True)
        except BaseException:
            self.close()
            raise

    def stop(self) -> None:
        """Ask `run()` to return (from any thread, or a signal handler)."""
        with self._closing:  # never a write to a closed descriptor's number, reused by another file
            if self._wake_w is not None:
                os.write(self._wake_w, b"x")

    def close(self) -> None:
        if self._inotify is not None:
            self._inotify.close()
            self._inotify = None
        if self._lock_fd is not None:
            os.close(self._lock_fd)  # releases the lock: lookups walk again
            self._lock_fd = None
        with self._closing:
            if self._wake_w is not None:
                os.close(self._wake_r)
                os.close(self._wake_w)
                self._wake_w = None

    # -- the loop

    def run(self) -> None:
        """Follow the folder and answer requests until `stop()`; `start()` first."""
        import select

        assert self._inotify is not None, "start() first"
        try:
            # Requests made before the keeper's folder was watched: answered only after the queue
            # is read, which holds every change made before them (the folders were watched first).
            self.round(waiting=self._requests_waiting())
            while True:
                ready, _, _ = select.select([self._inotify.fd, self._wake_r], [], [])
                if self._wake_r in ready:
                    return
                self.round()
        finally:
            self.close()

    def round(self, waiting: list[str] = ()) -> None:
        """Read what is queued: rescan if the content changed, then answer the requests read
        (and those `waiting`, found before the queue was read)."""
        assert self._inotify is not None
        changed, everything, new_folders, requests = False, False, [], list(waiting)
        for folder, mask, name in self._inotify.events():
            if folder == str(self.folder):
                if name.startswith("ask-"):
                    requests.append(name[4:])
                continue
            if folder == self._parent:  # the content folder itself made, moved or removed
                if name == os.path.basename(self.root):
                    changed = everything = True
                continue
            if mask & _IN_Q_OVERFLOW or folder is None:
                changed = True  # events were lost: walk everything
                continue
            if mask & _IN_MOVE_SELF or (mask & _IN_ISDIR and mask & (_IN_MOVED_FROM | _IN_MOVED_TO)):
                changed = everything = True  # folders moved: the paths of their watches changed too
            elif mask & _IN_ISDIR:
                if not name.startswith("."):
                    changed = True
                    if mask & _IN_CREATE:
                        new_folders.append(os.path.join(folder, name))
            elif not name or (folder, name) in self._hops:
                changed = True  # the watched folder itself, or a symlink's hop
            elif not name.startswith(".") and name.lower().endswith(self._suffixes):
                changed = True
        if changed:
            if self.root not in self._inotify.paths.values():
                everything = True  # the content folder was removed (and perhaps made again)
            for folder in [] if everything else new_folders:  # before the walk: a file made after it is an event
                for below in _folders(folder):
                    self._inotify.watch(below)
            self._refresh(watch_all=everything)
        self._answer(sorted(set(requests)))

    def _refresh(self, watch_all: bool = False) -> None:
        """Walk the folder and bring the index up to it; `watch_all`: (re)watch every folder first."""
        assert self._inotify is not None
        if watch_all:
            for folder in _folders(self.root):
                self._inotify.watch(folder)  # an inode watched already keeps its watch, under its new path
        self.listing = self._scan()
        self._hops = _link_hops(self.listing.root, self.listing.files)
        for folder in {folder for folder, _ in self._hops} - set(self._inotify.paths.values()):
            self._inotify.watch(folder)
        self.rescans += 1
        self._bring_up()

    def _bring_up(self) -> bool:
        """Bring the index up to the listing (one small read if it is there already, unless
        another process wrote it meanwhile); False if it cannot be: lookups then walk."""
        try:
            digest = self._update(self.listing)
        except Exception as error:  # noqa: BLE001 - a damaged or read-only index: say so, keep watching
            import logging  # only here: a lookup imports this module, and logging costs it 2.5 ms

            logging.getLogger(__name__).warning("cannot bring the index up to date: %s", error)
            return False
        # The index must describe the folder as this keeper saw it last: an index that could
        # not be written still holds an older listing's digest, which no lookup may trust.
        return digest == self.listing.digest

    def _requests_waiting(self) -> list[str]:
        try:
            return [name[4:] for name in os.listdir(self.folder) if name.startswith("ask-")]
        except OSError:
            return []

    def _answer(self, tokens: list[str]) -> None:
        if not tokens:
            return
        text = f"ok\n{self.listing.digest}\n{self.stamp}\n" if self._bring_up() else "failed\n"
        for token in tokens:
            temporary = self.folder / f"tmp-{token}"
            try:
                temporary.write_text(text, "utf-8")
                os.replace(temporary, self.folder / f"ans-{token}")
                os.unlink(self.folder / f"ask-{token}")
            except OSError:
                continue  # the lookup gave up and cleaned up
        self._sweep()

    def _sweep(self) -> None:
        """Remove answers whose lookups gave up long ago."""
        limit = time.time() - STALE_ANSWER
        try:
            with os.scandir(self.folder) as entries:
                for entry in entries:
                    if entry.name.startswith(("ans-", "tmp-", "ask-")):
                        try:
                            if entry.stat().st_mtime < limit:
                                os.unlink(entry.path)
                        except OSError:
                            pass
        except OSError:
            pass


__all__ = ["ANSWER_WAIT", "Keeper", "KeeperError", "ask_keeper", "keeper_dir", "walk_stamp"]
