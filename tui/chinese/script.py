"""Showing Chinese text in the reader's script, at display time.

Content arrives in Simplified, Traditional or a mix of both. Newsroom never
changes a file: it converts what it shows with OpenCC, per article, into the
mode the reader chose (`ScriptMode`). Each article's source script is detected
once at load (`detect_script`), and `opencc_config` picks the OpenCC config
that converts that source into the chosen mode.

Source -> mode, and why (None means "show as written"):

    original      always None.
    simplified    Traditional/mixed: t2s (Simplified characters pass through).
    traditional   Simplified/mixed: s2t (Traditional characters pass through,
                  its dictionaries are phrase-aware). Traditional: None.
    taiwan        s2twp for every source. OpenCC's t2tw only swaps variant
                  characters (軟件 stays 軟件); s2twp adds Taiwan phrasing
                  (軟體, 印表機) and its s2t stage passes Traditional through.
    hongkong      Simplified/mixed: s2hk. Traditional: t2hk (variants only).

Glossary: phrases that must convert one way or never convert (names, places,
terms). The newsroom's rules come from config.toml and an optional file:

    # config.toml
    [script]
    glossary_file = "glossary.toml"
    [script.glossary]                   # Simplified form = Traditional form
    "头发干了" = "頭髮乾了"               # OpenCC alone would give 頭髮幹了
    "范先生" = "范先生"                   # same both sides: never convert

    # glossary.toml: the same [glossary] table, plus optional regional output
    [glossary]
    "头发干了" = "頭髮乾了"
    [taiwan]                            # Simplified form = Taiwan output
    "数据库" = "資料庫"
    [hongkong]                          # Simplified form = Hong Kong output
    "数据库" = "數據庫"

An entry "简" = "繁" makes 简 (and 繁 itself) show as 繁 in the traditional,
taiwan and hongkong modes, and 繁 (and 简) show as 简 in simplified mode. A
regional entry applies in its own mode to the Simplified form, the [glossary]
Traditional form of the same key, and the regional form itself, and maps the
regional form back in simplified mode. Inline [script.glossary] entries win
over the file; an article's front-matter `[glossary]` wins over both.
Where phrases overlap, the leftmost match wins and, at one position, the
longest phrase wins (as OpenCC's own maximum matching does).
"""

from __future__ import annotations

import re
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterable, Mapping
from enum import Enum
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from tui.chinese.cjk import IDEOGRAPH_RANGES, ideographs
from tui.core import toml
from tui.core.config import Config
from tui.core.errors import ConfigError

if TYPE_CHECKING:
    import opencc


class ScriptMode(str, Enum):
    ORIGINAL = "original"
    SIMPLIFIED = "simplified"
    TRADITIONAL = "traditional"
    TAIWAN = "taiwan"
    HONGKONG = "hongkong"

    @property
    def label(self) -> str:
        """The mode's name, written in its own script."""
        return _LABELS[self]

    def next_in_cycle(self) -> ScriptMode:
        """The `t` key: original -> simplified -> traditional -> original.

        Taiwan and Hong Kong count as the traditional step, so from either of
        them `t` goes back to original, as it does from traditional.
        """
        if self is ScriptMode.ORIGINAL:
            return ScriptMode.SIMPLIFIED
        if self is ScriptMode.SIMPLIFIED:
            return ScriptMode.TRADITIONAL
        return ScriptMode.ORIGINAL

    @classmethod
    def parse(cls, text: str) -> ScriptMode:
        """A mode from its value (any case) or its label, e.g. "Taiwan" or "臺灣"."""
        wanted = text.strip()
        for mode in cls:
            if wanted.lower() == mode.value or wanted == mode.label:
                return mode
        names = ", ".join(f"{mode.value} ({mode.label})" for mode in cls)
        raise ValueError(f"unknown script {text!r}: expected one of {names}")


_LABELS = {
    ScriptMode.ORIGINAL: "原文",
    ScriptMode.SIMPLIFIED: "简体",
    ScriptMode.TRADITIONAL: "繁體",
    ScriptMode.TAIWAN: "臺灣",
    ScriptMode.HONGKONG: "香港",
}


class SourceScript(Enum):
    SIMPLIFIED = "simplified"
    TRADITIONAL = "traditional"
    MIXED = "mixed"
    NONE = "none"  # no character that tells the scripts apart


