"""`plain_markdown` reads the simplest Markdown without markdown-it (tui/core/markup_hint.py):
exactly what `tui.core.document.plain_text` gives, or None to leave it to markdown-it."""

from __future__ import annotations

import random

import pytest

from tests.conftest import ROOT
from tui.core.blocks import Block, Run
from tui.core.document import parse_markdown, plain_text
from tui.core.frontmatter import parse
from tui.core.markup_hint import plain_markdown, simple_blocks
from tui.core.shortcodes import expand_shortcodes
from tui.core.text import clean

# Emphasis, headings, CJK and Latin text and punctuation, line breaks: what it reads itself.
READ_HERE = ["中", "文", "質", "量", "a", "b", " ", "\n", "*", "**", "_", "__", "，", "。", "“", "”", "!", "(", ")"]
READ_HERE += ["# ", "## ", "#", "x#", " #", "\n\n", "  ", "2024", "年", "'", '"', "%", "^", "{", "}", ".", ",", "、"]
READ_HERE += [":", "###### ", "####### ", "é", "😀", "ﾊ", "Ａ", "《", "》", "…", "—", "·", "?", ";", "/"]
# And what it must leave to markdown-it.
REFUSED = [
    "`",
    "[",
    "]",
    "<",
    ">",
    "&",
    "\\",
    "~",
    "$",
    "|",
    "http:",
    "a:",
    "@",
    "www.",
    "\t",
    "\u3000",
    "\u00a0",
    "-",
    "+",
]
REFUSED += ["=", "1.", "1)", "* ", "***", " \n", "    ", "\n- ", "\n> ", "\n---", "\n===", "&amp;", "<!--more-->"]


@pytest.mark.parametrize("seed", range(4))
def test_it_reads_what_markdown_it_reads_or_leaves_it(seed):
    rng = random.Random(seed)
    read = 0
    for _ in range(5000):
        pieces = READ_HERE if rng.random() < 0.8 else READ_HERE + REFUSED
        text = "".join(rng.choice(pieces) for _ in range(rng.randint(1, 40)))
        plain = plain_markdown(text)
        if plain is not None:
            read += 1
            assert plain == plain_text(text), repr(text)
            assert simple_blocks(text) == parse_markdown(text, shortcodes=False), repr(text)
    assert read > 3000  # it reads most such text itself


def test_the_sample_newsroom_reads_the_same():
    read = 0
    for path in sorted((ROOT / "content").rglob("*.md")):
        body = parse(path.read_text("utf-8")).body
        blocks = simple_blocks(expand_shortcodes(clean(body)))  # as `newsroom show` reads it
        assert blocks is not None and blocks == parse_markdown(body), path.name
        paragraphs = body.split("\n\n")
        for start in range(len(paragraphs)):
            excerpt = "\n\n".join(paragraphs[start : start + 3])
            plain = plain_markdown(excerpt)
            if plain is not None:
                read += 1
                assert plain == plain_text(excerpt), repr(excerpt)
    assert read >= 5  # (it reads most of it: the rest has links or full-width spaces)


@pytest.mark.parametrize(
    ("text", "plain"),
    [
        ("## 標題\n\n正文", "標題 正文"),
        ("## 標題 ##", "標題"),
        ("##  標題  #x", "標題 #x"),
        ("#標題", "#標題"),  # no space: no heading
        ("####### 七", "####### 七"),  # seven: no heading
        ("# ", ""),
        ("正文\n## 標題\n續", "正文 標題 續"),  # a heading interrupts a paragraph
        ("中文\n中文", "中文中文"),  # a line break between hanzi shows as nothing
        ("中文\nabc", "中文 abc"),
        ("**中**\n文", "中文"),  # looking past the markers
        ("**不足工作发展**政府", "不足工作发展政府"),
        ("a**b**c", "abc"),
        ("a__b__c", "a__b__c"),  # `_` does not split a word
        ("中__文__", "中__文__"),
        ("** 中**", "** 中**"),  # a space after the opener
        ("***三***", "三"),
        ("**“引用”**後", "**“引用”**後"),  # CommonMark's flanking rule, as markdown-it has it
        ("*a **b** c*", "a b c"),
        ("**a*", "*a"),
        ("*中*文*", "中文*"),
        ("目標:不斷", "目標:不斷"),  # a colon after no scheme: no link
    ],
)
def test_cases(text, plain):
    assert plain_markdown(text) == plain == plain_text(text)


def test_blocks_carry_the_styles_and_levels():
    text = "## 標題 *斜*\n\n據**新華社**報道，***兩者***。\n第二行"
    assert (
        simple_blocks(text)
        == parse_markdown(text)
        == [
            Block("heading", (Run("標題 "), Run("斜", "italic")), 2),
            Block(
                "paragraph",
                (Run("據"), Run("新華社", "bold"), Run("報道，"), Run("兩者", "bold italic"), Run("。第二行")),
            ),
        ]
    )


@pytest.mark.parametrize(
    "text",
    [
        "[連結](https://example.com)",
        "`代碼`",
        "<b>粗</b>",
        "&amp;",
        "\\*轉義",
        "~~刪~~",
        "$x$",
        "| 甲 | 乙 |",
        "見 www.gov.cn",
        "https://gov.cn",
        "見 HTTP://gov.cn",
        "mailto:a",
        "a@b.cn",
        "- 項目",
        "* 項目",
        "1. 項目",
        "> 引用",
        "標題\n===",
        "標題\n---",
        "***",
        "_ _ _",
        "    代碼",
        "行尾  \n硬換行",
        "\t縮進",
        "\u3000\u3000段落",
    ],
)
def test_what_it_leaves_to_markdown_it(text):
    assert plain_markdown(text) is None


@pytest.mark.parametrize(
    "text",
    [
        "*" * 197 + "a" + "*" * 197,  # emphasis 99 deep: document.py shows it as written (review)
        "*a " * 99 + "b" + " a*" * 99,
        "*a*" + "x" * 300_000,  # past INLINE_BUDGET, document.py leaves text unparsed (review)
        "x" * 300_000 + "\n\n*a*",
    ],
    ids=["deep-run", "deep-words", "long-before", "long-after"],
)
def test_what_markdown_it_shows_as_written_is_left_to_it(text):
    assert plain_markdown(text) is None
    assert "*" in plain_text(text)


def test_its_limits_stay_below_the_documents():
    from tui.core import document, markup_hint

    assert markup_hint._MAX_LENGTH < document.INLINE_BUDGET
    assert markup_hint._MAX_PAIRS < int(document._MD.options["maxNesting"]) - 1  # (a pair nests one level at most)
    deep = "*a " * markup_hint._MAX_PAIRS + "b" + " a*" * markup_hint._MAX_PAIRS
    assert plain_markdown(deep) == plain_text(deep)  # the deepest it reads, read right


def test_many_line_breaks_read_the_same():
    # (Each break used to look at every token after it: quadratic, found by review.)
    text = "中\n文\na\nb*\n" * 2000  # (18,000 characters: under _MAX_LENGTH)
    assert plain_markdown(text) == plain_text(text)
