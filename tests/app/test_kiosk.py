"""Kiosk mode under Pilot: locked, idle reset, attract mode, no state written."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from tests.app.conftest import started
from tests.conftest import ROOT
from tui.chinese.script import ScriptMode
from tui.cli import build_app
from tui.core.state import state_path
from tui.ui.widgets.article_list import ArticleList
from tui.ui.widgets.reader import Reader
from tui.ui.widgets.section_menu import SectionMenu


async def until(pilot, condition, timeout: float = 15.0) -> None:
    """Wait for a timer-driven change; generous, since a loaded machine runs timers late."""
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        await pilot.pause(0.05)


def kiosk_config(tmp_path: Path, **kiosk: object) -> Path:
    lines = [f"{key} = {value!r}".replace("'", '"') for key, value in kiosk.items()]
    text = (
        (ROOT / "config.toml")
        .read_text(encoding="utf-8")
        .replace('content_dir = "content"', f'content_dir = "{ROOT / "content"}"')
    )
    path = tmp_path / "config.toml"
    path.write_text(text + "\n[kiosk]\nenabled = true\n" + "\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.mark.parametrize("key", ["q", "ctrl+q", "ctrl+c", "ctrl+z", "ctrl+backslash"])
async def test_no_key_quits_a_kiosk(key: str):
    app = build_app(["--config", str(ROOT / "config.toml"), "--kiosk"])
    async with app.run_test(size=(80, 24)) as pilot:
        await started(app, pilot)
        await pilot.press(key)
        await pilot.pause()
        assert not app._exit and app.is_running


async def test_operator_exit_key_leaves(tmp_path: Path):
    app = build_app(["--config", str(kiosk_config(tmp_path, exit_key="ctrl+x"))])
    async with app.run_test(size=(80, 24)) as pilot:
        await started(app, pilot)
        await pilot.press("q")
        assert not app._exit
        await pilot.press("ctrl+x")
        await pilot.pause()
        assert app._exit


async def test_palette_has_no_system_commands_and_footer_no_quit():
    app = build_app(["--config", str(ROOT / "config.toml"), "--kiosk"])
    async with app.run_test(size=(120, 30)) as pilot:
        await started(app, pilot)
        assert list(app.get_system_commands(app.screen)) == []
        footer_keys = [binding.action for (_, binding, enabled, _) in app.screen.active_bindings.values() if enabled]
        assert "quit" not in footer_keys


async def test_idle_kiosk_goes_back_to_the_front_page(tmp_path: Path):
    # The idle time is long enough that a loaded machine cannot run out the clock
    # between these keys; the wait afterwards is skipped by backdating the last key.
    app = build_app(["--config", str(kiosk_config(tmp_path, idle_seconds=4)), "--script", "original"])
    async with app.run_test(size=(120, 30)) as pilot:
        await started(app, pilot)
        await pilot.press("j", "j", "j", "enter", "t")  # 會議, its list, simplified
        assert app.screen.query_one(SectionMenu).current.id == "meetings"
        assert app.script_mode is ScriptMode.SIMPLIFIED
        menu = app.screen.query_one(SectionMenu)
        await pilot.pause(1.5)  # still within the idle time: nothing reset
        assert menu.current.id == "meetings" and app.script_mode is ScriptMode.SIMPLIFIED
        app._last_input -= 4
        await until(pilot, lambda: menu.current.id == "latest")
        assert menu.current.id == "latest" and app.focused is menu
        assert app.script_mode is ScriptMode.ORIGINAL
        assert len(app.screen.query_one(ArticleList).articles) == 3


async def test_attract_mode_cycles_headlines_until_a_key(tmp_path: Path):
    app = build_app(["--config", str(kiosk_config(tmp_path, rotate_seconds=0.2, idle_seconds=30))])
    async with app.run_test(size=(120, 30)) as pilot:
        await started(app, pilot)
        reader = app.screen.query_one(Reader)
        seen = set()
        await until(pilot, lambda: seen.add(reader.article.id) or len(seen) == 3)  # round all three headlines
        await pilot.press("down")
        settled = reader.article.id
        await pilot.pause(0.6)
        assert reader.article.id == settled and not app.attracting


async def test_kiosk_writes_no_state():
    app = build_app(["--config", str(ROOT / "config.toml"), "--kiosk"])
    async with app.run_test(size=(80, 24)) as pilot:
        await started(app, pilot)
        await pilot.press("t")
        assert app.script_mode is ScriptMode.SIMPLIFIED
    assert not state_path().exists()


async def test_a_crash_in_a_kiosk_shows_no_traceback():
    app = build_app(["--config", str(ROOT / "config.toml"), "--kiosk"])
    with pytest.raises(ZeroDivisionError):
        async with app.run_test(size=(80, 24)) as pilot:
            await started(app, pilot)
            app.call_later(lambda: 1 / 0)
            await pilot.pause()
    app._print_error_renderables()  # what Textual prints on the way out
    assert "ZeroDivisionError" in app.error_console.file.getvalue()  # kept, not shown
