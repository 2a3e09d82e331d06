"""The article list: two lines an article (title; date and byline), newest first.

An unread article's title is bold with a `*` before it, and a saved one has a
`+` before its second line: ASCII marks, one cell wide in every terminal and
locale, so they show under NO_COLOR and on a monochrome terminal too.
"""

from __future__ import annotations

from rich.segment import Segment
from textual.strip import Strip

from tui.chinese.layout import wrap
from tui.core.model import Article
from tui.core.text import fit
from tui.ui.widgets.row_list import Cell, RowList

UNREAD_MARK = "*"
SAVED_MARK = "+"


class ArticleList(RowList):
    DEFAULT_CSS = """
    ArticleList {
        width: 1fr;
        min-width: 24;
        & > .article-list--unread { color: $text-accent; text-style: bold; }
        & > .article-list--saved { color: $text-success; text-style: bold; }
    }
    """
    COMPONENT_CLASSES = {"article-list--unread", "article-list--saved"}

    row_height = 2

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.articles: list[Article] = []
        self.empty_text = "Loading..."

    def on_mount(self) -> None:
        self.watch(self.app, "reading_version", self.refresh_changed_rows, init=False)

    def show_articles(self, articles: list[Article], current_id: str | None = None) -> None:
        self.articles = articles
        cursor = 0
        if current_id is not None:
            cursor = next((i for i, a in enumerate(articles) if a.id == current_id), 0)
        self.set_row_count(len(articles), cursor)

    @property
    def current(self) -> Article | None:
        return self.articles[self.cursor] if self.articles else None

    def select_article(self, article_id: str) -> bool:
        for index, article in enumerate(self.articles):
            if article.id == article_id:
                self.move_cursor(index)
                return True
        return False

    def row_lines(self, index: int, width: int) -> list[list[Cell]]:
        page = self.articles[index]
        article = self.app.shown(page)  # a page in several languages: the version on show
        place = page.site.place if page.site is not None else ""  # deeper folders' labels
        reading = self.app.reading
        unread = not reading.is_read(page.id)
        saved = reading.is_saved(page.id)
        meta = "  ".join(
            part
            for part in (article.date_text, self.app.present(article.byline, article), self.app.present(place))
            if part
        )
        return [
            [
                Cell(UNREAD_MARK if unread else " ", "article-list--unread", width=1),
                Cell(" ", width=1),
                Cell(self.app.present(article.title, article), "row-list--strong" if unread else ""),
            ],
            [
                Cell(SAVED_MARK if saved else " ", "article-list--saved", width=1),
                Cell(" ", width=1),
                Cell(meta, "row-list--dim"),
            ],
        ]

    def render_line(self, y: int) -> Strip:
        if not self.articles:
            width = self.line_width
            text = self.empty_text
            lines = [text[start:end] for start, end in wrap(text, width - 1)]  # under a one-cell margin
            if 1 <= y <= len(lines):
                style = self.base_style + self.get_component_rich_style("row-list--dim", partial=True)
                return Strip([Segment(fit(" " + lines[y - 1], width), style)], width)
        return super().render_line(y)
