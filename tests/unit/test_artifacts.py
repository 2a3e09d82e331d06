"""Scraping damage: repairing bracketed romanization, and finding what cannot be repaired."""

from __future__ import annotations

import random
from pathlib import Path

import opencc
import pytest

from tests.conftest import SEED_PAGE
from tui.chinese.artifacts import Artifact, find_artifacts, pinyin_tone, repair_romanization

ROOT = Path(__file__).resolve().parents[2]


def seed_text() -> str:
    """The scraped seed page (a fixture copy of the page the sample came from)."""
    return SEED_PAGE.read_text(encoding="utf-8")


def kinds(text: str) -> list[str]:
    return [artifact.kind for artifact in find_artifacts(text)]


# --- repair ---------------------------------------------------------------------


def test_the_seed_page_has_exactly_77_romanization_artifacts_and_keeps_its_real_bracket():
    repaired, count = repair_romanization(seed_text())
    assert count == 77
    assert "(以下簡稱《方案》)" in repaired
    assert "科學發展觀" in repaired and "企業代表" in repaired and "區域性" in repaired
    assert "(" not in repaired.replace("(以下簡稱《方案》)", "")


@pytest.mark.parametrize(
    "damaged, repaired, count",
    [
        ("發(fā)展", "發展", 1),
        ("企業(yè)", "企業", 1),
        ("區(qū)域", "區域", 1),
        ("發（fā）展", "發展", 1),  # full-width brackets
        ("發(fā）展", "發展", 1),  # mixed, as scrapers leave them
        ("發(fa1)展", "發展", 1),  # tone digit
        ("綠(lǜ)色", "綠色", 1),
        ("綠(lv4)色", "綠色", 1),
        ("经(jīng)济发(fā)展", "经济发展", 2),  # Simplified text too
        ("發(fā)(以下簡稱《方案》)", "發(以下簡稱《方案》)", 1),
    ],
)
def test_repairs_bracketed_pinyin_after_a_character(damaged, repaired, count):
    assert repair_romanization(damaged) == (repaired, count)


@pytest.mark.parametrize(
    "text",
    [
        "發布了《方案》(以下簡稱《方案》)。",
        "發布了《方案》（以下簡稱《方案》）。",
        "早在(2010)年",
        "加入世界貿易組織(WTO)後",
        "防控甲型(H1N1)流感",
        "世界貿易組織(World)",
        "世界貿易組織(world)",  # lower case, but not a syllable
        "時間(min)與溫度",  # a syllable without a tone: as likely a unit
        "條款(a)和條款(b)",  # list markers are syllables too
        "中國(Zhōng)",  # capitalised: a name, not scraping damage
        "中國(xǎng)",  # toned, but not a Mandarin syllable
        "abc(fā)",  # not after a character
        "發 (fā)",  # a space in between: someone wrote that on purpose
    ],
)
def test_leaves_real_brackets_alone(text):
    assert repair_romanization(text) == (text, 0)
    assert "romanization" not in kinds(text)


def test_pinyin_tone_reads_marks_and_digits():
    assert pinyin_tone("fā") == 1 and pinyin_tone("yè") == 4 and pinyin_tone("tǒng") == 3
    assert pinyin_tone("lǜ") == 4 and pinyin_tone("lv4") == 4 and pinyin_tone("de") == 0
    assert pinyin_tone("world") is None and pinyin_tone("fāā") is None and pinyin_tone("fā1") is None


# --- finding ----------------------------------------------------------------------


def test_finds_leftover_romanization_with_line_and_column():
    found = find_artifacts("第一行\n科學發(fā)展觀")
    assert found == [Artifact(2, 3, "romanization", found[0].message)]
    assert "發(fā)" in found[0].message


def test_the_seed_page_flags_every_romanization_and_the_lost_characters():
    found = find_artifacts(seed_text())
    assert sum(a.kind == "romanization" for a in found) == 77
    lost = [a for a in found if a.kind == "question-marks"]
    assert [(a.line, a.column) for a in lost] == [(8, 81)]  # 國家形象??梢哉f: 。可 lost, 以說 misread
    assert "??梢哉f" in lost[0].message
    repaired, _ = repair_romanization(seed_text())
    assert [(a.line, a.column, a.kind) for a in find_artifacts(repaired)] == [(8, 57, "question-marks")]


def test_replacement_characters_and_question_marks_beside_chinese():
    text = "質量\ufffd\ufffd工作\n??梢哉f\n可以嗎??\nWhat??\n國家??形象"
    found = find_artifacts(text)
    assert [(a.line, a.column, a.kind) for a in found] == [
        (1, 3, "replacement"),
        (2, 1, "question-marks"),
        (5, 3, "question-marks"),
    ]


