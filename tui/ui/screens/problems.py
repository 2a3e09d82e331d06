"""The Problems view: every file that could not be used, reachable by keyboard."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Static

from tui.core.model import Problem
from tui.ui.widgets.key_bar import KeyBar
from tui.ui.widgets.problem_list import ProblemList


class ProblemsScreen(ModalScreen[None]):
    BINDINGS = [Binding("escape,p,q", "dismiss", "Close", id="close_problems")]

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__()
        self.problems = problems

    def compose(self) -> ComposeResult:
        count = len(self.problems)
        heading = (
            f"Problems: {count} file{'s' if count != 1 else ''} could not be used fully"
            if count
            else "No problems: every file loaded."
        )
        with Vertical(id="dialog"):
            yield Static(heading, id="dialog-title", markup=False)
            yield ProblemList(self.problems)
        yield KeyBar()

    def on_mount(self) -> None:
        self.query_one(ProblemList).focus()
