"""The freshness walk lists exactly the loader's content files, and its digest moves with any change."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import pytest

from tests.conftest import write_article
from tui.core import loader
from tui.search.freshness import Walk, scan


def tree(root: Path) -> Path:
    for rel in (
        "首頁.md",
        "a.md",
        "c.MD",
        "z.markdown",
        "b/x.md",
        "b/deep/y.md",
        "b/w.md",
        "news/2010/質量.md",
        "_drafts/hidden.md",
        ".git/ignored.md",
        "news/.hidden.md",
        "news/_kept.md",
    ):
        write_article(root, rel)
    (root / "notes.txt").write_text("not content", encoding="utf-8")
    (root / "folder.md").mkdir()  # a folder with a content suffix is no file
    (root / "news" / "link.md").symlink_to(root / "a.md")
    (root / "news" / "dangling.md").symlink_to(root / "missing.md")
    (root / "linked").symlink_to(root / "b", target_is_directory=True)  # not followed
    return root


def loader_files(root: Path) -> list[str]:
    return [path.relative_to(root).as_posix() for path in loader.iter_content_files(root)]


def test_the_walk_lists_what_the_loader_reads_in_its_order(tmp_path):
    root = tree(tmp_path / "content")
    listing = scan(root)
    assert list(listing.files) == loader_files(root)
    assert "news/2010/質量.md" in listing.files and "news/_kept.md" in listing.files
    size, mtime = listing.files["b/x.md"]
    assert listing.path("b/x.md") == str(root / "b" / "x.md")
    assert listing.path("news/2010/質量.md") == str(root / "news" / "2010" / "質量.md")
    assert size == (root / "b" / "x.md").stat().st_size and mtime == (root / "b" / "x.md").stat().st_mtime_ns
    assert listing.files["news/dangling.md"] == (-1, -1)
    assert listing.files["news/link.md"][0] == (root / "a.md").stat().st_size


def test_the_digest_changes_with_any_file_and_only_then(tmp_path):
    root = tree(tmp_path / "content")
    first = scan(root).digest
    assert scan(root).digest == first
    path = root / "b" / "deep" / "y.md"
    info = path.stat()
    os.utime(path, ns=(info.st_atime_ns, info.st_mtime_ns + 1))
    touched = scan(root).digest
    assert touched != first
    write_article(root, "b/new.md")
    added = scan(root).digest
    assert added not in (first, touched)
    (root / "b" / "new.md").unlink()
    assert scan(root).digest == touched


def test_the_digest_is_of_every_line_joined_as_indexes_built_before_stored_it(tmp_path):
    """The digest is fed folder by folder, but is the same as one of every line joined at
    once: an index whose stored digest was made that way is still fresh."""
    root = tree(tmp_path / "content")
    listing = scan(root)
    joined = "\n".join(f"{rel}\0{size}\0{mtime}" for rel, (size, mtime) in listing.files.items())
    assert len(listing.files) > 3  # files in several folders, so the folder-by-folder feed is what is checked
    assert listing.digest == hashlib.blake2b(joined.encode("utf-8", "surrogateescape"), digest_size=16).hexdigest()


def test_a_missing_content_dir_is_an_empty_listing(tmp_path):
    listing = scan(tmp_path / "nowhere")
    assert listing.files == {}


@pytest.mark.parametrize("fork", [True, False])
def test_a_walk_aside_finds_what_scan_finds(tmp_path, fork):
    """A lookup walks beside its imports: in a forked child (Linux, no other thread) or a thread."""
    root = tree(tmp_path)
    walked = Walk(root, fork=fork).result()
    scanned = scan(root)
    assert (walked.root, walked.digest, walked.files) == (scanned.root, scanned.digest, scanned.files)
    assert walked.files["news/2010/質量.md"] == scanned.files["news/2010/質量.md"]


def test_a_walk_given_up_after_the_kernel_reaped_its_walkers(tmp_path):
    """With SIGCHLD ignored (a supervisor may leave it so, and exec keeps it) the kernel reaps
    finished walkers itself: giving the walk up then must neither raise nor close a
    descriptor twice (found by review: ProcessLookupError, then EBADF)."""
    import signal
    import time

    root = tree(tmp_path)
    old = signal.signal(signal.SIGCHLD, signal.SIG_IGN)
    try:
        walk = Walk(root, fork=True)
        pids = [pid for pid, _ in walk._children]

        def alive(pid: int) -> bool:
            try:
                os.kill(pid, 0)
            except ProcessLookupError:
                return False
            return True

        deadline = time.monotonic() + 60
        while any(map(alive, pids)) and time.monotonic() < deadline:
            time.sleep(0.01)
        walk.cancel()
        walk.cancel()
        assert walk.result() is None and walk._children == []
    finally:
        signal.signal(signal.SIGCHLD, old)


@pytest.mark.parametrize("fds", [(0,), (2,), (0, 2)])
def test_walkers_of_a_process_started_with_standard_descriptors_closed_still_answer(tmp_path, fds):
    """Each walker puts /dev/null on 0-2: a pipe end there was overwritten (found by review), so
    the walkers failed and the lookup walked again itself."""
    root = tree(tmp_path)
    saved = {fd: os.dup(fd) for fd in fds}
    try:
        for fd in fds:
            os.close(fd)
        walk = Walk(root, fork=True, parts=2)
        listing = walk.result()
    finally:
        for fd, copy in saved.items():
            os.dup2(copy, fd)
            os.close(copy)
    assert listing is not None and listing.files == scan(root).files


def test_pipes_for_children_are_made_above_the_standard_descriptors():
    from tui.search.freshness import pipe_above_stdio

    def free(fd: int) -> bool:
        try:
            os.fstat(fd)
        except OSError:
            return True
        return False

    saved = os.dup(0)
    try:
        os.close(0)
        ends = pipe_above_stdio()
        zero_left_free = free(0)
    finally:
        os.dup2(saved, 0)
        os.close(saved)
    assert min(ends) > 2 and zero_left_free
    assert not os.get_inheritable(ends[0]) and not os.get_inheritable(ends[1])  # close-on-exec
    os.write(ends[1], b"x")
    assert os.read(ends[0], 1) == b"x"
    for end in ends:
        os.close(end)


def test_a_walk_that_may_not_take_a_thread_walks_only_if_it_can_fork(tmp_path, monkeypatch):
    """The head start's walk: a thread could not be stopped, so with no process to spare
    there is no walk at all, and `result()` says so at once."""
    root = tree(tmp_path)
    walk = Walk(root, fork=True, thread=False)
    assert not walk.given_up and walk.result().files == scan(root).files

    def no_fork():
        raise BlockingIOError(11, "Resource temporarily unavailable")

    monkeypatch.setattr(os, "fork", no_fork)
    for fork in (True, False):
        walk = Walk(root, fork=fork, thread=False)
        assert walk.given_up and walk._thread is None and walk.result() is None


@pytest.mark.parametrize("fork", [True, False])
def test_a_failed_walk_aside_answers_none_and_says_nothing(tmp_path, monkeypatch, capfd, fork):
    """The caller then walks itself and meets the error in its own way; the child leaves no zombie."""
    from tui.search import freshness

    def broken(*_args):
        raise RuntimeError("disk on fire")

    real_fork, forked = os.fork, []

    def counted_fork():
        forked.append(real_fork())
        return forked[-1]

    monkeypatch.setattr(freshness, "scan", broken)
    monkeypatch.setattr(freshness, "lead", broken)
    monkeypatch.setattr(freshness, "follow", broken)
    monkeypatch.setattr(os, "fork", counted_fork)
    walk = Walk(tree(tmp_path), fork=fork)
    assert walk.result() is None
    assert capfd.readouterr().err == ""
    assert len(forked) == (min(2, os.cpu_count()) if fork else 0)
    for pid in forked:
        with pytest.raises(ChildProcessError):
            os.waitpid(pid, os.WNOHANG)  # reaped already


def test_the_cli_walks_in_forked_children_when_it_has_no_thread(tmp_path):
    """`newsroom list` in a fresh process: the walk runs in a child, and the answer is the same."""
    import subprocess
    import sys

    root = tree(tmp_path / "content")
    probe = (
        "import os, sys\n"
        "from tui.search import freshness\n"
        "forks = []\n"
        "real_fork = os.fork\n"
        "def fork():\n"
        "    pid = real_fork()\n"
        "    if pid: forks.append(pid)\n"
        "    return pid\n"
        "os.fork = fork\n"
        "from tui.cli import main\n"
        "status = main(['--content', sys.argv[1], 'list'])\n"
        "print('forks', len(forks))\n"
        "raise SystemExit(status)\n"
    )
    env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path / "cache")}
    done = subprocess.run(
        [sys.executable, "-c", probe, str(root)], capture_output=True, text=True, env=env, check=False
    )
    assert done.returncode == 0, done.stderr
    assert "質量" in done.stdout and done.stdout.rstrip().endswith(f"forks {min(2, os.cpu_count())}")  # a walker a core


def test_a_walk_aside_that_cannot_fork_walks_in_a_thread(tmp_path, monkeypatch):
    """No process to spare (RLIMIT_NPROC, a sandbox): the lookup still answers."""

    def no_fork():
        raise BlockingIOError(11, "Resource temporarily unavailable")

    monkeypatch.setattr(os, "fork", no_fork)
    root = tree(tmp_path)
    before = len(os.listdir("/proc/self/fd"))
    walked = Walk(root, fork=True).result()
    assert walked.digest == scan(root).digest and walked.files == scan(root).files
    assert len(os.listdir("/proc/self/fd")) == before  # the pipe was closed


def test_a_forked_walk_answers_when_sigchld_is_ignored(tmp_path):
    """A parent that ignores SIGCHLD (some daemons, `trap '' CHLD` does not but nohup-style
    wrappers may) has its children reaped at once: waiting for the walk's child finds none."""
    import signal

    root = tree(tmp_path)
    previous = signal.signal(signal.SIGCHLD, signal.SIG_IGN)
    try:
        walked = Walk(root, fork=True).result()
    finally:
        signal.signal(signal.SIGCHLD, previous)
    assert walked is not None and walked._files is None  # it did come from a child
    assert (walked.digest, walked.files) == (scan(root).digest, scan(root).files)


