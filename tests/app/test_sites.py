"""Pilot tests: a static site opened as it is, translations chosen by script mode or by the language key."""

from __future__ import annotations

from tests import site_trees
from tests.app.conftest import masthead, reader_text, screen_rows, search_for, started
from tui.cli import build_app
from tui.ui.screens.language_chooser import LanguageChooser
from tui.ui.widgets.article_list import ArticleList
from tui.ui.widgets.reader import Reader


def site_app(site, *args: str):
    return build_app(["--content", str(site), *args])


async def open_first_article(pilot):
    await pilot.press("tab", "enter")  # the article list, then open its first article
    await pilot.pause()


async def test_a_site_root_opens_with_its_title_one_entry_per_page_and_the_variants_named(tmp_path):
    app = site_app(site_trees.stack_like(tmp_path), "--script", "original")
    async with app.run_test(size=(120, 40)) as pilot:
        await started(app, pilot)
        assert masthead(app).title == "Stack 示範"
        assert [a.id for a in app.screen.query_one(ArticleList).articles] == ["post/quality-gallery", "post/plain"]
        await open_first_article(pilot)
        text = reader_text(app)
        assert "Quality gallery" in text and "Pictures from the forum." in text
        assert "Also in 中文, 臺灣, 日本語 (l: language)" in text
        assert "[圖片] The forum hall" in text


async def test_the_script_mode_picks_the_authored_variant(tmp_path):
    app = site_app(site_trees.stack_like(tmp_path), "--script", "original")
    async with app.run_test(size=(120, 40)) as pilot:
        await started(app, pilot)
        await open_first_article(pilot)
        await pilot.press("t")  # 简体: the zh page as written
        await pilot.pause()
        assert "质量相册" in reader_text(app) and "这里是座谈会的照片" in reader_text(app)
        assert "质量相册" in " ".join(screen_rows(app.screen.query_one(ArticleList)))
        await pilot.press("t")  # 繁體: no zh-hant page, so the zh-hant-tw one
        await pilot.pause()
        assert "質量相簿" in reader_text(app) and "這裡是座談會的相片" in reader_text(app)
        await pilot.press("o")  # the original of what is on screen: the same page, unconverted
        await pilot.pause()
        assert "質量相簿" in reader_text(app)
        await pilot.press("o", "t")  # back to 原文: the site's default language
        await pilot.pause()
        assert "Quality gallery" in reader_text(app)


async def test_the_language_key_chooses_among_the_sites_languages(tmp_path):
    app = site_app(site_trees.stack_like(tmp_path), "--script", "simplified")
    async with app.run_test(size=(120, 40)) as pilot:
        await started(app, pilot)
        await open_first_article(pilot)
        await pilot.press("l")
        assert isinstance(app.screen, LanguageChooser)
        await pilot.press("down", "down", "down", "down", "enter")  # by script, en, zh, zh-hant-tw, ja
        await pilot.pause()
        text = reader_text(app)
        assert "品質アルバム" in text and "千葉で書き込むテストの写真です。" in text  # never converted
        assert masthead(app).mode == "ja 简体"
        assert "Plain post" in " ".join(screen_rows(app.screen.query_one(ArticleList)))  # no ja: the mode's pick
        await pilot.press("l", "home", "enter")  # by script again (the chooser opens on ja)
        await pilot.pause()
        assert "质量相册" in reader_text(app) and masthead(app).mode == "简体"


async def test_the_palette_chooses_a_language(tmp_path):
    app = site_app(site_trees.stack_like(tmp_path), "--script", "original")
    async with app.run_test(size=(120, 40)) as pilot:
        await started(app, pilot)
        await open_first_article(pilot)
        await pilot.press("ctrl+p")
        await pilot.press(*"language zh-hant-tw")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await pilot.pause()
        assert app.presenter.language == "zh-hant-tw" and "質量相簿" in reader_text(app)


async def test_a_newsroom_in_one_language_says_so(tmp_path):
    app = site_app(site_trees.zola_docs(tmp_path))
    async with app.run_test(size=(120, 40)) as pilot:
        await started(app, pilot)
        await pilot.press("l")
        await pilot.pause()
        assert not isinstance(app.screen, LanguageChooser)


async def test_search_finds_any_variant_and_opens_the_modes(tmp_path):
    app = site_app(site_trees.stack_like(tmp_path), "--script", "taiwan")
    async with app.run_test(size=(120, 40)) as pilot:
        await started(app, pilot)
        results = await search_for(app, pilot, "座谈会的照片")  # in the zh page only
        assert [hit.article_id for hit in results.hits] == ["post/quality-gallery"]
        await pilot.press("enter", "enter")
        await pilot.pause()
        assert "質量相簿" in reader_text(app)


async def test_open_takes_an_alias_and_branches_label_the_list(tmp_path):
    app = site_app(site_trees.gin_like(tmp_path), "--open", "docs/examples/upload-file/single-file")
    async with app.run_test(size=(120, 40)) as pilot:
        await started(app, pilot)
        assert app.screen.query_one(Reader).article.title == "Single file"
        rows = " ".join(screen_rows(app.screen.query_one(ArticleList)))
        assert "Examples / Upload files" in rows
    app = site_app(site_trees.hugo_basic(tmp_path), "--open", "about-us")
    async with app.run_test(size=(120, 40)) as pilot:
        await started(app, pilot)
        assert app.screen.query_one(Reader).article.id == "about"
        assert app.screen.query_one(ArticleList).current.id == "about"


async def test_a_kiosk_never_reads_links_outside_the_content_folder(tmp_path):
    content = tmp_path / "content"
    site_trees.write(content, "news/a.md", "---\ntitle: 甲\n---\n\n正文。\n")
    secret = site_trees.write(tmp_path, "elsewhere/secret.md", "---\ntitle: 機密\n---\n\n機密內容。\n")
    (content / "news" / "leak.md").symlink_to(secret)
    path = tmp_path / "config.toml"
    path.write_text('[newsroom]\ncontent_dir = "content"\nallow_outside_links = true\n', encoding="utf-8")
    for args, expected in ((["--config", str(path)], 2), (["--config", str(path), "--kiosk"], 1)):
        app = build_app(args)
        async with app.run_test(size=(120, 40)) as pilot:
            await started(app, pilot)
            assert len(app.newsroom.articles) == expected, args


async def test_the_section_menu_follows_the_language_shown(tmp_path):
    from tui.ui.widgets.section_menu import SectionMenu

    app = site_app(site_trees.gin_like(tmp_path), "--script", "original")
    async with app.run_test(size=(120, 40)) as pilot:
        await started(app, pilot)
        menu = app.screen.query_one(SectionMenu)
        assert "Documentat" in " ".join(screen_rows(menu))  # cut to the menu's width
        await pilot.press("t")  # 简体: the zh-cn section page's title
        await pilot.pause()
        assert "文档" in " ".join(screen_rows(menu))
        await pilot.press("l")
        await pilot.press("down", "down", "down", "down", "enter")  # by script, en, zh-cn, zh-tw, ja
        await pilot.pause()
        assert "ドキュメン" in " ".join(screen_rows(menu))  # cut to the menu's width, never converted
