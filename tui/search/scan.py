"""Search without an index: every loaded article, checked one by one.

Used while the index cannot answer — found damaged mid-session and being
rebuilt, or (in a kiosk) when there is no shared index and a visitor must not
build one of their own. Slower than the index (each article's body is read
from disk, then kept up to a budget), but it gives the same answers: the same
exact check on folded text (`index._verify`), the same filters, title matches
first, then newest first.
"""

from __future__ import annotations

import threading

from tui.chinese.normalize import fold_text
from tui.core.loader import ContentError, load_body
from tui.core.model import Article, Newsroom
from tui.search.index import Hit, _verify, shown_text
from tui.search.query import Query, parse_query

BODY_BUDGET = 32_000_000  # characters of bodies kept between searches (~the 10k-article corpus)


class ScanSearch:
    """Searches a loaded Newsroom by reading its articles."""

    def __init__(self, newsroom: Newsroom):
        self.newsroom = newsroom
        self._bodies: dict[str, str] = {}
        self._kept = 0
        self._lock = threading.Lock()

    def search(self, query: Query | str, limit: int = 50, section: str | None = None) -> list[Hit]:
        """Like `SearchIndex.search`, over the loaded articles (every hit with its snippet)."""
        if isinstance(query, str):
            query = parse_query(query)
        if query.is_empty or limit <= 0:
            return []
        hits = []
        for article in self.newsroom.articles:  # newest first, undated last
            if not _passes_filters(article, query, section):
                continue
            hit = _verify(query, article.id, article.title, self._body(article), pinyin_allowed=query.has_pinyin)
            if hit is not None:
                hits.append(hit)
        # Stable: newest first within a rank; plain matches before pinyin ones, title matches first.
        hits.sort(key=lambda hit: (hit.pinyin_rank, hit.tier))
        return hits[:limit]

    def _body(self, article: Article) -> str:
        body = self._bodies.get(article.id)
        if body is not None:
            return body
        try:
            body = shown_text(load_body(article))  # as the index keeps it: never words the reader hides
        except (ContentError, OSError):
            body = ""  # gone or broken since it was loaded: its title can still match
        with self._lock:
            if self._kept + len(body) <= BODY_BUDGET:
                self._bodies[article.id] = body
                self._kept += len(body)
        return body


def _passes_filters(article: Article, query: Query, section: str | None) -> bool:
    """The index's filters (`index._filter_sql`), on one article."""
    filters = query.filters
    if section is not None and article.section != section:
        return False
    if filters.sections and article.section not in filters.sections:
        return False
    if filters.tags and not set(filters.tags) <= {fold_text(tag) for tag in article.tags}:
        return False
    if filters.bylines and not all(name in fold_text(article.byline) for name in filters.bylines):
        return False
    if filters.since or filters.until:
        if article.date is None:
            return False
        day = article.date.isoformat()[:10]
        if filters.since and day < filters.since.isoformat():
            return False
        if filters.until and day > filters.until.isoformat():
            return False
    return True


__all__ = ["ScanSearch"]
