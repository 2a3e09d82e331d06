"""Hugo and Zola shortcodes render as what they stand for; nothing raw reaches the reader."""

from __future__ import annotations

import pytest

from tui.core.document import Block, Run, article_reference, find_links, parse_markdown
from tui.core.shortcodes import KNOWN_SHORTCODES, expand_shortcodes, unknown_shortcodes


def shown(body: str) -> list[tuple[str, str]]:
    return [(block.kind, block.text) for block in parse_markdown(body)]


def test_figure_is_a_captioned_picture_placeholder():
    body = '前言。\n\n{{< figure src="/img/meeting.jpg" caption="質量工作座談會現場" alt="座談會" >}}\n\n正文。'
    assert shown(body) == [("paragraph", "前言。"), ("image", "[圖片] 質量工作座談會現場"), ("paragraph", "正文。")]
    assert shown('{{< figure src="a.jpg" title="会议现场 [新华社]" >}}') == [("image", "[圖片] 会议现场 [新华社]")]
    assert shown('{{< figure src="a.jpg" >}}') == [("image", "[圖片]")]


def test_ref_and_relref_are_links_to_the_article():
    body = '見[質檢總局的方案]({{< ref "/activities/aqsiq-plan.md" >}})與{{< relref "wang.md#section" >}}。'
    block = parse_markdown(body)[0]
    assert block.text == "見質檢總局的方案 <@/activities/aqsiq-plan.md>與wang.md#section <@/wang.md#section>。"
    assert find_links(body) == [
        ("質檢總局的方案", "@/activities/aqsiq-plan.md"),
        ("wang.md#section", "@/wang.md#section"),
    ]


@pytest.mark.parametrize(
    ("href", "current", "expected"),
    [
        ("@/activities/aqsiq-plan.md", "", "activities/aqsiq-plan"),
        ("@/post/x/index.md", "", "post/x"),
        ("@/blog/_index.md#top", "", "blog"),
        ("/news/wang/", "", "news/wang"),
        ("other.md", "news/wang", "news/other"),
        ("../meetings/wang.md", "news/sub/a", "news/meetings/wang"),
        ("https://a.cn/x.md", "news/a", None),
        ("mailto:a@b.cn", "", None),
        ("#section", "", None),
        ("//a.cn/x", "", None),
        ("picture.jpg", "news/a", None),
    ],
)
def test_article_reference(href, current, expected):
    assert article_reference(href, current) == expected


def test_highlight_is_a_code_block_whose_content_is_kept_as_written():
    body = '{{< highlight go "linenos=table" >}}\nfmt.Println("質量{{ .Title }}")\n{{< /highlight >}}'
    assert parse_markdown(body) == [Block("code", (Run('fmt.Println("質量{{ .Title }}")', "code"),))]


@pytest.mark.parametrize("language", ['" "', '""', 'lang=" "', "lang=''"])
def test_a_blank_language_is_no_language(language):
    # `" ".split()[0]` raised IndexError: one such article stopped every lookup (found by review).
    body = f"{{{{< highlight {language} >}}}}\n質量\n{{{{< /highlight >}}}}"
    assert expand_shortcodes(body).strip("\n").startswith("```\n")  # a fence with no language
    assert parse_markdown(body) == [Block("code", (Run("質量", "code"),))]


@pytest.mark.parametrize(
    ("body", "label"),
    [
        ('{{% notice tip "小貼士" %}}\n這是**提示**。\n{{% /notice %}}', "小貼士"),
        ("{{< hint warning >}}\n這是提示。\n{{< /hint >}}", "Warning"),
        ('{{< admonition type="note" title="注意" >}}\n這是提示。\n{{< /admonition >}}', "注意"),
        ('{{< details summary="詳情" >}}\n這是提示。\n{{< /details >}}', "詳情"),
        ('{{% alert title="警告" color="warning" %}}\n這是提示。\n{{% /alert %}}', "警告"),
        ('{{ note(body="這是提示。") }}', "Note"),
        ('{% note(title="注意") %}\n這是提示。\n{% end %}', "注意"),
    ],
)
def test_notices_are_labelled_quotes(body, label):
    blocks = parse_markdown(body)
    assert blocks[0] == Block("quote", (Run(label, "bold"),), 1)
    assert blocks[1].kind == "quote" and blocks[1].text.startswith("這是")


