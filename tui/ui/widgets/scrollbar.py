"""Scrollbars that are drawn again only when they would look different.

Textual sets every style of a widget afresh whenever its classes or pseudo-classes
change (a focus change does), and setting a scrollbar colour repaints the widget's
scrollbars even when the colour is the same: a whole column sent to the terminal for
nothing, twice on every pane switch.
"""

from __future__ import annotations

from textual.geometry import Region
from textual.scrollbar import ScrollBar
from textual.widget import Widget


class SteadyScrollBar(ScrollBar):
    """A scrollbar that skips a repaint asked for while nothing it draws has changed."""

    _drawn: tuple | None = None

    def _look(self) -> tuple:
        """Everything `ScrollBar.render` draws from."""
        parent = self.parent
        styles = parent.styles if isinstance(parent, Widget) else None
        colours = (
            ()
            if styles is None
            else (
                styles.scrollbar_background,
                styles.scrollbar_color,
                styles.scrollbar_background_hover,
                styles.scrollbar_color_hover,
                styles.scrollbar_background_active,
                styles.scrollbar_color_active,
                parent.background_colors,
            )
        )
        return (
            self.size,
            self.grabbed,
            self.mouse_over,
            self.window_virtual_size,
            self.window_size,
            self.position,
            self.thickness,
            colours,
        )

    def render(self):
        self._drawn = self._look()
        return super().render()

    def refresh(self, *regions: Region, repaint: bool = True, layout: bool = False, recompose: bool = False):
        if not (regions or recompose) and self._drawn is not None and self._drawn == self._look():
            if not layout:
                return self
            repaint = False  # a layout pass that changes its size repaints it anyway
        return super().refresh(*regions, repaint=repaint, layout=layout, recompose=recompose)


class SteadyScrollbars:
    """Mixin for a scrolling widget: its vertical scrollbar is a `SteadyScrollBar`."""

    @property
    def vertical_scrollbar(self) -> ScrollBar:
        # As Widget.vertical_scrollbar makes it, with our class.
        if self._vertical_scrollbar is None:
            bar = SteadyScrollBar(vertical=True, name="vertical", thickness=self.scrollbar_size_vertical)
            bar.display = False
            self._vertical_scrollbar = bar
            self.app._start_widget(self, bar)
        return self._vertical_scrollbar
