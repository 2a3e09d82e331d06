"""Following the content folder: batches of changed content files, polling where the kernel
will not watch, bursts coalesced, and a shared index refreshed once for many apps."""

from __future__ import annotations

import os
import queue
import threading
import time
from pathlib import Path

import pytest

from tests.conftest import write_article
from tui.core.watch import Coalescer, ContentFilter, watch_content


class Follower:
    """watch_content in a thread, its batches in a queue; stopped at the end."""

    def __init__(self, folder: Path, **options) -> None:
        self.stop = threading.Event()
        self.batches: queue.Queue[set[str]] = queue.Queue()
        self.error: BaseException | None = None
        self.ready = threading.Event()
        self.thread = threading.Thread(target=self._run, args=(folder, options), daemon=True)
        self.thread.start()

    def _run(self, folder: Path, options: dict) -> None:
        try:
            for batch in watch_content(folder, self.stop, **options):
                self.batches.put(batch)
        except BaseException as error:  # noqa: BLE001 - handed to the test
            self.error = error

    def changed_until(self, wanted, timeout: float = 20.0) -> set[str]:
        """Everything reported until `wanted(seen)` holds (bounded)."""
        seen: set[str] = set()
        deadline = time.monotonic() + timeout
        while not wanted(seen):
            assert time.monotonic() < deadline, f"timed out; saw {sorted(seen)}"
            try:
                seen |= self.batches.get(timeout=0.1)
            except queue.Empty:
                pass
        return seen

    def close(self) -> None:
        self.stop.set()
        self.thread.join(timeout=10)
        assert not self.thread.is_alive(), "the watcher did not stop"


def write_until_seen(follower: Follower, folder: Path, name: str) -> None:
    """Write an article, again now and then, until the watcher reports it: the watcher
    starts in its own thread, and a change made before it watches is never reported."""
    path = os.path.realpath(folder / name)
    seen: set[str] = set()
    deadline = time.monotonic() + 20
    while path not in seen:
        assert time.monotonic() < deadline, f"never reported; saw {sorted(seen)}"
        write_article(folder, name, title="標題")
        again = time.monotonic() + 0.5
        while path not in seen and time.monotonic() < again:
            try:
                seen |= follower.batches.get(timeout=0.05)
            except queue.Empty:
                pass


@pytest.mark.parametrize("polling", [None, True], ids=["native", "polling"])
def test_content_files_are_reported_and_other_files_are_not(tmp_path: Path, polling):
    (tmp_path / "news").mkdir()
    follower = Follower(tmp_path, polling=polling)
    try:
        write_until_seen(follower, tmp_path, "news/first.md")
        (tmp_path / "news" / ".first.md.swp").write_text("vim")
        (tmp_path / "news" / "first.md~").write_text("backup")
        (tmp_path / ".git").mkdir()
        (tmp_path / ".git" / "index.md").write_text("not content")
        write_article(tmp_path, "news/second.md")
        seen = follower.changed_until(lambda s: os.path.realpath(tmp_path / "news/second.md") in s)
        assert not {Path(path).name for path in seen} & {".first.md.swp", "first.md~", "index.md", ".git"}
        (tmp_path / "news" / "first.md").unlink()
        follower.changed_until(lambda s: os.path.realpath(tmp_path / "news/first.md") in s)
    finally:
        follower.close()
    assert follower.error is None


def test_a_folder_moved_away_is_reported(tmp_path: Path):
    write_article(tmp_path, "news/a.md")
    follower = Follower(tmp_path)
    try:
        write_until_seen(follower, tmp_path, "news/b.md")
        os.rename(tmp_path / "news", tmp_path / ".trash")
        follower.changed_until(lambda s: os.path.realpath(tmp_path / "news") in s)
    finally:
        follower.close()


def test_the_kernel_watcher_failing_means_polling(tmp_path: Path, monkeypatch):
    import watchfiles

    real_watch = watchfiles.watch
    tried: list[bool | None] = []

    def watch_that_fails_without_polling(*paths, force_polling=None, **options):
        tried.append(force_polling)
        if not force_polling:
            raise OSError(28, "OS file watch limit reached")
        yield from real_watch(*paths, force_polling=force_polling, **options)

    monkeypatch.setattr(watchfiles, "watch", watch_that_fails_without_polling)
    follower = Follower(tmp_path)
    try:
        write_until_seen(follower, tmp_path, "a.md")
    finally:
        follower.close()
    assert tried == [None, True] and follower.error is None


