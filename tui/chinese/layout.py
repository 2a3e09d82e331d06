"""Wrapping text into lines of terminal cells, the way Chinese text is set.

Follows W3C "Requirements for Chinese Text Layout" (clreq): a line may break
between any two CJK characters, Latin words stay whole, no line starts with
closing punctuation or ends with opening punctuation (the character before
is pushed down with it), and a wide character never straddles the edge.

`wrap()` returns character offsets rather than strings so a widget can keep
the styles of the runs it wrapped.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from functools import lru_cache
from itertools import accumulate

from rich.cells import get_character_cell_size

# clreq 3.1.7: characters that may not start a line (closing brackets and
# quotes, pause and stop marks, ellipsis, middle dots, the prolonged-sound
# mark) and characters that may not end one (opening brackets and quotes).
NO_LINE_START = frozenset(
    "，。、；：？！）」』》〉】〕〗〙〛｝］”’…‥·・ー～〜％‰℃"
    "｡､｣）〞〟﹐﹑﹒﹔﹕﹖﹗﹚﹜﹞"
    "ぁぃぅぇぉっゃゅょゎァィゥェォッャュョヮヵヶ"
    "%,.:;?!)]}'\""
)
NO_LINE_END = frozenset("（「『《〈【〔〖〘〚｛［“‘｢﹙﹛﹝([{")
# Dashes and ellipses are set in pairs that must not be split.
INSEPARABLE = frozenset("—…‥⋯")

_SPACE = " "
_NOT_SPACE = re.compile("[^ ]")
# ASCII text without control characters is one cell a character.
_NARROW_ASCII = re.compile("[\x20-\x7e\n]*")


def char_widths(text: str) -> bytes:
    """widths[i] = cells taken by text[i]: one byte a character, built in C loops."""
    if text.isascii() and _NARROW_ASCII.fullmatch(text):
        return b"\x01" * len(text)  # "\n" is never measured, so it may count as 1
    table = {ord(char): chr(_cells(char)) for char in set(text)}
    return text.translate(table).encode("latin-1")


@lru_cache(maxsize=65536)
def _cells(char: str) -> int:
    return get_character_cell_size(char)


def wrap(text: str, width: int) -> list[tuple[int, int]]:
    """Wrap `text` to `width` cells; return the (start, end) offsets of each line.

    "\\n" ends a line and belongs to none. Spaces where a line breaks are
    dropped from both lines; every other character is in exactly one line.
    Every text, even "", has at least one line.
    """
    width = max(1, width)
    widths = char_widths(text)
    lines: list[tuple[int, int]] = []
    start = 0
    while True:
        end = text.find("\n", start)
        if end < 0:
            _wrap_paragraph(text, widths, start, len(text), width, lines)
            return lines
        _wrap_paragraph(text, widths, start, end, width, lines)
        start = end + 1


def _wrap_paragraph(text: str, widths: bytes, start: int, stop: int, width: int, lines: list[tuple[int, int]]) -> None:
    """Greedy fill of text[start:stop], which holds no "\\n"."""
    first_line = len(lines)
    while True:
        # The most characters that fit; spaces after them hang past the edge.
        fit = _fit(widths, start, stop, width)
        hang = _skip_spaces(text, fit, stop)
        if hang >= stop:  # the rest fits
            end = _strip_end(text, start, fit)
            if end > start or len(lines) == first_line:
                lines.append((start, end))
            return
        fit = hang
        if fit == start:
            # A wide character in a one-cell column: it goes alone, with any
            # combining marks that belong to it.
            end = start + 1
            while end < stop and widths[end] == 0:
                end += 1
            lines.append((start, end))
            start = _skip_spaces(text, end, stop)
            if start >= stop:
                return
            continue
        brk = _last_break(text, widths, start, fit)
        if brk < 0:
            # One unbreakable run wider than the line (a long word or URL,
            # or "「中」。" in a tiny column) must be cut by cells.
            brk = _forced_break(text, widths, start, fit)
        end = _strip_end(text, start, brk)
        if end > start:  # a line of nothing but leading spaces is dropped
            lines.append((start, end))
        start = brk


def _fit(widths: bytes, start: int, stop: int, width: int) -> int:
    """The end of the longest text[start:end] that fits in `width` cells."""
    # Every character but a zero-width one takes a cell, so at most width + 1
    # characters need measuring, unless combining marks make room for more.
    size = width + 1
    while True:
        end = min(stop, start + size)
        fitting = bisect_right(list(accumulate(widths[start:end])), width)
        if fitting < end - start or end == stop:
            return start + fitting
        size *= 2


def _last_break(text: str, widths: bytes, start: int, fit: int) -> int:
    """The last offset in (start, fit] where the line may break, or -1."""
    if 2 not in widths[start : fit + 1]:
        # No wide character: only the starts of words can begin a line.
        space = text.rfind(_SPACE, start, fit)
        while space >= start:
            if _may_break_before(text, widths, start, space + 1):
                return space + 1
            space = text.rfind(_SPACE, start, space)
        return -1
    for pos in range(fit, start, -1):
        if _may_break_before(text, widths, start, pos):
            return pos
    return -1


def _forced_break(text: str, widths: bytes, start: int, fit: int) -> int:
    """Where to cut a run that cannot be broken properly: as late as fits,
    still honouring kinsoku and combining marks if any offset allows it."""
    for pos in range(fit, start, -1):
        if (
            text[pos] not in NO_LINE_START
            and text[pos - 1] not in NO_LINE_END
            and widths[pos] != 0
            and not (text[pos] == text[pos - 1] and text[pos] in INSEPARABLE)
        ):
            return pos
    return fit


def _may_break_before(text: str, widths: bytes, start: int, pos: int) -> bool:
    after = text[pos]
    if after == _SPACE or after in NO_LINE_START or widths[pos] == 0:
        return False  # spaces hang; kinsoku; combining marks stay with their base
    before = text[pos - 1]
    last = _strip_end(text, start, pos)  # the line would end just after text[last - 1]
    if last > start and text[last - 1] in NO_LINE_END:
        return False
    if before == _SPACE:
        return True
    if before == after and after in INSEPARABLE:
        return False
    # Between two narrow characters is inside a Latin word; a wide character
    # (ideograph, kana, fullwidth form) may break on either side.
    return widths[pos - 1] == 2 or widths[pos] == 2


def _skip_spaces(text: str, pos: int, stop: int) -> int:
    found = _NOT_SPACE.search(text, pos, stop)
    return found.start() if found else stop


def _strip_end(text: str, start: int, end: int) -> int:
    """`end` moved back over trailing spaces, not past `start`."""
    if end <= start or text[end - 1] != _SPACE:
        return end
    return start + len(text[start:end].rstrip(_SPACE))


__all__ = ["INSEPARABLE", "NO_LINE_END", "NO_LINE_START", "wrap"]
