"""Read state under Pilot: markers, counts, m / M / U / u, kept across runs, none in a kiosk."""

from __future__ import annotations

import json
from pathlib import Path

from tests.app.conftest import AQSIQ, WANG, WEI, sample_app, started
from tests.conftest import SAMPLE_CONFIG, write_article
from tui.cli import build_app
from tui.core.reading import ReadingState, reading_dir
from tui.ui.screens.help import HelpScreen
from tui.ui.widgets.article_list import ArticleList
from tui.ui.widgets.reader import Reader
from tui.ui.widgets.section_menu import SectionMenu

MEETINGS_WANG = "meetings/wang-qishan-quality-forum"


def screen_rows(widget) -> list[str]:
    """What a line-API widget draws, one string a screen row."""
    return ["".join(s.text for s in widget.render_line(y)).rstrip() for y in range(widget.size.height)]


def list_rows(app) -> list[str]:
    return screen_rows(app.screen.query_one(ArticleList))


def menu_row(app, label: str) -> str:
    return next(row for row in screen_rows(app.screen.query_one(SectionMenu)) if row.strip().startswith(label))


def title_row(app, title: str) -> str:
    return next(row for row in list_rows(app) if title[:8] in row)  # long titles are cut


def unread_titles(app) -> list[str]:
    return [
        article.title for article in app.screen.query_one(ArticleList).articles if not app.reading.is_read(article.id)
    ]


def notifications(app) -> list[str]:
    return [str(n.message) for n in app._notifications]


async def test_every_article_starts_unread_with_a_mark_and_counts():
    app = sample_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await started(app, pilot)
        for title in (WANG, WEI, AQSIQ):
            assert title_row(app, title).startswith("* "), list_rows(app)
        assert menu_row(app, "最新").split()[-1] == "3/3"
        assert menu_row(app, "會議").split()[-1] == "1/1"
        assert menu_row(app, "出訪").split()[-1] == "0/0"
        lines = app.screen.query_one(ArticleList).row_lines(0, 60)
        assert lines[0][-1].component == "row-list--strong"  # unread titles are bold


async def test_opening_an_article_marks_it_read_but_the_preview_does_not():
    app = sample_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await started(app, pilot)
        await pilot.press("enter", "down")  # the list; WEI shown beside it (a preview)
        await pilot.pause()
        assert app.screen.query_one(Reader).article.title == WEI
        assert unread_titles(app) == [WANG, WEI, AQSIQ]
        await pilot.press("enter")  # opened: the reader has focus
        await pilot.pause()
        assert unread_titles(app) == [WANG, AQSIQ]
        assert title_row(app, WEI).startswith("  ")
        assert app.screen.query_one(ArticleList).row_lines(1, 60)[0][-1].component == ""  # no longer bold
        assert menu_row(app, "最新").split()[-1] == "2/3"
        await pilot.press("right_square_bracket")  # stepping on in the reader reads the next one
        await pilot.pause()
        assert unread_titles(app) == [WANG]
        assert menu_row(app, "活動").split()[-1] == "0/1"


async def test_m_toggles_the_highlighted_article_and_the_open_one():
    app = sample_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await started(app, pilot)
        await pilot.press("enter", "m")  # list focused: the highlighted article
        await pilot.pause()
        assert unread_titles(app) == [WEI, AQSIQ]
        await pilot.press("m")
        await pilot.pause()
        assert unread_titles(app) == [WANG, WEI, AQSIQ]
        await pilot.press("down", "enter")  # open WEI: read
        await pilot.pause()
        assert unread_titles(app) == [WANG, AQSIQ]
        await pilot.press("m")  # the reader has focus: the open article, unread again
        await pilot.pause()
        assert unread_titles(app) == [WANG, WEI, AQSIQ]
        assert app.focused is app.screen.query_one(Reader)  # and it stays open
        assert "Marked unread." in notifications(app)


async def test_M_marks_the_section_read_and_U_undoes_it():
    app = sample_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await started(app, pilot)
        await pilot.press("enter", "enter")  # WANG read by hand first
        await pilot.pause()
        await pilot.press("escape", "escape", "M")
        await pilot.pause()
        assert unread_titles(app) == []
        assert menu_row(app, "最新").split()[-1] == "0/3"
        assert any("Marked 2 articles read in 最新. U: undo" in text for text in notifications(app))
        await pilot.press("U")
        await pilot.pause()
        assert unread_titles(app) == [WEI, AQSIQ]  # only what M marked: WANG stays read
        assert menu_row(app, "最新").split()[-1] == "2/3"
        await pilot.press("j", "j", "j", "M")  # 會議: its one article
        await pilot.pause()
        assert app.screen.query_one(SectionMenu).current.id == "meetings"
        assert any("Nothing unread in 會議." in text for text in notifications(app))


