"""Making untrusted text safe and measuring it in terminal cells.

Everything read from content files, config strings, queries and import input
passes through `clean()` before it reaches a screen or a terminal: Textual and
Rich forward ESC, OSC and CSI sequences untouched, and bidi overrides can make
a title read differently from what it is.
"""

from __future__ import annotations

import re

from rich.cells import cell_len as _rich_cell_len
from rich.cells import get_character_cell_size

# C0 controls except TAB and LF, DEL, C1 controls; bidi embeddings, overrides
# and isolates; zero-width and invisible formatting characters; Unicode tags.
_UNSAFE = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f"
    "\u061c\u200b-\u200f\u202a-\u202e\u2060-\u2069\u206a-\u206f\ufeff\ufff9-\ufffb"
    "\U000e0000-\U000e007f]"
)
_CRLF = re.compile(r"\r\n?")
_BREAKS = re.compile(r"[\n\t\u2028\u2029]+")

# U+22EF is narrow in every terminal; U+2026 is ambiguous-width and turns wide
# in CJK locales, which would break every column it truncates.
ELLIPSIS = "\u22ef"


def is_utf8(text: str) -> bool:
    """Whether `text` encodes as UTF-8: a file name of bytes no UTF-8 decodes (saved in GBK,
    say) holds lone surrogates, and can be neither an article's id nor stored in the index."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def clean(text: str) -> str:
    """Remove control, bidi-override and invisible characters; keep newlines and tabs."""
    return _UNSAFE.sub("", _CRLF.sub("\n", text))


def clean_line(text: str) -> str:
    """`clean()` for one-line fields: line breaks and tabs become single spaces."""
    return _BREAKS.sub(" ", clean(text)).strip()


# Blocks that every Unicode version Rich knows measures two cells wide, all through:
# CJK punctuation, kana, ideographs, hangul, compatibility ideographs, fullwidth forms.
# (The common ideographs, U+4E00-U+9FBB, are checked first, in `cell_len` itself.)
_WIDE_BLOCKS = (
    (0x3000, 0x3029),
    (0x3030, 0x303E),
    (0xFF01, 0xFF60),
    (0x3041, 0x3096),
    (0x309B, 0x30FF),
    (0x3400, 0x4DB5),
    (0xAC00, 0xD7A3),
    (0xF900, 0xFA2D),
    (0xFFE0, 0xFFE6),
)


def cell_len(text: str) -> int:
    """The cells `text` takes in a terminal, as Rich measures them. Printable ASCII and the
    wide blocks above (a Chinese title, a date, an id) are counted here, at twice Rich's
    speed; anything else goes to Rich: a list of 10,000 articles measures 40,000 cells."""
    cells = fixed_cell_len(text)
    return cells if cells is not None else _rich_cell_len(text)


def fixed_cell_len(text: str) -> int | None:
    """`cell_len` of a text made only of printable ASCII and the wide blocks above, whose
    width is the same in every Unicode version; None for any other text. (So a width worked
    out once can be kept: it cannot change with Rich or its UNICODE_VERSION.)"""
    if text.isascii():
        return len(text) if text.isprintable() else None
    cells = 0
    for char in text:
        code = ord(char)
        if 0x4E00 <= code <= 0x9FBB:
            cells += 2
        elif 0x20 <= code < 0x7F:
            cells += 1
        else:
            for start, end in _WIDE_BLOCKS:
                if start <= code <= end:
                    cells += 2
                    break
            else:
                return None
    return cells


def truncate(text: str, width: int) -> str:
    """Cut `text` to at most `width` cells, never splitting a wide character."""
    if width <= 0:
        return ""
    # Walk at most `width` characters: a megabyte-long title costs no more than a short one.
    used = 0
    cut = None  # where the text must stop to leave room for the ellipsis
    for index, char in enumerate(text):
        size = get_character_cell_size(char)
        if cut is None and used + size > width - 1:
            cut = index
        used += size
        if used > width:
            return text[:cut] + ELLIPSIS
    return text


def fit(text: str, width: int) -> str:
    """Truncate or pad `text` to exactly `width` cells, as Rich measures them."""
    width = max(0, width)
    text = truncate(text, width)
    cells = cell_len(text)
    while cells > width:  # an emoji sequence Rich measures wider than its characters
        text = text[:-1]
        cells = cell_len(text)
    return text + " " * (width - cells)


__all__ = ["ELLIPSIS", "cell_len", "clean", "clean_line", "fit", "fixed_cell_len", "is_utf8", "truncate"]
