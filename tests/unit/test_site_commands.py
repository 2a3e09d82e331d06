"""Static sites from the shell: `--content SITE_ROOT`, `show ALIAS`, the mode's variant, quiet checks."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests import site_trees
from tests.conftest import write_article
from tui.cli import main


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.mark.parametrize(
    "make",
    [site_trees.hugo_basic, site_trees.stack_like, site_trees.gin_like, site_trees.zola_docs, site_trees.book_like],
)
def test_a_site_its_generator_builds_checks_clean(tmp_path, capsys, make):
    code, out, err = run(capsys, "check", "--content", str(make(tmp_path)))
    assert (code, out) == (0, ""), out
    assert "no problems" in err


def test_strict_lists_keys_no_generator_defines(tmp_path, capsys):
    site = site_trees.book_like(tmp_path)
    code, out, _ = run(capsys, "check", "--strict", "--content", str(site))
    assert code == 1
    assert out.splitlines() == [
        "content.en/docs/start/_index.md:3: warning: bookFlatSection: "
        "not a front-matter key of Newsroom, Hugo or Zola (kept, unused)"
    ]


def test_a_front_matter_error_names_format_and_line_in_check(tmp_path, capsys):
    site_trees.write(tmp_path, "news/a.md", "---\ntitle: 甲\ntags: [a\n---\n正文")
    code, out, _ = run(capsys, "check", "--content", str(tmp_path))
    assert code == 1 and out.startswith("news/a.md:4: error: front matter is not valid YAML")


def test_outside_links_are_a_problem_in_check_and_never_read(tmp_path, capsys):
    content = tmp_path / "content"
    write_article(content, "news/a.md", title="甲")
    (content / "news" / "passwd.md").symlink_to("/etc/passwd")
    code, out, _ = run(capsys, "check", "--content", str(content))
    assert code == 1 and out.splitlines() == ["news/passwd.md:1: error: links outside the content folder"]
    code, out, _ = run(capsys, "--content", str(content), "show", "news/passwd")
    assert code == 1 and "root:" not in out


def test_show_takes_an_alias_and_prints_the_modes_variant(tmp_path, capsys):
    site = site_trees.stack_like(tmp_path)
    code, out, _ = run(capsys, "--content", str(site), "show", "post/quality gallery", "--script", "taiwan")
    assert code == 0 and out.splitlines()[0] == "質量相簿"
    code, out, _ = run(capsys, "--content", str(site), "show", "post/quality-gallery", "--script", "simplified")
    assert out.splitlines()[0] == "质量相册" and "座谈会的照片" in out
    code, out, _ = run(capsys, "--content", str(site), "show", "post/quality-gallery", "--script", "original")
    assert out.splitlines()[0] == "Quality gallery" and "[圖片] The forum hall" in out


def test_japanese_is_never_converted_in_show(tmp_path, capsys):
    site = tmp_path / "site"
    site_trees.write(site, "content/news/a.ja.md", "---\ntitle: 千葉\n---\n\n千葉で書き込む。\n")
    site_trees.write(site, "content/news/b.md", "---\ntitle: 千葉\n---\n\n千葉で書き込む。\n")  # untagged, kana
    for article_id in ("news/a", "news/b"):
        code, out, _ = run(capsys, "--content", str(site / "content"), "show", article_id, "--script", "simplified")
        assert code == 0 and "千葉で書き込む。" in out and "千叶" not in out, article_id


def test_list_shows_one_entry_per_page_with_its_modes_title(tmp_path, capsys):
    site = site_trees.gin_like(tmp_path)
    code, out, _ = run(capsys, "--content", str(site), "list", "docs", "--json", "--script", "simplified")
    records = json.loads(out)
    assert code == 0 and [r["title"] for r in records] == ["介绍", "快速入门", "AsciiJSON", "单文件"]
    assert [r["id"] for r in records][:2] == ["docs/introduction", "docs/quickstart"]


def test_search_answers_with_pages_not_section_pages(tmp_path, capsys):
    site = site_trees.gin_like(tmp_path)
    code, out, _ = run(capsys, "--content", str(site), "search", "Examples", "--json")
    assert code == 1 and json.loads(out) == []  # only the section page says it
    code, out, _ = run(capsys, "--content", str(site), "search", "快速入門", "--json", "--script", "taiwan")
    [record] = json.loads(out)
    assert (record["id"], record["title"]) == ("docs/quickstart", "快速入門")


def test_a_missing_site_content_folder_is_a_config_error(tmp_path, capsys):
    (tmp_path / "hugo.toml").write_text("title = 'x'\n", encoding="utf-8")
    code, _, err = run(capsys, "--content", str(tmp_path), "list")
    assert code == 2 and "content folder is missing" in err and str(Path(tmp_path / "content")) in err


def test_strict_lists_shortcodes_shown_only_by_their_content(tmp_path, capsys):
    site_trees.write(
        tmp_path,
        "news/a.md",
        '---\ntitle: 甲\n---\n\n正文。\n\n{{< figure src="a.jpg" caption="圖" >}}\n\n{{< mywidget x="1" >}}\n內容\n{{< /mywidget >}}\n',
    )
    code, out, _ = run(capsys, "check", "--content", str(tmp_path))
    assert (code, out) == (0, "")
    code, out, _ = run(capsys, "check", "--strict", "--content", str(tmp_path))
    assert out.splitlines() == ["news/a.md:9: warning: shortcode 'mywidget': Newsroom shows only its inner content"]


def test_sections_are_labelled_in_the_language_shown(tmp_path, capsys):
    site = site_trees.gin_like(tmp_path)
    for script, label in (("simplified", "文档"), ("taiwan", "文件"), ("original", "Documentation")):
        code, out, _ = run(capsys, "--content", str(site), "list", "docs", "--json", "--script", script)
        assert code == 0 and {r["section_label"] for r in json.loads(out)} == {label}, script
