"""`newsroom import`: scraped pages, in any of their encodings or as HTML, into content files."""

from __future__ import annotations

import argparse
import datetime as dt
import html
import io
from pathlib import Path

import opencc
import pytest
from rich.console import Console

from tests.conftest import SAMPLE_CONFIG, SEED_PAGE
from tui.chinese.artifacts import repair_romanization
from tui.commands import importer
from tui.commands.importer import Draft, decode_page, import_page, render, slug_stem
from tui.core.loader import load_file, read_file

ROOT = Path(__file__).resolve().parents[2]
SEED_NAME = "000_f59391d5d2b02854.txt"
SAMPLE = ROOT / "content"
# The seed's articles, in page order, and the sample newsroom's edited versions of them.
SAMPLE_FILES = (
    "meetings/wang-qishan-quality-forum.md",
    "activities/aqsiq-quality-mechanism-plan.md",
    "statements/wei-chuanzhong-quality-mechanism.md",
)
# The seed lost "。可" to a bad decoding ("??梢哉f"); the sample's editor restored it
# by hand. The importer only reports it, so the import keeps the damage.
RESTORED, DAMAGED = "。可以說", "??梢哉f"


def seed_bytes() -> bytes:
    """The scraped seed page (a fixture copy of the page the sample came from)."""
    return SEED_PAGE.read_bytes()


def seed_text() -> str:
    return seed_bytes().decode("utf-8")


def expected_articles() -> list[dict]:
    """What the import must give, read from the sample newsroom's files."""
    records = []
    for rel in SAMPLE_FILES:
        _, parsed = read_file(SAMPLE / rel)
        front = parsed.front
        records.append(
            {
                "title": front["title"],
                "subtitle": front.get("subtitle", ""),
                "caption": front.get("caption", ""),
                "byline": front.get("byline", ""),
                "date": front.get("date"),
                "paragraphs": [p.strip().replace(RESTORED, DAMAGED) for p in parsed.body.split("\n\n") if p.strip()],
            }
        )
    return records


def as_record(draft: Draft) -> dict:
    return {
        "title": draft.title,
        "subtitle": draft.subtitle,
        "caption": draft.caption,
        "byline": draft.byline,
        "date": draft.date,
        "paragraphs": draft.paragraphs,
    }


def seed_as_html(text: str) -> str:
    """The seed page as a news site would serve it."""
    lines = [html.escape(line, quote=False) for line in text.split("\n")]
    first_body = lines[5][:40] + "\n    " + lines[5][40:]  # a paragraph broken across source lines
    paragraphs = "".join(f"<p>{line}</p>\n" for line in [first_body, *lines[6:10]])
    return (
        '<!DOCTYPE html>\n<html><head><meta charset="utf-8"><title>質量新聞 - 首頁</title>\n'
        "<style>p { color: red }</style>\n<script>var teaser = '<h1>不是標題</h1>';</script>\n</head>\n<body>\n"
        f'<nav><a href="/">最新</a>|<a href="/a">活動</a></nav>\n'
        f"<h1>{lines[0]}</h1>\n<h2>{lines[1]}</h2>\n<h2>{lines[2]}</h2>\n"
        f'<figure><img src="wang.jpg" alt="王岐山"><figcaption>{lines[4]}</figcaption></figure>\n'
        f"{paragraphs}"
        f'<div class="menu">{lines[11]}</div>\n'
        f"<h2>{lines[13]}</h2>\n<p>{lines[14].replace('“', '&ldquo;')}</p>\n<p>{lines[15]}</p>\n"
        f'<p>{lines[16].replace(" &gt;&gt;&gt;詳細閱讀", "")} <a href="/more/2">&gt;&gt;&gt;詳細閱讀</a></p>\n'
        f"<h2>{lines[17]}</h2>\n"
        + "".join(f"<p>{line}</p>\n" for line in lines[18:21])
        + "<footer><script>track()</script></footer>\n</body></html>\n"
    )


