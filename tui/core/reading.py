"""Which articles a reader has read, and which they saved, for one newsroom.

Kept in the user state dir (or `--state-dir`), one folder per content dir, so
two newsrooms never mix their ids:

    reading-<digest>/snapshot   a header line, the saved articles, then one read id a line
    reading-<digest>/journal    changes since the snapshot, one a line, appended

Why a snapshot and a journal: a newsroom of 100,000 articles has up to
100,000 read ids (~4 MB). A plain list of lines loads with one split and one
set (docs/BENCHMARKS.md, "Read state"), but rewriting it on every `m` could
not take a few milliseconds; so a change is one line appended to the journal
(O_APPEND: each write lands whole, even with two apps at once), and once the
journal grows long it is folded into a new snapshot, written to a temp file,
fsync'd and renamed over the old one. A lock file keeps appends and folding
apart, so two apps (two SSH sessions of one key) never lose each other's
changes. A crash between the rename and emptying the journal is harmless:
replaying a journal on a snapshot that holds it already changes nothing.

Ids are looked up, never shown; article ids cannot hold tabs, line breaks or
control characters (the loader cleans them), so lines and tabs delimit.
Like the rest of the state, this is a nicety: a missing or damaged file reads
as empty, and a failed write is logged, never raised.

Not thread-safe for the sets: change them on one thread (the UI's); only
`flush()` and `compact()` may run in a worker, and they touch the files only.
"""

from __future__ import annotations

import contextlib
import logging
import os
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

from tui.core.digests import sha256
from tui.core.durable import replace_file
from tui.core.user_dirs import state_dir as user_state_dir

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows: one app at a time
    fcntl = None  # type: ignore[assignment]

log = logging.getLogger(__name__)

MAGIC = "newsroom-reading"
VERSION = "1"
SNAPSHOT, JOURNAL, LOCK = "snapshot", "journal", "lock"
COMPACT_AFTER = 2000  # journal lines before they are folded into the snapshot
MAX_FILE_BYTES = 256 * 1024 * 1024  # anything bigger is not ours

READ, UNREAD, SAVED, UNSAVED = "r", "u", "s", "x"


def reading_dir(content_dir: Path, state_dir: Path | None = None) -> Path:
    """The folder of one content dir's reading state: one per resolved path."""
    digest = sha256(str(Path(content_dir).resolve()).encode("utf-8", "surrogateescape")).hexdigest()[:16]
    base = Path(state_dir) if state_dir is not None else Path(user_state_dir())
    return base / f"reading-{digest}"


def _usable(article_id: str) -> bool:
    return bool(article_id) and "\n" not in article_id and "\t" not in article_id


