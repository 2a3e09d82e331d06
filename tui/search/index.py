"""The persistent search index: one SQLite file per content directory.

The index remembers, per content file, its size and mtime, the article's
metadata (or the file's problems) and its title and body text, so a warm start
rebuilds the `Newsroom` without opening a single content file, and `refresh()`
re-reads only files whose size or mtime changed.

Search is script-, case- and width-blind (see normalize.py). Folded text is
stored in a contentless FTS5 table (`ascii` tokenizer, where every non-ASCII
character is a token character) as one token per character. A query term is
the phrase of its characters, which FTS5 matches where the folded text
contains it. Measured on 10k generated articles (docs/BENCHMARKS.md), and
chosen over the alternatives:
  - overlapping bigrams: ~500k distinct terms made building 3x slower and the
    index twice the size, and one-character queries became slow prefix scans;
  - the built-in `trigram` tokenizer: cannot answer two-character queries such
    as 質量, the most common kind in Chinese, without a full scan.
Pinyin (see pinyin.py): a third column, `py`, holds per article the distinct
pinyin tokens of its title and lead (the first PINYIN_LEAD folded characters
of the body): each hanzi's syllables and initials, each adjacent pair's
syllable pairs and initial pairs. Latin query terms are also looked up there
and verified with `Pinyin.search`, in a pass after the plain passes, so plain
matches always come first and a flood of pinyin matches stops at the LIMIT.
Whole bodies were measured and left out (docs/BENCHMARKS.md): 10k articles
made 2,100 tokens each and the build several times slower, against ~700 for
title and lead; a lead is where a story names what it is about.

Row ids follow the article date, so FTS5 returns matches newest first and
stops at the LIMIT instead of sorting every match. Candidates are verified on
the folded text (exact substring), so results never depend on tokenizer
corner cases (ASCII symbols, which the tokenizer drops).

The journal is the classic rollback one, not WAL: WAL writes every page twice
(cold build of 10k articles: 8.9 s wall with DELETE against 13 s with WAL,
same CPU), and its -wal and -shm files go with the path, so a file renamed
into place would meet the old file's. Readers wait out a writer's commit
(BUSY_TIMEOUT); a whole build goes to a new file that no reader waits on.

The cache is disposable and shared (sharing.py): a damaged or old-version
index is rebuilt beside the old file and renamed into place, never deleted
under another process; an unusable cache dir falls back to an in-memory
index. Nothing here is ever fatal: damage found while searching raises
IndexDamaged, so the caller can say so and search its loaded articles
(scan.py) while `update()` rebuilds.

Thread safety: one connection (check_same_thread=False) guarded by a lock.
`refresh()` may run in one worker thread while `search()` runs in another;
refresh parses files outside the lock and holds it only to write a batch, so
a search waits at most one batch (about 256 files). Two refreshes never
overlap (the second waits).

For a fast first paint, show `latest()` (the newest articles, one query),
then build the full `newsroom()` or `refresh()` in a worker.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import json
import os
import re
import sqlite3
import sys
import threading
import urllib.parse
from collections import OrderedDict
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from tui.chinese.normalize import LazyFold, find_all, fold, fold_stamp, fold_text, tokens
from tui.chinese.pinyin_format import PINYIN_VERSION
from tui.core import loader
from tui.core.config import Config, for_content_dir
from tui.core.loader import ProgressCallback
from tui.core.model import Article, Details, LazyArticle, Newsroom, Problem
from tui.core.records import field, record, replace
from tui.core.text import clean, is_utf8
from tui.core.versions import package_version
from tui.search.freshness import Listing, scan
from tui.search.sharing import (
    SCHEMA_VERSION,
    SwapLock,
    build_path,
    default_path,
    file_identity,
    is_regular_file,
    remove_abandoned_builds,
    remove_other_versions,
    writer_lock,
)

if TYPE_CHECKING:
    from tui.chinese.pinyin import Pinyin
    from tui.search.query import Query, Term

BUSY_TIMEOUT = 60.0  # seconds a reader or writer waits for another process's lock before giving up
BATCH = 256  # files per write transaction: short enough for a search to wait on
# An update that re-reads more than this share of the files (and at least REBUILD_MIN)
# builds a new file instead of rewriting the old one in place.
REBUILD_SHARE = 0.5
REBUILD_MIN = 100
PARALLEL_FILES = 2000  # fewer files than this are read in-process: a worker takes ~0.5 s to start
MAX_WORKERS = 4
SNIPPET_BEFORE = 16  # characters of context before the first match
SNIPPET_LENGTH = 80
SNIPPET_EXCERPT = 600  # characters either side of a match read as Markdown for a plain snippet
_BLANK_LINE = re.compile(r"\n[ \t]*\n")
PINYIN_LEAD = 60  # folded characters of the body whose pinyin is indexed (see above)
_PINYIN_TRIES = 4  # matches per term checked for one in context, title first
_UNDATED = 1e300  # sorts after every real date, like Article.sort_key's +inf
_TAG_SEP = "\x1f"
_ROWID_BITS = 20  # low bits of a row id: a counter among files with the same timestamp
_ROWID_SPAN = 1 << _ROWID_BITS
_MAX_ROWID = (1 << 62) - 1


@functools.lru_cache(maxsize=1)
def _fold_stamp() -> str:
    """What stored tokens depend on: folding, the pinyin readings and how much is indexed.
    Versions are read off the installed packages, never by importing them."""
    return f"{fold_stamp()}/{PINYIN_VERSION}/{PINYIN_LEAD}/{package_version('pypinyin')}"


_SCHEMA = f"""
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE files (
    id INTEGER NOT NULL UNIQUE,      -- the FTS rowid, ordered by date (see _store); not the
                                     -- table's own rowid, so inserts still append
    path TEXT NOT NULL UNIQUE,       -- relative to the content dir, POSIX
    walk TEXT NOT NULL,              -- sorts like loader.iter_content_files (see _walk_key)
    size INTEGER NOT NULL,
    mtime_ns INTEGER NOT NULL,
    problems TEXT,                   -- JSON [[line, message, severity], ...]; NULL: none
    article_id TEXT,                 -- NULL: the file gave no article
    section TEXT, title TEXT, subtitle TEXT, byline TEXT, source TEXT,
    caption TEXT, summary TEXT,
    tags TEXT,                       -- {_TAG_SEP!r}-separated
    glossary TEXT,                   -- JSON [[phrase, replacement], ...]; NULL: none
    body_line INTEGER,
    date TEXT,                       -- ISO text
    date_kind TEXT,                  -- 'date', 'datetime' or NULL
    day TEXT,                        -- YYYY-MM-DD, for since:/until:
    sort_stamp REAL,                 -- Article.sort_key's first item
    tags_folded TEXT,                -- {_TAG_SEP!r}-separated, with one at each end
    byline_folded TEXT,
    body TEXT,                       -- cleaned body as search keeps it (shown_text), for verifying and snippets
    site TEXT                        -- loader.site_record: static-site fields (JSON); NULL: none
);
CREATE INDEX files_section ON files (section);
CREATE VIRTUAL TABLE fts USING fts5(title, body, py, content='', columnsize=0, tokenize='ascii');
"""


@record(frozen=True)
class Hit:
    """One search result, ready to show."""

    article_id: str
    tier: int  # 0: every term is in the title; 1: otherwise (ranked below)
    where: tuple[str, ...]  # fields holding a match: ("title",), ("body",) or both
    # A window of the original body, one line; None if not made yet (`search`'s `snippets`).
    # Its matches are not kept: the app and the printer mark them again in the text as shown.
    snippet: str | None
    # Why a pinyin match matched: the characters as written and their pinyin,
    # "質量 zhìliàng" (several terms: two spaces apart); "" for a plain match.
    pinyin: str = ""
    # 0: every term matched as typed; 1: some by pinyin, in the reading the
    # context gives (pypinyin's phrases); 2: some only by another reading.
    pinyin_rank: int = 0
    row: int = field(default=0, compare=False, repr=False)  # the index row it was found in, to find it again


class IndexUnavailable(Exception):
    """The index cannot answer now: search the loaded articles instead (scan.py)."""


class IndexDamaged(IndexUnavailable):
    """The index file is damaged: `update(rebuild=True)` builds a new one beside it."""


class IndexBusy(IndexUnavailable):
    """Another process kept the index locked for longer than the busy timeout."""


class Note(str):
    """What recovery did, in words fit for anyone (no paths: a kiosk visitor may
    read them); `detail` adds the paths and errors, for the operator."""

    detail: str

    def __new__(cls, text: str, detail: str = "") -> Note:
        note = super().__new__(cls, text)
        note.detail = detail
        return note

    @property
    def full(self) -> str:
        return f"{self} ({self.detail})" if self.detail else str(self)


def _busy(error: Exception) -> bool:
    """SQLite's "database is locked" and friends: wait and retry, never damage."""
    return isinstance(error, sqlite3.OperationalError) and ("locked" in str(error) or "busy" in str(error))


