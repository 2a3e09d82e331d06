"""Folding for search: script-, case- and width-blind, with exact offsets back."""

from __future__ import annotations

import opencc
import pytest

from tests.conftest import SEED_PAGE
from tui.chinese.normalize import LazyFold, find_spans, fold, fold_text, tokens, variants

SEED = SEED_PAGE
TRADITIONAL = "王岐山在質量工作座談會上指出，質量是基礎，安全是底線。抓好質量工作是永恒的主題。"
T2S = opencc.OpenCC("t2s", include_tofu_risk_dictionaries=False)


@pytest.fixture(scope="module")
def seed_pair() -> tuple[str, str]:
    """The seed page's opening (Traditional) and its Simplified form."""
    text = SEED.read_text(encoding="utf-8")[:1500] if SEED.exists() else TRADITIONAL
    return text, T2S.convert(text)


def test_traditional_and_simplified_fold_the_same():
    assert fold_text("質量") == fold_text("质量") == "质量"
    assert fold_text(TRADITIONAL) == fold_text(T2S.convert(TRADITIONAL))


def test_whole_seed_page_folds_the_same_in_both_scripts(seed_pair):
    traditional, simplified = seed_pair
    assert fold_text(traditional) == fold_text(simplified)


def test_width_and_case_fold():
    assert fold_text("ＡＢＣ１２") == "abc12"
    assert fold_text("iPhone ＧＤＰ") == "iphonegdp"
    assert fold_text("Straße") == "strasse"


def test_punctuation_and_spaces_are_dropped():
    assert fold_text("質量，安全") == fold_text("質量安全")
    assert fold_text("“質量月”。 ") == "质量月"
    assert fold_text("a-b c\u3000d") == "abcd"


def test_variant_characters_fold_to_one_form():
    assert fold_text("衞生") == fold_text("衛生") == "卫生"
    assert fold_text("裡") == fold_text("裏") == "里"


def test_fold_offsets_point_at_source_characters():
    text = "ＡＢ，質量 ok"
    folded, origins = fold(text)
    assert folded == "ab质量ok"
    assert len(origins) == len(folded)
    assert [text[i] for i in origins] == ["Ａ", "Ｂ", "質", "量", "o", "k"]


def test_fold_offsets_for_expanding_characters():
    folded, origins = fold("ﬁx")  # one ligature becomes two letters
    assert folded == "fix"
    assert origins == [0, 0, 1]


def test_fold_agrees_with_fold_text(seed_pair):
    for text in seed_pair:
        assert fold(text)[0] == fold_text(text)


@pytest.mark.parametrize("query", ["质量", "質量", "質量工作", "质量工作"])
def test_spans_land_on_the_same_characters_in_both_scripts(seed_pair, query):
    traditional, simplified = seed_pair
    spans_t = find_spans(traditional, [query])
    spans_s = find_spans(simplified, [query])
    assert spans_t and spans_t == spans_s  # t2s is character for character here
    for start, end in spans_t:
        assert fold_text(traditional[start:end]) == fold_text(query)
        assert fold_text(simplified[start:end]) == fold_text(query)


def test_spans_cover_punctuation_inside_a_match():
    text = "他指出，質量，安全是底線"
    assert find_spans(text, ["质量安全"]) == [(4, 9)]
    assert text[4:9] == "質量，安全"


def test_spans_are_merged_and_sorted():
    text = "質量安全質量"
    assert find_spans(text, ["質量", "量安"]) == [(0, 3), (4, 6)]
    assert find_spans(text, []) == []
    assert find_spans("", ["質量"]) == []


def test_spans_accept_prefolded_forms():
    assert find_spans("軟體與软件", [("软件", "软体")]) == [(0, 2), (3, 5)]


def test_regional_vocabulary_variants():
    assert "软体" in variants("软件")  # 软件 also finds 軟體
    assert "软件" in variants("軟體")
    assert variants("Hello") == ("hello",)
    assert variants("，。") == ()


def test_tokens_are_one_per_character():
    assert tokens("质量ab") == "质 量 a b"
    assert tokens("") == ""


def test_find_spans_marks_what_pinyin_spells():
    from tui.search.query import parse_query

    text = "王岐山在質量工作座談會上指出，zhiliang"
    spans = lambda query: [text[s:e] for s, e in find_spans(text, parse_query(query).highlight_terms())]  # noqa: E731
    assert spans("zhiliang") == ["質量", "zhiliang"]  # by pinyin and as typed
    assert spans("zl") == ["質量"]
    assert spans("wqs") == ["王岐山"]
    assert spans("zhi4liang4 會") == ["質量", "會"]
    assert spans("質量") == ["質量"]  # Chinese terms as before


def test_a_pinyin_form_never_matches_as_text():
    from tui.chinese.pinyin import MARK

    # the mark folds away; what is left has no hanzi for the pattern to match
    assert find_spans(MARK + "xyz", [(MARK + "xyz",)]) == []


def test_a_lazy_fold_answers_as_the_whole_fold_does():
    """Whatever is asked, found or not, wherever it is (across where one folded piece ends
    and the next begins, too): the same answer as looking in the whole folded text."""
    text = SEED.read_text(encoding="utf-8")  # several pieces long, with punctuation to drop
    folded = fold_text(text)
    assert len(text) > 4 * LazyFold.FIRST_PIECE
    probes = [folded[at : at + 4] for at in range(0, len(folded) - 4, 37)]
    ends, done = [], 0
    while done < len(text):  # where each piece's folded text ends
        done += max(LazyFold.FIRST_PIECE, done)
        ends.append(len(fold_text(text[:done])))

    # For each end, the shortest texts across it that are nowhere else (so found only across
    # the end): one with its last character past the end, one with half past it.
    def unique_across(end: int, after) -> str:
        return next(
            probe
            for size in range(2, 40)
            if folded.count(probe := folded[end + after(size) - size : end + after(size)]) == 1
        )

    across = [unique_across(end, after) for end in ends[:-1] for after in (lambda size: 1, lambda size: size // 2)]
    assert len(across) >= 4
    probes += [*across, "不在這裡的詞語", "ｑｕａｌｉｔｙ", folded[-3:], folded[:2]]
    for probe in probes:
        forms = (fold_text(probe),)
        assert LazyFold(text).has_any(forms) == (forms[0] in folded), probe
    assert LazyFold(text).has_any(("不在這裡的詞語", folded[-5:]))  # the second of two forms
    assert not LazyFold(text).has_any(())
    lazy = LazyFold(text)
    assert lazy.lead(60) == folded[:60] and lazy.whole() == folded
    assert LazyFold("").whole() == "" and LazyFold("，。").lead(60) == ""


def test_a_term_near_the_start_spares_folding_the_rest(monkeypatch, seed_pair):
    import tui.chinese.normalize as normalize

    text = seed_pair[0] * 3
    folded_chars: list[int] = []
    real_fold_text = normalize.fold_text
    monkeypatch.setattr(normalize, "fold_text", lambda piece: folded_chars.append(len(piece)) or real_fold_text(piece))
    assert LazyFold(text).has_any((real_fold_text(text[:40])[5:9],))
    assert sum(folded_chars) == LazyFold.FIRST_PIECE
