"""The content model: articles, sections, problems and the newsroom that holds them."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Literal, NamedTuple, Protocol

from tui.core.records import field, fields, record, replace
from tui.core.text import cell_len, clean_line

Date = dt.datetime | dt.date
Severity = Literal["error", "warning"]


@record(frozen=True)
class Problem:
    """Something wrong with a file, reported with where and why.

    `path` and `message` are as they are (a file name may hold any character, and
    a script given the path must be able to open the file); `str()` is the form
    for a terminal, with control and bidi characters taken out.
    """

    path: str
    line: int
    message: str
    severity: Severity = "error"

    def __str__(self) -> str:
        return f"{self.where}: {self.severity}: {clean_line(self.message)}"

    @property
    def where(self) -> str:
        """`path:line`, cleaned for a terminal."""
        return f"{clean_line(self.path)}:{self.line}"


@record(frozen=True, slots=True)
class PageInfo:
    """What a static site says about a page beyond the newsroom's own fields.

    Plain newsroom articles have none (Article.site is None): 100,000 of them
    pay for one empty slot, not a dozen.
    """

    lang: str = ""  # the language tag of this text ("" when the site does not say)
    updated: Date | None = None  # lastmod / updated
    weight: int = 0  # 0: unweighted (after weighted pages, as Hugo sorts)
    aliases: tuple[str, ...] = ()  # old ids that still open this page
    group: str = ""  # translationKey: files with one key are one page's translations
    publish: Date | None = None  # publishDate: hidden until then
    expiry: Date | None = None  # expiryDate: hidden from then on
    kind: str = "page"  # "section": an _index file, giving its folder a label, description and order
    sort_by: str = ""  # a section page's order for its pages: "weight", "date", "title"
    has_body: bool = True
    # Worked out when the newsroom is assembled:
    place: str = ""  # labels of the branch folders between the section and the page
    order: tuple[int, ...] = ()  # weights of those folders, then the page's own
    variants: tuple[Article, ...] = ()  # the same page in the site's other languages


@record(frozen=True, slots=True)
class Article:
    """One article's metadata. The body stays on disk until it is read.

    Slots and a plain-string path: a newsroom holds 100,000 of these.
    """

    id: str
    path: str
    section: str
    title: str
    date: Date | None = None
    subtitle: str = ""
    byline: str = ""
    source: str = ""
    caption: str = ""
    summary: str = ""
    tags: tuple[str, ...] = ()
    body_line: int = 1  # line of the file where the body starts
    glossary: tuple[tuple[str, str], ...] = ()  # per-article script rules
    site: PageInfo | None = None  # static-site fields; None for a plain article

    @property
    def date_text(self) -> str:
        return date_text(self.date)

    @property
    def dateline(self) -> str:
        """The date, and when the page was last updated if that is another day."""
        updated = self.site.updated if self.site is not None else None
        if updated is None or date_text(updated)[:10] == self.date_text[:10]:
            return self.date_text
        return f"{self.date_text}  updated {date_text(updated)}".strip()

    @property
    def lang(self) -> str:
        return self.site.lang if self.site is not None else ""

    @property
    def versions(self) -> tuple[Article, ...]:
        """This page in every language it has: itself first (the site's default language)."""
        return (self, *self.site.variants) if self.site is not None and self.site.variants else (self,)

    @property
    def sort_key(self) -> tuple:
        """Newest first, undated last, then by title for a stable order."""
        if self.date is None:
            stamp = float("inf")
        elif isinstance(self.date, dt.datetime):
            moment = self.date if self.date.tzinfo else self.date.replace(tzinfo=dt.timezone.utc)
            stamp = -moment.timestamp()
        else:
            stamp = -dt.datetime(self.date.year, self.date.month, self.date.day, tzinfo=dt.timezone.utc).timestamp()
        return (stamp, self.title, self.id)


class Details(NamedTuple):
    """What an article shows only when it is open: read when asked for (see LazyArticle)."""

    subtitle: str = ""
    source: str = ""
    caption: str = ""
    summary: str = ""
    tags: tuple[str, ...] = ()
    body_line: int = 1
    glossary: tuple[tuple[str, str], ...] = ()


class DetailsSource(Protocol):
    """Where a LazyArticle's details come from (tui/search/index.py: the index, else the file)."""

    root: str  # the content dir with a trailing separator

    def details(self, rel: str) -> Details: ...


_SLOTS = {name: Article.__dict__[name] for name in Article.__slots__}  # the slots themselves, past properties
_DETAILS = Details._fields
_LIST_FIELDS = tuple(name for name in Article.__slots__ if name not in _DETAILS and name != "path")
_ARTICLE_FIELDS = tuple(f.name for f in fields(Article))


class LazyArticle(Article):
    """An Article that keeps only what the lists show (id, section, title, date, byline, site).

    Its details (subtitle, source, caption, summary, tags, body line, glossary) are read when
    asked for, from `DetailsSource` (the index, as the file was last indexed), and its path is
    kept relative to the content dir, or not at all when it is the id plus ".md": at 100,000
    articles about 25 MB less than `Article`. It equals, hashes and prints as the `Article` with
    the same values. `replace` gives a plain `Article` (every detail read);
    `with_fields` copies one without reading them.
    """

    __slots__ = ("_from",)

    def __new__(cls, *args, **kwargs):  # built from its fields (replace, copies): a plain Article
        return Article(*args, **kwargs)

    @classmethod
    def make(cls, source: DetailsSource, rel: str, **listed) -> LazyArticle:
        """`listed`: the fields lists show (id, section, title, date, byline, site)."""
        article = object.__new__(cls)
        for name in _LIST_FIELDS:
            _SLOTS[name].__set__(article, listed.get(name, _LIST_DEFAULTS[name]))
        for name, value in zip(_DETAILS, Details()):
            _SLOTS[name].__set__(article, value)  # unused: the properties below answer
        _SLOTS["path"].__set__(article, None if rel == listed["id"] + ".md" else rel)
        _FROM.__set__(article, source)
        return article

    @property
    def rel(self) -> str:
        """The path relative to the content dir (POSIX)."""
        kept = _SLOTS["path"].__get__(self)
        return self.id + ".md" if kept is None else kept

    @property
    def path(self) -> str:  # type: ignore[override]
        return self._from.root + self.rel

    @property
    def details(self) -> Details:
        return self._from.details(self.rel)

    subtitle = property(lambda self: self.details.subtitle)  # type: ignore[assignment]
    source = property(lambda self: self.details.source)  # type: ignore[assignment]
    caption = property(lambda self: self.details.caption)  # type: ignore[assignment]
    summary = property(lambda self: self.details.summary)  # type: ignore[assignment]
    tags = property(lambda self: self.details.tags)  # type: ignore[assignment]
    body_line = property(lambda self: self.details.body_line)  # type: ignore[assignment]
    glossary = property(lambda self: self.details.glossary)  # type: ignore[assignment]

    def _values(self) -> tuple:
        return tuple(getattr(self, name) for name in _ARTICLE_FIELDS)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Article):
            return self._values() == tuple(getattr(other, name) for name in _ARTICLE_FIELDS)
        return NotImplemented

    def __hash__(self) -> int:
        return hash(self._values())  # as Article's: equal articles hash alike

    def __reduce__(self):
        return (Article, self._values())

    def __repr__(self) -> str:
        return repr(Article(*self._values()))

    def _copy(self, changes: dict) -> LazyArticle:
        article = object.__new__(LazyArticle)
        for name in Article.__slots__:
            _SLOTS[name].__set__(article, _SLOTS[name].__get__(self))
        _FROM.__set__(article, self._from)
        if "id" in changes and _SLOTS["path"].__get__(self) is None:
            _SLOTS["path"].__set__(article, self.rel)  # the path was the old id's
        for name, value in changes.items():
            _SLOTS[name].__set__(article, value)
        return article


