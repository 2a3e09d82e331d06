"""One index file shared by many processes: nobody breaks it, nobody waits on a reader,
and a swapped-in file is picked up (see tui/search/sharing.py)."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from tests.conftest import ROOT, write_article
from tui.search.index import SCHEMA_VERSION, IndexDamaged, SearchIndex, default_path
from tui.search.sharing import writer_lock

ARTICLES = 300
PROCESSES = 8


def title(number: int) -> str:
    return f"第{number:04d}號稿件"


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    """A few hundred articles, each with a title no other has."""
    root = tmp_path / "content"
    for number in range(ARTICLES):
        write_article(
            root,
            f"s{number % 5}/{number:04d}.md",
            title=title(number),
            body=f"質量是基礎，安全是底線。第{number}段。",
            date=f"2010-{number % 12 + 1:02}-{number % 28 + 1:02}",
        )
    return root


def touch_every_file(root: Path, shift: int = 7) -> None:
    for path in root.rglob("*.md"):
        info = path.stat()
        os.utime(path, ns=(info.st_atime_ns, info.st_mtime_ns + shift * 1_000_000_000))


def run_at_once(root: Path, commands: list[list[str]]) -> list[subprocess.CompletedProcess]:
    """Start every command before waiting for any: they race for the index."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    procs = [
        subprocess.Popen(
            [sys.executable, "-m", "tui", "--content", str(root), *command],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
        )
        for command in commands
    ]
    done = []
    for proc in procs:
        out, err = proc.communicate(timeout=300)
        done.append(subprocess.CompletedProcess(proc.args, proc.returncode, out, err))
    return done


def assert_all_answered(results: list[subprocess.CompletedProcess]) -> None:
    for result in results:
        assert "Traceback" not in result.stderr, result.stderr[-2000:]
        assert result.returncode == 0, result.stderr[-2000:]
        assert result.stdout.strip()
        # a concurrent builder's file is never taken for damage or another version
        assert "damaged" not in result.stderr and "another version" not in result.stderr, result.stderr


def assert_finds_every_article(root: Path) -> None:
    with SearchIndex.open(root) as index:
        assert index.path == default_path(root) and index.ready
        assert not index.notes
        assert len(index.newsroom().articles) == ARTICLES
        for number in range(ARTICLES):
            assert [hit.article_id for hit in index.search(title(number))] == [f"s{number % 5}/{number:04d}"]
        assert not index.update()  # and it is up to date


def lookups() -> list[list[str]]:
    """Lists, searches and shows, as visitors and scripts would run them."""
    kinds = [["list", "--limit", "2"], ["search", "質量"], ["show", "s1/0001"], ["list", "s3"]]
    return [kinds[number % len(kinds)] for number in range(PROCESSES)]


def test_eight_processes_refreshing_after_every_file_changed(corpus):
    with SearchIndex.open(corpus) as index:
        index.update()
    touch_every_file(corpus)
    assert_all_answered(run_at_once(corpus, lookups()))
    assert_finds_every_article(corpus)


def test_eight_processes_refreshing_after_a_few_edits(corpus):
    # Few changes: the index is topped up in place, one writer at a time.
    with SearchIndex.open(corpus) as index:
        index.update()
    for number in range(0, ARTICLES, 10):
        path = corpus / f"s{number % 5}/{number:04d}.md"
        path.write_text(path.read_text(encoding="utf-8") + "\n增補一段。\n", encoding="utf-8")
        os.utime(path, ns=(0, path.stat().st_mtime_ns + 3_000_000_000))
    assert_all_answered(run_at_once(corpus, lookups()))
    assert_finds_every_article(corpus)


def test_eight_simultaneous_first_builds(corpus):
    results = run_at_once(corpus, lookups())
    assert_all_answered(results)
    assert_finds_every_article(corpus)
    leftovers = [p.name for p in default_path(corpus).parent.iterdir() if ".build-" in p.name]
    assert leftovers == []


# -- in one process, two index objects behave as two processes would -------------


def test_a_reader_moves_to_a_file_swapped_in_by_another_process(corpus):
    reader = SearchIndex.open(corpus)
    reader.update()
    old_identity = os.stat(reader.path).st_ino
    assert reader.search(title(3))
    # Another version of the program rebuilds the index: a new file replaces the old one.
    db = sqlite3.connect(reader.path)
    db.execute(f"PRAGMA user_version={SCHEMA_VERSION - 1}")
    db.commit()
    db.close()
    writer = SearchIndex.open(corpus)
    assert any("another version" in note for note in writer.notes)
    assert writer.update()
    assert os.stat(reader.path).st_ino != old_identity  # renamed into place, not rewritten
    assert [hit.article_id for hit in reader.search(title(4))] == ["s4/0004"]
    assert reader.ready and not reader.notes


