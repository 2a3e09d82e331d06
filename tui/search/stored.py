"""The assembled newsroom, kept on disk for quick lookups: `list`, `show` and `search` read the
few articles they print instead of building the whole newsroom in every process.

Building the newsroom from the index means an `Article` for every file, then `loader.assemble`
(drafts, scheduled pages, translations, aliases, ids): about 0.25 s at 10,000 articles and
2 s at 100,000, most of a lookup. What assemble decided is stored once per index state beside
the index, in a small SQLite file: each article as sealed `marshal` data, in front-page order and in
its section's order, with the aliases and the sections; and each section's `list` rows (what
`list` prints of an article, a thousand rows to a chunk, each chunk with its widest columns),
so that `list` decodes no whole article, and lines up every row before it reads one: it then
holds a chunk at a time. A lookup reads a few rows.

It is a copy, never a second source: it is written from the newsroom `assemble` built, and it
is used only while its key matches: the index's listing digest (the content files), the
config, this module's format and the package version, and only until the next moment a
scheduled page appears or an expiring one goes. Anything wrong with it (missing, another
key, damaged, unreadable) means the newsroom is built as before and the copy written anew;
damage found mid-lookup falls back the same way. Writers write a temporary file and rename
it into place, so readers see one whole file or the other.
"""

from __future__ import annotations

import datetime as dt
import os
import sqlite3
from collections.abc import Callable
from functools import cache
from pathlib import Path

from tui import __version__
from tui.core.config import Config
from tui.core.digests import blake2b
from tui.core.model import Article, ListingRows, ListRow, Newsroom, PageInfo, Section, list_row, row_widths, shown_as
from tui.core.records import fields, replace
from tui.core.sealed import seal, unseal
from tui.core.text import fixed_cell_len
from tui.search.index import SCHEMA_VERSION
from tui.search.sharing import is_regular_file

FORMAT = 5  # 5: values sealed with a checksum (core/sealed.py)
ROWS_A_CHUNK = 1000  # `list` rows stored together: `list --limit 20` reads one chunk
MAX_WIDTH = 1 << 16  # cells: a sanity bound on a stored width; what lines rows up is checked against them
_DATES = frozenset({"date", "updated", "publish", "expiry"})
# Everything a damaged or foreign file can raise while it is read.
_DAMAGE = (sqlite3.Error, ValueError, TypeError, KeyError, IndexError, OverflowError)


def stored_path(index_path: Path) -> Path:
    return index_path.with_name(index_path.name + ".assembled")


def key_for(config: Config, listing_digest: str) -> str:
    """What a stored newsroom must have been built from to be used."""
    made_of = f"{FORMAT}\n{SCHEMA_VERSION}\n{__version__}\n{config!r}\n{listing_digest}"
    return blake2b(made_of.encode("utf-8", "surrogateescape"), digest_size=16).hexdigest()


# -- encoding: sealed marshal data (damage is found before marshal reads it; data is never code) -----


def _pack_date(value: dt.date | None) -> tuple | None:
    if value is None:
        return None
    return ("t" if isinstance(value, dt.datetime) else "d", value.isoformat())


def _unpack_date(value: tuple | None) -> dt.date | None:
    if value is None:
        return None
    kind, text = value
    return dt.datetime.fromisoformat(text) if kind == "t" else dt.date.fromisoformat(text)


def _pack(item: Article | PageInfo) -> tuple:
    packed = []
    for field in fields(item):
        value = getattr(item, field.name)
        if field.name in _DATES:
            value = _pack_date(value)
        elif field.name == "site":
            value = None if value is None else _pack(value)
        elif field.name == "variants":
            value = tuple(_pack(variant) for variant in value)
        packed.append(value)
    return tuple(packed)


@cache
def _layout(kind: type) -> tuple[int, tuple[int, ...], int, int]:
    """How a packed `kind` is laid out: its length, where its dates are, and where its site
    and its variants are (-1: not a field). Worked out once, not once an article."""
    names = [field.name for field in fields(kind)]
    if not all(field.init for field in fields(kind)):  # its fields, in order, are its arguments
        raise TypeError(f"{kind.__name__} has a field outside __init__: stored.py cannot build it")

    def where(name: str) -> int:
        return names.index(name) if name in names else -1

    return len(names), tuple(i for i, name in enumerate(names) if name in _DATES), where("site"), where("variants")


def _unpack(kind: type, packed: tuple):
    length, dates, site, variants = _layout(kind)
    if len(packed) != length:
        raise ValueError("stored newsroom: another format")
    values = list(packed)
    for position in dates:
        values[position] = _unpack_date(values[position])
    if site >= 0 and values[site] is not None:
        values[site] = _unpack(PageInfo, values[site])
    if variants >= 0:
        values[variants] = tuple(_unpack(Article, variant) for variant in values[variants])
    return kind(*values)


