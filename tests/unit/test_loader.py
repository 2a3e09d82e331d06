"""loader.py: content files into articles, and every unusable file into a Problem."""

from __future__ import annotations

import datetime as dt
import os
import re
import unicodedata
from pathlib import Path

import pytest

from tests.conftest import SAMPLE_CONFIG, write_article
from tui.core import config, loader
from tui.core.model import Newsroom, Problem

TRADITIONAL = "王岐山在質量工作座談會上指出"
SIMPLIFIED = "王岐山在质量工作座谈会上指出"


def load(content: Path) -> Newsroom:
    return loader.load_newsroom(config.for_content_dir(content))


def problems_for(newsroom: Newsroom, rel: str) -> list[Problem]:
    return [p for p in newsroom.problems if p.path == rel]


def only_problem(newsroom: Newsroom, rel: str) -> Problem:
    found = problems_for(newsroom, rel)
    assert len(found) == 1, newsroom.problems
    return found[0]


def ids(newsroom: Newsroom) -> list[str]:
    return [a.id for a in newsroom.articles]


def write_bytes(root: Path, rel: str, data: bytes) -> Path:
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path


def has_controls(text: str) -> bool:
    return any(unicodedata.category(char) in ("Cc", "Cf") for char in text)


@pytest.fixture
def content(tmp_path) -> Path:
    root = tmp_path / "content"
    root.mkdir()
    return root


# --- good files -------------------------------------------------------------


def test_a_full_article_loads_every_field(content):
    write_article(
        content,
        "meetings/forum.md",
        title=TRADITIONAL,
        body="9月是全國“質量月”。",
        date="2010-09-27",
        subtitle='"質量是基礎"',
        byline='"新華社記者"',
        source='"新華社"',
        caption='"座談會現場"',
        summary='"摘要"',
        tags='["王岐山", "質量工作"]',
        glossary='{ "質量" = "品質" }',
    )
    newsroom = load(content)
    assert newsroom.problems == []
    [article] = newsroom.articles
    assert article.id == "meetings/forum"
    assert article.section == "meetings"
    assert article.title == TRADITIONAL
    assert article.date == dt.date(2010, 9, 27)
    assert (article.subtitle, article.byline, article.source, article.caption, article.summary) == (
        "質量是基礎",
        "新華社記者",
        "新華社",
        "座談會現場",
        "摘要",
    )
    assert article.tags == ("王岐山", "質量工作")
    assert article.glossary == (("質量", "品質"),)
    assert article.path == str(content / "meetings/forum.md")  # a plain string: 100,000 Paths weigh 40 MB


def test_simplified_chinese_title_loads_unchanged(content):
    write_article(content, "news/a.md", title=SIMPLIFIED)
    assert [a.title for a in load(content).articles] == [SIMPLIFIED]


def test_markdown_suffix_is_read_and_other_files_are_ignored(content):
    write_article(content, "news/a.markdown")
    write_article(content, "news/b.MD")
    write_article(content, "news/notes.txt")
    (content / "news" / "photo.jpg").write_bytes(b"\xff\xd8\xff\x00")
    newsroom = load(content)
    assert sorted(ids(newsroom)) == ["news/a", "news/b"]
    assert newsroom.problems == []


def test_file_with_bom_and_crlf_free_body_loads(content):
    write_bytes(content, "news/bom.md", '\ufeff+++\ntitle = "質量"\n+++\n正文'.encode())
    newsroom = load(content)
    assert [a.title for a in newsroom.articles] == ["質量"]
    assert newsroom.problems == []


def test_file_with_crlf_line_endings_loads(content):
    write_bytes(content, "news/crlf.md", '+++\r\ntitle = "質量"\r\ndate = 2010-01-20\r\n+++\r\n正文\r\n'.encode())
    newsroom = load(content)
    assert newsroom.problems == []
    assert [(a.title, a.date) for a in newsroom.articles] == [("質量", dt.date(2010, 1, 20))]


