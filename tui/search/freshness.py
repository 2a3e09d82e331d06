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
(the same attribute names), and threading and the digest load when first needed.
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


# A folder of this many files to stat is opened, and each file stat'ed by its name in it: the
# kernel looks up one name, not every folder of the full path again (a fifth less of the walk's
# time at 100,000 files in folders of hundreds). Opening and closing it costs about what eight
# lookups of a path save, so a page bundle's folder of one file is stat'ed by paths as before.
BY_DESCRIPTOR_FROM = 16
_BY_DESCRIPTOR = os.stat in os.supports_dir_fd  # (not on Windows)


def _open_folder(path: str) -> int | None:
    """A descriptor of the folder, or None (then its files are stat'ed by their paths)."""
    try:
        return os.open(path, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
    except OSError:  # gone, or no descriptor to spare: the paths meet the error, or don't
        return None


def _stat(
    rel_folder: str, names: list[str], folder: str, entries: dict | None = None, files: Files | None = None
) -> bytes:
    """The named files' lines for the digest; their sizes and mtimes put in `files` too if given.
    `folder` is the folder's full path (with a trailing separator); `entries`, its directory
    entries if at hand (a symlink's is_dir() has stat'ed it already)."""
    lines: list[str] = []
    opened = _open_folder(folder) if _BY_DESCRIPTOR and len(names) >= BY_DESCRIPTOR_FROM else None
    try:
        for name in names:
            try:
                # Each way a symlinked file is followed, as reading it will be.
                if opened is not None:
                    info = os.stat(name, dir_fd=opened)
                else:
                    info = entries[name].stat() if entries is not None else os.stat(folder + name)
                size, mtime = info.st_size, info.st_mtime_ns
                if stat.S_ISDIR(info.st_mode):
                    continue
            except OSError:
                size = mtime = -1  # a dangling symlink: reading it reports the problem
            rel = rel_folder + name
            if files is not None:
                files[rel] = (size, mtime)
            lines.append(f"{rel}\0{size}\0{mtime}")
    finally:
        if opened is not None:
            os.close(opened)
    return "\n".join(lines).encode("utf-8", "surrogateescape")


def _digest(blocks) -> str:
    """The digest of every line joined by newlines, fed a folder's lines at a time."""
    from tui.core.digests import blake2b  # (not before the walkers are forked)

    digest = blake2b(digest_size=16)
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
        _stat(rel, names, root + rel, entries, files)
        for rel, entries, names in _content_folders(root, site or DEFAULT_RULES)
    )
    digest = _digest(blocks)
    return Listing(root, files, digest)


FEED_BATCH = 1024  # names the lister gathers before it passes them on