# --- the seed page ---------------------------------------------------------------------


def test_the_seed_page_imports_into_the_sample_newsrooms_three_articles():
    result = import_page(seed_bytes(), "seed.txt", year=2010)
    assert result.encoding == "UTF-8"
    assert result.repairs == 77
    assert [as_record(d) for d in result.articles] == expected_articles()
    assert [(p.line, p.severity) for p in result.problems] == [(8, "warning")]
    assert DAMAGED in result.problems[0].message


def test_without_a_year_month_day_dates_are_left_out_and_noted():
    result = import_page(seed_bytes(), "seed.txt")
    assert [d.date for d in result.articles] == [None, None, None]
    assert [(n.line, n.message.split(" ")[0]) for n in result.notes] == [(1, "9月27日"), (19, "1月20日")]
    assert "--year" in result.notes[0].message


def test_a_lead_with_its_year_gives_the_date_without_help():
    page = "新聞標題\n2010年1月20日,國家質檢總局召開會議。\n".encode()
    assert import_page(page, "p.txt").articles[0].date == dt.date(2010, 1, 20)


@pytest.mark.parametrize(
    "encode, name",
    [
        (lambda t: t.encode("utf-8-sig"), "UTF-8 (BOM)"),
        (lambda t: t.encode("utf-16"), "UTF-16LE (BOM)"),  # Python writes the BOM in native order
        (lambda t: b"\xfe\xff" + t.encode("utf-16-be"), "UTF-16BE (BOM)"),
        (lambda t: t.encode("gbk"), "GBK"),
        (lambda t: t.encode("gb18030"), "GBK"),  # every character here is in GBK: the same bytes
        (lambda t: t.replace("\n", "\r\n").encode("gbk"), "GBK"),
    ],
)
def test_the_seed_page_imports_identically_from_every_encoding(encode, name):
    result = import_page(encode(seed_text()), "seed.txt", year=2010)
    assert result.encoding == name
    assert result.repairs == 77
    assert [as_record(d) for d in result.articles] == expected_articles()


def test_big5_imports_what_big5_can_carry():
    # Big5 has neither the pinyin letters nor 恒 (only 恆): the page as a Big5
    # site would have it.
    text = repair_romanization(seed_text())[0].replace("恒", "恆")
    big5 = import_page(text.encode("big5"), "seed-big5.txt", year=2010)
    utf8 = import_page(text.encode("utf-8"), "seed.txt", year=2010)
    assert big5.encoding == "Big5" and utf8.encoding == "UTF-8"
    assert [as_record(d) for d in big5.articles] == [as_record(d) for d in utf8.articles]
    assert big5.articles[0].subtitle == "質量是基礎 安全是底線\u3000抓好質量工作是永恆的主題"


def test_a_hong_kong_big5_hkscs_page_with_恒_imports():
    # 恒 is not in Big5 but is in HKSCS, as Hong Kong sites write it.
    text = repair_romanization(seed_text())[0]
    assert "恒" in text
    hkscs = import_page(text.encode("big5hkscs"), "seed-hk.txt", year=2010)
    utf8 = import_page(text.encode("utf-8"), "seed.txt", year=2010)
    assert hkscs.encoding == "Big5-HKSCS"
    assert [as_record(d) for d in hkscs.articles] == [as_record(d) for d in utf8.articles]
    assert hkscs.articles[0].subtitle.endswith("抓好質量工作是永恒的主題")


def test_a_cp950_page_imports():
    # Microsoft's Big5 (cp950) adds characters such as 碁 and 銹 that Big5 lacks.
    page = (
        "臺北棋院舉辦碁聖戰\n"
        "2010年9月27日，臺北棋院在市中心舉辦第三屆碁聖戰，共有六十四位棋士參賽。"
        "主辦單位表示，比賽場地的鐵門已經生銹，明年將另覓場地。\n"
    )
    data = page.encode("cp950")
    with pytest.raises(UnicodeDecodeError):
        data.decode("big5")
    result = import_page(data, "tw.txt")
    assert result.encoding in ("cp950", "Big5-HKSCS")  # both decode these bytes to the same text
    assert [(d.title, d.paragraphs) for d in result.articles] == [("臺北棋院舉辦碁聖戰", [page.split("\n")[1]])]
    assert decode_page(data)[0] == page


