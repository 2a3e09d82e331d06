"""Mandarin pinyin for search: what Latin input means, and what characters read.

A reader without a Chinese input method types `zhiliang`, `zhi liang`,
`zhi4liang4`, `xi'an` or the initials `zl` and expects 質量. This module turns
such input into a `Pinyin` pattern (one or more ways to split it into units,
each unit a syllable, toned or not, a one-letter initial, or the start of a
syllable still being typed) and
matches it against folded text, where every character is Simplified.

Character readings come from pypinyin's data (every reading in use, so a
polyphone such as 重 matches as zhong and as chong; see `_Data`); the
reading in context (pypinyin's phrase dictionary: 重庆 is chong, 重要 is
zhong) decides ranking and what is shown beside a hit.

Matching is a regular expression of character classes over the folded text:
`zhiliang` is `[知之质...][量两亮...]`, so verification runs at C speed. The
index stores `tokens()` for each article (see index.py), so a search only
verifies articles that can match.

Never imports textual: the app, the CLI and the tests share it.
"""

from __future__ import annotations

import functools
import re
import threading
import unicodedata
from collections.abc import Mapping

from tui.chinese.cached import cached_table
from tui.chinese.pinyin_format import MARK, PINYIN_VERSION
from tui.core.records import record
from tui.core.versions import package_version

_TONES = {"\u0304": 1, "\u0301": 2, "\u030c": 3, "\u0300": 4}
# Letters that begin some reading (no reading begins with i, u or v).
_INITIAL_LETTERS = frozenset("abcdefghjklmnopqrstwxyz")
_MAX_SEGMENTATIONS = 4  # ways to split one input: xian -> xian; fangan -> fang'an, fan'gan
_MAX_UNITS = 12  # longer input is not pinyin anyone types into a search box
_MAX_LETTERS = _MAX_UNITS * 7  # the longest syllable with its tone digit (zhuang4) times _MAX_UNITS
_INPUT = re.compile(r"[a-z\u00fc0-5'\u2019\u2018`\s\-]+")
# Alternative spellings people type for ü.
_ALIASES = {"lue": "lve", "nue": "nve"}
_SEPARATORS = re.compile(r"[\s'\u2019\u2018`\-]+")
_MAX_INITIALS = 8  # zl, wqs: a name or a short phrase, not a sentence

_CONSONANT_ONLY = frozenset({"m", "n", "ng", "hm", "hng"})

_lock = threading.Lock()


@record(frozen=True)
class Reading:
    """One reading of a character: its syllable, tone, and the syllable as printed."""

    syllable: str  # toneless, ü written v: "lv"
    tone: int  # 1-4, 5 for the neutral tone
    marked: str  # as printed: "lǜ"


@record(frozen=True)
class Unit:
    """One character's worth of input."""

    text: str  # a toneless syllable ("zhi"), or the start of one ("z", "zh")
    initial: bool = False  # text is the start of a syllable: an initial, or a syllable still being typed
    tone: int = 0  # 0: any tone

    def accepts(self, reading: Reading) -> bool:
        if self.initial:
            return reading.syllable.startswith(self.text)
        return reading.syllable == self.text and (not self.tone or self.tone == reading.tone)


@functools.lru_cache(maxsize=4096)  # ~1,500 distinct readings, parsed ~200,000 times at load
def _parse_reading(marked: str) -> Reading:
    tone, letters = 5, []
    decomposed = unicodedata.normalize("NFD", marked)
    for char in decomposed:
        if char in _TONES:
            tone = _TONES[char]
        elif char == "\u0308" and letters:  # the diaeresis of ü
            letters[-1] = "v"
        elif not unicodedata.combining(char):
            letters.append(char)
    return Reading("".join(letters), tone, marked)


