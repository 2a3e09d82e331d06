"""What a key repaints: only what it changed (no timings here; bench/ measures those).

Each test counts the lines a widget is asked to draw again after one key: Textual
asks `render_line` only for the lines a refresh marked, so the count is what the
terminal will be sent for that widget.
"""

from __future__ import annotations

import contextlib
import time
from collections import defaultdict
from pathlib import Path

from textual import events
from textual.css.query import NoMatches

from tests.conftest import write_article
from tui.cli import build_app
from tui.ui.screens.browse import BrowseScreen
from tui.ui.screens.help import HelpScreen
from tui.ui.widgets.article_list import ArticleList
from tui.ui.widgets.key_bar import KeyBar
from tui.ui.widgets.reader import Reader
from tui.ui.widgets.row_list import RowList
from tui.ui.widgets.scrollbar import SteadyScrollBar
from tui.ui.widgets.section_menu import SectionMenu


def newsroom(root: Path, count: int = 40) -> Path:
    """`count` articles in one section, newest first as 第0篇, 第1篇, ...; long enough bodies to scroll."""
    for number in range(count):
        write_article(
            root,
            f"news/{number:03}.md",
            title=f"第{number}篇",
            body="\n\n".join(f"第{number}篇的第{p}段。質量是基礎，安全是底線。" * 3 for p in range(20 + number % 7)),
            date=f"2020-01-01T00:00:{59 - number % 60:02}Z" if number < 60 else "2019-01-01T00:00:00Z",
        )
    return root


class Painted:
    """Records the lines each watched widget is asked to draw."""

    def __init__(self, monkeypatch, *classes: type) -> None:
        self.lines: dict[str, list[int]] = defaultdict(list)
        for cls in classes:
            original = cls.render_line

            def spy(widget, y, _original=original):
                self.lines[widget.id or type(widget).__name__].append(y)
                return _original(widget, y)

            monkeypatch.setattr(cls, "render_line", spy)

    def clear(self) -> None:
        self.lines.clear()


async def settle(app, pilot) -> None:
    await app.workers.wait_for_complete()
    await pilot.pause()
    await pilot.pause()


async def open_app(root: Path, pilot_size=(120, 35)):
    app = build_app(["--content", str(root)])
    return app, app.run_test(size=pilot_size)


async def test_a_row_move_repaints_only_the_two_rows_it_changed(tmp_path, monkeypatch):
    painted = Painted(monkeypatch, ArticleList, SectionMenu)
    app, running = await open_app(newsroom(tmp_path))
    async with running as pilot:
        await settle(app, pilot)
        await pilot.press("tab")  # into the article list
        await settle(app, pilot)
        painted.clear()
        await pilot.press("j")
        await settle(app, pilot)
        # Rows are two lines: the old cursor row (lines 0, 1) and the new one (2, 3).
        assert sorted(painted.lines["articles"]) == [0, 1, 2, 3]
        assert "sections" not in painted.lines
        assert app.screen.query_one(Reader).article.title == "第1篇"  # and the preview followed


async def test_a_focus_change_restyles_the_cursor_rows_and_does_not_relay_the_reader(tmp_path, monkeypatch):
    painted = Painted(monkeypatch, ArticleList, SectionMenu, Reader)
    layouts = []
    original_relayout = Reader._relayout
    monkeypatch.setattr(Reader, "_relayout", lambda reader: (layouts.append(1), original_relayout(reader)))
    app, running = await open_app(newsroom(tmp_path))
    async with running as pilot:
        await settle(app, pilot)
        painted.clear()
        layouts.clear()
        await pilot.press("tab")  # menu -> list: each list's cursor row changes colour
        await settle(app, pilot)
        assert sorted(painted.lines["sections"]) == [0]
        assert sorted(painted.lines["articles"]) == [0, 1]
        assert "reader" not in painted.lines
        painted.clear()
        await pilot.press("tab")  # into the reader: the article is read now, and only
        await settle(app, pilot)  # its row and the counts of its sections change
        assert sorted(painted.lines["articles"]) == [0, 1]
        assert sorted(painted.lines["sections"]) == [0, 1]  # the front page and 'news'
        assert "reader" not in painted.lines
        for key in ("shift+tab", "tab", "shift+tab", "enter", "escape"):  # list <-> reader, both ways
            painted.clear()
            await pilot.press(key)
            await settle(app, pilot)
            assert sorted(painted.lines["articles"]) == [0, 1], key
            assert "reader" not in painted.lines and "sections" not in painted.lines, key
        assert isinstance(app.focused, ArticleList)
        assert layouts == []  # the reader was never laid out again


