"""What is in the content dir now: every content file's size and mtime, and a digest of them all.

A lookup from the shell checks freshness before it answers, so this walk is on
every lookup's path: plain `os.scandir` and string joins (pathlib objects cost
more than the walk itself at 10,000 files). It lists the same files, in the
same order, as `loader.iter_content_files` (a test holds the two together):
hidden entries and `_` folders skipped, symlinked folders not followed,
symlinked files listed; a static site's language folders only, and of a leaf
bundle only its index files.

The digest covers every (path, size, mtime) in walk order: equal to the one
stored at the last refresh means nothing changed, without reading the index's
file table.
"""

from __future__ import annotations

import gc
import hashlib
import marshal
import os
import stat
import sys
import threading

from tui.core.site import CONTENT_SUFFIXES, Site, is_index_name, walk_roots

_SUFFIXES = tuple(CONTENT_SUFFIXES)


class Listing:
    """A walk's result: the digest, and the files it covers (decoded only when asked for,
    when the walk came from another process: a fresh index needs the digest alone)."""

    __slots__ = ("_encoded", "_files", "digest", "root")

    def __init__(self, root: str, files: dict[str, tuple[int, int]] | None, digest: str, encoded: bytes = b""):
        self.root = root  # the content dir with a trailing separator: a file's full path is this plus its relative path
        self.digest = digest
        self._files = files
        self._encoded = encoded  # marshalled files, when files is None

    @property
    def files(self) -> dict[str, tuple[int, int]]:
        """Relative POSIX path -> (size, mtime_ns); -1: cannot stat."""
        if self._files is None:
            self._files, self._encoded = marshal.loads(self._encoded), b""
        return self._files

    def path(self, rel: str) -> str:
        """The full path of a listed file."""
        return self.root + rel


def scan(content_dir: str | os.PathLike, site: Site | None = None) -> Listing:
    """Walk the content dir once: its content files and their digest.

    At 100,000 files the listing is what the app holds at its high-water mark, beside the
    newsroom: no full paths are kept (root + relative path is one), and the digest is fed
    folder by folder instead of from one joined copy of every line.
    """
    site = site or Site()
    root = os.path.join(os.fspath(content_dir), "")
    files: dict[str, tuple[int, int]] = {}
    digest = hashlib.blake2b(digest_size=16)
    separator = b""  # the digest is of every line joined by newlines, as if joined at once
    keep = site.walk_underscored
    # (folder, its path relative to the root, with a trailing "/"), the first to pop last
    tops = [(os.path.join(root, top), f"{top}/" if top else "") for top in walk_roots(site)]
    stack = list(reversed(tops))
    top_folders = {rel for _, rel in tops}
    while stack:
        folder, rel_folder = stack.pop()
        try:
            with os.scandir(folder) as found:
                entries = {entry.name: entry for entry in found if not entry.name.startswith(".")}
        except OSError:
            continue  # unreadable or vanished: os.walk skips it too
        names: list[str] = []
        folders: list[str] = []
        for name, entry in entries.items():
            try:
                is_dir = entry.is_dir()  # follows symlinks, as os.walk sorts entries
            except OSError:
                is_dir = False
            if is_dir:
                if (not name.startswith("_") or name in keep) and not entry.is_symlink():
                    folders.append(name)
            elif name.lower().endswith(_SUFFIXES):
                names.append(name)
        names.sort()
        if rel_folder not in top_folders:  # (`startswith` first: a call to is_index_name per file costs)
            bundle = [name for name in names if name.startswith("index") and is_index_name(name, site)]
            if bundle:
                names, folders = bundle, []  # a leaf bundle: the rest is its resources
        lines: list[str] = []
        for name in names:
            try:
                info = entries[name].stat()  # follows a symlinked file, as reading it will
                size, mtime = info.st_size, info.st_mtime_ns
                if stat.S_ISDIR(info.st_mode):
                    continue
            except OSError:
                size = mtime = -1  # a dangling symlink: reading it reports the problem
            rel = rel_folder + name
            files[rel] = (size, mtime)
            lines.append(f"{rel}\0{size}\0{mtime}")
        if lines:
            digest.update(separator + "\n".join(lines).encode("utf-8", "surrogateescape"))
            separator = b"\n"
        # Sub-folders after the files, in name order: pushed in reverse so the first pops first.
        folders.sort(reverse=True)
        stack.extend((os.path.join(folder, name), f"{rel_folder}{name}/") for name in folders)
    return Listing(root, files, digest.hexdigest())


