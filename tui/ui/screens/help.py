"""Help generated from the bindings the app really has, with the user's remapped keys."""

from __future__ import annotations

from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Static

from tui.core.text import fit
from tui.ui.widgets.key_bar import KeyBar

_PACKAGE = __name__.partition(".")[0]  # whatever the package is called


def _ours(cls: type) -> bool:
    return cls.__module__ == _PACKAGE or cls.__module__.startswith(f"{_PACKAGE}.")


def collect_bindings(owner: type) -> list[Binding]:
    """A class's bindings including inherited ones; a subclass overrides its bases' keys.

    Of Textual's own classes only the App's bindings (quit, palette) are ours to
    document; the scrolling defaults of its base widgets are shadowed or unused.
    """
    seen: dict[str, Binding] = {}
    for cls in reversed(owner.__mro__):
        if not _ours(cls) and cls is not App:
            continue
        for binding in cls.__dict__.get("BINDINGS", []):
            if isinstance(binding, tuple):
                binding = Binding(*binding)
            for key in binding.key.split(","):
                seen[key.strip()] = binding
    if issubclass(owner, App) and owner.ENABLE_COMMAND_PALETTE:
        # The App adds this binding at run time rather than in BINDINGS.
        seen[owner.COMMAND_PALETTE_BINDING] = Binding(owner.COMMAND_PALETTE_BINDING, "command_palette", "Commands")
    ordered: list[Binding] = []
    for binding in seen.values():
        if binding not in ordered:
            ordered.append(binding)
    return ordered


# Arrow glyphs are ambiguous-width: CJK terminals draw them two cells wide.
_ARROW_WORDS = {"\u2191": "up", "\u2193": "down", "\u2190": "left", "\u2192": "right"}


class HelpScreen(ModalScreen[None]):
    BINDINGS = [Binding("escape,question_mark,q", "dismiss", "Close", id="close_help")]

    def __init__(self, groups: list[tuple[str, type]], keymap: dict[str, str]) -> None:
        super().__init__()
        self.groups, self.keymap = groups, keymap

    def _keys(self, binding: Binding) -> str:
        keys = self.keymap.get(binding.id, binding.key) if binding.id else binding.key
        shown = []
        for key in keys.split(","):
            display = self.app.get_key_display(Binding(key.strip(), binding.action))
            display = _ARROW_WORDS.get(display, display)
            if display not in shown:
                shown.append(display)
        return " ".join(shown)

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            yield Static("Keys", id="dialog-title", markup=False)
            with VerticalScroll(id="help-body"):
                for heading, owner in self.groups:
                    lines = [Content.styled(heading, "bold $text-accent")]
                    for binding in collect_bindings(owner):
                        if binding.system or not binding.description:
                            continue
                        lines.append(
                            Content.assemble("  ", (fit(self._keys(binding), 16), "bold"), " ", binding.description)
                        )
                    yield Static(Content("\n").join(lines), classes="help-group")
        yield KeyBar()
