"""Copy and cite under Pilot: `y` copies a citation (or, in the links list, a link); a kiosk never copies."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.app.conftest import sample_app, started
from tests.conftest import write_article
from tui.cli import build_app
from tui.core.loader import load_file
from tui.ui.screens.commands import NewsroomCommands
from tui.ui.screens.links import LinksScreen

WANG_CITATION = (
    "王岐山在質量工作座談會上指出. 新華社記者 姚大偉 攝. 2010-09-27. 新華社. meetings/wang-qishan-quality-forum"
)


def notifications(app) -> list[str]:
    return [str(n.message) for n in app._notifications]


async def test_y_copies_a_citation_of_the_open_article_and_says_so():
    app = sample_app("--open", "meetings/wang-qishan-quality-forum", "--script", "original")
    async with app.run_test(size=(120, 40)) as pilot:
        await started(app, pilot)
        await pilot.press("y")
        await pilot.pause()
        assert app.clipboard == WANG_CITATION
        assert f"Copied a citation to the clipboard: {WANG_CITATION}" in notifications(app)


async def test_the_citation_is_in_the_script_on_screen_and_of_the_highlighted_article():
    app = sample_app("--script", "simplified")
    async with app.run_test(size=(60, 20)) as pilot:  # the narrow layout: the list alone
        await started(app, pilot)
        await pilot.press("enter", "down", "y")
        await pilot.pause()
        assert (
            app.clipboard
            == "魏传忠:建立大质量工作机制 想实招出实力求实效. 2010-01-20. statements/wei-chuanzhong-quality-mechanism"
        )


@pytest.mark.parametrize(
    ("front", "link"),
    [
        ({"url": '"https://www.aqsiq.gov.cn/xxgk/質量.html"'}, "https://www.aqsiq.gov.cn/xxgk/質量.html"),
        ({"url": '"javascript:alert(1)"'}, "news/a"),  # not a web address: the id instead
        ({"url": '"https://evil.example/\\u001b]52;c;AAAA\\u0007"'}, "https://evil.example/]52;c;AAAA"),  # made safe
        ({}, "news/a"),
    ],
)
async def test_the_canonical_address_comes_from_the_front_matter(tmp_path: Path, front, link):
    write_article(tmp_path, "news/a.md", title="質量", byline='"記者"', source='"新華社"', date="2024-05-01", **front)
    app = build_app(["--content", str(tmp_path)])
    async with app.run_test(size=(120, 30)) as pilot:
        await started(app, pilot)
        await pilot.press("y")
        await pilot.pause()
        assert app.clipboard == f"質量. 記者. 2024-05-01. 新華社. {link}"


def test_a_front_matter_url_that_is_not_a_web_address_is_a_warning(tmp_path: Path):
    path = write_article(tmp_path, "news/a.md", url='"file:///etc/passwd"')
    article, problems = load_file(tmp_path, path)
    assert article is not None
    assert [(p.severity, p.message) for p in problems] == [
        ("warning", "url: must be an http or https address (ignored)")
    ]
    good = write_article(tmp_path, "news/b.md", url='"https://example.com/b"')
    assert load_file(tmp_path, good)[1] == []


async def test_y_in_the_links_list_copies_the_selected_link(tmp_path: Path):
    body = "看[質檢總局](https://www.aqsiq.gov.cn/)和[新華網](http://www.xinhuanet.com/a)。"
    write_article(tmp_path, "n/a.md", title="連結", body=body)
    app = build_app(["--content", str(tmp_path)])
    async with app.run_test(size=(120, 30)) as pilot:
        await started(app, pilot)
        await pilot.press("tab", "tab", "L", "down", "y")
        await pilot.pause()
        assert isinstance(app.screen, LinksScreen)  # copying leaves the list open
        assert app.clipboard == "http://www.xinhuanet.com/a"
        assert "Copied the link to the clipboard: http://www.xinhuanet.com/a" in notifications(app)


async def test_the_palette_over_the_links_list_copies_the_link(tmp_path: Path):
    write_article(tmp_path, "n/a.md", title="連結", body="看[質檢總局](https://www.aqsiq.gov.cn/)。")
    app = build_app(["--content", str(tmp_path)])
    async with app.run_test(size=(120, 30)) as pilot:
        await started(app, pilot)
        await pilot.press("tab", "tab", "L", "ctrl+p", *"Copy the link", "enter")
        await pilot.pause()
        assert app.clipboard == "https://www.aqsiq.gov.cn/"


async def test_a_kiosk_never_copies(tmp_path: Path):
    write_article(tmp_path, "n/a.md", title="連結", body="看[質檢總局](https://www.aqsiq.gov.cn/)。")
    app = build_app(["--content", str(tmp_path), "--kiosk"])
    written: list[str] = []
    async with app.run_test(size=(120, 30)) as pilot:
        await started(app, pilot)
        app._driver.write = written.append  # whatever would reach the terminal
        await pilot.press("y", "tab", "tab", "y", "L", "y")
        await pilot.pause()
        app.copy_text("anything", "a test")  # even asked directly
        app.copy_to_clipboard("anything")
        await pilot.pause()
        assert app.clipboard == ""
        assert not any("\x1b]52" in text for text in written)
        assert not any("Copied" in text for text in notifications(app))
        commands = [name for name, *_ in NewsroomCommands(app.screen)._commands()]
        assert "Copy a citation" not in commands


async def test_copy_keys_can_be_remapped(tmp_path: Path):
    write_article(tmp_path, "n/a.md", title="連結", body="看[質檢總局](https://www.aqsiq.gov.cn/)。")
    config = tmp_path / "config.toml"
    config.write_text(
        f'[newsroom]\ncontent_dir = "{tmp_path}"\n[keys]\ncopy_citation = "c"\ncopy_link = "ctrl+y"\n',
        encoding="utf-8",
    )
    app = build_app(["--config", str(config)])
    async with app.run_test(size=(120, 30)) as pilot:
        await started(app, pilot)
        await pilot.press("c")
        await pilot.pause()
        assert app.clipboard == "連結. n/a"
        await pilot.press("tab", "tab", "L", "ctrl+y")
        await pilot.pause()
        assert app.clipboard == "https://www.aqsiq.gov.cn/"