def test_metadata_from_files_is_cleaned(content):
    # TOML escapes put real control characters into the parsed values.
    write_bytes(
        content,
        "news/a.md",
        (
            "+++\n"
            'title = "\\u001b]0;pwned\\u0007質量\\u202e工作\\n座談會"\n'
            'byline = "\\u001b[2J記者"\n'
            'tags = ["\\u200b王岐山", "\\u0000"]\n'
            "+++\n正文"
        ).encode(),
    )
    [article] = load(content).articles
    assert article.title == "]0;pwned質量工作 座談會"
    assert article.byline == "[2J記者"
    assert article.tags == ("王岐山",)  # a tag that cleans to nothing is dropped


# --- files that cannot be used ------------------------------------------------


def test_bad_toml_reports_the_line_in_the_file(content):
    write_bytes(content, "news/bad.md", '+++\ntitle = "質量"\ndate = 2010-09-27\nbyline = = "x"\n+++\n正文'.encode())
    problem = only_problem(load(content), "news/bad.md")
    assert problem.severity == "error"
    assert problem.line == 4  # the 3rd front-matter line, after the opening +++
    assert "TOML" in problem.message


def test_bad_toml_on_first_front_matter_line_is_line_2(content):
    write_bytes(content, "news/bad.md", b'+++\ntitle = = "x"\ndate = 2010-01-01\n+++\nbody')
    assert only_problem(load(content), "news/bad.md").line == 2


@pytest.mark.parametrize("last_line", ['tags = ["王岐山",', 'summary = """未關閉', "byline ="])
def test_bad_toml_on_the_last_front_matter_line_reports_that_line(content, last_line):
    write_bytes(content, "news/bad.md", f'+++\ntitle = "質量"\n{last_line}\n+++\n正文'.encode())
    assert only_problem(load(content), "news/bad.md").line == 3


def test_no_title_takes_the_first_heading_else_the_file_name(content):
    write_article(
        content, "news/untitled.md", title=None, date="2010-01-01", body="導語。\n\n## 質量工作座談會\n\n正文。"
    )
    write_article(content, "news/質量月.md", title=None, date="2010-01-02")
    newsroom = load(content)
    assert newsroom.problems == []
    assert newsroom.article("news/untitled").title == "質量工作座談會"
    assert newsroom.article("news/質量月").title == "質量月"


@pytest.mark.parametrize("title", ["42", "[1]", "true"])
def test_title_not_a_string_is_an_error_on_its_line(content, title):
    write_bytes(content, "news/a.md", f"+++\ndate = 2010-01-01\ntitle = {title}\n+++\nbody".encode())
    newsroom = load(content)
    assert newsroom.articles == []
    problem = only_problem(newsroom, "news/a.md")
    assert (problem.line, problem.severity) == (3, "error")
    assert "title" in problem.message


@pytest.mark.parametrize("title", ['""', '"   "', '"\\u001b\\u200b"'])
def test_a_title_blank_after_cleaning_falls_back_to_the_file_name(content, title):
    write_bytes(content, "news/a.md", f"+++\ntitle = {title}\n+++\nbody".encode())
    newsroom = load(content)
    assert [a.title for a in newsroom.articles] == ["a"]
    assert newsroom.problems == []


def test_invalid_utf8_reports_the_line_of_the_bad_byte(content):
    write_bytes(content, "news/latin1.md", '+++\ntitle = "ok"\n+++\nline 4\ncafé\n'.encode("latin-1"))
    problem = only_problem(load(content), "news/latin1.md")
    assert problem.line == 5
    assert "UTF-8" in problem.message
    assert "0xe9" in problem.message


def test_gbk_encoded_file_is_a_problem(content):
    write_bytes(content, "news/gbk.md", f'+++\ntitle = "{SIMPLIFIED}"\n+++\n质量是基础'.encode("gbk"))
    newsroom = load(content)
    assert newsroom.articles == []
    problem = only_problem(newsroom, "news/gbk.md")
    assert problem.line == 2
    assert "UTF-8" in problem.message


