"""`newsroom watch` keeps the index fresh; lookups trust it instead of walking (issue 12).

The keeper runs in a thread here, with the real inotify, a real index in the
test's own cache dir, and real files changed just before each lookup asks.
"""

from __future__ import annotations

import fcntl
import os
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from tests.conftest import ROOT, write_article
from tui.cli import main
from tui.commands.keeping import keeper_for
from tui.core.config import for_content_dir
from tui.search import freshness
from tui.search.freshness import scan
from tui.search.index import SearchIndex
from tui.search.keeper import Keeper, KeeperError, _Inotify, ask_keeper, keeper_dir, walk_stamp

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the keeper follows folders with inotify")


class Running:
    """A keeper of `content`'s index, running in a thread until `stop()`."""

    def __init__(self, content: Path):
        self.config = for_content_dir(content)
        self.index = SearchIndex.open(self.config)
        self.keeper = keeper_for(self.config, self.index)
        self.keeper.start()
        self.error: BaseException | None = None
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()
        self.stamp = walk_stamp(self.config.content_dir, self.config.site, self.config.allow_outside_links)

    def _run(self) -> None:
        try:
            self.keeper.run()
        except BaseException as error:  # noqa: BLE001 - kept for the test to look at
            self.error = error

    def ask(self, wait: float = 10.0) -> str | None:
        return ask_keeper(self.index.path, self.stamp, wait=wait)

    def stop(self) -> BaseException | None:
        """Stop the keeper; what its loop raised, if anything."""
        self.keeper.stop()
        self.thread.join(10)
        assert not self.thread.is_alive()
        self.index.close()
        return self.error


@pytest.fixture
def content(tmp_path) -> Path:
    root = tmp_path / "content"
    write_article(root, "news/a.md", title="甲", body="第一篇。")
    write_article(root, "news/b.md", title="乙", body="第二篇。")
    return root


@pytest.fixture
def running(content):
    keeper = Running(content)
    yield keeper
    assert keeper.stop() is None  # the loop never failed


def answers_now(running: Running) -> None:
    """The keeper's answer is the digest of the folder as it is now, and the index describes it."""
    digest = running.ask()
    assert digest == scan(running.config.content_dir, running.config.site).digest
    assert running.index.listing_digest() == digest


def titles(running: Running) -> set[str]:
    return {article.title for article in running.index.newsroom().articles}


def test_no_keeper_means_no_answer(content):
    index = SearchIndex.open(for_content_dir(content))
    assert ask_keeper(index.path, "stamp") is None  # no keeper folder at all
    keeper_dir(index.path).mkdir(parents=True)
    (keeper_dir(index.path) / "lock").write_text("12345\n")  # a keeper that died: its lock is free
    assert ask_keeper(index.path, "stamp") is None
    index.close()


def test_the_answer_is_the_index_digest(running):
    answers_now(running)
    assert titles(running) == {"甲", "乙"}


def test_every_change_made_before_asking_is_in_the_answer(running, content):
    rescans = running.keeper.rescans
    for round_number in range(5):
        write_article(content, f"news/new{round_number}.md", title=f"新{round_number}")  # asked at once after
        answers_now(running)
    assert {f"新{n}" for n in range(5)} <= titles(running)
    (content / "news" / "a.md").write_text("+++\ntitle = '甲改'\n+++\n改了。", encoding="utf-8")
    answers_now(running)
    (content / "news" / "b.md").unlink()
    answers_now(running)
    assert "甲改" in titles(running) and "乙" not in titles(running)
    assert running.keeper.rescans > rescans


def test_a_request_made_before_the_keeper_reads_its_queue_waits_for_the_changes_before_it(content):
    """A lookup that asked while the keeper was still starting is answered only once the
    changes queued before its request are read (it was answered from the first walk)."""
    config = for_content_dir(content)
    index = SearchIndex.open(config)
    keeper = keeper_for(config, index)
    keeper.start()
    write_article(content, "news/q.md", title="早")  # after the keeper's walk, before its loop
    answers = []
    stamp = walk_stamp(config.content_dir, config.site, config.allow_outside_links)
    asker = threading.Thread(target=lambda: answers.append(ask_keeper(index.path, stamp, wait=10)))
    asker.start()
    folder = keeper_dir(index.path)
    while not [name for name in os.listdir(folder) if name.startswith("ask-")]:
        time.sleep(0.001)
    loop = threading.Thread(target=keeper.run)
    loop.start()
    asker.join(20)
    try:
        assert answers == [scan(config.content_dir, config.site).digest]
    finally:
        keeper.stop()
        loop.join(10)
        index.close()