class ReadingState:
    """Read ids and saved ids (with when they were saved), in memory and, given a folder, on disk."""

    def __init__(self, folder: Path | None = None) -> None:
        self.folder = folder  # None: kept for this run only (a kiosk, an anonymous visitor)
        self.read: set[str] = set()
        self.saved: dict[str, float] = {}
        self._pending: list[str] = []  # journal lines not yet written
        self._pending_lock = threading.Lock()
        self._file_lock = threading.Lock()  # one writer in this process at a time
        self._journal_lines = 0

    @classmethod
    def open(cls, folder: Path | None) -> ReadingState:
        state = cls(folder)
        state.load()
        return state

    # --- reading and changing -----------------------------------------------------

    def is_read(self, article_id: str) -> bool:
        return article_id in self.read

    def is_saved(self, article_id: str) -> bool:
        return article_id in self.saved

    def set_read(self, article_ids: Iterable[str], read: bool = True) -> list[str]:
        """Mark articles read (or unread); returns those whose state changed."""
        changed = [i for i in dict.fromkeys(article_ids) if _usable(i) and (i in self.read) != read]
        if read:
            self.read.update(changed)
        else:
            self.read.difference_update(changed)
        self._record(f"{READ if read else UNREAD}\t{i}" for i in changed)
        return changed

    def set_saved(self, article_id: str, saved: bool = True, at: float | None = None) -> bool:
        """Save (or unsave) an article; False if it already was (or was not)."""
        if not _usable(article_id) or (article_id in self.saved) == saved:
            return False
        if saved:
            at = time.time() if at is None else at
            self.saved[article_id] = at
            self._record([f"{SAVED}\t{article_id}\t{at!r}"])
        else:
            del self.saved[article_id]
            self._record([f"{UNSAVED}\t{article_id}"])
        return True

    def saved_newest_first(self) -> list[str]:
        return sorted(self.saved, key=lambda article_id: self.saved[article_id], reverse=True)

    def _record(self, lines: Iterable[str]) -> None:
        if self.folder is None:
            return
        with self._pending_lock:
            self._pending.extend(lines)

    @property
    def unsaved_changes(self) -> bool:
        return bool(self._pending)

    # --- the files ------------------------------------------------------------------

    def load(self) -> None:
        """Read the files; changes made meanwhile in this process are kept on top."""
        if self.folder is None:
            return
        read, saved, lines = _read_files(self.folder)
        with self._pending_lock:
            pending = list(self._pending)
        _replay(pending, read, saved)
        self.read, self.saved, self._journal_lines = read, saved, lines

    def flush(self) -> bool:
        """Append the changes made since the last flush to the journal (safe from a worker).
        Folds the journal into the snapshot once it is long. False if a write failed."""
        if self.folder is None:
            return True
        with self._file_lock:
            with self._pending_lock:
                lines, self._pending = self._pending, []
            if not lines:
                return True
            try:
                self.folder.mkdir(parents=True, exist_ok=True, mode=0o700)
                with _locked(self.folder):
                    fd = os.open(self.folder / JOURNAL, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
                    try:
                        os.write(fd, ("\n".join(lines) + "\n").encode("utf-8"))
                    finally:
                        os.close(fd)
                    self._journal_lines += len(lines)
                    if self._journal_lines > COMPACT_AFTER:
                        self._compact_locked(None)
            except OSError as error:
                log.warning("could not save reading state in %s: %s", self.folder, error)
                return False
            return True

    def compact(self, keep: Callable[[str], bool] | None = None) -> bool:
        """Fold the journal into a new snapshot, dropping ids `keep` rejects (articles
        that are gone). Works from the files, so other apps' changes are kept."""
        if self.folder is None:
            return True
        if not self.flush():
            return False
        with self._file_lock:
            try:
                with _locked(self.folder):
                    self._compact_locked(keep)
            except OSError as error:
                log.warning("could not save reading state in %s: %s", self.folder, error)
                return False
        return True

    def tidy(self, keep: Callable[[str], bool]) -> bool:
        """`compact(keep)`, but only if some id is to be dropped (safe from a worker)."""
        if self.folder is None:
            return True
        read, saved = self.read.copy(), self.saved.copy()  # one step each: the UI may change them meanwhile
        if all(map(keep, read)) and all(map(keep, saved)):
            return True
        return self.compact(keep)

    def _compact_locked(self, keep: Callable[[str], bool] | None) -> None:
        assert self.folder is not None
        read, saved, _ = _read_files(self.folder)
        if keep is not None:
            read = {i for i in read if keep(i)}
            saved = {i: at for i, at in saved.items() if keep(i)}
        _write_snapshot(self.folder, read, saved)
        with contextlib.suppress(FileNotFoundError):
            os.truncate(self.folder / JOURNAL, 0)  # in place: another app's open journal stays valid
        self._journal_lines = 0


# --- file format ----------------------------------------------------------------------


def _read_text(path: Path) -> str:
    with path.open("rb") as file:
        data = file.read(MAX_FILE_BYTES + 1)
    if len(data) > MAX_FILE_BYTES:
        raise ValueError("file too large")
    return data.decode("utf-8")


def _read_files(folder: Path) -> tuple[set[str], dict[str, float], int]:
    """(read ids, saved ids with their times, journal lines) from a folder; empty if unusable."""
    read: set[str] = set()
    saved: dict[str, float] = {}
    try:
        text = _read_text(folder / SNAPSHOT)
        read, saved = _parse_snapshot(text)
    except FileNotFoundError:
        pass
    except (OSError, ValueError) as error:  # ValueError covers bad UTF-8 and a bad header
        log.warning("ignoring reading state %s: %s", folder / SNAPSHOT, error)
    try:
        journal = _read_text(folder / JOURNAL)
    except FileNotFoundError:
        return read, saved, 0
    except (OSError, ValueError) as error:
        log.warning("ignoring reading journal %s: %s", folder / JOURNAL, error)
        return read, saved, 0
    lines = journal.split("\n")[:-1]  # a last line without its newline was cut short: skip it
    _replay(lines, read, saved)
    return read, saved, len(lines)


def _parse_snapshot(text: str) -> tuple[set[str], dict[str, float]]:
    header, _, body = text.partition("\n")
    parts = header.split(" ")
    if len(parts) != 3 or parts[0] != MAGIC or parts[1] != VERSION or not parts[2].isdigit():
        raise ValueError(f"not a reading-state snapshot (header {header[:40]!r})")
    count = int(parts[2])
    lines = body.split("\n")
    saved: dict[str, float] = {}
    for line in lines[:count]:
        at, _, article_id = line.partition("\t")
        saved[article_id] = float(at)
    read = set(lines[count:])  # one split and one set: this is what loads 100,000 ids quickly
    read.discard("")
    return read, saved


def _replay(lines: Iterable[str], read: set[str], saved: dict[str, float]) -> None:
    for line in lines:
        op, _, rest = line.partition("\t")
        if op == READ:
            read.add(rest)
        elif op == UNREAD:
            read.discard(rest)
        elif op == SAVED:
            article_id, _, at = rest.partition("\t")
            try:
                saved[article_id] = float(at)
            except ValueError:
                continue
        elif op == UNSAVED:
            saved.pop(rest, None)


def _write_snapshot(folder: Path, read: set[str], saved: dict[str, float]) -> None:
    lines = [f"{MAGIC} {VERSION} {len(saved)}"]
    lines += [f"{at!r}\t{article_id}" for article_id, at in saved.items()]
    lines += sorted(read)
    replace_file(folder / SNAPSHOT, "\n".join(lines) + "\n", ".snapshot-")


@contextlib.contextmanager
def _locked(folder: Path) -> Iterator[None]:
    """An exclusive lock on the folder, across processes (none where flock is missing)."""
    if fcntl is None:  # pragma: no cover
        yield
        return
    fd = os.open(folder / LOCK, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)  # closing releases the lock


__all__ = ["ReadingState", "reading_dir"]
