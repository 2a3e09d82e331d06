"""Markdown bodies become display blocks; untrusted text stays inert."""

from __future__ import annotations

import random

import pytest

from tui.core.document import _MD, Block, Run, parse_markdown, plain_text, summary_before_more
from tui.core.markup_hint import may_be_markup
from tui.core.shortcodes import expand_shortcodes

# From the seed article (Traditional, half-width commas as published).
TRADITIONAL = (
    "9月是全國“質量月”。中共中央政治局委員、國務院副總理王岐山27日在北京主持召開質量工作座談會。"
    "他指出,質量是基礎,安全是底線,抓好質量工作是永恒的主題。"
)
SIMPLIFIED = (
    "国务院副总理王岐山27日在北京主持召开质量工作座谈会。他指出，质量是基础，安全是底线，抓好质量工作是永恒的主题。"
)


def kinds(blocks: list[Block]) -> list[str]:
    return [block.kind for block in blocks]


def only(body: str) -> Block:
    blocks = parse_markdown(body)
    assert len(blocks) == 1, blocks
    return blocks[0]


# -- blocks ---------------------------------------------------------------------


def test_paragraphs_of_a_real_article() -> None:
    blocks = parse_markdown(f"{TRADITIONAL}\n\n{SIMPLIFIED}\n")
    assert blocks == [
        Block("paragraph", (Run(TRADITIONAL),)),
        Block("paragraph", (Run(SIMPLIFIED),)),
    ]


def test_block_text_joins_its_runs() -> None:
    block = Block("paragraph", (Run("質量"), Run("是基礎", "bold")))
    assert block.text == "質量是基礎"


@pytest.mark.parametrize("level", range(1, 7))
def test_atx_headings_keep_their_level(level: int) -> None:
    assert only("#" * level + " 王岐山在質量工作座談會上指出") == Block(
        "heading", (Run("王岐山在質量工作座談會上指出"),), level
    )


def test_setext_headings() -> None:
    assert parse_markdown("質量是基礎\n=====\n\n安全是底線\n-----") == [
        Block("heading", (Run("質量是基礎"),), 1),
        Block("heading", (Run("安全是底線"),), 2),
    ]


def test_emphasis_strong_strike_and_code() -> None:
    block = only("質量*是*基礎，**安全**是***底線***，~~舊聞~~ `print()` 完")
    assert block.runs == (
        Run("質量"),
        Run("是", "italic"),
        Run("基礎，"),
        Run("安全", "bold"),
        Run("是"),
        Run("底線", "bold italic"),
        Run("，"),
        Run("舊聞", "strike"),
        Run(" "),
        Run("print()", "code"),
        Run(" 完"),
    )


def test_fenced_code_block_keeps_its_lines() -> None:
    body = "前文\n\n```python\nfor 行 in 文章:\n\tprint(行)\n```\n\n後文"
    assert parse_markdown(body) == [
        Block("paragraph", (Run("前文"),)),
        Block("code", (Run("for 行 in 文章:\n    print(行)", "code"),)),
        Block("paragraph", (Run("後文"),)),
    ]


def test_indented_code_block() -> None:
    assert only("    a = 1\n    b = 2\n") == Block("code", (Run("a = 1\nb = 2", "code"),))


def test_code_is_literal() -> None:
    block = only("```\n*not emphasis* <b>x</b> [@click=app.quit]x[/]\n```")
    assert block.text == "*not emphasis* <b>x</b> [@click=app.quit]x[/]"


def test_bullet_list_items() -> None:
    blocks = parse_markdown("- 質量是基礎\n- 安全是底線\n")
    assert blocks == [
        Block("item", (Run("質量是基礎"),), 0, "- "),
        Block("item", (Run("安全是底線"),), 0, "- "),
    ]


def test_bullet_marker_is_narrow_everywhere() -> None:
    marker = parse_markdown("- x")[0].marker
    assert marker.isascii()
    assert "•" not in marker and "·" not in marker


