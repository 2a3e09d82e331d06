"""Laying out a Markdown table in terminal cells, to fit a width.

Columns are measured in cells (CJK characters take two) and, when the table is
wider than the space it has, the widest columns give way first and their cells
wrap with the Chinese line-breaking rules of `tui.chinese.layout.wrap`. A table
with more columns than the width can hold is set as one record per row
("header: value" lines) instead. Only ASCII is used for the frame: box-drawing
characters are ambiguous-width and turn wide in CJK terminals.
"""

from __future__ import annotations

from collections.abc import Sequence

from rich.cells import cell_len

from tui.chinese.layout import char_widths, wrap
from tui.core.blocks import Cell, Run

SEPARATOR = " | "
FRAME = "frame"  # the run style of separators and the rule under the header
MIN_COLUMN = 4  # cells: two Chinese characters; a column narrower than this is unreadable
LONGEST_UNIT = 12  # a longer word or URL may be cut to let its column shrink

TableLine = tuple[Run, ...]


def lay_out_table(rows: Sequence[Sequence[Cell]], aligns: Sequence[str], width: int | None) -> list[TableLine]:
    """The lines of a table (header row first) in at most `width` cells; None: as wide as it needs."""
    if not rows:
        return []
    columns = max(len(row) for row in rows)
    grid = [[_cell_runs(row, column) for column in range(columns)] for row in rows]
    texts = [["".join(run.text for run in cell) for cell in row] for row in grid]
    natural = [max(_widest_line(row[column]) for row in texts) for column in range(columns)]
    if width is None:
        widths = natural
    else:
        floors = [min(natural[c], max(MIN_COLUMN, max(_longest_unit(row[c]) for row in texts))) for c in range(columns)]
        room = width - len(SEPARATOR) * (columns - 1)
        if sum(floors) > room:
            return _as_records(grid, texts, width)
        widths = _fit_columns(natural, floors, room)
    aligns = [aligns[c] if c < len(aligns) else "left" for c in range(columns)]
    lines: list[TableLine] = []
    for number, (row, row_texts) in enumerate(zip(grid, texts)):
        header = number == 0
        if header:
            row = [tuple(Run(run.text, _with_bold(run.style)) for run in cell) for cell in row]
        lines.extend(_row_lines(row, row_texts, widths, aligns))
        if header:
            lines.append((Run("-+-".join("-" * w for w in widths), FRAME),))
    return lines


def _cell_runs(row: Sequence[Cell], column: int) -> Cell:
    return tuple(row[column]) if column < len(row) else ()


def _with_bold(style: str) -> str:
    return style if "bold" in style.split() else " ".join(filter(None, ("bold", style)))


def _widest_line(text: str) -> int:
    return max((cell_len(line) for line in text.split("\n")), default=0)


def _longest_unit(text: str) -> int:
    """The widest piece of text that cannot break (a Latin word, one Chinese character), capped."""
    longest = 0
    for word in text.split():
        if word.isascii():
            longest = max(longest, min(len(word), LONGEST_UNIT))
        else:
            longest = max(longest, max(char_widths(word), default=0))
    return longest


def _fit_columns(natural: list[int], floors: list[int], room: int) -> list[int]:
    """Column widths that fit `room`: every column keeps its natural width if the
    table fits; otherwise the widest are capped, at the highest cap that fits."""
    if sum(natural) <= room:
        return natural
    low, high = 0, max(natural)
    while low < high:  # the largest cap whose widths still fit
        middle = (low + high + 1) // 2
        if sum(max(f, min(n, middle)) for n, f in zip(natural, floors)) <= room:
            low = middle
        else:
            high = middle - 1
    widths = [max(f, min(n, low)) for n, f in zip(natural, floors)]
    spare = room - sum(widths)
    for column in sorted(range(len(widths)), key=lambda c: -natural[c]):  # what is left, to the widest
        extra = min(spare, natural[column] - widths[column])
        widths[column] += extra
        spare -= extra
    return widths


def _row_lines(row: Sequence[Cell], texts: Sequence[str], widths: list[int], aligns: list[str]) -> list[TableLine]:
    wrapped = [wrap(text, width) for text, width in zip(texts, widths)]
    height = max(len(lines) for lines in wrapped)
    lines = []
    for index in range(height):
        runs: list[Run] = []
        for column, (cell, text, width) in enumerate(zip(row, texts, widths)):
            if column:
                runs.append(Run(SEPARATOR, FRAME))
            start, end = wrapped[column][index] if index < len(wrapped[column]) else (0, 0)
            piece = _slice_runs(cell, start, end)
            gap = width - cell_len(text[start:end])
            last = column == len(row) - 1
            left = gap if aligns[column] == "right" else gap // 2 if aligns[column] == "center" else 0
            right = 0 if last else gap - left
            if left:
                runs.append(Run(" " * left))
            runs.extend(piece)
            if right:
                runs.append(Run(" " * right))
        while runs and not runs[-1].text.strip():  # an empty last cell leaves no trailing spaces
            runs.pop()
        if runs and runs[-1].text != runs[-1].text.rstrip():
            runs[-1] = Run(runs[-1].text.rstrip(), runs[-1].style)
        lines.append(tuple(runs))
    return lines


def _slice_runs(runs: Sequence[Run], start: int, end: int) -> list[Run]:
    """The runs' text between character offsets start and end, styles kept."""
    pieces = []
    position = 0
    for run in runs:
        low, high = max(start, position), min(end, position + len(run.text))
        if low < high:
            pieces.append(Run(run.text[low - position : high - position], run.style))
        position += len(run.text)
    return pieces


def _as_records(grid: list[list[Cell]], texts: list[list[str]], width: int) -> list[TableLine]:
    """A table too wide for the width: each row as "header: value" lines, rows apart."""
    headers = texts[0]
    lines: list[TableLine] = []
    for number, (row, row_texts) in enumerate(zip(grid[1:], texts[1:])):
        if number:
            lines.append(())
        for column, (cell, text) in enumerate(zip(row, row_texts)):
            label = f"{headers[column]}: " if headers[column] else ""
            runs = (Run(label, "bold"), *cell) if label else tuple(cell)
            full = label + text
            for start, end in wrap(full, max(1, width)):
                lines.append(tuple(_slice_runs(runs, start, end)))
    return lines


__all__ = ["FRAME", "SEPARATOR", "TableLine", "lay_out_table"]
