"""text.py: making untrusted text safe, and measuring it in terminal cells."""

from __future__ import annotations

import unicodedata

import pytest
from rich.cells import cell_len

from tui.core.text import ELLIPSIS, clean, clean_line, fit, truncate

TRADITIONAL = "王岐山在質量工作座談會上指出"
SIMPLIFIED = "王岐山在质量工作座谈会上指出"


def assert_no_controls(text: str, keep: str = "") -> None:
    """No C0/C1 control, DEL or format (Cf) character is left, except those in `keep`."""
    bad = [f"U+{ord(char):04X}" for char in text if char not in keep and (unicodedata.category(char) in ("Cc", "Cf"))]
    assert not bad, f"unsafe characters left in {text!r}: {bad}"


# --- clean(): escape sequences and control characters --------------------

ESCAPES = {
    "CSI clear screen": ("前\x1b[2J後", "前[2J後"),
    "OSC 52 clipboard": ("標題\x1b]52;c;cm0gLXJmIH4=\x07完", "標題]52;c;cm0gLXJmIH4=完"),
    "OSC 0 window title": ("\x1b]0;pwned\x07質量", "]0;pwned質量"),
    "OSC 8 hyperlink": ("\x1b]8;;http://evil.example/\x1b\\連結\x1b]8;;\x1b\\", "]8;;http://evil.example/\\連結]8;;\\"),
    "C1 CSI": ("質\x9b31m量", "質31m量"),
    "NUL": ("質\x00量", "質量"),
    "DEL": ("質\x7f量", "質量"),
    "bell and backspace": ("a\x07b\x08c", "abc"),
    "vertical tab and form feed": ("a\x0bb\x0cc", "abc"),
}


@pytest.mark.parametrize("raw, expected", ESCAPES.values(), ids=ESCAPES.keys())
def test_clean_strips_escape_sequences_and_control_characters(raw, expected):
    cleaned = clean(raw)
    assert cleaned == expected
    assert "\x1b" not in cleaned
    assert_no_controls(cleaned)


@pytest.mark.parametrize(
    "code", [c for c in range(0x00, 0x20) if c not in (0x09, 0x0A, 0x0D)] + [0x7F] + list(range(0x80, 0xA0))
)
def test_clean_removes_every_c0_c1_control_and_del(code):
    assert clean(f"質{chr(code)}量") == "質量"


BIDI_AND_INVISIBLE = [
    0x202A,
    0x202B,
    0x202C,
    0x202D,
    0x202E,
    0x2066,
    0x2067,
    0x2068,
    0x2069,
    0x200B,
    0x200C,
    0x200D,
    0x2060,
    0xFEFF,
]


@pytest.mark.parametrize("code", BIDI_AND_INVISIBLE, ids=[f"U+{c:04X}" for c in BIDI_AND_INVISIBLE])
def test_clean_removes_bidi_controls_and_zero_width_characters(code):
    assert clean(f"王岐山{chr(code)}指出") == "王岐山指出"


def test_clean_removes_a_bidi_override_that_would_reorder_a_title():
    # Rendered, "\u202e" would make the tail read right-to-left.
    assert clean("質量\u202e報告.exe\u202c") == "質量報告.exe"


def test_clean_keeps_newlines_and_tabs():
    assert clean("第一段\n\n第二段\t表格") == "第一段\n\n第二段\t表格"


def test_clean_turns_crlf_into_lf():
    assert clean("第一行\r\n第二行\r\n") == "第一行\n第二行\n"


def test_clean_leaves_no_carriage_return():
    assert "\r" not in clean("a\rb\r\nc")


@pytest.mark.parametrize(
    "text", [TRADITIONAL, SIMPLIFIED, "質量是基礎 安全是底線　抓好質量工作是永恒的主題", "《方案》指出:“質量第一”"]
)
def test_clean_leaves_chinese_text_untouched(text):
    assert clean(text) == text


def test_clean_leaves_markup_like_text_as_literal_text():
    # Not parsing markup is the UI's job; clean() must not eat or alter it.
    assert clean("[@click=app.quit]x[/]") == "[@click=app.quit]x[/]"
    assert clean("[b]粗體[/b] [ @click=app.quit]") == "[b]粗體[/b] [ @click=app.quit]"


