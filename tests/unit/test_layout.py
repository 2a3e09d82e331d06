"""CJK-aware wrapping: widths in cells, kinsoku, whole Latin words, nothing lost."""

from __future__ import annotations

import random

import pytest
from rich.cells import cell_len

from tui.chinese.layout import NO_LINE_END, NO_LINE_START, wrap

# From the seed article (Traditional; its half-width commas are as published).
TRADITIONAL = (
    "9月是全國“質量月”。中共中央政治局委員、國務院副總理王岐山27日在北京主持召開質量工作座談會。"
    "他指出,質量是基礎,安全是底線,抓好質量工作是永恒的主題。要按照科學發展觀的要求,堅持以人為本,"
    "走質量強國之路,努力提高質量管理水平,守住不發生系統性、區域性、行業性質量安全風險的底線。"
)
# The seed page as crawled, with its mojibake "(fā)" glosses left in.
TRADITIONAL_RAW = (
    "在認真聽取部分企業(yè)代表、部分省市和質檢總局負責同志的發(fā)言後,王岐山說,"
    "改革開放30多年來,質量工作取得很大成績,質量總體水平不斷提高。"
)
SIMPLIFIED = (
    "国务院副总理王岐山27日在北京主持召开质量工作座谈会。他指出，质量是基础，安全是底线，抓好质量工作是永恒的主题。"
)
QUOTED = (
    "王岐山強調：「質量工作永無止境……提高質量是一項長期、艱巨、復雜的任務。」"
    "他又問：「能不能做到？！」記者——新華社（北京）報道。《人民日報》評論說：“可以說，質量無處不在。”"
)
MIXED = (
    "中國加入WTO後，H1N1疫情期間，質檢總局用OpenCC把簡體轉成繁體（Traditional Chinese），"
    "效率達到25M chars/s，比 it's well-known 的方法快3.5倍。"
)
LATIN_WORDS = ("WTO", "H1N1", "OpenCC", "Traditional", "Chinese", "well-known", "it's", "3.5", "25M")
TEXTS = [TRADITIONAL, TRADITIONAL_RAW, SIMPLIFIED, QUOTED, MIXED, SIMPLIFIED + "\n\n" + MIXED]
TEXT_IDS = ["traditional", "traditional-raw", "simplified", "quoted", "mixed", "two-paragraphs"]


def lines_of(text: str, width: int) -> list[str]:
    return [text[start:end] for start, end in wrap(text, width)]


def assert_complete(text: str, ranges: list[tuple[int, int]]) -> None:
    """Ranges are in order and only break spaces and newlines fall between them."""
    position = 0
    for start, end in ranges:
        assert position <= start <= end
        assert set(text[position:start]) <= {" ", "\n"}, (text[position:start], ranges)
        position = end
    assert set(text[position:]) <= {" ", "\n"}
    # And every character that is neither is covered.
    kept = "".join(text[start:end] for start, end in ranges)
    assert kept.replace(" ", "") == text.replace(" ", "").replace("\n", "")


# -- properties over real text and many widths --------------------------------


WIDTHS = range(2, 81)
# From 14 cells up every unbreakable cluster here ("（Traditional") fits.
ROOMY_WIDTHS = range(14, 81)


@pytest.mark.parametrize("text", TEXTS, ids=TEXT_IDS)
def test_lines_fit_and_nothing_is_lost(text: str) -> None:
    for width in WIDTHS:
        ranges = wrap(text, width)
        assert_complete(text, ranges)
        for start, end in ranges:
            assert cell_len(text[start:end]) <= width, (width, text[start:end])


@pytest.mark.parametrize("text", TEXTS, ids=TEXT_IDS)
def test_kinsoku_holds_where_it_can(text: str) -> None:
    for width in ROOMY_WIDTHS:
        for line in lines_of(text, width):
            if line:
                assert line[0] not in NO_LINE_START, (width, line)
                assert line[-1] not in NO_LINE_END, (width, line)


def test_latin_words_are_not_split() -> None:
    for width in ROOMY_WIDTHS:
        lines = lines_of(MIXED, width)
        for word in LATIN_WORDS:
            assert any(word in line for line in lines), (word, width, lines)


@pytest.mark.parametrize("text", TEXTS, ids=TEXT_IDS)
def test_lines_are_filled_greedily(text: str) -> None:
    # A line may end early only to keep punctuation or a word together, which
    # in this text never costs more than a few cells.
    for width in ROOMY_WIDTHS:
        for paragraph in text.split("\n"):
            for line in lines_of(paragraph, width)[:-1]:
                assert cell_len(line) >= width - 12, (width, line)


# -- specific rules ---------------------------------------------------------------


def test_chinese_breaks_between_any_two_ideographs() -> None:
    assert lines_of("国务院副总理王岐山", 6) == ["国务院", "副总理", "王岐山"]


