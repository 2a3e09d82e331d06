"""Pilot tests: every binding and flow of the three-pane browser."""

from __future__ import annotations

import contextlib
from pathlib import Path

import pytest
from textual.css.query import NoMatches

from tests.app.conftest import AQSIQ, WANG, WEI, reader_text, sample_app, started, titles
from tests.conftest import write_article
from tui.cli import build_app
from tui.ui.screens.help import HelpScreen
from tui.ui.screens.problems import ProblemsScreen
from tui.ui.widgets.article_list import ArticleList
from tui.ui.widgets.reader import Reader
from tui.ui.widgets.section_menu import SectionMenu


async def test_opens_on_front_page_with_newest_first():
    app = sample_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await started(app, pilot)
        menu = app.screen.query_one(SectionMenu)
        assert menu.current.label == "最新"
        assert [s.label for s in menu.sections] == ["最新", "活動", "出訪", "會議", "論述", "圖片", "收藏"]
        assert titles(app) == [WANG, WEI, AQSIQ]  # undated last
        assert app.focused is menu


async def test_section_navigation_with_arrows_and_vim_keys():
    app = sample_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await started(app, pilot)
        menu = app.screen.query_one(SectionMenu)
        await pilot.press("down")
        await pilot.pause()
        assert menu.current.label == "活動" and titles(app) == [AQSIQ]
        await pilot.press("j", "j")
        await pilot.pause()
        assert menu.current.label == "會議" and titles(app) == [WANG]
        await pilot.press("k")
        await pilot.pause()
        assert menu.current.label == "出訪" and titles(app) == []
        await pilot.press("G")
        assert menu.current.label == "收藏"  # the saved articles close the menu
        await pilot.press("g")
        assert menu.current.label == "最新"
        await pilot.press("end", "k")
        assert menu.current.label == "圖片"
        await pilot.press("home")
        assert menu.current.label == "最新"


async def test_enter_opens_and_escape_goes_back_a_pane():
    app = sample_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await started(app, pilot)
        await pilot.press("enter")
        assert isinstance(app.focused, ArticleList)
        await pilot.press("down", "enter")
        await pilot.pause()
        assert isinstance(app.focused, Reader)
        assert app.focused.article.title == WEI
        assert "北京檢驗檢疫工作會議" in reader_text(app)
        await pilot.press("escape")
        assert isinstance(app.focused, ArticleList)
        await pilot.press("escape")
        assert isinstance(app.focused, SectionMenu)
        await pilot.press("escape")  # already at the first pane: stays
        assert isinstance(app.focused, SectionMenu)


async def test_tab_and_shift_tab_cycle_the_panes():
    app = sample_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await started(app, pilot)
        order = []
        for _ in range(3):
            await pilot.press("tab")
            order.append(type(app.focused))
        assert order == [ArticleList, Reader, SectionMenu]
        await pilot.press("shift+tab")
        assert isinstance(app.focused, Reader)


async def test_reader_shows_the_whole_header():
    app = sample_app("--open", "meetings/wang-qishan-quality-forum")
    async with app.run_test(size=(120, 40)) as pilot:
        await started(app, pilot)
        text = reader_text(app)
        assert isinstance(app.focused, Reader)
        for part in (WANG, "質量是基礎", "2010-09-27", "新華社記者 姚大偉 攝", "國務院副總理王岐山在北京主持召開"):
            assert part in text


async def test_brackets_step_between_articles_without_leaving_the_reader():
    app = sample_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await started(app, pilot)
        await pilot.press("tab", "tab")
        reader = app.screen.query_one(Reader)
        assert app.focused is reader and reader.article.title == WANG
        await pilot.press("right_square_bracket")
        await pilot.pause()
        assert reader.article.title == WEI and app.focused is reader
        await pilot.press("right_square_bracket")
        await pilot.pause()
        assert reader.article.title == AQSIQ
        await pilot.press("right_square_bracket")  # at the end: stays
        await pilot.pause()
        assert reader.article.title == AQSIQ
        await pilot.press("left_square_bracket")
        await pilot.pause()
        assert reader.article.title == WEI