def test_a_notice_inside_a_list_item_stays_in_the_item():
    body = "- 第一項\n\n  {{% notice info %}}\n  說明文字。\n  {{% /notice %}}\n- 第二項"
    assert [b.kind for b in parse_markdown(body)] == ["item", "quote", "quote", "item"]


def test_math_shortcodes_are_math_blocks():
    assert shown("{{< katex >}}\nE = mc^2\n{{< /katex >}}") == [("math", "E = mc^2")]
    assert shown("{% katex(block=true) %}\n\\sum_i x_i\n{% end %}") == [("math", "\\sum_i x_i")]
    assert parse_markdown("質能 {{< katex >}}E=mc^2{{< /katex >}} 方程")[0].runs[1] == Run("E=mc^2", "code")


def test_other_shortcodes_leave_their_inner_content_only():
    body = (
        '{{< tabs >}}\n{{< tab "甲" >}}內容甲{{< /tab >}}\n{{< /tabs >}}\n\n'
        "{{< youtube w7Ft2ymGmfc >}}\n\n{{< mywidget a=1 />}}正文{{% 自訂 %}}"
    )
    assert shown(body) == [
        ("paragraph", "內容甲"),
        ("paragraph", "[影片] YouTube <https://www.youtube.com/watch?v=w7Ft2ymGmfc>"),  # see below
        ("paragraph", "正文"),
    ]
    assert shown("{{% comment %}}編者按：不要發表{{% /comment %}}正文") == [("paragraph", "正文")]


@pytest.mark.parametrize(
    ("body", "text", "href"),
    [
        ("{{< youtube w7Ft2ymGmfc >}}", "[影片] YouTube", "https://www.youtube.com/watch?v=w7Ft2ymGmfc"),
        ('{{< youtube id="w7Ft2ymGmfc" title="質量工作 座談會" >}}', "[影片] YouTube 質量工作 座談會", None),
        ('{{ youtube(id="dQw4w9WgXcQ") }}', "[影片] YouTube", "https://www.youtube.com/watch?v=dQw4w9WgXcQ"),
        ("{{< vimeo 146022717 >}}", "[影片] Vimeo", "https://vimeo.com/146022717"),
        ("{{< bilibili BV1xx411c7mD >}}", "[影片] bilibili", "https://www.bilibili.com/video/BV1xx411c7mD"),
        ("{{< gist spf13 7896402 >}}", "[程式碼] GitHub Gist", "https://gist.github.com/spf13/7896402"),
        ('{{< x user="SanDiegoZoo" id="1453110110599868418" >}}', "[貼文] X", None),
        ("{{< tweet 877500564405444608 >}}", "[貼文] X", "https://x.com/i/status/877500564405444608"),
        ("{{< instagram BWNjjyYFxVx >}}", "[貼文] Instagram", "https://www.instagram.com/p/BWNjjyYFxVx/"),
        ('{{< video src="https://example.com/v.mp4" >}}', "[影片]", "https://example.com/v.mp4"),
        ('{{< audio src="/local/interview.mp3" >}}', "[音訊]", ""),  # no address to go to: no link
        ('{{< youtube "x)[y](javascript:alert(1)" >}}', "[影片] YouTube", ""),  # not an id: never a link
        ('{{< video src="javascript:alert(1)" >}}', "[影片]", ""),
    ],
)
def test_embeds_are_placeholders_linking_to_where_they_play(body, text, href):
    """A terminal cannot play a video: the reader says what is there and `L` lists where it plays."""
    (block,) = parse_markdown("前言\n\n" + body)[1:]
    assert block.text.split(" <")[0] == text
    assert "{{" not in block.text and "javascript" not in block.text
    links = find_links(body)
    if href == "":
        assert links == []
    elif href is not None:
        assert links == [(text, href)]
    else:
        assert len(links) == 1 and links[0][1].startswith("https://")