def test_control_characters_are_flagged_but_tabs_and_newlines_are_not():
    found = find_artifacts("標題\t正文\n第二\x1b[31m行\x07")
    assert [(a.line, a.column, a.kind) for a in found] == [(2, 3, "control"), (2, 9, "control")]
    assert "U+001B" in found[0].message


def test_utf8_read_as_latin1_or_cp1252_is_flagged_with_the_probable_original():
    latin1 = "质量工作".encode().decode("latin-1")
    cp1252 = "產品質量".encode().decode("cp1252", errors="ignore")
    found = find_artifacts(f"{latin1}\n標題:{cp1252}\nè´¨é‡")
    assert [(a.line, a.column, a.kind) for a in found] == [(1, 1, "mojibake"), (2, 4, "mojibake"), (3, 1, "mojibake")]
    assert "质量工作" in found[0].message and "產" in found[1].message and "质" in found[2].message


def test_utf8_read_as_gbk_is_flagged():
    damaged = "质量工作座谈会".encode().decode("gbk", errors="replace")
    found = [a for a in find_artifacts(damaged) if a.kind == "mojibake"]
    assert found and "UTF-8 text decoded as GBK" in found[0].message
    assert [a.kind for a in find_artifacts("璐ㄩ噺")] == ["mojibake"]  # 质量


def test_gbk_read_as_latin1_is_flagged():
    damaged = "质量问题".encode("gbk").decode("latin-1")
    found = find_artifacts(damaged)
    assert [a.kind for a in found] == ["mojibake"] and "质量问题" in found[0].message


def test_first_line_numbers_a_fragment():
    assert [a.line for a in find_artifacts("正文\n發(fā)展", first_line=10)] == [11]


# --- no false alarms ----------------------------------------------------------------


def test_clean_traditional_and_simplified_text_raise_nothing_but_the_real_damage():
    repaired, _ = repair_romanization(seed_text())
    simplified = opencc.OpenCC("t2s").convert(repaired)
    for text in (repaired, simplified):
        found = find_artifacts(text)
        assert [(a.line, a.kind) for a in found] == [(8, "question-marks")]
    clean = repaired.replace("??梢哉f", "。可以說")
    assert find_artifacts(clean) == []
    assert find_artifacts(opencc.OpenCC("t2s").convert(clean)) == []


def test_western_text_and_punctuation_raise_nothing():
    text = "Café, naïve, déjà vu, Œuvre, São Paulo, 5×3 ÷ 2, 30°C, “引號”、《書名》……——·"
    assert find_artifacts(text) == []


def test_common_chinese_text_never_looks_like_gbk_mojibake():
    # Common characters in every order a sentence might put them: chance alone
    # must not make re-encoded real text look like UTF-8.
    common = [
        bytes([lead, trail]).decode("gb2312")
        for lead in range(0xB0, 0xD8)
        for trail in range(0xA1, 0xFF)
        if (lead, trail) < (0xD7, 0xFA)
    ]
    chooser = random.Random(20100927)
    lines = [
        "".join(
            chooser.choice(common) if chooser.random() > 0.08 else chooser.choice("，。、“”：；《》") for _ in range(80)
        )
        for _ in range(1000)
    ]
    assert [a for a in find_artifacts("\n".join(lines)) if a.kind == "mojibake"] == []


@pytest.mark.parametrize(
    "text",
    [
        # The placeholders official forms and notices leave for a name, a number or a date.
        "茲證明××××同志於××××年××月××日起在我單位工作。",
        "兹证明××××同志于××××年××月××日起在我单位工作。",
        "申請人姓名：××××；身份證號碼：××××××××。",
        "他沉默了很久，才說：「我……」又是一陣······",
        "他沉默了很久，才说：“我······”又是一阵······",
        "××××××",
        "······",
        "某某公司（以下簡稱××）於2010年××月發布公告······詳見附件。",
    ],
)
def test_form_placeholders_and_dotted_ellipses_are_not_mojibake(text):
    assert find_artifacts(text) == []


def test_real_mojibake_beside_placeholders_is_still_flagged():
    damaged = "质量问题".encode("gbk").decode("latin-1")
    found = find_artifacts(f"××××年××月：{damaged}······")
    assert [a.kind for a in found] == ["mojibake"] and "质量问题" in found[0].message
    utf8_as_latin1 = "质量工作".encode().decode("latin-1")
    assert [a.kind for a in find_artifacts(f"××××{utf8_as_latin1}")] == ["mojibake"]