_FROM = LazyArticle.__dict__["_from"]
_LIST_DEFAULTS = {f.name: f.default for f in fields(Article)}


def with_fields(article: Article, **changes) -> Article:
    """`replace` for articles: a LazyArticle stays lazy (its details are not read)
    unless a detail or the path changes."""
    if type(article) is LazyArticle and not changes.keys() & {*_DETAILS, "path"}:
        return article._copy(changes)
    return replace(article, **changes)


def date_text(date: Date | None) -> str:
    """2010-09-27, or 2010-09-27 08:30 for a time of day (year 1 as 0001, never 1)."""
    if date is None:
        return ""
    day = f"{date.year:04d}-{date.month:02d}-{date.day:02d}"
    if isinstance(date, dt.datetime) and (date.hour, date.minute) != (0, 0):
        return f"{day} {date.hour:02d}:{date.minute:02d}"
    return day


@record(frozen=True)
class Section:
    """A section of the newsroom: a menu entry and the articles filed under it."""

    id: str
    label: str
    front_page: bool = False
    description: str = ""  # from the section's _index file
    order_by: str = "date"  # "date" (newest first), "weight" or "title"
    labels: tuple[tuple[str, str], ...] = ()  # (language, label) in each language the site labels it


# One row of `newsroom list`: date, section id, title, id, and the widths of the title and the
# id in terminal cells (-1: not measured yet). A plain tuple: a stored newsroom hands them out
# a thousand at a time, straight from `marshal`.
ListRow = tuple[str, str, str, str, int, int]


def row_widths(rows: Iterable[ListRow]) -> tuple[int, int, int]:
    """The widest date (in characters, "-" for none), title and id (in cells) of the rows."""
    date_width = title_width = id_width = 0
    for date, _, title, article_id, title_cells, id_cells in rows:
        date_width = max(date_width, len(date) or 1)
        title_width = max(title_width, title_cells if title_cells >= 0 else cell_len(title))
        id_width = max(id_width, id_cells if id_cells >= 0 else cell_len(article_id))
    return date_width, title_width, id_width


