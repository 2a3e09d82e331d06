"""html_text.visible_text: a body as the search index keeps it, without what the reader hides."""

from __future__ import annotations

import sys

import pytest

from tui.core.document import plain_text
from tui.core.html_text import visible_text


def words(text: str) -> str:
    return " ".join(text.split())


def test_comments_scripts_styles_and_tags_are_not_text() -> None:
    assert visible_text("正文<!-- 秘密備註 -->內容") == "正文內容"
    assert words(visible_text('<script>var 追蹤碼 = "twitter";</script>可見')) == "可見"
    assert words(visible_text("<STYLE>p { color: red }</STYLE><Script src=x.js></Script>可見")) == "可見"
    assert words(visible_text('<div class="wrapper" data-x="隱藏">可見文字</div>')) == "可見文字"
    assert words(visible_text("<svg><text>圖中字</text></svg><template><p>樣板</p></template>留下")) == "留下"


def test_a_tags_text_joins_its_neighbours_as_the_reader_shows_it() -> None:
    # 質<b>量</b> reads 質量: a search for 質量 must find it, one for 質 量 apart must not be needed.
    assert visible_text("質<b>量</b>是<em>基礎</em>") == "質量是基礎"
    assert visible_text("H<sub>2</sub>O") == "H2O"
    assert visible_text("甲<br>乙<br/>丙") == "甲\n乙\n丙"
    assert words(visible_text("<p>第一段</p><p>第二段</p>")) == "第一段 第二段"


def test_a_picture_is_its_caption() -> None:
    text = visible_text('圖：<img src="photos/meeting.jpg" alt="座談會現場">')
    assert "座談會現場" in text and "meeting" not in text and "jpg" not in text


@pytest.mark.parametrize(
    "text",
    [
        "見 <https://example.com/質量> 與 <mailto:desk@example.com>",  # autolinks: the reader shows them
        "a <天> b < c > d",  # not tags
        "x <b",  # never closed
        "1 <2 and 3> 0",
        "沒有標記的正文，**粗體**與[連結](https://example.com)。",  # Markdown is left as it is
    ],
)
def test_what_opens_no_tag_is_text(text: str) -> None:
    assert visible_text(text) == text


def test_what_is_never_closed_hides_nothing() -> None:
    # The reader hides an unclosed <script> to its paragraph's end at most, and shows an unclosed
    # `<!--` as text: the index never hides more, so a word after it is still found.
    assert visible_text("甲<!-- 乙\n\n丙") == "甲<!-- 乙\n\n丙"
    assert visible_text("甲<script>乙\n\n丙") == "甲乙\n\n丙"
    assert visible_text('<iframe src="x">\n\n第二段') == "\n\n第二段"
    assert visible_text("甲<script/>乙") == "甲乙"  # a self-closed script hides nothing


@pytest.mark.parametrize(
    "text",
    [
        "用 `<script>` 載入，`<!--` 開頭。\n\n第二段重要詞。",  # code spans are text
        "```html\n<head><script>var 重要詞;</script>\n<!-- 註 -->\n```\n\n第二段重要詞。",  # and fenced code
        "如果 x<y 且 y>z 成立，鍵 <F 鍵> 按下",  # no attributes parse: no tags
    ],
)
def test_code_and_what_is_no_tag_to_commonmark_are_text(text: str) -> None:
    assert visible_text(text) == text


def test_an_escaped_tag_is_text() -> None:
    assert visible_text("寫 \\<head> 標籤，\\<!-- 也是 -->。") == "寫 \\<head> 標籤，\\<!-- 也是 -->。"


@pytest.mark.parametrize(
    "body",
    [
        "這是摘要。<!--more-->正文",
        '質量<script>alert(1)</script>是<b>基礎</b>，<span class="x">安全</span>。',
        "<div>\n<p>第一段 續</p>\n<style>p { color: red }</style>\n<p>第二段</p>\n</div>",
        "H<sub>2</sub>O, <kbd>CTRL</kbd>+<kbd>ALT</kbd>, <!-- 備註 -->正文",
        "段落一\n\n<!-- 整段註解\n跨行 -->\n\n段落二",
    ],
)
def test_the_words_are_the_readers(body: str) -> None:
    # Without Markdown markers the index keeps exactly the words the reader shows.
    assert words(visible_text(body)) == plain_text(body)


def test_a_hostile_body_is_read_in_one_pass() -> None:
    # Tags never closed, by the ten thousand: each `<` is looked at once, and none is a tag.
    body = "<a " * 20_000 + "質量" + "<script" * 20_000 + "</b" * 20_000
    assert visible_text(body) == body
    assert visible_text("甲" + "<!--" * 20_000) == "甲" + "<!--" * 20_000
    assert visible_text("<script>" * 20_000 + "質量") == "質量"  # never closed: hides nothing
    spans = "".join("`" * length + "x" for length in range(1, 400))  # code spans that never close
    assert visible_text(spans + "<b>質量</b>") == spans + "質量"


def test_an_unclosed_quoted_value_is_no_attribute_list_on_any_python():
    """Python 3.11.2 (Debian 12's) matched this with the possessive pattern (gh-106052), so
    search hid a tag CommonMark shows as text; found by running the tests on it."""
    from tui.core import html_text

    for text in ('\t_:b ca="', ' a b="', " a=b c='x"):
        assert html_text._ATTRIBUTES.fullmatch(text) is None