def test_binary_file_with_nul_is_a_problem(content):
    write_bytes(content, "photos/image.md", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)))
    problem = only_problem(load(content), "photos/image.md")
    assert "binary" in problem.message


def test_empty_file_is_a_problem(content):
    write_bytes(content, "news/empty.md", b"")
    problem = only_problem(load(content), "news/empty.md")
    assert (problem.line, problem.severity) == (1, "error")
    assert "empty" in problem.message


def test_front_matter_without_body_loads_with_an_empty_body_warning(content):
    write_bytes(content, "news/nobody.md", '+++\ntitle = "只有標題"\n+++\n\n  \n'.encode())
    newsroom = load(content)
    assert [a.title for a in newsroom.articles] == ["只有標題"]
    problem = only_problem(newsroom, "news/nobody.md")
    assert problem.severity == "warning"
    assert "empty body" in problem.message
    assert problem.line == 4


def test_unclosed_front_matter_is_a_problem(content):
    write_bytes(content, "news/open.md", '+++\ntitle = "未關閉"\n正文'.encode())
    newsroom = load(content)
    assert newsroom.articles == []
    assert "not closed" in only_problem(newsroom, "news/open.md").message


@pytest.mark.parametrize(
    "text, title, body",
    [
        ("# 只有正文\n\n沒有前言。", "只有正文", "沒有前言。"),
        ("只有正文\n====\n\n沒有前言。", "只有正文", "沒有前言。"),
        ("沒有前言，也沒有標題。", "plain", "沒有前言，也沒有標題。"),
        ('title = "x"\n+++\nbody', "plain", 'title = "x"\n+++\nbody'),
    ],
)
def test_a_file_without_front_matter_is_still_an_article(content, text, title, body):
    write_bytes(content, "news/plain.md", text.encode())
    newsroom = load(content)
    assert newsroom.problems == []
    [article] = newsroom.articles
    assert (article.id, article.title, article.body_line) == ("news/plain", title, 1)
    assert loader.load_body(article).strip() == body  # a heading that gave the title is not shown twice


@pytest.mark.parametrize("text", ["\n\n   \n", "\x00\x01"])
def test_a_file_without_front_matter_or_text_is_a_problem(content, text):
    write_bytes(content, "news/blank.md", text.encode())
    newsroom = load(content)
    assert newsroom.articles == []
    problem = only_problem(newsroom, "news/blank.md")
    assert (problem.line, problem.severity) == (1, "error")


def test_problem_str_names_relative_path_line_and_reason(content):
    write_bytes(content, "news/deep/bad.md", b"+++\ntitle = = 1\ndate = 1\n+++\n")
    [problem] = load(content).problems
    assert str(problem).startswith("news/deep/bad.md:2: error: ")


def test_bad_files_never_stop_the_good_ones_loading(content):
    write_article(content, "a/good1.md", title="好一")
    write_bytes(content, "a/bad1.md", b"")
    write_bytes(content, "a/bad2.md", b"\x00\x01")
    write_bytes(content, "b/bad3.md", b"+++\ntitle = \n+++\n")
    write_bytes(content, "b/bad4.md", "+++\ntitle = 質量\n".encode("gbk"))
    write_article(content, "b/good2.md", title="好二")
    newsroom = load(content)
    assert sorted(a.title for a in newsroom.articles) == ["好一", "好二"]
    assert sorted(p.path for p in newsroom.problems) == ["a/bad1.md", "a/bad2.md", "b/bad3.md", "b/bad4.md"]


# --- drafts, dates and optional fields -----------------------------------------


def test_draft_is_skipped_without_a_problem(content):
    write_article(content, "news/draft.md", draft="true")
    write_article(content, "news/final.md", draft="false")
    newsroom = load(content)
    assert ids(newsroom) == ["news/final"]
    assert newsroom.problems == []


