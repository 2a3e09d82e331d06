"""Bad input never hurts: the app starts on a hostile corpus, shows every good
article, lists each bad file as a problem, and shows content only as text."""

from __future__ import annotations

from pathlib import Path

from rich.cells import cell_len

from tests.app.conftest import reader_text, started
from tests.hostile import MARKUP, build_hostile_corpus
from tui.cli import build_app
from tui.ui.screens.problems import ProblemsScreen
from tui.ui.widgets.article_list import ArticleList
from tui.ui.widgets.reader import Reader


async def test_hostile_corpus(tmp_path: Path):
    corpus = build_hostile_corpus(tmp_path)
    app = build_app(["--content", str(tmp_path)])
    async with app.run_test(size=(100, 30)) as pilot:
        await started(app, pilot)
        shown = [article.title for article in app.screen.query_one(ArticleList).articles]
        assert sorted(shown) == sorted(corpus.good_titles)
        problems = {problem.path for problem in app.newsroom.problems if problem.severity == "error"}
        assert problems == set(corpus.bad_files)
        # Every article opens, and nothing it shows contains a control character.
        articles = app.screen.query_one(ArticleList)
        articles.focus()
        for index in range(len(shown)):
            articles.move_cursor(index)
            await pilot.pause()
            text = reader_text(app)
            assert not any(ord(c) < 0x20 and c != "\n" or 0x7F <= ord(c) <= 0x9F for c in text)
            # Every line of the reader is exactly as wide as the pane, as the terminal will measure it.
            reader = app.screen.query_one(Reader)
            for y in range(reader.scrollable_content_region.height):
                strip = reader.render_line(y)
                assert cell_len(strip.text) == strip.cell_length == reader.scrollable_content_region.width, (
                    y,
                    strip.text,
                )
        await pilot.press("p")
        assert isinstance(app.screen, ProblemsScreen)
        await pilot.press("escape")
        assert app.is_running


async def test_markup_in_every_field_stays_text(tmp_path: Path):
    build_hostile_corpus(tmp_path, huge=False)
    app = build_app(["--content", str(tmp_path)])
    async with app.run_test(size=(120, 40)) as pilot:
        await started(app, pilot)
        articles = app.screen.query_one(ArticleList)
        for number, markup in enumerate(MARKUP):
            assert articles.select_article(f"news/markup{number}")
            await pilot.pause()
            text = reader_text(app)
            assert text.count(markup) >= 5, (markup, text)  # title, deck, meta, caption, body
            await pilot.click(Reader, offset=(2, 0))
            await pilot.pause()
            assert app.is_running


async def test_huge_body_is_cut_with_a_note(tmp_path: Path):
    build_hostile_corpus(tmp_path)
    app = build_app(["--content", str(tmp_path), "--open", "big/huge-body"])
    async with app.run_test(size=(100, 30)) as pilot:
        await started(app, pilot)
        reader = app.screen.query_one(Reader)
        assert reader.article.title == "巨大正文"
        assert "Showing the first 1,000,000 of 10,000,001 characters" in reader_text(app)


async def test_resizing_down_to_20x6_and_back(tmp_path: Path):
    build_hostile_corpus(tmp_path, huge=False)
    app = build_app(["--content", str(tmp_path)])
    async with app.run_test(size=(100, 30)) as pilot:
        await started(app, pilot)
        await pilot.press("enter", "enter")
        for size in [(60, 20), (30, 10), (20, 6), (10, 3), (20, 6), (80, 24), (200, 60)]:
            await pilot.resize_terminal(*size)
            await pilot.pause()
            await pilot.press("down", "tab", "t")
        assert app.is_running