async def test_a_focus_change_does_not_repaint_the_scrollbars(tmp_path, monkeypatch):
    drawn = []
    original_render = SteadyScrollBar.render
    monkeypatch.setattr(SteadyScrollBar, "render", lambda bar: (drawn.append(bar.parent.id), original_render(bar))[1])
    app, running = await open_app(newsroom(tmp_path))
    async with running as pilot:
        await settle(app, pilot)
        assert app.screen.query_one(ArticleList).show_vertical_scrollbar  # 40 articles do not fit
        drawn.clear()
        for key in ("tab", "tab", "shift+tab", "shift+tab", "tab", "enter", "escape"):
            await pilot.press(key)
            await settle(app, pilot)
        assert drawn == []
        await pilot.press("j")  # a new article in the reader: its scrollbar changes
        await settle(app, pilot)
        assert drawn == ["reader"]


CHARACTERS = {"tab": "\t", "enter": "\r", "escape": "\x1b", "right_square_bracket": "]", "slash": "/"}


def post_together(app, *keys: str) -> None:
    """Keys that arrive at once, as over a slow link: all queued before the first is handled."""
    for key in keys:
        app.post_message(events.Key(key, CHARACTERS.get(key, key)))


async def wait_until(pilot, check, tries: int = 300) -> None:
    for _ in range(tries):
        with contextlib.suppress(NoMatches):
            if check():
                return
        await pilot.pause(0.02)


async def test_keys_typed_ahead_skip_the_previews_of_rows_passed_over(tmp_path, monkeypatch):
    opened: list[str] = []
    original_open = BrowseScreen._open
    monkeypatch.setattr(
        BrowseScreen,
        "_open",
        lambda screen, article, *a: (opened.append(article.title), original_open(screen, article, *a)),
    )
    app, running = await open_app(newsroom(tmp_path))
    async with running as pilot:
        await settle(app, pilot)
        await pilot.press("tab")
        await settle(app, pilot)
        opened.clear()
        post_together(app, *"jjjjjj")
        reader = app.screen.query_one(Reader)
        articles = app.screen.query_one(ArticleList)
        await wait_until(pilot, lambda: reader.article.title == "第6篇")
        assert articles.cursor == 6 and reader.article.title == "第6篇"
        assert opened == ["第6篇"]  # rows 1 to 5 were passed over, not opened
        assert app.focused is articles


async def test_keys_typed_ahead_after_moves_act_on_the_article_moved_to(tmp_path):
    """A preview skipped while moving is opened before a key that would act on it."""
    app, running = await open_app(newsroom(tmp_path))
    async with running as pilot:
        await settle(app, pilot)
        post_together(app, "tab", "j", "j", "tab", "j")  # to row 2, into the reader, scroll a line
        reader = app.screen.query_one(Reader)
        await wait_until(pilot, lambda: app.focused is reader and reader.scroll_offset.y == 1)
        assert reader.article.title == "第2篇"
        assert app.focused is reader and reader.scroll_offset.y == 1
        post_together(app, "escape", "k", "enter")
        await wait_until(pilot, lambda: app.focused is reader and reader.article.title == "第1篇")
        assert app.focused is reader and reader.article.title == "第1篇"


