"""Whether text may be Markdown or shortcode syntax, told without loading a Markdown parser.

A search snippet with none of it reads as written, so a lookup can print it
without markdown-it (about 60 ms to import).
"""

from __future__ import annotations

import re

# What may be Markdown or shortcode syntax; text with none of it reads as it is written.
_MAYBE_MARKUP = re.compile(r"[*_`\[\]()<>{}~\\&$|]|^[ \t]*(?:#|>|[-+=]|\d+[.)])", re.MULTILINE)


def may_be_markup(text: str) -> bool:
    """Whether `text` may read differently in the reader (a quick over-estimate: never a miss)."""
    return _MAYBE_MARKUP.search(text) is not None


__all__ = ["may_be_markup"]