_CONFIGS: dict[tuple[SourceScript, ScriptMode], str] = {
    (SourceScript.TRADITIONAL, ScriptMode.SIMPLIFIED): "t2s",
    (SourceScript.MIXED, ScriptMode.SIMPLIFIED): "t2s",
    (SourceScript.SIMPLIFIED, ScriptMode.TRADITIONAL): "s2t",
    (SourceScript.MIXED, ScriptMode.TRADITIONAL): "s2t",
    (SourceScript.SIMPLIFIED, ScriptMode.TAIWAN): "s2twp",
    (SourceScript.TRADITIONAL, ScriptMode.TAIWAN): "s2twp",
    (SourceScript.MIXED, ScriptMode.TAIWAN): "s2twp",
    (SourceScript.SIMPLIFIED, ScriptMode.HONGKONG): "s2hk",
    (SourceScript.TRADITIONAL, ScriptMode.HONGKONG): "t2hk",
    (SourceScript.MIXED, ScriptMode.HONGKONG): "s2hk",
}


def opencc_config(source: SourceScript, mode: ScriptMode) -> str | None:
    """The OpenCC config that shows `source` text in `mode`; None: show as written."""
    return _CONFIGS.get((source, mode))


# ---------------------------------------------------------------------------
# OpenCC instances