def test_ordered_list_counts_from_its_start() -> None:
    blocks = parse_markdown("3. 甲\n1. 乙\n1. 丙\n")
    assert [(block.marker, block.text) for block in blocks] == [("3. ", "甲"), ("4. ", "乙"), ("5. ", "丙")]


def test_ordered_list_keeps_its_delimiter() -> None:
    assert [block.marker for block in parse_markdown("1) 甲\n2) 乙")] == ["1) ", "2) "]


def test_nested_lists_have_depth() -> None:
    body = "- 企業\n  1. 質量\n  2. 誠信\n     - 全員\n- 部門\n"
    blocks = parse_markdown(body)
    assert [(block.kind, block.level, block.marker, block.text) for block in blocks] == [
        ("item", 0, "- ", "企業"),
        ("item", 1, "1. ", "質量"),
        ("item", 1, "2. ", "誠信"),
        ("item", 2, "- ", "全員"),
        ("item", 0, "- ", "部門"),
    ]


def test_each_paragraph_of_an_item_is_a_block() -> None:
    blocks = parse_markdown("1. 第一段\n\n   第二段\n2. 下一項\n")
    assert [(block.kind, block.marker, block.text) for block in blocks] == [
        ("item", "1. ", "第一段"),
        ("item", "   ", "第二段"),  # blank marker of the same width: aligned under the text
        ("item", "2. ", "下一項"),
    ]


def test_item_opening_with_a_nested_list_still_shows_its_marker() -> None:
    blocks = parse_markdown("- - 內層\n")
    assert [(block.level, block.marker, block.text) for block in blocks] == [(0, "- ", ""), (1, "- ", "內層")]


def test_deeply_nested_lists_are_still_items() -> None:
    body = "".join("  " * depth + f"- 第{depth}層\n" for depth in range(12))
    blocks = parse_markdown(body)
    assert [(block.kind, block.level) for block in blocks] == [("item", depth) for depth in range(12)]


def test_empty_item_shows_its_marker() -> None:
    assert parse_markdown("- 甲\n-\n- 乙") == [
        Block("item", (Run("甲"),), 0, "- "),
        Block("item", (), 0, "- "),
        Block("item", (Run("乙"),), 0, "- "),
    ]


def test_block_quotes_have_depth() -> None:
    blocks = parse_markdown("> 質量是基礎\n>\n> > 安全是底線\n\n正文")
    assert blocks == [
        Block("quote", (Run("質量是基礎"),), 1),
        Block("quote", (Run("安全是底線"),), 2),
        Block("paragraph", (Run("正文"),)),
    ]


def test_heading_inside_a_quote_is_a_bold_quote() -> None:
    assert only("> # 標題") == Block("quote", (Run("標題", "bold"),), 1)


def test_thematic_break() -> None:
    assert kinds(parse_markdown("甲\n\n---\n\n乙\n\n***")) == ["paragraph", "rule", "paragraph", "rule"]


# -- line breaks ------------------------------------------------------------------


def test_hard_breaks_keep_a_newline() -> None:
    assert only("質量是基礎  \n安全是底線").text == "質量是基礎\n安全是底線"
    assert only("質量是基礎\\\n安全是底線").text == "質量是基礎\n安全是底線"


def test_soft_break_between_chinese_characters_vanishes() -> None:
    assert only("国务院副总理王岐山27日\n在北京主持召开质量工作座谈会。").text == (
        "国务院副总理王岐山27日在北京主持召开质量工作座谈会。"
    )
    assert only("他指出，\n质量是基础").text == "他指出，质量是基础"


def test_soft_break_between_latin_words_is_a_space() -> None:
    assert only("quality is\nthe foundation").text == "quality is the foundation"


def test_soft_break_beside_latin_is_a_space() -> None:
    assert only("加入\nWTO").text == "加入 WTO"
    assert only("WTO\n加入").text == "WTO 加入"


