"""Folding text for matching: script-blind, case-blind, width-blind.

`fold()` turns text into the form that search compares: full-width letters
and digits become ASCII, case is folded, every Traditional character becomes
its Simplified form, and punctuation and white space are dropped (so a query
typed without them still matches). Folding is per character, so each folded
character remembers which displayed character it came from and highlights land
exactly, in whichever script the app shows.

Regional vocabulary (软件 / 軟體) cannot be folded per character; it is handled
on the query side instead: `variants()` adds the Taiwan phrase forms of a term
(OpenCC s2twp / tw2sp), and a term matches if any of its forms does.

A form may also be a pinyin pattern (`PINYIN_MARK` + the Latin input, as
`Query.highlight_terms()` gives for Latin terms): `find_spans` then marks the
characters the pinyin spells, so 質量 lights up for `zhiliang` or `zl`.
"""

from __future__ import annotations

import threading
import unicodedata
from typing import TYPE_CHECKING

from tui.chinese.cached import cached_table
from tui.chinese.cjk import has_ideograph, ideographs
from tui.chinese.pinyin_format import MARK as PINYIN_MARK
from tui.chinese.regional import Triggers, build_triggers
from tui.chinese.script import SHARED_POOL
from tui.core.versions import package_version

if TYPE_CHECKING:
    from collections.abc import Iterable

    import opencc

# Characters to scan for width, case and punctuation changes (the BMP and SMP
# cover everything a newsroom types; astral ideographs are handled above).
_SCAN_LIMIT = 0x20000
# Dropped from the folded text: punctuation, separators (spaces), controls and
# format characters (zero-width joiners and the like).
_DROPPED_CATEGORIES = {"Pc", "Pd", "Ps", "Pe", "Pi", "Pf", "Po", "Zs", "Zl", "Zp", "Cc", "Cf"}

# Bump when folding changes: stored index tokens depend on it.
NORMALIZE_VERSION = 2  # 2: the one CJK table (compatibility supplement, extensions G-I)

_lock = threading.Lock()
_table: dict[int, str] | None = None


def _converter(config: str) -> opencc.OpenCC:
    # The display converters' pool: one dictionary load per config for the whole app.
    return SHARED_POOL.get(config)


def _build_table() -> dict[int, str]:
    """Map every character whose folded form differs to that form ('' = dropped)."""
    chars = ideographs()
    joined = "\n".join(chars)  # one character per line: no phrase can span two
    simplified = _converter("t2s").convert(joined).split("\n")
    # hk2s knows a few more variant characters (衞, 粧, 敍) that t2s keeps.
    hong_kong = _converter("hk2s").convert(joined).split("\n")
    t2s: dict[str, str] = {}
    for char, simple, hk in zip(chars, simplified, hong_kong):
        target = simple if simple != char else hk
        if target != char and len(target) == 1:  # only 1 -> 1, to keep offsets
            t2s[char] = target
    table: dict[int, str] = {}
    for cp in range(_SCAN_LIMIT):
        char = chr(cp)
        if 0xD800 <= cp < 0xE000:
            continue  # surrogates never appear in decoded text
        folded = "".join(
            t2s.get(c, c)
            for c in unicodedata.normalize("NFKC", char).casefold()
            if unicodedata.category(c) not in _DROPPED_CATEGORIES
        )
        if folded != char:
            table[cp] = folded
    for char, simple in t2s.items():
        table.setdefault(ord(char), simple)
    return table


def fold_stamp() -> str:
    """What folded text depends on: a change means every stored token is stale."""
    return f"{NORMALIZE_VERSION}/{package_version('opencc')}/{unicodedata.unidata_version}"


def fold_table() -> dict[int, str]:
    """The folding table for `str.translate`: built once per version (0.3-0.8 s) and
    kept in the cache dir, so later processes load it in a millisecond."""
    global _table
    if _table is None:
        table = cached_table("fold", fold_stamp(), _build_table, dict)
        with _lock:
            if _table is None:
                _table = table
    return _table


def fold_text(text: str) -> str:
    """The folded text alone: the fast path used for indexing and verifying."""
    return text.translate(fold_table())