def test_clean_is_idempotent():
    raw = "\x1b]0;t\x07王岐山\u202e在\r\n質量\x9b工作\u200b"
    assert clean(clean(raw)) == clean(raw)


def test_clean_of_mixed_attack_keeps_only_visible_text():
    raw = "\x1b[2J\x1b]52;c;ZXZpbA==\x07" + TRADITIONAL + "\u2066\x00\x9b"
    cleaned = clean(raw)
    assert cleaned.endswith(TRADITIONAL)
    assert_no_controls(cleaned)


# --- clean_line() --------------------------------------------------------


def test_clean_line_folds_line_breaks_and_tabs_into_spaces():
    assert clean_line("王岐山\n在\t質量\r\n工作") == "王岐山 在 質量 工作"


def test_clean_line_folds_a_run_of_breaks_into_one_space():
    assert clean_line("質量\n\n\t\n工作") == "質量 工作"


def test_clean_line_strips_surrounding_whitespace():
    assert clean_line("  \n\t質量工作座談會 \n") == "質量工作座談會"


def test_clean_line_also_cleans():
    result = clean_line("\x1b]0;title\x07" + SIMPLIFIED + "\u202e")
    assert result == "]0;title" + SIMPLIFIED
    assert_no_controls(result)


def test_clean_line_of_only_controls_is_empty():
    assert clean_line("\x1b\x00\u200b\n\t ") == ""


# --- truncate() and fit(): terminal cells ------------------------------------


def test_ellipsis_is_u22ef_and_one_cell_wide():
    assert ELLIPSIS == "\u22ef"
    assert cell_len(ELLIPSIS) == 1


@pytest.mark.parametrize("text", [TRADITIONAL, SIMPLIFIED])
def test_truncate_cuts_chinese_by_cells_with_ellipsis(text):
    # 14 characters = 28 cells; 10 cells hold 4 characters (8) + the ellipsis (1).
    result = truncate(text, 10)
    assert result == text[:4] + ELLIPSIS
    assert cell_len(result) <= 10


@pytest.mark.parametrize("width", range(1, 30))
def test_truncate_never_exceeds_width_or_splits_a_wide_character(width):
    result = truncate(TRADITIONAL, width)
    assert cell_len(result) <= width
    kept = result.removesuffix(ELLIPSIS)
    assert TRADITIONAL.startswith(kept)
    if cell_len(TRADITIONAL) > width:
        assert result.endswith(ELLIPSIS)
        # The cut uses the room there is: one more wide char plus ellipsis would not fit.
        assert cell_len(kept) >= width - 2
    else:
        assert result == TRADITIONAL


def test_truncate_leaves_text_that_fits_alone():
    assert truncate(TRADITIONAL, 28) == TRADITIONAL
    assert truncate("Newsroom", 8) == "Newsroom"


def test_truncate_one_cell_short_drops_a_whole_wide_character():
    assert truncate("王岐山", 5) == "王岐" + ELLIPSIS


def test_truncate_mixed_ascii_and_chinese():
    assert truncate("H1N1流感防控", 7) == "H1N1流" + ELLIPSIS
    assert truncate("H1N1流感防控", 6) == "H1N1" + ELLIPSIS


def test_truncate_ascii_counts_one_cell_per_character():
    assert truncate("abcdefgh", 5) == "abcd" + ELLIPSIS


@pytest.mark.parametrize("width", [0, -1])
def test_truncate_to_no_width_is_empty(width):
    assert truncate(TRADITIONAL, width) == ""


@pytest.mark.parametrize("text", [TRADITIONAL, SIMPLIFIED, "質量 Quality", "", "ab"])
@pytest.mark.parametrize("width", [0, 1, 2, 3, 7, 10, 27, 28, 40])
def test_fit_gives_exactly_width_cells(text, width):
    assert cell_len(fit(text, width)) == width


def test_fit_pads_short_text_with_spaces():
    assert fit("質量", 7) == "質量   "


