"""The selected section's description (from its _index page) above its article list."""

from __future__ import annotations

from pathlib import Path

from tests.app.conftest import started
from tests.conftest import write_article
from tui.cli import build_app
from tui.ui.widgets.article_list import ArticleList
from tui.ui.widgets.section_menu import SectionMenu
from tui.ui.widgets.section_note import SectionNote


def described_site(root: Path) -> Path:
    """Three sections: one with a description, one whose _index body says it, one with neither."""
    (root / "news").mkdir(parents=True)
    (root / "news" / "_index.md").write_text(
        '+++\ntitle = "要聞"\ndescription = "質量工作的最新消息與各地監管動態"\n+++\n', encoding="utf-8"
    )
    write_article(root, "news/a.md", title="質量工作座談會", date="2010-09-27")
    (root / "notes").mkdir()
    (root / "notes" / "_index.md").write_text(
        '+++\ntitle = "札记"\n+++\n\n## 关于\n\n本栏目收录**记者**的[采访](https://example.com/)札记。\n\n第二段不显示。\n',
        encoding="utf-8",
    )
    write_article(root, "notes/b.md", title="采访札记", date="2011-01-01")
    write_article(root, "plain/c.md", title="無說明", date="2012-01-01")
    (root / "zmarkup").mkdir()
    (root / "zmarkup" / "_index.md").write_text(
        '+++\ntitle = "標記"\ndescription = "[b]質量[/b] [@click=app.quit]退出[/]\\u001b[2J"\n+++\n', encoding="utf-8"
    )
    write_article(root, "zmarkup/d.md", title="標記文章", date="2013-01-01")
    return root


def note_text(app) -> list[str]:
    note = app.screen.query_one(SectionNote)
    if not note.display or note.size.height == 0:
        return []
    return ["".join(s.text for s in note.render_line(y)).strip() for y in range(note.size.height)]


async def choose(app, pilot, section_id: str) -> None:
    menu = app.screen.query_one(SectionMenu)
    menu.move_cursor([s.id for s in menu.sections].index(section_id))
    await pilot.pause()


async def test_the_selected_sections_description_shows_above_its_list_at_80x24(tmp_path):
    app = build_app(["--content", str(described_site(tmp_path)), "--script", "original"])
    async with app.run_test(size=(80, 24)) as pilot:
        await started(app, pilot)
        assert note_text(app) == []  # the front page has no description: no room taken
        await choose(app, pilot, "news")
        lines = note_text(app)
        assert 1 <= len(lines) <= 2 and "".join(lines).startswith("質量工作")
        assert [a.title for a in app.screen.query_one(ArticleList).articles] == ["質量工作座談會"]
        await choose(app, pilot, "notes")  # no description: the _index body's first paragraph, as text
        assert "".join(note_text(app)).startswith("本栏目收录记者的采访")
        assert not any(mark in "".join(note_text(app)) for mark in ("**", "](", "##", "第二段"))
        await pilot.press("t")  # 简体 -> the script on screen
        await pilot.pause()
        await choose(app, pilot, "news")
        assert "".join(note_text(app)).startswith("质量工作")
        await choose(app, pilot, "plain")
        assert note_text(app) == []
        await choose(app, pilot, "zmarkup")  # content text: never markup, no control characters
        shown = "".join(note_text(app))
        assert shown.startswith("[b]质量[/b]") and "[@click=app.quit]退出" in shown and "\x1b" not in shown
        assert app.is_running


async def test_the_description_shows_in_the_narrow_layout_with_the_list(tmp_path):
    app = build_app(["--content", str(described_site(tmp_path)), "--script", "original"])
    async with app.run_test(size=(60, 20)) as pilot:
        await started(app, pilot)
        await choose(app, pilot, "news")
        assert note_text(app) == []  # the menu is the pane on show
        await pilot.press("enter")  # into the list
        await pilot.pause()
        assert "".join(note_text(app)).startswith("質量工作")
        assert app.screen.query_one(ArticleList).size.height > 0
