"""Helpers shared by the SSH and web server tests: the sample newsroom's words, a client's
screen drawn by pyte, process checks, and stand-in apps for the server's own behaviour."""

from __future__ import annotations

import asyncio
import sys
import tempfile
import time
from pathlib import Path

import pytest

pyte = pytest.importorskip("pyte")

TITLE = "質量新聞"
HEADLINE = "王岐山"
SIMPLIFIED_TITLE = "质量新闻"


@pytest.fixture(autouse=True)
def private_tmp(tmp_path_factory, monkeypatch) -> Path:
    """Each test's own temporary dir (TMPDIR, for the servers it runs in this process and the ones
    it starts), so what a server leaves behind is seen here, and never left in the machine's /tmp.
    A test whose servers leave a session home behind fails."""
    path = tmp_path_factory.mktemp("tmp")
    monkeypatch.setenv("TMPDIR", str(path))
    monkeypatch.setattr(tempfile, "tempdir", str(path))  # tempfile reads TMPDIR once and keeps it
    yield path
    assert session_homes(path) == [], "a server left session homes behind"


def session_homes(tmp: Path) -> list[str]:
    """The session homes in `tmp`: each server's are in a folder of its own."""
    return sorted(home.name for home in tmp.glob("newsroom-sessions-*/newsroom-session-*"))


class DrawnScreen:
    """What a client has been sent, drawn into a pyte screen."""

    def __init__(self, cols: int, rows: int) -> None:
        self.screen = pyte.Screen(cols, rows)
        self.stream = pyte.ByteStream(self.screen)
        self.raw = bytearray()  # every byte sent, as sent

    def feed(self, data: bytes) -> None:
        self.raw += data
        self.stream.feed(data)

    def text(self) -> str:
        return screen_text(self.screen)

    async def wait_for(self, text: str, timeout: float = 10.0) -> None:
        deadline = time.monotonic() + timeout
        while text not in self.text():
            if time.monotonic() > deadline:
                raise AssertionError(f"{text!r} not on screen after {timeout}s:\n{self.text()}")
            await asyncio.sleep(0.05)


def screen_text(screen) -> str:
    """The screen's text; a wide character's second cell is an empty string, so it joins away.
    (pyte's own `display` fails on a wide character cut in half.)"""
    return "\n".join("".join(screen.buffer[y][x].data for x in range(screen.columns)) for y in range(screen.lines))


def alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as file:
            return file.read().split(") ", 1)[1][0] != "Z"
    except FileNotFoundError:
        return False


async def gone(pid: int, timeout: float = 8.0) -> bool:
    deadline = time.monotonic() + timeout
    while alive(pid):
        if time.monotonic() > deadline:
            return False
        await asyncio.sleep(0.05)
    return True


# Stand-ins for the app, to test what the servers do around it: each waits DELAY seconds,
# writes WHAT, says the newsroom is on screen (the pipe the real app writes to), and then
# sits there without reading or writing until it is ended.
_TERMINAL_APP = """\
import os, sys, time
time.sleep(float(sys.argv[1]))
sys.stdout.write(sys.argv[2])
sys.stdout.flush()
if "NEWSROOM_READY_FD" in os.environ:
    os.write(int(os.environ["NEWSROOM_READY_FD"]), b"1")
time.sleep(300)
"""
_WEB_APP = """\
import os, sys, time
time.sleep(float(sys.argv[1]))
out, what = sys.stdout.buffer, sys.argv[2].encode()
out.write(b"__GANGLION__\\n" + b"D" + len(what).to_bytes(4, "big") + what)
out.flush()
if "NEWSROOM_READY_FD" in os.environ:
    os.write(int(os.environ["NEWSROOM_READY_FD"]), b"1")
time.sleep(300)
"""


async def logged(line: str, caplog, timeout: float = 10) -> None:
    """Wait for the server to log `line`. A session's end is logged once its close is through,
    after the visitor has seen it close: on Python 3.12 and 3.13 a test that looked at once,
    when the visitor saw the end, looked too early."""
    deadline = time.monotonic() + timeout
    while line not in caplog.text:
        assert time.monotonic() < deadline, f"never logged {line!r}: {caplog.text}"
        await asyncio.sleep(0.02)


def stand_in_app(monkeypatch, module, delay: float, what: str, *, web: bool = False) -> None:
    """Serve a stand-in instead of the newsroom from `module` (tui.serve.ssh or tui.serve.web),
    to a server started with warm=False (a new process per visitor, from `app_command`)."""
    code = _WEB_APP if web else _TERMINAL_APP
    monkeypatch.setattr(module, "app_command", lambda app_args=(): [sys.executable, "-c", code, str(delay), what])
