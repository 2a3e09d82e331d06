"""Search results, listed like the article list (unread ones bold with a `*`), with the matches marked."""

from __future__ import annotations

from collections.abc import Callable

from tui.chinese.normalize import find_spans
from tui.core.model import Newsroom
from tui.search.index import Hit
from tui.ui.widgets.article_list import UNREAD_MARK
from tui.ui.widgets.reader import HighlightTerms
from tui.ui.widgets.row_list import Cell, RowList

MakeSnippets = Callable[[list[Hit]], list[Hit]]


class ResultList(RowList):
    DEFAULT_CSS = """
    ResultList { height: 1fr; }
    """

    row_height = 3
    SNIPPETS_AT_ONCE = 24  # made together when the list reaches a hit without its snippet

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.hits: list[Hit] = []
        self.terms: HighlightTerms = ()
        self.newsroom: Newsroom | None = None
        self._make_snippets: MakeSnippets | None = None

    def show_hits(
        self, hits: list[Hit], terms: HighlightTerms, newsroom: Newsroom, make_snippets: MakeSnippets | None = None
    ) -> None:
        """`make_snippets` makes the snippets of hits that came without (see SearchIndex.search)."""
        self.hits, self.terms, self.newsroom = hits, terms, newsroom
        self._make_snippets = make_snippets
        self.set_row_count(len(hits))

    def clear(self) -> None:
        """No hits, and nothing kept of the newsroom they came from."""
        self.hits, self.newsroom, self._make_snippets = [], None, None
        self.set_row_count(0)

    def _snippet(self, index: int) -> str:
        hit = self.hits[index]
        if hit.snippet is None:
            end = index + self.SNIPPETS_AT_ONCE
            batch = self._make_snippets(self.hits[index:end]) if self._make_snippets else []
            self.hits[index : index + len(batch)] = batch
            hit = self.hits[index]
        return hit.snippet or ""

    @property
    def current(self) -> Hit | None:
        return self.hits[self.cursor] if self.hits else None

    def row_lines(self, index: int, width: int) -> list[list[Cell]]:
        hit = self.hits[index]
        article = self.newsroom.article(hit.article_id) if self.newsroom else None
        if article is None:
            return [[Cell(" " + hit.article_id)], [Cell("")], [Cell("")]]
        unread = not self.app.reading.is_read(article.id)  # kept by page, whichever version is shown
        article = self.app.shown(article)
        present = self.app.present
        # Marks are found again in the text as shown, so they land on the right
        # characters in whichever script is on.
        title = present(article.title, article)
        snippet = present(self._snippet(index), article)
        section = self.newsroom.section(article.section)
        # A pinyin match says what it matched (質量 zhìliàng), so a reader who
        # typed Latin knows what was found; before the byline, which may be cut.
        label = present(section.label) if section else ""
        meta = "  ".join(
            p for p in (article.date_text, label, present(hit.pinyin, article), present(article.byline, article)) if p
        )
        return [
            [
                Cell(f"{UNREAD_MARK} " if unread else "  ", "row-list--strong", width=2),
                Cell(title, "row-list--strong" if unread else "", marks=tuple(find_spans(title, self.terms))),
            ],
            [Cell("  ", width=2), Cell(meta, "row-list--dim")],
            [Cell("   ", width=3), Cell(snippet, marks=tuple(find_spans(snippet, self.terms)))],
        ]