async def test_u_lists_only_unread_articles_and_back():
    app = sample_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await started(app, pilot)
        await pilot.press("enter", "enter")  # WANG read
        await pilot.pause()
        await pilot.press("escape", "u")
        await pilot.pause()
        titles = [a.title for a in app.screen.query_one(ArticleList).articles]
        assert titles == [WANG, WEI, AQSIQ]  # the open article stays while it is shown
        assert "unread only" in app.masthead_status
        await pilot.press("escape", "down", "up")  # another section and back: now without it
        await pilot.pause()
        assert [a.title for a in app.screen.query_one(ArticleList).articles] == [WEI, AQSIQ]
        await pilot.press("j")  # 活動: its one article
        await pilot.pause()
        assert [a.title for a in app.screen.query_one(ArticleList).articles] == [AQSIQ]
        await pilot.press("enter", "M", "u")
        await pilot.pause()
        assert [a.title for a in app.screen.query_one(ArticleList).articles] == [AQSIQ]  # back: everything
        assert "unread only" not in app.masthead_status
        await pilot.press("u")  # the open article stays listed while it is current
        await pilot.pause()
        assert [a.title for a in app.screen.query_one(ArticleList).articles] == [AQSIQ]
        await pilot.press("escape", "escape", "k", "j")  # 活動 listed anew: nothing unread
        await pilot.pause()
        assert app.screen.query_one(ArticleList).articles == []
        assert "No unread articles (u: all)." in "\n".join(list_rows(app))


async def test_read_state_is_kept_across_runs():
    app = sample_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await started(app, pilot)
        await pilot.press("enter", "enter")
        await pilot.pause()
    again = sample_app()
    async with again.run_test(size=(120, 40)) as pilot:
        await started(again, pilot)
        assert unread_titles(again) == [WEI, AQSIQ]
        assert menu_row(again, "最新").split()[-1] == "2/3"


async def test_read_state_follows_ids_across_content_changes(tmp_path: Path):
    write_article(tmp_path, "news/a.md", title="甲", date="2024-01-03")
    write_article(tmp_path, "news/b.md", title="乙", date="2024-01-02")
    app = build_app(["--content", str(tmp_path)])
    async with app.run_test(size=(120, 40)) as pilot:
        await started(app, pilot)
        await pilot.press("enter", "M")
        await pilot.pause()
        assert unread_titles(app) == []
    (tmp_path / "news" / "b.md").unlink()  # gone: its id is dropped quietly
    write_article(tmp_path, "news/a.md", title="甲 (更新)", date="2024-01-03")  # changed: still read
    write_article(tmp_path, "news/c.md", title="丙", date="2024-01-04")  # new: unread
    app = build_app(["--content", str(tmp_path)])
    async with app.run_test(size=(120, 40)) as pilot:
        await started(app, pilot)
        assert [a.title for a in app.screen.query_one(ArticleList).articles] == ["丙", "甲 (更新)"]
        assert unread_titles(app) == ["丙"]
    assert ReadingState.open(reading_dir(tmp_path)).read == {"news/a"}


async def test_a_kiosk_keeps_read_state_for_the_run_and_writes_none():
    app = sample_app("--kiosk")
    async with app.run_test(size=(120, 40)) as pilot:
        await started(app, pilot)
        await pilot.press("enter", "enter")
        await pilot.pause()
        assert unread_titles(app) == [WEI, AQSIQ]
    assert not reading_dir(SAMPLE_CONFIG.parent / "content").exists()


async def test_the_keys_work_in_the_narrow_layout():
    app = sample_app()
    async with app.run_test(size=(60, 20)) as pilot:
        await started(app, pilot)
        await pilot.press("enter", "m")
        await pilot.pause()
        assert unread_titles(app) == [WEI, AQSIQ]
        await pilot.press("u", "M")
        await pilot.pause()
        assert unread_titles(app) == []
        await pilot.press("U")
        await pilot.pause()
        assert unread_titles(app) == [WEI, AQSIQ]
        assert [a.title for a in app.screen.query_one(ArticleList).articles] == [WANG, WEI, AQSIQ]