def _readings_in_use() -> dict[str, str]:
    """Each hanzi's readings that people use, marked and comma-separated, from
    pypinyin's dictionaries (~1 s and ~55 MB: built once per version, see `data`).

    A character's readings: its main one, and every other one that some
    phrase in pypinyin's dictionary uses (重: zhong, chong; not the archaic
    tong). That keeps 的 di (目的) and 了 liao (了解), drops readings nobody
    types, and halves the polyphones in running text (29% of characters to
    13%), which is what indexing pays for.
    """
    from pypinyin.phrases_dict import phrases_dict
    from pypinyin.pinyin_dict import pinyin_dict

    used: dict[str, set[str]] = {}
    for phrase, phrase_readings in phrases_dict.items():
        for char, options in zip(phrase, phrase_readings):
            used.setdefault(char, set()).update(_parse_reading(option).syllable for option in options)
    kept: dict[str, str] = {}
    for code, text in pinyin_dict.items():
        char = chr(code)
        every = [_parse_reading(marked) for marked in text.split(",")]
        syllables = {every[0].syllable} | used.get(char, set())
        kept[char] = ",".join(dict.fromkeys(r.marked for r in every if r.syllable in syllables))
    return kept


def _reading_blocks() -> dict[int, bytes]:
    """`_readings_in_use` as the cache dir keeps it: by blocks of 256 code points, each block
    its characters' readings one per line (an empty line for a code point with none), in UTF-8
    (see `_Decoded`)."""
    blocks: dict[int, list[str]] = {}
    for char, text in _readings_in_use().items():
        code = ord(char)
        blocks.setdefault(code >> 8, [""] * 256)[code & 255] = text
    return {block: "\n".join(lines).encode("utf-8") for block, lines in blocks.items()}


def _blocks_fit(blocks: dict) -> bool:
    return all(
        isinstance(block, int) and 0 <= block <= 0x10FF and isinstance(text, bytes) and text.count(b"\n") == 255
        for block, text in blocks.items()
    ) and any(text.strip(b"\n") for text in blocks.values())  # some character has a reading


class _Decoded(Mapping):
    """A kept table whose values are UTF-8 in the cache dir, each decoded when first read:
    marshal decodes every string it loads, and a search reads a few dozen of the pinyin
    tables' ~4,700 values (decoding them all cost it ~8 ms, the phrases ~6 of them)."""

    def __init__(self, raw: dict) -> None:
        self._raw = raw
        self._decoded: dict = {}

    def __getitem__(self, key) -> str:
        text = self._decoded.get(key)
        if text is None:  # (only a tampered file holds bad UTF-8: then U+FFFD, never an error)
            text = self._decoded[key] = self._raw[key].decode("utf-8", "replace")
        return text

    def __iter__(self):
        return iter(self._raw)

    def __len__(self) -> int:
        return len(self._raw)


class _Kept:
    """hanzi -> its readings, marked and comma-separated, the main one first ("" for anything
    else). A block is split when one of its characters is first asked for: a search asks for a
    few dozen, and making a dict of all 42,000 cost it ~9 ms."""

    def __init__(self, blocks: Mapping[int, str]) -> None:
        self._blocks = blocks
        self._split: dict[int, list[str]] = {}

    def get(self, char: object) -> str:
        if not isinstance(char, str) or len(char) != 1:
            return ""
        block, offset = divmod(ord(char), 256)
        lines = self._split.get(block)
        if lines is None:
            lines = self._split[block] = self._blocks.get(block, "").split("\n")
        return lines[offset] if offset < len(lines) else ""

    def __iter__(self):
        """Every hanzi with a reading, in code point order (indexing needs them all)."""
        for block in sorted(self._blocks):
            for offset, text in enumerate(self._blocks[block].split("\n")):
                if text:
                    yield chr(block * 256 + offset)