@record
class ListingRows:
    """A listing as `newsroom list` prints it: its rows, a batch at a time, and what lining them
    up takes before the first is printed: how many there are, the sections they are in, and
    each column's widest. A stored newsroom streams the batches from disk, so that 100,000 rows
    never sit in memory at once."""

    count: int
    sections: frozenset[str]
    date_width: int
    title_width: int
    id_width: int
    batches: Iterable[list[ListRow]]  # read once

    @classmethod
    def of(cls, rows: list[ListRow]) -> ListingRows:
        """Rows at hand, measured, in batches of a thousand (the printer writes a batch at a time)."""
        batches = [rows[start : start + 1000] for start in range(0, len(rows), 1000)]
        return cls(len(rows), frozenset(row[1] for row in rows), *row_widths(rows), batches=batches)


def list_row(article: Article, title: str | None = None) -> ListRow:
    """The article's row, with `title` (converted, say) for its own if given."""
    return (article.date_text, article.section, article.title if title is None else title, article.id, -1, -1)


@record
class Newsroom:
    """Everything loaded from one content directory, ready to browse."""

    title: str
    content_dir: Path
    sections: list[Section]
    articles: list[Article] = field(default_factory=list)  # sorted newest first
    problems: list[Problem] = field(default_factory=list)
    complete: bool = True  # False: a first-paint preview of the newest articles only
    aliases: dict[str, str] = field(default_factory=dict)  # old or other ids -> the article's id
    languages: tuple[str, ...] = ()  # the languages pages are written in, the default first
    # The next moment a scheduled page appears or an expiring one goes: until then, a copy of
    # this newsroom kept for lookups stays true (see tui/search/stored.py). None: no such page.
    changes_at: dt.datetime | None = None

    def __post_init__(self) -> None:
        self._by_id = {article.id: article for article in self.articles}
        self._by_section: dict[str, list[Article]] = {}
        for article in self.articles:
            self._by_section.setdefault(article.section, []).append(article)
        for section in self.sections:
            listed = self._by_section.get(section.id)
            if listed and section.order_by == "weight":
                listed.sort(key=_weight_order)
            elif listed and section.order_by == "title":
                listed.sort(key=lambda article: (article.title, article.id))

    @property
    def front_page(self) -> Section:
        return next((s for s in self.sections if s.front_page), self.sections[0])

    def section(self, section_id: str) -> Section | None:
        return next((s for s in self.sections if s.id == section_id), None)

    def articles_in(self, section_id: str, limit: int | None = None) -> list[Article]:
        """A section's articles, newest first; the front page lists every article.
        `limit`: only the first so many."""
        section = self.section(section_id)
        if section is not None and section.front_page:
            return self.articles[:limit]
        return self._by_section.get(section_id, [])[:limit]

    def listing_rows(self, section_id: str, limit: int | None = None) -> list[ListRow]:
        """`articles_in` as rows for `newsroom list`, titles as written (a stored newsroom reads
        only these columns, not whole articles)."""
        return [list_row(article) for article in self.articles_in(section_id, limit)]

    def listing(self, section_id: str, limit: int | None = None) -> ListingRows:
        """`listing_rows`, measured for printing (a stored newsroom streams them)."""
        return ListingRows.of(self.listing_rows(section_id, limit))

    def view(self, pick: Callable[[Article], Article], label: Callable[[Section], str] | None = None) -> Newsroom:
        """This newsroom with each page shown in the version `pick` chooses, and each section
        labelled as `label` says (for printing: the app picks row by row). A version keeps its
        page's id and section."""
        if not self.languages:
            return self
        sections = [replace(section, label=label(section)) for section in self.sections] if label else self.sections
        return replace(self, articles=[shown_as(article, pick) for article in self.articles], sections=sections)

    def article(self, article_id: str) -> Article | None:
        """The article with this id, or with this among its aliases."""
        found = self._by_id.get(article_id)
        if found is None and article_id in self.aliases:
            found = self._by_id.get(self.aliases[article_id])
        return found


def shown_as(article: Article, pick: Callable[[Article], Article]) -> Article:
    """The page in the version `pick` chooses, keeping the page's id and section."""
    chosen = pick(article)
    if chosen is not article:
        chosen = with_fields(chosen, id=article.id, section=article.section, site=_with_versions(chosen, article))
    return chosen


def _with_versions(chosen: Article, page: Article) -> PageInfo:
    """The chosen version's fields, and the page's other versions as its variants."""
    others = tuple(version for version in page.versions if version is not chosen)
    return replace(chosen.site or PageInfo(), variants=others)


_UNWEIGHTED = 1 << 62


def _weight_order(article: Article) -> tuple:
    """Weighted pages first (lightest first, each folder's weight before its pages'), then by date."""
    info = article.site
    order = (info.order or (info.weight,)) if info is not None else ()
    return (tuple(weight or _UNWEIGHTED for weight in order) or (_UNWEIGHTED,), article.sort_key)
