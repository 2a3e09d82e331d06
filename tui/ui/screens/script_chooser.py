"""Pick any of the five script modes, each labelled in its own script."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from tui.chinese.script import ScriptMode

DESCRIPTIONS = {
    ScriptMode.ORIGINAL: "as written",
    ScriptMode.SIMPLIFIED: "Simplified Chinese",
    ScriptMode.TRADITIONAL: "Traditional Chinese (OpenCC standard)",
    ScriptMode.TAIWAN: "Taiwan characters and phrasing",
    ScriptMode.HONGKONG: "Hong Kong characters",
}


class ScriptChooser(ModalScreen[ScriptMode | None]):
    BINDINGS = [Binding("escape", "dismiss(None)", "Cancel", id="close_script_chooser")]

    def __init__(self, current: ScriptMode) -> None:
        super().__init__()
        self.current = current

    def compose(self) -> ComposeResult:
        with Vertical(id="chooser"):
            yield Static("Script", id="dialog-title", markup=False)
            options = [
                Option(Content.assemble((mode.label, "bold"), "  ", DESCRIPTIONS[mode]), id=mode.value)
                for mode in ScriptMode
            ]
            yield OptionList(*options)

    def on_mount(self) -> None:
        option_list = self.query_one(OptionList)
        option_list.highlighted = list(ScriptMode).index(self.current)
        option_list.focus()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(ScriptMode(event.option.id))
