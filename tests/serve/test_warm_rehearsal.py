"""The warm parent rehearses one visitor before the first real one (tui/serve/warm.py), in this
process: what each visitor's app would make alike is then made once, and nothing the rehearsal
started may still run, or stay open, when the parent forks."""

from __future__ import annotations

import gc
import os
import socket
import threading
import time
import weakref

import pytest

from tests.conftest import write_article
from tui.cli import build_app
from tui.serve import warm
from tui.ui.stylesheet import SharedStylesheet


@pytest.fixture
def control():
    ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
    yield ours
    ours.close()
    theirs.close()


def content(tmp_path):
    folder = tmp_path / "content"
    write_article(folder, "news/a.md", title="第一篇報道", date="2024-01-02", body="質量工作座談會。")
    return folder


def open_descriptors() -> set[str]:
    return set(os.listdir("/proc/self/fd"))


def test_the_parent_rehearses_a_visitor_and_leaves_nothing_running_or_open(tmp_path, control, monkeypatch, capsys):
    monkeypatch.setattr(SharedStylesheet, "_parsed", {})
    builds: list[list[str]] = []
    apps: list[weakref.ref] = []

    def builder(argv):
        builds.append(argv)
        app = build_app(argv)
        apps.append(weakref.ref(app))
        real_warm = app.converter.warm

        def slow_warm(*modes):  # a worker still busy when the rehearsal's app has exited
            time.sleep(0.5)
            return real_warm(*modes)

        app.converter.warm = slow_warm
        return app

    parent = warm._Parent(builder, ["--kiosk", "--content", str(content(tmp_path))], control)
    gc.collect()  # what earlier tests left to close is closed before the count, not during it
    before, threads = open_descriptors(), set(threading.enumerate())
    parent.warm_up()
    assert "rehearsal failed" not in capsys.readouterr().err  # it reached its first frame
    assert builds[-1][-1] == "--no-watch"  # the rehearsal starts no watcher of its own
    assert any(path.endswith("app.tcss") for _, (path, _), *_ in SharedStylesheet._parsed)  # the app's CSS parsed
    assert set(threading.enumerate()) <= threads  # its workers are done
    assert open_descriptors() - before == set()  # and its index is closed
    assert apps[-1]() is None  # and the app itself is gone: no child inherits it


def test_a_rehearsal_that_cannot_run_leaves_the_parent_ready(tmp_path, control, capsys):
    def builder(argv):
        app = build_app(argv)
        if "--no-watch" in argv:

            def run(**options):
                raise RuntimeError("no rehearsal today")

            app.run = run
        return app

    parent = warm._Parent(builder, ["--kiosk", "--content", str(content(tmp_path))], control)
    parent.warm_up()
    assert parent.newsroom is not None and parent.newsroom.articles
    assert "rehearsal failed: no rehearsal today" in capsys.readouterr().err


def test_a_rehearsal_whose_app_fails_is_told_and_not_waited_for(tmp_path, control, monkeypatch, capsys):
    """An error inside the app ends it (Textual catches it; a kiosk shows no traceback): the
    parent says so at once instead of waiting out REHEARSAL_WAIT for a first frame."""
    monkeypatch.setattr(warm, "REHEARSAL_WAIT", 5.0)  # failing here takes 5 s, not 30

    def builder(argv):
        app = build_app(argv)
        if "--no-watch" in argv:

            def broken(newsroom):
                raise ValueError("a broken newsroom")

            app._take_newsroom = broken
        return app

    parent = warm._Parent(builder, ["--kiosk", "--content", str(content(tmp_path))], control)
    parent.warm_up()
    err = capsys.readouterr().err
    assert "rehearsal failed: no first frame (exit status 1)" in err
    assert parent.newsroom is not None and parent.newsroom.articles