def test_soft_break_looks_past_emphasis() -> None:
    assert only("質量\n**安全**").runs == (Run("質量"), Run("安全", "bold"))


# -- links and images ---------------------------------------------------------------


def test_link_shows_text_then_url() -> None:
    block = only("見[新華社](https://www.xinhuanet.com/)報道")
    assert block.runs == (
        Run("見"),
        Run("新華社", "link"),
        Run(" <https://www.xinhuanet.com/>", "url"),
        Run("報道"),
    )


def test_link_url_is_shown_decoded() -> None:
    block = only("[維基](https://zh.wikipedia.org/wiki/質量)")
    assert block.runs[-1] == Run(" <https://zh.wikipedia.org/wiki/質量>", "url")


def test_url_that_would_hide_characters_stays_encoded() -> None:
    # Decoded, U+202E would be stripped (or a space shown) and disguise the address.
    assert only("[甲](http://a.cn/%E2%80%AEgpj.exe)").runs[-1] == Run(" <http://a.cn/%E2%80%AEgpj.exe>", "url")
    assert only("[乙](http://a.cn/x%20y)").runs[-1] == Run(" <http://a.cn/x%20y>", "url")


def test_reference_links() -> None:
    block = only("見[新華社][xh]。\n\n[xh]: https://www.xinhuanet.com/")
    assert block.text == "見新華社 <https://www.xinhuanet.com/>。"


def test_autolinks_are_not_repeated() -> None:
    assert only("<https://www.xinhuanet.com/>").runs == (Run("https://www.xinhuanet.com/", "link"),)
    assert only("<news@xinhua.org>").runs == (Run("news@xinhua.org", "link"),)


def test_link_whose_text_is_its_url_is_not_repeated() -> None:
    assert only("[https://a.cn/](https://a.cn/)").text == "https://a.cn/"
    assert only("[news@xinhua.org](mailto:news@xinhua.org)").text == "news@xinhua.org"


def test_image_between_hard_breaks_leaves_no_blank_lines() -> None:
    blocks = parse_markdown("上文  \n![圖](a.jpg)  \n下文")
    assert [block.text for block in blocks] == ["上文", "[圖片] 圖", "下文"]


def test_emphasis_inside_a_link() -> None:
    assert only("[**重要**新聞](http://a.cn)").runs == (
        Run("重要", "bold link"),
        Run("新聞", "link"),
        Run(" <http://a.cn>", "url"),
    )


def test_standalone_image_is_a_captioned_placeholder() -> None:
    assert only("![王岐山主持召開座談會](photo.jpg)") == Block("image", (Run("[圖片] 王岐山主持召開座談會", "image"),))


def test_image_caption_falls_back_to_title_then_nothing() -> None:
    assert only('![](photo.jpg "座談會現場")').text == "[圖片] 座談會現場"
    assert only("![](photo.jpg)").text == "[圖片]"


def test_image_inside_a_paragraph_splits_it() -> None:
    blocks = parse_markdown("會議現場：![座談會](a.jpg)新華社記者攝")
    assert blocks == [
        Block("paragraph", (Run("會議現場："),)),
        Block("image", (Run("[圖片] 座談會", "image"),)),
        Block("paragraph", (Run("新華社記者攝"),)),
    ]


def test_image_inside_a_list_item() -> None:
    blocks = parse_markdown("- 圖：![座談會](a.jpg)")
    assert [(block.kind, block.text) for block in blocks] == [("item", "圖："), ("image", "[圖片] 座談會")]


def test_image_inside_a_link() -> None:
    blocks = parse_markdown("[![座談會](a.jpg)](https://a.cn/)")
    assert [(block.kind, block.text) for block in blocks] == [
        ("image", "[圖片] 座談會"),
        ("paragraph", "<https://a.cn/>"),
    ]


