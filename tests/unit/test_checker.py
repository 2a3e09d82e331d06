"""`newsroom check`: every problem in config and content, as path:line: severity: message."""

from __future__ import annotations

import argparse
import io
import json
from pathlib import Path

import pytest
from rich.console import Console

from tests.conftest import SAMPLE_CONFIG, write_article
from tui.commands import checker


def run_check(config: Path | None = None, content: Path | None = None, as_json: bool = False) -> tuple[int, str]:
    args = argparse.Namespace(
        config=str(config) if config else None, content=str(content) if content else None, script=None, json=as_json
    )
    output = io.StringIO()
    code = checker.run(args, Console(file=output, width=4096, color_system=None))
    return code, output.getvalue()


CONFIG = '[newsroom]\ntitle = "測試"\ncontent_dir = "content"\n\n[[sections]]\nid = "news"\nlabel = "新聞"\n'


@pytest.fixture
def newsroom(tmp_path) -> Path:
    """A config with one section, `news`, and an empty content dir."""
    (tmp_path / "content").mkdir()
    (tmp_path / "config.toml").write_text(CONFIG, encoding="utf-8")
    return tmp_path


def problem_corpus(content: Path) -> None:
    """One file for each kind of problem the check finds."""
    write_article(content, "news/bad-toml.md", title=None, body="正文。", **{"title ": ""})
    write_article(content, "news/bad-date.md", title="日期", date='"yesterday"')
    write_article(content, "news/dup-a.md", title="甲", id='"same"')
    write_article(content, "news/dup-b.md", title="乙", summary='"摘要"', id='"same"')
    write_article(content, "news/empty.md", title="空", body="\n")
    write_article(content, "news/romanization.md", title="發展", body="\n第一段。\n\n科學發(fā)展觀。\n")
    write_article(content, "news/title-damage.md", title="質量\ufffd工作")
    write_article(content, "news/no-title.md", title=None, subtitle='"無題"')  # fine: titled by its file name
    (content / "news" / "not-utf8.md").write_bytes('+++\ntitle = "質量"\n+++\n正文\n'.encode("gbk"))
    write_article(content, "news/wrong-type.md", title="標籤", tags='"質量"')
    write_article(content, "news/control.md", title="控制", body="正文\x1b[31m紅色。")
    write_article(content, "news/lost.md", title="缺字", body="國家形象??梢哉f,質量無處不在。")
    write_article(content, "other/unknown-section.md", title="別處")


EXPECTED = [
    "news/bad-date.md:3: warning: date: 'yesterday' is not an ISO date such as 2010-09-27",
    "news/bad-toml.md:3: error: front matter is not valid TOML",
    "news/control.md:4: warning: control character U+001B",
    "news/dup-b.md:4: error: duplicate id 'same' (also in news/dup-a.md)",
    "news/empty.md:4: warning: empty body",
    "news/lost.md:4: warning: '??' in '形象??梢哉f'",
    "news/not-utf8.md:2: error: not UTF-8 text",
    "news/romanization.md:7: warning: bracketed romanization '發(fā)'",
    "news/title-damage.md:2: warning: 1 replacement character(s) U+FFFD",
    "news/wrong-type.md:3: warning: tags: must be a list of strings",
    "other/unknown-section.md:1: warning: section 'other' is not one of the config's [[sections]]",
]


def test_the_sample_newsroom_checks_clean(capsys):
    code, output = run_check(SAMPLE_CONFIG)
    assert (code, output) == (0, "")
    assert "3 file(s) checked: no problems" in capsys.readouterr().err


def test_each_problem_is_reported_once_sorted_by_path_and_line(newsroom, capsys):
    problem_corpus(newsroom / "content")
    code, output = run_check(newsroom / "config.toml")
    lines = output.splitlines()
    assert code == 1
    assert len(lines) == len(EXPECTED)
    for line, expected in zip(lines, EXPECTED):
        assert line.startswith(expected), (line, expected)
    assert "13 file(s) checked: 3 error(s), 8 warning(s)" in capsys.readouterr().err


def test_json_lists_the_same_problems(newsroom):
    problem_corpus(newsroom / "content")
    code, output = run_check(newsroom / "config.toml", as_json=True)
    records = json.loads(output)
    assert code == 1
    assert [f"{r['path']}:{r['line']}: {r['severity']}: {r['message']}" for r in records] == run_check(
        newsroom / "config.toml"
    )[1].splitlines()
    assert set(records[0]) == {"path", "line", "severity", "message"}


