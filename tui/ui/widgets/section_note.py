"""The selected section's description, above its article list.

A Hugo or Zola section page (`_index.md`) may say what its section is: its
`description` (or `summary`), else its body's first paragraph. Shown here, at
most two lines (the last cut with an ellipsis), in the script on screen; a
section without one shows nothing and takes no room.
"""

from __future__ import annotations

from textual.app import RenderResult
from textual.content import Content
from textual.reactive import reactive
from textual.widget import Widget

from tui.chinese.layout import wrap
from tui.core.text import truncate

MAX_LINES = 2


class SectionNote(Widget):
    DEFAULT_CSS = """
    SectionNote {
        height: auto;
        display: none;
        background: $boost;
        color: $text-muted;
        padding: 0 1;
        &.-shown { display: block; }
    }
    """

    text: reactive[str] = reactive("", layout=True)

    def on_mount(self) -> None:
        self.watch(self.app, "display_mode", self._display_mode_changed, init=False)

    def _display_mode_changed(self) -> None:
        self.refresh(layout=True)  # another script may wrap to another number of lines

    def watch_text(self, text: str) -> None:
        self.set_class(bool(text), "-shown")

    def _lines(self, width: int) -> list[str]:
        text = self.app.present(self.text)
        spans = wrap(text, width)
        lines = [text[start:end] for start, end in spans[:MAX_LINES]]
        if len(spans) > MAX_LINES:  # the rest does not fit: the last line says so
            lines[-1] = truncate(text[spans[MAX_LINES - 1][0] :], width)
        return lines

    def get_content_height(self, container, viewport, width: int) -> int:
        return len(self._lines(width)) if self.text else 0

    def render(self) -> RenderResult:
        # Content(...) never parses markup: the description comes from a content file.
        return Content("\n".join(self._lines(self.content_region.width)))
