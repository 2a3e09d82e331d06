"""The one table of CJK character ranges every Chinese-text module uses."""

from __future__ import annotations

import re
from functools import cache

# Unified ideographs with their extensions A-I, and the compatibility ideographs
# (inclusive ranges): every ideograph OpenCC or a newsroom may use.
IDEOGRAPH_RANGES: tuple[tuple[int, int], ...] = (
    (0x3400, 0x4DBF),  # extension A
    (0x4E00, 0x9FFF),  # unified ideographs
    (0xF900, 0xFAFF),  # compatibility ideographs
    (0x20000, 0x2A6DF),  # extension B
    (0x2A700, 0x2EE5F),  # extensions C, D, E, F and I
    (0x2F800, 0x2FA1F),  # compatibility supplement
    (0x30000, 0x323AF),  # extensions G and H
)
# CJK symbols and punctuation (、。「」…) and the full-width forms (，：！Ａ１).
PUNCTUATION_RANGES: tuple[tuple[int, int], ...] = ((0x3000, 0x303F), (0xFF00, 0xFFEF))


def char_class(ranges: tuple[tuple[int, int], ...]) -> str:
    """The ranges as the inside of a regex character class."""
    return "".join(f"{re.escape(chr(low))}-{re.escape(chr(high))}" for low, high in ranges)


IDEOGRAPH = char_class(IDEOGRAPH_RANGES)


@cache
def _ideograph_re() -> re.Pattern[str]:
    # Compiled when first used: a class this wide takes `re` milliseconds, which a lookup need not pay.
    return re.compile(f"[{IDEOGRAPH}]")


def __getattr__(name: str):
    if name == "IDEOGRAPH_RE":
        return _ideograph_re()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def ideographs() -> list[str]:
    """Every ideograph in the table, in code point order."""
    return [chr(code) for low, high in IDEOGRAPH_RANGES for code in range(low, high + 1)]


def has_ideograph(text: str) -> bool:
    """Whether a short text (a query's term) holds an ideograph. (A loop: compiling the class
    regex takes 1.5 ms, more than any term's loop, and a search from the shell would pay it.)"""
    return any(low <= ord(char) <= high for char in text for low, high in IDEOGRAPH_RANGES)


__all__ = [
    "IDEOGRAPH",
    "IDEOGRAPH_RANGES",
    "PUNCTUATION_RANGES",
    "char_class",
    "has_ideograph",
    "ideographs",
]