def encode_listing(listing: Listing) -> bytes:
    """A listing as a walk's child sends it: the length of what follows, the root, the digest
    and the length of the files, then the marshalled files. Every length is known, so an
    answer cut off (its sender killed) is told from a whole one."""
    files = marshal.dumps(listing.files)
    head = marshal.dumps((listing.root, listing.digest, len(files)))
    return len(head).to_bytes(4, "big") + head + files


def decode_listing(data: bytes) -> Listing | None:
    """The listing `encode_listing` made, or None for a cut-off or garbled one; the files
    are decoded only when asked for."""
    try:
        size = int.from_bytes(data[:4], "big")
        root, digest, files_size = marshal.loads(data[4 : 4 + size])
    except (EOFError, ValueError, TypeError):
        return None
    if not isinstance(root, str) or not isinstance(digest, str) or len(data) != 4 + size + files_size:
        return None
    return Listing(root, None, digest, encoded=data[4 + size :])


def _send(write_end: int, listing: Listing) -> None:
    with open(write_end, "wb") as out:
        out.write(encode_listing(listing))


class Walk:
    """`scan`, begun now and taken with `result()` later: a lookup walks while it imports.

    On Linux, in a process with no other thread, a forked child walks, on another core if
    there is one. A thread would not do: every `stat` gives up the GIL, and the importing
    thread keeps it for the rest of its switch interval, so the walk crawled until the imports
    were done. Elsewhere a thread walks. None from `result()` if the walk failed (the caller
    walks again, and meets the error itself)."""

    def __init__(self, content_dir: str | os.PathLike, site: Site | None = None, fork: bool | None = None) -> None:
        self._pid = 0
        self._thread: threading.Thread | None = None
        self._done: list[Listing | None] = []
        if fork is None:  # forking a process with threads could leave the child a lock no thread will free
            fork = sys.platform.startswith("linux") and threading.active_count() == 1
        if fork:
            try:
                self._fork(content_dir, site)
                return
            except OSError:  # no process to spare (RLIMIT_NPROC, a sandbox) or no descriptor: a thread
                pass
        self._thread = threading.Thread(target=self._walk, args=(content_dir, site), name="newsroom-walk")
        self._thread.daemon = True
        self._thread.start()

    def _walk(self, content_dir: str | os.PathLike, site: Site | None) -> None:
        try:
            self._done.append(scan(content_dir, site))
        except Exception:  # noqa: BLE001 - nothing found: the caller walks, and meets the error itself
            pass

    def _fork(self, content_dir: str | os.PathLike, site: Site | None) -> None:
        read_end, write_end = os.pipe2(os.O_CLOEXEC)
        try:
            pid = os.fork()
        except OSError:
            os.close(read_end)
            os.close(write_end)
            raise
        if pid == 0:  # the child: walk, send, and leave without running anything of the parent's
            status = 1
            try:
                gc.disable()  # a collection would walk (and copy) every object of the parent's
                # Off the standard streams: a parent that ends early (an error before it takes
                # the result) must not have `$(newsroom ...)` wait for this child too.
                null = os.open(os.devnull, os.O_RDWR)
                for fd in (0, 1, 2):
                    os.dup2(null, fd)
                os.close(read_end)
                _send(write_end, scan(content_dir, site))
                status = 0
            finally:
                os._exit(status)  # noqa: B012 - whatever was raised: the parent walks itself
        os.close(write_end)
        self._pid, self._read_end = pid, read_end

    def result(self) -> Listing | None:
        """The walk's listing, once it is done."""
        if self._done:
            return self._done[0]
        if self._thread is not None:
            self._thread.join()
            self._done.append(None)  # a failed walk's answer, unless the thread found one
            return self._done[0]
        with open(self._read_end, "rb") as received:
            data = received.read()
        try:
            _, status = os.waitpid(self._pid, 0)
            clean = os.waitstatus_to_exitcode(status) == 0
        except ChildProcessError:  # SIGCHLD ignored: reaped already, its status lost; the lengths vouch
            clean = True
        self._done.append(decode_listing(data) if clean else None)
        return self._done[0]


__all__ = ["Listing", "Walk", "decode_listing", "encode_listing", "scan"]