def _encode_article(article: Article) -> bytes:
    return seal(_pack(article))


def _decode_article(blob: bytes) -> Article:
    return _unpack(Article, unseal(blob))


def _stored_row(article: Article) -> ListRow:
    """The article's `list` row, with the widths that no Unicode version can change."""
    date, section, title, article_id, _, _ = list_row(article)
    return date, section, title, article_id, _kept_width(title), _kept_width(article_id)


def _kept_width(text: str) -> int:
    cells = fixed_cell_len(text)
    return -1 if cells is None else cells


# -- writing ---------------------------------------------------------------------------------

_SCHEMA = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value BLOB);
CREATE TABLE articles (pos INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, section TEXT NOT NULL,
                       spos INTEGER NOT NULL, data BLOB NOT NULL);
CREATE INDEX by_section ON articles (section, spos);
CREATE TABLE aliases (alias TEXT PRIMARY KEY, id TEXT NOT NULL);
CREATE TABLE listings (front INTEGER NOT NULL, section TEXT NOT NULL, chunk INTEGER NOT NULL,
                       count INTEGER NOT NULL, widths BLOB NOT NULL, rows BLOB NOT NULL,
                       PRIMARY KEY (front, section, chunk));
"""


def save(newsroom: Newsroom, path: Path, key: str) -> None:
    """Store the newsroom under `key` (a temporary file renamed into place). Raises OSError or
    sqlite3.Error when the cache dir will not take it; the caller goes on without."""
    in_section = {}
    for section in newsroom.sections:
        if not section.front_page:
            for position, article in enumerate(newsroom.articles_in(section.id)):
                in_section[article.id] = position
    import tempfile  # (writing only: a lookup that reads the copy never loads it)

    handle, temporary = tempfile.mkstemp(prefix=path.name + ".", suffix=".tmp", dir=path.parent)
    os.close(handle)
    try:
        try:  # readable by whoever may read the index (mkstemp makes it the owner's alone)
            os.chmod(temporary, path.with_name(path.name.removesuffix(".assembled")).stat().st_mode & 0o666)
        except OSError:
            pass
        db = sqlite3.connect(temporary)
        try:
            db.execute("PRAGMA journal_mode=OFF")
            db.execute("PRAGMA synchronous=OFF")  # the rename below publishes it whole, or not at all
            db.executescript(_SCHEMA)
            changes_at = newsroom.changes_at.timestamp() if newsroom.changes_at is not None else None
            meta = {
                "key": key,
                "changes_at": seal(changes_at),
                "newsroom": seal(
                    (
                        newsroom.title,
                        str(newsroom.content_dir),
                        tuple(tuple(getattr(s, f.name) for f in fields(Section)) for s in newsroom.sections),
                        newsroom.languages,
                    )
                ),
            }
            db.executemany("INSERT INTO meta VALUES (?, ?)", meta.items())
            db.executemany(
                "INSERT INTO articles VALUES (?, ?, ?, ?, ?)",
                (
                    (position, a.id, a.section, in_section.get(a.id, position), _encode_article(a))
                    for position, a in enumerate(newsroom.articles)
                ),
            )
            db.executemany("INSERT INTO aliases VALUES (?, ?)", newsroom.aliases.items())
            db.executemany("INSERT INTO listings VALUES (?, ?, ?, ?, ?, ?)", _listings(newsroom))
            db.commit()
        finally:
            db.close()
        os.replace(temporary, path)
    except BaseException:
        try:
            os.unlink(temporary)
        except OSError:
            pass
        raise


def _is_row(row: object) -> bool:
    """A `ListRow` as `_stored_row` makes them."""
    if type(row) is not tuple or len(row) != 6:
        return False
    date, section, title, article_id, title_cells, id_cells = row
    return (
        type(date) is str
        and type(section) is str
        and type(title) is str
        and type(article_id) is str
        and type(title_cells) is int
        and type(id_cells) is int
        and -1 <= title_cells <= 2 * len(title)
        and -1 <= id_cells <= 2 * len(article_id)
    )


def _listings(newsroom: Newsroom):
    """(front, section, chunk, count, widths, rows) of each listing: the front page's (front 1),
    and each other section's, its `list` rows sealed a chunk at a time. A chunk's widths
    (`_widths`) line a whole listing up before a row of it is read."""
    others = {article.section for article in newsroom.articles} - {newsroom.front_page.id}  # (its id lists it all)
    listings = [(1, "", newsroom.articles)] + [(0, section, newsroom.articles_in(section)) for section in others]
    for is_front, section, articles in listings:
        rows = [_stored_row(article) for article in articles]
        for chunk, start in enumerate(range(0, len(rows), ROWS_A_CHUNK)):
            part = rows[start : start + ROWS_A_CHUNK]
            yield is_front, section, chunk, len(part), seal(_widths(part)), seal(part)


def _widths(rows: list[ListRow]) -> tuple[int, int, int, tuple[str, ...]]:
    """A chunk's widest date, title and id, and its sections. A column with a width left to be
    measured (-1) is -1: a reader measures that chunk's rows, with the Unicode version it has."""
    date_width = max((len(row[0]) or 1 for row in rows), default=0)
    title_width = -1 if any(row[4] < 0 for row in rows) else max((row[4] for row in rows), default=0)
    id_width = -1 if any(row[5] < 0 for row in rows) else max((row[5] for row in rows), default=0)
    return date_width, title_width, id_width, tuple(sorted({row[1] for row in rows}))


