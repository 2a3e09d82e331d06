"""Reading Latin input as pinyin, and matching it against folded text."""

from __future__ import annotations

import re

import pytest

from tui.chinese import pinyin
from tui.chinese.normalize import fold_text


def units(text: str) -> list[str]:
    """Each way the input splits, as "zhi liang" / "z* l*" (initials starred, tones kept)."""
    pattern = pinyin.parse(text)
    assert pattern is not None, text
    return [
        " ".join(u.text + (str(u.tone) if u.tone else "") + ("*" if u.initial else "") for u in seg)
        for seg in pattern.segmentations
    ]


def matches(text: str, chinese: str) -> list[str]:
    pattern = pinyin.parse(text)
    folded = fold_text(chinese)
    return [folded[m.start() : m.end()] for m in pattern.finditer(folded)] if pattern else []


# -- segmentation ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("zhiliang", ["zhi liang"]),
        ("ZhiLiang", ["zhi liang"]),  # case-blind
        ("zhi liang", ["zhi liang"]),
        ("zhi-liang", ["zhi liang"]),
        ("xi'an", ["xi an"]),
        ("xi\u2019an", ["xi an"]),  # a typographic apostrophe
        ("xian", ["xian"]),  # fewest syllables, as input methods do: 先, not 西安
        ("fangan", ["fang an", "fan gan"]),  # both splits are as short: 方案 and 反感
        ("zhi4liang4", ["zhi4 liang4"]),
        ("ma5", ["ma5"]),
        ("ma0", ["ma5"]),  # 0 is the neutral tone too
        ("lve", ["lve"]),
        ("lue", ["lve"]),  # 略 spelled the common way
        ("lüe", ["lve"]),
        ("zl", ["z* l*"]),
        ("wqs", ["w* q* s*"]),
        ("zhil", ["zhi l*"]),  # still typing the second syllable
        ("zh", ["zh*", "z* h*"]),  # 中 being typed, or the initials of 综合
    ],
)
def test_segmentation(text, expected):
    assert units(text) == expected


@pytest.mark.parametrize("text", ["", "  ", "iphone", "quality", "5g", "2024", "質量", "zhi量", "a+b", "i"])
def test_what_is_not_pinyin(text):
    # English words that are neither syllables nor initials (i, u and v begin no
    # syllable), digits, hanzi, symbols.
    assert pinyin.parse(text) is None


def test_syllables_and_initials_do_not_mix():
    # Else "quality" would be qu-a-li-t-y; wangqs is read as six initials.
    assert units("wangqs") == ["w* a* n* g* q* s*"]


def test_english_words_can_also_be_pinyin():
    # Ranking puts the plain matches of such words first (see test_index).
    assert units("an") == ["an"]
    assert units("the") == ["t* h* e*"]


# -- readings and matching ----------------------------------------------------------


def test_readings_come_from_pypinyin_with_tones():
    assert [r.marked for r in pinyin.readings("重")][:2] == ["zhòng", "chóng"]
    assert {(r.syllable, r.tone) for r in pinyin.readings("質")} == {("zhi", 4)}
    assert pinyin.readings("绿")[0].syllable == "lv"  # ü kept apart from u
    assert pinyin.readings("a") == ()
    assert pinyin._parse_reading("\u0308a").syllable == "a"  # a diaeresis with no letter before it: ignored


def test_the_cached_readings_are_every_character_in_use_and_nothing_else(monkeypatch):
    monkeypatch.setattr(pinyin, "_data", None)
    pinyin.data()  # written to this test's cache dir
    monkeypatch.setattr(pinyin, "_data", None)  # and read back from it
    in_use = pinyin._readings_in_use()
    table = pinyin.data().readings
    assert list(table) == sorted(in_use) and len(table) == len(in_use)
    assert max(map(ord, in_use)) > 0xFFFF  # characters past the BMP (CJK Extension B) too
    for char, text in in_use.items():
        assert char in table and [r.marked for r in table[char]] == text.split(",")
    for other in ("", "a", "重庆", "\u3400\u3400", "\u91ff", "\U0002ffff", "\U0010ffff", "\x00"):
        if other not in in_use:
            assert other not in table and table.get(other, ()) == () and pinyin.readings(other) == ()
    for other in (None, 5, b"\xe9\x87\x8d"):
        assert other not in table and table.get(other, ()) == ()
        with pytest.raises(KeyError):
            table[other]


def test_full_syllables_in_either_script():
    assert matches("zhiliang", "質量與质量") == ["质量", "质量"]
    assert matches("zhi liang", "王岐山在質量工作座談會上指出") == ["质量"]
    assert matches("xi'an", "他去了西安") == ["西安"]
    assert matches("xian", "他去了西安") == []  # xian is one syllable