class _Readings(dict):
    """hanzi -> its readings, each parsed when first asked for: a search shows a few
    characters' readings, and parsing all 42,000 would cost it ~60 ms."""

    def __init__(self, kept: _Kept) -> None:
        super().__init__()
        self._kept = kept

    def __missing__(self, char: str) -> tuple[Reading, ...]:
        text = self._kept.get(char)
        if not text:
            raise KeyError(char)  # anything but a hanzi, as a dict would
        parsed = self[char] = tuple(map(_parse_reading, text.split(",")))
        return parsed

    def get(self, char: str, default=None):
        return self[char] if char in self else default

    def __contains__(self, char: object) -> bool:
        return bool(self._kept.get(char))

    def __iter__(self):
        return iter(self._kept)

    def __len__(self) -> int:
        return sum(1 for _ in self._kept)


class _Data:
    """The readings in use, rearranged for matching; each part is worked out when first used
    (a search needs `by_syllable` and the readings of what it shows, indexing `syllable_words`)."""

    def __init__(self, kept: _Kept) -> None:
        self._kept = kept

    @functools.cached_property
    def readings(self) -> _Readings:
        return _Readings(self._kept)

    @functools.cached_property
    def by_syllable(self) -> Mapping[str, str]:
        """syllable -> the hanzi that read so, as one string. Kept in the cache dir beside the
        readings: working it out parses every reading (~100 ms a pinyin search would pay)."""
        table = cached_table("pinyin-syllable-chars-utf8", _stamp(), self.syllable_chars, dict, _syllable_chars_fit)
        return _Decoded(table)

    def syllable_chars(self) -> dict[str, bytes]:
        """`by_syllable` as the cache dir keeps it: each syllable's hanzi in UTF-8."""
        found: dict[str, list[str]] = {}
        for char in self._kept:
            for syllable in dict.fromkeys(reading.syllable for reading in self.readings[char]):
                found.setdefault(syllable, []).append(char)
        return {syllable: "".join(chars).encode("utf-8") for syllable, chars in found.items()}

    @functools.cached_property
    def syllables(self) -> frozenset[str]:
        # Interjections written with a consonant alone (嗯 n, ng; 呣 m; 哼 hng) only
        # get in the way of splitting input: "zhiliang" is not zhi-lia-ng.
        return frozenset(s for s in self.by_syllable if s not in _CONSONANT_ONLY)

    @functools.cached_property
    def syllable_words(self) -> dict[int, str]:
        """For `tokens`: each hanzi as a word of its syllables ("zhong|chong"), as a
        str.translate table. Words are shared (~1,500 distinct), and so is the run break
        that everything else below U+3400 and the full-width forms become; rarer
        characters (emoji) stay glued to a neighbour and make a junk token that no
        query asks for."""
        words: dict[str, str] = {}
        table: dict[int, str] = {}
        for char in self._kept:
            readings = self.readings[char]
            word = " " + "|".join(dict.fromkeys(r.syllable for r in readings)) + " "
            table[ord(char)] = words.setdefault(word, word)
        for code in (*range(0x3400), *range(0xFF00, 0xFFF0)):
            table.setdefault(code, " ~ ")
        return table


# A byte of UTF-8 that no character above U+2FFF has: each of those is a lead byte E3-F4 and
# continuation bytes 80-BF. (Hanzi, 〇 and private-use forms are all above it, and a regex
# class takes them unescaped; below it are `]`, `\`, `^` and `-`.)
_BELOW_HANZI = re.compile(rb"[\x00-\x7f\xc0-\xe2\xf5-\xff]")


def _syllable_chars_fit(table: dict) -> bool:
    return bool(table) and all(
        isinstance(syllable, str)
        and syllable.isalpha()
        and isinstance(chars, bytes)
        and chars
        and not _BELOW_HANZI.search(chars)
        for syllable, chars in table.items()
    )


_data: _Data | None = None
_inventory: tuple[frozenset[str], int, frozenset[str]] | None = None


