"""The index breaks while the app runs: the app says so, search answers from the loaded
articles, and once a new index is built in the background, search uses it again."""

from __future__ import annotations

import os
from pathlib import Path

from tests.app.conftest import result_titles, search_for, started, status, until
from tests.conftest import write_article
from tui.cli import build_app
from tui.search.index import SearchIndex

TITLES = ["質量工作座談會召開", "各地加強質量監管", "食品安全檢查"]


def newsroom(root: Path) -> Path:
    for number, title in enumerate(TITLES):
        write_article(
            root, f"news/{number}.md", title=title, body=f"{title}。第{number}篇。", date=f"2010-09-2{number}"
        )
    return root


def notes(app) -> list[str]:
    return [str(notification.message) for notification in app._notifications]


async def test_a_damaged_index_is_said_searched_around_and_rebuilt(tmp_path: Path):
    app = build_app(["--content", str(newsroom(tmp_path / "content"))])
    async with app.run_test(size=(100, 30)) as pilot:
        await started(app, pilot)
        results = await search_for(app, pilot, "質量監")
        assert result_titles(results) == [TITLES[1]]
        damaged_file = os.stat(app.index.path).st_ino
        with open(app.index.path, "r+b") as handle:  # truncated while the app runs
            handle.truncate(0)

        await pilot.press("backspace")  # 質量: a new search meets the damage
        await until(pilot, lambda: any("damaged" in note for note in notes(app)))
        note = next(note for note in notes(app) if "damaged" in note)
        assert "loaded articles" in note and str(tmp_path) not in note
        await until(pilot, lambda: "results" in status(app))
        # Not "0 results": the loaded articles answered, and the status says so.
        assert sorted(result_titles(results)) == sorted(TITLES[:2])
        assert "from the loaded articles" in status(app)

        await until(pilot, lambda: app.search_fallback is None)  # rebuilt in the background
        assert any("rebuilt" in note for note in notes(app))
        assert os.stat(app.index.path).st_ino != damaged_file  # a new file, renamed into place
        await pilot.press("backspace", "backspace", *"食品")
        await app.workers.wait_for_complete()
        await until(pilot, lambda: result_titles(results) == [TITLES[2]])
        assert "from the loaded articles" not in status(app)
        assert "1 result" in status(app)


def unusable_cache(tmp_path: Path, monkeypatch) -> Path:
    blocker = tmp_path / "srv" / "cache"
    blocker.parent.mkdir()
    blocker.write_text("a file where the cache dir should be", encoding="utf-8")
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocker))
    return blocker


async def test_a_kiosk_without_a_cache_dir_builds_no_index_and_shows_no_paths(tmp_path: Path, monkeypatch):
    blocker = unusable_cache(tmp_path, monkeypatch)
    updates = []
    real_update = SearchIndex.update
    monkeypatch.setattr(SearchIndex, "update", lambda self, *a, **k: updates.append(self) or real_update(self, *a, **k))
    app = build_app(["--content", str(newsroom(tmp_path / "content")), "--kiosk"])
    async with app.run_test(size=(100, 30)) as pilot:
        await started(app, pilot)
        assert len(app.newsroom.articles) == 3
        assert updates == []  # no whole index built for one visitor
        results = await search_for(app, pilot, "質量")
        assert sorted(result_titles(results)) == sorted(TITLES[:2])
        assert "from the loaded articles" in status(app)
        assert notes(app)  # the visitor is told search is slower here...
        for note in notes(app):  # ...but never where the server keeps anything
            assert str(blocker.parent) not in note and "File exists" not in note


async def test_the_local_user_sees_where_the_cache_is(tmp_path: Path, monkeypatch):
    blocker = unusable_cache(tmp_path, monkeypatch)
    app = build_app(["--content", str(newsroom(tmp_path / "content"))])
    async with app.run_test(size=(100, 30)) as pilot:
        await started(app, pilot)
        assert app.index.in_memory and len(app.newsroom.articles) == 3
        assert any(str(blocker) in note and "memory index" in note for note in notes(app))
        results = await search_for(app, pilot, "食品")
        assert result_titles(results) == [TITLES[2]]
