"""The one CJK table: what counts as an ideograph for detection, folding and repair."""

from __future__ import annotations

from tui.chinese.cjk import IDEOGRAPH_RANGES, IDEOGRAPH_RE, PUNCTUATION_RANGES, has_ideograph, ideographs


def test_ranges_are_ordered_and_disjoint():
    for ranges in (IDEOGRAPH_RANGES, PUNCTUATION_RANGES):
        for (low, high), (next_low, _) in zip(ranges, ranges[1:]):
            assert low <= high < next_low


def test_both_scripts_and_the_extensions_are_ideographs():
    for text in ("質量", "质量", "㐀", "𠀀", "𰀀", "豈"):  # URO both scripts, ext A, ext B, ext G, compatibility
        assert has_ideograph(text), text


def test_punctuation_kana_hangul_and_latin_are_not():
    for text in ("，。「」", "ＡＢＣ１２", "かな", "한글", "abc", ""):
        assert not has_ideograph(text), text


def test_the_check_and_the_regex_agree_at_every_edge():
    edges = [
        code + step
        for low, high in IDEOGRAPH_RANGES + PUNCTUATION_RANGES
        for code in (low, high)
        for step in (-1, 0, 1)
    ]
    for code in edges:
        assert has_ideograph(f"a{chr(code)}b") == bool(IDEOGRAPH_RE.search(chr(code))), hex(code)


def test_the_list_and_the_regex_agree():
    chars = ideographs()
    assert len(chars) == sum(high - low + 1 for low, high in IDEOGRAPH_RANGES)
    assert all(IDEOGRAPH_RE.fullmatch(char) for char in chars[:: max(1, len(chars) // 500)])