class SearchIndex:
    """A content dir's articles and their search index, kept in SQLite.

    The file is shared with other processes as sharing.py describes. `_state`
    says what `_db` is: "ok" (the index file at `path`), "building" (a new
    file this process is filling), "memory" (no file: the cache dir is
    unusable), or no usable file yet — "missing", "stale" (another version's)
    or "damaged" — where `_db` is an empty placeholder until `update()` builds.
    """

    def __init__(self, config: Config, path: Path | None):
        self.config = config
        self.content_dir = Path(config.content_dir)
        self._root = os.path.join(str(self.content_dir), "")  # article paths are this plus the relative path
        self.path = path  # None: in memory
        self.notes: list[Note] = []  # what recovery did, for a status line or log
        self._lock = threading.RLock()  # guards the connection
        self._refreshing = threading.Lock()  # one refresh at a time
        self._state = "memory"
        self._identity: tuple[int, int] | None = None  # the file _db reads, while "ok"
        self._seen: tuple[int, int] | None = None  # the file at the path when last looked at
        self._damaged: tuple[int, int] | None = None  # a file found damaged while in use
        self._reading_depth = 0
        self._swap: SwapLock | None = None
        self._db = self._connect()

    # -- opening and recovering -------------------------------------------

    @classmethod
    def open(cls, source: Config | str | os.PathLike, path: str | os.PathLike | None = None) -> SearchIndex:
        """Open the index for a Config or a content dir (building nothing yet: see `update`)."""
        config = source if isinstance(source, Config) else for_content_dir(Path(source))
        return cls(config, Path(path) if path is not None else default_path(config.content_dir))

    @property
    def in_memory(self) -> bool:
        """True if there is no index file (the cache dir is unusable): every process builds its own."""
        return self.path is None

    @property
    def ready(self) -> bool:
        """True if the index holds a complete build to answer from."""
        return self._state in ("ok", "memory")

    def _note(self, text: str, detail: str = "") -> None:
        self.notes.append(Note(text, detail))

    def _connect(self) -> sqlite3.Connection:
        if self.path is not None:
            try:
                self.path.parent.mkdir(parents=True, exist_ok=True)
                self._swap = SwapLock(self.path)
                self._swap.shared()
                try:
                    self._attach()
                finally:
                    self._swap.release()
                return self._db
            except OSError as error:
                self._note(
                    "the search index cannot be kept on disk; using a memory index",
                    f"cannot use {self.path.parent}: {error.strerror or error}",
                )
                if self._swap is not None:
                    self._swap.close()
                    self._swap = None
            self.path = None
        self._state = "memory"
        return self._placeholder()

    def _placeholder(self) -> sqlite3.Connection:
        db = sqlite3.connect(":memory:", check_same_thread=False)
        self._create(db)
        return db

    def _open_file(self, path: Path) -> sqlite3.Connection:
        if not is_regular_file(path):  # a FIFO there would have SQLite wait for a writer
            raise sqlite3.DatabaseError("not a regular file")
        # mode=rw: a missing file is an error, never an empty database made at the path.
        uri = "file:" + urllib.parse.quote(str(path)) + "?mode=rw"
        db = sqlite3.connect(uri, uri=True, check_same_thread=False, timeout=BUSY_TIMEOUT)
        db.execute("PRAGMA synchronous=OFF")  # a cache: a file damaged by a crash is found and rebuilt
        return db

    def _attach(self) -> None:
        """Point `_db` at the file now at `path` (or a placeholder if it is missing or unusable).

        Called holding the swap lock or the writer lock: either way the file at
        the path cannot be swapped meanwhile.
        """
        assert self.path is not None
        identity = file_identity(self.path)
        news = identity != self._seen  # say what is wrong with a file once, not on every look
        db = None
        state = "missing"
        if identity is not None:
            try:
                db = self._open_file(self.path)
                if self._usable(db):
                    state = "ok"
                else:
                    state = "stale"
                    if news:
                        self._note("the search index is from another version; it will be rebuilt", str(self.path))
            except sqlite3.DatabaseError as error:
                if db is not None:
                    db.close()
                if _busy(error):
                    raise IndexBusy(str(error)) from error
                state = "damaged"
                if news:
                    self._note("the search index is damaged; it will be rebuilt", f"{self.path}: {error}")
            if state != "ok" and db is not None:
                db.close()
                db = None
        old = getattr(self, "_db", None)
        self._db = db if db is not None else self._placeholder()
        self._state = state
        self._seen = identity
        self._identity = identity if state == "ok" else None
        if self._damaged != identity:
            self._damaged = None
        if old is not None:
            old.close()

    def _resolved_dir(self) -> str:
        """The content dir's resolved path as stored text: a byte no UTF-8 decodes (a folder
        named in GBK) as a backslash escape, not a crash storing it."""
        return os.fsencode(self.content_dir.resolve()).decode("utf-8", "backslashreplace")

    def _usable(self, db: sqlite3.Connection) -> bool:
        """False if the file holds another version's index (raises if it is no index at all)."""
        version = db.execute("PRAGMA user_version").fetchone()[0]
        if version != SCHEMA_VERSION:
            if version == 0 and not db.execute("SELECT 1 FROM sqlite_master LIMIT 1").fetchone():
                raise sqlite3.DatabaseError("empty file")  # truncated, or never finished
            return False
        meta = dict(db.execute("SELECT key, value FROM meta"))
        if (
            meta.get("fold") != _fold_stamp()
            or meta.get("content_dir") != self._resolved_dir()
            or meta.get("layout") != loader.layout_stamp(self.config)
        ):
            return False
        db.execute("SELECT count(*) FROM files").fetchone()  # touches the tables: garbage fails here
        return True

    def _create(self, db: sqlite3.Connection) -> None:
        with db:
            db.executescript(_SCHEMA)
            db.executemany(
                "INSERT INTO meta VALUES (?, ?)",
                [
                    ("fold", _fold_stamp()),
                    ("content_dir", self._resolved_dir()),
                    ("layout", loader.layout_stamp(self.config)),
                ],
            )
            db.execute(f"PRAGMA user_version={SCHEMA_VERSION}")

    @contextlib.contextmanager
    def _reading(self):
        """The connection, for reading: the file at the path, swapped to if another
        process renamed a new one into place (see sharing.py). Raises IndexDamaged
        while the file in use is known to be damaged."""
        with self._lock:
            outermost = self._reading_depth == 0
            if outermost and self._swap is not None and self._state != "building":
                self._swap.shared()
            try:
                if outermost and self._swap is not None and self._state != "building":
                    identity = file_identity(self.path)  # type: ignore[arg-type]
                    if identity != self._seen:
                        self._attach()
                    if self._damaged is not None and self._damaged == identity:
                        raise IndexDamaged("the search index is damaged")
                self._reading_depth += 1
                try:
                    yield self._db
                except sqlite3.DatabaseError as error:
                    raise self._failed(error) from error
                finally:
                    self._reading_depth -= 1
            finally:
                if outermost and self._swap is not None:
                    self._swap.release()

    def _failed(self, error: sqlite3.DatabaseError) -> IndexUnavailable:
        """What a failed read means: busy (wait next time), or damage (rebuild)."""
        if _busy(error):
            return IndexBusy(str(error))
        if self._state == "ok":
            self._damaged = self._identity
        self._note("the search index is damaged; it will be rebuilt", f"{self.path or 'memory'}: {error}")
        return IndexDamaged(str(error))

    def close(self) -> None:
        with self._lock:
            self._db.close()
            if self._swap is not None:
                self._swap.close()

    def __enter__(self) -> SearchIndex:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- keeping up with the content dir ----------------------------------

    def refresh(self, progress: ProgressCallback | None = None, lazy: bool = False) -> Newsroom:
        """Bring the index up to date with the content dir; return its Newsroom.

        Only files whose size or mtime changed are read. `progress(done,
        total)` counts the files being (re)read. `lazy`: as `newsroom` says.
        """
        self.update(progress)
        try:
            return self.newsroom(lazy)
        except IndexDamaged:  # damaged between the update and now: once more, from a new file
            self.update(progress)
            return self.newsroom(lazy)

    def update(self, progress: ProgressCallback | None = None, listing: Listing | None = None) -> bool:
        """`refresh()` without building the Newsroom: True if anything changed.

        A file found damaged while in use is replaced by a new build (unless
        another process has replaced it already). While another process
        writes, this waits, then does what is left.
        """
        with self._refreshing:
            if listing is None:  # the caller may have walked already (the CLI, while it imports)
                listing = scan(self.content_dir, self.config.site)
            if self.path is None:
                return self._refresh(progress, listing)
            if self._fresh(listing):
                return False  # nothing to write: no lock taken
            try:
                with writer_lock(self.path):
                    return self._update_file(progress, listing)
            except OSError as error:  # no lock file: a read-only cache dir
                if self.ready:
                    self._note(
                        "the search index cannot be updated; answering from the last one",
                        f"{self.path}: {error.strerror or error}",
                    )
                    return False
                self._note(
                    "the search index cannot be kept on disk; using a memory index",
                    f"{self.path}: {error.strerror or error}",
                )
                with self._lock:
                    self.path, self._state, self._identity = None, "memory", None
                    old, self._db = self._db, self._placeholder()
                    old.close()
                return self._refresh(progress, listing)

    def _fresh(self, listing: Listing) -> bool:
        """True if the index already describes exactly these files (one small read)."""
        return self.listing_digest() == listing.digest

    def listing_digest(self) -> str | None:
        """The digest of the content files this index file describes (None: no usable file)."""
        if self.path is None:
            return None
        try:
            with self._reading() as db:
                if self._state != "ok":
                    return None
                row = db.execute("SELECT value FROM meta WHERE key = 'listing'").fetchone()
        except IndexUnavailable:
            return None
        return row[0] if row is not None else None

    def _update_file(self, progress: ProgressCallback | None, listing: Listing) -> bool:
        """Under the writer lock: top up the file in place, or build a new one."""
        with self._lock:
            # Only a writer swaps files, and we are it: what the path names now stays.
            if file_identity(self.path) != self._seen:  # type: ignore[arg-type]
                self._attach()
        if self._state == "ok" and self._damaged != self._identity:
            try:
                changed = self._refresh(progress, listing, in_place=True)
                if changed is not None:
                    return changed
            except sqlite3.DatabaseError as error:
                if _busy(error):
                    self._note("the search index is busy; it will be brought up to date later", str(error))
                    return False
                self._note("the search index is damaged; rebuilding it", f"{self.path}: {error}")
        self._build(progress, listing)
        return True

    def _build(self, progress: ProgressCallback | None, listing: Listing) -> None:
        """A whole new index in a file beside the old one, renamed into place when done."""
        assert self.path is not None and self._swap is not None
        remove_abandoned_builds(self.path)
        target = build_path(self.path)
        db = sqlite3.connect(target, check_same_thread=False, timeout=BUSY_TIMEOUT)
        # Nobody else opens a build, and a failed one is thrown away: no journal at all (MEMORY
        # would hold a copy of every page the final merge rewrites: ~700 MB at 100k articles).
        db.execute("PRAGMA journal_mode=OFF")
        db.execute("PRAGMA synchronous=OFF")
        self._create(db)
        with self._lock:
            old, self._db, self._state, self._identity = self._db, db, "building", None
            old.close()
        try:
            self._refresh(progress, listing)
            with self._lock:
                db.close()
                self._swap.exclusive()
                try:
                    # A journal at the path now is a dead writer's (we hold the writer lock):
                    # left there, the next reader would roll it into the new file.
                    with contextlib.suppress(FileNotFoundError):
                        os.remove(f"{self.path}-journal")
                    os.replace(target, self.path)
                    self._attach()
                finally:
                    self._swap.release()
            remove_other_versions(self.path)
        except BaseException:
            with self._lock:
                with contextlib.suppress(sqlite3.Error):
                    db.close()
                with contextlib.suppress(OSError):
                    os.remove(target)
                if self._state == "building":
                    self._db, self._state, self._seen = self._placeholder(), "missing", None
            raise

    def _refresh(self, progress: ProgressCallback | None, listing: Listing, in_place: bool = False) -> bool | None:
        """Read what changed into `_db`; True if anything did. `in_place`: None
        (nothing written) if so much changed that a new file is better: readers
        keep the whole old index meanwhile, and the new one is compact."""
        # A name no UTF-8 decodes cannot be stored (the loader reports it): left out, as if absent.
        on_disk = {rel: stamp for rel, stamp in listing.files.items() if rel.isascii() or is_utf8(rel)}
        with self._lock:
            known = {
                rel: (row_id, size, mtime)
                for rel, row_id, size, mtime in self._db.execute("SELECT path, id, size, mtime_ns FROM files")
            }
        gone = [known[rel][0] for rel in known.keys() - on_disk.keys()]
        todo = [rel for rel, stamp in on_disk.items() if known.get(rel, (None, None, None))[1:] != stamp]
        if in_place and len(todo) >= REBUILD_MIN and len(todo) > len(known) * REBUILD_SHARE:
            return None
        if gone:
            with self._lock, self._db:
                self._forget(gone)
        batches = [
            [(rel, Path(listing.path(rel)), *on_disk[rel]) for rel in todo[start : start + BATCH]]
            for start in range(0, len(todo), BATCH)
        ]
        if len(todo) > 1000:  # a big build rewrites FTS segments often: give it 32 MB of pages, for now
            with self._lock:
                self._db.execute("PRAGMA cache_size=-32768")
        done = 0
        for batch, rows in zip(batches, _read_batches(self.config, batches)):
            with self._lock, self._db:
                self._forget([known[rel][0] for rel, *_ in batch if rel in known])
                self._store(rows)
            done += len(batch)
            if progress is not None:
                progress(done, len(todo))
        if len(todo) > 1000:
            with self._lock, self._db:  # merge FTS segments after a big build: faster queries
                self._db.execute("INSERT INTO fts(fts) VALUES ('optimize')")
            with self._lock:
                self._db.execute("PRAGMA cache_size=-2000")  # SQLite's default again: the app stays small
        with self._lock, self._db:  # what the index now describes: the next lookup's freshness check
            self._db.execute("INSERT OR REPLACE INTO meta VALUES ('listing', ?)", (listing.digest,))
        return bool(gone or todo)

    def _forget(self, row_ids: list[int]) -> None:
        """Drop files from the table and their tokens from the contentless FTS table."""
        db = self._db
        for row_id in sorted(row_ids):
            row = db.execute(
                "SELECT title, body FROM files WHERE id = ? AND article_id IS NOT NULL", (row_id,)
            ).fetchone()
            if row is not None:  # a contentless table needs the exact tokens to delete
                db.execute(
                    "INSERT INTO fts(fts, rowid, title, body, py) VALUES ('delete', ?, ?, ?, ?)",
                    (row_id, *_fts_values(row[0], row[1])),
                )
            db.execute("DELETE FROM files WHERE id = ?", (row_id,))

    def _store(self, rows: list[tuple]) -> None:
        db = self._db
        insert = f"INSERT INTO files (id, {', '.join(_COLUMNS)}) VALUES (?{', ?' * len(_COLUMNS)})"
        # FTS5 flushes its pending terms whenever a row id goes down: insert in
        # row id order, or every article becomes its own tiny segment.
        for row in sorted(rows, key=lambda row: _date_key(row.get("sort_stamp"))):
            # Row ids follow the date (newest = largest), so FTS5 can return
            # matches newest first and stop at the LIMIT instead of sorting.
            base = _date_key(row.get("sort_stamp")) << _ROWID_BITS
            last = db.execute(
                "SELECT max(id) FROM files WHERE id BETWEEN ? AND ?", (base, base + _ROWID_SPAN - 1)
            ).fetchone()[0]
            row_id = base if last is None else last + 1
            db.execute(insert, (row_id, *(row.get(column) for column in _COLUMNS)))
            if row.get("article_id") is not None:  # an article: index its title and body
                db.execute("INSERT INTO fts(rowid, title, body, py) VALUES (?, ?, ?, ?)", (row_id, *row["fts"]))

    # -- the newsroom, straight from the index ----------------------------

    def newsroom(self, lazy: bool = False) -> Newsroom:
        """The Newsroom as last indexed, without touching the content dir.

        Fast enough for first paint; call `refresh()` afterwards (in a worker)
        to pick up changes. Raises IndexDamaged if the file is found damaged
        (`update()` then rebuilds it).

        `lazy` (the app): LazyArticles, whose details are read from this index when
        asked for (`IndexDetails`); an index in memory gives whole articles all the same.
        """
        if lazy and not self.in_memory:
            return self._lazy_newsroom()
        articles: list[Article] = []
        problems: list[Problem] = []
        shared: dict = {}  # one copy of each date, time zone and list of tags (see `_article`)
        with self._reading() as db:
            # Row by row, in the order load_newsroom reads files: never all rows at once in memory.
            for row in db.execute(f"SELECT {_ARTICLE_COLUMNS}, problems FROM files ORDER BY walk"):
                rel = row[0]
                if row[-1] is not None:
                    problems.extend(
                        Problem(rel, line, message, severity) for line, message, severity in json.loads(row[-1])
                    )
                if row[1] is not None:
                    articles.append(self._article(row, shared))  # ids and translations: loader.assemble
        return loader.assemble(self.config, articles, problems)

    def _lazy_newsroom(self) -> Newsroom:
        articles: list[Article] = []
        problems: list[Problem] = []
        shared: dict = {}  # one copy of each date and time zone (see `_article`)
        names: dict[str, str] = {}  # and of each section and byline: freed after, unlike sys.intern's
        source = IndexDetails(self)
        with self._reading() as db:
            for rel, article_id, section, title, byline, date, kind, site, found in db.execute(
                f"SELECT {_LISTED_COLUMNS}, problems FROM files ORDER BY walk"
            ):
                if found is not None:
                    problems.extend(
                        Problem(rel, line, message, severity) for line, message, severity in json.loads(found)
                    )
                if article_id is not None:
                    articles.append(
                        LazyArticle.make(
                            source,
                            rel,
                            id=article_id,
                            section=names.setdefault(section, section),
                            title=title,
                            date=_date(date, kind, shared),
                            byline=names.setdefault(byline, byline),
                            site=loader.page_info(site),
                        )
                    )
        return loader.assemble(self.config, articles, problems)

    def details(self, rel: str) -> Details | None:
        """A file's details as last indexed (None: no article there now). Raises IndexUnavailable."""
        with self._reading() as db:
            row = db.execute(
                "SELECT subtitle, source, caption, summary, tags, body_line, glossary FROM files"
                " WHERE path = ? AND article_id IS NOT NULL",
                (rel,),
            ).fetchone()
        if row is None:
            return None
        subtitle, source, caption, summary, tags, body_line, glossary = row
        return Details(
            subtitle,
            source,
            caption,
            summary,
            tuple(tags.split(_TAG_SEP)) if tags else (),
            body_line,
            tuple(tuple(pair) for pair in json.loads(glossary)) if glossary else (),
        )

    def _article(self, row: tuple, shared: dict | None = None) -> Article:
        """An Article from a files row. `shared` (one dict for a whole newsroom) hands out one
        object for equal dates, time zones and tag lists: they repeat across thousands of
        articles (megabytes of copies at 100,000), and all are immutable."""
        shared = {} if shared is None else shared
        (
            rel,
            article_id,
            section,
            title,
            subtitle,
            byline,
            source,
            caption,
            summary,
            tags,
            glossary,
            body_line,
            date,
            kind,
            site,
        ) = row[:15]
        date_value = _date(date, kind, shared)
        tag_list: tuple[str, ...] = ()
        if tags:
            tag_list = tuple(sys.intern(tag) for tag in tags.split(_TAG_SEP))
            tag_list = shared.setdefault(tag_list, tag_list)
        return Article(
            id=article_id,
            path=self._root + rel,
            # Sections, bylines and sources repeat across thousands of articles: share one copy.
            section=sys.intern(section),
            title=title,
            date=date_value,
            subtitle=subtitle,
            byline=sys.intern(byline),
            source=sys.intern(source),
            caption=caption,
            summary=summary,
            tags=tag_list,
            body_line=body_line,
            glossary=tuple(tuple(pair) for pair in json.loads(glossary)) if glossary else (),
            site=loader.page_info(site),
        )

    def latest(self, limit: int = 100, section: str | None = None) -> list[Article]:
        """The newest articles as last indexed: enough for a first paint while
        `newsroom()` or `refresh()` runs in a worker. Order is by date only."""
        clause, params = ("AND section = ?", [section]) if section is not None else ("", [])
        with self._reading() as db:
            rows = db.execute(
                f"SELECT {_ARTICLE_COLUMNS} FROM files WHERE article_id IS NOT NULL {clause} ORDER BY id DESC LIMIT ?",
                (*params, limit),
            ).fetchall()
        return [self._article(row) for row in rows]

    # -- searching ----------------------------------------------------------

    def search(
        self, query: Query | str, limit: int = 50, section: str | None = None, snippets: int | None = None
    ) -> list[Hit]:
        """Articles matching the query: title matches first, then newest first.

        `section` limits the search to one section (None: every section).
        A query with only filters or exclusions lists matching articles.
        `snippets`: only the first so many hits get their snippet (None: every
        hit); the rest have None until `with_snippets` makes them, as a list
        scrolls to them. Making one costs more than finding the hit.
        Raises IndexUnavailable (damaged, or busy past the timeout): then
        search the loaded articles instead (scan.py) and `update()`.
        """
        if isinstance(query, str):
            from tui.search.query import parse_query

            query = parse_query(query)
        if query.is_empty or limit <= 0:
            return []
        with self._reading():  # one file throughout, even if another process swaps in a new one
            return self._search(query, limit, section, limit if snippets is None else snippets)

    def with_snippets(self, query: Query, hits: list[Hit]) -> list[Hit]:
        """`hits` with every snippet made, from the articles as indexed now ("" for one that
        no longer matches)."""
        missing = [hit for hit in hits if hit.snippet is None]
        if not missing:
            return hits
        with self._reading(), self._lock:
            texts = {
                row[0]: row[1:]
                for row in self._db.execute(
                    f"SELECT id, article_id, title, body FROM files WHERE id IN ({', '.join('?' * len(missing))})",
                    [hit.row for hit in missing],
                )
            }
            # A refresh since the search may have given an article another row (rare: look it up by id).
            moved = [hit.article_id for hit in missing if texts.get(hit.row, ("",))[0] != hit.article_id]
            by_id = {}
            if moved:
                marks = ", ".join("?" * len(moved))
                query_sql = f"SELECT article_id, title, body FROM files WHERE article_id IN ({marks})"
                by_id = {row[0]: row for row in self._db.execute(query_sql, moved)}
        made = []
        for hit in hits:
            if hit.snippet is None:
                found = texts.get(hit.row)
                _, title, body = (
                    found if found and found[0] == hit.article_id else by_id.get(hit.article_id, (None, "", ""))
                )
                again = _verify(query, hit.article_id, title, body, pinyin_allowed=hit.pinyin_rank > 0)
                hit = replace(hit, snippet=again.snippet if again is not None else "")
            made.append(hit)
        return made

    def _search(self, query: Query, limit: int, section: str | None, snippets: int) -> list[Hit]:
        sections = set(query.filters.sections) if query.filters.sections else None
        if section is not None:
            sections = {section} if sections is None else sections & {section}
        if sections is not None:
            # "section:ne" while typing names no section: without this check the
            # search would run through every match to find that out.
            marks = ", ".join("?" * len(sections))
            with self._lock:
                if not self._db.execute(
                    f"SELECT 1 FROM files WHERE section IN ({marks}) LIMIT 1", [*sections]
                ).fetchone():
                    return []
        where, filter_params = _filter_sql(query, section)
        positives = _match_expression(query.positives)
        excludes = _match_expression(query.excludes, any_of=True, strict=True)
        if excludes is not None:
            excludes = "{title body} : (" + excludes + ")"  # never the pinyin column
        # (sql, MATCH parameters before the row id bound, parameters after, pinyin allowed)
        passes: list[tuple[str, list, list, bool]] = []
        if positives is not None:
            # Title matches first, then the rest, then matches by pinyin; each
            # newest first by row id.
            expressions = ["{title} : (" + positives + ")", "{title body} : (" + positives + ")"]
            with_pinyin = _match_expression(query.positives, pinyin=True) if query.has_pinyin else None
            if with_pinyin is not None:
                expressions.append(with_pinyin)
            if excludes is not None:
                expressions = [f"({expression}) NOT {excludes}" for expression in expressions]
            sql = (
                "SELECT fts.rowid FROM fts JOIN files f ON f.id = fts.rowid "
                f"WHERE fts MATCH ? AND fts.rowid < ? AND {where} ORDER BY fts.rowid DESC LIMIT ?"
            )
            passes = [(sql, [expression], [], number == 2) for number, expression in enumerate(expressions)]
        else:  # nothing the index can narrow: filters only, or symbols only
            skip = "" if excludes is None else " AND f.id NOT IN (SELECT rowid FROM fts WHERE fts MATCH ?)"
            sql = f"SELECT f.id FROM files f WHERE f.id < ? AND {where}{skip} ORDER BY f.id DESC LIMIT ?"
            passes = [(sql, [], [] if excludes is None else [excludes], query.has_pinyin)]
        hits: list[Hit] = []
        checked: dict[bool, set[int]] = {False: set(), True: set()}  # rows verified, per kind of pass
        accepted: set[int] = set()
        seen_ids: set[str] = set()
        make_snippet: dict[str, Callable[[], str]] = {}  # made for the first hits once they are ranked
        one_term = positives is not None and len(query.positives) == 1 and not query.excludes
        page = limit + 8
        for sql, before, after, pinyin_allowed in passes:
            seen_rows = checked[pinyin_allowed]
            below = _MAX_ROWID
            while len(hits) < limit:
                with self._lock:
                    ids = [row[0] for row in self._db.execute(sql, (*before, below, *filter_params, *after, page))]
                    fresh = [row_id for row_id in ids if row_id not in seen_rows and row_id not in accepted]
                    marks = ", ".join("?" * len(fresh))
                    texts = dict(
                        (row[0], row[1:])
                        for row in self._db.execute(
                            f"SELECT id, article_id, title, body FROM files WHERE id IN ({marks})", fresh
                        )
                    )
                seen_rows.update(ids)
                for row_id in fresh:
                    article_id, title, body = texts[row_id]
                    # The typed passes ran to their end (else this one would not run) and never
                    # met this row: its one term is not in it as typed, only its pinyin may be.
                    by_pinyin_only = one_term and pinyin_allowed and row_id not in checked[False]
                    match = _check(query, article_id, title, body, pinyin_allowed, by_pinyin_only)
                    if match is not None and article_id not in seen_ids:
                        seen_ids.add(article_id)
                        accepted.add(row_id)
                        hits.append(replace(match[0], row=row_id))
                        make_snippet[article_id] = match[1]
                        if len(hits) == limit:
                            break
                if len(ids) < page:
                    break
                below = ids[-1]
        # Stable: keeps newest first within a rank. Plain matches before pinyin
        # ones, then title matches first.
        hits.sort(key=lambda hit: (hit.pinyin_rank, hit.tier))
        return [replace(hit, snippet=make_snippet[hit.article_id]()) for hit in hits[:snippets]] + hits[snippets:]