async def test_reader_scrolls_with_space_page_keys_and_home_end():
    app = sample_app("--open", "meetings/wang-qishan-quality-forum")
    async with app.run_test(size=(80, 24)) as pilot:
        await started(app, pilot)
        reader = app.screen.query_one(Reader)
        assert reader.max_scroll_y > 10
        await pilot.press("space")
        first_page = reader.scroll_offset.y
        assert first_page > 0
        await pilot.press("pagedown")
        assert reader.scroll_offset.y > first_page
        await pilot.press("pageup")
        assert reader.scroll_offset.y == first_page
        await pilot.press("b")
        assert reader.scroll_offset.y == 0
        await pilot.press("j", "j", "down")
        assert reader.scroll_offset.y == 3
        await pilot.press("k", "up")
        assert reader.scroll_offset.y == 1
        await pilot.press("G")
        assert reader.scroll_offset.y == reader.max_scroll_y
        await pilot.press("g")
        assert reader.scroll_offset.y == 0
        await pilot.press("end")
        assert reader.scroll_offset.y == reader.max_scroll_y
        await pilot.press("home")
        assert reader.scroll_offset.y == 0


async def test_article_list_keys():
    app = sample_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await started(app, pilot)
        await pilot.press("tab")
        articles = app.screen.query_one(ArticleList)
        await pilot.press("G")
        assert articles.current.title == AQSIQ
        await pilot.press("g")
        assert articles.current.title == WANG
        await pilot.press("j")
        assert articles.current.title == WEI
        await pilot.press("k")
        assert articles.current.title == WANG
        await pilot.press("pagedown")
        assert articles.current.title == AQSIQ
        await pilot.press("pageup")
        assert articles.current.title == WANG


async def test_help_screen_lists_the_real_bindings():
    app = sample_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await started(app, pilot)
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        text = " ".join(str(static.render()) for static in app.screen.query("Static"))
        for description in ("Quit", "Help", "Problems", "Next pane", "Back", "Page down", "Prev", "Next"):
            assert description in text
        # Every binding with an id, from the one list of owners, is on the help screen.
        from tui.core.keys import BINDING_IDS
        from tui.ui.screens.help import collect_bindings

        shown = set()
        for heading, owner in app.binding_groups():
            assert heading in text
            for binding in collect_bindings(owner):
                if binding.id and binding.description and not binding.system:
                    assert binding.description in text, binding.id
                    shown.add(binding.id)
        assert shown == set(BINDING_IDS)
        await pilot.press("escape")
        assert not isinstance(app.screen, HelpScreen)


async def test_help_shows_keys_remapped_in_config(tmp_path: Path):
    config = tmp_path / "config.toml"
    (tmp_path / "content").mkdir()
    config.write_text('[newsroom]\ncontent_dir = "content"\n[keys]\nproblems = "ctrl+o"\n', encoding="utf-8")
    app = build_app(["--config", str(config)])
    async with app.run_test(size=(120, 40)) as pilot:
        await started(app, pilot)
        await pilot.press("ctrl+o")
        assert isinstance(app.screen, ProblemsScreen)
        await pilot.press("escape", "question_mark")
        text = " ".join(str(static.render()) for static in app.screen.query("Static"))
        assert "^o" in text


async def test_problems_view_lists_bad_files(tmp_path: Path):
    write_article(tmp_path, "news/good.md", title="好文章")
    (tmp_path / "news" / "bad.md").write_text("+++\ntitle = \n+++\n", encoding="utf-8")
    (tmp_path / "news" / "binary.md").write_bytes(b"\x00\x01\x02")
    app = build_app(["--content", str(tmp_path)])
    async with app.run_test(size=(100, 30)) as pilot:
        await started(app, pilot)
        assert titles(app) == ["好文章"]
        assert "2 problems" in app.screen.query_one("Masthead").status
        await pilot.press("p")
        assert isinstance(app.screen, ProblemsScreen)
        paths = [problem.path for problem in app.screen.problems]
        assert sorted(paths) == ["news/bad.md", "news/binary.md"]
        await pilot.press("escape")
        assert not isinstance(app.screen, ProblemsScreen)