def test_polling_that_fails_too_is_raised(tmp_path: Path):
    follower = Follower(tmp_path / "missing")
    follower.thread.join(timeout=10)
    assert isinstance(follower.error, (OSError, RuntimeError))


def test_the_filter_keeps_content_and_folders_only(tmp_path: Path):
    keep = ContentFilter(tmp_path)
    root = os.path.realpath(tmp_path)
    (tmp_path / "v1.2").mkdir()
    assert keep(None, f"{root}/news/a.md") and keep(None, f"{root}/news/a.MARKDOWN")
    assert keep(None, f"{root}/news") and keep(None, f"{root}/v1.2")  # folders: what they held goes too
    for ignored in ("news/a.md.swp", "news/.a.md", "news/a.md~", ".git/x.md", "_drafts/x.md", "news/a.txt"):
        assert not keep(None, f"{root}/{ignored}"), ignored
    assert not keep(None, "/elsewhere/a.md")


def test_what_arrives_during_a_refresh_waits_for_the_next_together():
    changes = Coalescer()
    assert changes.add({"a"}) is True  # start a refresher
    assert changes.add({"b"}) is False  # one is running: it will take this
    assert changes.take() == {"a", "b"}
    assert changes.add({"c"}) is False
    assert changes.add({"d"}) is False
    assert changes.take() == {"c", "d"}  # one more round for however many batches came
    assert changes.take() is None  # done: the refresher ends
    assert changes.add({"e"}) is True  # and the next change starts another
    changes.abandon({"e"})  # that one failed: its paths wait for the next
    assert changes.add({"f"}) is True
    assert changes.take() == {"e", "f"}


def test_a_shared_index_is_refreshed_once_for_many_apps(tmp_path: Path, monkeypatch):
    """Two apps (two SSH visitors) on one index, both told of the same change at once:
    the changed file is read once; the second finds the index up to date."""
    from tui.core import loader
    from tui.search.index import SearchIndex

    content = tmp_path / "content"
    write_article(content, "news/a.md", title="甲")
    index_path = tmp_path / "cache" / "index.sqlite3"
    first, second = SearchIndex.open(content, index_path), SearchIndex.open(content, index_path)
    first.refresh()
    second.refresh()

    reads: list[str] = []
    inside = threading.Event()
    release = threading.Event()
    real_read = loader.read_article

    def slow_read(content_dir, path):
        reads.append(path.name)
        inside.set()
        release.wait(10)  # the first app is still reading when the second asks
        return real_read(content_dir, path)

    monkeypatch.setattr(loader, "read_article", slow_read)
    write_article(content, "news/b.md", title="乙")
    results: dict[str, list[str]] = {}

    def refresh(name: str, index: SearchIndex) -> None:
        results[name] = sorted(article.title for article in index.refresh().articles)

    one = threading.Thread(target=refresh, args=("first", first))
    one.start()
    assert inside.wait(10)
    two = threading.Thread(target=refresh, args=("second", second))
    two.start()
    release.set()
    one.join(10)
    two.join(10)
    assert results == {"first": ["乙", "甲"], "second": ["乙", "甲"]}
    assert reads == ["b.md"]
    first.close()
    second.close()


@pytest.mark.parametrize("polling", [False, True], ids=["kernel", "polling"])
def test_the_watcher_says_when_it_is_in_place_and_misses_nothing_after(tmp_path: Path, polling):
    """`started` comes once, in a quiet folder too; from then on one write is enough to be
    reported, and no empty batch is ever handed on."""
    (tmp_path / "news").mkdir()  # (a file written at once into a new folder may come as the folder alone)
    calls = []
    in_place = threading.Event()
    follower = Follower(tmp_path, polling=polling, started=lambda: (calls.append(1), in_place.set()))
    try:
        assert in_place.wait(20), "never said it was in place"
        write_article(tmp_path, "news/a.md", title="標題")
        seen = follower.changed_until(lambda seen: os.path.realpath(tmp_path / "news/a.md") in seen)
        assert seen and calls == [1]
        assert follower.batches.empty() or all(follower.batches.get_nowait() for _ in range(follower.batches.qsize()))
    finally:
        follower.close()
    assert follower.error is None