def test_fit_pads_when_a_wide_character_cannot_fill_the_last_cell():
    # 11 cells: 5 wide chars (10) + ellipsis (1). At 12 a 6th wide char would need 13,
    # so the odd cell left over becomes a space.
    assert fit(SIMPLIFIED, 11) == SIMPLIFIED[:5] + ELLIPSIS
    assert fit(SIMPLIFIED, 12) == SIMPLIFIED[:5] + ELLIPSIS + " "


@pytest.mark.parametrize(
    "text", ["王岐山在質量工作座談會", "质量 zhìliàng", "❤\ufe0f❤\ufe0f❤\ufe0f", "👨\u200d👩\u200d👧 家", ""]
)
def test_fit_is_exactly_the_width_rich_measures(text):
    # Rows are built to a known width and handed to Textual unmeasured: a cell off would shift the pane.
    for width in range(0, 12):
        assert cell_len(fit(text, width)) == width, (text, width)


@pytest.mark.parametrize(
    "text",
    [chr(code) for code in range(0x80)]
    + [
        "2024-01-02",
        "news/a-long-id_1",
        "tab\there",
        "王岐山在質量工作座談會上指出",
        "质检总局发布",
        "café · 北京",
        "✔️ ok",
    ],
)
def test_cell_len_measures_as_rich_does(text):
    # Printable ASCII is counted without Rich; a tab or another control is not one cell.
    from tui.core.text import cell_len as measured

    assert measured(text) == cell_len(text)


def test_cell_len_wide_blocks_are_two_cells_in_every_unicode_version_rich_knows():
    # The blocks cell_len counts itself must be wide all through, whichever UNICODE_VERSION
    # the user's environment asks Rich for; anything narrower belongs to Rich.
    from rich.cells import get_character_cell_size

    try:  # the Unicode versions this Rich has tables for (one table only before Rich 14)
        from rich._unicode_data import VERSIONS
    except ImportError:
        VERSIONS = ()

    from tui.core.text import _WIDE_BLOCKS

    blocks = [(0x4E00, 0x9FBB), *_WIDE_BLOCKS]
    for version in (*VERSIONS, "auto", "latest"):
        narrow = [
            f"U+{code:04X}"
            for start, end in blocks
            for code in range(start, end + 1)
            if get_character_cell_size(chr(code), version) != 2
        ]
        assert not narrow, (version, narrow[:10])


def test_cell_len_measures_mixed_text_as_rich_does():
    # Chinese in both scripts, punctuation, kana, hangul, and what lies just outside each wide
    # block (a combining tone mark, an ideograph newer than the oldest tables, emoji, controls).
    import random

    from tui.core.text import _WIDE_BLOCKS
    from tui.core.text import cell_len as measured

    edges = [chr(code) for start, end in [(0x4E00, 0x9FBB), *_WIDE_BLOCKS] for code in (start - 1, start, end, end + 1)]
    pool = (
        list(TRADITIONAL + SIMPLIFIED + "，。「」、：（）ab 12-_.·—…")
        + edges
        + ["\u302a", "\u9fcc", "\U0002a6d6", "😀", "\t", "\x1b", "\x1f", "\x7f", "\x80", "é", "e\u0301"]
    )
    rng = random.Random(12)
    for _ in range(5000):
        text = "".join(rng.choice(pool) for _ in range(rng.randint(0, 24)))
        assert measured(text) == cell_len(text), text


def test_a_fixed_width_is_given_only_where_no_unicode_version_changes_it():
    # A width kept on disk (the stored newsroom's titles) must hold under any UNICODE_VERSION.
    from tui.core.text import fixed_cell_len

    for text in ("", "2024-01-02", "news/a-long-id_1", "王岐山在質量工作座談會上指出", "质检总局：Ｑ３ 报告"):
        assert fixed_cell_len(text) == cell_len(text), text
    for text in ("tab\there", "café", "✔️ ok", "喜訊 🎉", "e\u0301", "\u9fcc", "\x1b[31m", "質\x7f"):
        assert fixed_cell_len(text) is None, text