# -- helpers ----------------------------------------------------------------

_COLUMNS = (
    "path",
    "walk",
    "size",
    "mtime_ns",
    "problems",
    "article_id",
    "section",
    "title",
    "subtitle",
    "byline",
    "source",
    "caption",
    "summary",
    "tags",
    "glossary",
    "body_line",
    "date",
    "date_kind",
    "day",
    "sort_stamp",
    "tags_folded",
    "byline_folded",
    "body",
    "site",
)
# The order _article unpacks (path first, then the Article fields).
_ARTICLE_COLUMNS = "path, article_id, section, title, subtitle, byline, source, caption, summary, tags, glossary, body_line, date, date_kind, site"


_LISTED_COLUMNS = "path, article_id, section, title, byline, date, date_kind, site"  # a LazyArticle's


def _date(date: str | None, kind: str | None, shared: dict) -> dt.date | dt.datetime | None:
    # Keys are what is kept anyway (a day's text is short and days are few): a key kept
    # only for the lookup would stay scattered among the articles' objects.
    if kind == "date":
        date_value: dt.date | dt.datetime | None = shared.get(date)
        if date_value is None:
            date_value = shared[date] = dt.date.fromisoformat(date)  # type: ignore[arg-type]
        return date_value
    if kind == "datetime":
        return _shared_zone(dt.datetime.fromisoformat(date), shared)  # type: ignore[arg-type]
    return None