async def test_problems_view_shows_a_hostile_file_name_cleaned(tmp_path: Path):
    write_article(tmp_path, "news/good.md", title="好文章")
    (tmp_path / "news" / "\x1b]0;pwned\x07壞\u202e文件.md").write_bytes(b"\x00\x01\x02")
    app = build_app(["--content", str(tmp_path)])
    async with app.run_test(size=(100, 30)) as pilot:
        await started(app, pilot)
        await pilot.press("p")
        assert isinstance(app.screen, ProblemsScreen)
        problems = app.screen.query_one("ProblemList")
        rows = ["".join(segment.text for segment in problems.render_line(y)) for y in range(2)]
        assert "news/]0;pwned壞文件.md:1" in rows[0], rows
        assert not any(ord(c) < 0x20 or 0x7F <= ord(c) <= 0x9F or c == "\u202e" for c in "".join(rows)), rows
        await pilot.press("escape")
        assert not isinstance(app.screen, ProblemsScreen)


@pytest.mark.parametrize("key", ["q", "ctrl+q"])
async def test_quit_keys(key: str):
    app = sample_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await started(app, pilot)
        await pilot.press(key)
        await pilot.pause()
        assert app._exit  # the app is shutting down
        assert app.return_code in (None, 0)


async def test_narrow_terminal_shows_one_pane_at_a_time():
    app = sample_app()
    async with app.run_test(size=(60, 20)) as pilot:
        await started(app, pilot)
        screen = app.screen
        visible = lambda: [pane.id for pane in screen.panes if pane.display]  # noqa: E731
        assert screen.has_class("-narrow") and visible() == ["sections"]
        await pilot.press("enter")
        assert visible() == ["articles"]
        await pilot.press("enter")
        await pilot.pause()
        assert visible() == ["reader"] and screen.query_one(Reader).article.title == WANG
        await pilot.press("escape")
        assert visible() == ["articles"]
        await pilot.resize_terminal(120, 40)
        await pilot.pause()
        assert not screen.has_class("-narrow") and visible() == ["sections", "articles", "reader"]


async def test_mouse_selects_and_opens():
    app = sample_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await started(app, pilot)
        await pilot.click(ArticleList, offset=(3, 2))  # second article's title row
        await pilot.pause()
        articles = app.screen.query_one(ArticleList)
        assert app.focused is articles and articles.current.title == WEI
        await pilot.click(SectionMenu, offset=(3, 1))
        await pilot.pause()
        assert app.screen.query_one(SectionMenu).current.label == "活動"


async def test_markup_in_content_is_shown_literally_and_does_nothing(tmp_path: Path):
    write_article(
        tmp_path,
        "a/x.md",
        title="[@click=app.quit]x[/]",
        body="[b]粗[/b] [@click=app.quit]點[/]",
        byline="'[$accent]記者'",
    )
    app = build_app(["--content", str(tmp_path)])
    async with app.run_test(size=(100, 30)) as pilot:
        await started(app, pilot)
        await pilot.press("tab", "tab")
        text = reader_text(app)
        assert "[@click=app.quit]x[/]" in text
        assert "[b]粗[/b]" in text and "[$accent]記者" in text
        await pilot.click(Reader, offset=(3, 0))
        await pilot.click(ArticleList, offset=(3, 0))
        await pilot.pause()
        assert not app._exit


async def test_ten_thousand_articles_in_one_section(tmp_path: Path):
    from tui.core.model import Article

    app = sample_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await started(app, pilot)
        many = [
            Article(id=f"n/{i}", path=tmp_path / f"{i}.md", section="n", title=f"第{i}篇 質量新聞")
            for i in range(10_000)
        ]
        articles = app.screen.query_one(ArticleList)
        articles.show_articles(many)
        articles.focus()
        await pilot.press("end")
        await pilot.pause()
        assert articles.current.title == "第9999篇 質量新聞"
        assert articles.scroll_offset.y == articles.max_scroll_y
        await pilot.press("pageup")
        assert articles.cursor < 9999


