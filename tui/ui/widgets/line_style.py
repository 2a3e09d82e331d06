"""The base style and line width of a Line API widget, worked out once per render pass."""

from __future__ import annotations

from rich.style import Style
from textual.geometry import Region
from textual.strip import Strip


class PassStyle:
    """Mixin: `self.rich_style` walks every ancestor's styles and the content width
    is worked out from the box model; a screen of lines needs each once."""

    _pass_style: Style | None = None
    _pass_width: int | None = None

    def render_lines(self, crop: Region) -> list[Strip]:
        self._pass_style = self.rich_style
        self._pass_width = self.scrollable_content_region.width
        try:
            return super().render_lines(crop)
        finally:
            self._pass_style = self._pass_width = None

    @property
    def base_style(self) -> Style:
        return self._pass_style if self._pass_style is not None else self.rich_style

    @property
    def line_width(self) -> int:
        """Cells in a line of content (inside padding and scrollbar)."""
        return self._pass_width if self._pass_width is not None else self.scrollable_content_region.width
