"""The Newsroom app: owns the loaded newsroom and app-level state, composes the screens."""

from __future__ import annotations

from dataclasses import dataclass

from textual import work
from textual.app import App
from textual.binding import Binding
from textual.message import Message
from textual.worker import Worker, WorkerState

from .config import Config
from .loader import load_newsroom
from .model import Article, Newsroom
from .screens.browse import BrowseScreen
from .screens.help import HelpScreen
from .screens.problems import ProblemsScreen
from .widgets.article_list import ArticleList
from .widgets.masthead import Masthead
from .widgets.reader import Reader


@dataclass
class NewsroomLoaded(Message):
    newsroom: Newsroom


@dataclass
class LoadProgress(Message):
    done: int
    total: int


class NewsroomApp(App[None]):
    CSS_PATH = "app.tcss"
    TITLE = "Newsroom"
    BINDINGS = [
        Binding("q", "quit", "Quit", id="quit"),
        Binding("question_mark", "help", "Help", id="help"),
        Binding("p", "problems", "Problems", id="problems"),
    ]

    def __init__(self, config: Config, *, open_id: str | None = None) -> None:
        super().__init__()
        self.config = config
        self.open_id = open_id
        self.newsroom: Newsroom | None = None

    def on_mount(self) -> None:
        if self.config.keys:
            self.set_keymap(self.config.keys)
        self.push_screen(BrowseScreen())
        self.load()

    @property
    def browse(self) -> BrowseScreen:
        return next(screen for screen in self.screen_stack if isinstance(screen, BrowseScreen))

    # --- loading ------------------------------------------------------------------

    @work(thread=True, exclusive=True, group="load", exit_on_error=False)
    def load(self) -> None:
        newsroom = load_newsroom(self.config, progress=lambda done, total: self.post_message(LoadProgress(done, total)))
        self.post_message(NewsroomLoaded(newsroom))

    def on_load_progress(self, message: LoadProgress) -> None:
        self.browse.query_one(Masthead).status = f"Loading {message.done}/{message.total}"

    def on_newsroom_loaded(self, message: NewsroomLoaded) -> None:
        self.newsroom = message.newsroom
        self.browse.show_newsroom(message.newsroom, self.open_id)
        if self.open_id and message.newsroom.article(self.open_id) is None:
            self.notify(f"No article with id {self.open_id!r}", severity="warning", markup=False)
        self.update_status()

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """The one place worker failures are reported."""
        if event.state == WorkerState.ERROR:
            self.notify(f"{event.worker.name} failed: {event.worker.error}", severity="error", markup=False, timeout=10)

    # --- presentation -------------------------------------------------------------

    def present(self, text: str, article: Article | None = None) -> str:
        """Content text as it should be shown now (the script toggle hooks in here)."""
        return text

    def update_status(self) -> None:
        newsroom = self.newsroom
        if newsroom is None:
            return
        parts = [f"{len(newsroom.articles)} articles"]
        if newsroom.problems:
            count = len(newsroom.problems)
            parts.append(f"{count} problem{'s' if count != 1 else ''} (p)")
        self.browse.query_one(Masthead).status = "  ".join(parts)

    # --- actions --------------------------------------------------------------------

    def action_help(self) -> None:
        if not isinstance(self.screen, HelpScreen):
            groups = [("Everywhere", type(self)), ("Panes", BrowseScreen),
                      ("Section menu and article list", ArticleList), ("Reader", Reader)]
            self.push_screen(HelpScreen(groups, self.config.keys))

    def action_problems(self) -> None:
        if self.newsroom is not None and not isinstance(self.screen, ProblemsScreen):
            self.push_screen(ProblemsScreen(self.newsroom.problems))
