"""The main screen: section menu, article list and reader side by side.

Messages go up, method calls go down: the panes announce what was highlighted
or chosen, and this screen decides what the others show.
"""

from __future__ import annotations

import os

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.reactive import Reactive
from textual.screen import Screen
from textual.widget import Widget

from tui.core.cite import canonical_url, citation
from tui.core.document import article_reference, can_open, find_links
from tui.core.languages import language_name
from tui.core.loader import ContentError, load_body
from tui.core.model import Article, Newsroom, Section
from tui.core.text import clean_line
from tui.ui.screens.links import LinksScreen
from tui.ui.widgets.article_list import ArticleList
from tui.ui.widgets.key_bar import KeyBar
from tui.ui.widgets.masthead import Masthead
from tui.ui.widgets.reader import HighlightTerms, Reader
from tui.ui.widgets.section_menu import SAVED, SectionMenu
from tui.ui.widgets.section_note import SectionNote

NARROW_WIDTH = 70  # below this, one pane at a time


class BrowseScreen(Screen):
    BINDINGS = [
        Binding("tab", "pane(1)", "Next pane", show=False, id="next_pane"),
        Binding("shift+tab", "pane(-1)", "Previous pane", show=False, id="previous_pane"),
        Binding("escape", "back", "Back", id="back"),
        # On the highlighted article, or the open one while the reader has focus.
        Binding("m", "toggle_read", "Mark read / unread", show=False, id="toggle_read"),
        Binding("M", "mark_section_read", "Mark the section read", show=False, id="mark_section_read"),
        Binding("U", "undo_mark_read", "Undo marking the section read", show=False, id="undo_mark_read"),
        Binding("u", "unread_only", "Only unread articles, and back", show=False, id="unread_only"),
        Binding("s", "toggle_saved", "Save / unsave (收藏)", show=False, id="toggle_saved"),
        Binding("y", "copy_citation", "Copy a citation", show=False, id="copy_citation"),
    ]

    # A focus change restyles the two panes it concerns; Textual's Screen would repaint
    # the whole screen as well (its `focused` repaints by default).
    focused: Reactive[Widget | None] = Reactive(None, repaint=False)

    def __init__(self, newsroom: Newsroom | None = None) -> None:
        """`newsroom`: one the app has already (a server's), shown in the screen's first frame."""
        super().__init__()
        self._handed = newsroom
        self.newsroom: Newsroom | None = None
        self._shown_article: str | None = None
        self._shown_version: str | None = None  # the path of the page's version on show
        self._section_id: str | None = None

    def compose(self) -> ComposeResult:
        yield Masthead()
        with Horizontal(id="panes"):
            yield SectionMenu(id="sections")
            with Vertical(id="list-column"):
                yield SectionNote(id="section-note")
                yield ArticleList(id="articles")
            yield Reader(id="reader")
        yield KeyBar()

    @property
    def panes(self) -> list[Widget]:
        return [self.query_one(SectionMenu), self.query_one(ArticleList), self.query_one(Reader)]

    def on_mount(self) -> None:
        if self._handed is not None:  # the first frame: the layout for this width, the front page, its preview
            self.set_class(self.app.size.width < NARROW_WIDTH, "-narrow")
            self.show_newsroom(self._handed)
            self._handed = None
            self._article_highlighted()  # now, not at the list's message: a frame later
        else:
            self.query_one(Reader).show_hint("Loading...")
            self._focus_pane(0)
        self.watch(self.app, "unread_only", self._filter_changed, init=False)
        self.watch(self.app, "display_mode", self._version_changed, init=False)
        self.watch(self.app, "language", self._language_changed, init=False)

    @property
    def current_section(self) -> Section | None:
        return self.query_one(SectionMenu).current

    # --- data from the app ------------------------------------------------------

    def show_newsroom(self, newsroom: Newsroom, changed: frozenset[str] = frozenset()) -> None:
        """Show a (re)loaded newsroom; after the first, keep the reader's place.
        `changed`: the files a live update found changed (real paths)."""
        first = self.newsroom is None
        self.newsroom = newsroom
        menu, articles = self.query_one(SectionMenu), self.query_one(ArticleList)
        self._set_empty_text()
        if first:
            self.query_one(Reader).show_hint("Choose an article: arrows to move, enter to open.")
            section_id, article_id = newsroom.front_page.id, None
        else:
            known = self._section_id == SAVED.id or newsroom.section(self._section_id or "")
            section_id = self._section_id if known else newsroom.front_page.id
            article_id = articles.current.id if articles.current else None
        menu.show_newsroom(newsroom, section_id)
        self._show_section(section_id, article_id)
        if first:
            self._focus_pane(0)
        else:
            self._reopen_if_changed(changed)

    def _reopen_if_changed(self, changed: frozenset[str]) -> None:
        """After a reload: re-read the article on show if its file changed, where the
        reader was; if it is gone, say so."""
        reader = self.query_one(Reader)
        shown = reader.article
        if shown is None or self.newsroom is None:
            return
        fresh = self.newsroom.article(shown.id)  # the page, whichever version is on show
        if fresh is None:
            self._shown_article = None
            reader.show_hint("This article has been removed from the newsroom.")
            title = self.app.present(shown.title, shown)
            self.notify(f"Removed from the newsroom: {title}", severity="warning", markup=False, timeout=8)
            return
        version = self.app.shown(fresh)
        if version != shown or os.path.realpath(shown.path) in changed:
            self._shown_article, self._shown_version = fresh.id, version.path
            try:
                body = load_body(version, self.app.config)
                reader.show_changed_article(version, body, _other_languages(fresh, version))
            except (ContentError, OSError) as error:
                reader.show_changed_article(version, "", f"This article cannot be read now: {error}")

    def open_article(self, article_id: str, terms: HighlightTerms = ()) -> None:
        """Open an article (a search result: its matches highlighted) from the front page."""
        assert self.newsroom is not None
        article = self.newsroom.article(article_id)  # an alias or a variant's id finds it too
        if article is None:
            return
        front = self.newsroom.front_page.id
        self.query_one(SectionMenu).select_section(front)
        self._show_section(front, article.id)
        self._shown_article = None
        self._open(article, terms)
        self._focus_pane(2)

    def reset_to_front_page(self) -> None:
        """Back to how the app opened: front page, first article, menu focused."""
        if self.newsroom is None:
            return
        front = self.newsroom.front_page.id
        self.query_one(SectionMenu).select_section(front)
        self._show_section(front)
        self._focus_pane(0)
        self.query_one(Reader).scroll_to(y=0, animate=False)

    def show_next_headline(self) -> None:
        """Attract mode: the next of the newest headlines, round and round."""
        if self.newsroom is None or not self.newsroom.articles:
            return
        articles = self.query_one(ArticleList)
        if self._section_id != self.newsroom.front_page.id:
            self.reset_to_front_page()
        limit = min(len(articles.articles), 10)
        articles.move_cursor((articles.cursor + 1) % limit)
        self._open(articles.current)

    def _show_section(self, section_id: str, current_id: str | None = None) -> None:
        assert self.newsroom is not None
        self._section_id = section_id
        section = self.newsroom.section(section_id)
        self.query_one(SectionNote).text = section.description if section is not None else ""
        articles = self._articles_in(section_id)
        if self.app.unread_only:
            # The current article stays listed even if read: the list must not jump away from it.
            articles = [a for a in articles if not self.app.reading.is_read(a.id) or a.id == current_id]
        self.query_one(ArticleList).show_articles(articles, current_id)

    def _clear_preview_if_empty(self) -> None:
        """Beside an empty list the reader previews nothing, not the last section's article."""
        if self.query_one(ArticleList).current is None and not self.has_class("-narrow"):
            self._shown_article = None
            self.query_one(Reader).show_hint("")  # the list says why: no "choose an article" here

    def _articles_in(self, section_id: str) -> list[Article]:
        """A section's articles; 收藏 (Saved) lists the saved ones, newest saved first."""
        assert self.newsroom is not None
        if section_id == SAVED.id:
            found = (self.newsroom.article(article_id) for article_id in self.app.reading.saved_newest_first())
            return [article for article in found if article is not None]
        return self.newsroom.articles_in(section_id)

    @property
    def search_scope(self) -> str | None:
        """The section a search may be narrowed to (ctrl+g): none on the front page or 收藏."""
        section = self.current_section
        if section is None or section.front_page or section.id == SAVED.id:
            return None
        return section.id

    def show_saved(self) -> None:
        """The 收藏 (Saved) list, its first article highlighted."""
        if self.newsroom is None:
            return
        self.query_one(SectionMenu).select_section(SAVED.id)
        self._show_section(SAVED.id)
        self._clear_preview_if_empty()
        self._focus_pane(1)

    def _set_empty_text(self) -> None:
        if self.newsroom is None or not self.newsroom.complete:
            text = "Loading..."
        elif self.app.unread_only:
            text = f"No unread articles ({self.app.key_for('unread_only', 'u')}: all)."
        else:
            text = "No articles in this section."
        self.query_one(ArticleList).empty_text = text

    def _filter_changed(self) -> None:
        self._set_empty_text()
        if self.newsroom is not None and self._section_id is not None:
            current = self.query_one(ArticleList).current
            self._show_section(self._section_id, current.id if current else None)

    def _open(self, article: Article | None, terms: HighlightTerms = ()) -> None:
        reader = self.query_one(Reader)
        if article is None:
            self._shown_article = None
            reader.show_article(None)
            return
        version = self.app.shown(article)
        if article.id == self._shown_article and version.path == self._shown_version:
            return
        self._shown_article, self._shown_version = article.id, version.path
        reader.highlight(terms)
        try:
            reader.show_article(version, load_body(version, self.app.config), _other_languages(article, version))
        except (ContentError, OSError) as error:
            reader.show_article(version, "", f"This article cannot be read now: {error}")

    def _mark_opened(self) -> None:
        """An article is read once it is open in the reader with the reader in focus;
        the preview beside the list (wide layout) and attract mode read nothing."""
        reader = self.query_one(Reader)
        if reader.article is not None and self.focused is reader:
            self.app.mark_read([self._page_id(reader.article)])

    def _page_id(self, article: Article) -> str:
        """Read and saved state is kept by page: a page in several languages is one article."""
        page = self.newsroom.article(article.id) if self.newsroom is not None else None
        return page.id if page is not None else article.id

    def _version_changed(self) -> None:
        """A page written in several languages opens the version the script mode (or the
        language chosen) picks; the panes repaint themselves."""
        reader = self.query_one(Reader)
        if reader.article is not None and self.newsroom is not None:
            page = self.newsroom.article(reader.article.id)
            if page is not None and self.app.shown(page).path != self._shown_version:
                self._open(page, reader.terms)

    def _language_changed(self) -> None:
        self._version_changed()
        for pane in self.panes[:2]:
            pane.refresh()

    # --- messages from the panes ------------------------------------------------

    @on(SectionMenu.Highlighted, "#sections")
    def _section_highlighted(self, event: SectionMenu.Highlighted) -> None:
        section = self.query_one(SectionMenu).current
        if section is not None and self.newsroom is not None and section.id != self._section_id:
            self._show_section(section.id)
            self._clear_preview_if_empty()

    @on(SectionMenu.Selected, "#sections")
    def _section_selected(self) -> None:
        self._focus_pane(1)

    @on(ArticleList.Highlighted, "#articles")
    def _article_highlighted(self) -> None:
        articles = self.query_one(ArticleList)
        if self.has_class("-narrow") or self._moves_on(articles):
            return  # a row passed over by keys typed ahead is not previewed
        self._open(articles.current)

    def _moves_on(self, articles: ArticleList) -> bool:
        """Whether the next key typed ahead moves this list's cursor again."""
        key = self.app.next_typed_key
        if key is None or self.focused is not articles:
            return False
        active = self.active_bindings.get(key.key)  # what the key will do, keymap and all
        return active is not None and active.node is articles and active.binding.action in articles.CURSOR_ACTIONS

    @on(ArticleList.Selected, "#articles")
    def _article_selected(self) -> None:
        self._open(self.query_one(ArticleList).current)
        self._focus_pane(2)

    @on(Reader.LinksWanted)
    def _links(self) -> None:
        reader = self.query_one(Reader)
        if reader.article is None:
            return
        try:
            links = find_links(load_body(reader.article, self.app.config))
        except (ContentError, OSError):
            links = []

        current_id = reader.article.id

        def chosen(href: str | None) -> None:
            if href is None:
                return
            target = article_reference(href, current_id)
            if target is not None:
                self._follow(target)
            elif self.app.kiosk is not None:
                self.notify("Links cannot be opened here.", markup=False)
            elif not can_open(href):
                self.notify(
                    f"Not opened: only http, https and mailto links open ({href[:60]})",
                    severity="warning",
                    markup=False,
                )
            else:
                self.app.open_url(href)

        self.app.push_screen(LinksScreen(links), chosen)

    def _follow(self, target: str) -> None:
        """Open the article a link inside the newsroom points to (Hugo's ref, Zola's @/)."""
        if self.newsroom is None:
            return
        article = self.newsroom.article(target)
        if article is None:  # `ref "post.md"` names a page by its file name, wherever it is
            article = next((a for a in self.newsroom.articles if a.id.endswith("/" + target)), None)
        if article is None:
            self.notify(f"No article {target} in this newsroom.", severity="warning", markup=False)
        else:
            self.open_article(article.id)

    @on(Reader.Step)
    def _step(self, event: Reader.Step) -> None:
        articles = self.query_one(ArticleList)
        before = articles.cursor
        articles.move_cursor(articles.cursor + event.step)
        if articles.cursor == before:
            self.app.bell()
        self._open(articles.current)
        self._mark_opened()

    # --- panes --------------------------------------------------------------------

    def _focus_pane(self, index: int) -> None:
        panes = self.panes
        index %= len(panes)
        self._mark_active(index)
        # Focus now, not after a refresh (Widget.focus defers it): keys typed ahead,
        # as they arrive together over a slow SSH link, must reach the new pane.
        self.set_focus(panes[index])
        self._mark_opened()

    def _focused_pane(self) -> int:
        focused = self.focused
        panes = self.panes
        return panes.index(focused) if focused in panes else 0

    def action_pane(self, step: int) -> None:
        self._focus_pane(self._focused_pane() + step)

    def action_back(self) -> None:
        current = self._focused_pane()
        if current > 0:
            self._focus_pane(current - 1)

    def on_descendant_focus(self) -> None:
        self._mark_active(self._focused_pane())
        self._mark_opened()  # the reader clicked into

    def _mark_active(self, index: int) -> None:
        """The active pane is the one a narrow screen shows. Only there: a class change
        restyles the pane, and Textual repaints the scrollbars of every restyled widget."""
        if self.has_class("-narrow"):
            for number, pane in enumerate(self.panes):
                pane.set_class(number == index, "-active")
            self.query_one("#list-column").set_class(index == 1, "-active")  # the list and its section's note

    # --- read and saved -------------------------------------------------------------

    def _target(self) -> Article | None:
        """The article a key acts on: the open one while the reader has focus, else the highlighted one."""
        reader = self.query_one(Reader)
        if self.focused is reader and reader.article is not None:
            return reader.article
        return self.query_one(ArticleList).current

    def action_toggle_read(self) -> None:
        article = self._target()
        if article is None:
            self.app.bell()
            return
        page_id = self._page_id(article)
        read = not self.app.reading.is_read(page_id)
        self.app.mark_read([page_id], read)
        self.notify("Marked read." if read else "Marked unread.", markup=False, timeout=2)

    def action_mark_section_read(self) -> None:
        section = self.current_section
        if section is None or self.newsroom is None:
            return
        label = self.app.present(section.label)
        changed = self.app.mark_read([article.id for article in self._articles_in(section.id)])
        if not changed:
            self.notify(f"Nothing unread in {label}.", markup=False, timeout=3)
            return
        self.app.last_marked_read = changed
        count = len(changed)
        undo = self.app.key_for("undo_mark_read", "U")
        self.notify(
            f"Marked {count} article{'s' if count != 1 else ''} read in {label}. {undo}: undo",
            markup=False,
            timeout=8,
        )

    def action_undo_mark_read(self) -> None:
        marked, self.app.last_marked_read = self.app.last_marked_read, []
        changed = self.app.mark_read(marked, read=False)
        if not changed:
            self.app.bell()
            return
        count = len(changed)
        self.notify(f"Marked {count} article{'s' if count != 1 else ''} unread again.", markup=False, timeout=3)

    def action_unread_only(self) -> None:
        self.app.unread_only = not self.app.unread_only

    def action_copy_citation(self) -> None:
        article = self._target()
        if article is None:
            self.app.bell()
            return
        self.app.copy_text(citation(article, self.app.present, canonical_url(article)), "a citation")

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "copy_citation" and self.app.kiosk is not None:
            return False  # a kiosk never copies
        return True

    def action_toggle_saved(self) -> None:
        article = self._target()
        if article is None:
            self.app.bell()
            return
        saved = self.app.toggle_saved(self._page_id(article))
        self.notify("Saved to 收藏." if saved else "Taken out of 收藏.", markup=False, timeout=2)

    def on_resize(self) -> None:
        self.set_class(self.size.width < NARROW_WIDTH, "-narrow")
        self._mark_active(self._focused_pane())


def _other_languages(page: Article, shown: Article) -> str:
    """The reader's note on a page written in several languages: which others it has."""
    others = [version.lang for version in page.versions if version.path != shown.path and version.lang]
    if not others:
        return ""
    names = ", ".join(dict.fromkeys(clean_line(language_name(tag)) for tag in others))
    return f"Also in {names} (l: language)"
