"""Beside an empty article list the reader previews nothing (it used to keep the article
the last section previewed, as if it belonged to the empty one)."""

from __future__ import annotations

from tests.app.conftest import WANG, reader_text, sample_app, screen_rows, started
from tui.ui.widgets.article_list import ArticleList
from tui.ui.widgets.reader import Reader
from tui.ui.widgets.section_menu import SectionMenu


async def move_to(app, pilot, section_id: str) -> None:
    menu = app.screen.query_one(SectionMenu)
    menu.move_cursor([s.id for s in menu.sections].index(section_id))
    await app.workers.wait_for_complete()
    await pilot.pause()


async def test_an_empty_section_previews_nothing_and_the_next_one_previews_again():
    app = sample_app("--script", "original", "--no-watch")
    async with app.run_test(size=(120, 35)) as pilot:
        await started(app, pilot)
        reader = app.screen.query_one(Reader)
        await move_to(app, pilot, "meetings")
        assert reader.article is not None and reader.article.title == WANG and "王岐山" in reader_text(app)
        await move_to(app, pilot, "visits")  # 出訪: in the sample's menu, with no articles yet
        assert app.screen.query_one(ArticleList).articles == []
        assert reader.article is None and "王岐山" not in reader_text(app)
        await move_to(app, pilot, "meetings")  # back: the preview follows the list again
        assert reader.article is not None and reader.article.title == WANG


async def test_the_saved_list_with_nothing_saved_previews_nothing():
    app = sample_app("--script", "original", "--no-watch")
    async with app.run_test(size=(120, 35)) as pilot:
        await started(app, pilot)
        await move_to(app, pilot, "meetings")
        assert app.screen.query_one(Reader).article is not None
        app.screen.show_saved()
        await pilot.pause()
        assert app.screen.query_one(ArticleList).articles == []
        assert app.screen.query_one(Reader).article is None


async def test_at_80x24_an_empty_lists_words_wrap_instead_of_being_cut_and_the_reader_is_blank():
    app = sample_app("--script", "original", "--no-watch")
    async with app.run_test(size=(80, 24)) as pilot:
        await started(app, pilot)
        await move_to(app, pilot, "visits")
        reader = app.screen.query_one(Reader)
        assert "".join(screen_rows(reader)) == ""  # nothing to choose: no "choose an article" either
        listed = screen_rows(app.screen.query_one(ArticleList))
        assert "".join(listed).replace(" ", "") == "Noarticlesinthissection."
        assert not any("⋯" in row for row in listed)
        await pilot.press("u")  # only unread: the longer sentence wraps too
        await pilot.pause()
        listed = "".join(screen_rows(app.screen.query_one(ArticleList)))
        assert listed.replace(" ", "") == "Nounreadarticles(u:all)."


async def test_a_readers_note_wraps_to_a_narrow_pane():
    app = sample_app("--script", "original", "--no-watch")
    async with app.run_test(size=(80, 24)) as pilot:
        await started(app, pilot)
        reader = app.screen.query_one(Reader)
        assert reader.size.width < 50
        reader.show_hint("This article has been removed from the newsroom.")
        await pilot.pause()
        rows = screen_rows(reader)
        assert len([row for row in rows if row]) == 2
        assert " ".join(row for row in rows if row) == "This article has been removed from the newsroom."
