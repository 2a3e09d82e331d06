"""The section menu: section labels with their article counts."""

from __future__ import annotations

from tui.core.model import Newsroom, Section
from tui.ui.widgets.row_list import Cell, RowList


class SectionMenu(RowList):
    DEFAULT_CSS = """
    SectionMenu { width: 16; background: $boost; }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.sections: list[Section] = []
        self._counts: list[int | None] = []

    def show_newsroom(self, newsroom: Newsroom, current: str | None = None) -> None:
        self.sections = list(newsroom.sections)
        # A first-paint preview holds only the newest articles: its counts would mislead.
        self._counts = [
            len(newsroom.articles_in(section.id)) if newsroom.complete else None for section in self.sections
        ]
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
        count = "" if self._counts[index] is None else str(self._counts[index])
        label = self.app.present(self.sections[index].label)
        return [[Cell(" ", width=1), Cell(label), Cell(count, "row-list--dim", len(count)), Cell(" ", width=1)]]
