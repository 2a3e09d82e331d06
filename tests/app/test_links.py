"""Links are text: never opened by a click; only http, https and mailto open, on an explicit key."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.app.conftest import reader_text, started
from tests.conftest import write_article
from tui.cli import build_app
from tui.ui.screens.links import LinksScreen
from tui.ui.widgets.reader import Reader

BODY = (
    "看[質檢總局](https://www.aqsiq.gov.cn/質量)的說明，"
    "或[腳本](javascript:alert(1))、[文件](file:///etc/passwd)（markdown-it 不當作連結），"
    "[檔案站](ftp://ftp.example.com/a)、[主機](ssh://host.example.com)，寫信給<mailto:editor@example.com>。"
)


@pytest.fixture
def opened(monkeypatch) -> list[str]:
    from tui.ui.app import NewsroomApp

    urls: list[str] = []
    monkeypatch.setattr(NewsroomApp, "open_url", lambda self, url, **kwargs: urls.append(url))
    return urls


async def open_links(app, pilot, choice: int) -> None:
    await pilot.press("tab", "tab", "L")
    assert isinstance(app.screen, LinksScreen)
    await pilot.press(*["down"] * choice, "enter")
    await pilot.pause()


async def test_links_show_as_text_and_a_click_opens_nothing(tmp_path: Path, opened):
    write_article(tmp_path, "n/a.md", title="連結", body=BODY)
    app = build_app(["--content", str(tmp_path)])
    async with app.run_test(size=(120, 30)) as pilot:
        await started(app, pilot)
        await pilot.press("tab", "tab")
        text = reader_text(app)
        assert "質檢總局 <https://www.aqsiq.gov.cn/質量>" in text and "(javascript:alert(1))" in text
        for x in range(0, 60, 4):
            await pilot.click(Reader, offset=(x, 0))
            await pilot.click(Reader, offset=(x, 1))
        assert opened == [] and app.is_running


@pytest.mark.parametrize(
    ("choice", "expected"), [(0, "https://www.aqsiq.gov.cn/%E8%B3%AA%E9%87%8F"), (3, "mailto:editor@example.com")]
)
async def test_web_and_mail_links_open_on_request(tmp_path: Path, opened, choice, expected):
    write_article(tmp_path, "n/a.md", title="連結", body=BODY)
    app = build_app(["--content", str(tmp_path)])
    async with app.run_test(size=(120, 30)) as pilot:
        await started(app, pilot)
        await open_links(app, pilot, choice)
        assert opened == [expected]


@pytest.mark.parametrize("choice", [1, 2])
async def test_other_schemes_are_refused(tmp_path: Path, opened, choice):
    write_article(tmp_path, "n/a.md", title="連結", body=BODY)
    app = build_app(["--content", str(tmp_path)])
    async with app.run_test(size=(120, 30)) as pilot:
        await started(app, pilot)
        await open_links(app, pilot, choice)
        assert opened == []
        assert any("only http, https and mailto" in str(n.message) for n in app._notifications)


async def test_a_kiosk_opens_no_link(tmp_path: Path, opened):
    write_article(tmp_path, "n/a.md", title="連結", body=BODY)
    app = build_app(["--content", str(tmp_path), "--kiosk"])
    async with app.run_test(size=(120, 30)) as pilot:
        await started(app, pilot)
        await open_links(app, pilot, 0)
        assert opened == []
