"""The masthead: newsroom title on the left; status and the script mode on the right."""

from __future__ import annotations

from textual.app import RenderResult
from textual.content import Content
from textual.reactive import reactive
from textual.widget import Widget

from tui.core.text import cell_len, truncate


class Masthead(Widget):
    DEFAULT_CSS = """
    Masthead {
        height: 1;
        background: $primary-muted;
        color: $text;
        & > .masthead--title { text-style: bold; }
        & > .masthead--status { color: $text-muted; }
        & > .masthead--mode { background: $accent; color: $text; text-style: bold; }
    }
    """
    COMPONENT_CLASSES = {"masthead--title", "masthead--status", "masthead--mode"}

    title: reactive[str] = reactive("")
    status: reactive[str] = reactive("")
    mode: reactive[str] = reactive("")

    def on_mount(self) -> None:
        # Every masthead, on every screen, follows the app's display state.
        self.watch(self.app, "masthead_title", self._follow_title)
        self.watch(self.app, "masthead_status", self._follow_status)
        self.watch(self.app, "masthead_mode", self._follow_mode)

    def _follow_title(self, title: str) -> None:
        self.title = title

    def _follow_status(self, status: str) -> None:
        self.status = status

    def _follow_mode(self, mode: str) -> None:
        self.mode = mode

    def render(self) -> RenderResult:
        # Content(...) never parses markup: the title comes from config and content.
        width = self.size.width
        mode = f" {self.mode} " if self.mode else ""  # always shown in full
        room = width - cell_len(mode) - 2
        status = truncate(self.status, max(0, room // 2))
        title = truncate(self.title, max(0, room - cell_len(status) - 1))
        gap = max(1, room - cell_len(title) - cell_len(status))
        return Content.assemble(
            " ",
            (title, self.get_visual_style("masthead--title", partial=True)),
            " " * gap,
            (status, self.get_visual_style("masthead--status", partial=True)),
            " ",
            (mode, self.get_visual_style("masthead--mode", partial=True)),
        )