def test_escaped_shortcodes_show_as_the_generators_print_them():
    body = '```\n{{</* figure src="a.jpg" */>}}\n{{%/* notice */%}}\n{{/* note() */}}\n{%/* note() */%}\n```'
    assert shown(body) == [("code", '{{< figure src="a.jpg" >}}\n{{% notice %}}\n{{ note() }}\n{% note() %}')]


def test_an_escape_spanning_a_shortcode_and_its_closing_tag():
    body = "```\n{{</* katex display=true >}}\nf(x) = x^2\n{{< /katex */>}}\n```"
    assert shown(body) == [("code", "{{< katex display=true >}}\nf(x) = x^2\n{{< /katex >}}")]


def test_template_code_in_fences_and_text_that_is_no_shortcode_stay():
    body = "```\n{{ len(x) }} {% if x %}\n{{< figure >}}\n```\n\n價格{{ 十元 }}與{%百分比%}"
    assert shown(body) == [
        ("code", "{{ len(x) }} {% if x %}\n{{< figure >}}"),
        ("paragraph", "價格{{ 十元 }}與{%百分比%}"),
    ]


def test_unknown_shortcodes_are_listed_once_sorted():
    body = "{{< mywidget >}}{{% callout %}}x{{% /callout %}}{{< mywidget >}}{{ chart(x=1) }}{{</* escaped */>}}"
    assert unknown_shortcodes(body) == ["chart", "mywidget"]
    assert unknown_shortcodes("沒有短代碼的正文。") == []
    assert {"figure", "ref", "relref", "highlight", "notice", "details"} <= KNOWN_SHORTCODES


def test_deep_or_unbalanced_shortcodes_keep_their_text():
    nested = "{{% note %}}\n" * 50 + "最深處\n" + "{{% /note %}}\n" * 50
    assert "最深處" in "".join(b.text for b in parse_markdown(nested))
    assert expand_shortcodes("{{< /tab >}}甲{{< tab >}}乙") == "甲乙"
    assert expand_shortcodes("{{< x " + "a" * 5000 + " >}}") == "{{< x " + "a" * 5000 + " >}}"  # too long to be a tag


def test_a_ref_in_a_reference_definition_is_its_destination():
    body = '見[方案][1]。\n\n[1]: {{< ref "/activities/plan.md" >}}'
    assert find_links(body) == [("方案", "@/activities/plan.md")]


def test_many_tags_on_one_line_are_each_found():
    body = '{{< figure caption="圖" >}}' * 2_000
    assert expand_shortcodes(body).count("![圖](figure)") == 2_000


def test_the_summary_divider_gives_the_articles_summary(tmp_path):
    from tests.conftest import write_article
    from tui.core.loader import load_file

    body = "王岐山**指出**，質量是基礎。\n<!--more-->\n---\n正文第一段。"
    path = write_article(tmp_path, "news/a.md", title="標題", body=body)
    article, _ = load_file(tmp_path, path)
    assert article.summary == "王岐山指出，質量是基礎。"
    path = write_article(tmp_path, "news/b.md", title="標題", body=body, summary='"編者的摘要"')
    assert load_file(tmp_path, path)[0].summary == "編者的摘要"  # the front matter's own wins
    path = write_article(tmp_path, "news/d.md", title="標題", body=body, description='"網頁描述"')
    assert load_file(tmp_path, path)[0].summary == "網頁描述"  # and so does a description
    path = write_article(tmp_path, "news/c.md", title="標題", body="沒有分隔線。")
    assert load_file(tmp_path, path)[0].summary == ""
