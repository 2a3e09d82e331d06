"""Pick the language pages are shown in, among those the site has; or let the script mode pick."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from tui.core.languages import language_name, normalize
from tui.core.text import clean_line

BY_SCRIPT = ""  # the option that hands the choice back to the script mode


class LanguageChooser(ModalScreen[str | None]):
    """Dismisses with a language tag, BY_SCRIPT, or None (cancelled)."""

    BINDINGS = [Binding("escape", "dismiss(None)", "Cancel", id="close_language_chooser")]

    def __init__(self, tags: tuple[str, ...], current: str | None) -> None:
        super().__init__()
        self.tags, self.current = tags, current

    def compose(self) -> ComposeResult:
        with Vertical(id="chooser"):
            yield Static("Language", id="dialog-title", markup=False)
            options = [Option(Content.assemble(("By script", "bold"), "  the script mode picks"), id="\x00")]
            for tag in self.tags:
                name = clean_line(language_name(tag))
                detail = "" if normalize(name) == normalize(tag) else clean_line(tag)
                options.append(Option(Content.assemble((name, "bold"), "  ", detail), id=tag))
            yield OptionList(*options)

    def on_mount(self) -> None:
        option_list = self.query_one(OptionList)
        chosen = [normalize(tag) for tag in self.tags]
        current = normalize(self.current) if self.current else None
        option_list.highlighted = chosen.index(current) + 1 if current in chosen else 0
        option_list.focus()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        option_id = event.option.id or "\x00"
        self.dismiss(BY_SCRIPT if option_id == "\x00" else option_id)
