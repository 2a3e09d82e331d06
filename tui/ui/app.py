"""The Newsroom app: owns the loaded newsroom and the script mode, composes the screens."""

from __future__ import annotations

import asyncio
import contextlib
import gc
import io
import json
import logging
import os
import sys
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from rich.console import Console
from textual import events, work
from textual.app import App
from textual.binding import Binding
from textual.message import Message
from textual.reactive import reactive
from textual.worker import Worker, WorkerState

from tui.chinese.presenter import Presenter
from tui.chinese.script import Glossary, ScriptConverter, ScriptMode
from tui.core.config import Config, KioskConfig
from tui.core.loader import assemble, load_newsroom
from tui.core.memory import give_back
from tui.core.model import Article, Newsroom
from tui.core.reading import ReadingState, reading_dir
from tui.core.records import replace
from tui.core.state import state_path, update_state
from tui.core.text import clean_line
from tui.core.watch import Coalescer, watch_content
from tui.search.freshness import scan
from tui.search.index import Hit, IndexBusy, IndexUnavailable, SearchIndex
from tui.search.query import Query
from tui.search.scan import ScanSearch
from tui.ui.screens.browse import BrowseScreen
from tui.ui.screens.commands import NewsroomCommands
from tui.ui.screens.help import HelpScreen
from tui.ui.screens.language_chooser import BY_SCRIPT, LanguageChooser
from tui.ui.screens.links import LinksScreen
from tui.ui.screens.problems import ProblemsScreen
from tui.ui.screens.script_chooser import ScriptChooser
from tui.ui.screens.search import SearchChoice, SearchScreen
from tui.ui.stylesheet import SharedStylesheet
from tui.ui.widgets.article_list import ArticleList
from tui.ui.widgets.reader import Reader
from tui.ui.widgets.section_menu import SAVED


@dataclass
class NewsroomLoaded(Message):
    newsroom: Newsroom
    changed: frozenset[str] | None = None  # a live update: the files that changed (real paths)


@dataclass
class ContentChanged(Message):
    """Content files changed on disk (a batch of real paths)."""

    paths: set[str]


@dataclass
class WatchStopped(Message):
    """The content folder can no longer be followed."""

    reason: str


@dataclass
class LoadProgress(Message):
    done: int
    total: int


@dataclass
class IndexNote(Message):
    """Something the index had to recover from (never fatal)."""

    text: str


@dataclass
class SearchFallback(Message):
    """The index could not answer a search: the loaded articles answer until it is rebuilt."""

    busy: bool


class IndexRebuilt(Message):
    """The index answers searches again."""


PREVIEW_ARTICLES = 200
# The rest of a big newsroom loads once its newest articles are on screen, so that the first
# paint has the CPU to itself; this long at most, should the paint never come (a safety net).
FIRST_PAINT_WAIT_SECONDS = 5.0
PREVIEW_EVERY_SECONDS = 2.0
NEW_NOTE_SECONDS = 60.0  # how long the masthead says "3 new" after a live update
SETTLE_ROUNDS = 64  # hand-offs a typed key's effects may take before the next key goes