async def test_open_unknown_article_warns():
    app = sample_app("--open", "no/such")
    async with app.run_test(size=(100, 30)) as pilot:
        await started(app, pilot)
        assert any("no/such" in str(n.message) for n in app._notifications)


TYPED_CHARS = {"tab": "\t", "enter": "\r", "escape": "\x1b", "right_square_bracket": "]", "slash": "/", "down": None}


def focused_on(app, kind, title: str | None = None) -> bool:
    focused = app.focused
    if not isinstance(focused, kind):
        return False
    shown = focused.article if isinstance(focused, Reader) else focused.current
    return title is None or shown.title == title


@pytest.mark.parametrize(
    ("keys", "check"),
    [
        (("tab", "down", "enter"), lambda app: focused_on(app, Reader, WEI)),
        (("tab", "enter", "right_square_bracket"), lambda app: focused_on(app, Reader, WEI)),  # ] reached the reader
        (("tab", "enter", "j", "j"), lambda app: focused_on(app, Reader, WANG) and app.focused.scroll_offset.y == 2),
        (("tab", "enter", "escape", "j"), lambda app: focused_on(app, ArticleList, WEI)),
        (("slash", "w", "q", "s"), lambda app: app.screen.query_one("#query").value == "wqs"),
    ],
    ids=["tab-down-enter", "enter-then-next", "enter-then-scroll", "back-then-down", "search-then-type"],
)
async def test_keys_typed_ahead_reach_the_pane_they_were_meant_for(keys, check):
    """Over a slow SSH link (or from tmux send-keys, or a paste) keys arrive together,
    before the app has acted on the first; each must act where the one before left
    focus, as if typed slowly."""
    from textual import events

    app = sample_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await started(app, pilot)
        for key in keys:  # all queued at once: nothing handled in between
            app.post_message(events.Key(key, TYPED_CHARS.get(key, key)))
        # Wait for the keys to be worked through (bounded): a misrouted key leaves a
        # state the check never accepts.
        for _ in range(200):
            with contextlib.suppress(NoMatches):  # the search screen may not be up yet
                if check(app):
                    break
            await pilot.pause(0.02)
        assert check(app), (app.screen, app.focused)
        assert app.browse.query_one(SectionMenu).current.label == "最新"


async def test_a_first_index_build_shows_progress_and_what_is_indexed_so_far(tmp_path: Path, monkeypatch):
    import tui.ui.app
    from tui.ui.screens.browse import BrowseScreen

    for number in range(600):
        write_article(
            tmp_path,
            f"n/{number:04}.md",
            title=f"第{number}篇",
            date=f"2010-01-01T00:{number // 60:02}:{number % 60:02}Z",
        )
    monkeypatch.setattr(tui.ui.app, "PREVIEW_EVERY_SECONDS", 0)
    seen: list[tuple[bool, int]] = []
    original = BrowseScreen.show_newsroom
    monkeypatch.setattr(
        BrowseScreen,
        "show_newsroom",
        lambda self, newsroom, *changed: (
            seen.append((newsroom.complete, len(newsroom.articles))),
            original(self, newsroom, *changed),
        ),
    )
    statuses: list[str] = []
    original_progress = tui.ui.app.NewsroomApp.on_load_progress
    monkeypatch.setattr(
        tui.ui.app.NewsroomApp,
        "on_load_progress",
        lambda self, message: (statuses.append(f"{message.done}/{message.total}"), original_progress(self, message)),
    )
    app = build_app(["--content", str(tmp_path)])
    async with app.run_test(size=(100, 30)) as pilot:
        await started(app, pilot)
        assert statuses[-1] == "600/600"
        partial = [count for complete, count in seen if not complete]
        assert partial and 0 < partial[0] < 600  # shown before the build finished
        assert seen[-1] == (True, 600)
        assert titles(app)[0] == "第599篇"
