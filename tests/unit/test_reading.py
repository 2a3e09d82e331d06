"""Read and saved articles: where they live, round trips, journal and snapshot, forgiving."""

from __future__ import annotations

import os
import stat
import threading
from pathlib import Path

import pytest

from tui.core import reading
from tui.core.reading import ReadingState, reading_dir


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    return tmp_path / "state" / "reading-test"


def reopened(folder: Path) -> ReadingState:
    return ReadingState.open(folder)


def test_folder_is_per_content_dir_under_the_state_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "xdg"))
    one, two = tmp_path / "one", tmp_path / "two"
    one.mkdir()
    two.mkdir()
    assert reading_dir(one).parent == tmp_path / "xdg" / "newsroom"
    assert reading_dir(one) != reading_dir(two)
    assert reading_dir(one) == reading_dir(tmp_path / "two" / ".." / "one")  # by the resolved path
    assert reading_dir(one, tmp_path / "mine").parent == tmp_path / "mine"


def test_missing_state_is_empty(folder):
    state = reopened(folder)
    assert state.read == set() and state.saved == {}
    assert not folder.exists()  # reading writes nothing


def test_read_and_unread_round_trip_with_chinese_ids(folder):
    state = reopened(folder)
    assert state.set_read(["會議/王岐山", "会议/质量", "meetings/a"]) == ["會議/王岐山", "会议/质量", "meetings/a"]
    assert state.set_read(["會議/王岐山"]) == []  # already read: no change, nothing written
    assert state.set_read(["meetings/a"], read=False) == ["meetings/a"]
    assert state.flush()
    again = reopened(folder)
    assert again.read == {"會議/王岐山", "会议/质量"}
    assert again.is_read("會議/王岐山") and not again.is_read("meetings/a")


def test_saved_round_trip_newest_first(folder):
    state = reopened(folder)
    assert state.set_saved("a", at=100.0) and state.set_saved("b", at=300.0) and state.set_saved("c", at=200.0)
    assert not state.set_saved("a", at=400.0)  # already saved: keeps its time
    assert state.set_saved("c", saved=False)
    assert state.flush()
    again = reopened(folder)
    assert again.saved_newest_first() == ["b", "a"]
    assert again.saved == {"a": 100.0, "b": 300.0}


def test_files_are_private(folder):
    state = reopened(folder)
    state.set_read(["a"])
    state.flush()
    state.compact()
    for name in ("journal", "snapshot", "lock"):
        assert stat.S_IMODE((folder / name).stat().st_mode) == 0o600, name
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700


def test_a_mark_appends_one_line_and_a_long_journal_is_folded(folder, monkeypatch):
    monkeypatch.setattr(reading, "COMPACT_AFTER", 10)
    state = reopened(folder)
    state.set_read(["a"])
    state.flush()
    assert (folder / "journal").read_text(encoding="utf-8") == "r\ta\n"
    assert not (folder / "snapshot").exists()
    for number in range(12):
        state.set_read([f"n{number}"])
        state.flush()
    assert (folder / "snapshot").exists()
    assert len((folder / "journal").read_text(encoding="utf-8").splitlines()) < 10
    assert reopened(folder).read == {"a", *(f"n{n}" for n in range(12))}
    assert sorted(os.listdir(folder)) == ["journal", "lock", "snapshot"]  # no temp files left


def test_a_failed_snapshot_keeps_the_old_one_and_leaves_no_temp_file(folder, monkeypatch):
    state = reopened(folder)
    state.set_read(["新聞/質量"])
    assert state.compact()
    state.set_read(["新闻/质量"])

    def broken_replace(src, dst):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", broken_replace)
    assert state.compact() is False  # reported, not raised
    monkeypatch.undo()
    assert sorted(os.listdir(folder)) == ["journal", "lock", "snapshot"]
    assert reopened(folder).read == {"新聞/質量", "新闻/质量"}  # the change waits in the journal


def test_compact_drops_articles_that_are_gone(folder):
    state = reopened(folder)
    state.set_read(["kept", "gone"])
    state.set_saved("gone-too", at=1.0)
    state.set_saved("kept-saved", at=2.0)
    assert state.compact(keep={"kept", "kept-saved"}.__contains__)
    again = reopened(folder)
    assert again.read == {"kept"} and again.saved == {"kept-saved": 2.0}
    assert (folder / "journal").read_text(encoding="utf-8") == ""


def test_two_apps_sharing_a_folder_keep_each_others_changes(folder):
    first, second = reopened(folder), reopened(folder)
    first.set_read(["from-first"])
    first.flush()
    second.set_read(["from-second"])
    second.set_saved("saved-by-second", at=5.0)
    second.compact()  # folds from the files, not from what `second` holds in memory
    first.set_read(["again-first"])
    first.flush()
    assert reopened(folder).read == {"from-first", "from-second", "again-first"}
    assert reopened(folder).saved == {"saved-by-second": 5.0}


def test_a_journal_replayed_over_its_own_snapshot_changes_nothing(folder):
    """A crash after the new snapshot is in place but before the journal is emptied."""
    state = reopened(folder)
    state.set_read(["a", "b"])
    state.set_read(["a"], read=False)
    state.set_saved("s", at=3.0)
    state.flush()
    journal = (folder / "journal").read_bytes()
    state.compact()
    (folder / "journal").write_bytes(journal)
    again = reopened(folder)
    assert again.read == {"b"} and again.saved == {"s": 3.0}


def test_a_line_cut_short_is_skipped(folder):
    state = reopened(folder)
    state.set_read(["whole"])
    state.flush()
    with (folder / "journal").open("ab") as file:
        file.write(b"r\tcut-sho")  # a write interrupted mid-line
    assert reopened(folder).read == {"whole"}


@pytest.mark.parametrize(
    "snapshot",
    [b"\xff\xfe garbage", b"not a header\nx\n", b"newsroom-reading 9 0\nx\n", b"newsroom-reading 1 two\n", b""],
)
def test_a_damaged_snapshot_reads_as_empty_and_is_replaced(folder, snapshot):
    folder.mkdir(parents=True)
    (folder / "snapshot").write_bytes(snapshot)
    state = reopened(folder)
    assert state.read == set()
    state.set_read(["a"])
    assert state.compact()
    assert reopened(folder).read == {"a"}


def test_an_unwritable_folder_is_reported_not_raised(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("a file where the folder should be")
    state = ReadingState.open(blocker / "reading")
    state.set_read(["a"])
    assert state.flush() is False
    assert state.is_read("a")  # still known for this run


def test_memory_only_state_writes_nothing(tmp_path):
    state = ReadingState.open(None)
    state.set_read(["a"])
    state.set_saved("b")
    assert state.flush() and state.compact()
    assert state.is_read("a") and state.is_saved("b")
    assert not state.unsaved_changes


def test_ids_that_could_break_a_line_are_refused(folder):
    state = reopened(folder)
    assert state.set_read(["bad\nid", "bad\tid", "", "good"]) == ["good"]
    assert not state.set_saved("bad\nid")


def test_changes_made_while_loading_are_kept(folder):
    state = ReadingState(folder)
    state.set_read(["before-load"])
    earlier = reopened(folder)
    earlier.set_read(["on-disk"])
    earlier.flush()
    state.load()
    assert state.read == {"before-load", "on-disk"}


def test_flushes_from_several_threads_write_every_change_once(folder):
    state = reopened(folder)
    for number in range(200):
        state.set_read([f"a{number}"])
    threads = [threading.Thread(target=state.flush) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    lines = (folder / "journal").read_text(encoding="utf-8").splitlines()
    assert len(lines) == 200 and len(set(lines)) == 200
