"""The footer: the keys that work where focus is, drawn as one line.

Textual's Footer mounts a widget per key and mounts them all again whenever the
bindings change, which is on every pane switch (the reader's keys are not the
list's): tens of milliseconds and a layout pass each time. This bar draws the
same keys through the line API and repaints only when what it shows changed.
"""

from __future__ import annotations

from dataclasses import dataclass

from rich.segment import Segment
from textual import events
from textual.screen import Screen
from textual.strip import Strip
from textual.widget import Widget

from tui.core.text import cell_len


@dataclass(frozen=True)
class ShownKey:
    key: str  # the key to simulate when clicked
    display: str
    description: str
    enabled: bool


class KeyBar(Widget):
    DEFAULT_CSS = """
    KeyBar {
        dock: bottom;
        height: 1;
        color: $footer-foreground;
        background: $footer-background;
        & > .key-bar--key { color: $footer-key-foreground; background: $footer-key-background; text-style: bold; }
        & > .key-bar--description { color: $footer-description-foreground; background: $footer-description-background; }
        & > .key-bar--disabled { text-style: dim; }
    }
    """
    COMPONENT_CLASSES = {"key-bar--key", "key-bar--description", "key-bar--disabled"}
    ALLOW_SELECT = False

    def __init__(self) -> None:
        super().__init__()
        self._keys: tuple[ShownKey, ...] = ()
        self._palette: ShownKey | None = None
        self._spans: list[tuple[int, int, ShownKey]] = []  # cells [start, end) of each key, for clicks

    def on_mount(self) -> None:
        self.screen.bindings_updated_signal.subscribe(self, self._bindings_changed)
        self._bindings_changed(self.screen)

    def on_unmount(self) -> None:
        self.screen.bindings_updated_signal.unsubscribe(self)

    def _bindings_changed(self, screen: Screen) -> None:
        keys, palette = self._shown_keys(screen)
        if (keys, palette) != (self._keys, self._palette):
            self._keys, self._palette = keys, palette
            self.refresh()

    def _shown_keys(self, screen: Screen) -> tuple[tuple[ShownKey, ...], ShownKey | None]:
        """The keys Textual's Footer would show: one per action, the palette's apart."""
        app = self.app
        active = screen.active_bindings
        keys: dict[str, ShownKey] = {}
        for _node, binding, enabled, _tooltip in active.values():
            if binding.show and binding.action not in keys:
                keys[binding.action] = ShownKey(binding.key, app.get_key_display(binding), binding.description, enabled)
        palette = None
        if app.ENABLE_COMMAND_PALETTE and app.COMMAND_PALETTE_BINDING in active:
            _node, binding, enabled, _tooltip = active[app.COMMAND_PALETTE_BINDING]
            palette = ShownKey(binding.key, app.get_key_display(binding), binding.description, enabled)
            keys.pop(binding.action, None)
        return tuple(keys.values()), palette

    def render_line(self, y: int) -> Strip:
        width = self.size.width
        base = self.rich_style
        key_style = base + self.get_component_rich_style("key-bar--key", partial=True)
        description_style = base + self.get_component_rich_style("key-bar--description", partial=True)
        dim = self.get_component_rich_style("key-bar--disabled", partial=True)
        spans: list[tuple[int, int, ShownKey]] = []

        def draw(keys: tuple[ShownKey, ...], start: int) -> tuple[list[Segment], int]:
            segments, used = [], start
            for shown in keys:
                parts = [(f" {shown.display} ", key_style)]
                if shown.description:
                    parts.append((f"{shown.description} ", description_style))
                begin = used
                for text, style in parts:
                    segments.append(Segment(text, style if shown.enabled else style + dim))
                    used += cell_len(text)
                spans.append((begin, used, shown))
            return segments, used - start

        segments, used = draw(self._keys, 0)
        line = Strip(segments, used)
        if self._palette is None:
            self._spans = spans
            return line.adjust_cell_length(width, base)
        # The palette's key sits at the right end, over whatever keys do not fit (as in Textual's Footer).
        # Drawn as Textual draws it: the key unpadded, then the description and one blank.
        palette = self._palette
        palette_parts = [(palette.display, key_style), (f" {palette.description}", description_style), (" ", base)]
        palette_segments = [Segment(text, style if palette.enabled else style + dim) for text, style in palette_parts]
        palette_width = sum(cell_len(text) for text, _ in palette_parts)
        spans.append((0, palette_width, palette))
        keys_width = max(0, width - palette_width)
        spans[-1] = (keys_width, keys_width + palette_width, self._palette)
        self._spans = [(start, min(end, keys_width), shown) for start, end, shown in spans[:-1] if start < keys_width]
        self._spans.append(spans[-1])
        line = line.crop(0, keys_width).adjust_cell_length(keys_width, base)
        return Strip.join([line, Strip(palette_segments, palette_width)]).crop(0, width)

    def on_click(self, event: events.Click) -> None:
        for start, end, shown in self._spans:
            if start <= event.x < end:
                if shown.enabled:
                    self.app.simulate_key(shown.key)
                else:
                    self.app.bell()
                return
