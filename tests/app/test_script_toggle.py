"""Pilot tests of the script toggle over the sample newsroom."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.app.conftest import masthead, reader_text, sample_app, screen_rows, started
from tests.conftest import write_article
from tui.chinese.script import OpenCCPool, ScriptMode
from tui.cli import build_app
from tui.ui.screens.script_chooser import ScriptChooser
from tui.ui.widgets.article_list import ArticleList
from tui.ui.widgets.reader import Reader
from tui.ui.widgets.section_menu import SectionMenu

WANG_OPEN = "meetings/wang-qishan-quality-forum"


async def test_t_cycles_original_simplified_traditional():
    app = sample_app("--script", "original")
    async with app.run_test(size=(120, 40)) as pilot:
        await started(app, pilot)
        menu, articles = app.screen.query_one(SectionMenu), app.screen.query_one(ArticleList)
        assert masthead(app).mode == "原文"
        assert "活動" in " ".join(screen_rows(menu))
        await pilot.press("t")
        assert app.script_mode is ScriptMode.SIMPLIFIED and masthead(app).mode == "简体"
        assert "活动" in " ".join(screen_rows(menu))
        assert "王岐山在质量工作座谈会上指出" in " ".join(screen_rows(articles))
        assert "王岐山在质量工作座谈会上指出" in reader_text(app)
        assert masthead(app).title == "质量新闻"
        await pilot.press("t")
        assert app.script_mode is ScriptMode.TRADITIONAL and masthead(app).mode == "繁體"
        assert "王岐山在質量工作座談會上指出" in reader_text(app)
        await pilot.press("t")
        assert app.script_mode is ScriptMode.ORIGINAL


@pytest.mark.parametrize(
    ("mode", "label", "expected"),
    [
        ("original", "原文", "發展"),
        ("simplified", "简体", "发展"),
        ("traditional", "繁體", "發展"),
        ("taiwan", "臺灣", "發展"),
        ("hongkong", "香港", "發展"),
    ],
)
async def test_every_mode_shows_its_label_and_converts_the_reader(mode, label, expected):
    app = sample_app("--script", mode, "--open", WANG_OPEN)
    async with app.run_test(size=(120, 60)) as pilot:
        await started(app, pilot)
        assert masthead(app).mode == label
        assert expected in reader_text(app)


async def test_taiwan_and_hongkong_phrasing_from_a_simplified_article(tmp_path: Path):
    write_article(tmp_path, "tech/a.md", title="软件和打印机", body="这个软件说明打印机的用法。")
    app = build_app(["--content", str(tmp_path), "--script", "taiwan"])
    async with app.run_test(size=(100, 30)) as pilot:
        await started(app, pilot)
        await pilot.press("tab", "tab")
        assert "軟體和印表機" in reader_text(app)
        app.set_script_mode(ScriptMode.HONGKONG)
        await pilot.pause()
        assert "軟件和打印機" in reader_text(app)
        app.set_script_mode(ScriptMode.SIMPLIFIED)
        await pilot.pause()
        assert "软件和打印机" in reader_text(app)


async def test_o_shows_the_original_in_every_mode():
    app = sample_app("--script", "simplified", "--open", WANG_OPEN)
    async with app.run_test(size=(120, 40)) as pilot:
        await started(app, pilot)
        assert "质量" in reader_text(app)
        await pilot.press("o")
        assert "質量" in reader_text(app) and "质量" not in reader_text(app)
        assert masthead(app).mode == "简体 > 原文"
        await pilot.press("o")
        assert "质量" in reader_text(app) and masthead(app).mode == "简体"
        await pilot.press("o", "t")  # choosing a mode leaves the original view
        assert app.script_mode is ScriptMode.TRADITIONAL and not app.showing_original


async def test_a_second_round_of_toggles_shows_what_the_first_did():
    """Lines laid out for a script are kept and re-used when it comes round again."""
    app = sample_app("--script", "original", "--open", WANG_OPEN)
    async with app.run_test(size=(80, 24)) as pilot:
        await started(app, pilot)
        first_round = []
        for _ in range(3):
            first_round.append(reader_text(app))
            await pilot.press("t")
        second_round = []
        for _ in range(3):
            second_round.append(reader_text(app))
            await pilot.press("t")
        assert second_round == first_round
        assert "质量" in first_round[1] and "質量" in first_round[2]
        await pilot.resize_terminal(100, 30)  # a new width lays out afresh
        assert "王岐山在質量工作座談會上指出" in reader_text(app)


async def test_reader_keeps_its_place_across_a_toggle():
    app = sample_app("--script", "original", "--open", WANG_OPEN)
    async with app.run_test(size=(80, 24)) as pilot:
        await started(app, pilot)
        reader = app.screen.query_one(Reader)
        await pilot.press("space", "space")
        before = reader.scroll_offset.y
        top_line = screen_rows(reader)[0]
        assert before > 0
        await pilot.press("t")
        await pilot.pause()
        assert abs(reader.scroll_offset.y - before) <= 1
        await pilot.press("t", "t")
        await pilot.pause()
        assert reader.scroll_offset.y == before and screen_rows(reader)[0] == top_line


async def test_chooser_picks_any_mode():
    app = sample_app("--script", "original")
    async with app.run_test(size=(100, 30)) as pilot:
        await started(app, pilot)
        await pilot.press("T")
        assert isinstance(app.screen, ScriptChooser)
        await pilot.press("down", "down", "down", "enter")
        assert app.script_mode is ScriptMode.TAIWAN and masthead(app).mode == "臺灣"
        await pilot.press("T", "escape")
        assert app.script_mode is ScriptMode.TAIWAN and not isinstance(app.screen, ScriptChooser)


async def choose_in_palette(app, pilot, words: str) -> None:
    from textual.command import CommandList

    await pilot.press("ctrl+p")
    await pilot.press(*words)
    for _ in range(300):  # the palette searches asynchronously: wait for its hits
        if app.screen.query_one(CommandList).option_count:
            break
        await pilot.pause(0.05)
    await pilot.press("enter")
    await pilot.pause()


async def test_command_palette_sets_the_mode():
    app = sample_app("--script", "original")
    async with app.run_test(size=(100, 30)) as pilot:
        await started(app, pilot)
        await choose_in_palette(app, pilot, "hongkong")
        assert app.script_mode is ScriptMode.HONGKONG


async def test_the_search_screen_follows_a_script_chosen_in_the_palette():
    from tui.ui.screens.search import SearchScreen
    from tui.ui.widgets.result_list import ResultList

    app = sample_app("--script", "original")
    async with app.run_test(size=(100, 30)) as pilot:
        await started(app, pilot)
        await pilot.press("slash", *"質量")
        results = app.screen.query_one(ResultList)
        for _ in range(300):
            if results.row_count:
                break
            await pilot.pause(0.05)
        assert isinstance(app.screen, SearchScreen) and masthead(app).mode == "原文"
        await choose_in_palette(app, pilot, "simplified")
        assert isinstance(app.screen, SearchScreen)
        assert app.script_mode is ScriptMode.SIMPLIFIED
        assert masthead(app).mode == "简体" and masthead(app).title == "质量新闻"
        assert "王岐山在质量工作座谈会上指出" in " ".join(screen_rows(results))


async def test_remembered_mode_survives_a_restart():
    app = sample_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await started(app, pilot)
        assert app.script_mode is ScriptMode.ORIGINAL
        await pilot.press("t")
    again = sample_app()
    async with again.run_test(size=(100, 30)) as pilot:
        await started(again, pilot)
        assert again.script_mode is ScriptMode.SIMPLIFIED
    told = sample_app("--script", "taiwan")  # --script wins over the remembered choice
    assert told.script_mode is ScriptMode.TAIWAN


async def test_the_mode_is_saved_off_the_ui_thread_and_the_last_choice_wins(monkeypatch):
    import threading

    import tui.ui.app
    from tui.core.state import load_state

    writers: list[str] = []
    real = tui.ui.app.update_state
    monkeypatch.setattr(
        tui.ui.app,
        "update_state",
        lambda **changes: (writers.append(threading.current_thread().name), real(**changes))[1],
    )
    app = sample_app("--script", "original")
    async with app.run_test(size=(100, 30)) as pilot:
        await started(app, pilot)
        await pilot.press("t", "t")  # 简体 then 繁體, quicker than a disk write
        await app.workers.wait_for_complete()
        assert writers and threading.main_thread().name not in writers  # an fsync never blocks a frame
        await pilot.press("t")  # and straight out: the choice made just before quitting is kept
    assert load_state()["script"] == "original"


def test_locale_decides_when_nothing_else_does(monkeypatch):
    monkeypatch.setenv("LANG", "zh_TW.UTF-8")
    assert sample_app().script_mode is ScriptMode.TAIWAN
    monkeypatch.setenv("LANG", "zh_CN.UTF-8")
    assert sample_app().script_mode is ScriptMode.SIMPLIFIED


def test_config_script_beats_the_locale(tmp_path: Path, monkeypatch):
    (tmp_path / "content").mkdir()
    config = tmp_path / "config.toml"
    config.write_text('[newsroom]\ncontent_dir = "content"\nscript = "hongkong"\n', encoding="utf-8")
    monkeypatch.setenv("LANG", "zh_CN.UTF-8")
    assert build_app(["--config", str(config)]).script_mode is ScriptMode.HONGKONG


async def test_glossary_from_config_and_front_matter(tmp_path: Path):
    (tmp_path / "content").mkdir()
    config = tmp_path / "config.toml"
    config.write_text(
        '[newsroom]\ncontent_dir = "content"\n[script.glossary]\n"头发干了" = "頭髮乾了"\n"范先生" = "范先生"\n',
        encoding="utf-8",
    )
    write_article(
        tmp_path / "content",
        "life/a.md",
        title="范先生的头发干了",
        body="范先生说：头发干了。小明的书。",
        glossary='{ "小明" = "曉明" }',
    )
    app = build_app(["--config", str(config), "--script", "traditional"])
    async with app.run_test(size=(100, 30)) as pilot:
        await started(app, pilot)
        await pilot.press("tab", "tab")
        text = reader_text(app)
        assert "范先生說：頭髮乾了。曉明的書。" in text
        assert "範" not in text and "幹" not in text


async def test_the_original_script_loads_only_the_converter_the_next_t_needs():
    # s2t alone is ~26 MB: a reader in the original script gets t2s (for simplified, the
    # next `t`); each toggle then loads what the one after it needs.
    app = sample_app("--script", "original")
    pool = app.converter._pool = OpenCCPool()
    async with app.run_test(size=(120, 40)) as pilot:
        await started(app, pilot)
        await pilot.pause()
        await app.workers.wait_for_complete()
        assert set(pool._converters) == {"t2s"}
        await pilot.press("t")
        await app.workers.wait_for_complete()
        assert set(pool._converters) == {"t2s", "s2t"}
        assert "王岐山在质量工作座谈会上指出" in reader_text(app)
        await pilot.press("t")
        assert "王岐山在質量工作座談會上指出" in reader_text(app)
