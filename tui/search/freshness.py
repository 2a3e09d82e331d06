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

A lookup may fork its walkers before importing anything else (search/head_start.py),
so this module imports next to nothing: a walk takes `WalkRules` or a `Site` alike
(the same attribute names), and threading and hashlib load when first needed.
"""

from __future__ import annotations

import gc
import marshal
import os
import stat
import sys

from tui.core.walk_rules import CONTENT_SUFFIXES, DEFAULT_RULES, is_index_name, walk_roots

TYPE_CHECKING = False  # (typing itself costs a lookup milliseconds)
if TYPE_CHECKING:
    from collections.abc import Iterator

    from tui.core.site import Site
    from tui.core.walk_rules import WalkRules

    Rules = Site | WalkRules

_SUFFIXES = tuple(CONTENT_SUFFIXES)
Files = dict[str, tuple[int, int]]


class Listing:
    """A walk's result: the digest, and the files it covers (when the walk came from other
    processes, read from the digest's lines only when asked for: a fresh index needs the
    digest alone)."""

    __slots__ = ("_files", "_lines", "count", "digest", "root")

    def __init__(self, root: str, files: Files | None, digest: str, lines: list[bytes] | None = None, count: int = 0):
        self.root = root  # the content dir with a trailing separator: a file's full path is this plus its relative path
        self.digest = digest
        self.count = len(files) if files is not None else count  # how many files
        self._files = files
        self._lines = lines or []  # when files is None: the digest's lines, a block of them at a time

    @property
    def files(self) -> Files:
        """Relative POSIX path -> (size, mtime_ns); -1: cannot stat. In walk order."""
        if self._files is None:
            self._files = {}
            for block in self._lines:
                _read_lines(block, self._files)
            self._lines = []
        return self._files

    def path(self, rel: str) -> str:
        """The full path of a listed file."""
        return self.root + rel


def _read_lines(block: bytes, files: Files) -> None:
    """The files of a block of digest lines ("path\0size\0mtime", joined by newlines). A
    path may hold a newline but no NUL, and a size or an mtime neither: split at the NULs,
    each piece but the ends is an mtime, a newline, and the next path."""
    pieces = block.decode("utf-8", "surrogateescape").split("\0")
    rel = pieces[0]
    for at in range(1, len(pieces) - 1, 2):
        mtime, _, following = pieces[at + 1].partition("\n")
        files[rel] = (int(pieces[at]), int(mtime))
        rel = following


def _content_folders(root: str, rules: Rules) -> Iterator[tuple[str, dict[str, os.DirEntry], list[str]]]:
    """Each folder with content files, in walk order: its path relative to the root (with a
    trailing "/"), its entries by name, and its content files' names in name order."""
    keep = rules.walk_underscored
    languages = rules.languages
    # (folder, its path relative to the root), the first to pop last
    tops = [(os.path.join(root, top), f"{top}/" if top else "") for top in walk_roots(rules.language_dirs)]
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
            bundle = [name for name in names if name.startswith("index") and is_index_name(name, languages)]
            if bundle:
                names, folders = bundle, []  # a leaf bundle: the rest is its resources
        # Sub-folders after the files, in name order: pushed in reverse so the first pops first.
        folders.sort(reverse=True)
        stack.extend((os.path.join(folder, name), f"{rel_folder}{name}/") for name in folders)
        if names:
            yield rel_folder, entries, names


def _stat(rel_folder: str, entries: dict[str, os.DirEntry], names: list[str], files: Files | None = None) -> bytes:
    """The named files' lines for the digest; their sizes and mtimes put in `files` too if given."""
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
        if files is not None:
            files[rel] = (size, mtime)
        lines.append(f"{rel}\0{size}\0{mtime}")
    return "\n".join(lines).encode("utf-8", "surrogateescape")


def _digest(blocks) -> str:
    """The digest of every line joined by newlines, fed a folder's lines at a time."""
    import hashlib  # (2 ms of OpenSSL: not before the walkers are forked)

    digest = hashlib.blake2b(digest_size=16)
    separator = b""
    for block in blocks:
        if block:
            digest.update(separator + block)
            separator = b"\n"
    return digest.hexdigest()


def scan(content_dir: str | os.PathLike, site: Rules | None = None) -> Listing:
    """Walk the content dir once: its content files and their digest.

    At 100,000 files the listing is what the app holds at its high-water mark, beside the
    newsroom: no full paths are kept (root + relative path is one), and the digest is fed
    folder by folder instead of from one joined copy of every line.
    """
    root = os.path.join(os.fspath(content_dir), "")
    files: Files = {}
    blocks = (
        _stat(rel, entries, names, files) for rel, entries, names in _content_folders(root, site or DEFAULT_RULES)
    )
    digest = _digest(blocks)
    return Listing(root, files, digest)


