"""The masthead: newsroom title on the left, status on the right, one line."""

from __future__ import annotations

from textual.app import RenderResult
from textual.content import Content
from textual.reactive import reactive
from textual.widget import Widget

from ..text import cell_len, truncate


class Masthead(Widget):
    DEFAULT_CSS = """
    Masthead {
        height: 1;
        background: $primary-muted;
        color: $text;
        & > .masthead--title { text-style: bold; }
        & > .masthead--status { color: $text-muted; }
    }
    """
    COMPONENT_CLASSES = {"masthead--title", "masthead--status"}

    title: reactive[str] = reactive("")
    status: reactive[str] = reactive("")

    def render(self) -> RenderResult:
        # Content(...) never parses markup: the title comes from config and content.
        width = self.size.width
        status = truncate(self.status, max(0, width // 2))
        title = truncate(self.title, max(0, width - cell_len(status) - 3))
        gap = max(1, width - cell_len(title) - cell_len(status) - 2)
        return Content.assemble(
            " ",
            (title, self.get_visual_style("masthead--title", partial=True)),
            " " * gap,
            (status, self.get_visual_style("masthead--status", partial=True)),
            " ",
        )
