"""The section menu: section labels with their unread and total article counts,
and 收藏 (Saved) at the end."""

from __future__ import annotations

from tui.core.model import Newsroom, Section
from tui.ui.widgets.row_list import Cell, RowList

# Not a folder of the newsroom: the reader's saved articles. Its id holds a control
# character, which the loader strips from every real section id, so none can clash.
SAVED = Section("\x00saved", "收藏")


def short_count(number: int) -> str:
    """A count in at most five cells: 12345 -> 12k (the menu is 16 cells wide)."""
    if number < 10_000:
        return str(number)
    if number < 1_000_000:
        return f"{number // 1000}k"
    return f"{number // 1_000_000}M"


class SectionMenu(RowList):
    DEFAULT_CSS = """
    SectionMenu { width: 16; background: $boost; }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.sections: list[Section] = []

    def on_mount(self) -> None:
        self.watch(self.app, "reading_version", self.refresh_changed_rows, init=False)

    def show_newsroom(self, newsroom: Newsroom, current: str | None = None) -> None:
        self.sections = [*newsroom.sections, SAVED]
        ids = [section.id for section in self.sections]
        self.set_row_count(len(self.sections), ids.index(current) if current in ids else 0)

    @property
    def current(self) -> Section | None:
        return self.sections[self.cursor] if self.sections else None

    def select_section(self, section_id: str) -> None:
        for index, section in enumerate(self.sections):
            if section.id == section_id:
                self.move_cursor(index)

    def row_lines(self, index: int, width: int) -> list[list[Cell]]:
        section = self.sections[index]
        label = self.app.present(self.app.presenter.label(section))  # a site's label in the language shown
        counts = self.app.section_counts(section.id)
        if counts is None:
            return [[Cell(" ", width=1), Cell(label), Cell(" ", width=1)]]
        unread, total = short_count(counts[0]), "/" + short_count(counts[1])
        return [
            [
                Cell(" ", width=1),
                Cell(label),
                Cell(unread, "row-list--strong" if counts[0] else "row-list--dim", len(unread)),
                Cell(total, "row-list--dim", len(total)),
                Cell(" ", width=1),
            ]
        ]
