"""A lookup whose walk still runs answers from the index as it stands meanwhile, and sends that
answer only if the walk then changes nothing (tui/cli.py `_early_answer`; at 100,000 files the
walk outlasts the imports by ~150 ms)."""

from __future__ import annotations

import io
import os
import time

import pytest

from tests.conftest import write_article
from tui import cli
from tui.commands.styled import Spool
from tui.search import freshness


def newsroom(tmp_path):
    root = tmp_path / "content"
    for number, (title, body) in enumerate(
        [
            ("質量月活動", "王岐山在**質量**工作座談會上指出，質量是企業的生命。"),
            ("独角兽企业", "一家独角兽企业。\n\n| 項目 | 數量 |\n|---|---|\n| 質量 | 3 |\n"),
            ("天氣", "晴。"),
        ]
    ):
        write_article(root, f"news/{number}.md", title=title, body=body, date=f"2024-01-0{number + 1}")
    return root


@pytest.fixture
def early(monkeypatch):
    """Every early answer made, as the text it printed, or None where there was none."""
    made = []
    real = cli._early_answer

    def spy(*args):
        answer = real(*args)
        made.append(None if answer is None else b"".join(answer.out._parts).decode())
        return answer

    monkeypatch.setattr(cli, "_early_answer", spy)
    return made


def run(capsys, root, *argv, walk_pending: bool, monkeypatch) -> tuple[int, str, str]:
    monkeypatch.setattr(freshness.Walk, "pending", lambda self: walk_pending)
    status = cli.main(["--content", str(root), *argv])
    out, err = capsys.readouterr()
    return status, out, err


LOOKUPS = [
    ("list",),
    ("list", "--limit", "1"),
    ("list", "--json"),
    ("list", "nosuch"),
    ("search", "質量"),
    ("search", "zhiliang"),
    ("search", "--json", "独角兽"),
    ("search", "沒有這個詞"),
    ("show", "news/1"),
    ("show", "news/9"),
]


def test_the_early_answer_is_the_answer(tmp_path, capsys, monkeypatch, early):
    root = newsroom(tmp_path)
    assert cli.main(["--content", str(root), "list"]) == 0  # the index and its stored newsroom
    capsys.readouterr()
    for argv in LOOKUPS:
        early.clear()
        later = run(capsys, root, *argv, walk_pending=False, monkeypatch=monkeypatch)
        assert early == []
        sooner = run(capsys, root, *argv, walk_pending=True, monkeypatch=monkeypatch)
        assert len(early) == 1 and early[0] is not None, argv
        assert sooner == later, argv
    assert "質量月活動" in run(capsys, root, "list", walk_pending=True, monkeypatch=monkeypatch)[1]


def test_an_early_answer_the_walk_proves_stale_is_dropped(tmp_path, capsys, monkeypatch, early):
    root = newsroom(tmp_path)
    assert cli.main(["--content", str(root), "list"]) == 0
    capsys.readouterr()
    early.clear()  # (that lookup's walk may still have been running: an early answer tried)
    # (another size: the walk tells a file changed by its size and mtime, and two writes within
    # one tick of the kernel's coarse clock share an mtime)
    write_article(root, "news/2.md", title="大雨天", body="雨。", date="2024-01-03")
    status, out, err = run(capsys, root, "list", walk_pending=True, monkeypatch=monkeypatch)
    assert len(early) == 1 and "天氣" in early[0] and "大雨天" not in early[0]  # made from the index as it was
    assert status == 0 and "大雨天" in out and "天氣" not in out and err == ""
    write_article(root, "news/1.md", title="改名企業", body="**改寫**了的正文。", date="2024-01-02")
    early.clear()
    status, out, err = run(capsys, root, "show", "news/1", walk_pending=True, monkeypatch=monkeypatch)
    assert len(early) == 1 and early[0].startswith("独角兽企业\n")  # the title as the index had it
    assert status == 0 and out.startswith("改名企業\n") and "改寫了的正文" in out  # the body parsed here


def test_no_early_answer_without_a_stored_newsroom_or_an_index(tmp_path, capsys, monkeypatch, early):
    root = newsroom(tmp_path)
    status, out, _ = run(capsys, root, "list", walk_pending=True, monkeypatch=monkeypatch)
    assert status == 0 and "天氣" in out and early == [None]  # no index yet: built by the lookup


def test_a_spool_keeps_bytes_and_spills_past_its_limit():
    target = io.BytesIO()
    stream = io.TextIOWrapper(target, encoding="utf-8", errors="strict")
    small = Spool(stream, 1 << 20)
    small.write("質量\n")
    assert small._file is None
    small.send(stream)
    stream.flush()
    assert target.getvalue() == "質量\n".encode()

    target.seek(0)
    target.truncate()
    big = Spool(stream, 10)
    for _ in range(1000):
        big.write("質量 zhìliàng\n")
    assert big._file is not None and big._parts == []
    big.send(stream)
    stream.flush()
    assert target.getvalue() == "質量 zhìliàng\n".encode() * 1000

    text_only = io.StringIO()
    spilled = Spool(text_only, 4)
    spilled.write("獨角獸\n")
    spilled.send(text_only)
    assert text_only.getvalue() == "獨角獸\n"

    latin = io.TextIOWrapper(io.BytesIO(), encoding="ascii", errors="strict")
    with pytest.raises(UnicodeEncodeError):  # as the stream itself would have raised
        Spool(latin, 100).write("質量")


