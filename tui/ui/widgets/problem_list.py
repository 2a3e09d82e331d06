"""The list of files that could not be used, with where and why."""

from __future__ import annotations

from tui.core.model import Problem
from tui.core.text import clean_line
from tui.ui.widgets.row_list import Cell, RowList


class ProblemList(RowList):
    DEFAULT_CSS = """
    ProblemList { height: 1fr; }
    ProblemList > .problem-list--error { color: $text-error; text-style: bold; }
    ProblemList > .problem-list--warning { color: $text-warning; text-style: bold; }
    """
    COMPONENT_CLASSES = RowList.COMPONENT_CLASSES | {"problem-list--error", "problem-list--warning"}
    BINDINGS = [binding for binding in RowList.BINDINGS if binding.action != "select"]

    row_height = 2

    def __init__(self, problems: list[Problem], *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.problems = problems

    def on_mount(self) -> None:
        self.set_row_count(len(self.problems))

    def row_lines(self, index: int, width: int) -> list[list[Cell]]:
        problem = self.problems[index]
        severity = problem.severity
        return [
            [
                Cell(" ", width=1),
                Cell(severity, f"problem-list--{severity}", len(severity) + 1),
                Cell(self.app.present(problem.where)),
            ],
            [Cell("   ", width=3), Cell(self.app.present(clean_line(problem.message)), "row-list--dim")],
        ]