def syllables() -> tuple[frozenset[str], int, frozenset[str]]:
    """The syllables input may split into, the longest one's length and every
    start of one: all that reading input needs. Kept in the cache dir per
    pypinyin version, so reading a query never loads pypinyin's dictionaries."""
    global _inventory
    if _inventory is None:
        known = cached_table(
            "pinyin-syllables",
            _stamp(),
            lambda: data().syllables,
            frozenset,
            lambda table: bool(table) and all(isinstance(s, str) and s.isalpha() for s in table),
        )
        starts = frozenset(s[:end] for s in known for end in range(1, len(s) + 1))
        _inventory = (known, max(map(len, known)), starts)
    return _inventory


def _stamp() -> str:
    return f"{PINYIN_VERSION}/{package_version('pypinyin')}"


def data() -> _Data:
    """The readings table: pypinyin's dictionaries are read once per version into the cache dir
    (see `_reading_blocks`), so a pinyin search or an index refresh does not load them again."""
    global _data
    if _data is None:
        blocks = cached_table("pinyin-reading-blocks-utf8", _stamp(), _reading_blocks, dict, _blocks_fit)
        built = _Data(_Kept(_Decoded(blocks)))
        with _lock:
            if _data is None:
                _data = built
    return _data


def prepare() -> None:
    """Load the readings and the phrases now (e.g. in a startup worker), and work out
    what a search uses: a warm parent does it once for every visitor it forks."""
    table = data()
    table.readings, table.by_syllable  # noqa: B018 - cached properties, worked out here
    _phrase_table()


def readings(char: str) -> tuple[Reading, ...]:
    """Every reading of one character (empty for anything but a hanzi)."""
    return data().readings.get(char, ())


# -- what the user typed --------------------------------------------------------


@record(frozen=True)
class Pinyin:
    """Latin input read as pinyin: one or more ways to split it into units."""

    text: str
    segmentations: tuple[tuple[Unit, ...], ...]

    @property
    def form(self) -> str:
        """This pattern as a highlight form (see MARK and `normalize.find_spans`)."""
        return MARK + self.text

    @property
    def initials_only(self) -> bool:
        return all(unit.initial for units in self.segmentations for unit in units)

    def regex(self) -> re.Pattern:
        return _compile(self.segmentations)

    def finditer(self, folded: str):
        return self.regex().finditer(folded)

    def search(self, folded: str) -> tuple[int, int] | None:
        found = self.regex().search(folded)
        return found.span() if found else None


@functools.lru_cache(maxsize=512)
def parse(text: str) -> Pinyin | None:
    """Read Latin input as pinyin; None if it cannot be.

    Syllables may run together (zhiliang), or be parted by spaces, apostrophes
    or hyphens (zhi liang, xi'an); a digit after a syllable is its tone
    (zhi4liang4; 5 or 0 is the neutral tone). While typing, the last syllable
    may be unfinished (zhil: zhi, then any syllable starting with l). Input
    that is not whole syllables can also be initials, one letter a character
    (zl, wqs), if every letter begins some syllable. Mixing whole syllables and
    initials (wangqs) is not supported: it would read English words such as
    "quality" as qu-a-li-t-y.
    """
    text = unicodedata.normalize("NFC", text.strip().lower())
    if not text or not _INPUT.fullmatch(text) or not any(c.isalpha() for c in text):
        return None
    text = text.replace("\u00fc", "v")
    chunks = [chunk for chunk in _SEPARATORS.split(text) if chunk]
    if sum(map(len, chunks)) > _MAX_LETTERS:
        return None  # more letters than _MAX_UNITS syllables can hold: not pinyin
    per_chunk = [_segment(_respell(chunk)) for chunk in chunks]
    unfinished = False
    if per_chunk and not per_chunk[-1]:
        per_chunk[-1] = _segment(_respell(chunks[-1]), unfinished=True)
        unfinished = True
    chosen: tuple[tuple[Unit, ...], ...] = ()
    if all(per_chunk):
        # Fewer syllables first: xian is 先, not 西安 (that is xi'an), as in
        # every input method; fangan is both 方案 and 反感.
        combined: list[tuple[Unit, ...]] = [()]
        for options in per_chunk:
            combined = [left + right for left in combined for right in options][: _MAX_SEGMENTATIONS * 4]
        shortest = min(map(len, combined))
        chosen = tuple(units for units in combined if len(units) == shortest)[:_MAX_SEGMENTATIONS]
    if not chosen or unfinished:
        letters = "".join(chunks)
        if len(letters) <= _MAX_INITIALS and set(letters) <= _INITIAL_LETTERS:
            initials = tuple(Unit(letter, initial=True) for letter in letters)
            if initials not in chosen:
                chosen += (initials,)
    if not chosen or len(chosen[0]) > _MAX_UNITS:
        return None
    return Pinyin(" ".join(chunks), chosen)


