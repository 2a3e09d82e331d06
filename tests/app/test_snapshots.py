"""Snapshot tests of the main screens (pytest-textual-snapshot; Textual is pinned exactly).

Run `pytest --snapshot-update` after an intended visual change, and look at
the report before committing the new SVGs.
"""

from __future__ import annotations

from tests.conftest import SAMPLE_CONFIG
from tui.cli import build_app


async def settle(pilot) -> None:
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()
    await pilot.wait_for_scheduled_animations()


def sample_app(*args: str):
    return build_app(["--config", str(SAMPLE_CONFIG), *args])


def test_main_screen_80x24(snap_compare):
    assert snap_compare(sample_app(), terminal_size=(80, 24), run_before=settle)


def test_main_screen_120x40(snap_compare):
    assert snap_compare(sample_app(), terminal_size=(120, 40), run_before=settle)


def test_reader_open_120x40(snap_compare):
    app = sample_app("--open", "meetings/wang-qishan-quality-forum")
    assert snap_compare(app, terminal_size=(120, 40), run_before=settle)


def test_narrow_layout_reader_60x20(snap_compare):
    async def open_first(pilot):
        await settle(pilot)
        await pilot.press("enter", "enter")
        await pilot.pause()

    assert snap_compare(sample_app(), terminal_size=(60, 20), run_before=open_first)


def test_help_screen(snap_compare):
    async def open_help(pilot):
        await settle(pilot)
        await pilot.press("question_mark")
        await pilot.pause()

    assert snap_compare(sample_app(), terminal_size=(80, 24), run_before=open_help)


def test_search_screen_80x24(snap_compare):
    async def search(pilot):
        await settle(pilot)
        await pilot.press("slash", *"質量")
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()

    assert snap_compare(sample_app("--script", "original"), terminal_size=(80, 24), run_before=search)


def test_section_description_above_the_list_80x24(snap_compare, tmp_path):
    from tests.app.test_section_note import described_site

    site = described_site(tmp_path / "content")
    (site / "news" / "_index.md").write_text(
        '+++\ntitle = "要聞"\ndescription = "質量工作的最新消息、各地監管動態與專家解讀，每日更新"\n+++\n',
        encoding="utf-8",
    )
    (tmp_path / "config.toml").write_text('[newsroom]\ntitle = "質量新聞"\ncontent_dir = "content"\n', encoding="utf-8")

    async def open_news(pilot):
        await settle(pilot)
        await pilot.press("down", "down", "enter")  # 全部, plain, 要聞: into its list
        await pilot.pause()

    app = build_app(["--config", str(tmp_path / "config.toml"), "--script", "original"])
    assert snap_compare(app, terminal_size=(80, 24), run_before=open_news)
