"""Pilot tests of the search flow over the sample newsroom."""

from __future__ import annotations

import threading
from pathlib import Path

from tests.app.conftest import WANG, WEI, reader_text, result_titles, sample_app, search_for, started, status, until
from tests.conftest import write_article
from tui.cli import build_app
from tui.ui.screens import search as search_screen
from tui.ui.screens.search import SNIPPETS_FIRST, SearchScreen
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


async def test_hits_past_the_first_screenful_get_their_snippets_as_the_list_reaches_them(tmp_path: Path):
    # Only the first hits come with snippets (making one costs more than finding the hit);
    # the list makes the others when it shows them, each from its own article.
    count = SNIPPETS_FIRST + ResultList.SNIPPETS_AT_ONCE + 6
    for number in range(count):
        write_article(
            tmp_path,
            f"n/a{number:03}.md",
            title=f"報道 {number}",
            body=f"第{number}篇的開頭。" * 3 + f"這裡談到質量第{number}號。",
            date=f"2010-01-{1 + number % 28:02}",
        )
    app = build_app(["--content", str(tmp_path), "--script", "original"])
    async with app.run_test(size=(100, 30)) as pilot:
        await started(app, pilot)
        results = await search_for(app, pilot, "質量")
        assert results.row_count == count
        assert [hit.snippet is None for hit in results.hits].count(False) == SNIPPETS_FIRST
        await pilot.press("down", "end")  # into the results, then to the last one
        await pilot.pause()
        last = results.row_count - 1
        assert results.cursor == last
        title, _, snippet = row_text(results, last)
        number = title.split()[-1]
        assert f"質量第{number}號" in snippet
        assert all(hit.snippet for hit in results.hits[last - 5 :])
        # Scrolled past, not shown: still to be made.
        assert any(hit.snippet is None for hit in results.hits)


async def test_a_key_does_not_write_searching_when_the_answer_comes_first(monkeypatch):
    # "Searching..." at every key sent the status line twice per key.
    monkeypatch.setattr(search_screen, "SLOW_SEARCH_SECONDS", 60)
    app = sample_app("--script", "original")
    async with app.run_test(size=(100, 30)) as pilot:
        await started(app, pilot)
        await pilot.press("slash")
        shown: list[str] = []
        status_line = app.screen.query_one("#search-status")
        update = status_line.update
        status_line.update = lambda text, **kwargs: (shown.append(str(text)), update(text, **kwargs))[1]
        await pilot.press(*"質量")
        await until(pilot, lambda: "3 results" in status(app))
        assert shown and not any("Searching" in text for text in shown)


async def test_a_slow_answer_says_searching_until_it_comes(monkeypatch):
    monkeypatch.setattr(search_screen, "SLOW_SEARCH_SECONDS", 0.05)
    app = sample_app("--script", "original")
    answer = threading.Event()
    search = app.search_articles

    def slow_search(*args, **kwargs):
        answer.wait(30)
        return search(*args, **kwargs)

    async with app.run_test(size=(100, 30)) as pilot:
        await started(app, pilot)
        app.search_articles = slow_search
        await pilot.press("slash", *"質量")
        await until(pilot, lambda: status(app) == "Searching...")
        answer.set()
        await until(pilot, lambda: "3 results" in status(app))


async def test_search_opens_again_empty_in_the_section_it_is_opened_from():
    """The app keeps one search screen: each opening starts a new search, in every article,
    from the section the reader is in, with the query field focused."""
    app = sample_app("--script", "original")
    async with app.run_test(size=(100, 30)) as pilot:
        await started(app, pilot)
        await pilot.press("j", "j", "j")  # 會議
        results = await search_for(app, pilot, "質量")
        first = app.screen
        await pilot.press("ctrl+g")
        await until(pilot, lambda: "in 會議" in status(app))
        await pilot.press("down")  # into the results
        assert app.focused is results
        await pilot.press("escape", "k")
        section = app.screen.query_one(SectionMenu).current.label
        assert section != "會議"

        await pilot.press("slash")
        assert app.screen is first
        assert app.screen.query_one("#query").value == ""
        assert app.focused is app.screen.query_one("#query")
        assert results.row_count == 0
        assert status(app) == "Type to search every article, in either script."
        await pilot.press(*"質量")
        await until(pilot, lambda: status(app) == "3 results")
        await pilot.press("ctrl+g")
        await until(pilot, lambda: f"in {section}" in status(app))