def _respell(chunk: str) -> str:
    for alias, spelling in _ALIASES.items():
        chunk = chunk.replace(alias, spelling)
    return chunk


def _segment(chunk: str, unfinished: bool = False) -> list[tuple[Unit, ...]]:
    """Every split of a run of letters and tone digits into whole syllables,
    fewest first; with `unfinished`, the last may be the start of one.

    Worked out from the end of the run backwards, one position at a time (no
    recursion: a pasted run of a thousand letters must not exhaust the stack),
    keeping a few splits per position.
    """
    known, longest, starts = syllables()
    length = len(chunk)
    splits: list[tuple[tuple[Unit, ...], ...]] = [()] * (length + 1)  # splits of chunk[start:]
    splits[length] = ((),)
    for start in range(length - 1, -1, -1):
        found: list[tuple[Unit, ...]] = []
        if unfinished and chunk[start:] in starts and chunk[start:] not in known:
            found.append((Unit(chunk[start:], initial=True),))
        for end in range(min(length, start + longest), start, -1):
            piece = chunk[start:end]
            if piece in known:
                tone, after = 0, end
                if after < length and chunk[after].isdigit():
                    tone, after = int(chunk[after]) or 5, after + 1
                found.extend((Unit(piece, tone=tone), *rest) for rest in splits[after])
        found.sort(key=len)
        splits[start] = tuple(found[: _MAX_SEGMENTATIONS * 2])
    return list(splits[0])


@functools.lru_cache(maxsize=256)
def _compile(segmentations: tuple[tuple[Unit, ...], ...]) -> re.Pattern:
    return re.compile("|".join("".join(_char_class(unit) for unit in units) for units in segmentations))


@functools.lru_cache(maxsize=1024)
def _char_class(unit: Unit) -> str:
    """The characters one unit can stand for, as a regex class (folded text is
    Simplified, but Traditional forms stay in: they cost nothing to match)."""
    table = data()
    if unit.initial:
        syllables = table.by_syllable  # (each read by key: only those it names are decoded)
        chars = [char for syllable in syllables if syllable.startswith(unit.text) for char in syllables[syllable]]
    else:
        chars = table.by_syllable.get(unit.text, "")
        if unit.tone:
            chars = [char for char in chars if any(unit.accepts(reading) for reading in table.readings.get(char, ()))]
    if not chars:
        return "(?!)"
    return "[" + "".join(sorted(set(chars))) + "]"  # hanzi need no escaping in a class


# -- readings in context, for ranking and showing --------------------------------


def _phrase_groups() -> dict[str, bytes]:
    """pypinyin's phrase dictionary, each phrase with its readings in context (重庆: chóng
    qìng), grouped by first character: "重庆\tchóng qìng\n重要\tzhòng yào" under 重, in
    UTF-8. Kept in the cache dir beside the readings (see `_phrase_table`)."""
    from pypinyin.phrases_dict import phrases_dict

    groups: dict[str, list[str]] = {}
    for phrase, readings in phrases_dict.items():
        groups.setdefault(phrase[0], []).append(phrase + "\t" + " ".join(options[0] for options in readings))
    return {first: "\n".join(lines).encode("utf-8") for first, lines in groups.items()}