def test_gb18030_only_characters_and_gb2312_simplified_text_are_named():
    gb18030 = import_page("新聞標題\n姓氏𠮷的來歷。\n".encode("gb18030"), "p.txt")
    assert gb18030.encoding == "GB18030" and gb18030.articles[0].paragraphs == ["姓氏𠮷的來歷。"]
    simplified = opencc.OpenCC("t2s").convert(repair_romanization(seed_text())[0])
    result = import_page(simplified.encode("gb2312"), "p.txt", year=2010)
    assert result.encoding == "GB2312"
    assert [d.title for d in result.articles] == [
        "王岐山在质量工作座谈会上指出",
        "质检总局发布《大质量工作机制建设工作方案》",
        "魏传忠:建立大质量工作机制 想实招出实力求实效",
    ]


def test_an_html_version_of_the_seed_imports_to_the_same_articles():
    page = seed_as_html(seed_text()).encode("utf-8")
    result = import_page(page, "seed.html", year=2010)
    assert result.repairs == 77
    assert [as_record(d) for d in result.articles] == expected_articles()
    assert [p.severity for p in result.problems] == ["warning"]
    # The warning names the HTML line the damaged paragraph is on.
    assert DAMAGED in page.decode().split("\n")[result.problems[0].line - 1]


def test_html_headlines_fall_back_to_the_title_and_entities_are_decoded():
    page = "<html><head><title>質檢&amp;標準</title></head><body><p>正文第一段&#12290;</p><p>第二段&nbsp;內容。</p></body></html>"
    result = import_page(page.encode(), "p.html")
    assert [(d.title, d.paragraphs) for d in result.articles] == [("質檢&標準", ["正文第一段。", "第二段 內容。"])]


def test_unreadable_bytes_are_an_error_not_a_crash():
    result = import_page(bytes(range(256)) * 4, "junk.bin")
    assert result.articles == [] and result.problems[0].severity == "error"
    assert import_page(b"", "empty.txt").problems[0].message == "empty file"


# --- the splitting rules, on simplified text ------------------------------------------------


def test_date_lines_bylines_sources_and_read_more_markers_in_simplified_text():
    page = "\n".join(
        [
            "首页 | 新闻 | 图片 | 视频",
            "",
            "国务院召开质量工作会议",
            "2010年9月27日 10:30 来源：新华网",
            "本报记者 张三",
            "会议指出,质量是基础,安全是底线。",
            "会议要求各地加强领导。阅读全文>>",
            "第二篇新闻标题",
            "一、加强领导",  # a numbered point, not a headline
            "第二篇的正文在这里。",
            "",
            "(完)",
        ]
    )
    result = import_page(page.encode("utf-8"), "p.txt")
    first, second = result.articles
    assert (first.title, first.date, first.source, first.byline) == (
        "国务院召开质量工作会议",
        dt.date(2010, 9, 27),
        "新华网",
        "本报记者 张三",
    )
    assert first.paragraphs == ["会议指出,质量是基础,安全是底线。", "会议要求各地加强领导。"]
    assert (second.title, second.paragraphs) == ("第二篇新闻标题", ["一、加强领导", "第二篇的正文在这里。"])
    assert result.problems == [] and result.encoding == "UTF-8"


def test_a_headline_without_a_body_is_dropped_with_a_warning():
    page = "圖片新聞\n\n王岐山在質量工作座談會上指出\n質量是基礎。\n"
    result = import_page(page.encode("utf-8"), "p.txt")
    assert [d.title for d in result.articles] == ["王岐山在質量工作座談會上指出"]
    assert [(p.line, p.severity) for p in result.problems] == [(1, "warning")] and "圖片新聞" in result.problems[
        0
    ].message