def test_initials():
    assert matches("zl", "質量") == ["质量"]
    assert matches("wqs", "國務院副總理王岐山") == ["王岐山"]
    assert matches("wqs", "王岐") == []


def test_tone_numbers():
    assert matches("zhi4liang4", "質量") == ["质量"]
    assert matches("zhi1liang4", "質量") == []  # 質 is zhì, fourth tone
    assert matches("zhi4liang2", "丈量質量") == ["质量"]  # 量 reads liáng too


def test_polyphones_match_on_any_reading():
    assert matches("zhong", "重要") == ["重"]
    assert matches("chong", "重要") == ["重"]
    assert matches("chongqing", "重慶") == ["重庆"]
    assert matches("zhongqing", "重慶") == ["重庆"]  # another reading: still found


def test_spaces_and_punctuation_between_characters_do_not_matter():
    # Folding drops them, as it does for plain terms.
    assert matches("zhiliang", "質，量") == ["质量"]


def test_explain_gives_the_reading_in_context():
    folded = fold_text("重慶的質量很重要")
    start = folded.index("重庆")
    assert pinyin.explain(pinyin.parse("chongqing"), folded, start, start + 2) == ("chóngqìng", True)
    assert pinyin.explain(pinyin.parse("zhongqing"), folded, start, start + 2) == ("zhòngqìng", False)
    start = folded.index("质量")
    assert pinyin.explain(pinyin.parse("zl"), folded, start, start + 2) == ("zhìliàng", True)


def pypinyin_context(text: str) -> list[str]:
    from pypinyin import Style
    from pypinyin import pinyin as pypinyin_readings

    return [item[0] for item in pypinyin_readings(text, style=Style.TONE, errors=lambda chars: [[c] for c in chars])]


def test_readings_in_context_are_pypinyins_without_loading_it():
    """Our phrase reading (a copy of pypinyin's phrases, longest first) gives what pypinyin gives:
    on the sample newsroom's runs of hanzi, and on runs made of overlapping phrases."""
    import random

    from pypinyin.phrases_dict import phrases_dict

    from tests.conftest import ROOT

    table = pinyin.data().readings
    runs = set()
    for path in (ROOT / "content").rglob("*.md"):
        runs.update(run for run in re.findall(r"[\u4e00-\u9fff]+", fold_text(path.read_text("utf-8"))))
    phrases = sorted(phrase for phrase in phrases_dict if all(char in table for char in phrase))
    chars = sorted(table)
    draw = random.Random(12)
    for _ in range(3000):
        parts = []
        for _ in range(draw.randint(1, 6)):
            phrase = draw.choice(phrases)
            parts.append(draw.choice([phrase, phrase[draw.randrange(len(phrase)) :], draw.choice(chars)]))
        runs.add("".join(parts))
    runs = {run for run in runs if all(char in table for char in run)}
    assert len(runs) > 3000
    assert [run for run in sorted(runs) if pinyin._context_readings(run) != pypinyin_context(run)] == []
    assert pinyin._context_readings("重庆的重要") == ["chóng", "qìng", "de", "zhòng", "yào"]


def test_prepare_works_out_what_a_search_needs_before_a_warm_parent_forks(monkeypatch):
    monkeypatch.setattr(pinyin, "_data", None)
    monkeypatch.setattr(pinyin, "_phrases", None)
    pinyin.prepare()
    worked_out = vars(pinyin.data())
    assert "readings" in worked_out and "by_syllable" in worked_out and pinyin._phrases is not None
    assert "syllable_words" not in worked_out  # indexing only: the process that indexes builds it


def test_each_kept_table_passes_its_own_check():
    # One that did not was built again by every search (〇 and private-use forms are no letters).
    assert pinyin._blocks_fit(pinyin._reading_blocks())
    assert pinyin._groups_fit(pinyin._phrase_groups())
    assert pinyin._syllable_chars_fit(pinyin.data().syllable_chars())


def test_a_search_decodes_only_the_table_entries_it_reads(monkeypatch):
    """The tables keep UTF-8 and decode an entry when first read: marshal decoding all of
    them cost every pinyin search ~8 ms, for the few dozen it reads."""
    monkeypatch.setattr(pinyin, "_data", None)
    monkeypatch.setattr(pinyin, "_phrases", None)
    pinyin.prepare()  # every table kept in this test's cache dir, then read from it as a search would
    monkeypatch.setattr(pinyin, "_data", None)
    monkeypatch.setattr(pinyin, "_phrases", None)
    pinyin._char_class.cache_clear()
    pinyin._compile.cache_clear()
    text = fold_text("王岐山在質量工作座談會上指出，重慶的質量")
    pattern = pinyin.parse("zhiliang")
    start, end = pattern.search(text)
    assert pinyin.explain(pattern, text, start, end) == ("zhìliàng", True)
    assert matches("chongqing", "重慶") == ["重庆"]
    tables = {
        "readings": pinyin.data()._kept._blocks,
        "syllables": pinyin.data().by_syllable,
        "phrases": pinyin._phrases._groups,
    }
    decoded = {name: (len(table._decoded), len(table)) for name, table in tables.items()}
    assert all(0 < read <= 16 and kept > 300 for read, kept in decoded.values()), decoded


