"""The base style of a Line API widget, worked out once per render pass."""

from __future__ import annotations

from rich.style import Style
from textual.geometry import Region
from textual.strip import Strip


class PassStyle:
    """Mixin: `self.rich_style` walks every ancestor's styles; a screen of lines needs it once."""

    _pass_style: Style | None = None

    def render_lines(self, crop: Region) -> list[Strip]:
        self._pass_style = self.rich_style
        try:
            return super().render_lines(crop)
        finally:
            self._pass_style = None

    @property
    def base_style(self) -> Style:
        return self._pass_style if self._pass_style is not None else self.rich_style