class OpenCCPool:
    """One OpenCC instance per config, created on first use.

    Creating one costs up to ~0.06 s and ~27 MB (s2t), so each is made once
    and shared. Creation is under a lock so two threads never build the same
    one. Sharing an instance between threads is safe: conversion is a const
    C++ method and the binding keeps the GIL while it runs.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._converters: dict[str, opencc.OpenCC] = {}

    def get(self, config: str) -> opencc.OpenCC:
        converter = self._converters.get(config)
        if converter is None:
            with self._lock:
                converter = self._converters.get(config)
                if converter is None:
                    import opencc  # here, not at import: a quick lookup in the original script never needs it

                    converter = opencc.OpenCC(config, include_tofu_risk_dictionaries=False)
                    self._converters[config] = converter
        return converter


SHARED_POOL = OpenCCPool()


# ---------------------------------------------------------------------------
# Detection

EVIDENCE_SLICE = 4096  # characters converted per call while building _Evidence
SAMPLE_CHARS = 1024  # ~3 KB: hundreds of telling characters; keeps loading 100k articles fast
MIXED_SHARE = 0.2  # the minority script must be at least this share of the evidence


EVIDENCE_VERSION = 1  # bump when the way the evidence is worked out changes


def _telling_characters(pool: OpenCCPool) -> tuple[str, str]:
    """(Traditional-only, Simplified-only) ideographs, each sorted into one string.

    Worked out by converting every CJK character on its own: a character that
    t2s changes is Traditional-only, one that s2t changes is Simplified-only.
    It takes both converters (s2t alone is ~26 MB), so it is done once per
    OpenCC version and kept in the cache dir (see tui/chinese/cached.py).
    """
    chars = ideographs()
    # Newlines keep characters from forming phrases. In slices: all of them at once
    # made ~20 MB of strings for a moment, the app's memory high-water mark.
    changed: dict[str, set[str]] = {}
    for config in ("t2s", "s2t"):
        convert, changed[config] = pool.get(config).convert, set()
        for start in range(0, len(chars), EVIDENCE_SLICE):
            part = chars[start : start + EVIDENCE_SLICE]
            converted = convert("\n".join(part)).split("\n")
            changed[config].update(c for c, out in zip(part, converted) if out != c)
    ambiguous = changed["t2s"] & changed["s2t"]
    return "".join(sorted(changed["t2s"] - ambiguous)), "".join(sorted(changed["s2t"] - ambiguous))


def evidence_stamp() -> str:
    """What the telling characters depend on: our way of finding them, the ideograph table, OpenCC."""
    from tui.core.versions import package_version

    ranges = ",".join(f"{low:x}-{high:x}" for low, high in IDEOGRAPH_RANGES)
    return f"{EVIDENCE_VERSION}/{ranges}/{package_version('opencc')}"


def _cached_telling_characters(pool: OpenCCPool) -> tuple[str, str]:
    from tui.chinese.cached import cached_table

    found = cached_table("script-evidence", evidence_stamp(), lambda: _telling_characters(pool), tuple)
    if len(found) != 2 or not all(isinstance(part, str) for part in found):
        found = _telling_characters(pool)  # a file of the right type but not ours
    return found


class _Evidence:
    """Regexes matching characters that only one script uses.

    Characters outside the BMP get their own regexes: they would make the main
    character class slow, and are rarely present.
    """

    def __init__(self, telling: tuple[str, str]) -> None:
        traditional, simplified = set(telling[0]), set(telling[1])
        bmp = {c for c in traditional | simplified if c <= "\uffff"}
        self.either = _char_class(bmp)
        # Negated and with `+`: deleting runs of other characters is cheaper than
        # collecting each Traditional character (most evidence is one script).
        self.not_traditional = re.compile("[^" + "".join(sorted(traditional & bmp)) + "]+")
        self.traditional_astral = _char_class(traditional - bmp)
        self.simplified_astral = _char_class(simplified - bmp)

    def count(self, sample: str) -> tuple[int, int]:
        """(Traditional-only, Simplified-only) characters in `sample`."""
        # One pass over the sample finds all evidence; telling it apart then
        # scans only the (much shorter) evidence.
        evidence = "".join(self.either.findall(sample))
        traditional = len(self.not_traditional.sub("", evidence))
        simplified = len(evidence) - traditional
        if len(sample.encode("utf-16-le", "surrogatepass")) > 2 * len(sample):  # any astral characters?
            traditional += len(self.traditional_astral.findall(sample))
            simplified += len(self.simplified_astral.findall(sample))
        return traditional, simplified


def _char_class(chars: set[str]) -> re.Pattern:
    return re.compile("[" + "".join(sorted(chars)) + "]" if chars else "(?!)")


_evidence: _Evidence | None = None
_evidence_lock = threading.Lock()


def _get_evidence() -> _Evidence:
    global _evidence
    if _evidence is None:
        with _evidence_lock:
            if _evidence is None:
                _evidence = _Evidence(_cached_telling_characters(SHARED_POOL))
    return _evidence


def detect_script(text: str) -> SourceScript:
    """Which script `text` is written in, judged from its first SAMPLE_CHARS characters."""
    traditional, simplified = _get_evidence().count(text[:SAMPLE_CHARS])
    total = traditional + simplified
    if total == 0:
        return SourceScript.NONE
    if min(traditional, simplified) >= MIXED_SHARE * total:
        return SourceScript.MIXED
    return SourceScript.TRADITIONAL if traditional > simplified else SourceScript.SIMPLIFIED


# ---------------------------------------------------------------------------
# Glossary

_REGIONS = {"taiwan": ScriptMode.TAIWAN, "hongkong": ScriptMode.HONGKONG}
_FILE_TABLES = ("glossary", *_REGIONS)
MAX_PHRASE_CHARS = 100
_LINE_BREAK = re.compile(r"[\n\r\u2028\u2029\x0b\x0c\x1c-\x1e\x85]")


class Glossary:
    """Phrases shown a fixed way, applied around OpenCC. Immutable; equal by value.

    `pairs` maps Simplified form -> Traditional form (equal: never convert);
    `regional` maps a regional mode to Simplified form -> that region's output.
    """

    __slots__ = ("_pairs", "_regional", "_key", "_hash", "_compiled")

    def __init__(
        self,
        pairs: Mapping[str, str] | Iterable[tuple[str, str]] = (),
        regional: Mapping[ScriptMode, Mapping[str, str]] | None = None,
    ) -> None:
        items = pairs.items() if isinstance(pairs, Mapping) else pairs
        self._pairs = {_check_phrase(s): _check_phrase(t) for s, t in items}
        self._regional = {
            ScriptMode(mode): {_check_phrase(s): _check_phrase(r) for s, r in table.items()}
            for mode, table in (regional or {}).items()
            if table
        }
        if set(self._regional) - {ScriptMode.TAIWAN, ScriptMode.HONGKONG}:
            raise ValueError("regional glossary tables exist only for taiwan and hongkong")
        self._key = (
            tuple(sorted(self._pairs.items())),
            tuple(sorted((mode.value, tuple(sorted(t.items()))) for mode, t in self._regional.items())),
        )
        self._hash = hash(self._key)
        self._compiled: dict[ScriptMode, tuple[re.Pattern, dict[str, str]] | None] = {}

    @classmethod
    def from_file(cls, path: Path | str) -> Glossary:
        """Read a glossary TOML file; ValueError("file:line: why") if it cannot be used."""
        path = Path(path)
        try:
            raw = path.read_bytes().decode("utf-8-sig")
        except UnicodeDecodeError as error:
            raise ValueError(f"{path}: not UTF-8 text ({error.reason} at byte {error.start})") from None
        except OSError as error:
            raise ValueError(f"{path}: cannot read glossary file: {error.strerror}") from None
        try:
            data = toml.loads(raw)
        except toml.TOMLDecodeError as error:
            message, line = toml.split_error(error, raw)
            raise ValueError(f"{path}:{line or 1}: TOML syntax error: {message}") from None
        lines = toml.KeyLines(raw)
        tables: dict[str, dict[str, str]] = {}
        for name, table in data.items():
            line = lines.table(name) or lines.key("", name) or 1
            if name not in _FILE_TABLES:
                raise ValueError(f"{path}:{line}: unknown table [{name}] (expected: {', '.join(_FILE_TABLES)})")
            if not isinstance(table, dict):
                raise ValueError(f'{path}:{line}: {name} must be a table of "phrase" = "output"')
            for phrase, output in table.items():
                where = f"{path}:{lines.key(name, phrase) or 1}"
                if not isinstance(output, str):
                    raise ValueError(f"{where}: [{name}] {phrase!r} must map to a string, not {type(output).__name__}")
                try:
                    _check_phrase(phrase), _check_phrase(output)
                except ValueError as error:
                    raise ValueError(f"{where}: [{name}] {error}") from None
            tables[name] = table
        return cls(tables.get("glossary", {}), {_REGIONS[n]: t for n, t in tables.items() if n in _REGIONS})

    @classmethod
    def load(cls, pairs: Mapping[str, str] | None = None, path: Path | str | None = None) -> Glossary:
        """The newsroom glossary: the file (if any), then inline config entries over it."""
        base = cls.from_file(path) if path else cls()
        return base.merged(tuple((pairs or {}).items()))

    def merged(self, other_pairs: Mapping[str, str] | Iterable[tuple[str, str]]) -> Glossary:
        """This glossary with `other_pairs` (e.g. an article's rules) winning on conflicts."""
        items = tuple(other_pairs.items() if isinstance(other_pairs, Mapping) else other_pairs)
        return _merge(self, items) if items else self

    def __len__(self) -> int:
        return len(self._pairs) + sum(len(table) for table in self._regional.values())

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Glossary) and self._key == other._key

    def __hash__(self) -> int:
        return self._hash

    def __repr__(self) -> str:
        return f"Glossary({self._pairs!r}, regional={ {m.value: t for m, t in self._regional.items()}!r})"

    def mapping(self, mode: ScriptMode) -> dict[str, str]:
        """Every phrase this glossary fixes in `mode`, and what it shows as."""
        compiled = self._compile(mode)
        return dict(compiled[1]) if compiled else {}

    def apply(self, text: str, mode: ScriptMode, convert: Callable[[str], str]) -> str:
        """`convert(text)`, except that glossary phrases show as the glossary says.

        The text between phrases is converted in one call, joined by a
        private-use character that OpenCC leaves alone and that cannot join
        a phrase, so OpenCC never sees (or splits) a protected phrase.
        """
        compiled = self._compile(mode)
        if compiled is None:
            return convert(text)
        pattern, mapping = compiled
        pieces = pattern.split(text)  # plain, phrase, plain, phrase, ..., plain
        if len(pieces) == 1:
            return convert(text)
        plain = pieces[0::2]
        separator = _separator(text)
        converted = convert(separator.join(plain)).split(separator)
        if len(converted) != len(plain):  # never seen; stay correct if OpenCC ever eats it
            converted = [convert(piece) for piece in plain]
        out = [converted[0]]
        for phrase, after in zip(pieces[1::2], converted[1:]):
            out += (mapping[phrase], after)
        return "".join(out)

    def _compile(self, mode: ScriptMode) -> tuple[re.Pattern, dict[str, str]] | None:
        if mode not in self._compiled:  # a race only compiles twice; the result is the same
            self._compiled[mode] = _compile(self._mapping(mode))
        return self._compiled[mode]

    def _mapping(self, mode: ScriptMode) -> dict[str, str]:
        mapping: dict[str, str] = {}
        if mode is ScriptMode.ORIGINAL:
            return mapping
        if mode is ScriptMode.SIMPLIFIED:
            # Identities first, so a real mapping wins when strings collide.
            for simplified in self._pairs:
                mapping[simplified] = simplified
            for table in self._regional.values():
                for simplified, regional in table.items():
                    mapping.setdefault(simplified, simplified)
                    mapping[regional] = simplified
            for simplified, traditional in self._pairs.items():
                mapping[traditional] = simplified
            return mapping
        for traditional in self._pairs.values():
            mapping[traditional] = traditional
        for simplified, traditional in self._pairs.items():
            mapping[simplified] = traditional
        for simplified, regional in self._regional.get(mode, {}).items():
            mapping[regional] = regional
            if simplified in self._pairs:
                mapping[self._pairs[simplified]] = regional
            mapping[simplified] = regional
        return mapping