class IndexDetails:
    """Where a LazyArticle from this index reads its details: the index, as the file was last
    indexed. When the index cannot answer (damaged, swapped for a build without the file,
    closed) the file is read again; a file gone or no longer an article has none.

    The index's connection is this process's: a process forked from the one that loaded the
    newsroom (a server's warm parent) opens the index again rather than share its descriptor.
    The last few answers are kept, as the reader, the list row and the script detection each
    ask for a field of the same article.
    """

    KEEP = 64

    def __init__(self, index: SearchIndex) -> None:
        self.root = index._root
        self._index = index
        self._pid = os.getpid()
        self._lock = threading.Lock()
        self._recent: OrderedDict[str, Details] = OrderedDict()

    def details(self, rel: str) -> Details:
        with self._lock:
            found = self._recent.get(rel)
            if found is not None:
                self._recent.move_to_end(rel)
                return found
        found = self._read(rel)
        with self._lock:
            self._recent[rel] = found
            while len(self._recent) > self.KEEP:
                self._recent.popitem(last=False)
        return found

    def _read(self, rel: str) -> Details:
        try:
            found = self._here().details(rel)
            if found is not None:
                return found
        except (IndexUnavailable, sqlite3.Error, OSError):
            pass
        return self._from_file(rel)

    def _here(self) -> SearchIndex:
        """The index, opened again in a forked process (never the parent's descriptor)."""
        if os.getpid() != self._pid:
            with self._lock:
                if os.getpid() != self._pid:
                    self._index = SearchIndex(self._index.config, self._index.path)
                    self._pid = os.getpid()
        return self._index

    def _from_file(self, rel: str) -> Details:
        article, _problems = loader.load_file(self._index.config, Path(self.root + rel))
        if article is None:
            return Details()
        return Details(
            article.subtitle,
            article.source,
            article.caption,
            article.summary,
            article.tags,
            article.body_line,
            article.glossary,
        )


