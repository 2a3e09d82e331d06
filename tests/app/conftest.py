"""Helpers shared by the app tests: the sample newsroom's headlines and app, and ways to read the screen."""

from __future__ import annotations

from tests.conftest import SAMPLE_CONFIG
from tui.cli import build_app
from tui.ui.screens.search import SearchScreen
from tui.ui.widgets.article_list import ArticleList
from tui.ui.widgets.masthead import Masthead
from tui.ui.widgets.reader import Reader
from tui.ui.widgets.result_list import ResultList

WANG = "王岐山在質量工作座談會上指出"
AQSIQ = "質檢總局發布《大質量工作機制建設工作方案》"
WEI = "魏傳忠:建立大質量工作機制 想實招出實力求實效"


async def started(app, pilot):
    await app.workers.wait_for_complete()
    await pilot.pause()


def reader_text(app) -> str:
    reader = app.screen.query_one(Reader)
    return "\n".join(
        "".join(segment.text for segment in reader.render_line(y)).rstrip()
        for y in range(reader.scrollable_content_region.height)
    )


def titles(app) -> list[str]:
    return [article.title for article in app.screen.query_one(ArticleList).articles]


def sample_app(*args: str):
    return build_app(["--config", str(SAMPLE_CONFIG), *args])


async def search_for(app, pilot, text: str) -> ResultList:
    await pilot.press("slash")
    assert isinstance(app.screen, SearchScreen)
    await pilot.press(*text)
    await app.workers.wait_for_complete()
    await pilot.pause()
    return app.screen.query_one(ResultList)


def result_titles(results: ResultList) -> list[str]:
    return [results.newsroom.article(hit.article_id).title for hit in results.hits]


async def until(pilot, condition, tries: int = 600) -> None:
    for _ in range(tries):
        if condition():
            return
        await pilot.pause(0.05)
    raise AssertionError("condition not met")


def status(app) -> str:
    return str(app.screen.query_one("#search-status").render())


def screen_rows(widget) -> list[str]:
    return ["".join(s.text for s in widget.render_line(y)).strip() for y in range(widget.size.height)]


def masthead(app) -> Masthead:
    return app.screen.query_one(Masthead)