async def test_search_opened_again_never_draws_the_last_search():
    from tests.app.test_live import sent_text

    app = sample_app("--script", "original")
    async with app.run_test(size=(100, 30)) as pilot:
        await started(app, pilot)
        await search_for(app, pilot, "座談")
        await until(pilot, lambda: status(app) == "1 result")
        search = app.screen
        await pilot.press("escape")
        search.run_search = lambda *request: None  # its answer comes late: after a frame or more
        sent: list[str] = []
        real_display = app._display

        def display(screen, renderable):
            if renderable is not None and isinstance(screen, SearchScreen):
                sent.append(sent_text(renderable))
            real_display(screen, renderable)

        app._display = display
        await pilot.press("slash")
        await until(pilot, lambda: any("Type to search" in text for text in sent))
        await pilot.pause()
        assert sent and not any("座談" in text or "result" in text for text in sent)


async def test_a_closed_search_does_not_search_when_the_content_changes():
    app = sample_app("--script", "original")
    async with app.run_test(size=(100, 30)) as pilot:
        await started(app, pilot)
        await search_for(app, pilot, "質量")
        await pilot.press("escape")
        asked: list[object] = []
        search = app.search_articles
        app.search_articles = lambda *args, **kwargs: (asked.append(args), search(*args, **kwargs))[1]
        app.content_version += 1
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert asked == []
        await search_for(app, pilot, "質量")  # opened again, it asks
        await until(pilot, lambda: status(app) == "3 results")
        assert asked


async def test_an_idle_search_draws_nothing():
    """The query field's cursor does not blink: a reader who leaves a search open on a slow
    link is sent nothing (a blink redrew the line twice a second, ~450 bytes a second)."""
    app = sample_app("--script", "original")
    async with app.run_test(size=(100, 30)) as pilot:
        await started(app, pilot)
        await search_for(app, pilot, "質量")
        await until(pilot, lambda: status(app) == "3 results")
        await pilot.pause()
        frames: list[object] = []
        real_display = app._display
        app._display = lambda screen, renderable: (
            renderable is None or frames.append(renderable),
            real_display(screen, renderable),
        )
        await pilot.pause(1.6)  # three blinks' time
        assert frames == []


async def test_a_late_answer_from_a_search_opened_before_is_dropped():
    """The search screen is opened again for each search: an answer to the last opening's
    request (a thread cannot be stopped) never shows in the next one."""
    app = sample_app("--script", "original")
    release = threading.Event()
    search = app.search_articles

    def slow_in_meetings(query, limit, section_id=None, **kwargs):
        if section_id == "meetings":
            release.wait(30)
        return search(query, limit, section_id, **kwargs)

    app.search_articles = slow_in_meetings
    async with app.run_test(size=(100, 30)) as pilot:
        await started(app, pilot)
        await pilot.press("j", "j", "j")  # 會議
        await search_for(app, pilot, "質量")
        await pilot.press("ctrl+g")  # in 會議: its answer waits
        await pilot.press("escape", "k")
        section = app.screen.query_one(SectionMenu).current.label
        results = await search_for(app, pilot, "質量")
        await pilot.press("ctrl+g")
        await until(pilot, lambda: status(app) == f"0 results in {section}")
        release.set()
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert status(app) == f"0 results in {section}"
        assert results.hits == []


async def test_a_closed_search_keeps_no_hits():
    app = sample_app("--script", "original")
    async with app.run_test(size=(100, 30)) as pilot:
        await started(app, pilot)
        results = await search_for(app, pilot, "質量")
        await until(pilot, lambda: len(results.hits) == 3)
        await pilot.press("escape")
        assert results.hits == [] and results.newsroom is None
