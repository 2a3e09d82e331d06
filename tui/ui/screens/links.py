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
    BINDINGS = [Binding("escape", "dismiss(None)", "Close", id="close_links")]

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

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(self.links[event.option_index][1])