def test_stopping_twice_writes_nowhere(content):
    config = for_content_dir(content)
    index = SearchIndex.open(config)
    keeper = keeper_for(config, index)
    keeper.start()
    number = keeper._wake_w
    read_end, write_end = os.pipe()
    keeper.close()
    os.dup2(write_end, number)  # the keeper's old descriptor number is another file's now
    try:
        keeper.stop()
        os.set_blocking(read_end, False)
        with pytest.raises(BlockingIOError):
            os.read(read_end, 1)  # nothing was written into it
    finally:
        for fd in (read_end, write_end, number):
            os.close(fd)
        index.close()


def test_nothing_changed_costs_no_walk(running, monkeypatch):
    rescans = running.keeper.rescans
    for _ in range(3):
        answers_now(running)
    assert running.keeper.rescans == rescans


def test_unrelated_files_cost_no_walk(running, content):
    rescans = running.keeper.rescans
    (content / "news" / ".a.md.swp").write_text("x")  # an editor's swap file
    (content / "news" / "notes.txt").write_text("x")
    (content / ".git").mkdir()
    answers_now(running)
    assert running.keeper.rescans == rescans


def test_new_folders_are_followed(running, content):
    deep = content / "world" / "2025" / "01"
    deep.mkdir(parents=True)
    write_article(content, "world/2025/01/c.md", title="丙")  # made before the keeper could watch the folder
    answers_now(running)
    write_article(content, "world/2025/01/d.md", title="丁")  # and after: the folder is watched now
    answers_now(running)
    assert {"丙", "丁"} <= titles(running)


def test_moved_folders_are_followed_under_their_new_names(running, content):
    (content / "news").rename(content / "old")
    answers_now(running)
    (content / "old" / "sub").mkdir()  # made in the moved folder, known by its new name only
    answers_now(running)
    write_article(content, "old/sub/e.md", title="戊")
    answers_now(running)
    assert "戊" in titles(running)


def test_the_content_folder_removed_and_made_again(running, content):
    shutil.rmtree(content)
    answers_now(running)
    assert titles(running) == set()
    write_article(content, "news/f.md", title="己")
    answers_now(running)
    write_article(content, "news/g.md", title="庚")  # the new folder is watched
    answers_now(running)
    assert titles(running) == {"己", "庚"}


def test_a_symlinked_file_follows_its_target(tmp_path, content):
    outside = tmp_path / "elsewhere"
    target = write_article(outside, "h.md", title="辛")
    (content / "news" / "h.md").symlink_to(target)
    running = Running(content)
    try:
        answers_now(running)
        time.sleep(0.01)  # a later mtime than the listing's
        target.write_text("+++\ntitle = '辛改'\n+++\n", encoding="utf-8")  # no event where the link is
        answers_now(running)
    finally:
        running.stop()


def test_lost_events_mean_a_walk(running, content, monkeypatch):
    """An overflowed queue (the kernel dropped events) makes the keeper walk everything."""
    inotify = running.keeper._inotify
    real = _Inotify.events

    def overflowed(self):
        yield None, 0x4000, ""  # IN_Q_OVERFLOW
        yield from real(self)

    rescans = running.keeper.rescans
    running.stop()  # drive the rounds by hand from here
    keeper = keeper_for(running.config, running.index)
    keeper.start()
    monkeypatch.setattr(type(keeper._inotify), "events", overflowed)
    keeper.round()
    assert keeper.rescans == 2  # the start's walk, and the overflow's
    keeper.close()
    assert inotify is not None and rescans >= 1


def test_a_second_keeper_is_refused(running):
    other = keeper_for(running.config, SearchIndex.open(running.config))
    with pytest.raises(KeeperError, match=f"pid {os.getpid()}"):
        other.start()
    answers_now(running)  # the first one is untouched


def test_a_keeper_that_does_not_answer_is_not_waited_for_forever(content):
    index = SearchIndex.open(for_content_dir(content))
    folder = keeper_dir(index.path)
    folder.mkdir(parents=True)
    fd = os.open(folder / "lock", os.O_RDWR | os.O_CREAT)
    fcntl.flock(fd, fcntl.LOCK_EX)  # alive, but never reads its requests (stopped, say)
    try:
        assert ask_keeper(index.path, "stamp", wait=0.3) is None
        assert not [name for name in os.listdir(folder) if name.startswith("ask-")]  # its request taken back
    finally:
        os.close(fd)
        index.close()


def test_another_config_walks_itself(running):
    assert ask_keeper(running.index.path, "another config's stamp") is None


