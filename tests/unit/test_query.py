"""Parsing the search box."""

from __future__ import annotations

import datetime as dt

from tui.search.query import MAX_QUERY_CHARS, parse_query


def test_empty_query():
    for text in ("", "   ", "-", '""', "，"):
        query = parse_query(text)
        assert query.is_empty
        assert not query.positives


def test_terms_are_anded_and_folded():
    query = parse_query("質量  安全 ＧＤＰ")
    assert [t.text for t in query.terms] == ["質量", "安全", "ＧＤＰ"]
    assert query.terms[0].forms[0] == "质量"
    assert query.terms[2].forms == ("gdp",)
    assert not query.phrases and not query.excludes


def test_quoted_phrase_is_one_term():
    query = parse_query('"質量 安全" 監管')
    assert [p.text for p in query.phrases] == ["質量 安全"]
    assert query.phrases[0].forms[0] == "质量安全"
    assert [t.text for t in query.terms] == ["監管"]


def test_unclosed_quote_runs_to_the_end():
    query = parse_query('"質量 安')
    assert query.phrases[0].forms[0] == "质量安"


def test_excludes():
    query = parse_query('質量 -廣告 -"假冒 偽劣"')
    assert [t.text for t in query.excludes] == ["廣告", "假冒 偽劣"]
    assert query.excludes[1].forms[0] == "假冒伪劣"
    assert [t.text for t in query.terms] == ["質量"]


def test_filters():
    query = parse_query("section:news tag:經濟 by:姚大偉 since:2010-01-01 until:2010-12-31 質量")
    filters = query.filters
    assert filters.sections == ("news",)
    assert filters.tags == ("经济",)
    assert filters.bylines == ("姚大伟",)
    assert filters.since == dt.date(2010, 1, 1)
    assert filters.until == dt.date(2010, 12, 31)
    assert [t.text for t in query.terms] == ["質量"]
    assert not query.warnings


def test_filter_only_query_is_not_empty():
    query = parse_query("tag:經濟")
    assert not query.is_empty and not query.positives


def test_quoted_filter_value():
    assert parse_query('by:"新華社 記者"').filters.bylines == ("新华社记者",)


def test_bad_dates_are_ignored_with_a_warning():
    query = parse_query("since:2010-13-01 until:yesterday 質量")
    assert query.filters.since is None and query.filters.until is None
    assert len(query.warnings) == 2
    assert "since:2010-13-01" in query.warnings[0]
    assert [t.text for t in query.terms] == ["質量"]


def test_half_typed_filter_is_ignored():
    query = parse_query("tag:")
    assert query.is_empty


def test_negated_filter_is_ignored_with_a_warning():
    query = parse_query("-tag:x 質量")
    assert not query.filters and query.warnings


def test_unknown_key_is_an_ordinary_term():
    query = parse_query("10:30 http://example.com")
    assert [t.text for t in query.terms] == ["10:30", "http://example.com"]
    assert query.terms[0].forms == ("1030",)


def test_regional_vocabulary_forms():
    query = parse_query("软件")
    assert set(query.terms[0].forms) >= {"软件", "软体"}
    assert query.highlight_terms() == [query.terms[0].forms]


# -- pinyin -----------------------------------------------------------------------


def test_latin_terms_carry_a_pinyin_reading():
    query = parse_query("zhiliang 安全")
    assert [t.text for t in query.terms] == ["zhiliang", "安全"]
    assert query.terms[0].forms == ("zhiliang",)  # still matched as typed, too
    assert query.terms[0].pinyin is not None and query.terms[1].pinyin is None
    assert query.has_pinyin


def test_chinese_queries_have_no_pinyin_and_highlight_as_before():
    query = parse_query("質量 安全")
    assert not query.has_pinyin
    assert query.highlight_terms() == [("质量",), ("安全",)]


def test_highlight_terms_carry_the_pinyin_as_a_marked_form():
    from tui.chinese.pinyin import MARK

    terms = parse_query("zl").highlight_terms()
    assert terms == [("zl", MARK + "zl")]


def test_spaced_syllables_are_one_term():
    query = parse_query("wang qishan 講話")
    assert [t.text for t in query.terms] == ["wang qishan", "講話"]
    grouped = query.terms[0]
    assert grouped.parts == (("wang",), ("qishan",))  # as words: each anywhere, as before
    assert [u.text for u in grouped.pinyin.segmentations[0]] == ["wang", "qi", "shan"]


def test_words_that_are_not_pinyin_stay_apart():
    query = parse_query("quality zhiliang an is")
    assert [t.text for t in query.terms] == ["quality", "zhiliang an", "is"]
    assert query.terms[0].pinyin is None and query.terms[2].pinyin is None


def test_quoted_pinyin_and_excludes():
    query = parse_query('"zhi liang" -anquan')
    assert query.phrases[0].forms == ("zhiliang",)
    assert query.phrases[0].pinyin is not None
    assert query.excludes[0].pinyin is None  # exclusions stay plain


def test_a_filter_ends_a_run_of_syllables():
    query = parse_query("wang section:news qishan")
    assert [t.text for t in query.terms] == ["wang", "qishan"]
    assert query.filters.sections == ("news",)


def test_a_bad_date_is_named():
    query = parse_query("since:9999-99-99")
    assert query.is_empty
    assert query.warnings == ("since:9999-99-99 ignored: '9999-99-99' is not a date (use one such as 2010-09-27)",)


def test_a_pasted_flood_is_cut_with_a_warning():
    query = parse_query("a" * 1000)
    assert len(query.terms) == 1 and query.terms[0].text == "a" * MAX_QUERY_CHARS
    assert query.terms[0].pinyin is None
    assert "first 256 characters" in query.warnings[0]
    words = parse_query(" ".join(["ma"] * 500))  # many short syllables: one run, too long for pinyin
    assert words.terms[0].text.startswith("ma ma ma") and words.terms[0].pinyin is None