def encode_part(content_dir: str | os.PathLike, site: Rules | None, part: int, parts: int) -> bytes:
    """One of `parts` walkers' share of a walk, as its process sends it. Every walker lists
    every folder (the cheaper part), and stats the part-th of the content files of each (the
    bulk of the work: a `stat` a file), so the work is shared however the files are spread.
    Sent: the root, a digest of the folders and files listed (the walkers must have listed
    the same), then its share's digest lines, a block per folder, each keyed by (folder, part).
    The lengths are in the header: an answer cut off (its sender killed) is told from a whole one."""
    import hashlib

    root = os.path.join(os.fspath(content_dir), "")
    listed = hashlib.blake2b(digest_size=16)
    blocks = []
    count = 0
    for number, (rel, entries, names) in enumerate(_content_folders(root, site or DEFAULT_RULES)):
        listed.update("\0".join([rel, *names, ""]).encode("utf-8", "surrogateescape"))
        share = names[len(names) * part // parts : len(names) * (part + 1) // parts]
        if share:
            blocks.append(((number, part), _stat(rel, entries, share)))
            count += len(share)
    blob = marshal.dumps(blocks)
    head = marshal.dumps((root, listed.hexdigest(), len(blob), count))
    return len(head).to_bytes(4, "big") + head + blob


def decode_parts(messages: list[bytes]) -> Listing | None:
    """The listing the walkers' messages (`encode_part`) make together, or None for one cut
    off or garbled, or for walkers that listed different files (a change mid-walk)."""
    heads, blocks, count = set(), [], 0
    for data in messages:
        try:
            size = int.from_bytes(data[:4], "big")
            head = marshal.loads(data[4 : 4 + size])
            root, listed, blob_size, share = head
            if len(data) != 4 + size + blob_size or not isinstance(root, str) or type(share) is not int:
                return None
            count += share
            blocks.extend(marshal.loads(data[4 + size :]))
        except (EOFError, ValueError, TypeError):
            return None
        heads.add((root, listed))
    try:
        lines = [block for _, block in sorted(blocks)]
        digest = _digest(lines)
    except TypeError:  # not (key, bytes) pairs
        return None
    if len(heads) != 1:
        return None
    return Listing(root, None, digest, lines, count)


def _send(write_end: int, message: bytes) -> None:
    with open(write_end, "wb") as out:
        out.write(message)


class Walk:
    """`scan`, begun now and taken with `result()` later: a lookup walks while it imports.

    On Linux, in a process with no other thread, forked children walk, a share each, on the
    other cores: at 100,000 files the walk outlasts the imports, and most of it is a `stat`
    per file. A thread would not do: every `stat` gives up the GIL, and the importing
    thread keeps it for the rest of its switch interval, so the walk crawled until the
    imports were done. Elsewhere a thread walks. None from `result()` if the walk failed (the
    caller walks again, and meets the error itself)."""

    def __init__(
        self, content_dir: str | os.PathLike, site: Rules | None = None, fork: bool | None = None, parts: int = 0
    ) -> None:
        self._children: list[tuple[int, int]] = []  # (pid, read end of its pipe)
        self._thread = None
        self._done: list[Listing | None] = []
        if fork is None:  # forking a process with threads could leave the child a lock no thread will free
            # (threading not imported yet: no thread started but the main one)
            threading = sys.modules.get("threading")
            fork = sys.platform.startswith("linux") and (threading is None or threading.active_count() == 1)
        if fork:
            parts = parts or min(2, os.cpu_count() or 1)
            try:
                for part in range(parts):
                    self._fork(content_dir, site, part, parts)
                return
            except OSError:  # no process to spare (RLIMIT_NPROC, a sandbox) or no descriptor: a thread
                self._end_children(kill=True)
        import threading

        self._thread = threading.Thread(target=self._walk, args=(content_dir, site), name="newsroom-walk")
        self._thread.daemon = True
        self._thread.start()

    def _walk(self, content_dir: str | os.PathLike, site: Rules | None) -> None:
        try:
            self._done.append(scan(content_dir, site))
        except Exception:  # noqa: BLE001 - nothing found: the caller walks, and meets the error itself
            pass

    def _fork(self, content_dir: str | os.PathLike, site: Rules | None, part: int, parts: int) -> None:
        read_end, write_end = os.pipe2(os.O_CLOEXEC)
        try:
            pid = os.fork()
        except OSError:
            os.close(read_end)
            os.close(write_end)
            raise
        if pid == 0:  # a child: walk, send, and leave without running anything of the parent's
            status = 1
            try:
                gc.disable()  # a collection would walk (and copy) every object of the parent's
                # Off the standard streams: a parent that ends early (an error before it takes
                # the result) must not have `$(newsroom ...)` wait for this child too.
                null = os.open(os.devnull, os.O_RDWR)
                for fd in (0, 1, 2):
                    os.dup2(null, fd)
                os.close(read_end)
                _send(write_end, encode_part(content_dir, site, part, parts))
                status = 0
            finally:
                os._exit(status)  # noqa: B012 - whatever was raised: the parent walks itself
        os.close(write_end)
        self._children.append((pid, read_end))

    def _end_children(self, kill: bool = False) -> bool:
        """Reap the children (killed first if `kill`); True if every one exited cleanly."""
        clean = True
        for pid, read_end in self._children:
            os.close(read_end)
            if kill:
                os.kill(pid, 9)  # SIGKILL (the fork path is Linux's; `signal` costs an import)
            try:
                _, status = os.waitpid(pid, 0)
                clean = clean and os.waitstatus_to_exitcode(status) == 0
            except ChildProcessError:  # SIGCHLD ignored: reaped already, its status lost; the lengths vouch
                pass
        self._children = []
        return clean

    def cancel(self) -> None:
        """Give the walk up: forked walkers are killed and reaped (a thread runs on, unused)."""
        self._end_children(kill=True)
        if not self._done:
            self._done.append(None)

    def result(self) -> Listing | None:
        """The walk's listing, once it is done."""
        if self._done:
            return self._done[0]
        if self._thread is not None:
            self._thread.join()
            self._done.append(None)  # a failed walk's answer, unless the thread found one
            return self._done[0]
        messages = []
        for _, read_end in self._children:
            with open(read_end, "rb", closefd=False) as received:
                messages.append(received.read())
        clean = self._end_children()
        self._done.append(decode_parts(messages) if clean else None)
        return self._done[0]


__all__ = ["Listing", "Walk", "decode_parts", "encode_part", "scan"]