def test_javascript_link_is_only_text() -> None:
    # markdown-it refuses the URL, so the source stays as plain text.
    assert only("[點我](javascript:alert(1))") == Block("paragraph", (Run("[點我](javascript:alert(1))"),))


# -- untrusted text -----------------------------------------------------------------


def test_raw_html_shows_its_text_never_its_tags_or_scripts() -> None:
    # A text-mode browser's view: the tags go, the words stay, scripts and styles are not words.
    assert only('<div onclick="x()">質量</div>').text == "質量"
    assert only("質量<script>alert(1)</script>是<b>基礎</b>").text == "質量是基礎"
    assert only("<div>\n<style>p { color: red }</style>\n<p>正文 &lt;b&gt; [red]x[/red]</p>\n</div>").text == (
        "正文 <b> [red]x[/red]"  # an entity is a character of text, never markup
    )
    assert only("a <天> b < c").text == "a <天> b < c"  # not tags: text as written


def test_raw_html_breaks_pictures_and_comments_read_as_the_site_shows_them() -> None:
    # hugoBasicExample's markdown-syntax page.
    assert only("> Don't communicate by sharing memory.<br>\n> — <cite>Rob Pike</cite>").text == (
        "Don't communicate by sharing memory.\n— Rob Pike"
    )
    assert only("H<sub>2</sub>O, <kbd>CTRL</kbd>+<kbd>ALT</kbd>, <!-- 備註 -->正文").text == "H2O, CTRL+ALT, 正文"
    blocks = parse_markdown('<p>第一段\n續</p><p>第二段</p><img src="a.jpg" alt="座談會 &amp; 現場">')
    assert [(b.kind, b.text) for b in blocks] == [
        ("paragraph", "第一段 續"),
        ("paragraph", "第二段"),
        ("image", "[圖片] 座談會 & 現場"),
    ]
    assert only('前言<img src="x.jpg" alt="圖說">後記').text == "前言[圖片] 圖說後記"


def test_markup_like_text_stays_text() -> None:
    text = "[@click=app.quit]x[/] [ @click=app.quit]y[/] [B]粗[/B] [red]紅[/red]"
    assert only(text).text == text


@pytest.mark.parametrize(
    "body",
    [
        "質量\x1b]52;c;SGVsbG8=\x07是基礎",  # OSC 52 clipboard
        "質量\x1b[2J是基礎",  # CSI
        "質量\x9b31m是基礎",  # C1 CSI
        "質量\u202e是基礎",  # bidi override
        "質量&#x202E;是基礎",  # ... also as an entity
        "質量&#27;[2J是基礎",  # ESC as an entity
    ],
)
def test_control_and_bidi_characters_are_removed(body: str) -> None:
    text = only(body).text
    assert not any(ord(char) < 32 or 0x7F <= ord(char) < 0xA0 or char == "\u202e" for char in text)
    assert text.startswith("質量") and text.endswith("是基礎")


def test_control_characters_are_removed_from_urls_code_and_captions() -> None:
    blocks = parse_markdown("[甲](http://a.cn/\u202e) `b\x1bc`\n\n```\nd\x1b[31me\n```\n\n![\x1b圖](x.png)")
    for block in blocks:
        assert "\x1b" not in block.text and "\u202e" not in block.text


def test_windows_line_endings() -> None:
    assert parse_markdown("甲\r\n\r\n乙\r\n") == [Block("paragraph", (Run("甲"),)), Block("paragraph", (Run("乙"),))]


# -- robustness -----------------------------------------------------------------------


@pytest.mark.parametrize("body", ["", "   ", "\n\n\n", "\x00\x1b", "#", "-", ">", "```", "***", "[", "!["])
def test_degenerate_bodies(body: str) -> None:
    for block in parse_markdown(body):
        assert isinstance(block, Block)