class NewsroomApp(App[None]):
    CSS_PATH = "app.tcss"
    # One search screen, made at the first search and opened again for each (see search.py).
    SCREENS = {"search": SearchScreen}
    TITLE = "Newsroom"
    COMMANDS = App.COMMANDS | {NewsroomCommands}
    BINDINGS = [
        Binding("q", "quit", "Quit", id="quit"),
        Binding("question_mark", "help", "Help", id="help"),
        Binding("slash", "search", "Search", id="search"),
        Binding("t", "cycle_script", "Script", id="cycle_script"),
        Binding("T", "choose_script", "Choose script", show=False, id="choose_script"),
        Binding("l", "choose_language", "Language", show=False, id="choose_language"),
        Binding("o", "toggle_original", "Original", show=False, id="show_original"),
        Binding("p", "problems", "Problems", id="problems"),
    ]

    # Display state lives here and flows down: every widget that shows content text
    # watches `display_mode` and every masthead watches the masthead_* values, on
    # whatever screen it is. repaint=False: a change repaints the widgets that follow
    # it, not the whole screen, footer and all, as an app reactive would by default.
    script_mode: reactive[ScriptMode] = reactive(ScriptMode.ORIGINAL, init=False, repaint=False)
    showing_original: reactive[bool] = reactive(False, init=False, repaint=False)
    # The mode content is shown in now: the script mode, or ORIGINAL while `o` is on.
    display_mode: reactive[ScriptMode] = reactive(ScriptMode.ORIGINAL, init=False, repaint=False)
    masthead_title: reactive[str] = reactive("", init=False, repaint=False)
    masthead_status: reactive[str] = reactive("", init=False, repaint=False)
    masthead_mode: reactive[str] = reactive("", init=False, repaint=False)
    # Read and saved articles live in `self.reading`; this counts its changes, so the
    # lists and the menu that show them know when to repaint.
    reading_version: reactive[int] = reactive(0, init=False, repaint=False)
    unread_only: reactive[bool] = reactive(False, init=False, repaint=False)
    # A language the reader chose for pages written in several ("": the script mode picks).
    language: reactive[str] = reactive("", init=False, repaint=False)
    # Counts live updates of the content: a screen showing what the index answered
    # (search results) asks again when it changes.
    content_version: reactive[int] = reactive(0, init=False, repaint=False)

    def __init__(
        self,
        config: Config,
        *,
        open_id: str | None = None,
        script: ScriptMode = ScriptMode.ORIGINAL,
        glossary: Glossary | None = None,
        kiosk: KioskConfig | None = None,
        watch: bool = True,
        state_dir: Path | None = None,
    ) -> None:
        super().__init__()
        self.stylesheet = SharedStylesheet(variables=self.get_css_variables())
        self.config = config
        self.watching = watch  # follow the content folder and show changes as they come
        self._stop_watching = threading.Event()
        self._changes = Coalescer()
        self._source_ready = threading.Event()  # set once load() has the index (or the articles)
        self._loaded = threading.Event()  # set once load() is done, whatever became of it
        self._painted = threading.Event()  # set once the first newsroom is on screen
        self._posted_newsroom = False  # load() has handed a newsroom to the screen
        self._following = False  # the watcher thread has been started
        self._following_lock = threading.Lock()
        self._first_paint_waiter: asyncio.Task | None = None
        # The digest of the content folder's listing the loaded newsroom was made from (None:
        # not known). A server that hands over its newsroom says which (`preloaded_digest`).
        self.loaded_digest: str | None = None
        self.preloaded_digest: str | None = None
        self._new_articles = 0
        self._new_note_timer = None
        self.live_refreshes = 0
        self.open_id = open_id
        self.kiosk = kiosk if kiosk is not None and kiosk.enabled else None
        self.remember = self.kiosk is None  # a kiosk writes no state
        # Read and saved articles: a kiosk keeps them for this run only.
        # A state dir of its own (`serve ssh` gives one to each visitor's key) keeps them in a kiosk too.
        self.state_dir = state_dir
        keep_reading = self.remember or state_dir is not None
        self.reading = ReadingState(reading_dir(config.content_dir, state_dir) if keep_reading else None)
        self._unread: dict[str, int] = {}  # section id -> unread articles, for the menu
        self._totals: dict[str, int] = {}  # section id -> articles
        self.last_marked_read: list[str] = []  # what `M` marked, for undo
        self._unsaved_script: str | None = None
        self._typed_ahead: deque[events.Key] = deque()
        self._released_keys: set[int] = set()
        self._key_releaser: asyncio.Task | None = None
        self._state_lock = threading.Lock()
        if self.kiosk is not None:
            # A stranger's screen never shows a traceback with the server's paths in it.
            self.error_console = Console(file=io.StringIO(), markup=False, highlight=False)
        self.start_mode = script
        self._last_input = time.monotonic()
        self._idle_reset_done = True
        self.attracting = False
        self.newsroom: Newsroom | None = None
        self.index: SearchIndex | None = None
        self.when_shown: Callable[[], object] | None = None  # a server's hook: the first newsroom is on screen
        # A server's warm parent loaded the newsroom (and keeps the shared index fresh): shown at once.
        self.preloaded: Newsroom | None = None
        # A server's warm parent follows the content folder for all its visitors and writes each
        # batch of changed paths here (a file descriptor, one JSON list a line, buffered until this
        # app reads it): the app then starts no watcher and walks no listing of its own.
        self.changes_fd: int | None = None
        # Set while the index cannot answer: searches read the loaded articles instead.
        self.search_fallback: ScanSearch | None = None
        self._fallback_lock = threading.Lock()
        self.converter = ScriptConverter(glossary)
        self.presenter = Presenter(self.converter, script)
        self.set_reactive(NewsroomApp.script_mode, script)
        self.set_reactive(NewsroomApp.display_mode, script)
        self.set_reactive(NewsroomApp.masthead_title, clean_line(config.title))
        self.set_reactive(NewsroomApp.masthead_mode, script.label)

    async def on_mount(self) -> None:
        if self.config.keys:
            self.set_keymap(self.config.keys)
        handed = self.preloaded
        if handed is not None:  # a server's warm parent loaded it: the screen's first frame shows it
            self.reading.load()  # (a visitor's own state file, small) what was read shows in it too
            self._take_newsroom(handed)
            self.loaded_digest = self.preloaded_digest
            self._posted_newsroom = True
        # The folder is followed from the first paint on (see `_first_paint_done`): a change
        # made before the watcher is in place is found by `_look_for_missed_changes`.
        self.load()  # reading starts at once; what it posts waits for this handler,
        await self.push_screen(BrowseScreen(handed))  # so the screen is mounted before any newsroom arrives
        if handed is not None:
            self._newsroom_shown(handed, first=True)
        if self.kiosk is not None:
            self.set_interval(min(1.0, self.kiosk.idle_seconds / 4), self._check_idle)
            if self.kiosk.rotate_seconds > 0:
                self.attracting = True
                self.set_interval(self.kiosk.rotate_seconds, self._attract_step)

    def get_driver_class(self):
        """Textual's Linux driver with a prompt escape key (tui/ui/driver.py), unless TEXTUAL_DRIVER
        names another (the web server's) or this is not Linux-like."""
        from textual import constants

        if constants.DRIVER is None and sys.platform != "win32":
            from tui.ui.driver import NewsroomDriver

            return NewsroomDriver
        return super().get_driver_class()

    @property
    def browse(self) -> BrowseScreen:
        return next(screen for screen in self.screen_stack if isinstance(screen, BrowseScreen))

    # --- background work ------------------------------------------------------------

    @work(thread=True, exclusive=True, group="load", exit_on_error=False)
    def load(self) -> None:
        """Paint from the index at once, then bring it up to date with the files."""
        try:
            self._load()
        finally:
            self._loaded.set()
            if not self._posted_newsroom:  # nothing to paint: follow the folder now (a change may mend it)
                self._start_following()

    def _load(self) -> None:
        if self.preloaded is not None:
            self._load_preloaded(self.preloaded)
            return
        self.reading.load()  # before the first paint, so it shows what was read
        index = SearchIndex.open(self.config)
        if self.kiosk is not None and index.in_memory:
            self._load_without_index()
            self._source_ready.set()
            return
        self.index = index
        self._source_ready.set()
        for note in index.notes:
            self.post_message(IndexNote(note))
        noted = len(index.notes)
        settled = None
        try:
            newest = index.latest(PREVIEW_ARTICLES)
            if len(newest) == PREVIEW_ARTICLES:  # a big newsroom: show its newest before the rest loads
                self._post_newsroom(NewsroomLoaded(self._preview(newest)))
                self._painted.wait(FIRST_PAINT_WAIT_SECONDS)  # and load the rest once they are on screen
            if newest:
                settled = index.newsroom(lazy=True)
                self._post_newsroom(NewsroomLoaded(settled))
        except IndexUnavailable:
            newest = []  # damaged: the update below builds a new index
        shown_at = time.monotonic() if newest else None

        def progress(done: int, total: int) -> None:
            nonlocal shown_at
            self.post_message(LoadProgress(done, total))
            # A first build can take a while: show what is indexed so far, now and then.
            if shown_at is None or time.monotonic() - shown_at > PREVIEW_EVERY_SECONDS:
                if shown_at is None or not self.newsroom or not self.newsroom.complete:
                    with contextlib.suppress(IndexUnavailable):
                        self._post_newsroom(NewsroomLoaded(self._preview(index.latest(PREVIEW_ARTICLES))))
                shown_at = time.monotonic()

        # Build the newsroom again only if a file changed, or if none was shown yet.
        changed = index.update(progress=progress)
        self.loaded_digest = index.listing_digest()
        for note in index.notes[noted:]:
            self.post_message(IndexNote(note))
        if changed or not newest:
            settled = index.newsroom(lazy=True)
            self._post_newsroom(NewsroomLoaded(settled))
        if settled is not None and settled.articles:  # (an empty folder: perhaps unmounted; forget nothing)
            self.reading.tidy(keep=lambda article_id: settled.article(article_id) is not None)
        give_back()  # what the rows and the folder's walk took, now free

    def _post_newsroom(self, message: NewsroomLoaded) -> None:
        self._posted_newsroom = True
        self.post_message(message)

    def _load_preloaded(self, newsroom: Newsroom) -> None:
        """A server handed the newsroom over (on screen from the first frame, see `on_mount`):
        open the index only to search it."""
        index = SearchIndex.open(self.config)
        if index.in_memory:  # no shared index: search the articles as loaded
            index.close()
            self.search_fallback = ScanSearch(newsroom)
        else:
            self.index = index
        self._source_ready.set()

    # --- live updates -------------------------------------------------------------------

    def _start_following(self) -> None:
        """Follow the content folder from now on (once; from any thread)."""
        with self._following_lock:
            if self._following or not self.watching:
                return
            self._following = True
        self.follow_content()

    def follow_content(self) -> None:
        """Start following the content folder: a thread of its own rather than a worker, as it
        runs as long as the app (a worker is a piece of work that ends; waiting for the
        workers to finish must not wait for this)."""
        follow = self._follow_content if self.changes_fd is None else self._follow_server
        thread = threading.Thread(target=follow, name="newsroom-watch", daemon=True)
        thread.start()

    def _follow_server(self) -> None:
        """Say which content files changed, as the server's warm parent tells (`changes_fd`):
        it was following the folder before this app was forked, and what changed since the
        newsroom it handed over was loaded is written here too, so nothing is looked for."""
        pending = b""
        while not self._stop_watching.is_set():
            try:
                data = os.read(self.changes_fd, 65536)
            except InterruptedError:
                continue
            except OSError:
                return
            if not data:  # the parent is gone (and this app with it)
                return
            *lines, pending = (pending + data).split(b"\n")
            paths: set[str] = set()
            for line in lines:
                with contextlib.suppress(ValueError, TypeError):
                    paths.update(str(path) for path in json.loads(line))
            if paths:
                self.post_message(ContentChanged(paths))

    def _follow_content(self) -> None:
        """Say which content files changed, a batch at a time, until the app ends."""
        try:
            for paths in watch_content(
                self.config.content_dir, self._stop_watching, started=self._look_for_missed_changes
            ):
                self.post_message(ContentChanged(paths))
        except (OSError, RuntimeError) as error:
            self.post_message(WatchStopped(str(error)))

    def _look_for_missed_changes(self) -> None:
        """The watcher is in place: a change made before then (while the newsroom loaded, or
        since a server loaded the newsroom it handed over) has no event. Compare the folder
        with what was loaded, once (a walk of its listing), and refresh if they differ."""
        while not self._loaded.wait(0.5):
            if self._stop_watching.is_set():
                return
        if self.loaded_digest is None:
            return
        try:
            now = scan(self.config.content_dir, self.config.site).digest
        except OSError:
            return
        if now != self.loaded_digest:
            self.post_message(ContentChanged({os.path.realpath(self.config.content_dir)}))

    def on_content_changed(self, message: ContentChanged) -> None:
        if self._changes.add(message.paths):
            self.refresh_content()

    @work(thread=True, group="refresh", exit_on_error=False)
    def refresh_content(self) -> None:
        """The index and the newsroom brought up to date with what changed. Batches that
        come meanwhile are taken together by the next round. The index is shared: when
        another app (another SSH visitor) has updated it already, this finds nothing
        to write and only builds its own newsroom from it."""
        self._source_ready.wait()
        paths: set[str] | None = set()
        try:
            while (paths := self._changes.take()) is not None:
                if self.index is not None:
                    newsroom = self.index.refresh(lazy=True)
                else:  # a kiosk without a usable index reads the articles again
                    newsroom = load_newsroom(self.config)
                    self.search_fallback = ScanSearch(newsroom)
                self.live_refreshes += 1
                self.post_message(NewsroomLoaded(newsroom, frozenset(paths)))
        except BaseException:
            self._changes.abandon(paths or ())  # the next change tries again, with these too
            raise

    def on_watch_stopped(self, message: WatchStopped) -> None:
        reason = message.reason if self.kiosk is None else "the folder cannot be watched"  # no paths for visitors
        self.notify(clean_line(f"Live updates are off: {reason}"), severity="warning", markup=False, timeout=10)

    def _count_new(self, old: Newsroom, new: Newsroom) -> None:
        added = sum(1 for article in new.articles if old.article(article.id) is None)
        if not added:
            return
        self._new_articles += added
        if self._new_note_timer is not None:
            self._new_note_timer.stop()
        self._new_note_timer = self.set_timer(NEW_NOTE_SECONDS, self._forget_new)

    def _forget_new(self) -> None:
        self._new_articles = 0
        self.update_status()

    def _load_without_index(self) -> None:
        """A kiosk with no shared index (the cache dir is unusable): a visitor never builds
        a whole index of their own. Read the articles, and search them as loaded."""
        # The folder's listing before reading it: a change made meanwhile, before the watcher
        # is in place, shows as a difference (see _look_for_missed_changes).
        with contextlib.suppress(OSError):
            self.loaded_digest = scan(self.config.content_dir, self.config.site).digest
        newsroom = load_newsroom(self.config, progress=lambda done, total: self.post_message(LoadProgress(done, total)))
        self.search_fallback = ScanSearch(newsroom)
        self.post_message(IndexNote("Search reads the articles one by one here: it may be slow."))
        self._post_newsroom(NewsroomLoaded(newsroom))

    def search_articles(
        self, query: Query, limit: int, section: str | None, snippets: int | None = None
    ) -> tuple[list[Hit], bool]:
        """Hits for a search (from any thread), and whether the loaded articles gave them
        because the index cannot answer: never an empty answer for a broken index.
        Past the first `snippets` hits, `with_snippets` makes the snippets when they are shown."""
        fallback = self.search_fallback
        if fallback is None and self.index is not None and self.newsroom is not None:
            try:
                return self.index.search(query, limit=limit, section=section, snippets=snippets), False
            except IndexUnavailable as error:
                fallback = self._fall_back(isinstance(error, IndexBusy))
        if fallback is None:
            return [], False
        return fallback.search(query, limit=limit, section=section), True

    def with_snippets(self, query: Query, hits: list[Hit]) -> list[Hit]:
        """`hits` with their snippets made (empty ones if the index cannot answer now)."""
        if self.index is not None:
            try:
                return self.index.with_snippets(query, hits)
            except IndexUnavailable:
                pass
        return [hit if hit.snippet is not None else replace(hit, snippet="") for hit in hits]

    def _fall_back(self, busy: bool) -> ScanSearch | None:
        with self._fallback_lock:
            if self.search_fallback is None and self.newsroom is not None:
                self.search_fallback = ScanSearch(self.newsroom)
                self.post_message(SearchFallback(busy))
            return self.search_fallback

    def on_search_fallback(self, message: SearchFallback) -> None:
        why = "busy" if message.busy else "damaged"
        self.notify(
            f"The search index is {why}: searching the loaded articles until it is rebuilt.",
            title="Search index",
            severity="warning",
            markup=False,
        )
        self.rebuild_index()

    @work(thread=True, exclusive=True, group="rebuild", exit_on_error=False)
    def rebuild_index(self) -> None:
        """Build a new index beside the damaged one (see SearchIndex.update), then use it."""
        index = self.index
        if index is None:
            return
        index.update()
        if index.ready:
            self.post_message(IndexRebuilt())

    def on_index_rebuilt(self, message: IndexRebuilt) -> None:
        self.search_fallback = None
        self.notify("The search index is rebuilt.", title="Search index", markup=False)

    def _preview(self, newest: list[Article]) -> Newsroom:
        return replace(assemble(self.config, newest, []), complete=False)

    @work(thread=True, group="warm", exit_on_error=False)
    def warm_converters(self) -> None:
        """Load the OpenCC dictionaries for the script on screen and the one `t` shows
        next, so that toggle does not wait for them; each toggle loads the next one.
        Only those: s2t alone is about 26 MB, and a reader in the original script needs
        only t2s (3 MB) for the first `t`. The regional ones (T) load when chosen, and the
        search tables when a search opens: a reader who never searches never pays
        their memory (about 14 and 13 MB)."""
        mode = self.script_mode
        self.converter.warm({mode, mode.next_in_cycle()})

    def _newest_painted(self) -> None:
        """The newest articles are on screen; the preview of the highlighted one (read its
        file, parse and lay it out) comes in the next frame. It is part of the front page too:
        the rest starts once it is painted. (A task: the screen runs this callback, and
        waiting here for the screen's own messages would wait for ever.)"""
        self._first_paint_waiter = asyncio.create_task(self._front_page_painted())

    async def _front_page_painted(self) -> None:
        await self._settled()
        self.call_after_refresh(self._first_paint_done)

    def _first_paint_done(self) -> None:
        """The first newsroom is on screen: start what was kept from delaying it. Following
        the folder sets up a watch per folder (about 0.5 s at 100,000 articles)."""
        self._painted.set()  # load() goes on with the whole newsroom
        self._start_following()
        self.warm_converters()
        if self.when_shown is not None:
            self.when_shown()

    def on_load_progress(self, message: LoadProgress) -> None:
        self.masthead_status = f"Indexing {message.done}/{message.total}"

    def on_index_note(self, message: IndexNote) -> None:
        # A kiosk visitor reads what happened, never the server's paths and errors (Note.detail).
        text = message.text if self.kiosk is not None else getattr(message.text, "full", message.text)
        self.notify(clean_line(str(text)), title="Search index", severity="warning", markup=False)

    def on_newsroom_loaded(self, message: NewsroomLoaded) -> None:
        if not self.is_running:
            return  # shutting down: the panes may be gone already
        first = self.newsroom is None
        old, newsroom = self.newsroom, message.newsroom
        self._take_newsroom(newsroom)
        if message.changed is not None and old is not None and old.complete:
            self._count_new(old, newsroom)
            if self.search_fallback is not None and self.index is not None:
                self.search_fallback = ScanSearch(newsroom)  # searching the loaded articles: these now
        self.browse.show_newsroom(newsroom, message.changed or frozenset())
        if message.changed is not None:
            self.content_version += 1
        self._newsroom_shown(newsroom, first)

    def _take_newsroom(self, newsroom: Newsroom) -> None:
        self.newsroom = newsroom
        self._count_unread()
        if newsroom.complete:
            # The newsroom's objects live as long as the app: keep the cyclic garbage
            # collector from walking them all again (a 100k newsroom: ~0.1 s stalls).
            gc.freeze()

    def _newsroom_shown(self, newsroom: Newsroom, first: bool) -> None:
        if first:  # once the front page is on screen, so this work does not delay it
            self.call_after_refresh(self._newest_painted)
        if self.open_id and (newsroom.complete or newsroom.article(self.open_id)):
            if newsroom.article(self.open_id):
                self.browse.open_article(self.open_id)
            else:
                self.notify(clean_line(f"No article with id {self.open_id!r}"), severity="warning", markup=False)
            self.open_id = None  # asked once, answered once
        self.update_status()

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """The one place worker failures are reported."""
        if event.state == WorkerState.ERROR:
            failure = f"{event.worker.name} failed: {event.worker.error}"
            if self.kiosk is not None:  # the operator's log keeps the details; a visitor sees no paths
                logging.getLogger("newsroom").error(failure)
                failure = f"{event.worker.name} failed"
            message = clean_line(failure)  # may quote content
            self.notify(message, severity="error", markup=False, timeout=10)

    # --- kiosk ---------------------------------------------------------------------------

    async def on_event(self, event: events.Event) -> None:
        if isinstance(event, events.Key) and not event.is_forwarded and id(event) in self._released_keys:
            self._released_keys.discard(id(event))
        elif isinstance(event, (events.Key, events.MouseDown, events.MouseScrollDown, events.MouseScrollUp)):
            self._last_input = time.monotonic()
            self._idle_reset_done = False
            self.attracting = False
            if self.kiosk is not None and isinstance(event, events.Key) and event.key == self.kiosk.exit_key:
                self.exit()
                return
            if isinstance(event, events.Key) and not event.is_forwarded:
                self._type_ahead(event)
                return
        await super().on_event(event)

    # --- typed-ahead keys -------------------------------------------------------------

    def _type_ahead(self, key: events.Key) -> None:
        """Keys that arrive together (a slow SSH link, a paste, tmux send-keys) are
        handed on one at a time: each once everything the one before set off has run.
        Textual would route them all at once, to whatever had focus when they arrived,
        so `enter ]` would lose the `]` the reader was about to get."""
        self._typed_ahead.append(key)
        if self._key_releaser is None or self._key_releaser.done():
            self._key_releaser = asyncio.create_task(self._release_keys())

    @property
    def next_typed_key(self) -> events.Key | None:
        """The key typed ahead that will be handed on next, if any: work a key sets off
        that the next one would undo (the preview of a row passed over) may be skipped."""
        return self._typed_ahead[0] if self._typed_ahead else None

    async def _release_keys(self) -> None:
        await self._settled()
        while self._typed_ahead:  # no await between this check and returning: a key typed later starts a new releaser
            key = self._typed_ahead.popleft()
            self._released_keys.add(id(key))
            # All a key sets off is painted together, in one frame, once it has all run:
            # a row move and the preview it opens reach the terminal as one update.
            self._begin_batch()
            try:
                if not self.post_message(key):  # closing
                    self._released_keys.discard(id(key))
                await self._settled()
            finally:
                self._end_batch()
                self._prompt_repaint()

    def _prompt_repaint(self) -> None:
        """After a batch: the screen repaints on its next idle, so give it one."""
        with contextlib.suppress(Exception):  # no screen while closing
            self.screen.check_idle()

    async def _settled(self) -> None:
        """Until every message a key set off has been handled.

        Rounds, not a clock: each round waits until every node on screen that had
        messages waiting has handled them (a callback queued behind them), and a
        handler's own messages are waited for in the next round. It ends at the first
        round that finds no message waiting anywhere. A screen that never goes quiet
        (a flood of progress messages) still lets keys through after SETTLE_ROUNDS
        rounds, so a busy machine slows keys down but neither reorders nor swallows them."""
        for _ in range(SETTLE_ROUNDS):
            if not self.is_running:
                return
            busy = [node for node in self._nodes_on_screen() if node.message_queue_size]
            if not busy:
                return
            await self._handled_by(busy)

    def _nodes_on_screen(self) -> list:
        return [self, *self.screen_stack[-1].walk_children(with_self=True)] if self.screen_stack else [self]

    async def _handled_by(self, nodes: list) -> None:
        """Until each node has handled the messages it holds now (or has closed)."""
        waiting = []
        for node in nodes:
            handled = asyncio.Event()
            if node.call_later(handled.set):  # queued behind what the node holds
                waiting.append((node, handled))
        spins = 0
        while waiting:
            spins += 1
            await asyncio.sleep(0 if spins < 100 else 0.002)  # let the others run; then stop spinning
            waiting = [(node, handled) for node, handled in waiting if not handled.is_set() and node.is_running]

    def _check_idle(self) -> None:
        """A kiosk left alone goes back to the front page for the next visitor."""
        assert self.kiosk is not None
        if self._idle_reset_done or time.monotonic() - self._last_input < self.kiosk.idle_seconds:
            return
        self._idle_reset_done = True
        while len(self.screen_stack) > 1 and not isinstance(self.screen, BrowseScreen):
            self.pop_screen()
        self.set_script_mode(self.start_mode)
        self.unread_only = False
        self.browse.reset_to_front_page()
        self.attracting = self.kiosk.rotate_seconds > 0

    def _attract_step(self) -> None:
        if self.attracting and isinstance(self.screen, BrowseScreen):
            self.browse.show_next_headline()

    async def action_quit(self) -> None:
        if self.kiosk is not None:
            self.bell()  # locked: only the operator's exit key leaves
            return
        await super().action_quit()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # A kiosk shows and runs none of the ways out (the footer hides them too).
        if self.kiosk is not None and action in ("quit", "help_quit", "suspend_process"):
            return False
        if action == "search" and isinstance(self.screen, SearchScreen):
            return False  # already searching
        return True

    def get_system_commands(self, screen):
        if self.kiosk is None:  # quit, screenshot, themes, keys: none for strangers
            yield from super().get_system_commands(screen)

    # --- script mode ------------------------------------------------------------------

    def present(self, text: str, article: Article | None = None) -> str:
        """Content text as it is shown now, in the current script mode."""
        return self.presenter(text, article)

    def shown(self, article: Article) -> Article:
        """The version of a page shown now: the chosen language, else the script mode's pick."""
        return self.presenter.variant(article)

    def set_language(self, language: str | None) -> None:
        """Show pages in this language where they have it (None: as the script mode picks)."""
        self.presenter.language = language or None
        self.language = language or ""  # the panes that show pages follow it
        self._follow_display_state()  # and the masthead says so

    def set_script_mode(self, mode: ScriptMode) -> None:
        # Quietly, so that leaving the original view and changing the script repaint once.
        self.set_reactive(NewsroomApp.showing_original, False)
        self.script_mode = mode
        self._follow_display_state()

    def watch_script_mode(self, mode: ScriptMode) -> None:
        self._follow_display_state()
        if self.newsroom is not None:  # before it is shown, the first paint warms them
            self.warm_converters()
        if self.remember:
            self._unsaved_script = mode.value
            self.save_state()

    @work(thread=True, group="state", exit_on_error=False)
    def save_state(self) -> None:
        """Off the UI thread: a durable (fsync'd) write can take longer than a frame."""
        self._write_state()

    def _write_state(self) -> None:
        # One writer at a time, and it writes the newest choice: a quick t t t ends
        # with the last mode saved, whichever worker runs last.
        with self._state_lock:
            script, self._unsaved_script = self._unsaved_script, None
            if script is not None:
                update_state(path=state_path(self.state_dir), script=script)

    def on_unmount(self) -> None:
        self._stop_watching.set()
        self._painted.set()  # a load still waiting for the first paint waits no more
        self._write_state()  # a choice made just before quitting is kept too
        self.reading.flush()

    def watch_showing_original(self) -> None:
        self._follow_display_state()

    def _follow_display_state(self) -> None:
        """Derive what is shown from the script mode and the original view; the
        presenter changes first, so the widgets watching `display_mode` present anew."""
        mode = ScriptMode.ORIGINAL if self.showing_original else self.script_mode
        self.presenter.mode = mode
        self.presenter.variant_mode = self.script_mode  # `o` shows the same page's version, unconverted
        label = self.script_mode.label
        label = f"{label} > 原文" if self.showing_original else label
        self.masthead_mode = f"{clean_line(self.language)} {label}" if self.language else label
        self.display_mode = mode
        self.update_status()

    # --- status -----------------------------------------------------------------------

    def update_status(self) -> None:
        newsroom = self.newsroom
        if newsroom is None:
            return
        self.masthead_title = self.present(newsroom.title)
        if not newsroom.complete:
            self.masthead_status = "Loading..."
            return
        parts = [f"{len(newsroom.articles)} articles"]
        if newsroom.problems:
            count = len(newsroom.problems)
            parts.append(f"{count} problem{'s' if count != 1 else ''} (p)")
        if self._new_articles:
            parts.append(f"{self._new_articles} new")
        if self.unread_only:
            parts.append("unread only")
        self.masthead_status = "  ".join(parts)

    # --- read and saved articles ------------------------------------------------------

    def section_counts(self, section_id: str) -> tuple[int, int] | None:
        """(unread, all) articles of a section, or None while they are not known."""
        if section_id not in self._totals:
            return None
        return self._unread.get(section_id, 0), self._totals[section_id]

    def _count_unread(self) -> None:
        newsroom, read = self.newsroom, self.reading.read
        self._unread, self._totals = {}, {}
        if newsroom is None or not newsroom.complete:
            return  # a first-paint preview holds only the newest articles: its counts would mislead
        for section in newsroom.sections:
            articles = newsroom.articles_in(section.id)
            self._totals[section.id] = len(articles)
            # Nothing read yet (a new visitor, a kiosk): every article is unread, no need to look.
            self._unread[section.id] = (
                sum(1 for article in articles if article.id not in read) if read else len(articles)
            )
        self._count_saved()

    def _count_saved(self) -> None:
        if self.newsroom is None or not self.newsroom.complete:
            return
        saved = [article_id for article_id in self.reading.saved if self.newsroom.article(article_id)]
        self._totals[SAVED.id] = len(saved)
        self._unread[SAVED.id] = sum(1 for article_id in saved if not self.reading.is_read(article_id))

    def mark_read(self, article_ids: list[str], read: bool = True) -> list[str]:
        """Mark articles read or unread; returns those that changed."""
        changed = self.reading.set_read(article_ids, read)
        if not changed:
            return changed
        newsroom = self.newsroom
        if newsroom is not None and self._totals:
            front = newsroom.front_page.id
            step = -1 if read else 1
            for article_id in changed:
                article = newsroom.article(article_id)
                if article is None:
                    continue
                for section_id in {article.section, front}:
                    if section_id in self._unread:
                        self._unread[section_id] += step
                if self.reading.is_saved(article_id):
                    self._unread[SAVED.id] += step
        self._reading_changed()
        return changed

    def toggle_saved(self, article_id: str) -> bool:
        """Save an article, or unsave a saved one; returns whether it is saved now."""
        saved = not self.reading.is_saved(article_id)
        self.reading.set_saved(article_id, saved)
        self._count_saved()
        self._reading_changed()
        return saved

    def _reading_changed(self) -> None:
        self.reading_version += 1
        self.save_reading()

    @work(thread=True, group="reading", exit_on_error=False)
    def save_reading(self) -> None:
        """Off the UI thread: the lock another app holds may keep it waiting."""
        self.reading.flush()

    def watch_unread_only(self) -> None:
        self.update_status()

    # --- the clipboard -------------------------------------------------------------------

    def copy_to_clipboard(self, text: str) -> None:
        if self.kiosk is not None:
            return  # a kiosk never copies: a stranger's clipboard is not the newsroom's to write
        super().copy_to_clipboard(text)

    def copy_text(self, text: str, what: str) -> None:
        """Copy through the terminal (OSC 52, which works over SSH where the terminal allows
        it), and say so: the app cannot know whether the terminal took it."""
        if self.kiosk is not None:
            self.bell()
            return
        self.copy_to_clipboard(text)
        self.notify(f"Copied {what} to the clipboard: {text}", markup=False, timeout=4)

    def key_for(self, binding_id: str, default: str) -> str:
        """How a key is shown, remapped or not (for messages that name one)."""
        key = self.config.keys.get(binding_id, default).split(",")[0].strip()
        return self.get_key_display(Binding(key, ""))

    # --- actions --------------------------------------------------------------------

    def action_cycle_script(self) -> None:
        self.set_script_mode(self.script_mode.next_in_cycle())

    def action_choose_script(self) -> None:
        def chosen(mode: ScriptMode | None) -> None:
            if mode is not None:
                self.set_script_mode(mode)

        if not isinstance(self.screen, ScriptChooser):
            self.push_screen(ScriptChooser(self.script_mode), chosen)

    def action_choose_language(self) -> None:
        def chosen(language: str | None) -> None:
            if language is not None:
                self.set_language(None if language == BY_SCRIPT else language)

        languages = self.newsroom.languages if self.newsroom is not None else ()
        if not languages:
            self.notify("This newsroom is written in one language.", markup=False)
        elif not isinstance(self.screen, LanguageChooser):
            self.push_screen(LanguageChooser(languages, self.language or None), chosen)

    def action_toggle_original(self) -> None:
        self.showing_original = not self.showing_original

    def action_search(self) -> None:
        if isinstance(self.screen, SearchScreen) or self.newsroom is None:
            return
        section = self.browse.current_section
        scope = self.browse.search_scope

        def chosen(choice: SearchChoice | None) -> None:
            if choice is not None:
                self.browse.open_article(choice.article_id, choice.terms)

        search = self.get_screen("search", SearchScreen)
        search.begin(scope, section.label if section else "")
        self.push_screen(search, chosen)

    @classmethod
    def binding_groups(cls) -> list[tuple[str, type]]:
        """Every class that owns bindings, under the heading help shows it with."""
        return [
            ("Everywhere", cls),
            ("Panes", BrowseScreen),
            ("Section menu and article list", ArticleList),
            ("Reader", Reader),
            ("Search", SearchScreen),
            ("Links", LinksScreen),
            ("Problems", ProblemsScreen),
            ("Script chooser", ScriptChooser),
            ("Language chooser", LanguageChooser),
            ("Help", HelpScreen),
        ]

    def action_help(self) -> None:
        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen(self.binding_groups(), self.config.keys))

    def action_problems(self) -> None:
        if self.newsroom is not None and not isinstance(self.screen, ProblemsScreen):
            self.push_screen(ProblemsScreen(self.newsroom.problems))