def test_draft_of_wrong_type_is_a_warning_and_loads(content):
    write_article(content, "news/a.md", draft='"yes"')
    newsroom = load(content)
    assert ids(newsroom) == ["news/a"]
    assert only_problem(newsroom, "news/a.md").severity == "warning"


@pytest.mark.parametrize(
    "source, expected",
    [
        ("2010-09-27", dt.date(2010, 9, 27)),
        ("2010-09-27T15:30:00+08:00", dt.datetime(2010, 9, 27, 15, 30, tzinfo=dt.timezone(dt.timedelta(hours=8)))),
        ("2010-09-27T15:30:00Z", dt.datetime(2010, 9, 27, 15, 30, tzinfo=dt.timezone.utc)),
        ("2010-09-27T15:30:00", dt.datetime(2010, 9, 27, 15, 30)),
        ('"2010-09-27"', dt.date(2010, 9, 27)),
        ('"2010-09-27T15:30:00+08:00"', dt.datetime(2010, 9, 27, 15, 30, tzinfo=dt.timezone(dt.timedelta(hours=8)))),
        ('"2010-09-27T15:30:00Z"', dt.datetime(2010, 9, 27, 15, 30, tzinfo=dt.timezone.utc)),
    ],
    ids=[
        "toml-date",
        "toml-datetime-tz",
        "toml-datetime-utc",
        "toml-local-datetime",
        "iso-string-date",
        "iso-string-datetime-tz",
        "iso-string-z",
    ],
)
def test_date_forms(content, source, expected):
    write_article(content, "news/a.md", date=source)
    newsroom = load(content)
    assert newsroom.problems == []
    [article] = newsroom.articles
    assert article.date == expected
    assert type(article.date) is type(expected)


@pytest.mark.parametrize(
    "source", ['"2010年9月27日"', '"27/09/2010"', '"2010-13-01"', "20100927", "10:30:00", "true", '""']
)
def test_bad_date_is_a_warning_on_its_line_and_the_article_loads_undated(content, source):
    write_bytes(content, "news/a.md", f'+++\ntitle = "質量"\nsource = "新華社"\ndate = {source}\n+++\n正文'.encode())
    newsroom = load(content)
    [article] = newsroom.articles
    assert article.date is None
    problem = only_problem(newsroom, "news/a.md")
    assert (problem.severity, problem.line) == ("warning", 4)
    assert "date" in problem.message


@pytest.mark.parametrize("tags", ['"王岐山"', '["王岐山", 3]', "{ a = 1 }", "7"])
def test_tags_of_wrong_type_is_a_warning_and_loads(content, tags):
    write_bytes(content, "news/a.md", f'+++\ntitle = "質量"\ntags = {tags}\n+++\n正文'.encode())
    newsroom = load(content)
    [article] = newsroom.articles
    assert article.tags == ()
    problem = only_problem(newsroom, "news/a.md")
    assert (problem.severity, problem.line) == ("warning", 3)
    assert "tags" in problem.message


@pytest.mark.parametrize("key", ["subtitle", "byline", "source", "caption", "summary"])
def test_optional_string_field_of_wrong_type_is_a_warning(content, key):
    write_bytes(content, "news/a.md", f'+++\ntitle = "質量"\n{key} = 12\n+++\n正文'.encode())
    newsroom = load(content)
    [article] = newsroom.articles
    assert getattr(article, key) == ""
    problem = only_problem(newsroom, "news/a.md")
    assert (problem.severity, problem.line) == ("warning", 3)
    assert key in problem.message


def test_glossary_of_wrong_type_is_a_warning(content):
    write_article(content, "news/a.md", glossary='{ "質量" = 1 }')
    newsroom = load(content)
    assert newsroom.articles[0].glossary == ()
    assert only_problem(newsroom, "news/a.md").severity == "warning"