def share_of(count: int, part: int, parts: int) -> slice:
    """Which of a folder's `count` files walker `part` of `parts` stats. The lister (part 0)
    also lists every folder, about as long as statting a third of the files, so it stats
    one share to each follower's two."""
    total = 2 * parts - 1
    start, end = (0, 1) if part == 0 else (2 * part - 1, 2 * part + 1)
    return slice(count * start // total, count * end // total)


def _answer(root: str, blocks: list, count: int) -> bytes:
    """A walker's answer: its share's digest lines, a block per folder keyed by (folder
    number, part), after a header with the root, the blocks' length and how many files. The
    lengths are in the header: an answer cut off (its sender killed) is told from a whole one."""
    blob = marshal.dumps(blocks)
    head = marshal.dumps((root, len(blob), count))
    return len(head).to_bytes(4, "big") + head + blob


def lead(content_dir: str | os.PathLike, site: Rules | None, parts: int, feeds: list) -> bytes:
    """The lister's walk: list every folder, pass each folder's content files on to the
    followers (`feeds`, binary files), and stat its own share of them. Listing happens once:
    the followers only stat."""
    root = os.path.join(os.fspath(content_dir), "")
    blocks, count, batch, batched = [], 0, [], 0
    for number, (rel, entries, names) in enumerate(_content_folders(root, site or DEFAULT_RULES)):
        if feeds:
            batch.append((rel, names))
            batched += len(names)
            if batched >= FEED_BATCH:
                _feed(feeds, batch)
                batch, batched = [], 0
        share = names[share_of(len(names), 0, parts)]
        if share:
            blocks.append(((number, 0), _stat(rel, share, root + rel, entries)))
            count += len(share)
    if batch:
        _feed(feeds, batch)
    for feed in feeds:
        feed.write(bytes(4))  # the end: a follower that never reads it was cut off
        feed.flush()
    return _answer(root, blocks, count)


def _feed(feeds: list, batch: list) -> None:
    data = marshal.dumps(batch)
    for feed in feeds:
        feed.write(len(data).to_bytes(4, "big") + data)
        feed.flush()


def _read_exactly(source, size: int) -> bytes:
    data = source.read(size)
    if len(data) != size:
        raise EOFError("the lister stopped before the end of its walk")
    return data


def follow(content_dir: str | os.PathLike, source, part: int, parts: int) -> bytes:
    """A follower's walk: stat its share of each folder's files as the lister passes them on
    (`source`, a binary file). Raises EOFError if the lister stopped before the end."""
    root = os.path.join(os.fspath(content_dir), "")
    blocks, count, number = [], 0, 0
    while size := int.from_bytes(_read_exactly(source, 4), "big"):
        for rel, names in marshal.loads(_read_exactly(source, size)):
            share = names[share_of(len(names), part, parts)]
            if share:
                blocks.append(((number, part), _stat(rel, share, root + rel)))
                count += len(share)
            number += 1
    return _answer(root, blocks, count)


def decode_parts(messages: list[bytes]) -> Listing | None:
    """The listing the walkers' answers (`lead`, `follow`) make together, or None for one
    cut off or garbled, or for answers about different roots."""
    roots, blocks, count = set(), [], 0
    for data in messages:
        try:
            size = int.from_bytes(data[:4], "big")
            root, blob_size, share = marshal.loads(data[4 : 4 + size])
            if len(data) != 4 + size + blob_size or not isinstance(root, str) or type(share) is not int:
                return None
            count += share
            received = marshal.loads(data[4 + size :])
        except (EOFError, ValueError, TypeError):
            return None
        if type(received) is not list or not all(map(_is_block, received)):
            return None
        blocks.extend(received)
        roots.add(root)
    if len(roots) != 1 or len({key for key, _ in blocks}) != len(blocks):  # (a folder's part twice)
        return None
    lines = [block for _, block in sorted(blocks)]
    return Listing(roots.pop(), None, _digest(lines), lines, count)


def _is_block(block) -> bool:
    """((folder number, part), the lines of that part of the folder), as the walkers send them."""
    return (
        type(block) is tuple
        and len(block) == 2
        and type(block[0]) is tuple
        and len(block[0]) == 2
        and type(block[0][0]) is int
        and type(block[0][1]) is int
        and type(block[1]) is bytes
    )


def _send(write_end: int, message: bytes) -> None:
    with open(write_end, "wb") as out:
        out.write(message)


def pipe_above_stdio() -> tuple[int, int]:
    """`os.pipe2(O_CLOEXEC)` with both ends above 2. A forked child puts /dev/null on 0-2 first
    thing: in a process started with its standard input or error closed (`<&-`), a pipe end
    there would be overwritten, and the child would read nothing or answer into /dev/null."""
    ends = list(os.pipe2(os.O_CLOEXEC))
    low: list[int] = []
    try:
        for index in (0, 1):
            while ends[index] <= 2:  # os.dup gives the lowest free descriptor, close-on-exec (PEP 446)
                low.append(ends[index])
                ends[index] = os.dup(ends[index])
    except OSError:
        for fd in set(ends) - set(low):
            os.close(fd)
        raise
    finally:
        for fd in low:
            os.close(fd)
    return ends[0], ends[1]


def leave_stdio(*keep: int) -> None:
    """In a forked child, first thing: no collections (one would walk, and copy, every object
    of the parent's), /dev/null on 0-2, so that `$(newsroom ...)` never waits for a child the
    parent has finished with (the pipes for it are above 2: `pipe_above_stdio`), and every
    other descriptor closed but `keep`: a pipe end of the parent's held here would keep that
    pipe from ending (a parse child waited for the end of the body, which walkers forked
    after it held open, while they waited for the lookup to read their answers)."""
    gc.disable()
    null = os.open(os.devnull, os.O_RDWR)
    for fd in (0, 1, 2):
        os.dup2(null, fd)
    try:
        held = [int(name) for name in os.listdir("/proc/self/fd")]
    except OSError:  # no /proc: every number there may be (close_range: one call on Linux 5.9+)
        low = 3
        for fd in sorted(keep):
            os.closerange(low, fd)
            low = fd + 1
        os.closerange(low, os.sysconf("SC_OPEN_MAX"))
        return
    for fd in held:
        if fd > 2 and fd not in keep:
            try:
                os.close(fd)
            except OSError:  # (the listing's own descriptor, closed already)
                pass


class Walk:
    """`scan`, begun now and taken with `result()` later: a lookup walks while it imports.

    On Linux, in a process with no other thread, forked children walk, a share each, on the
    other cores: at 100,000 files the walk outlasts the imports, and most of it is a `stat`
    per file. One child lists the folders and passes their files on to the others (`lead`,
    `follow`); each stats its share. A thread would not do: every `stat` gives up the GIL,
    and the importing thread keeps it for the rest of its switch interval, so the walk
    crawled until the imports were done. Elsewhere a thread walks, unless `thread` is false:
    then nothing does (a thread cannot be cancelled). None from `result()` if the walk failed
    or never began (the caller walks again, and meets the error itself)."""

    def __init__(
        self,
        content_dir: str | os.PathLike,
        site: Rules | None = None,
        fork: bool | None = None,
        parts: int = 0,
        thread: bool = True,
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
            feeds: list[tuple[int, int]] = []  # (read end, write end): the lister to each follower
            try:
                for _ in range(parts - 1):
                    feeds.append(pipe_above_stdio())
                for part in range(parts):
                    self._fork(content_dir, site, part, parts, feeds)
                return
            except OSError:  # no process to spare (RLIMIT_NPROC, a sandbox) or no descriptor: a thread
                self._end_children(kill=True)
            finally:
                for pipe in feeds:  # the children's now, or no one's
                    os.close(pipe[0])
                    os.close(pipe[1])
        if not thread:
            self._done.append(None)
            return
        import threading

        self._thread = threading.Thread(target=self._walk, args=(content_dir, site), name="newsroom-walk")
        self._thread.daemon = True
        self._thread.start()

    def _walk(self, content_dir: str | os.PathLike, site: Rules | None) -> None:
        try:
            self._done.append(scan(content_dir, site))
        except Exception:  # noqa: BLE001 - nothing found: the caller walks, and meets the error itself
            pass

    @staticmethod
    def _walk_part(content_dir, site: Rules | None, part: int, parts: int, feeds: list[tuple[int, int]]) -> bytes:
        """In a child: its answer. (It holds its own ends of the feeds only: a follower must see
        the end of its feed if the lister dies, not wait for it forever.)"""
        if part == 0:
            return lead(content_dir, site, parts, [open(write_end, "wb") for _, write_end in feeds])
        with open(feeds[part - 1][0], "rb") as source:
            return follow(content_dir, source, part, parts)

    @staticmethod
    def _feed_ends(part: int, feeds: list[tuple[int, int]]) -> list[int]:
        """The ends of the feeds a walker uses: the lister writes to every follower, and each
        follower reads its own."""
        return [write_end for _, write_end in feeds] if part == 0 else [feeds[part - 1][0]]

    def _fork(self, content_dir, site: Rules | None, part: int, parts: int, feeds: list[tuple[int, int]]) -> None:
        read_end, write_end = pipe_above_stdio()
        try:
            pid = os.fork()
        except OSError:
            os.close(read_end)
            os.close(write_end)
            raise
        if pid == 0:  # a child: walk, send, and leave without running anything of the parent's
            status = 1
            try:
                # (a parent may end early: an error before it takes the result; the others'
                # answers are the parent's to read)
                leave_stdio(write_end, *self._feed_ends(part, feeds))
                _send(write_end, self._walk_part(content_dir, site, part, parts, feeds))
                status = 0
            finally:
                os._exit(status)  # noqa: B012 - whatever was raised: the parent walks itself
        os.close(write_end)
        self._children.append((pid, read_end))

    def _end_children(self, kill: bool = False) -> bool:
        """Reap the children (killed first if `kill`); True if every one exited cleanly."""
        clean = True
        while self._children:  # (each taken off first: whatever is raised, none is closed twice)
            pid, read_end = self._children.pop()
            os.close(read_end)
            if kill:
                try:  # killed only while it is still ours: reaped, its pid may be another's by now
                    if os.waitpid(pid, os.WNOHANG) == (0, 0):
                        os.kill(pid, 9)  # SIGKILL (the fork path is Linux's; `signal` costs an import)
                except ChildProcessError:  # SIGCHLD ignored: the kernel reaped it when it ended
                    continue
            try:
                _, status = os.waitpid(pid, 0)
                clean = clean and os.waitstatus_to_exitcode(status) == 0
            except ChildProcessError:  # SIGCHLD ignored: reaped already, its status lost; the lengths vouch
                pass
        return clean

    @property
    def given_up(self) -> bool:
        """True once `result()` is None without waiting: cancelled, or never begun."""
        return self._done[:1] == [None]

    def cancel(self) -> None:
        """Give the walk up: forked walkers are killed and reaped (a thread runs on, unused)."""
        self._end_children(kill=True)
        if not self._done:
            self._done.append(None)

    def pending(self) -> bool:
        """Whether `result()` would wait: a walker has not begun to send its answer yet (each
        sends it whole, at its end), or the walking thread still runs."""
        if self._done:
            return False
        if self._thread is not None:
            return self._thread.is_alive()
        import select

        poll = select.poll()  # (not select.select: it refuses a descriptor past 1023)
        for _, read_end in self._children:
            poll.register(read_end, select.POLLIN)
        return len(poll.poll(0)) < len(self._children)  # (readable, or its writer gone)

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


__all__ = ["Listing", "Walk", "decode_parts", "follow", "lead", "leave_stdio", "pipe_above_stdio", "scan", "share_of"]