class LazyFold:
    """A text folded only as far as a look at it needs. Folding goes character by character,
    so the folded text grows piece by piece: a term met in the first piece spares folding the
    rest (most of a long body, for a common term), and only a miss folds it all."""

    FIRST_PIECE = 512  # characters; each next piece is as long as all before it, or longer

    def __init__(self, text: str) -> None:
        self._text = text
        self._done = 0  # characters of the text folded so far
        self._folded = ""

    def _fold_more(self, piece: int = FIRST_PIECE) -> bool:
        if self._done >= len(self._text):
            return False
        end = self._done + max(piece, self._done)
        self._folded += fold_text(self._text[self._done : end])
        self._done = end
        return True

    def has_any(self, forms: Iterable[str]) -> bool:
        """Whether any of the folded forms is in the folded text."""
        forms = list(forms)
        if not forms:
            return False
        longest = max(len(form) for form in forms)
        start = 0
        while True:
            if any(self._folded.find(form, start) >= 0 for form in forms):
                return True
            start = max(0, len(self._folded) - longest + 1)  # a form across the next piece's start
            if not self._fold_more():
                return False

    def lead(self, size: int) -> str:
        """The first `size` folded characters (fewer if the whole text folds to fewer)."""
        while len(self._folded) < size and self._fold_more(2 * size):  # (folding drops punctuation)
            pass
        return self._folded[:size]

    def whole(self) -> str:
        while self._fold_more():
            pass
        return self._folded


def fold(text: str) -> tuple[str, list[int]]:
    """The folded text, and for each folded character the index of its source."""
    table = fold_table()
    folded: list[str] = []
    origins: list[int] = []
    for index, char in enumerate(text):
        target = table.get(ord(char))
        if target is None:
            folded.append(char)
            origins.append(index)
        elif target:
            folded.append(target)
            origins.extend([index] * len(target))
    return "".join(folded), origins


def prepare(with_pinyin: bool = True) -> None:
    """Build the folding table and the converters now (about 0.2 s), e.g. in a
    worker at startup, so the first keystroke of a search does not pay for it.

    The pinyin readings cost ~55 MB: an app loads them only once a search opens."""
    fold_table()
    variants("質")
    if with_pinyin:
        from tui.chinese import pinyin

        pinyin.prepare()


def _has_cjk(text: str) -> bool:
    return has_ideograph(text)


def variants(term: str) -> tuple[str, ...]:
    """The folded forms a term may take: itself, then its regional vocabulary.

    软件 also finds 軟體 (s2twp), and 軟體 also finds 软件 (tw2sp). Empty forms
    (a term of punctuation only) are left out.
    """
    forms = [fold_text(term)]
    if _has_cjk(term):
        for config in ("s2twp", "tw2sp"):
            # Only where the conversion could change anything folding keeps (regional.py):
            # most terms then never load OpenCC's phrase dictionaries (~50 ms, ~40 MB).
            if not regional_triggers().may_change(config, forms[0]):
                continue
            form = fold_text(_converter(config).convert(term))
            if form not in forms:
                forms.append(form)
    return tuple(form for form in forms if form)


_triggers: Triggers | None = None


def regional_triggers() -> Triggers:
    """What regional conversion can change (see regional.py), kept in the cache dir per OpenCC version."""
    global _triggers
    if _triggers is None:
        found = cached_table("regional", fold_stamp(), lambda: build_triggers(fold_text) or {}, dict)
        _triggers = Triggers(found or None)
    return _triggers


def find_all(folded: str, needle: str) -> list[int]:
    """Start positions of every (non-overlapping) occurrence of needle."""
    starts, position = [], folded.find(needle)
    while position >= 0:
        starts.append(position)
        position = folded.find(needle, position + len(needle))
    return starts


def find_spans(display_text: str, query_terms) -> list[tuple[int, int]]:
    """Character ranges of display_text matching any term, merged and sorted.

    `query_terms` are strings (folded here) or tuples of already-folded forms
    such as `variants()` returns, where a form starting with `PINYIN_MARK` is a
    pinyin pattern. The ranges cover the display text's own characters,
    punctuation inside a match included.
    """
    needles: set[str] = set()
    for term in query_terms:
        if isinstance(term, str):
            needles.add(fold_text(term))
        else:
            needles.update(term)
    needles.discard("")
    if not needles or not display_text:
        return []
    folded, origins = fold(display_text)
    spans: list[tuple[int, int]] = []
    for needle in needles:
        if needle.startswith(PINYIN_MARK):
            from tui.chinese import pinyin  # (loaded already: the query read the pattern)

            pattern = pinyin.parse(needle[len(PINYIN_MARK) :])
            found = [match.span() for match in pattern.finditer(folded)] if pattern else []
        else:
            found = [(start, start + len(needle)) for start in find_all(folded, needle)]
        for start, end in found:
            spans.append((origins[start], origins[end - 1] + 1))
    return merge_spans(spans)


def merge_spans(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def tokens(folded: str) -> str:
    """Folded text as space-separated one-character tokens, for the FTS index.

    One token per character keeps the index small (a few thousand distinct
    terms, so building is fast); a query is a phrase of its characters, which
    matches exactly where the folded text contains it.
    """
    return " ".join(folded)


__all__ = [
    "NORMALIZE_VERSION",
    "find_all",
    "fold_stamp",
    "find_spans",
    "fold",
    "fold_table",
    "fold_text",
    "merge_spans",
    "prepare",
    "tokens",
    "variants",
]