@lru_cache(maxsize=4096)  # per-article merges repeat on every repaint
def _merge(base: Glossary, items: tuple[tuple[str, str], ...]) -> Glossary:
    pairs = dict(base._pairs)
    pairs.update(items)
    return Glossary(pairs, base._regional)


def _compile(mapping: dict[str, str]) -> tuple[re.Pattern, dict[str, str]] | None:
    if not mapping:
        return None
    trie: dict = {}
    for phrase in mapping:
        node = trie
        for char in phrase:
            node = node.setdefault(char, {})
        node[""] = {}  # a phrase ends here
    return re.compile("(" + _trie_regex(trie) + ")"), mapping


def _trie_regex(node: dict) -> str:
    """A regex for the phrases in a trie: one branch per next character.

    A flat alternation tries every phrase at every position (~10x slower with
    a thousand phrases). Longest match: a greedy `?` tries the longer
    continuation before accepting the phrase that ends here.
    """
    branches = [re.escape(char) + _trie_regex(child) for char, child in sorted(node.items()) if char]
    if not branches:
        return ""
    body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
    if "" in node:
        return "(?:" + body + ")?" if len(branches) == 1 else body + "?"
    return body


def _check_phrase(phrase: object) -> str:
    if not isinstance(phrase, str):
        raise ValueError(f"glossary phrases must be strings, not {type(phrase).__name__}")
    if not phrase:
        raise ValueError("glossary phrase must not be empty")
    if _LINE_BREAK.search(phrase):
        raise ValueError(f"glossary phrase {phrase!r} must not contain a line break")
    if len(phrase) > MAX_PHRASE_CHARS:  # the phrase regex nests one level per character
        raise ValueError(f"glossary phrase {phrase[:10]!r}... is longer than {MAX_PHRASE_CHARS} characters")
    return phrase


