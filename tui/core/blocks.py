"""What a Markdown body is shown as: display blocks of styled runs (`tui.core.document` makes them).

Apart from the parser so that what lays blocks out need not load markdown-it (~20 ms), and
so that blocks parsed in another process can be sent back (`as_tuples`, `from_tuples`).
"""

from __future__ import annotations

import unicodedata
from itertools import groupby
from operator import attrgetter

from tui.core.records import record


@record(frozen=True)
class Run:
    """A piece of text in one style."""

    text: str
    style: str = ""  # space-separated style names (see document._STYLE_ORDER); "" is plain


Cell = tuple[Run, ...]


def soft_break(before: str, after: str) -> str:
    """A source line break inside a paragraph, between the texts `before` and `after` it:
    nothing between two CJK characters (a space there would show as a gap in Chinese), a
    space elsewhere."""
    if before and after and _is_wide(before[-1]) and _is_wide(after[0]):
        return ""
    return " "


def _is_wide(char: str) -> bool:
    return unicodedata.east_asian_width(char) in ("W", "F", "H")


def merge_runs(runs: list[Run]) -> tuple[Run, ...]:
    """A block's runs as shown: neighbouring runs of one style joined, empty ones dropped, and
    the block's outer spaces and breaks trimmed."""
    merged = [
        Run("".join(run.text for run in group), style)
        for style, group in groupby((run for run in runs if run.text), key=attrgetter("style"))
    ]
    while merged and not merged[0].text.strip(" \n"):
        merged.pop(0)
    while merged and not merged[-1].text.strip(" \n"):
        merged.pop()
    if merged:
        merged[0] = Run(merged[0].text.lstrip(" \n"), merged[0].style)
        merged[-1] = Run(merged[-1].text.rstrip(" \n"), merged[-1].style)
    return tuple(merged)


@record(frozen=True)
class Block:
    """One display block: a heading, paragraph, list item, quote, code block, math
    block, rule, image, table or footnote ("note")."""

    kind: str
    runs: tuple[Run, ...]
    level: int = 0  # heading level; nesting depth of an item or a quote
    marker: str = ""  # list marker of an item, e.g. "- " or "3. "; a note's number, "[1] "
    rows: tuple[tuple[Cell, ...], ...] = ()  # a table's rows of cells, the header row first
    aligns: tuple[str, ...] = ()  # a table's column alignments: "left", "right" or "center"

    @property
    def text(self) -> str:
        if self.rows:
            return "\n".join(" | ".join("".join(run.text for run in cell) for cell in row) for row in self.rows)
        return "".join(run.text for run in self.runs)


def _runs(runs: tuple[Run, ...]) -> tuple[tuple[str, str], ...]:
    return tuple((run.text, run.style) for run in runs)


def as_tuples(blocks: list[Block]) -> tuple:
    """The blocks as nested tuples of str and int, which marshal can carry."""
    return tuple(
        (
            block.kind,
            _runs(block.runs),
            block.level,
            block.marker,
            tuple(tuple(map(_runs, row)) for row in block.rows),
            block.aligns,
        )
        for block in blocks
    )


def _as_runs(pairs) -> tuple[Run, ...]:
    runs = tuple(Run(text, style) for text, style in pairs)
    if not all(type(run.text) is str and type(run.style) is str for run in runs):
        raise TypeError("not a run")
    return runs


def from_tuples(data: tuple) -> list[Block]:
    """`as_tuples`' blocks again. Raises ValueError or TypeError for anything it did not make."""
    blocks = []
    for kind, runs, level, marker, rows, aligns in data:
        if not (type(kind) is str and type(level) is int and type(marker) is str):
            raise TypeError("not a block")
        if not all(type(align) is str for align in aligns):
            raise TypeError("not an alignment")
        blocks.append(
            Block(kind, _as_runs(runs), level, marker, tuple(tuple(map(_as_runs, row)) for row in rows), tuple(aligns))
        )
    return blocks


__all__ = ["Block", "Cell", "Run", "as_tuples", "from_tuples", "merge_runs", "soft_break"]
