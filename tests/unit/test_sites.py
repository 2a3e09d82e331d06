"""Static sites open as they are: site roots, standard keys, section pages, bundles, translations."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from tests import site_trees
from tests.conftest import write_article
from tui.core import config, loader
from tui.core.config import ConfigError
from tui.core.model import Newsroom
from tui.core.records import replace


def open_site(folder: Path, strict: bool = False) -> Newsroom:
    return loader.load_newsroom(config.for_content_dir(folder), strict=strict)


def langs(article) -> list[str]:
    return [version.lang for version in article.versions]


# --- site roots -----------------------------------------------------------------------


@pytest.mark.parametrize(
    "make, title, content",
    [
        (site_trees.hugo_basic, "質量週報", "content"),
        (site_trees.stack_like, "Stack 示範", "content"),
        (site_trees.gin_like, "框架文檔", "content"),
        (site_trees.zola_docs, "Zola 文檔", "content"),
        (site_trees.book_like, "Book", ""),  # hugo.toml wins over hugo.yaml
        (site_trees.hexo_blog, "質量部落格", "source"),
    ],
    ids=["hugo-config.toml", "hugo-config-_default", "hugo.toml", "zola", "hugo-book", "hexo"],
)
def test_a_site_root_opens_with_its_title_and_content_folder(tmp_path, make, title, content):
    site = make(tmp_path)
    loaded = config.for_content_dir(site)
    assert loaded.title == title
    assert loaded.content_dir == (site / content if content else site)
    newsroom = loader.load_newsroom(loaded)
    assert newsroom.title == title and newsroom.articles and newsroom.problems == []


def test_the_content_folder_of_a_site_reads_the_sites_config_too(tmp_path):
    site = site_trees.gin_like(tmp_path)
    loaded = config.for_content_dir(site / "content")
    assert loaded.title == "框架文檔" and loaded.site.default_language == "en"
    assert dict((tag, folder) for folder, tag in loaded.site.language_dirs)["zh-cn"] == "zh-cn"


def test_one_language_folder_of_a_site_reads_as_that_language(tmp_path):
    site = site_trees.book_like(tmp_path)
    newsroom = open_site(site / "content.zh")
    assert newsroom.languages == () or newsroom.languages == ("zh",)
    assert config.for_content_dir(site / "content.zh").site.language_dirs == (("", "zh"),)


def test_newsrooms_own_config_is_not_taken_for_a_sites(tmp_path):
    (tmp_path / "content" / "news").mkdir(parents=True)
    (tmp_path / "config.toml").write_text('[newsroom]\ncontent_dir = "content"\n', encoding="utf-8")
    assert config.for_content_dir(tmp_path / "content").site.generator == ""


def test_a_newsroom_config_may_point_at_a_site_root(tmp_path):
    site = site_trees.zola_docs(tmp_path)
    path = tmp_path / "newsroom.toml"
    path.write_text('[newsroom]\ntitle = "讀文檔"\ncontent_dir = "zola"\n', encoding="utf-8")
    loaded = config.load(path)
    assert (loaded.title, loaded.content_dir, loaded.site.generator) == ("讀文檔", site / "content", "zola")


def test_a_broken_site_config_is_a_config_error_naming_the_file(tmp_path):
    (tmp_path / "content").mkdir()
    (tmp_path / "hugo.yaml").write_text("title: [unclosed\n", encoding="utf-8")
    with pytest.raises(ConfigError) as info:
        config.for_content_dir(tmp_path)
    assert "hugo.yaml" in str(info.value) and "YAML" in str(info.value)


def test_top_folders_named_by_language_codes_are_translations(tmp_path):
    for tag, title in (("en", "Quality"), ("zh-cn", "质量"), ("zh-tw", "質量")):
        write_article(tmp_path, f"{tag}/news/quality.md", title=title)
    newsroom = open_site(tmp_path)
    [article] = newsroom.articles
    assert (article.id, article.section) == ("news/quality", "news")
    assert sorted(langs(article)) == ["en", "zh-cn", "zh-tw"]
    assert [s.id for s in newsroom.sections] == ["", "news"]


def test_folders_that_are_not_all_language_codes_stay_sections(tmp_path):
    write_article(tmp_path, "en/a.md", title="甲")
    write_article(tmp_path, "meetings/b.md", title="乙")
    assert sorted(s.id for s in open_site(tmp_path).sections) == ["", "en", "meetings"]


# --- standard keys ----------------------------------------------------------------------


def test_standard_keys_reach_the_reader(tmp_path):
    newsroom = open_site(site_trees.hugo_basic(tmp_path))
    article = newsroom.article("post/quality-month")
    assert article.subtitle == article.summary == "全國質量月的安排"
    assert article.byline == "姚大偉"
    assert article.tags == ("年度", "活動", "質量", "質量月")  # tags, categories, series
    assert newsroom.article("post/forum").byline == "甲, 乙"  # authors, a list
    about = newsroom.article("about")
    assert (about.subtitle, about.byline, about.date) == ("本刊的宗旨", "編輯部", dt.date(2019, 2, 28))


def test_subtitle_wins_over_description(tmp_path):
    write_article(tmp_path, "news/a.md", title="甲", subtitle='"副題"', description='"描述"', summary='"摘要"')
    article = open_site(tmp_path).articles[0]
    assert (article.subtitle, article.summary) == ("副題", "摘要")


def test_lastmod_and_updated_show_as_updated(tmp_path):
    write_article(tmp_path, "news/a.md", title="甲", date="2019-03-01", lastmod="2019-04-02")
    write_article(tmp_path, "news/b.md", title="乙", date="2019-03-01", updated="2019-03-01T20:00:00")
    newsroom = open_site(tmp_path)
    assert newsroom.article("news/a").dateline == "2019-03-01  updated 2019-04-02"
    assert newsroom.article("news/b").dateline == "2019-03-01"  # the same day says nothing new


def test_scheduled_and_expired_pages_are_hidden_like_hugo(tmp_path):
    write_article(tmp_path, "news/now.md", title="現在")
    write_article(tmp_path, "news/later.md", title="將來", date="2010-01-01", publishDate="2999-01-01")
    write_article(tmp_path, "news/gone.md", title="過期", expiryDate="2001-01-01T00:00:00Z")
    write_article(tmp_path, "news/ok.md", title="未過期", expiryDate="2999-01-01")
    loaded = config.for_content_dir(tmp_path)
    assert sorted(a.title for a in loader.load_newsroom(loaded).articles) == ["未過期", "現在"]
    shown = replace(loaded, site=replace(loaded.site, show_future=True, show_expired=True))
    assert len(loader.load_newsroom(shown).articles) == 4


def test_the_config_key_and_the_sites_build_flags_show_scheduled_pages(tmp_path):
    write_article(tmp_path, "content/news/later.md", title="將來", publishDate="2999-01-01")
    path = tmp_path / "config.toml"
    path.write_text('[newsroom]\ncontent_dir = "content"\nshow_scheduled = true\n', encoding="utf-8")
    assert len(loader.load_newsroom(config.load(path)).articles) == 1
    (tmp_path / "hugo.toml").write_text("buildFuture = true\n", encoding="utf-8")
    assert len(open_site(tmp_path).articles) == 1
    (tmp_path / "hugo.toml").write_text("title = 'x'\n", encoding="utf-8")
    assert open_site(tmp_path).articles == []


def test_zola_taxonomies_are_tags_and_extra_is_quiet(tmp_path):
    newsroom = open_site(site_trees.zola_docs(tmp_path), strict=True)
    ink = newsroom.article("themes/ink")
    assert ink.tags == ("dark", "blog")
    assert ink.dateline == "2024-06-14 22:18  updated 2024-07-01"
    assert newsroom.problems == []  # [extra], template, sort_by ...: all Zola's own


def test_slug_names_the_id_and_the_path_still_finds_the_page(tmp_path):
    write_article(tmp_path, "news/2019/a long name.md", title="甲", slug='"short"')
    newsroom = open_site(tmp_path)
    assert [a.id for a in newsroom.articles] == ["news/2019/short"]
    assert newsroom.article("news/2019/a long name").id == "news/2019/short"


def test_aliases_resolve_to_the_page(tmp_path):
    newsroom = open_site(site_trees.hugo_basic(tmp_path))
    for alias in ("about-us", "contact", "post/old-quality-month"):
        assert newsroom.article(alias) is not None, alias
    assert newsroom.article("about-us").id == "about"
    assert newsroom.article("post/old-quality-month").id == "post/quality-month"


def test_an_alias_never_shadows_a_real_id(tmp_path):
    write_article(tmp_path, "news/a.md", title="甲", aliases='["news/b"]')
    write_article(tmp_path, "news/b.md", title="乙")
    assert open_site(tmp_path).article("news/b").title == "乙"


def test_weight_orders_a_section_that_asks_for_it(tmp_path):
    newsroom = open_site(site_trees.zola_docs(tmp_path))
    assert [a.title for a in newsroom.articles_in("documentation")] == ["概覽", "安裝", "頁面"]
    assert newsroom.section("documentation").order_by == "weight"
    assert newsroom.section("themes").order_by == "date"


def test_hugo_pages_with_weights_come_first_lightest_first(tmp_path):
    write_article(tmp_path, "docs/c.md", title="丙", date="2020-01-03")
    write_article(tmp_path, "docs/b.md", title="乙", weight="2")
    write_article(tmp_path, "docs/a.md", title="甲", weight="1")
    newsroom = open_site(tmp_path)
    assert [a.title for a in newsroom.articles_in("docs")] == ["甲", "乙", "丙"]
    assert [a.title for a in newsroom.articles][0] == "丙"  # the front page stays newest first


def test_wrong_types_of_standard_keys_are_warnings(tmp_path):
    write_article(tmp_path, "news/a.md", title="甲", weight='"heavy"', author="true", aliases="{ a = 1 }")
    newsroom = open_site(tmp_path)
    assert [a.title for a in newsroom.articles] == ["甲"]
    assert sorted(p.message.split(":")[0] for p in newsroom.problems) == ["aliases", "author", "weight"]


# --- structure: section pages, bundles -------------------------------------------------


def test_section_pages_label_sections_and_are_not_articles(tmp_path):
    newsroom = open_site(site_trees.hugo_basic(tmp_path))
    assert sorted(a.id for a in newsroom.articles) == ["about", "post/forum", "post/quality-month"]
    assert newsroom.section("post").label == "文章"
    assert newsroom.article("posts") is None  # a section page's alias names no article


@pytest.mark.parametrize(
    "front, body, description",
    [
        ('description = "質量工作的最新消息"', "正文不是說明。", "質量工作的最新消息"),
        ('summary = "摘要"\ndescription = "說明"', "", "摘要"),
        (
            "",
            "## 关于\n\n本栏目收录**记者**的[采访](https://example.com/)札记。\n\n第二段。",
            "本栏目收录记者的采访札记。",
        ),
        ("", "", ""),
    ],
)
def test_a_section_is_described_by_its_page_or_that_pages_first_paragraph(tmp_path, front, body, description):
    (tmp_path / "news").mkdir()
    (tmp_path / "news" / "_index.md").write_text(f'+++\ntitle = "要聞"\n{front}\n+++\n\n{body}\n', encoding="utf-8")
    write_article(tmp_path, "news/a.md", title="甲")
    assert open_site(tmp_path).section("news").description == description


def test_a_branch_with_a_body_and_no_pages_reads_as_a_page(tmp_path):
    newsroom = open_site(site_trees.gin_like(tmp_path))
    docs = newsroom.articles_in("docs")
    assert [a.id for a in docs] == [
        "docs/introduction",
        "docs/quickstart",
        "docs/examples/ascii-json",
        "docs/examples/upload-file/single-file",
    ]
    assert newsroom.section("docs").label == "Documentation" and newsroom.section("docs").order_by == "weight"


def test_deeper_branches_label_where_an_article_sits(tmp_path):
    newsroom = open_site(site_trees.gin_like(tmp_path))
    single = newsroom.article("docs/examples/upload-file/single-file")
    assert single.site.place == "Examples / Upload files"
    assert newsroom.article("docs/introduction").site.place == ""


def test_a_leaf_bundle_is_its_folder_and_its_other_files_are_resources(tmp_path):
    newsroom = open_site(site_trees.stack_like(tmp_path))
    assert sorted(a.id for a in newsroom.articles) == ["post/plain", "post/quality-gallery"]
    gallery = newsroom.article("post/quality gallery")  # the folder's own name still finds it
    assert gallery.id == "post/quality-gallery"


def test_a_bundles_pictures_are_shown_with_captions(tmp_path):
    newsroom = open_site(site_trees.stack_like(tmp_path))
    body = loader.load_body(newsroom.article("post/quality-gallery"))
    assert "![The forum hall](<forum.jpg>)" in body and "![street.png](<street.png>)" in body
    from tui.core.document import parse_markdown

    assert [b.text for b in parse_markdown(body) if b.kind == "image"] == ["[圖片] The forum hall", "[圖片] street.png"]


def test_a_headless_bundle_and_a_themes_search_page_are_not_listed(tmp_path):
    basic = open_site(site_trees.hugo_basic(tmp_path))
    assert not any(a.id.startswith("homepage") for a in basic.articles)
    assert basic.article("archives") is None and basic.problems == []
    assert open_site(site_trees.stack_like(tmp_path)).article("page/search") is None


def test_hexo_posts_drafts_and_unpublished(tmp_path):
    newsroom = open_site(site_trees.hexo_blog(tmp_path))
    assert sorted(a.title for a in newsroom.articles) == ["你好", "關於"]
    hello = newsroom.article("_posts/hello")
    assert hello.date == dt.datetime(2013, 7, 13, 20, 46, 25) and hello.tags == ("問候", "日常")
    assert hello.lang == "zh-TW"


# --- translations -------------------------------------------------------------------------


def test_file_name_translations_are_one_article_with_variants(tmp_path):
    newsroom = open_site(site_trees.stack_like(tmp_path))
    gallery = newsroom.article("post/quality-gallery")
    assert langs(gallery) == ["en", "zh", "zh-hant-tw", "ja"]  # the site's order, default first
    assert [v.title for v in gallery.versions] == ["Quality gallery", "质量相册", "質量相簿", "品質アルバム"]
    assert len(newsroom.articles) == 2 and newsroom.languages == ("en", "zh", "zh-hant-tw", "ja")


def test_folder_translations_are_one_article_with_variants(tmp_path):
    newsroom = open_site(site_trees.gin_like(tmp_path))
    assert len(newsroom.articles) == 5  # not 20: four languages of five pages
    assert langs(newsroom.article("docs/quickstart")) == ["en", "zh-cn", "zh-tw", "ja"]
    assert [s.id for s in newsroom.sections] == ["", "docs", "blog"]  # no language folders as sections


def test_translation_key_pairs_pages_with_different_paths(tmp_path):
    write_article(tmp_path, "news/forum.md", title="Forum", translationKey='"forum"')
    write_article(tmp_path, "news/zuotanhui.zh-hant.md", title="座談會", translationKey='"forum"')
    write_article(tmp_path, "news/other.md", title="Other")
    newsroom = open_site(tmp_path)
    assert len(newsroom.articles) == 2
    forum = newsroom.article("news/forum")
    assert langs(forum) == ["", "zh-hant"]
    assert newsroom.article("news/zuotanhui") is forum  # the variant's own id finds the page


def test_a_language_suffix_counts_only_when_it_is_a_language(tmp_path):
    write_article(tmp_path, "news/report.v2.md", title="甲")
    write_article(tmp_path, "news/about.fr.md", title="乙")
    ids = sorted(a.id for a in open_site(tmp_path).articles)
    assert ids == ["news/about", "news/report.v2"]


def test_a_sites_declared_languages_decide_suffixes(tmp_path):
    (tmp_path / "hugo.toml").write_text("[languages.en]\nweight = 1\n[languages.fr]\nweight = 2\n", encoding="utf-8")
    write_article(tmp_path, "content/news/a.de.md", title="甲")  # de is not one of the site's
    write_article(tmp_path, "content/news/a.fr.md", title="乙")
    assert sorted(a.id for a in open_site(tmp_path).articles) == ["news/a", "news/a.de"]


# --- ids -------------------------------------------------------------------------------------


def test_an_explicit_id_cannot_take_over_another_files_path(tmp_path):
    # Issue 13, item 10: read first, a_first/x.md still cannot replace news/a.md.
    write_article(tmp_path, "a_first/x.md", title="冒名", id='"news/a"')
    write_article(tmp_path, "news/a.md", title="本人")
    newsroom = open_site(tmp_path)
    assert newsroom.article("news/a").title == "本人"
    [problem] = newsroom.problems
    assert problem.path == "a_first/x.md" and problem.severity == "error"
    assert "news/a.md" in problem.message


def test_year_one_shows_with_four_digits(tmp_path):
    write_article(tmp_path, "news/a.md", title="甲", date="0001-01-01T00:00:00Z")
    write_article(tmp_path, "news/b.md", title="乙", date="0001-01-01T08:30:00Z")
    newsroom = open_site(tmp_path)
    assert newsroom.article("news/a").date_text == "0001-01-01"
    assert newsroom.article("news/b").date_text == "0001-01-01 08:30"


# --- links outside the content folder (issue 13, item 2) -------------------------------


def test_a_link_to_a_file_outside_the_content_folder_is_not_read(tmp_path):
    content = tmp_path / "content"
    write_article(content, "news/a.md", title="甲")
    secret = write_article(tmp_path / "elsewhere", "secret.md", title="機密", body="機密內容")
    (content / "news" / "leak.md").symlink_to(secret)
    (content / "news" / "passwd.md").symlink_to("/etc/passwd")
    (content / "news" / "inside.md").symlink_to(content / "news" / "a.md")
    newsroom = open_site(content)
    assert sorted(a.id for a in newsroom.articles) == ["news/a", "news/inside"]
    problems = {p.path: p.message for p in newsroom.problems}
    assert problems == {"news/leak.md": loader.OUTSIDE, "news/passwd.md": loader.OUTSIDE}


def test_the_config_may_allow_outside_links_but_a_locked_config_never_does(tmp_path):
    content = tmp_path / "content"
    secret = write_article(tmp_path / "elsewhere", "secret.md", title="機密")
    content.mkdir()
    (content / "leak.md").symlink_to(secret)
    path = tmp_path / "config.toml"
    path.write_text('[newsroom]\ncontent_dir = "content"\nallow_outside_links = true\n', encoding="utf-8")
    allowed = config.load(path)
    assert [a.title for a in loader.load_newsroom(allowed).articles] == ["機密"]
    assert loader.load_newsroom(config.locked(allowed)).articles == []


def test_a_file_swapped_for_an_outside_link_after_loading_is_not_shown(tmp_path):
    content = tmp_path / "content"
    path = write_article(content, "news/a.md", title="甲", body="原文")
    secret = write_article(tmp_path / "elsewhere", "secret.md", title="機密", body="機密內容")
    loaded = config.for_content_dir(content)
    [article] = loader.load_newsroom(loaded).articles
    path.unlink()
    path.symlink_to(secret)
    with pytest.raises(loader.ContentError, match="outside"):
        loader.load_body(article, loaded)