def test_json_carries_the_real_path_and_text_output_a_clean_one(newsroom):
    # A file name with an escape sequence and a bidi override: JSON must name the file as it is,
    # so a script can open it; the text report must not send those characters to the terminal.
    content = newsroom / "content"
    name = "news/\x1b]0;pwned\x07質量\u202e工作.md"
    write_article(content, name, title="质量工作", body="\n")
    write_article(content, "news/\x1b[31m甲.md", title="甲", id='"same"')
    write_article(content, "news/\x1b[31m乙.md", title="乙", id='"same"')
    code, output = run_check(newsroom / "config.toml", as_json=True)
    records = json.loads(output)
    assert code == 1
    assert [(r["path"], r["line"], r["message"]) for r in records] == [
        ("news/\x1b[31m甲.md", 3, "duplicate id 'same' (also in news/\x1b[31m乙.md); skipped"),
        (name, 4, "empty body"),
    ]
    assert (content / records[1]["path"]).read_text(encoding="utf-8").startswith("+++")
    code, text = run_check(newsroom / "config.toml")
    assert text.splitlines() == [
        "news/[31m甲.md:3: error: duplicate id 'same' (also in news/[31m乙.md); skipped",
        "news/]0;pwned質量工作.md:4: warning: empty body",
    ]


def test_a_clean_corpus_is_status_0_and_json_is_an_empty_list(newsroom):
    write_article(
        newsroom / "content",
        "news/ok.md",
        title="质量工作座谈会",
        body="简体正文。\n\n第二段(以下简称《方案》)。",
        date="2010-09-27",
    )
    assert run_check(newsroom / "config.toml") == (0, "")
    assert json.loads(run_check(newsroom / "config.toml", as_json=True)[1]) == []


@pytest.mark.parametrize("claimant", ["news/b.md", "a_first/x.md"])
def test_an_explicit_id_naming_another_files_path_is_an_error_naming_both(newsroom, claimant):
    # Issue 13, item 10: read first or not, the claimant cannot take news/a over.
    (newsroom / "config.toml").write_text(
        CONFIG.replace("[[sections]]", '[[sections]]\nid = "a_first"\nlabel = "甲"\n\n[[sections]]', 1)
    )
    write_article(newsroom / "content", "news/a.md", title="甲")
    write_article(newsroom / "content", claimant, title="乙", id='"news/a"')
    code, output = run_check(newsroom / "config.toml")
    assert code == 1
    assert output.splitlines() == [
        f"{claimant}:3: error: id 'news/a' is the path of news/a.md, which keeps it; this file is skipped"
    ]


def test_without_configured_sections_no_folder_is_unknown(newsroom):
    write_article(newsroom / "content", "anything/a.md", title="甲")
    assert run_check(content=newsroom / "content") == (0, "")
    assert run_check(newsroom / "config.toml")[0] == 1


def test_an_explicit_section_field_is_checked_on_its_line(newsroom):
    write_article(newsroom / "content", "news/a.md", title="甲", section='"sport"')
    code, output = run_check(newsroom / "config.toml")
    assert output.splitlines() == ["news/a.md:3: warning: section 'sport' is not one of the config's [[sections]]"]


@pytest.mark.parametrize(
    "config_text, reason",
    [
        ('[newsroom]\ncontent_dir = "content"\ncolour = "red"\n', "unknown key"),
        ('[newsroom]\ncontent_dir = "missing"\n', "content directory not found"),
        ('[newsroom\ncontent_dir = "content"\n', "TOML syntax error"),
    ],
)
def test_an_unusable_config_is_status_2(newsroom, capsys, config_text, reason):
    (newsroom / "config.toml").write_text(config_text, encoding="utf-8")
    code, output = run_check(newsroom / "config.toml")
    err = capsys.readouterr().err
    assert (code, output) == (2, "")
    assert err.startswith("newsroom: error: ") and reason in err and "config.toml" in err


def test_files_written_by_the_importer_check_clean(newsroom):
    from tui.commands.importer import import_page, render

    page = "質檢總局召開會議\n2010年9月27日\n會議指出,質量是基礎(jī)。\n".encode("gb18030")
    for index, draft in enumerate(import_page(page, "p.txt").articles, start=1):
        path = newsroom / "content" / "news" / f"p-{index}.md"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(render(draft), encoding="utf-8")
    assert run_check(newsroom / "config.toml") == (0, "")
