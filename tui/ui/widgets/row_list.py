"""A virtualised, keyboard-driven list: only the rows on screen are ever rendered.

A section with 10,000 articles costs no more to show than one with ten: rows
are drawn on demand through the Line API, never mounted as widgets.
"""

from __future__ import annotations

from dataclasses import dataclass

from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.binding import Binding
from textual.geometry import Region, Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

from tui.core.text import fit
from tui.ui.widgets.line_style import PassStyle
from tui.ui.widgets.scrollbar import SteadyScrollbars


@dataclass(frozen=True)
class Cell:
    """A piece of one row line: text already made safe, and a component class name."""

    text: str
    component: str = ""
    width: int | None = None  # fixed width in cells; None takes what is left
    marks: tuple[tuple[int, int], ...] = ()  # character ranges to highlight (search matches)


class RowList(PassStyle, SteadyScrollbars, ScrollView, can_focus=True):
    """Base for the section menu, article list and problem list."""

    BINDINGS = [
        Binding("up,k", "cursor_up", "Up", show=False),
        Binding("down,j", "cursor_down", "Down", show=False),
        Binding("home,g", "first", "First", show=False),
        Binding("end,G", "last", "Last", show=False),
        Binding("pageup", "page_up", "Page up", show=False),
        Binding("pagedown", "page_down", "Page down", show=False),
        Binding("enter", "select", "Open", id="open"),
    ]

    COMPONENT_CLASSES = {
        "row-list--cursor",
        "row-list--cursor-blurred",
        "row-list--dim",
        "row-list--strong",
        "row-list--mark",
    }

    DEFAULT_CSS = """
    RowList {
        overflow-x: hidden;
        scrollbar-size-vertical: 1;
        & > .row-list--cursor { background: $block-cursor-background; color: $block-cursor-foreground; text-style: bold; }
        & > .row-list--cursor-blurred { background: $block-cursor-blurred-background; }
        & > .row-list--dim { color: $text-muted; }
        & > .row-list--strong { text-style: bold; }
        & > .row-list--mark { background: $warning 60%; color: $text; }
    }
    """

    # Actions that only move the cursor (a key bound to one is a move).
    CURSOR_ACTIONS = frozenset({"cursor_up", "cursor_down", "first", "last", "page_up", "page_down"})

    row_height = 1
    # repaint=False: a move repaints the two rows it changes (watch_cursor), not the list.
    cursor: reactive[int] = reactive(0, always_update=True, init=False, repaint=False)

    class Highlighted(Message):
        def __init__(self, row_list: RowList, index: int) -> None:
            super().__init__()
            self.row_list, self.index = row_list, index

        @property
        def control(self) -> RowList:
            return self.row_list

    class Selected(Highlighted):
        pass

    def __init__(self, *, name: str | None = None, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self._count = 0
        self._drawn: dict[int, list[list[Cell]]] = {}  # rows as last drawn, by index (see refresh_changed_rows)

    # --- data -----------------------------------------------------------------

    @property
    def row_count(self) -> int:
        return self._count

    def set_row_count(self, count: int, cursor: int = 0) -> None:
        """Replace the rows; subclasses keep the data and call this."""
        self._count = count
        self.virtual_size = Size(self.scrollable_content_region.width, count * self.row_height)
        self.scroll_to(y=0, animate=False, immediate=True)
        self.set_reactive(RowList.cursor, max(0, min(cursor, count - 1)))
        self.refresh()
        if count:
            self._scroll_cursor_visible()
            self.post_message(self.Highlighted(self, self.cursor))

    def row_lines(self, index: int, width: int) -> list[list[Cell]]:
        """The `row_height` lines of row `index`, as cells. Subclasses override."""
        raise NotImplementedError

    def _on_mount(self, event: events.Mount) -> None:
        # Rows show content text: they repaint when the app's display mode changes.
        self.watch(self.app, "display_mode", self._display_mode_changed, init=False)

    def _display_mode_changed(self) -> None:
        self.refresh()

    # --- rendering --------------------------------------------------------------

    _row_memo: tuple[int, int, list[list[Cell]]] | None = None

    def render_lines(self, crop: Region) -> list[Strip]:
        # A row of several lines is worked out once per pass, not once per line;
        # the memo lives only for the pass, so a script toggle is never stale.
        self._row_memo = (-1, -1, [])
        try:
            return super().render_lines(crop)
        finally:
            self._row_memo = None

    def _row(self, index: int, width: int) -> list[list[Cell]]:
        if self._row_memo is None:
            return self.row_lines(index, width)
        if self._row_memo[:2] != (index, width):
            self._row_memo = (index, width, self.row_lines(index, width))
            if len(self._drawn) > 512:  # rows scrolled past; a row not kept is simply repainted
                self._drawn.clear()
            self._drawn[index] = self._row_memo[2]
        return self._row_memo[2]

    def refresh_changed_rows(self) -> None:
        """Repaint the rows on screen that would now be drawn differently, and only
        those: marking one article read repaints its row, not the list."""
        width = self.line_width
        first = self.scroll_offset.y // self.row_height
        last = min(self._count, first + self.scrollable_content_region.height // self.row_height + 2)
        drawn, self._drawn = self._drawn, {}
        for index in range(first, last):
            if index in drawn:
                self._drawn[index] = drawn[index]
                if self.row_lines(index, width) != drawn[index]:
                    self._refresh_row(index)
            else:
                self._refresh_row(index)

    def render_line(self, y: int) -> Strip:
        scroll_y = self.scroll_offset.y
        line_number = scroll_y + y
        index, sub_line = divmod(line_number, self.row_height)
        width = self.line_width
        base = self.base_style
        if index >= self._count or width <= 0:
            return Strip.blank(width, base)
        if index == self.cursor:
            row_style = base + self.get_component_rich_style(
                "row-list--cursor" if self.has_focus else "row-list--cursor-blurred"
            )
        else:
            row_style = base
        cells = self._row(index, width)[sub_line]
        segments, used = self._segments(cells, width, row_style)
        # The cells are measured already: Strip need not measure them again.
        return Strip(segments, used).adjust_cell_length(width, row_style)

    def _segments(self, cells: list[Cell], width: int, row_style: Style) -> tuple[list[Segment], int]:
        """The segments of a line, and the cells they take."""
        # At most one cell is flexible: it takes whatever the fixed cells leave.
        flexible = max(0, width - sum(cell.width or 0 for cell in cells))
        segments, used = [], 0
        for cell in cells:
            style = row_style
            if cell.component:
                style = row_style + self.get_component_rich_style(cell.component, partial=True)
            cell_width = cell.width if cell.width is not None else flexible
            text = fit(cell.text, cell_width)
            used += cell_width
            if cell.marks:
                segments.extend(self._marked(text, cell.marks, style))
            else:
                segments.append(Segment(text, style))
            if cell.width is None:
                flexible = 0
        return segments, used

    def _marked(self, text: str, marks: tuple[tuple[int, int], ...], style: Style) -> list[Segment]:
        mark = style + self.get_component_rich_style("row-list--mark", partial=True)
        segments, position = [], 0
        for start, end in sorted(marks):
            start, end = max(start, position), min(end, len(text))
            if start >= end:
                continue
            segments += [Segment(text[position:start], style), Segment(text[start:end], mark)]
            position = end
        segments.append(Segment(text[position:], style))
        return segments

    def on_resize(self, event: events.Resize) -> None:
        self.virtual_size = Size(self.scrollable_content_region.width, self._count * self.row_height)
        self._scroll_cursor_visible()

    # Focus changes the cursor row's colours and nothing else: only that row is
    # repainted (Textual's own handlers, skipped here, would repaint the whole list).
    def _on_focus(self, event: events.Focus) -> None:
        event.prevent_default()
        self.has_focus = True
        self._refresh_row(self.cursor)
        if self.parent is not None:
            self.parent.post_message(events.DescendantFocus(self))

    def _on_blur(self, event: events.Blur) -> None:
        event.prevent_default()
        self.has_focus = False
        self._refresh_row(self.cursor)
        if self.parent is not None:
            self.parent.post_message(events.DescendantBlur(self))

    # --- cursor -------------------------------------------------------------------

    def watch_cursor(self, old: int, new: int) -> None:
        self._refresh_row(old)
        self._refresh_row(new)
        self._scroll_cursor_visible()
        if self._count:
            self.post_message(self.Highlighted(self, new))

    def move_cursor(self, index: int) -> None:
        if self._count:
            self.cursor = max(0, min(index, self._count - 1))

    def _refresh_row(self, index: int) -> None:
        y = index * self.row_height - self.scroll_offset.y
        self.refresh(Region(0, y, self.size.width, self.row_height))

    def _scroll_cursor_visible(self) -> None:
        region = Region(0, self.cursor * self.row_height, 1, self.row_height)
        self.scroll_to_region(region, animate=False, immediate=True, force=True)

    @property
    def _page_rows(self) -> int:
        return max(1, self.scrollable_content_region.height // self.row_height - 1)

    def action_cursor_up(self) -> None:
        self.move_cursor(self.cursor - 1)

    def action_cursor_down(self) -> None:
        self.move_cursor(self.cursor + 1)

    def action_first(self) -> None:
        self.move_cursor(0)

    def action_last(self) -> None:
        self.move_cursor(self._count - 1)

    def action_page_up(self) -> None:
        self.move_cursor(self.cursor - self._page_rows)

    def action_page_down(self) -> None:
        self.move_cursor(self.cursor + self._page_rows)

    def action_select(self) -> None:
        if self._count:
            self.post_message(self.Selected(self, self.cursor))

    def on_click(self, event: events.Click) -> None:
        index = (event.y + self.scroll_offset.y) // self.row_height
        if 0 <= index < self._count:
            self.focus()
            if index == self.cursor:
                self.action_select()
            else:
                self.cursor = index