def test_lookups_trust_the_keeper_and_walk_without_it(content, capsys, monkeypatch, tmp_path):
    walks = tmp_path / "walks"  # a file: the walk may run in a forked child (freshness.Walk)
    walks.touch()

    def counted(walk):
        def counting(*args, **kwargs):
            with walks.open("a") as log:
                log.write("walk\n")
            return walk(*args, **kwargs)

        return counting

    running = Running(content)
    try:
        monkeypatch.setattr(freshness, "scan", counted(freshness.scan))  # in a thread, or in the index
        monkeypatch.setattr(freshness, "lead", counted(freshness.lead))  # in forked walkers
        monkeypatch.setattr(freshness, "follow", counted(freshness.follow))
        write_article(content, "news/k.md", title="新稿件")  # just before the lookup
        assert main(["--content", str(content), "show", "news/k"]) == 0
        assert "新稿件" in capsys.readouterr().out
        assert walks.read_text() == ""  # answered without walking
    finally:
        running.stop()
    write_article(content, "news/m.md", title="後稿件")  # no keeper now
    assert main(["--content", str(content), "show", "news/m"]) == 0
    assert "後稿件" in capsys.readouterr().out
    assert walks.read_text()  # walked


def test_the_index_written_by_another_process_is_put_right(running, content):
    """A process that walked before a change may write the index after the keeper did:
    the keeper's answer brings the index back to what it saw, or the lookup walks."""
    stale = scan(running.config.content_dir, running.config.site)
    write_article(content, "news/n.md", title="壬")
    answers_now(running)
    other = SearchIndex.open(running.config)
    other.update(listing=stale)  # an older listing, written last
    other.close()
    answers_now(running)
    assert "壬" in titles(running)


def test_an_index_that_cannot_be_written_is_not_vouched_for(running, content, monkeypatch):
    """A keeper that could not write a change into the index (a read-only cache dir, say)
    answers that it failed: the index still holds the older listing's digest."""
    answers_now(running)
    monkeypatch.setattr(running.index, "update", lambda *args, **kwargs: False)  # writes nothing
    write_article(content, "news/r.md", title="未寫入")
    assert running.ask() is None  # the lookup walks
    monkeypatch.undo()
    (content / "news" / "r.md").write_text("+++\ntitle = '寫入'\n+++\n", encoding="utf-8")
    answers_now(running)


def test_a_failing_index_does_not_stop_the_keeper(running, content, monkeypatch):
    import sqlite3

    def broken(*args, **kwargs):
        raise sqlite3.DatabaseError("disk I/O error")

    monkeypatch.setattr(running.index, "update", broken)
    write_article(content, "news/s.md", title="壞")
    assert running.ask() is None
    assert running.thread.is_alive()
    monkeypatch.undo()
    write_article(content, "news/t.md", title="好")
    answers_now(running)
    assert {"壞", "好"} <= titles(running)


def test_many_lookups_at_once(running, content):
    write_article(content, "news/u.md", title="眾")
    answers: list[str | None] = []
    askers = [threading.Thread(target=lambda: answers.append(running.ask())) for _ in range(12)]
    for asker in askers:
        asker.start()
    for asker in askers:
        asker.join(30)
    assert answers == [scan(running.config.content_dir, running.config.site).digest] * 12
    assert not [name for name in os.listdir(keeper_dir(running.index.path)) if not name == "lock"]  # no leftovers


def test_a_keeper_that_must_stop_lets_lookups_walk(running, content, monkeypatch):
    def full(self, path, mask=0):
        raise KeeperError("too many folders to watch")

    monkeypatch.setattr(_Inotify, "watch", full)
    (content / "more").mkdir()
    running.thread.join(10)
    assert not running.thread.is_alive() and isinstance(running.error, KeeperError)  # the command prints it
    running.error = None  # expected
    assert running.ask(wait=1) is None  # and its lock went with it


def test_watch_command_runs_until_terminated(content, tmp_path):
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    process = subprocess.Popen(
        [sys.executable, "-m", "tui", "--content", str(content), "watch"],
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    try:
        line = process.stderr.readline()
        assert "keeping the index" in line and "2 files" in line
        write_article(content, "news/p.md", title="癸")
        shown = subprocess.run(
            [sys.executable, "-m", "tui", "--content", str(content), "show", "news/p"],
            capture_output=True,
            text=True,
            env=env,
            timeout=60,
        )
        assert shown.returncode == 0 and "癸" in shown.stdout
        again = subprocess.run(
            [sys.executable, "-m", "tui", "--content", str(content), "watch"],
            capture_output=True,
            text=True,
            env=env,
            timeout=60,
        )
        assert again.returncode == 1 and f"pid {process.pid}" in again.stderr
    finally:
        process.terminate()
        _, err = process.communicate(timeout=20)
    assert process.returncode == 0 and "stopped" in err
    index = SearchIndex.open(for_content_dir(content))
    assert ask_keeper(index.path, "x") is None  # its lock went with it
    index.close()


def test_keeper_refuses_a_missing_folder(tmp_path):
    (tmp_path / "gone").mkdir()
    config = for_content_dir(tmp_path / "gone")
    index = SearchIndex.open(config)
    (tmp_path / "gone").rmdir()
    keeper = Keeper(
        config.content_dir, index.path, "s", scan=lambda: None, update=lambda listing: "d", suffixes=(".md",)
    )
    with pytest.raises(KeeperError, match="not found"):
        keeper.start()
    index.close()