def test_wide_character_never_straddles_the_edge() -> None:
    assert lines_of("国务院副总理", 5) == ["国务", "院副", "总理"]
    assert lines_of("a国务院", 4) == ["a国", "务院"]


def test_closing_punctuation_pulls_the_previous_character_down() -> None:
    # "会。" would leave "。" at a line start, so "会" moves down with it.
    assert lines_of("座谈会。他指出", 6) == ["座谈", "会。他", "指出"]


def test_runs_of_closing_punctuation_stay_together() -> None:
    assert lines_of("他問：「能嗎？！」好", 18) == ["他問：「能嗎？！」", "好"]
    # At 16 cells "」" would start the second line: "嗎？！」" goes down whole.
    assert lines_of("他問：「能嗎？！」好", 16) == ["他問：「能", "嗎？！」好"]
    assert lines_of("說完。」再見", 8) == ["說完。」", "再見"]
    assert lines_of("說完」。再見", 8) == ["說完」。", "再見"]
    assert lines_of("他說完了。」", 10) == ["他說完", "了。」"]


def test_opening_punctuation_goes_down_with_what_follows() -> None:
    assert lines_of("中國人民日報《人民日報》", 14) == ["中國人民日報", "《人民日報》"]
    assert lines_of("記者（北京）報道", 6) == ["記者", "（北", "京）報", "道"]
    assert lines_of("記者（北京）報道", 5) == ["記者", "（北", "京）", "報道"]


def test_half_width_punctuation_after_chinese() -> None:
    # The seed text uses half-width commas; they may not start a line either.
    for line in lines_of("他指出,質量是基礎,安全是底線", 6):
        assert not line.startswith(",")
    assert lines_of("他指出,質量是基礎", 6) == ["他指", "出,質", "量是基", "礎"]


def test_ellipsis_and_dash_pairs_are_not_split() -> None:
    for width in range(4, 20):
        for line in lines_of("記者——新華社報道說質量……永無止境", width):
            assert not line.startswith("…"), (width, line)
            assert line.count("—") in (0, 2) and line.count("…") in (0, 2), (width, line)


def test_latin_words_move_whole_to_the_next_line() -> None:
    assert lines_of("質檢總局用OpenCC轉換", 12) == ["質檢總局用", "OpenCC轉換"]
    assert lines_of("hello world foo", 11) == ["hello world", "foo"]


def test_only_a_word_wider_than_the_line_is_cut() -> None:
    assert lines_of("see https://example.com/path ok", 10) == ["see", "https://ex", "ample.com/", "path ok"]


def test_spaces_at_a_break_are_dropped() -> None:
    text = "alpha   beta  gamma"
    ranges = wrap(text, 7)
    assert [text[s:e] for s, e in ranges] == ["alpha", "beta", "gamma"]
    assert_complete(text, ranges)


def test_leading_spaces_of_the_first_line_are_kept() -> None:
    assert lines_of("  質量是基礎", 20) == ["  質量是基礎"]


def test_newlines_force_breaks_and_belong_to_no_line() -> None:
    text = "質量\n\n安全  \n"
    assert wrap(text, 20) == [(0, 2), (3, 3), (4, 6), (9, 9)]


def test_empty_text_has_one_empty_line() -> None:
    assert wrap("", 10) == [(0, 0)]


def test_width_one_puts_each_wide_character_alone() -> None:
    assert lines_of("質量ab", 1) == ["質", "量", "a", "b"]


@pytest.mark.parametrize("width", [0, -5])
def test_silly_widths_do_not_loop(width: int) -> None:
    assert lines_of("質量ab", width) == ["質", "量", "a", "b"]


def test_combining_marks_stay_with_their_base() -> None:
    text = "cafe\u0301 cafe\u0301"
    assert lines_of(text, 4) == ["cafe\u0301", "cafe\u0301"]


def test_unavoidable_violation_still_fits() -> None:
    # "「中」。" cannot fit in 4 cells whole; it is cut, but never overflows.
    for start, end in wrap("「中」。", 4):
        assert cell_len("「中」。"[start:end]) <= 4


def test_random_text_never_overflows_or_loses_characters() -> None:
    alphabet = list("中文國，。、「」（）《》“”……——！？ WTO H1N1 ab-c it's ()[],.!?\"\n") + [
        "\u0301",
        "\u3000",
        "\U0001f600",
        "\uff76",
    ]
    rng = random.Random(20100927)
    for _ in range(3000):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 50)))
        width = rng.randint(1, 30)
        ranges = wrap(text, width)
        assert_complete(text, ranges)
        for start, end in ranges:
            line = text[start:end]
            visible = [char for char in line if cell_len(char)]
            assert cell_len(line) <= width or len(visible) == 1, (text, width, line)


def test_long_text_wraps_every_line() -> None:
    text = (TRADITIONAL + QUOTED + MIXED) * 200
    ranges = wrap(text, 60)
    assert_complete(text, ranges)
    assert all(cell_len(text[start:end]) <= 60 for start, end in ranges)