def test_garbage_never_raises() -> None:
    pieces = list("*_`[]()!<>#-+=~|\\&;:\n \t>1.") + ["質量", "WTO", "&#0;", "&#x1F600;", "\x1b", "\ud800"]
    rng = random.Random(27)
    for _ in range(2000):
        body = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 80)))
        for block in parse_markdown(body):
            assert isinstance(block, Block)


def test_text_said_to_hold_no_markup_reads_as_written() -> None:
    # Search snippets skip the Markdown parse where may_be_markup says no: it must never miss.
    pieces = [*"*_`[]()!<>#-+=~|\\&;:{}%$", "\n", " ", "\t", "1.", "1)", "質量", "质量", "WTO", "&amp;", "<!--more-->"]
    rng = random.Random(5)
    plain_ones = 0
    for _ in range(3000):
        body = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 12)))
        if not may_be_markup(body):
            plain_ones += 1
            assert plain_text(body) == " ".join(body.split()), repr(body)
    assert plain_ones > 100


def test_plain_text_is_what_the_reader_shows_without_markers() -> None:
    body = (
        "## 標題\n\n據**新華社**報道，[國務院](https://www.gov.cn/)召開*座談會*，~~舊~~新。\n\n"
        '{{< figure src="a.jpg" caption="會場" >}}\n\n| 甲 | 乙 |\n|---|---|\n| `質量` | 安全 |\n'
    )
    # plain_text reads a body as the index keeps it: its shortcodes expanded, once.
    assert (
        plain_text(expand_shortcodes(body)) == "標題 據新華社報道，國務院召開座談會，舊新。 [圖片] 會場 甲 乙 質量 安全"
    )
    escaped = expand_shortcodes('{{</* figure src="a.jpg" */>}}')
    assert plain_text(escaped) == '{{< figure src="a.jpg" >}}'  # as the reader shows it
    assert plain_text("年龄20~25岁，会期3~5天。") == "年龄20~25岁，会期3~5天。"


def test_deep_nesting_keeps_its_text() -> None:
    # markdown-it stops at its nesting limit; the words must still all be there.
    blocks = parse_markdown(">" * 5000 + " 質量是基礎")
    assert "質量是基礎" in "".join(block.text for block in blocks)
    nested = "".join("  " * depth + "- 第" + str(depth) + "層\n" for depth in range(100))
    assert "第99層" in "".join(block.text for block in parse_markdown(nested))


def test_huge_single_line_keeps_every_character() -> None:
    line = (SIMPLIFIED + "*强调* [链接](http://a.cn) ") * 20_000  # about 2.3 million characters
    blocks = parse_markdown(line)
    text = "".join(block.text for block in blocks)
    assert "质量是基础" in text and text.count("强调") == 20_000


def test_huge_markup_dense_body_is_still_parsed() -> None:
    blocks = parse_markdown("[" * 1_000_000)
    assert sum(len(block.text) for block in blocks) == 1_000_000


# -- static-site bodies: GFM, footnotes, math, the summary divider -------------------


def test_a_table_keeps_its_rows_cells_and_alignment() -> None:
    table = only("| 名稱 | 数量 |\n|:--|--:|\n| **質量** | 27 |\n| 安全 |  |\n")
    assert table.kind == "table" and table.aligns == ("left", "right")
    assert table.rows == (
        ((Run("名稱"),), (Run("数量"),)),
        ((Run("質量", "bold"),), (Run("27"),)),
        ((Run("安全"),), ()),
    )


def test_footnotes_are_numbered_in_order_of_reference_and_set_at_the_end() -> None:
    body = "質量是基礎[^a]，安全是底線[^b]。\n\n[^b]: 第二個註。\n[^a]: 第一个注，[見此](https://a.cn/)。\n\n正文繼續。"
    blocks = parse_markdown(body)
    assert blocks[0] == Block(
        "paragraph", (Run("質量是基礎"), Run("[1]", "note"), Run("，安全是底線"), Run("[2]", "note"), Run("。"))
    )
    assert [(b.kind, b.text) for b in blocks[1:]] == [
        ("paragraph", "正文繼續。"),
        ("rule", ""),
        ("note", "第一个注，見此 <https://a.cn/>。"),
        ("note", "第二個註。"),
    ]
    assert [b.marker for b in blocks[3:]] == ["[1] ", "[2] "]