def test_a_walk_is_pending_until_its_walkers_answer(tmp_path, monkeypatch):
    from tests.unit.test_freshness import tree

    root = tree(tmp_path / "tree")
    gate = tmp_path / "gate"  # (a path, not a pipe: a walker keeps no descriptor of the test's)
    real_lead = freshness.lead

    def held(*args):
        while not gate.exists():  # (in the walker: it waits for the test)
            time.sleep(0.005)
        return real_lead(*args)

    monkeypatch.setattr(freshness, "lead", held)
    walk = freshness.Walk(root, fork=True, parts=1)
    try:
        assert walk.pending()
        gate.touch()
        listing = walk.result()
        assert not walk.pending() and listing.files == freshness.scan(root).files
    finally:
        walk.cancel()
    thread_walk = freshness.Walk(root, fork=False)
    thread_walk.result()
    assert not thread_walk.pending()


def test_with_standard_error_closed_there_is_no_early_answer(tmp_path, capsys, monkeypatch, early):
    """`2>&-`: Python's sys.stderr is None, and a message printed "to it" goes to standard
    output; the early answer crashed sending its (empty) standard error (found by review)."""
    import sys

    root = newsroom(tmp_path)
    assert cli.main(["--content", str(root), "list"]) == 0
    capsys.readouterr()
    early.clear()  # (that lookup's walk may still have been running: an early answer tried)
    monkeypatch.setattr(sys, "stderr", None)
    for argv in (("list",), ("search", "沒有這個詞")):
        later = run(capsys, root, *argv, walk_pending=False, monkeypatch=monkeypatch)
        sooner = run(capsys, root, *argv, walk_pending=True, monkeypatch=monkeypatch)
        assert sooner == later and later[0] in (0, 1)
    assert "newsroom: no matches" in later[1] and early == [None, None]


def test_no_early_answer_from_the_reading_state(tmp_path, capsys, monkeypatch, early):
    """It may change while the walk runs, and the index's digest cannot tell (found by review)."""
    root = newsroom(tmp_path)
    assert cli.main(["--content", str(root), "list"]) == 0
    capsys.readouterr()
    early.clear()  # (that lookup's walk may still have been running: an early answer tried)
    for flag in ("--unread", "--saved"):
        run(capsys, root, "list", flag, walk_pending=True, monkeypatch=monkeypatch)
    assert early == [None, None]


def test_an_early_answer_is_dropped_once_a_scheduled_page_appears(tmp_path, capsys, monkeypatch, early):
    """Whether a page shows depends on the clock too: an answer made before its publishDate
    is not sent after it (found by review), though the files did not change."""
    import datetime as dt

    root = newsroom(tmp_path)
    publish = dt.datetime.now(dt.timezone.utc) + dt.timedelta(seconds=1.5)
    write_article(root, "news/later.md", title="將來", publishDate=publish.isoformat(), date="2024-01-09")
    assert cli.main(["--content", str(root), "list"]) == 0
    assert "將來" not in capsys.readouterr().out
    early.clear()
    real_result = freshness.Walk.result

    def long_walk(self):  # a walk that ends after the page appears
        time.sleep(max(0.0, (publish - dt.datetime.now(dt.timezone.utc)).total_seconds() + 0.2))
        return real_result(self)

    monkeypatch.setattr(freshness.Walk, "result", long_walk)
    status, out, _ = run(capsys, root, "list", walk_pending=True, monkeypatch=monkeypatch)
    assert len(early) == 1 and "將來" not in early[0]  # made before it appeared
    assert status == 0 and "將來" in out


def test_a_spool_writes_one_byte_order_mark_as_its_stream_would():
    for encoding in ("utf-16", "utf-8-sig"):
        target = io.BytesIO()
        stream = io.TextIOWrapper(target, encoding=encoding)
        spool = Spool(stream, 1 << 20)
        for line in ("質量\n", "獨角獸\n", "zhìliàng\n"):
            spool.write(line)
        spool.send(stream)
        stream.flush()
        assert target.getvalue() == "質量\n獨角獸\nzhìliàng\n".encode(encoding), encoding


def test_a_walk_is_pending_or_not_with_descriptors_past_1023(tmp_path, monkeypatch):
    """select.select refuses descriptors past 1023: a lookup started with many open ones (a
    high `ulimit -n`) died in Walk.pending (found by review)."""
    import resource

    from tests.unit.test_freshness import tree

    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if hard != resource.RLIM_INFINITY and hard < 1200:
        pytest.skip("no room for 1,100 descriptors")
    root = tree(tmp_path / "tree")
    resource.setrlimit(resource.RLIMIT_NOFILE, (max(soft, 1200) if soft != resource.RLIM_INFINITY else soft, hard))
    null = os.open(os.devnull, os.O_RDONLY)
    filler = []
    try:
        while not filler or filler[-1] < 1030:
            filler.append(os.dup(null))
        walk = freshness.Walk(root, fork=True, parts=1)
        assert min(end for _, end in walk._children) > 1023
        walk.result()
        assert walk.pending() is False
        walk = freshness.Walk(root, fork=True, parts=1)
        assert walk.pending() in (True, False)
        walk.cancel()
    finally:
        for fd in filler:
            os.close(fd)
        os.close(null)
        resource.setrlimit(resource.RLIMIT_NOFILE, (soft, hard))