def _groups_fit(groups: dict) -> bool:
    return bool(groups) and all(
        isinstance(first, str) and len(first) == 1 and isinstance(group, bytes) for first, group in groups.items()
    )


class _Phrases:
    """The phrases starting with each character, that group parsed when first asked for: a
    search reads a few dozen characters in context, and making a dict of all 47,000 phrases
    cost it ~20 ms (~3,900 groups load in ~2)."""

    def __init__(self, groups: Mapping[str, str]) -> None:
        self._groups = groups
        self._parsed: dict[str, tuple[dict[str, str], int]] = {}

    def starting(self, char: str) -> tuple[dict[str, str], int]:
        """The phrases starting with `char` (phrase -> readings) and the longest one's length."""
        parsed = self._parsed.get(char)
        if parsed is None:
            lines = (line.partition("\t") for line in self._groups.get(char, "").split("\n"))
            phrases = {phrase: readings for phrase, _, readings in lines if readings}
            parsed = self._parsed[char] = (phrases, max(map(len, phrases), default=0))
        return parsed


_phrases: _Phrases | None = None


def _phrase_table() -> _Phrases:
    """The phrases, by first character. Importing pypinyin to read them costs ~0.4 s and ~60 MB
    per process; the marshalled copy loads in a few milliseconds."""
    global _phrases
    if _phrases is None:
        table = _Phrases(
            _Decoded(cached_table("pinyin-phrase-groups-utf8", _stamp(), _phrase_groups, dict, _groups_fit))
        )
        with _lock:
            if _phrases is None:
                _phrases = table
    return _phrases


def _context_readings(text: str) -> list[str]:
    """The toned reading of each character of a run of hanzi in context: the longest phrase
    of the dictionary starting at each point, read as the phrase reads, else the character's
    main reading. That is what pypinyin's `pinyin(text, Style.TONE)` gives for running text (a
    test holds them equal), except where the text ends partway into a longer phrase: pypinyin
    then reads the tail its own way (下不了: le where we keep 不了's liǎo; 疙疙瘩: dā, we da)."""
    phrases = _phrase_table()
    table = data().readings
    shown: list[str] = []
    at = 0
    while at < len(text):
        starting, longest = phrases.starting(text[at])
        for size in range(min(longest, len(text) - at), 1, -1):
            reading = starting.get(text[at : at + size])
            if reading is not None:
                shown += reading.split(" ")
                at += size
                break
        else:
            char_readings = table.get(text[at])
            shown.append(char_readings[0].marked if char_readings else text[at])
            at += 1
    return shown


_CONTEXT = 4  # characters either side that can make a phrase with the match


def explain(pattern: Pinyin, folded: str, start: int, end: int) -> tuple[str, bool]:
    """The toned pinyin of folded[start:end], as matched by pattern, and whether
    it is the reading in context (pypinyin's phrase reading) throughout.

    Where the reading in context does not fit the input (重庆 typed as
    zhongqing), the first reading that fits is shown instead.
    """
    table = data().readings
    left = start
    while left > max(0, start - _CONTEXT) and folded[left - 1] in table:
        left -= 1
    right = end
    while right < min(len(folded), end + _CONTEXT) and folded[right] in table:
        right += 1
    context = _context_readings(folded[left:right])[start - left : end - left]
    units = _units_for(pattern, folded[start:end])
    shown, in_context = [], True
    for char, unit, reading_text in zip(folded[start:end], units, context):
        reading = _parse_reading(reading_text)
        if unit.accepts(reading):
            shown.append(reading.marked)
            continue
        in_context = False
        fitting = [r for r in table.get(char, ()) if unit.accepts(r)]
        shown.append(fitting[0].marked if fitting else reading.marked)
    return "".join(shown), in_context