def _is_widths(widths: object) -> bool:
    """A chunk's widths as `_widths` makes them."""
    if type(widths) is not tuple or len(widths) != 4:
        return False
    *numbers, sections = widths
    return (
        all(type(number) is int and -1 <= number <= MAX_WIDTH for number in numbers)
        and type(sections) is tuple
        and all(type(section) is str for section in sections)
    )


# -- reading ---------------------------------------------------------------------------------


class StoredNewsroom(Newsroom):
    """A newsroom whose articles stay on disk until asked for. The sections, title and
    languages are loaded; `articles` is empty: use `articles_in`, `article` and `view`."""

    @classmethod
    def open(cls, path: Path, key: str, build: Callable[[], Newsroom]) -> StoredNewsroom | None:
        """The stored newsroom if it was stored under `key` and is still true now, else None.
        `build` makes the whole newsroom, should the file turn out damaged later on."""
        if not is_regular_file(path):  # missing, or a FIFO SQLite would wait on for a writer
            return None
        try:
            db = sqlite3.connect(f"file:{path}?mode=ro", uri=True, check_same_thread=False)
        except sqlite3.Error:
            return None
        try:
            meta = dict(db.execute("SELECT key, value FROM meta"))
            changes_at = unseal(meta["changes_at"])
            if meta["key"] != key or (
                changes_at is not None and dt.datetime.now(dt.timezone.utc).timestamp() >= changes_at
            ):
                db.close()
                return None
            title, content_dir, sections, languages = unseal(meta["newsroom"])
            if not all(type(text) is str for text in (title, content_dir, *languages)) or type(languages) is not tuple:
                raise ValueError("stored newsroom: another format")
            names = [f.name for f in fields(Section)]
            sections = [Section(**dict(zip(names, values, strict=True))) for values in sections]
            stored = cls(
                title=title,
                content_dir=Path(content_dir),
                sections=sections,
                languages=languages,
                changes_at=None if changes_at is None else dt.datetime.fromtimestamp(changes_at, dt.timezone.utc),
            )
        except _DAMAGE:
            db.close()
            return None
        stored._attach(db, build, None, None)
        return stored

    def _attach(self, db: sqlite3.Connection, build: Callable[[], Newsroom], pick, label) -> None:
        self._db, self._build, self._pick, self._label = db, build, pick, label
        self._whole: Newsroom | None = None

    def view(self, pick: Callable[[Article], Article], label: Callable[[Section], str] | None = None) -> Newsroom:
        if not self.languages:
            return self
        viewed = replace(self, sections=[replace(s, label=label(s)) for s in self.sections] if label else self.sections)
        viewed._attach(self._db, self._build, pick, label)
        return viewed

    def articles_in(self, section_id: str, limit: int | None = None) -> list[Article]:
        section = self.section(section_id)
        if section is not None and section.front_page:
            query, params = "SELECT data FROM articles ORDER BY pos", ()
        else:
            query, params = "SELECT data FROM articles WHERE section = ? ORDER BY spos", (section_id,)
        if limit is not None and limit >= 0:  # (a negative one slices as a list does, below)
            query, params = query + " LIMIT ?", (*params, limit)
        try:
            return [self._shown(_decode_article(blob)) for (blob,) in self._db.execute(query, params)][:limit]
        except _DAMAGE:
            return self._whole_newsroom().articles_in(section_id, limit)

    def listing(self, section_id: str, limit: int | None = None) -> ListingRows:
        """The rows streamed a chunk at a time, lined up by the chunks' stored widths. Read before
        printing, and kept for it: a chunk with a width left to measure, the one `limit` cuts,
        and, checked against its rows, each chunk whose claim sets a column's width or names a
        section the newsroom lacks (an edited copy must not pad every row to a width no row has)."""
        if self._pick is not None or (limit is not None and limit < 0):
            return super().listing(section_id, limit)
        key = self._listing_key(section_id)
        read: dict[int, list[ListRow]] = {}  # chunk -> its rows, read before printing
        sizes: list[int] = []  # each chunk's stored count of rows
        to_check: set[int] = set()
        count, sections, widths, claimed_by = 0, set(), [0, 0, 0], [-1, -1, -1]
        try:
            heads = self._db.execute(
                "SELECT chunk, count, widths FROM listings WHERE front = ? AND section = ? ORDER BY chunk", key
            ).fetchall()
            claims = {}
            for number, (chunk, size, packed) in enumerate(heads):
                if limit is not None and count >= limit:
                    break
                claim = unseal(packed)
                if chunk != number or type(size) is not int or not 0 < size <= ROWS_A_CHUNK or not _is_widths(claim):
                    raise ValueError("stored newsroom: a listing of another format")
                if sizes and sizes[-1] != ROWS_A_CHUNK:  # only the last chunk is not full
                    raise ValueError("stored newsroom: a listing of another format")
                sizes.append(size)
                *measured, in_sections = claim
                if -1 in measured or (limit is not None and count + size > limit):
                    rows = read[chunk] = self._chunk(key, chunk, size)[: None if limit is None else limit - count]
                    size, measured, in_sections = len(rows), row_widths(rows), {row[1] for row in rows}
                else:
                    claims[chunk] = claim
                    if any(self.section(name) is None for name in in_sections):
                        to_check.add(chunk)
                count += size
                sections.update(in_sections)
                for column, width in enumerate(measured):
                    if width > widths[column]:
                        widths[column], claimed_by[column] = width, chunk
            to_check.update(chunk for chunk in claimed_by if chunk in claims)
            for chunk in sorted(to_check):
                rows = read[chunk] = self._chunk(key, chunk, sizes[chunk])
                if claims[chunk] != (*row_widths(rows), tuple(sorted({row[1] for row in rows}))):
                    raise ValueError("stored newsroom: widths its rows do not have")
        except _DAMAGE:
            return self._whole_newsroom().listing(section_id, limit)
        batches = self._batches(section_id, key, count, limit, sizes, read)
        return ListingRows(count, frozenset(sections), *widths, batches=batches)

    def _listing_key(self, section_id: str) -> tuple[int, str]:
        section = self.section(section_id)
        return (1, "") if section is not None and section.front_page else (0, section_id)

    def _chunk(self, key: tuple[int, str], chunk: int, size: int) -> list[ListRow]:
        """The chunk's rows, which its stored count must count."""
        (blob,) = self._db.execute(
            "SELECT rows FROM listings WHERE front = ? AND section = ? AND chunk = ?", (*key, chunk)
        ).fetchone()
        rows = unseal(blob)
        # (damage the printer would trip on, or that would drop rows or print some twice)
        if type(rows) is not list or len(rows) != size or not all(map(_is_row, rows)):
            raise ValueError("stored newsroom: a listing of another format")
        return rows

    def _batches(
        self, section_id: str, key: tuple[int, str], count: int, limit: int | None, sizes: list[int], read: dict
    ):
        done = 0
        try:
            for chunk in range(len(sizes)):
                if done >= count:
                    break
                rows = read.pop(chunk, None) or self._chunk(key, chunk, sizes[chunk])
                rows = rows[: count - done]
                done += len(rows)
                yield rows
        except _DAMAGE:  # found while printing: the rest comes from the whole newsroom
            yield self._whole_newsroom().listing_rows(section_id, limit)[done:]

    def article(self, article_id: str) -> Article | None:
        try:
            row = self._db.execute("SELECT data FROM articles WHERE id = ?", (article_id,)).fetchone()
            if row is None:
                row = self._db.execute(
                    "SELECT data FROM articles WHERE id = (SELECT id FROM aliases WHERE alias = ?)", (article_id,)
                ).fetchone()
            return self._shown(_decode_article(row[0])) if row is not None else None
        except _DAMAGE:
            return self._whole_newsroom().article(article_id)

    def _shown(self, article: Article) -> Article:
        return shown_as(article, self._pick) if self._pick is not None else article

    def _whole_newsroom(self) -> Newsroom:
        """The stored copy is damaged: the newsroom built as without it, viewed the same way."""
        if self._whole is None:
            whole = self._build()
            if self._pick is not None:
                whole = whole.view(self._pick, self._label)
            self._whole = whole
        return self._whole


def lookup_newsroom(config: Config, index_path: Path | None, listing_digest: str | None, build) -> Newsroom:
    """The newsroom for a lookup: the stored copy when it matches, else `build()` (and store it).
    `listing_digest` is what the index describes now (None: no usable index file)."""
    if index_path is None or listing_digest is None:
        return build()
    path = stored_path(index_path)
    key = key_for(config, listing_digest)
    stored = StoredNewsroom.open(path, key, build)
    if stored is not None:
        return stored
    newsroom = build()
    try:
        save(newsroom, path, key)
    except (OSError, sqlite3.Error):
        pass  # a read-only cache dir: answer anyway, without the copy
    return newsroom