def _usable(pair: tuple[str, str]) -> bool:
    try:
        _check_phrase(pair[0]), _check_phrase(pair[1])
    except ValueError:
        return False
    return True


def _separator(text: str) -> str:
    """A private-use character absent from `text` (almost always the first one tried)."""
    for code in range(0xF0000, 0xFFFFE):
        if chr(code) not in text:
            return chr(code)
    raise ValueError("text uses every plane-15 private-use character")  # pragma: no cover


# ---------------------------------------------------------------------------
# Conversion


class ScriptConverter:
    """Converts text for display, remembering recent results so repaints are free."""

    CACHE_ENTRIES = 512
    CACHE_CHARS = 8_000_000  # bounds memory when long articles are cached

    def __init__(self, glossary: Glossary | None = None, pool: OpenCCPool | None = None) -> None:
        self.glossary = glossary or Glossary()
        self._pool = pool or SHARED_POOL
        self._cache: OrderedDict[tuple, str] = OrderedDict()
        self._cache_chars = 0
        self._cache_lock = threading.Lock()

    def glossary_for(self, article_pairs: Iterable[tuple[str, str]]) -> Glossary:
        """The newsroom glossary with an article's own rules winning.

        Never raises: this runs while painting, so rules `Glossary` would
        reject (empty, multi-line, too long) are skipped here; the loader
        should report them (build `Glossary(article.glossary)` to get the error).
        """
        return self.glossary.merged(tuple(pair for pair in article_pairs if _usable(pair)))

    def convert(
        self,
        text: str,
        mode: ScriptMode,
        source: SourceScript | None = None,
        glossary: Glossary | None = None,
    ) -> str:
        """`text` as shown in `mode`. `source` None: detect it (pass it when known).

        `glossary` replaces the converter's own for this call; build it with
        `glossary_for()` so an article's rules merge with the newsroom's.
        """
        if mode is ScriptMode.ORIGINAL or not text:
            return text
        glossary = self.glossary if glossary is None else glossary
        key = (text, mode, source, glossary)
        with self._cache_lock:
            cached = self._cache.get(key)
            if cached is not None:
                self._cache.move_to_end(key)
                return cached
        if source is None:
            source = detect_script(text)
        config = opencc_config(source, mode)
        result = text if config is None else self._convert(text, mode, config, glossary)
        self._remember(key, result)
        return result

    def warm(self, modes: Iterable[ScriptMode] = tuple(ScriptMode)) -> None:
        """Create every converter `modes` can need, and the detection tables.

        Call from a background thread at start so the first toggle is instant.
        """
        _get_evidence()
        for mode in modes:
            for source in SourceScript:
                config = opencc_config(source, mode)
                if config:
                    self._pool.get(config)

    def _convert(self, text: str, mode: ScriptMode, config: str, glossary: Glossary) -> str:
        convert = self._pool.get(config).convert
        result = glossary.apply(text, mode, convert) if len(glossary) else convert(text)
        if result.count("\n") != text.count("\n"):
            # Callers rely on line structure (positions, search hits); keep it by
            # converting line by line if a whole-text conversion ever changes it.
            result = "\n".join(
                glossary.apply(line, mode, convert) if len(glossary) else convert(line) for line in text.split("\n")
            )
        return result

    def _remember(self, key: tuple, result: str) -> None:
        size = len(key[0]) + len(result)
        if size > self.CACHE_CHARS // 4:
            return  # one huge text would evict everything else
        with self._cache_lock:
            if key in self._cache:
                return
            self._cache[key] = result
            self._cache_chars += size
            while len(self._cache) > self.CACHE_ENTRIES or self._cache_chars > self.CACHE_CHARS:
                old_key, old = self._cache.popitem(last=False)
                self._cache_chars -= len(old_key[0]) + len(old)