def _shared_zone(moment: dt.datetime, shared: dict) -> dt.datetime:
    """The moment with the time zone of an earlier moment of the same offset: each parse makes one."""
    zone = moment.tzinfo
    if zone is None or zone is dt.timezone.utc:
        return moment
    known = shared.setdefault(zone, zone)  # time zones are equal when their offsets are
    return moment if known is zone or known.tzname(None) != zone.tzname(None) else moment.replace(tzinfo=known)


def _problem_row(rel: str, size: int, mtime_ns: int, problems: list[Problem]) -> dict:
    """A files row; unset columns are NULL."""
    encoded = json.dumps([[p.line, p.message, p.severity] for p in problems], ensure_ascii=False) if problems else None
    return {"path": rel, "walk": _walk_key(rel), "size": size, "mtime_ns": mtime_ns, "problems": encoded}


def _article_row(rel: str, size: int, mtime_ns: int, problems: list[Problem], article: Article, body: str) -> dict:
    date = article.date
    row = _problem_row(rel, size, mtime_ns, problems)
    row.update(
        article_id=article.id,
        section=article.section,
        title=article.title,
        subtitle=article.subtitle,
        byline=article.byline,
        source=article.source,
        caption=article.caption,
        summary=article.summary,
        tags=_TAG_SEP.join(article.tags),
        glossary=json.dumps(article.glossary, ensure_ascii=False) if article.glossary else None,
        body_line=article.body_line,
        date=None if date is None else date.isoformat(),
        date_kind=None if date is None else "datetime" if isinstance(date, dt.datetime) else "date",
        day=None if date is None else date.isoformat()[:10],
        sort_stamp=_UNDATED if date is None else article.sort_key[0],
        tags_folded=_TAG_SEP + _TAG_SEP.join(fold_text(tag) for tag in article.tags) + _TAG_SEP,
        byline_folded=fold_text(article.byline),
        body=shown_text(body),  # searched, checked and quoted in snippets: never words the reader hides
        site=loader.site_record(article),
    )
    return row