def test_readers_keep_answering_while_another_process_writes(corpus):
    index = SearchIndex.open(corpus)
    index.update()
    write_article(corpus, "s0/new.md", title="新來的稿件", body="剛剛寫好。", date="2011-01-01")
    updated = []
    with writer_lock(index.path):  # another process is writing
        thread = threading.Thread(target=lambda: updated.append(index.update()))
        thread.start()
        # The update waits for the lock; reading goes on meanwhile, from the last good index.
        assert [hit.article_id for hit in SearchIndex.open(corpus).search(title(7))] == ["s2/0007"]
        assert not updated
    thread.join(timeout=120)
    assert updated == [True]
    assert [hit.article_id for hit in index.search("新來的稿件")] == ["s0/new"]


def test_an_abandoned_build_is_cleared_by_the_next_build(corpus):
    path = default_path(corpus)
    path.parent.mkdir(parents=True)
    abandoned = path.with_name(path.name + ".build-99999-dead")
    abandoned.write_bytes(b"half a database")
    with SearchIndex.open(corpus) as index:
        index.update()
    assert not abandoned.exists()
    assert_finds_every_article(corpus)


@pytest.mark.parametrize("damage", ["truncated", "overwritten"])
def test_a_file_damaged_in_use_is_replaced_not_deleted(corpus, damage):
    index = SearchIndex.open(corpus)
    index.update()
    other = SearchIndex.open(corpus)  # another process, reading the same file
    assert other.search(title(1))
    with open(index.path, "r+b") as handle:  # damaged under everyone's feet, same file
        if damage == "truncated":
            handle.truncate(0)
        else:
            handle.write(b"not a database at all " * 1000)
    with pytest.raises(IndexDamaged):
        other.search(title(1))
    with pytest.raises(IndexDamaged):  # said every time, never an empty answer
        other.search(title(1))
    assert other.update()  # a new file, renamed into place
    assert [hit.article_id for hit in other.search(title(1))] == ["s1/0001"]
    assert [hit.article_id for hit in index.search(title(2))] == ["s2/0002"]  # the first one moves over too


# -- versions: an upgrade, or two installs, at work on one content dir -------------------------


def as_version(monkeypatch, version: int) -> None:
    """This process from now on is the index code of `version` (its file name and its format)."""
    import tui.search.index
    import tui.search.sharing

    monkeypatch.setattr(tui.search.sharing, "SCHEMA_VERSION", version)
    monkeypatch.setattr(tui.search.index, "SCHEMA_VERSION", version)


def built(corpus: Path) -> tuple[Path, tuple[int, int]]:
    """Open and bring up to date the index this version uses: its path and its file's identity."""
    with SearchIndex.open(corpus) as index:
        index.update()
        assert [hit.article_id for hit in index.search(title(3))] == ["s3/0003"]
        info = index.path.stat()
        return index.path, (info.st_dev, info.st_ino)


def test_each_version_keeps_its_own_index_and_none_rebuilds_the_others(corpus, monkeypatch):
    # A `newsroom watch` started before an upgrade kept the old version's index while the upgraded
    # `newsroom` kept its own: with one shared file each rebuilt the whole index in turn, at every
    # lookup after a change (5 s at 10,000 articles, a minute at 100,000).
    as_version(monkeypatch, SCHEMA_VERSION - 1)
    older, _ = built(corpus)
    as_version(monkeypatch, SCHEMA_VERSION)
    ours, identity = built(corpus)
    assert older != ours and ours.name.endswith(f"-v{SCHEMA_VERSION}.sqlite3")
    assert not older.exists()  # an older version's index goes once ours is built: it only takes room
    as_version(monkeypatch, SCHEMA_VERSION - 1)  # the old keeper, still running, builds its own again
    assert built(corpus)[0] == older
    as_version(monkeypatch, SCHEMA_VERSION)
    assert built(corpus) == (ours, identity)  # ours untouched: no rebuild
    assert older.exists()  # and an index not rebuilt removes nothing


def test_a_newer_versions_index_is_never_removed(corpus, monkeypatch):
    as_version(monkeypatch, SCHEMA_VERSION + 1)
    newer, identity = built(corpus)
    as_version(monkeypatch, SCHEMA_VERSION)
    built(corpus)
    as_version(monkeypatch, SCHEMA_VERSION + 1)
    assert built(corpus) == (newer, identity)


def test_an_older_index_in_use_by_a_writer_is_kept(corpus, monkeypatch):
    as_version(monkeypatch, SCHEMA_VERSION - 1)
    older, _ = built(corpus)
    as_version(monkeypatch, SCHEMA_VERSION)
    with writer_lock(older):  # the old keeper, writing
        built(corpus)
    assert older.exists()


def test_the_unversioned_index_of_earlier_releases_goes_with_its_stored_newsroom(corpus):
    ours = default_path(corpus)
    ours.parent.mkdir(parents=True)
    legacy = ours.with_name(ours.name.replace(f"-v{SCHEMA_VERSION}", ""))
    assert legacy != ours
    for path in (legacy, legacy.with_name(legacy.name + ".assembled")):
        path.write_bytes(b"an index of an earlier release")
    unrelated = ours.with_name("index-0123456789abcdef.sqlite3")  # another content dir's
    unrelated.write_bytes(b"kept")
    built(corpus)
    assert not legacy.exists() and not legacy.with_name(legacy.name + ".assembled").exists()
    assert unrelated.exists()