def test_a_table_of_bad_utf8_reads_as_replacement_characters_not_an_error(monkeypatch):
    """Only a file written by hand holds it (the checksum refuses damage): a search still runs."""
    from tui.chinese.cached import table_path
    from tui.core.sealed import seal

    monkeypatch.setattr(pinyin, "_data", None)
    monkeypatch.setattr(pinyin, "_phrases", None)
    # Input is read with the real syllables (module-wide: restored after), so "zhong" is one.
    monkeypatch.setattr(pinyin, "_inventory", pinyin.syllables())
    pinyin.prepare()  # every table kept in this test's cache dir
    path = table_path("pinyin-reading-blocks-utf8", pinyin._stamp())
    assert path.exists()  # kept in this test's cache dir
    path.write_bytes(seal({0x91: b"\n" * 0xCD + b"zh\xffng\xe9" + b"\n" * (255 - 0xCD)}))
    monkeypatch.setattr(pinyin, "_data", None)
    pinyin._char_class.cache_clear()
    pinyin._compile.cache_clear()
    try:
        assert [r.syllable for r in pinyin.readings("重")] == ["zh\ufffdng\ufffd"]
        assert pinyin.readings("要") == ()
        # The syllables' table, kept before the damage, still names 重, and its reading is shown as kept.
        assert matches("zhong", "重要") == ["重"]
        assert pinyin.explain(pinyin.parse("zhong"), "重要", 0, 1) == ("zh\ufffdng\ufffd", False)
    finally:  # (classes worked out from the tampered table)
        pinyin._char_class.cache_clear()
        pinyin._compile.cache_clear()


def test_a_damaged_table_in_the_cache_dir_is_worked_out_again(monkeypatch):
    from tui.chinese.cached import table_path

    monkeypatch.setattr(pinyin, "_data", None)
    pinyin.data()  # kept in this test's cache dir
    path = table_path("pinyin-reading-blocks-utf8", pinyin._stamp())
    assert path.exists()
    from tui.core.sealed import seal, unseal

    block = b"\n" * 255  # 256 code points without readings
    damaged = (
        ("only one column",),
        {},
        {"\u91cd": block},  # keyed by a character, not a block number
        {0x91: 3},
        {0x91: "zhòng".encode()},  # not a line per code point
        {0x91: block + b"\n"},
        {0x1100: block},  # past the last code point
        {-1: block},
        {0x4E: block},  # the right shape, and not one reading in it
        {0x91: "\n" * 200 + "zhòng,chóng" + "\n" * 55},  # text, as kept before it was UTF-8
    )
    for damage in damaged:
        path.write_bytes(seal(damage))
        monkeypatch.setattr(pinyin, "_data", None)
        assert [r.marked for r in pinyin.readings("重")] == ["zhòng", "chóng"]
        assert pinyin.tokens("重庆")  # indexing reads every key as one character
        blocks = unseal(path.read_bytes())  # and the file is good again
        assert blocks[0x91].split(b"\n")[0xCD] == "zhòng,chóng".encode()  # 重 is U+91CD
    for name, damage in (
        ("pinyin-phrase-groups-utf8", {"\u91cd\u5e86": "\u91cd\u5e86\tchóng qìng".encode()}),  # keyed by two characters
        ("pinyin-phrase-groups-utf8", {"\u91cd": 3}),
        ("pinyin-phrase-groups-utf8", ("\u91cd\u5e86", "chóng qìng")),  # the columns of an older format
        ("pinyin-phrase-groups-utf8", {"\u91cd": "\u91cd\u5e86\tchóng qìng"}),  # text, as kept before
        ("pinyin-phrase-groups-utf8", {}),  # no phrases: every character would read alone
        ("pinyin-syllable-chars-utf8", {"zhong1": "\u91cd".encode()}),
        ("pinyin-syllable-chars-utf8", {"zhong": b""}),
        ("pinyin-syllable-chars-utf8", {"zhong": "\u91cd"}),  # text, as kept before
        # Not hanzi: each would break the regex class (a backslash; `]` after a hanzi; a
        # character below U+3000 as two bytes; a lead byte E2, below U+3000).
        ("pinyin-syllable-chars-utf8", {"zhong": b"\\"}),
        ("pinyin-syllable-chars-utf8", {"zhong": "\u91cd]".encode()}),
        ("pinyin-syllable-chars-utf8", {"zhong": "\u91cd\u00e9".encode()}),
        ("pinyin-syllable-chars-utf8", {"zhong": "\u2fff".encode()}),
        ("pinyin-syllable-chars-utf8", ("zhong", "\u91cd".encode())),
    ):
        table = table_path(name, pinyin._stamp())
        pinyin._phrase_table(), pinyin.data().by_syllable  # noqa: B018 - written to the cache dir
        table.write_bytes(seal(damage))
        monkeypatch.setattr(pinyin, "_data", None)
        monkeypatch.setattr(pinyin, "_phrases", None)
        pinyin._char_class.cache_clear()
        pinyin._compile.cache_clear()
        assert "重" in pinyin.data().by_syllable["chong"]
        assert pinyin.explain(pinyin.parse("chongqing"), "重庆", 0, 2) == ("chóngqìng", True)  # phrases
        assert matches("zhong4", "重要") == ["重"]
        assert unseal(table.read_bytes()) != damage  # worked out again and saved
    path.write_bytes(b"\x00 not marshal")
    monkeypatch.setattr(pinyin, "_data", None)
    assert matches("chongqing", "重慶") == ["重庆"]


