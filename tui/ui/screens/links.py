"""The links of the article on show; one opens only on enter, and only if it is http, https or mailto."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option


class LinksScreen(ModalScreen[str | None]):
    BINDINGS = [
        Binding("escape", "dismiss(None)", "Close", id="close_links"),
        Binding("y", "copy_link", "Copy the link", id="copy_link"),
    ]

    def __init__(self, links: list[tuple[str, str]]) -> None:
        super().__init__()
        self.links = links

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            title = f"Links: {len(self.links)}" if self.links else "This article has no links."
            yield Static(title, id="dialog-title", markup=False)
            # Content(...) is never parsed as markup: labels and addresses come from the article.
            yield OptionList(
                *(
                    Option(Content.assemble((self.app.present(label), "bold"), "\n", (href, "dim")))
                    for label, href in self.links
                )
            )

    def on_mount(self) -> None:
        self.query_one(OptionList).focus()

    def action_copy_link(self) -> None:
        index = self.query_one(OptionList).highlighted
        if index is None or not self.links:
            self.app.bell()
            return
        self.app.copy_text(self.links[index][1], "the link")

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "copy_link" and self.app.kiosk is not None:
            return False  # a kiosk never copies
        return True

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(self.links[event.option_index][1])
