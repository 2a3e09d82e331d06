"""Pilot tests: searching the sample newsroom by typing pinyin, no Chinese input method."""

from __future__ import annotations

from tests.app.conftest import AQSIQ, WANG, WEI, result_titles, search_for, started
from tests.conftest import SAMPLE_CONFIG
from tui.cli import build_app
from tui.ui.screens.search import SearchScreen
from tui.ui.widgets.reader import Reader
from tui.ui.widgets.result_list import ResultList


def sample_app(*args: str):
    return build_app(["--config", str(SAMPLE_CONFIG), "--script", "original", *args])


def row(results: ResultList, index: int) -> list[str]:
    return ["".join(cell.text for cell in line) for line in results.row_lines(index, 96)]


def marked(results: ResultList, index: int, line: int) -> list[str]:
    cell = results.row_lines(index, 96)[line][1]
    return [cell.text[start:end] for start, end in cell.marks]


async def test_zhiliang_lists_all_three_articles_with_the_pinyin_shown():
    app = sample_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await started(app, pilot)
        results = await search_for(app, pilot, "zhiliang")
        assert sorted(result_titles(results)) == sorted([WANG, WEI, AQSIQ])
        assert result_titles(results)[0] == WANG  # newest first, as for 質量
        _, meta, _ = row(results, 0)
        assert "質量 zhìliàng" in meta  # why it matched, beside the hit
        assert marked(results, 0, 0) == ["質量"]  # and the characters are marked in the title
        status = str(app.screen.query_one("#search-status").render())
        assert "3 results" in status


async def test_initials_find_the_wang_qishan_speech():
    app = sample_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await started(app, pilot)
        results = await search_for(app, pilot, "wqs")
        assert result_titles(results) == [WANG]
        assert "王岐山 wángqíshān" in row(results, 0)[1]
        assert marked(results, 0, 0) == ["王岐山"]


async def test_results_follow_the_pinyin_as_it_is_typed():
    app = sample_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await started(app, pilot)
        results = await search_for(app, pilot, "zhil")  # the second syllable half typed
        assert WANG in result_titles(results)
        await pilot.press(*"iang")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert len(results.hits) == 3


async def test_pinyin_in_the_simplified_display_and_the_reader_marks():
    app = sample_app("--script", "simplified")
    async with app.run_test(size=(100, 30)) as pilot:
        await started(app, pilot)
        results = await search_for(app, pilot, "wqs")
        assert "王岐山 wángqíshān" in row(results, 0)[1]
        await pilot.press("enter")  # to the results
        await pilot.press("enter")  # open the article
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert not isinstance(app.screen, SearchScreen)
        reader = app.screen.query_one(Reader)
        assert reader.article.title == WANG
        assert reader.match_lines  # 王岐山 is marked in the reader too, n/N jump to it
