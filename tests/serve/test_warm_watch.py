"""The warm parent's side of following the folder for its children (tui/serve/warm.py), in
this process: what its watcher process says, and what each child's pipe gets."""

from __future__ import annotations

import json
import os
import selectors
import socket

import pytest

from tests.conftest import write_article
from tui.core.config import for_content_dir
from tui.serve import warm


@pytest.fixture
def parent(tmp_path):
    """A parent with its newsroom loaded, a pretend watcher pipe and one pretend child (pid 4242)."""
    content = tmp_path / "content"
    write_article(content, "news/a.md", title="第一篇報道", date="2024-01-02")
    ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
    made = warm._Parent(lambda argv: None, [], ours)
    made.config, made.watching = for_content_dir(content), True
    made.load()
    made.selector = selectors.DefaultSelector()
    watcher_r, watcher_w = os.pipe()
    os.set_blocking(watcher_r, False)
    made.watcher_fd = watcher_r
    made.selector.register(watcher_r, selectors.EVENT_READ)
    child_r, child_w = os.pipe()
    os.set_blocking(child_w, False)
    made.changes[4242] = child_w
    made.test_ends = (watcher_w, child_r)
    yield made
    for fd in (watcher_r, watcher_w, child_r, *made.changes.values()):
        os.close(fd)
    ours.close()
    theirs.close()


def said(parent) -> list[list[str]]:
    os.set_blocking(parent.test_ends[1], False)
    try:
        data = os.read(parent.test_ends[1], 1 << 20)
    except BlockingIOError:
        return []
    return [json.loads(line) for line in data.splitlines()]


def test_a_change_before_the_watcher_is_in_place_reaches_the_children(parent):
    """Changed after the parent loaded its newsroom and before its watcher was in place: no
    event comes for it. The parent looks once the watcher says it is in place."""
    content = parent.config.content_dir
    write_article(content, "news/b.md", title="突發新聞快訊", date="2024-01-03")
    os.write(parent.test_ends[0], b"[]\n")
    parent._watcher_said()
    assert parent.watcher_started
    assert len(parent.newsroom.articles) == 2
    assert said(parent) == [[os.path.realpath(content)]]


def test_a_batch_brings_the_parent_up_to_date_then_goes_to_every_child(parent):
    os.write(parent.test_ends[0], b"[]\n")
    parent._watcher_said()
    assert said(parent) == []  # nothing changed
    path = write_article(parent.config.content_dir, "news/b.md", title="突發新聞快訊", date="2024-01-03")
    os.write(parent.test_ends[0], json.dumps([str(path)]).encode() + b"\n")
    parent._watcher_said()
    assert len(parent.newsroom.articles) == 2
    assert said(parent) == [[str(path)]]


def test_a_child_that_does_not_read_gets_the_whole_folder_once_it_does(parent, monkeypatch):
    """Its pipe full, what it has no room for waits in the parent, up to MAX_PENDING; beyond
    that, one line saying the whole folder is what it gets (nothing is dropped unsaid)."""
    monkeypatch.setattr(warm, "MAX_PENDING", 10_000)
    os.write(parent.test_ends[0], b"[]\n")
    parent._watcher_said()
    many = [f"/x/{n:06}.md" for n in range(2_000)]
    for _ in range(80):  # more than a pipe holds (64 KiB), and lines longer than MAX_PENDING
        parent._tell_children(set(many))
    assert len(parent.pending[4242]) < 2 * len(json.dumps(many))  # not all of them
    data = b""
    while parent.pending.get(4242):
        data += os.read(parent.test_ends[1], 1 << 20)
        parent._write_changes(4242)
    data += os.read(parent.test_ends[1], 1 << 20)
    lines = [json.loads(line) for line in data.splitlines()]  # every line whole
    assert lines[0] == sorted(many)
    assert lines[-1] == [os.path.realpath(parent.config.content_dir)]
    assert 4242 not in parent.pending and parent.changes[4242] not in parent.selector.get_map()
