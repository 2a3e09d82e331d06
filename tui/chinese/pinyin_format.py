"""What other modules need to know of pinyin.py without loading it (2 ms, which a lookup
that reads no pinyin need not pay): the version of its tokens, part of the index's stamp,
and the mark of a pinyin highlight form."""

from __future__ import annotations

# Bump when readings, tokens or segmentation change: stored index tokens depend on them.
PINYIN_VERSION = 1

# Marks a highlight form as a pinyin pattern rather than folded text. Folding
# drops control characters, so no folded text ever contains this prefix: code
# that looks for forms as plain substrings simply finds nothing.
MARK = "\x00py:"

__all__ = ["MARK", "PINYIN_VERSION"]