# ---------------------------------------------------------------------------
# Choosing the start mode

_LOCALE_VARIABLES = ("LC_ALL", "LC_MESSAGES", "LANG")


def mode_from_locale(environ: Mapping[str, str]) -> ScriptMode | None:
    """The mode a Chinese locale implies, or None.

    The reader's language is a messages question, so this follows POSIX
    precedence for LC_MESSAGES: LC_ALL, then LC_MESSAGES, then LANG. The first
    one set decides, even when it is not Chinese (LC_ALL=en_US.UTF-8 means
    English). Understands zh_TW, zh-TW.UTF-8, zh_Hant, zh-Hant-HK, zh_Hans_SG...
    """
    value = next((environ[name] for name in _LOCALE_VARIABLES if environ.get(name)), "")
    parts = re.split(r"[_-]", value.split(".")[0].split("@")[0].lower())
    if parts[0] != "zh":
        return None
    tags = set(parts[1:])
    if "tw" in tags:
        return ScriptMode.TAIWAN
    if tags & {"hk", "mo"}:
        return ScriptMode.HONGKONG
    if "hant" in tags:
        return ScriptMode.TRADITIONAL
    if tags & {"hans", "cn", "sg", "my"}:
        return ScriptMode.SIMPLIFIED
    return None


def initial_mode(
    cli: str | None,
    remembered: str | None,
    config_script: str | None,
    environ: Mapping[str, str],
) -> ScriptMode:
    """The start mode: --script, the reader's last choice, config.toml, the locale, original.

    A bad --script value raises ValueError (the reader typed it); a bad
    remembered value is skipped (state files go stale).
    """
    if cli:
        return ScriptMode.parse(cli)
    for choice in (remembered, config_script):
        if choice:
            try:
                return ScriptMode.parse(choice)
            except ValueError:
                pass
    return mode_from_locale(environ) or ScriptMode.ORIGINAL


def load_glossary(config: Config) -> Glossary:
    """The newsroom glossary from config.toml and the file it names (raises ConfigError)."""
    try:
        return Glossary.load(config.glossary, config.glossary_file)
    except ValueError as error:
        raise ConfigError(config.path or "config", f"glossary: {error}", None, "script.glossary") from None