@pytest.mark.parametrize("killed", ["lead", "follow"])
def test_a_walk_child_killed_while_sending_answers_none(tmp_path, monkeypatch, killed):
    """Killed halfway through its answer (an OOM kill, a kill -9 of the group): the cut-off
    answer is not taken for a listing (it once failed later, decoding, with EOFError)."""
    import signal

    from tui.search import freshness

    parent = os.getpid()
    real_walk = getattr(freshness, killed)

    def marked(*args):
        freshness._killed_here = True  # (in this child only: the other walker sends whole)
        return real_walk(*args)

    def half_then_killed(write_end, message):
        if getattr(freshness, "_killed_here", False):
            os.write(write_end, message[: len(message) // 2])
            os.kill(os.getpid(), signal.SIGKILL)
        os.write(write_end, message)

    monkeypatch.setattr(freshness, killed, marked)
    monkeypatch.setattr(freshness, "_send", half_then_killed)
    root = tree(tmp_path)
    for name in range(300):  # an answer longer than its header
        write_article(root, f"many/{name}.md")
    assert Walk(root, fork=True, parts=2).result() is None
    assert os.getpid() == parent


@pytest.mark.parametrize("parts", [2, 3])
def test_a_lister_that_dies_mid_walk_leaves_no_follower_waiting(tmp_path, monkeypatch, parts):
    """The followers wait for the folders the lister passes on: if it dies, they must see
    their feed end (every other copy of its write end closed), not wait for ever."""
    import signal

    from tui.search import freshness

    real_feed = freshness._feed

    def feed_then_die(feeds, batch):
        real_feed(feeds, batch)
        os.kill(os.getpid(), signal.SIGKILL)

    monkeypatch.setattr(freshness, "_feed", feed_then_die)
    monkeypatch.setattr(freshness, "FEED_BATCH", 1)
    root = tree(tmp_path)
    for name in range(30):
        write_article(root, f"many/{name % 3}/{name}.md")
    assert Walk(root, fork=True, parts=parts).result() is None


def test_a_follower_that_dies_stops_the_lister(tmp_path, monkeypatch):
    """The lister then meets a closed feed (EPIPE) and stops too: no answer, no hang."""
    import signal

    from tui.search import freshness

    def die(*_args):
        os.kill(os.getpid(), signal.SIGKILL)

    monkeypatch.setattr(freshness, "follow", die)
    monkeypatch.setattr(freshness, "FEED_BATCH", 1)
    root = tree(tmp_path)
    for name in range(3000):  # more than a pipe holds
        write_article(root, f"many/{name % 30}/{name}.md")
    assert Walk(root, fork=True, parts=2).result() is None


def test_a_walk_child_that_failed_after_sending_answers_none(tmp_path, monkeypatch):
    """Sent in full, then failed (closing the pipe, say): only a clean exit vouches for it."""
    from tui.search import freshness

    def sent_then_failed(write_end, message):
        os.write(write_end, message)
        raise OSError(5, "Input/output error")

    monkeypatch.setattr(freshness, "_send", sent_then_failed)
    assert Walk(tree(tmp_path), fork=True).result() is None


def test_the_walk_child_keeps_no_standard_stream_open(tmp_path, monkeypatch):
    """`x=$(newsroom list)` waits for every holder of its pipe: a lookup that ends early
    (a bad glossary, say) must not leave its walking child holding standard output."""
    from tui.search import freshness

    report = tmp_path / "streams"
    real_send = freshness._send

    def report_streams(write_end, message):
        report.write_text(",".join(os.readlink(f"/proc/self/fd/{fd}") for fd in (0, 1, 2)))
        real_send(write_end, message)

    monkeypatch.setattr(freshness, "_send", report_streams)
    assert Walk(tree(tmp_path / "content"), fork=True, parts=1).result() is not None
    assert report.read_text() == ",".join([os.devnull] * 3)


@pytest.mark.parametrize("parts", [1, 2, 3, 7])
def test_walkers_sharing_a_walk_find_what_scan_finds(tmp_path, parts):
    """Each walker stats every parts-th folder's files; the digest is of them all, in walk order."""
    root = tree(tmp_path)
    for number in range(12):
        write_article(root, f"many/{number % 5}/{number}.md")
    write_article(root, "news/line\nbreak.md")  # a name a line of the digest cannot be split on
    write_article(root, "news/5\x002.md".replace("\x00", "\n"))
    walked = Walk(root, fork=True, parts=parts).result()
    scanned = scan(root)
    assert (walked.root, walked.digest) == (scanned.root, scanned.digest)
    assert list(walked.files.items()) == list(scanned.files.items())  # in walk order too
    assert "news/line\nbreak.md" in walked.files and "news/5\n2.md" in walked.files


def in_process(root, parts: int) -> list[bytes]:
    """The walkers' answers, the followers fed from the lister's output in memory."""
    import io

    from tui.search import freshness

    feeds = [io.BytesIO() for _ in range(parts - 1)]
    answers = [freshness.lead(root, None, parts, feeds)]
    for part, feed in enumerate(feeds, start=1):
        answers.append(freshness.follow(root, io.BytesIO(feed.getvalue()), part, parts))
    return answers


def test_the_lister_stats_one_share_and_each_follower_two(tmp_path):
    """A site's posts are often one folder of thousands: each walker stats its part of them,
    the lister less, as it also lists every folder."""
    from tui.search import freshness

    for number in range(10):
        write_article(tmp_path, f"posts/{number}.md")
    shares = [freshness.decode_parts([answer]).files for answer in in_process(tmp_path, 2)]
    assert [len(share) for share in shares] == [3, 7]
    assert {**shares[0], **shares[1]} == scan(tmp_path).files
    assert [len(range(100)[freshness.share_of(100, part, 3)]) for part in range(3)] == [20, 40, 40]


def test_answers_cut_off_garbled_or_of_other_roots_answer_none(tmp_path):
    from tui.search import freshness

    root = tree(tmp_path / "a")
    first, second = in_process(root, 2)
    assert freshness.decode_parts([first, second]).digest == scan(root).digest
    assert freshness.decode_parts([first, second[:-1]]) is None
    assert freshness.decode_parts([first, b"\x00\x00\x00\x01x"]) is None
    assert freshness.decode_parts([]) is None
    other = tree(tmp_path / "b")
    assert freshness.decode_parts([first, in_process(other, 2)[1]]) is None
    root = os.path.join(str(root), "")
    garbled = (  # (found by review: the first raised ValueError out of the lookup)
        ["abc"],
        [((0, 1), "lines as str")],
        [((0,), b"x")],
        [(("0", 1), b"x")],
        [((0, 1), b"x"), ((0, 1), b"x")],  # one folder's part twice
        [((0, 1), b"x", b"y")],
        {(0, 1): b"x"},
    )
    for blocks in garbled:
        assert freshness.decode_parts([first, freshness._answer(root, blocks, 1)]) is None, blocks


def test_a_follower_whose_feed_is_cut_off_raises(tmp_path):
    import io

    from tui.search import freshness

    feed = io.BytesIO()
    freshness.lead(tree(tmp_path), None, 2, [feed])
    with pytest.raises(EOFError):
        freshness.follow(tmp_path, io.BytesIO(feed.getvalue()[:-4]), 1, 2)  # no end mark


def test_a_walker_that_cannot_fork_a_second_walks_in_a_thread(tmp_path, monkeypatch):
    """The first walker forked, the second could not: the first is stopped and reaped."""
    real_fork = os.fork
    forked = []

    def fork_once():
        if forked:
            raise BlockingIOError(11, "Resource temporarily unavailable")
        forked.append(real_fork())
        return forked[-1]

    monkeypatch.setattr(os, "fork", fork_once)
    root = tree(tmp_path)
    before = len(os.listdir("/proc/self/fd"))
    walked = Walk(root, fork=True, parts=2).result()
    assert walked.digest == scan(root).digest
    assert len(os.listdir("/proc/self/fd")) == before
    with pytest.raises(ChildProcessError):
        os.waitpid(forked[0], os.WNOHANG)  # reaped


@pytest.mark.parametrize("fork", [True, False])
def test_a_walks_result_can_be_taken_twice(tmp_path, fork):
    walk = Walk(tree(tmp_path), fork=fork)
    first = walk.result()
    assert walk.result() is first and first is not None


@pytest.mark.parametrize("proc", [True, False], ids=["with /proc", "without /proc"])
def test_a_child_keeps_only_the_descriptors_it_is_told_to(proc):
    """`leave_stdio(*keep)`: a pipe end of the parent's held in a child would keep that pipe
    from ending. Without /proc (a container) every other number is closed all the same: the
    first version closed none there, and every `show` hung (found by review)."""
    import marshal

    from tui.search import freshness

    other = os.pipe()  # the parent's: a child must not hold it
    read_end, write_end = freshness.pipe_above_stdio()
    pid = os.fork()
    if pid == 0:
        try:
            if not proc:

                def listdir(path, _real=os.listdir):
                    if str(path).startswith("/proc"):
                        raise FileNotFoundError(path)
                    return _real(path)

                os.listdir = listdir
            freshness.leave_stdio(write_end)
            held = []
            for fd in range(1024):
                try:
                    os.fstat(fd)
                except OSError:
                    continue
                held.append(fd)
            os.write(write_end, marshal.dumps(held))
        finally:
            os._exit(0)
    os.close(write_end)
    with open(read_end, "rb") as answer:
        held = marshal.loads(answer.read())
    os.waitpid(pid, 0)
    for fd in other:
        os.close(fd)
    assert held == [0, 1, 2, write_end]


def test_a_folder_of_many_files_is_opened_and_each_stat_ed_by_its_name(tmp_path, monkeypatch):
    """A `stat` of a full path makes the kernel look up every folder of it again, for each of
    100,000 files: a folder of many files is opened and each looked up by its name in it (a
    fifth less of the walk). A folder of a few (a page bundle's) is not worth an open: its
    files are stat'ed by path. Every walker does so, and closes what it opened."""
    import io

    from tui.search import freshness

    root = tree(tmp_path / "content")
    many = freshness.BY_DESCRIPTOR_FROM * 3  # the lister stats a third of a folder, the follower the rest
    for number in range(many):
        write_article(root, f"posts/{number:02}.md")
    expected = scan(root)
    calls = []

    def spy(path, *args, _real=os.stat, **kwargs):
        calls.append((path, kwargs.get("dir_fd")))
        return _real(path, *args, **kwargs)

    monkeypatch.setattr(os, "stat", spy)
    before = sorted(os.listdir("/proc/self/fd"))
    assert scan(root).digest == expected.digest
    feeds = [io.BytesIO()]
    answers = [freshness.lead(root, None, 2, feeds), freshness.follow(root, io.BytesIO(feeds[0].getvalue()), 1, 2)]
    assert freshness.decode_parts(answers).digest == expected.digest
    assert sorted(os.listdir("/proc/self/fd")) == before
    by_name = [name for name, folder in calls if folder is not None]
    assert sorted(by_name) == sorted([f"{number:02}.md" for number in range(many)] * 2)  # scan, lead + follow
    assert all(type(folder) is int for _, folder in calls if folder is not None)
    assert not any(name.startswith(str(root / "posts")) for name, _ in calls)  # no posts/ file by its path


def test_a_folder_gone_before_its_follower_stats_it_lists_its_files_unreadable(tmp_path):
    """The lister passes a folder's names on; if the folder is gone when a follower comes to
    it, the follower cannot open it and its share reads as files it cannot stat (-1), as
    vanished files do."""
    import io
    import shutil

    from tui.search import freshness

    many = freshness.BY_DESCRIPTOR_FROM * 2  # the follower's share is enough to open the folder
    for number in range(many):
        write_article(tmp_path, f"posts/{number:02}.md")
    write_article(tmp_path, "kept.md")
    feed = io.BytesIO()
    lead = freshness.lead(tmp_path, None, 2, [feed])
    shutil.rmtree(tmp_path / "posts")
    follow = freshness.follow(tmp_path, io.BytesIO(feed.getvalue()), 1, 2)
    files = freshness.decode_parts([lead, follow]).files
    unreadable = [rel for rel, stats in files.items() if stats == (-1, -1)]
    assert unreadable == [f"posts/{number:02}.md" for number in range(many // 3, many)]
    assert files["kept.md"][0] > 0


def test_a_walk_by_descriptors_and_one_by_paths_list_the_same(tmp_path, monkeypatch):
    """The same files, sizes and mtimes whether a big folder is opened or not (Windows has no
    `stat` relative to a descriptor), symlinked and dangling files in it included."""
    from tui.search import freshness

    root = tree(tmp_path)
    for number in range(freshness.BY_DESCRIPTOR_FROM * 3):
        write_article(root, f"posts/{number:02}.md")
    (root / "posts" / "link.md").symlink_to(root / "a.md")
    (root / "posts" / "dangling.md").symlink_to(root / "missing.md")
    opened = scan(root)
    assert list(opened.files) == loader_files(root)
    assert opened.files["posts/dangling.md"] == (-1, -1) and opened.files["posts/link.md"] == opened.files["a.md"]
    monkeypatch.setattr(freshness, "_BY_DESCRIPTOR", False)
    walked = scan(root)
    assert (walked.digest, list(walked.files.items())) == (opened.digest, list(opened.files.items()))
    assert list(freshness.decode_parts(in_process(root, 2)).files.items()) == list(opened.files.items())