def shown_text(body: str) -> str:
    """A body as search keeps it: what the reader shows of it, Markdown aside. Shortcodes
    become what they stand for (a `comment` nothing, `highlight` its code), then comments,
    scripts, styles and tags go (`html_text.visible_text`), and character references become
    the characters shown (`AT&amp;T` is found as AT&T, not as "amp")."""
    from tui.core.html_text import shown_references, visible_text  # building only: not in a lookup
    from tui.core.shortcodes import expand_shortcodes

    return shown_references(visible_text(expand_shortcodes(body)))


def read_row(config: Config, rel: str, path: Path, size: int, mtime_ns: int) -> dict:
    """One file as a row for `files`, its FTS tokens worked out: all the CPU work of indexing."""
    article, problems, body = loader.read_article(config, path)
    if article is None:
        return _problem_row(rel, size, mtime_ns, problems)
    row = _article_row(rel, size, mtime_ns, problems, article, body)
    row["fts"] = _fts_values(row["title"], row["body"])
    return row


def read_rows(config: Config, batch: list[tuple]) -> list[dict]:
    return [read_row(config, *item) for item in batch]


def _read_batches(config: Config, batches: list[list[tuple]]):
    """Rows for each batch, in order. A big build reads and tokenises in worker
    processes, one a core, while this process writes to SQLite; if a worker
    fails, the rest is read here."""
    workers = min(os.cpu_count() or 1, MAX_WORKERS, len(batches))
    done = 0
    if workers >= 2 and sum(map(len, batches)) >= PARALLEL_FILES:
        import pickle

        try:
            for rows in _read_in_workers(config, batches, workers):
                yield rows
                done += 1
        except (OSError, EOFError, pickle.UnpicklingError) as error:
            import logging

            logging.getLogger(__name__).warning("index workers failed (%s); reading in-process", error)
    for batch in batches[done:]:
        yield read_rows(config, batch)