async def test_the_marks_show_without_colour(monkeypatch):
    monkeypatch.setenv("NO_COLOR", "1")
    app = sample_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await started(app, pilot)
        await pilot.press("enter", "m")
        await pilot.pause()
        assert title_row(app, WANG).startswith("  ") and title_row(app, WEI).startswith("* ")


async def test_keys_can_be_remapped_and_help_and_palette_list_them(tmp_path: Path):
    config = tmp_path / "config.toml"
    config.write_text(
        SAMPLE_CONFIG.read_text(encoding="utf-8").replace(
            'content_dir = "content"', f'content_dir = "{SAMPLE_CONFIG.parent / "content"}"'
        )
        + '\n[keys]\ntoggle_read = "x"\nundo_mark_read = "ctrl+u"\n',
        encoding="utf-8",
    )
    app = build_app(["--config", str(config)])
    async with app.run_test(size=(120, 40)) as pilot:
        await started(app, pilot)
        await pilot.press("enter", "x")
        await pilot.pause()
        assert unread_titles(app) == [WEI, AQSIQ]
        await pilot.press("M")
        await pilot.pause()
        assert any("^u: undo" in text for text in notifications(app)), notifications(app)
        await pilot.press("ctrl+u")
        await pilot.pause()
        assert unread_titles(app) == [WEI, AQSIQ]
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        help_text = "\n".join(str(static.render()) for static in app.screen.query(".help-group"))
        for line in (
            "x ",
            "Mark read / unread",
            "M ",
            "Mark the section read",
            "u ",
            "Only unread articles",
            "Save / unsave (收藏)",
            "Copy a citation",
            "Copy the link",
        ):
            assert line in help_text, help_text
        await pilot.press("escape")
        await pilot.pause()
        await pilot.press("ctrl+p", *"Only unread", "enter")  # the command palette runs it too
        await pilot.pause()
        assert app.unread_only


# --- saved articles ---------------------------------------------------------------------


def saved_titles(app) -> list[str]:
    return [article.title for article in app.browse._articles_in("\x00saved")]


async def test_s_saves_and_the_saved_list_is_newest_saved_first():
    app = sample_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await started(app, pilot)
        assert menu_row(app, "收藏").split()[-1] == "0/0"  # at the end of the menu
        assert screen_rows(app.screen.query_one(SectionMenu))[6].strip().startswith("收藏")
        await pilot.press("enter", "down", "down", "s", "up", "s")  # AQSIQ, then WEI
        await pilot.pause()
        assert saved_titles(app) == [WEI, AQSIQ]
        rows = list_rows(app)
        assert rows[3].startswith("+ ") and rows[5] == "+" and rows[1].startswith("  ")  # AQSIQ has no date
        assert menu_row(app, "收藏").split()[-1] == "2/2"
        await pilot.press("escape", "G")  # the menu's last entry: 收藏
        await pilot.pause()
        assert app.screen.query_one(SectionMenu).current.label == "收藏"
        assert [a.title for a in app.screen.query_one(ArticleList).articles] == [WEI, AQSIQ]
        await pilot.press("enter", "enter")  # read one from the saved list
        await pilot.pause()
        assert menu_row(app, "收藏").split()[-1] == "1/2"
        await pilot.press("s")  # the open article, unsaved
        await pilot.pause()
        assert saved_titles(app) == [AQSIQ]
        assert "Taken out of 收藏." in notifications(app)
        assert menu_row(app, "收藏").split()[-1] == "1/1"  # AQSIQ, unread


async def test_saved_articles_are_kept_across_runs_and_listed_by_the_cli(capsys):
    app = sample_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await started(app, pilot)
        await pilot.press("enter", "s", "down", "down", "s")  # WANG, then AQSIQ
        await pilot.pause()
    again = sample_app()
    async with again.run_test(size=(120, 40)) as pilot:
        await started(again, pilot)
        assert saved_titles(again) == [AQSIQ, WANG]
    from tui.cli import main

    capsys.readouterr()
    assert main(["--config", str(SAMPLE_CONFIG), "list", "--saved"]) == 0
    lines = [line for line in capsys.readouterr().out.splitlines()[1:] if line.strip()]
    assert [line.split()[-1] for line in lines] == ["activities/aqsiq-quality-mechanism-plan", MEETINGS_WANG]
    assert main(["--config", str(SAMPLE_CONFIG), "list", "meetings", "--saved", "--unread"]) == 0
    assert MEETINGS_WANG in capsys.readouterr().out
    assert main(["--config", str(SAMPLE_CONFIG), "list", "activities", "--saved", "--unread", "--json"]) == 0