@pytest.mark.skipif(sys.version_info < (3, 11, 5), reason="the possessive pattern, the oracle, is right from 3.11.5")
def test_the_attribute_pattern_python_3_10_uses_accepts_what_the_possessive_one_does():
    """3.10 has no possessive quantifiers (the whole module failed to import there): it uses
    the same pattern without them, which must read every attribute list alike."""
    import random
    import re

    from tui.core import html_text

    possessive = re.compile(html_text.POSSESSIVE_ATTRIBUTES)
    plain = re.compile(html_text.PLAIN_ATTRIBUTES)
    assert "++" in html_text.POSSESSIVE_ATTRIBUTES and "++" not in plain.pattern and "*+" not in plain.pattern
    pieces = [" ", "\t", "\n", "a", "x-1", "_:", "=", "'", '"', "b c", "/", "`", "<", "9", "é", "質量"]
    chosen = random.Random(12)
    for _ in range(20_000):
        text = "".join(chosen.choice(pieces) for _ in range(chosen.randrange(12)))
        assert (possessive.fullmatch(text) is None) == (plain.fullmatch(text) is None), repr(text)
    for text in (" src=\"a.png\" alt='圖'", " a=b/", " a = 'x' /", "a", ' a="', " =b", " a b=c d"):
        assert (possessive.fullmatch(text) is None) == (plain.fullmatch(text) is None), repr(text)


# -- character references (shown_references) ------------------------------------------------


def test_references_are_the_characters_the_reader_shows() -> None:
    from tui.core.html_text import shown_references

    assert shown_references("AT&amp;T 與 &#36074;&#x91CF;") == "AT\\&T 與 質量"  # found as AT&T and 質量
    assert shown_references("&lt;b&gt;粗&lt;/b&gt;") == "\\<b\\>粗\\</b\\>"  # text, as the reader shows it
    assert shown_references("&#42;不斜&#42; &#35; 不是標題") == "\\*不斜\\* \\# 不是標題"
    assert shown_references("x&nbsp;&mdash;&#0;&#128;&#xD800;") == "x\xa0—\ufffd\ufffd\ufffd"  # markdown-it's rules
    for written in (
        "`&amp;` 與 ```\n&amp;\n```",  # code
        "<https://example.com/?a=1&amp;b=2> https://example.com/?a&amp;b www.example.com/&amp;",
        "    &amp; (indented: code)\n- item\n\n      &amp;",
        "$a &amp; b$ 與 $$\n&amp;\n$$",  # math
        "\\&amp; 與 &copy2024 與 &bogus; 與 &amp",  # escaped, no `;`, no such name
        "&#9;> 不是引用 &#10;# 不是標題 &#32;&#32;&#32;&#32;x &#x60;",  # white space and backticks
        "**&amp;** _&#36074;_ ~~&lt;~~",  # beside emphasis: pairs as written
        "新聞標題 &#124; 新華網\n---",  # an escaped pipe would make the heading a table
        "<&#115;cript>alert(1)</&#115;cript> 後文",  # decoded, a tag: the reader shows it all
        "$$\n\n\t$$&#1;",  # math ends at a blank line: the indented line is code
        "&nbsp;行首 與 a\\\n  &nbsp;b",  # white space where a line's indent ends: stripped
        "&#x202E;字 &#x200B;零寬 &zwj; -&lrm; &#xFEFF;) &#xE0041;",  # what clean() takes out, not between letters
    ):
        assert shown_references(written) == written, written
    assert shown_references("\\\\&amp;") == "\\\\\\&"  # an escaped backslash escapes nothing
    assert (
        shown_references("質&#8203;量 反&#x202E;轉 AT&zwj;T") == "質量 反轉 ATT"
    )  # invisible, as the reader's clean()
    # Hostile: a run of backslashes is looked at once, not from each of them (6.6 s for 40,000).
    assert shown_references("\\" * 200_000 + "x&amp;") == "\\" * 200_000 + "x\\&"


def test_references_decoded_read_as_the_same_markdown() -> None:
    """Random bodies of references, markup and CJK text: what the reader shows of the decoded
    body is what it shows of the written one, and most of them had something decoded."""
    import random

    from tui.core.html_text import shown_references

    pieces = (
        "&amp;", "&lt;", "&gt;", "&#42;", "&#x5f;", "&#10;", "&#0;", "&#128;", "&nbsp;", "&quot;", "&copy", "&bogus;",
        "&#35;", "&#x60;", "&#91;", "&#36074;", "&#x91CF;", "\\", "&#124;", "&#8203;", "&#x202E;", "<&#115;",
        "*", "_", "**", "[", "](http://a?b&amp;c)",
        "<http://x&amp;y>", "www.a.com?x&amp;y", "<b>", "</b>", "\n", "\n\n", "    ", "# ", "- ", "1. ", "質量", "安全",
        "AT", "T", " ", "~~", "$", "|", "!", "(", ")", "&", ";", "#",
    )  # fmt: skip
    rng = random.Random(12)
    decoded = 0
    for _ in range(3000):
        body = visible_text("".join(rng.choice(pieces) for _ in range(rng.randint(1, 20))))
        shown = shown_references(body)
        decoded += shown != body
        assert plain_text(shown) == plain_text(body), body
    assert decoded > 2000