def test_unknown_fields_are_kept_quietly_and_listed_only_when_strict(content):
    write_bytes(
        content,
        "news/a.md",
        '+++\ntitle = "質量"\ndate = 2010-01-01\nmood = "好"\nauthor = "姚大偉"\n+++\n正文'.encode(),
    )
    assert load(content).problems == []
    strict = loader.load_newsroom(config.for_content_dir(content), strict=True)
    assert ids(strict) == ["news/a"]
    problem = only_problem(strict, "news/a.md")
    assert (problem.severity, problem.line) == ("warning", 4)
    assert "mood" in problem.message  # author is Hugo's: mapped to the byline, never listed


# --- sections, folders and ids ----------------------------------------------------


def test_section_is_the_top_folder_even_when_nested(content):
    write_article(content, "meetings/2010/09/forum.md")
    [article] = load(content).articles
    assert article.section == "meetings"
    assert article.id == "meetings/2010/09/forum"


def test_section_field_overrides_the_folder(content):
    write_article(content, "inbox/a.md", section='"statements"')
    newsroom = load(content)
    assert newsroom.articles[0].section == "statements"
    assert newsroom.articles_in("statements") == newsroom.articles
    assert newsroom.articles_in("inbox") == []


def test_id_field_overrides_the_default(content):
    write_article(content, "news/a.md", id='"quality-forum-2010"')
    newsroom = load(content)
    assert ids(newsroom) == ["quality-forum-2010"]
    assert newsroom.article("quality-forum-2010").title == "標題"


def test_duplicate_id_keeps_the_first_and_reports_the_second(content):
    write_article(content, "a/one.md", title="第一", id='"same"')
    write_article(content, "b/two.md", title="第二", id='"same"')
    newsroom = load(content)
    assert [a.title for a in newsroom.articles] == ["第一"]
    problem = only_problem(newsroom, "b/two.md")
    assert problem.severity == "error"
    assert "same" in problem.message
    assert "a/one.md" in problem.message


def test_an_id_override_can_clash_with_a_default_id(content):
    write_article(content, "a/one.md", title="第一")
    write_article(content, "b/two.md", title="第二", id='"a/one"')
    newsroom = load(content)
    assert [a.title for a in newsroom.articles] == ["第一"]
    assert only_problem(newsroom, "b/two.md").severity == "error"


def test_hidden_files_and_folders_are_skipped(content):
    write_article(content, "news/visible.md")
    write_bytes(content, "news/.hidden.md", b"not even front matter")
    write_bytes(content, ".git/x.md", b"\x00")
    write_bytes(content, "news/.cache/y.md", b"")
    newsroom = load(content)
    assert ids(newsroom) == ["news/visible"]
    assert newsroom.problems == []


def test_a_symlink_loop_does_not_hang(content):
    write_article(content, "news/a.md")
    os.symlink(content / "news", content / "news" / "loop")
    os.symlink(content, content / "news" / "up")
    newsroom = load(content)
    assert ids(newsroom) == ["news/a"]


def test_a_self_referencing_file_symlink_is_a_problem(content):
    write_article(content, "news/a.md")
    os.symlink("self.md", content / "news" / "self.md")
    newsroom = load(content)
    assert ids(newsroom) == ["news/a"]
    assert only_problem(newsroom, "news/self.md").severity == "error"


def test_a_fifo_named_like_an_article_does_not_block(content):
    write_article(content, "news/a.md")
    os.mkfifo(content / "news" / "pipe.md")
    newsroom = load(content)
    assert ids(newsroom) == ["news/a"]
    assert only_problem(newsroom, "news/pipe.md").severity == "error"


@pytest.mark.skipif(os.geteuid() == 0, reason="root can read a chmod 000 file")
def test_an_unreadable_file_is_a_problem_chmod(content):
    write_article(content, "news/a.md")
    secret = write_article(content, "news/secret.md")
    secret.chmod(0)
    try:
        newsroom = load(content)
    finally:
        secret.chmod(0o644)
    assert ids(newsroom) == ["news/a"]
    assert "cannot read" in only_problem(newsroom, "news/secret.md").message