async def test_saving_works_in_the_narrow_layout_and_from_the_palette():
    app = sample_app()
    async with app.run_test(size=(60, 20)) as pilot:
        await started(app, pilot)
        await pilot.press("enter", "enter", "s")  # in the reader, one pane at a time
        await pilot.pause()
        assert saved_titles(app) == [WANG]
        await pilot.press("ctrl+p", *"Saved articles", "enter")
        await pilot.pause()
        assert app.screen.query_one(SectionMenu).current.label == "收藏"
        assert app.focused is app.screen.query_one(ArticleList)
        assert [a.title for a in app.screen.query_one(ArticleList).articles] == [WANG]


async def test_search_from_the_saved_list_searches_everything():
    app = sample_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await started(app, pilot)
        await pilot.press("G", "slash")
        await pilot.pause()
        assert app.screen.section_id is None  # no "section only" narrowing to a list that is not a section


async def test_a_kiosk_saves_for_the_run_only():
    app = sample_app("--kiosk")
    async with app.run_test(size=(120, 40)) as pilot:
        await started(app, pilot)
        await pilot.press("enter", "s")
        await pilot.pause()
        assert saved_titles(app) == [WANG]
    assert not reading_dir(SAMPLE_CONFIG.parent / "content").exists()


async def test_a_state_dir_of_its_own_keeps_read_state_even_in_a_kiosk(tmp_path: Path):
    mine = tmp_path / "visitor"
    app = sample_app("--kiosk", "--state-dir", str(mine))
    async with app.run_test(size=(120, 40)) as pilot:
        await started(app, pilot)
        await pilot.press("enter", "enter", "s", "t")
        await pilot.pause()
    content = SAMPLE_CONFIG.parent / "content"
    kept = ReadingState.open(reading_dir(content, mine))
    assert kept.read == {MEETINGS_WANG} and set(kept.saved) == {MEETINGS_WANG}
    assert not (mine / "state.json").exists()  # a kiosk still keeps no script choice
    assert not reading_dir(content).exists()  # and nothing in the user's own state dir
    again = sample_app("--kiosk", "--state-dir", str(mine))
    async with again.run_test(size=(120, 40)) as pilot:
        await started(again, pilot)
        assert unread_titles(again) == [WEI, AQSIQ]


async def test_outside_a_kiosk_the_state_dir_holds_the_script_choice_too(tmp_path: Path):
    mine = tmp_path / "elsewhere"
    app = sample_app("--state-dir", str(mine), "--script", "original")
    async with app.run_test(size=(120, 40)) as pilot:
        await started(app, pilot)
        await pilot.press("t")
        await app.workers.wait_for_complete()
    assert json.loads((mine / "state.json").read_text(encoding="utf-8")) == {"script": "simplified"}
    again = sample_app("--state-dir", str(mine))
    async with again.run_test(size=(120, 40)) as pilot:
        await started(again, pilot)
        assert again.script_mode.value == "simplified"


async def test_search_results_mark_unread_articles_too():
    from tui.ui.widgets.result_list import ResultList

    app = sample_app("--script", "original")
    async with app.run_test(size=(120, 40)) as pilot:
        await started(app, pilot)
        await pilot.press("enter", "enter")  # WANG read
        await pilot.pause()
        await pilot.press("slash", *"質量")
        await app.workers.wait_for_complete()
        await pilot.pause()
        results = app.screen.query_one(ResultList)
        rows = {
            "".join(cell.text for cell in results.row_lines(index, 80)[0])[2:10]: results.row_lines(index, 80)[0]
            for index in range(results.row_count)
        }
        assert len(rows) == 3
        for start, cells in rows.items():
            read = WANG.startswith(start)
            assert cells[0].text == ("  " if read else "* "), start
            assert cells[-1].component == ("" if read else "row-list--strong"), start


async def test_an_idle_kiosk_lists_every_article_again(tmp_path: Path):
    from tests.app.test_kiosk import kiosk_config, until

    app = build_app(["--config", str(kiosk_config(tmp_path, idle_seconds=4))])
    async with app.run_test(size=(120, 40)) as pilot:
        await started(app, pilot)
        await pilot.press("enter", "enter", "escape", "u")
        await pilot.pause()
        assert app.unread_only
        app._last_input -= 4  # as if nobody had touched it since
        await until(pilot, lambda: not app.unread_only)
        assert [a.title for a in app.screen.query_one(ArticleList).articles] == [WANG, WEI, AQSIQ]