def _read_in_workers(config: Config, batches: list[list[tuple]], count: int):
    # Each worker holds one batch (a few kB of paths) at a time, so no pipe
    # fills while the other side waits: batch k goes to worker k % count.
    import pickle
    import subprocess

    command = [sys.executable, "-m", "tui.search.index_worker"]
    procs = [subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE) for _ in range(count)]
    try:
        for proc in procs:
            pickle.dump(config, proc.stdin)
        for number, proc in enumerate(procs):
            pickle.dump(batches[number], proc.stdin)
            proc.stdin.flush()
        for number in range(len(batches)):
            proc = procs[number % count]
            rows = pickle.load(proc.stdout)
            if number + count < len(batches):
                pickle.dump(batches[number + count], proc.stdin)
                proc.stdin.flush()
            yield rows
    finally:
        for proc in procs:
            proc.kill()
            proc.wait()


def _walk_key(rel: str) -> str:
    """A string that sorts like loader.iter_content_files walks: in each folder,
    its files (sorted) before its sub-folders (sorted)."""
    *folders, name = rel.split("/")
    return "".join(f"\x01{folder}\x00" for folder in folders) + f"\x00{name}"


def _token_char(char: str) -> bool:
    """Characters the FTS5 ascii tokenizer keeps in tokens."""
    return not char.isascii() or char.isalnum()


def _phrase(form: str) -> str | None:
    """One folded form as an FTS5 phrase; None if the tokenizer would drop it all."""
    if not any(map(_token_char, form)):
        return None
    return '"' + " ".join(form) + '"'


def _fts_values(title: str, body: str) -> tuple[str, str, str]:
    """The title, body and py columns of an article's FTS row (stored and
    deleted with exactly these tokens: the table is contentless)."""
    from tui.chinese import pinyin  # (building only)

    folded_title, folded_body = fold_text(title), fold_text(body)
    return tokens(folded_title), tokens(folded_body), pinyin.tokens(folded_title + "\n" + folded_body[:PINYIN_LEAD])


def _any_of(forms: tuple[str, ...]) -> str | None:
    phrases = [_phrase(form) for form in forms]
    if None in phrases:
        return None
    return phrases[0] if len(phrases) == 1 else "(" + " OR ".join(phrases) + ")"  # type: ignore[operator]


def _plain_expression(term: Term) -> str | None:
    """A term's plain forms: any of them, or for a grouped term every part."""
    if not term.parts:
        return _any_of(term.forms)
    parts = [part for part in map(_any_of, term.parts) if part is not None]
    if not parts:
        return None
    return parts[0] if len(parts) == 1 else "(" + " AND ".join(parts) + ")"


def _match_expression(
    terms: tuple[Term, ...], any_of: bool = False, strict: bool = False, pinyin: bool = False
) -> str | None:
    """The terms as an FTS5 expression (AND, or OR with any_of), each an OR of its forms.

    A term the tokenizer cannot express is left to verification; with
    `strict` (for NOT, where a loose match would wrongly exclude) any such
    term, or a form with symbols, makes the whole expression None. With
    `pinyin`, a term that has a pinyin reading may match in the py column
    instead; plain forms are then kept to the title and body columns.
    """
    parts = []
    for term in terms:
        if strict and not all(map(_token_char, "".join(term.forms))):
            return None
        plain = _plain_expression(term)
        if plain is None:
            continue
        if pinyin:
            plain = "{title body} : " + plain
            if term.pinyin is not None:
                plain = f"({plain} OR py : {_pinyin_expression(term.pinyin)})"
        parts.append(plain)
    return (" OR " if any_of else " AND ").join(parts) if parts else None


def _pinyin_expression(pattern: Pinyin) -> str:
    from tui.chinese import pinyin  # (loaded already: the query read the pattern)

    return pinyin.match_expression(pattern) or '""'


def _date_key(sort_stamp: float | None) -> int:
    """A non-negative integer that grows with the date (0: undated)."""
    if sort_stamp is None or sort_stamp >= _UNDATED:
        return 0
    return max(1, min((1 << 40) - 1, int(-sort_stamp) + (1 << 36)))


def _filter_sql(query: Query, section: str | None) -> tuple[str, list]:
    clauses = ["f.article_id IS NOT NULL"]
    params: list = []
    filters = query.filters
    if section is not None:
        clauses.append("f.section = ?")
        params.append(section)
    if filters.sections:
        clauses.append(f"f.section IN ({', '.join('?' * len(filters.sections))})")
        params.extend(filters.sections)
    for tag in filters.tags:
        clauses.append("instr(f.tags_folded, ?) > 0")
        params.append(_TAG_SEP + tag + _TAG_SEP)
    for name in filters.bylines:
        clauses.append("instr(f.byline_folded, ?) > 0")
        params.append(name)
    if filters.since:
        clauses.append("f.day >= ?")
        params.append(filters.since.isoformat())
    if filters.until:
        clauses.append("f.day <= ?")
        params.append(filters.until.isoformat())
    return " AND ".join(clauses), params


def _contains(text: str, term: Term) -> bool:
    return any(form in text for form in term.forms)


def _found(term: Term, folded_title: str, body: LazyFold) -> tuple[bool, bool]:
    """Whether a term is in the title and in the body, as typed. A grouped term
    (wang qishan) is found if each part is in the title or the body, as
    separate terms were; it counts as in the title only if all parts are."""
    if not term.parts:
        return _contains(folded_title, term), body.has_any(term.forms)
    in_title = [any(form in folded_title for form in part) for part in term.parts]
    in_body = [body.has_any(part) for part in term.parts]
    if not all(t or b for t, b in zip(in_title, in_body)):
        return False, False
    return all(in_title), any(in_body)