def test_an_unreadable_file_is_a_problem(content, monkeypatch):
    write_article(content, "news/a.md")
    secret = write_article(content, "news/secret.md")
    real_read_bytes = Path.read_bytes

    def read_bytes(self):
        if self == secret:
            raise PermissionError(13, "Permission denied", str(self))
        return real_read_bytes(self)

    monkeypatch.setattr(Path, "read_bytes", read_bytes)
    newsroom = load(content)
    assert ids(newsroom) == ["news/a"]
    problem = only_problem(newsroom, "news/secret.md")
    assert problem.severity == "error"
    assert "Permission denied" in problem.message


def test_a_file_deleted_while_loading_is_a_problem(content, monkeypatch):
    write_article(content, "news/a.md")
    doomed = write_article(content, "news/b.md")
    real_iter = loader.iter_content_files

    def listing_then_delete(content_dir):
        paths = list(real_iter(content_dir))
        doomed.unlink()  # gone after it was listed, before it is read
        yield from paths

    monkeypatch.setattr(loader, "iter_content_files", listing_then_delete)
    newsroom = load(content)
    assert ids(newsroom) == ["news/a"]
    problem = only_problem(newsroom, "news/b.md")
    assert problem.severity == "error"
    assert "disappeared" in problem.message


# --- sections of the newsroom, order ---------------------------------------------


def test_articles_are_sorted_newest_first_and_undated_last(content):
    write_article(content, "n/undated.md", title="無日期")
    write_article(content, "n/old.md", title="舊", date="2009-01-01")
    write_article(content, "n/new.md", title="新", date="2011-05-01T08:00:00+08:00")
    write_article(content, "n/mid.md", title="中", date='"2010-06-15"')
    assert [a.title for a in load(content).articles] == ["新", "中", "舊", "無日期"]


def test_content_dir_alone_gets_an_all_articles_front_page_and_folder_sections(content):
    write_article(content, "meetings/a.md", title="甲", date="2010-01-01")
    write_article(content, "activities/b.md", title="乙", date="2010-02-01")
    newsroom = load(content)
    front = newsroom.front_page
    assert newsroom.sections[0] == front
    assert [a.title for a in newsroom.articles_in(front.id)] == ["乙", "甲"]
    assert {(s.id, s.label) for s in newsroom.sections[1:]} == {("meetings", "meetings"), ("activities", "activities")}
    assert [a.title for a in newsroom.articles_in("meetings")] == ["甲"]


def test_unconfigured_folders_are_appended_after_configured_sections(tmp_path):
    site = tmp_path / "site"
    write_article(site / "content", "latest/a.md", title="甲")
    write_article(site / "content", "zebra/b.md", title="乙")
    write_article(site / "content", "apple/c.md", title="丙")
    (site / "config.toml").write_text(
        '[newsroom]\ncontent_dir = "content"\n'
        '[[sections]]\nid = "latest"\nlabel = "最新"\nfront_page = true\n'
        '[[sections]]\nid = "photos"\nlabel = "圖片"\n',
        encoding="utf-8",
    )
    newsroom = loader.load_newsroom(config.load(site / "config.toml"))
    assert [(s.id, s.label) for s in newsroom.sections] == [
        ("latest", "最新"),
        ("photos", "圖片"),
        ("apple", "apple"),
        ("zebra", "zebra"),
    ]
    assert newsroom.front_page.id == "latest"
    assert len(newsroom.articles_in("latest")) == 3


def test_section_label_from_a_folder_name_is_cleaned(content):
    write_article(content, "\x1b]0;pwned\x07news/a.md")
    newsroom = load(content)
    labels = [s.label for s in newsroom.sections]
    assert not any(has_controls(label) for label in labels), labels


