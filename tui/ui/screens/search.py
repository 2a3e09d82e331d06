"""Search: results update as you type; enter opens one; escape goes back to where you were.

The app keeps one search screen and opens it again, emptied, for each search: composing and
styling its widgets anew cost more than the rest of opening it."""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Input, Static

from tui.chinese.normalize import prepare as prepare_search
from tui.search.index import Hit
from tui.search.query import parse_query
from tui.ui.widgets.key_bar import KeyBar
from tui.ui.widgets.masthead import Masthead
from tui.ui.widgets.result_list import ResultList

RESULT_LIMIT = 200
# Hits that come with their snippets: more than a tall screen shows. Making a snippet costs more
# than finding the hit, so the rest are made as the list scrolls to them.
SNIPPETS_FIRST = 24
SLOW_SEARCH_SECONDS = 0.3  # an answer this late is announced by "Searching..."


@dataclass(frozen=True)
class SearchChoice:
    article_id: str
    terms: tuple[tuple[str, ...], ...]


class SearchScreen(Screen[SearchChoice | None]):
    BINDINGS = [
        Binding("escape", "dismiss(None)", "Back", id="close_search"),
        Binding("ctrl+g", "toggle_scope", "Section only", id="search_scope"),
        Binding("down", "results", "Results", show=False),
    ]
    DEFAULT_CSS = """
    SearchScreen #query { margin: 1 1 0 1; background: $boost; padding: 0 1; }
    SearchScreen #search-status { height: 1; width: 1fr; padding: 0 2; color: $text-muted; }
    """

    @dataclass
    class Results(Message):
        asked: int  # the request it answers (see `_search`): only the latest one's is shown
        text: str
        hits: list[Hit]
        warnings: tuple[str, ...]
        scanned: bool = False  # the loaded articles answered: the index could not

    def __init__(self) -> None:
        super().__init__()
        self.section_id: str | None = None
        self.section_label = ""
        self.scoped = False
        self._asked = 0  # requests made: an answer to an earlier one, even from an earlier opening, is dropped

    def begin(self, section_id: str | None, section_label: str) -> None:
        """Make ready for a new search, from the section `section_id` (None: no section):
        an empty query in every article, and nothing of the last search on screen."""
        self.section_id, self.section_label = section_id, section_label
        self.scoped = False
        if not self.is_mounted:
            return  # composed empty, and on_mount asks
        query = self.query_one(Input)
        with query.prevent(Input.Changed):
            query.value = ""
        self.set_focus(query)
        self._search()
        self.query_one(ResultList).clear()  # the empty answer comes a cycle later: not a frame of old hits

    def compose(self) -> ComposeResult:
        yield Masthead()
        # compact: no block-character border, which CJK terminals may draw two cells wide.
        query = Input(
            placeholder='Search: words  "a phrase"  -not  section:ID  tag:X  by:NAME  since:2010-01-01',
            id="query",
            select_on_focus=False,
            compact=True,
        )
        query.cursor_blink = False  # a blink redraws the line twice a second, idle or not: bytes on a slow link
        yield query
        yield Static("", id="search-status", markup=False)
        yield ResultList(id="results")
        yield KeyBar()

    def on_mount(self) -> None:
        self.load_pinyin()
        # "Searching..." only if an answer is slow to come: shown at every key, it would
        # send the line twice per key while the count answers within a frame or two.
        self._slow = self.set_timer(SLOW_SEARCH_SECONDS, self._searching, pause=True)
        self.query_one(Input).focus()
        self._search()
        self.watch(self.app, "content_version", self._content_changed, init=False)

    def on_screen_suspend(self) -> None:
        if self not in self.app.screen_stack:  # closed, not covered: let go of its hits and their newsroom
            self.query_one(ResultList).clear()

    def _content_changed(self) -> None:
        if self.is_current:  # ask again; a closed search is asked afresh when it opens
            self._search()

    @on(Input.Changed, "#query")
    def _search(self) -> None:
        text = self.query_one(Input).value
        if text.strip():
            self._slow.reset()
            self._slow.resume()
        else:
            self._slow.pause()
            self._set_status("Type to search every article, in either script.")
        self._asked += 1
        self.run_search(self._asked, text, self.section_id if self.scoped else None)

    def _searching(self) -> None:
        self._slow.pause()
        self._set_status("Searching...")

    @work(thread=True, group="pinyin", exit_on_error=False)
    def load_pinyin(self) -> None:
        """The search tables and pinyin readings (~70 MB) load only once someone searches."""
        prepare_search()

    @work(thread=True, exclusive=True, group="search", exit_on_error=False)
    def run_search(self, asked: int, text: str, section_id: str | None) -> None:
        """Runs off the UI thread; a newer keystroke's search supersedes this one (a thread
        cannot be stopped: its answer comes, and is dropped)."""
        query = parse_query(text)
        if query.is_empty:
            self.post_message(self.Results(asked, text, [], query.warnings))
            return
        hits, scanned = self.app.search_articles(query, RESULT_LIMIT, section_id, snippets=SNIPPETS_FIRST)
        self.post_message(self.Results(asked, text, hits, query.warnings, scanned))

    def on_search_screen_results(self, message: Results) -> None:
        if message.asked != self._asked:
            return  # a stale answer to an earlier keystroke, scope or opening
        self._slow.pause()
        results = self.query_one(ResultList)
        query = parse_query(message.text)
        terms = tuple(query.highlight_terms())
        newsroom = self.app.newsroom
        # Only what the newsroom lists: not a section page's label, a hidden or a skipped page.
        hits = [hit for hit in message.hits if newsroom is not None and newsroom.article(hit.article_id)]
        results.show_hits(hits, terms, newsroom, partial(self.app.with_snippets, query))
        if not message.text.strip():
            return
        count = len(hits)
        where = f" in {self.app.present(self.section_label)}" if self.scoped else ""
        more = "+" if count == RESULT_LIMIT else ""
        status = f"{count}{more} result{'s' if count != 1 else ''}{where}"
        if self.app.index is None and not message.scanned:
            status = "The index is still being built..."
        elif message.scanned:
            status += " (from the loaded articles)"
        self._set_status("  ".join((status, *message.warnings)))

    def _set_status(self, text: str) -> None:
        self.query_one("#search-status", Static).update(text, layout=False)  # one line, whatever it says

    def action_toggle_scope(self) -> None:
        if self.section_id is None:
            return
        self.scoped = not self.scoped
        self._search()

    def action_results(self) -> None:
        self.query_one(ResultList).focus()

    @on(Input.Submitted, "#query")
    def _submitted(self) -> None:
        results = self.query_one(ResultList)
        if results.row_count:
            results.focus()

    @on(ResultList.Selected, "#results")
    def _chosen(self, event: ResultList.Selected) -> None:
        hit = self.query_one(ResultList).current
        if hit is not None:
            self.dismiss(
                SearchChoice(hit.article_id, tuple(parse_query(self.query_one(Input).value).highlight_terms()))
            )