@record(frozen=True)
class _PinyinMatch:
    """Where a pinyin query matched an article, and the match in toned pinyin."""

    in_title: bool
    start: int  # in the folded title or body
    end: int
    shown: str  # toned pinyin of the match
    in_context: bool


def _pinyin_match(pattern: Pinyin, folded_title: str, folded_lead: str) -> _PinyinMatch | None:
    """Where a pinyin term matches the title or the lead, preferring a match in
    the reading the context gives (a few tried, title first)."""
    from tui.chinese import pinyin  # (loaded already: the query read the pattern)

    first = None
    tries = 0
    for in_title, text in ((True, folded_title), (False, folded_lead)):
        for found in pattern.finditer(text):
            shown, in_context = pinyin.explain(pattern, text, *found.span())
            match = _PinyinMatch(in_title, *found.span(), shown, in_context)
            if in_context:
                return match
            first = first or match
            tries += 1
            if tries == _PINYIN_TRIES:
                return first
    return first


def _verify(query: Query, article_id: str, title: str, body: str, pinyin_allowed: bool = False) -> Hit | None:
    """The exact check on folded text, and the hit to show if it passes.

    With `pinyin_allowed`, a term not found as typed may match by its pinyin
    in the title or the lead (what the py column indexes).
    """
    checked = _check(query, article_id, title, body, pinyin_allowed)
    return None if checked is None else replace(checked[0], snippet=checked[1]())


def _check(
    query: Query, article_id: str, title: str, body: str, pinyin_allowed: bool = False, by_pinyin_only: bool = False
) -> tuple[Hit, Callable[[], str]] | None:
    """`_verify`'s hit without its snippet, and what makes the snippet (it costs more than the check).

    The body is folded only as far as the check needs (`LazyFold`): a term found early in it
    spares folding the rest. `by_pinyin_only`: the query's one term is known not to be in the
    text as typed, so only the title and the lead are folded (to match its pinyin)."""
    folded_title = fold_text(title)
    folded_body = LazyFold(body)
    for term in query.excludes:
        if _contains(folded_title, term) or folded_body.has_any(term.forms):
            return None
    in_title, in_body, by_pinyin = [], [], []
    for term in query.positives:
        t, b = (False, False) if by_pinyin_only else _found(term, folded_title, folded_body)
        if not (t or b) and pinyin_allowed and term.pinyin is not None:
            match = _pinyin_match(term.pinyin, folded_title, folded_body.lead(PINYIN_LEAD))
            if match is not None:
                t, b = match.in_title, not match.in_title
                by_pinyin.append(match)
        if not (t or b):
            return None
        in_title.append(t)
        in_body.append(b)
    where = tuple(name for name, found in (("title", any(in_title)), ("body", any(in_body))) if found)
    forms = query.highlight_terms() if by_pinyin else [term.forms for term in query.positives]
    lead_match = next(((match.start, match.end) for match in by_pinyin if not match.in_title), None)
    hit = Hit(
        article_id=article_id,
        tier=0 if query.positives and all(in_title) else 1,
        where=where,
        snippet=None,
        pinyin="  ".join(_pinyin_text(match, title, body) for match in by_pinyin),
        pinyin_rank=0 if not by_pinyin else 1 if all(match.in_context for match in by_pinyin) else 2,
    )
    return hit, lambda: _snippet(body, folded_body.whole(), forms, lead_match)


def _pinyin_text(match: _PinyinMatch, title: str, body: str) -> str:
    """The matched characters as written, then their pinyin: "質量 zhìliàng"."""
    if match.in_title:
        origins = fold(title)[1]
        start, end = origins[match.start], origins[match.end - 1] + 1
        written = title[start:end]
    else:
        start, end = _original_index(body, match.start), _original_index(body, match.end - 1) + 1
        written = body[start:end]
    return f"{' '.join(written.split())} {match.shown}"


def _snippet(
    body: str, folded_body: str, forms: list[tuple[str, ...]], pinyin_span: tuple[int, int] | None = None
) -> str:
    """A one-line window of the body around the first match (plain, else the pinyin
    match at `pinyin_span`), as the reader shows it: no Markdown or shortcode markers."""
    first = min((start for group in forms for form in group for start in find_all(folded_body, form)[:1]), default=None)
    if pinyin_span is not None and (first is None or pinyin_span[0] < first):
        first = pinyin_span[0]
    origin = 0 if first is None else _original_index(body, first)
    start = max(0, origin - SNIPPET_BEFORE)
    window = body[start : start + SNIPPET_LENGTH]
    from tui.core.markup_hint import may_be_markup

    if may_be_markup(window):
        # Read the blocks around the match as the reader would, and find the match again in them.
        plain = _plain_excerpt(_excerpt(body, origin))
        needles = [form for group in forms for form in group]
        if pinyin_span is not None:
            needles.append(folded_body[pinyin_span[0] : pinyin_span[1]])
        folded = fold_text(plain)
        found = min((at for needle in needles if needle for at in find_all(folded, needle)[:1]), default=None)
        start = 0 if found is None else max(0, _original_index(plain, found) - SNIPPET_BEFORE)
        window = plain[start : start + SNIPPET_LENGTH]
    # One line, and cleaned again: the body was cleaned when stored, but the file is the cache dir's.
    return " ".join(clean(window).split())


# Typing a query searches again at each key, mostly finding the same paragraphs: read each once.
@functools.lru_cache(maxsize=128)  # a page of results and some: <1 MB
def _plain_excerpt(excerpt: str) -> str:
    from tui.core.markup_hint import plain_markdown

    plain = plain_markdown(excerpt)  # paragraphs, headings and emphasis: read without markdown-it
    if plain is None:
        from tui.core.document import plain_text

        plain = plain_text(excerpt)
    return plain


def _excerpt(body: str, origin: int) -> str:
    """The blocks of `body` around `origin`: from the blank line before it to the first one a
    snippet's length after it, at most SNIPPET_EXCERPT characters either way (then at a line break)."""
    low, high = max(0, origin - SNIPPET_EXCERPT), min(len(body), origin + SNIPPET_EXCERPT)
    start = low
    for blank in _BLANK_LINE.finditer(body, low, origin):
        start = blank.end()
    if start == low and low > 0:
        start = body.find("\n", low, origin) + 1 or low
    after = _BLANK_LINE.search(body, min(origin + SNIPPET_LENGTH, high), high)
    end = after.start() if after else high if high == len(body) else body.rfind("\n", origin, high) + 1 or high
    return body[start:end]


def _original_index(text: str, folded_index: int, chunk: int = 64) -> int:
    """Where the folded character at `folded_index` came from in `text`.

    Folding is per character, so chunks fold independently: skip whole chunks
    with the fast fold, then map inside one chunk with the slow one.
    """
    done = 0
    for start in range(0, len(text), chunk):
        piece = text[start : start + chunk]
        length = len(fold_text(piece))
        if done + length > folded_index:
            return start + fold(piece)[1][folded_index - done]
        done += length
    return len(text)


__all__ = ["Hit", "IndexBusy", "IndexDamaged", "IndexUnavailable", "Note", "SearchIndex", "default_path"]
