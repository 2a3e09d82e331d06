"""Beside an empty article list the reader previews nothing (it used to keep the article
the last section previewed, as if it belonged to the empty one)."""

from __future__ import annotations

from tests.app.conftest import WANG, reader_text, sample_app, started
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