# --- content files ------------------------------------------------------------------------


def test_rendered_files_parse_back_to_the_same_article(tmp_path):
    draft = Draft(
        title='標題 "引號" \\ 反斜線',
        line=1,
        subtitle_lines=["副題一", "副題二"],
        paragraphs=["# 不是標題", "1. 不是列表", "正文。"],
        date=dt.date(2010, 9, 27),
        byline="新華社記者 姚大偉 攝",
        caption="圖片說明。",
    )
    path = tmp_path / "news" / "a.md"
    path.parent.mkdir()
    path.write_text(render(draft), encoding="utf-8")
    article, problems = load_file(tmp_path, path)
    assert problems == []
    assert (article.title, article.subtitle, article.date, article.byline, article.caption) == (
        '標題 "引號" \\ 反斜線',
        "副題一\u3000副題二",
        dt.date(2010, 9, 27),
        "新華社記者 姚大偉 攝",
        "圖片說明。",
    )
    assert render(draft).split("+++\n\n", 1)[1] == "\\# 不是標題\n\n\\1. 不是列表\n\n正文。\n"


def test_slugs_are_ascii():
    assert slug_stem(Path("000_f59391d5d2b02854.txt")) == "000_f59391d5d2b02854"
    chinese = slug_stem(Path("質量新聞.html"))
    assert chinese.isascii() and chinese.startswith("page-") and chinese == slug_stem(Path("質量新聞.html"))
    assert slug_stem(Path("Quality News 2010.txt")) == "quality-news-2010"


# --- the command ----------------------------------------------------------------------------


def run_import(*paths, section="meetings", out=None, year=None, dry_run=False, force=False, config=SAMPLE_CONFIG):
    args = argparse.Namespace(
        config=str(config),
        content=None,
        script=None,
        paths=[str(p) for p in paths],
        section=section,
        out=str(out) if out else None,
        year=year,
        dry_run=dry_run,
        force=force,
    )
    output = io.StringIO()
    code = importer.run(args, Console(file=output, width=4096, color_system=None))
    return code, output.getvalue()


@pytest.fixture
def seed_file(tmp_path) -> Path:
    path = tmp_path / "pages" / SEED_NAME
    path.parent.mkdir()
    path.write_bytes(seed_bytes())
    return path


def test_import_writes_one_loadable_file_per_article_and_reports(tmp_path, seed_file):
    out = tmp_path / "content"
    code, output = run_import(seed_file, out=out, year=2010)
    assert code == 1  # the lost characters are a warning
    written = sorted((out / "meetings").iterdir())
    assert [p.name for p in written] == [f"000_f59391d5d2b02854-{n}.md" for n in (1, 2, 3)]
    titles = []
    for path in written:
        article, problems = load_file(out, path)
        assert problems == []
        titles.append(article.title)
    assert titles == [e["title"] for e in expected_articles()]
    assert "UTF-8, 3 article(s), 77 romanization repair(s)" in output
    assert f"{seed_file}:8: warning:" in output
    assert output.count("wrote ") == 3


def test_dry_run_writes_nothing_and_shows_what_it_would(tmp_path, seed_file):
    out = tmp_path / "content"
    code, output = run_import(seed_file, out=out, year=2010, dry_run=True)
    assert not out.exists()
    assert output.count("would write ") == 3
    assert 'title = "王岐山在質量工作座談會上指出"' in output and "date = 2010-09-27" in output
    assert code == 1