def test_problem_keeps_the_real_path_and_prints_it_cleaned(content):
    # The path is the file's own (scripts open it); only what reaches a terminal is cleaned.
    write_bytes(content, "\x1b[2J新聞\u202e/壞.md", b"")
    [problem] = load(content).problems
    assert problem.path == "\x1b[2J新聞\u202e/壞.md"
    assert (content / problem.path).exists()
    assert not has_controls(str(problem)), repr(str(problem))
    assert str(problem).startswith("[2J新聞/壞.md:1: error: ")


# --- load_body -----------------------------------------------------------------


def test_load_body_returns_the_cleaned_body(content):
    write_bytes(
        content,
        "news/a.md",
        '+++\ntitle = "質量"\n+++\n第一段\x1b]52;c;ZXZpbA==\x07\r\n\r\n第二段\u202e\t[@click=app.quit]x[/]\n'.encode(),
    )
    [article] = load(content).articles
    assert loader.load_body(article) == "第一段]52;c;ZXZpbA==\n\n第二段\t[@click=app.quit]x[/]\n"


def test_load_body_reads_fresh_from_disk(content):
    path = write_article(content, "news/a.md", body="舊正文")
    [article] = load(content).articles
    write_article(content, "news/a.md", body="新正文")
    assert loader.load_body(article) == "新正文"
    assert path.exists()


def test_article_body_line_points_past_the_front_matter(content):
    write_bytes(content, "news/a.md", '+++\ntitle = "質量"\ndate = 2010-01-01\n+++\n正文'.encode())
    [article] = load(content).articles
    assert article.body_line == 5


# --- the bundled sample newsroom ---------------------------------------------------


@pytest.fixture
def sample() -> Newsroom:
    return loader.load_newsroom(config.load(SAMPLE_CONFIG))


def test_sample_loads_three_articles_without_problems(sample):
    assert sample.problems == []
    assert len(sample.articles) == 3


def test_sample_sections_in_order(sample):
    assert [s.label for s in sample.sections] == ["最新", "活動", "出訪", "會議", "論述", "圖片"]


def test_sample_front_page_lists_all_newest_first(sample):
    front = sample.articles_in(sample.front_page.id)
    assert sample.front_page.label == "最新"
    assert [a.title for a in front] == [
        "王岐山在質量工作座談會上指出",
        "魏傳忠:建立大質量工作機制 想實招出實力求實效",
        "質檢總局發布《大質量工作機制建設工作方案》",
    ]
    assert front[0].date == dt.date(2010, 9, 27)
    assert front[-1].date is None


def test_sample_bodies_load(sample):
    for article in sample.articles:
        assert loader.load_body(article).strip()


def sample_texts() -> list[tuple[str, str]]:
    content_dir = config.load(SAMPLE_CONFIG).content_dir
    return [
        (p.relative_to(content_dir).as_posix(), p.read_text(encoding="utf-8"))
        for p in sorted(content_dir.rglob("*.md"))
    ]


CJK = r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]"
ROMANIZATION_AFTER_CJK = re.compile(CJK + r"\s*[(（]\s*[a-zA-Zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜü]+\d?\s*[)）]")


def test_sample_has_no_scraping_damage():
    texts = sample_texts()
    assert len(texts) == 3
    for rel, text in texts:
        assert not ROMANIZATION_AFTER_CJK.search(text), f"{rel}: {ROMANIZATION_AFTER_CJK.search(text).group()}"
        assert "??" not in text and "？？" not in text, rel
        assert "\ufffd" not in text, rel
        assert not has_controls(text.replace("\n", "")), rel


def test_scraping_damage_check_would_catch_bracketed_pinyin():
    # Guard for the check above: it must match the damage it is looking for.
    assert ROMANIZATION_AFTER_CJK.search("國務院副總理王岐山27日在北京主持召開質量工作座談會(fā)")
    assert ROMANIZATION_AFTER_CJK.search("發（fā）布")
    assert not ROMANIZATION_AFTER_CJK.search("防控甲型H1N1流感(以下簡稱《方案》)")