async def test_a_key_waits_for_every_hand_off_the_key_before_set_off(tmp_path, monkeypatch):
    """Under load a key's effects may take longer than any fixed patience; the next key
    still waits for them. Here `enter` reaches the reader only after many hand-offs
    through the list's own queue, each keeping the UI thread busy (a loaded machine),
    and the `]` typed after it must still step the reader to the next article."""
    original_select = RowList.action_select

    def slow_select(row_list):
        def hand_off(left):
            time.sleep(0.05)  # the UI thread is busy
            if left:
                row_list.call_later(hand_off, left - 1)
            else:
                original_select(row_list)

        row_list.call_later(hand_off, 12)

    monkeypatch.setattr(RowList, "action_select", slow_select)
    app, running = await open_app(newsroom(tmp_path, count=5))
    async with running as pilot:
        await settle(app, pilot)
        reader = app.screen.query_one(Reader)
        post_together(app, "tab", "enter", "right_square_bracket")
        await wait_until(pilot, lambda: app.focused is reader and reader.article.title == "第1篇")
        assert app.focused is reader
        assert reader.article.title == "第1篇"  # `]` reached the reader and stepped on


def bar_text(app) -> str:
    bar = app.screen.query_one(KeyBar)
    return "".join(segment.text for segment in bar.render_line(0))


async def test_the_key_bar_follows_focus_and_repaints_only_when_its_keys_change(tmp_path, monkeypatch):
    painted = Painted(monkeypatch, KeyBar)
    app, running = await open_app(newsroom(tmp_path, count=5))
    async with running as pilot:
        await settle(app, pilot)
        assert "Open" in bar_text(app) and "Page down" not in bar_text(app)
        painted.clear()
        await pilot.press("tab")  # menu -> list: the same keys
        await settle(app, pilot)
        assert painted.lines == {}
        await pilot.press("tab")  # -> reader: its own keys
        await settle(app, pilot)
        assert painted.lines["KeyBar"] == [0]
        assert "Page down" in bar_text(app) and "^p palette" in bar_text(app)
        x = bar_text(app).index(" ? ")
        await pilot.click(KeyBar, offset=(x + 1, 0))  # a key in the bar works as the key does
        await wait_until(pilot, lambda: isinstance(app.screen, HelpScreen))
        assert isinstance(app.screen, HelpScreen)


async def test_marking_an_article_read_repaints_its_row_and_the_counts_only(tmp_path, monkeypatch):
    painted = Painted(monkeypatch, ArticleList, SectionMenu)
    app, running = await open_app(newsroom(tmp_path))
    async with running as pilot:
        await settle(app, pilot)
        await pilot.press("tab", "j", "j")
        await settle(app, pilot)
        painted.clear()
        await pilot.press("m")  # mark the highlighted article (row 2) read
        await settle(app, pilot)
        assert sorted(painted.lines["articles"]) == [4, 5]
        assert sorted(painted.lines["sections"]) == [0, 1]


async def test_a_reader_who_never_searches_never_loads_the_search_tables(tmp_path, monkeypatch):
    """The memory target is met by loading at start only what the `t` key needs."""
    import tui.ui.screens.search as search_screen
    from tui.chinese.script import ScriptConverter, ScriptMode

    warmed, prepared = [], []
    original_warm = ScriptConverter.warm
    monkeypatch.setattr(
        ScriptConverter, "warm", lambda self, modes: (warmed.append(set(modes)), original_warm(self, modes))
    )
    monkeypatch.setattr(search_screen, "prepare_search", lambda *a, **k: prepared.append(1))
    app, running = await open_app(newsroom(tmp_path, count=5))
    async with running as pilot:
        await settle(app, pilot)
        await pilot.press("t")
        await settle(app, pilot)
        # the original script and simplified (the first `t`: t2s); then simplified and traditional (s2t)
        assert warmed == [
            {ScriptMode.ORIGINAL, ScriptMode.SIMPLIFIED},
            {ScriptMode.SIMPLIFIED, ScriptMode.TRADITIONAL},
        ]
        assert prepared == []
        await pilot.press("slash")
        await settle(app, pilot)
        assert prepared == [1]