def _units_for(pattern: Pinyin, matched: str) -> tuple[Unit, ...]:
    """The segmentation that matched this text (the first that fits)."""
    table = data().readings
    for units in pattern.segmentations:
        if len(units) == len(matched) and all(
            any(unit.accepts(r) for r in table.get(char, ())) for unit, char in zip(units, matched)
        ):
            return units
    return pattern.segmentations[0]


# -- what the index stores ----------------------------------------------------------


def tokens(folded: str) -> str:
    """An article's pinyin as FTS tokens, each distinct once: the index only
    narrows the candidates, `Pinyin.search` decides.

    For every pair of adjacent hanzi, every combination of their syllables
    ("zhi0liang") and of their initials ("9z0l"); the last hanzi of a run pairs
    with nothing ("zhi0", "9z0"), so a prefix query (`zhi0*`, `9z*`) finds any
    one hanzi. Initials start with 9, so they never meet a syllable.

    This runs for every article at indexing, so the common case stays in C:
    str.translate writes each hanzi as a word, joins pair the words, and only
    pairs with a polyphone ("zhong|chong") or a run's end ("~") take a loop.
    """
    table = data()
    found: set[str] = set()
    syllables = folded.translate(table.syllable_words)
    for text, prefix in ((syllables, ""), (_LETTERS_AFTER_FIRST.sub("", syllables), "9")):  # " zhong|chong " -> " z|c "
        split = text.split()
        split.append("~")
        pairs = set(map("0".join, zip(split, split[1:])))
        slow = set(filter(_SLOW.search, pairs))
        found.update(map(prefix.__add__, pairs - slow) if prefix else pairs - slow)
        for pair in slow:
            expanded = _slow_pairs.get(prefix + pair)
            if expanded is None:
                expanded = _slow_pairs[prefix + pair] = _expand(pair, prefix)
                if len(_slow_pairs) > _SLOW_CACHE:
                    _slow_pairs.clear()
            found.update(expanded)
    return " ".join(sorted(found))


_SLOW = re.compile(r"[|~]")
_LETTERS_AFTER_FIRST = re.compile(r"(?<=[a-z])[a-z]+")
_SLOW_CACHE = 50_000  # pairs with a polyphone recur across articles: worth a few MB
_slow_pairs: dict[str, tuple[str, ...]] = {}


def _expand(pair: str, prefix: str) -> tuple[str, ...]:
    """The tokens of a pair of words with a polyphone or a run's end."""
    first, second = pair.split("0")
    if first == "~":
        return ()
    ends = ("",) if second == "~" else dict.fromkeys(second.split("|"))
    return tuple(dict.fromkeys(prefix + a + "0" + b for a in dict.fromkeys(first.split("|")) for b in ends))


def match_expression(pattern: Pinyin) -> str | None:
    """An FTS5 expression over `tokens()` that every match of pattern satisfies."""
    alternatives = []
    for units in pattern.segmentations:
        parts = []
        for first, second in zip(units, units[1:]):
            if first.initial:
                parts.append("9" + first.text[0] + "0" + second.text[0])
            elif second.initial:
                parts.append(first.text + "0" + second.text + "*")  # zhil: zhi0l*
            else:
                parts.append(first.text + "0" + second.text)
        if not parts:  # one character: any pair it starts
            unit = units[0]
            parts = [
                "9" + unit.text + "*"
                if unit.initial and len(unit.text) == 1
                else unit.text + ("*" if unit.initial else "0*")
            ]
        alternatives.append("(" + " AND ".join(dict.fromkeys(parts)) + ")")
    if not alternatives:
        return None
    return alternatives[0] if len(alternatives) == 1 else "(" + " OR ".join(alternatives) + ")"


__all__ = [
    "MARK",
    "PINYIN_VERSION",
    "Pinyin",
    "Reading",
    "Unit",
    "explain",
    "match_expression",
    "parse",
    "prepare",
    "readings",
    "tokens",
]