def test_task_lists_show_their_boxes() -> None:
    assert [(b.marker, b.text) for b in parse_markdown("- [x] 已完成\n- [ ] 未完成\n1. [x] 第一步")] == [
        ("- [x] ", "已完成"),
        ("- [ ] ", "未完成"),
        ("1. [x] ", "第一步"),
    ]


@pytest.mark.parametrize("body", ["~~刪除線~~ 正文", "~~删除线~~ 正文"])
def test_strikethrough_with_two_tildes(body: str) -> None:
    assert only(body).runs == (Run(body[2:5], "strike"), Run(" 正文"))


@pytest.mark.parametrize(
    "body",
    [
        "年齡20~25歲的青年，會期3~5天。",
        "年龄20~25岁的青年，会期3~5天。",
        "氣溫~10度，~~",
        "~單個波浪號~不是刪除線",
    ],
)
def test_a_single_tilde_is_text_as_in_chinese_ranges(body: str) -> None:
    # Chinese writes ranges with one tilde (20~25歲); only ~~two~~ strike through.
    assert only(body).runs == (Run(body),)


def test_math_blocks_and_inline_math_are_set_as_code() -> None:
    blocks = parse_markdown(
        "質能方程 $E=mc^2$ 說明。\n\n$$\n\\int_0^1 x\\,dx = \\frac{1}{2}\n$$\n\n```math\na^2+b^2\n```"
    )
    assert blocks[0].runs[1] == Run("E=mc^2", "code")
    assert [(b.kind, b.text) for b in blocks[1:]] == [("math", "\\int_0^1 x\\,dx = \\frac{1}{2}"), ("math", "a^2+b^2")]


def test_github_alerts_are_labelled_quotes() -> None:
    assert parse_markdown("> [!WARNING]\n> 注意安全。") == [
        Block("quote", (Run("Warning", "bold"),), 1),
        Block("quote", (Run("注意安全。"),), 1),
    ]


@pytest.mark.parametrize(
    "body",
    [
        "這是摘要。\n<!--more-->\n---\n正文第一段。",
        "這是摘要。\n\n<!--more-->\n---\n正文第一段。",
        "這是摘要。\n\n<!-- more -->\n\n---\n\n正文第一段。",
    ],
)
def test_the_summary_divider_is_invisible_and_makes_no_heading(body: str) -> None:
    assert [(b.kind, b.text) for b in parse_markdown(body)] == [
        ("paragraph", "這是摘要。"),
        ("rule", ""),
        ("paragraph", "正文第一段。"),
    ]


def test_the_summary_divider_inside_a_paragraph_or_code_block() -> None:
    assert only("这是摘要。<!--more-->正文").text == "这是摘要。正文"
    assert only("```\n<!--more-->\n```").text == "<!--more-->"


def test_summary_before_more() -> None:
    assert summary_before_more("王岐山**指出**，\n質量是基礎。\n\n<!--more-->\n\n正文。") == "王岐山指出，質量是基礎。"
    assert summary_before_more("沒有分隔線的正文。") is None
    assert summary_before_more("```\n<!--more-->\n```\n\n正文。") is None  # in a code block it is code
    assert summary_before_more("> 引文\n\n<!--more-->") == "引文"


# -- hostile bodies: bounded cost ----------------------------------------------------------