# -- index tokens ------------------------------------------------------------------


def fts_accepts(expression: str, tokens: set[str]) -> bool:
    """Evaluate a match_expression (AND/OR of tokens and token* prefixes) over a token set."""

    def token(word: str) -> str:
        if word.endswith("*"):
            return str(any(t.startswith(word[:-1]) for t in tokens))
        return str(word in tokens)

    python = re.sub(r"[0-9a-z]+\*?", lambda m: token(m.group(0)), expression)
    return eval(python.replace("AND", "and").replace("OR", "or"))  # noqa: S307 - built from our own tokens


@pytest.mark.parametrize(
    "query",
    [
        "zhiliang",
        "zl",
        "wqs",
        "zhil",
        "zh",
        "z",
        "zhi4liang4",
        "chongqing",
        "zhongqing",
        "guowuyuan",
        "gwy",
        "xi'an",
        "fangan",
    ],
)
def test_every_match_is_found_by_the_index_tokens(query):
    text = fold_text("王岐山在質量工作座談會上指出，重慶、西安和國務院的方案")
    tokens = set(pinyin.tokens(text).split())
    pattern = pinyin.parse(query)
    assert pattern.search(text) is not None
    assert fts_accepts(pinyin.match_expression(pattern), tokens)


def test_tokens_are_distinct_sorted_and_fts_safe():
    text = pinyin.tokens(fold_text("質量質量 quality 重"))
    words = text.split()
    assert words == sorted(set(words))
    assert all(word.isascii() and word.isalnum() for word in words)
    # pairs of syllables and of initials; a run's last hanzi pairs with nothing
    assert {"zhi0liang", "liang0zhi", "9z0l", "9l0z", "zhong0", "chong0", "9z0", "9c0"} <= set(words)
    assert pinyin.tokens("") == "" and pinyin.tokens("abc") == ""


def test_highlight_form_is_never_folded_text():
    form = pinyin.parse("zhiliang").form
    assert form.startswith(pinyin.MARK)
    assert fold_text(form) != form  # folding drops the mark's control character


# -- hostile input: bounded cost -----------------------------------------------------


def test_a_thousand_letters_are_not_pinyin_and_cost_no_recursion():
    assert pinyin.parse("a" * 1000) is None  # was a RecursionError (one frame a syllable)
    assert pinyin.parse("zhiliang" * 125) is None
    assert pinyin.parse(" ".join(["ma"] * 500)) is None


def test_segmentation_works_from_the_end_without_recursion():
    import inspect
    import sys

    # As long a run as parse() takes, with almost no stack to spare: no recursion.
    run = "a" * pinyin._MAX_LETTERS
    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(len(inspect.stack()) + 30)
    try:
        splits = pinyin._segment(run)
    finally:
        sys.setrecursionlimit(limit)
    assert splits and all(len(units) == pinyin._MAX_LETTERS for units in splits)


def test_twelve_syllables_are_still_pinyin():
    pattern = pinyin.parse("zhongguo" * 6)
    assert pattern is not None and len(pattern.segmentations[0]) == 12
    assert pinyin.parse("zhongguo" * 6 + "ren") is None  # thirteen: not what anyone types
