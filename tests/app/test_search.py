"""Pilot tests of the search flow over the sample newsroom."""

from __future__ import annotations

from pathlib import Path

from tests.app.conftest import WANG, WEI, reader_text, result_titles, sample_app, search_for, started
from tests.conftest import write_article
from tui.cli import build_app
from tui.ui.screens.search import SearchScreen
from tui.ui.widgets.article_list import ArticleList
from tui.ui.widgets.reader import Reader
from tui.ui.widgets.result_list import ResultList
from tui.ui.widgets.section_menu import SectionMenu


def row_text(results: ResultList, index: int) -> list[str]:
    width = results.scrollable_content_region.width
    return ["".join(cell.text for cell in line) for line in results.row_lines(index, width)]


async def test_results_update_as_you_type_and_title_matches_rank_first():
    app = sample_app("--script", "original")
    async with app.run_test(size=(100, 30)) as pilot:
        await started(app, pilot)
        results = await search_for(app, pilot, "魏傳")
        assert result_titles(results) == [WEI]
        await pilot.press("backspace", "backspace", *"質量")
        await app.workers.wait_for_complete()
        await pilot.pause()
        titles = result_titles(results)
        assert len(titles) == 3 and titles[0] == WANG  # all three have 質量 in the title: newest first
        status = str(app.screen.query_one("#search-status").render())
        assert "3 results" in status


async def test_search_is_script_blind_and_marks_what_is_shown():
    app = sample_app("--script", "simplified")
    async with app.run_test(size=(100, 30)) as pilot:
        await started(app, pilot)
        results = await search_for(app, pilot, "检验检疫")  # simplified query, traditional article
        assert result_titles(results) == [WEI]
        title, _, snippet = row_text(results, 0)
        assert "检验检疫" in snippet  # shown in the simplified script
        marks = results.row_lines(0, 80)[2][1].marks
        start, end = marks[0]
        assert results.row_lines(0, 80)[2][1].text[start:end] == "检验检疫"


async def test_enter_opens_with_highlights_and_n_jumps_between_matches():
    app = sample_app("--script", "original")
    async with app.run_test(size=(80, 24)) as pilot:
        await started(app, pilot)
        await search_for(app, pilot, "質量")
        await pilot.press("enter")  # from the field to the results
        assert isinstance(app.focused, ResultList)
        await pilot.press("enter")
        await pilot.pause()
        assert not isinstance(app.screen, SearchScreen)
        reader = app.screen.query_one(Reader)
        assert app.focused is reader and reader.article.title == WANG
        matches = reader.match_lines
        assert len(matches) > 5
        await pilot.press("n")
        first = reader.scroll_offset.y
        await pilot.press("n")
        assert reader.scroll_offset.y > first
        await pilot.press("N")
        assert reader.scroll_offset.y == first
        # Opening another article normally drops the highlights.
        await pilot.press("right_square_bracket")
        await pilot.pause()
        assert reader.match_lines == []


async def test_escape_returns_to_where_you_were():
    app = sample_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await started(app, pilot)
        await pilot.press("j", "j", "j", "enter")  # 會議, its list focused
        before = (app.screen.query_one(SectionMenu).current.id, app.focused)
        await search_for(app, pilot, "魏")
        await pilot.press("escape")
        assert not isinstance(app.screen, SearchScreen)
        assert (app.screen.query_one(SectionMenu).current.id, app.focused) == before


async def test_section_scope_with_ctrl_g_and_filter():
    app = sample_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await started(app, pilot)
        await pilot.press("j", "j", "j")  # 會議
        results = await search_for(app, pilot, "質量")
        assert len(results.hits) == 3
        await pilot.press("ctrl+g")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert result_titles(results) == [WANG]
        assert "in 會議" in str(app.screen.query_one("#search-status").render())
        await pilot.press("ctrl+g", *" section:statements")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert result_titles(results) == [WEI]


async def test_typing_app_keys_into_the_field_types_them(tmp_path: Path):
    write_article(tmp_path, "n/a.md", title="quality tops", body="text about quality.")
    app = build_app(["--content", str(tmp_path)])
    async with app.run_test(size=(100, 30)) as pilot:
        await started(app, pilot)
        await search_for(app, pilot, "tqop/")
        assert app.screen.query_one("#query").value == "tqop/"
        assert app.is_running


async def test_search_results_follow_the_script_mode_and_the_article_list_is_kept():
    app = sample_app("--script", "original")
    async with app.run_test(size=(100, 30)) as pilot:
        await started(app, pilot)
        results = await search_for(app, pilot, "座談")
        assert "座談" in row_text(results, 0)[0]
        await pilot.press("enter", "enter")
        await pilot.pause()
        assert "座談" in reader_text(app)
        await pilot.press("t")
        assert "座谈" in reader_text(app)
        assert app.screen.query_one(ArticleList).current.title == WANG