@pytest.mark.parametrize(
    "body",
    [
        "[" * 300_000,  # took 24 s in `show` before the unclosable-bracket rule
        "![" * 150_000,
        "[^" * 150_000,
        "[" * 100_000 + "]",
        "{{<" * 100_000,
    ],
    ids=["brackets", "image-brackets", "footnote-brackets", "brackets-closed-once", "shortcode-openers"],
)
def test_hostile_bracket_and_shortcode_runs_keep_every_character(body: str) -> None:
    text = "".join(block.text for block in parse_markdown(body))
    assert len(text) >= len(body) - 1  # every bracket still shown


@pytest.mark.parametrize(
    "body",
    [
        "<div>\n" + "<a " * 100_000,  # html.parser took 8.7 s for 8,000 of these (quadratic)
        "<div>\n" + "<!--" * 100_000,
        "<div>\n<!--" + "x" * 500_000,
        "<div>\n" + "<script>" * 50_000 + "字",
        "<div>\n<img " + "alt=" * 100_000 + ">",
        "字<b>" * 50_000,
        "<div>\n<" + "a" * 100_000,  # a tag name with no end: 33 s at 40,000 when name and rest backtracked
        "<div>\n" + "<script>" * 100_000 + "</style>" * 100_000,  # a stray close scanned every open one
        "字 " + "<svg>" * 50_000 + "</style>" * 50_000,  # the same, inline
    ],
    ids=[
        "unclosed-tags",
        "comment-openers",
        "unclosed-comment",
        "scripts",
        "attributes",
        "inline-tags",
        "endless-tag-name",
        "stray-closing-tags",
        "stray-closing-tags-inline",
    ],
)
def test_hostile_raw_html_is_read_in_one_pass(body: str) -> None:
    blocks = parse_markdown(body)
    assert all("<script" not in block.text and "<!--" not in block.text for block in blocks)


def test_the_text_after_a_line_break_is_found_without_copying_the_rest_of_the_paragraph() -> None:
    """A paragraph of 200,000 short lines took 26 s: each break copied every token after it."""
    from tui.core.document import _next_text

    class NoCopies(list):
        def __getitem__(self, index):
            assert not isinstance(index, slice), "copied the tokens after a break"
            return super().__getitem__(index)

    tokens = _MD.parse("甲\n乙\n丙")[1].children
    assert [token.type for token in tokens] == ["text", "softbreak", "text", "softbreak", "text"]
    assert _next_text(NoCopies(tokens), 2) == "乙"


def test_pictures_captions_come_from_alt_or_title_only_and_buttons_show_their_words() -> None:
    blocks = parse_markdown('<div><img data-title="junk" src="a.png"><button>提交</button> <img alt="圖說"></div>')
    assert [(b.kind, b.text) for b in blocks] == [("image", "[圖片]"), ("paragraph", "提交"), ("image", "[圖片] 圖說")]


def test_many_summary_dividers_all_vanish() -> None:
    assert parse_markdown("<!--more-->" * 20_000 + "正文") == [Block("paragraph", (Run("正文"),))]


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("[質檢總局](https://a.cn/) 然後 [ 未閉合", "質檢總局 <https://a.cn/> 然後 [ 未閉合"),
        ("[[[ [質檢](https://a.cn/)", "[[[ 質檢 <https://a.cn/>"),
        ("![圖 [ 說明", "![圖 [ 說明"),
        ("[甲 [乙](https://a.cn/) 丙]", "[甲 乙 <https://a.cn/> 丙]"),
        ("正文[^1] 與 [^\n\n[^1]: 註。", "正文[1] 與 [^"),
    ],
)
def test_brackets_that_can_close_still_make_links(body: str, expected: str) -> None:
    assert parse_markdown(body)[0].text == expected


def test_a_paragraph_of_thousands_of_brackets_shows_them_as_text() -> None:
    body = "[" * 299_999 + "]"  # every `[` has a `]` after it: 8 s before the bracket cap
    assert only(body) == Block("paragraph", (Run(body),))
    links = "".join(f"[第{n}條](https://a.cn/{n}) " for n in range(200))  # a real, link-heavy paragraph
    assert only(links).text.count("<https://a.cn/") == 200