def test_existing_files_are_kept_unless_forced(tmp_path, seed_file):
    out = tmp_path / "content"
    assert run_import(seed_file, out=out, year=2010)[0] == 1
    edited = out / "meetings" / "000_f59391d5d2b02854-1.md"
    edited.write_text('+++\ntitle = "編輯過"\n+++\n正文。\n', encoding="utf-8")
    code, output = run_import(seed_file, out=out, year=2010)
    assert code == 1 and output.count("exists, skipped (use --force)") == 3
    assert "編輯過" in edited.read_text(encoding="utf-8")
    code, output = run_import(seed_file, out=out, year=2010, force=True)
    assert output.count("overwrote ") == 3
    assert "王岐山" in edited.read_text(encoding="utf-8")


def test_a_clean_page_imports_with_status_0_into_the_configs_content_dir(tmp_path):
    (tmp_path / "content").mkdir()
    config = tmp_path / "config.toml"
    config.write_text(
        '[newsroom]\ncontent_dir = "content"\n\n[[sections]]\nid = "news"\nlabel = "新聞"\n', encoding="utf-8"
    )
    page = tmp_path / "page.html"
    page.write_text("<h1>质检总局召开会议</h1><p>会议指出,质量是基础。</p>", encoding="utf-8")
    code, output = run_import(page, section="news", config=config)
    assert code == 0, output
    assert (tmp_path / "content" / "news" / "page-1.md").is_file()


@pytest.mark.parametrize("section", ["../escape", "Bad Section", "a/b", ".hidden", ""])
def test_bad_sections_are_usage_errors(tmp_path, seed_file, section, capsys):
    code, _ = run_import(seed_file, section=section, out=tmp_path / "out")
    assert code == 2 and "section" in capsys.readouterr().err
    assert not (tmp_path / "out").exists()


def test_a_plain_new_section_id_is_allowed(tmp_path, seed_file):
    code, _ = run_import(seed_file, section="new-section", out=tmp_path / "out", year=2010)
    assert code == 1 and len(list((tmp_path / "out" / "new-section").iterdir())) == 3


def test_a_missing_path_is_a_usage_error(tmp_path, capsys):
    code, _ = run_import(tmp_path / "nope.txt", out=tmp_path / "out")
    assert code == 2 and "nope.txt" in capsys.readouterr().err


def test_import_arguments_parse_and_reject_bad_years():
    from tui.cli import make_parser

    parser = make_parser()
    args = parser.parse_args(["import", "a.txt", "b.html", "--section", "news", "--year", "2010", "--dry-run"])
    assert (args.paths, args.section, args.year, args.dry_run, args.force, args.out) == (
        ["a.txt", "b.html"],
        "news",
        2010,
        True,
        False,
        None,
    )
    with pytest.raises(SystemExit) as exit_info:
        parser.parse_args(["import", "a.txt", "--section", "news", "--year", "10"])
    assert exit_info.value.code == 2


def test_decode_page_names_what_it_used():
    assert decode_page("質量".encode()) == ("質量", "UTF-8")
    assert decode_page("質量".encode("big5") * 20)[1] == "Big5"
    # Big5 text is named Big5 even when its bytes are also valid Big5-HKSCS and cp950.
    assert decode_page("王岐山在質量工作座談會上指出，質量是基礎。".encode("big5") * 5)[1] == "Big5"


def test_short_unpunctuated_lines_with_no_body_after_them_are_the_body():
    result = import_page("新聞標題\n正文沒有句號\n".encode(), "p.txt")
    assert [(d.title, d.subtitle, d.paragraphs) for d in result.articles] == [("新聞標題", "", ["正文沒有句號"])]


def test_control_characters_in_a_page_are_reported_and_never_written():
    page = b"<h1>\x1b]0;title\x07\xe6\xa8\x99\xe9\xa1\x8c</h1><p>\xe6\xad\xa3\xe6\x96\x87\xe3\x80\x82</p>"
    result = import_page(page, "p.html")
    assert [p.message for p in result.problems] == ["control character U+001B", "control character U+0007"]
    assert "\x1b" not in render(result.articles[0]) and "\x07" not in render(result.articles[0])
