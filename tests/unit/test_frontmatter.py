"""Front matter in TOML, YAML and JSON, as Hugo and Zola write it; errors name format, line and reason."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from tui.core import config, frontmatter, loader


def load(content: Path):
    return loader.load_newsroom(config.for_content_dir(content))


def write(content: Path, rel: str, text: str) -> Path:
    path = content / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def content(tmp_path) -> Path:
    root = tmp_path / "content"
    root.mkdir()
    return root


@pytest.mark.parametrize(
    "text, kind",
    [
        ('+++\ntitle = "質量月"\ndate = 2010-09-27\ntags = ["質量"]\n+++\n正文。\n', "TOML"),
        ("---\ntitle: 質量月\ndate: 2010-09-27\ntags:\n  - 質量\n---\n正文。\n", "YAML"),
        ('{\n  "title": "質量月",\n  "date": "2010-09-27",\n  "tags": ["質量"]\n}\n正文。\n', "JSON"),
        ('\n\n+++\ntitle = "質量月"\ndate = 2010-09-27\ntags = ["質量"]\n+++\n正文。\n', "TOML"),
        ("\n---\ntitle: 質量月\ndate: 2010-09-27\ntags: [質量]\n---\n正文。\n", "YAML"),
    ],
    ids=["toml", "yaml", "json", "toml-after-blank-lines", "yaml-after-a-blank-line"],
)
def test_each_format_gives_the_same_article(content, text, kind):
    write(content, "news/a.md", text)
    newsroom = load(content)
    assert newsroom.problems == []
    [article] = newsroom.articles
    assert (article.title, article.date, article.tags) == ("質量月", dt.date(2010, 9, 27), ("質量",))
    assert loader.load_body(article).strip() == "正文。"
    assert frontmatter.parse(text).format == kind


def test_body_lines_count_from_the_file_start(content):
    write(content, "a/toml.md", '\n\n+++\ntitle = "甲"\n+++\n')
    write(content, "a/json.md", '{"title": "乙"}\n')
    problems = {p.path: p for p in load(content).problems}
    assert problems["a/toml.md"].line == 6 and problems["a/json.md"].line == 2  # "empty body", where it starts


@pytest.mark.parametrize(
    "text, line, words",
    [
        ('+++\ntitle = "甲"\ndate = = 1\n+++\n正文', 3, ("TOML",)),
        ('\n\n+++\ntitle = "甲"\ndate = = 1\n+++\n正文', 5, ("TOML",)),
        ("---\ntitle: 甲\ntags: [a, b\n---\n正文", 4, ("YAML", "flow sequence")),
        ("---\ntitle: 甲\n  bad: indent\n---\n正文", 3, ("YAML", "mapping")),
        ('{\n  "title": "甲",\n  "date" "2010"\n}\n正文', 3, ("JSON", "delimiter")),
        ("---\ntitle: 甲\n正文沒有結束", 1, ("not closed", "---")),
    ],
    ids=["toml", "toml-after-blank-lines", "yaml-flow", "yaml-indent", "json", "yaml-unclosed"],
)
def test_an_error_names_the_format_the_line_and_the_reason(content, text, line, words):
    write(content, "news/bad.md", text)
    newsroom = load(content)
    assert newsroom.articles == []
    [problem] = newsroom.problems
    assert (problem.path, problem.line, problem.severity) == ("news/bad.md", line, "error")
    for word in words:
        assert word in problem.message


@pytest.mark.parametrize(
    "text",
    [
        "---\ntitle: !!python/object/apply:os.system ['echo pwned']\n---\nbody",
        "---\n!!python/name:os.system\n---\nbody",
    ],
)
def test_yaml_is_read_with_a_safe_loader(content, text, capfd):
    write(content, "news/evil.md", text)
    newsroom = load(content)
    assert newsroom.articles == []
    assert "YAML" in newsroom.problems[0].message
    assert "pwned" not in capfd.readouterr().out


@pytest.mark.parametrize(
    "text", ["---\na: " + "[" * 5000 + "\n---\nbody", "{" + '"a":' * 3000 + "1" + "}" * 3000 + "\nbody"]
)
def test_deeply_nested_front_matter_is_a_problem_not_a_crash(content, text):
    write(content, "news/deep.md", text)
    newsroom = load(content)
    assert newsroom.articles == [] and newsroom.problems[0].severity == "error"


def test_yaml_that_is_not_a_table_is_a_problem(content):
    write(content, "news/list.md", "---\n- 甲\n- 乙\n---\nbody")
    [problem] = load(content).problems
    assert "YAML front matter must be a table" in problem.message


def test_an_empty_yaml_block_is_a_file_with_no_keys(content):
    write(content, "news/empty-block.md", "---\n---\n# 標題\n\n正文。")
    newsroom = load(content)
    assert [a.title for a in newsroom.articles] == ["標題"] and newsroom.problems == []


def test_a_warning_points_at_the_yaml_key(content):
    write(content, "news/a.md", "---\ntitle: 甲\nsubtitle: [1, 2]\n---\n正文")
    [problem] = load(content).problems
    assert (problem.line, problem.severity) == (3, "warning") and "subtitle" in problem.message


def test_yaml_dates_and_datetimes(content):
    write(content, "news/a.md", "---\ntitle: 甲\ndate: 2019-03-05T10:30:00+08:00\n---\n正文")
    write(content, "news/b.md", "---\ntitle: 乙\ndate: 2013/7/13 20:46:25\n---\n正文")
    newsroom = load(content)
    assert newsroom.problems == []
    dates = {a.title: a.date for a in newsroom.articles}
    assert dates["甲"] == dt.datetime(2019, 3, 5, 10, 30, tzinfo=dt.timezone(dt.timedelta(hours=8)))
    assert dates["乙"] == dt.datetime(2013, 7, 13, 20, 46, 25)  # Hexo's own form
