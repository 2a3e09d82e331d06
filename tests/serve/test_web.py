"""`newsroom serve web` end to end: textual-serve's websocket protocol, spoken by a test
client and by headless Chromium where it is installed. Only 127.0.0.1 is used."""

from __future__ import annotations

import asyncio
import errno
import logging
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

aiohttp = pytest.importorskip("aiohttp")
pytest.importorskip("textual_serve")
pyte = pytest.importorskip("pyte")

from tests.conftest import ROOT, SAMPLE_CONFIG  # noqa: E402
from tests.serve.chromium import CHROMIUM, HeadlessChromium  # noqa: E402
from tests.serve.conftest import (  # noqa: E402
    HEADLINE,
    SIMPLIFIED_TITLE,
    TITLE,
    DrawnScreen,
    alive,
    gone,
    logged,
    session_homes,
    stand_in_app,
)
from tui.serve import web  # noqa: E402
from tui.serve.common import ServeError  # noqa: E402
from tui.serve.warm import WarmParent  # noqa: E402
from tui.serve.web import KioskAppService, WebOptions, origin_of, start_web_server  # noqa: E402


@pytest.fixture
async def serve():
    """Start web servers on free ports; each is stopped and its apps reaped at teardown."""
    services = []

    async def start(**overrides):
        values = dict(
            host="127.0.0.1", port=0, app_args=("--config", str(SAMPLE_CONFIG)), per_ip_per_minute=1000, stop_grace=1.0
        )
        values.update(overrides)
        service = await start_web_server(WebOptions(**values))
        services.append(service)
        return service

    yield start
    pids = [pid for service in services for pid in service.app_pids()]
    for service in services:
        await asyncio.wait_for(service.close(), 20)
    for pid in pids:
        assert await gone(pid), f"app {pid} outlived its server"


class Browser(DrawnScreen):
    """The textual-serve protocol as the page's script speaks it."""

    def __init__(self, session, websocket, cols: int, rows: int) -> None:
        super().__init__(cols, rows)
        self.session, self.websocket = session, websocket
        self._reader = asyncio.ensure_future(self._read())

    @classmethod
    async def open(cls, url: str, origin: str | None, cols: int = 80, rows: int = 24) -> Browser:
        session = aiohttp.ClientSession()
        headers = {"Origin": origin} if origin is not None else {}
        try:
            websocket = await session.ws_connect(f"{url}/ws?width={cols}&height={rows}", headers=headers)
        except BaseException:
            await session.close()
            raise
        browser = cls(session, websocket, cols, rows)
        await websocket.send_json(["resize", {"width": cols, "height": rows}])
        return browser

    async def _read(self) -> None:
        async for message in self.websocket:
            if message.type == aiohttp.WSMsgType.BINARY:
                self.feed(message.data)

    async def type(self, keys: str) -> None:
        await self.websocket.send_json(["stdin", keys])

    async def close(self) -> None:
        await self.websocket.close()
        await asyncio.gather(self._reader, return_exceptions=True)
        await self.session.close()


async def test_the_page_is_served(serve):
    service = await serve()
    async with aiohttp.ClientSession() as session:
        async with session.get(service.url + "/") as response:
            assert response.status == 200
            page = await response.text()
        assert f"ws://127.0.0.1:{service.port}/ws" in page
        assert "googleapis" not in page  # the page loads nothing from other sites
        async with session.get(service.url + "/static/") as response:
            assert response.status in (403, 404)  # no directory listing
        async with session.get(service.url + "/download/anything") as response:
            assert response.status == 404


async def test_a_browser_with_the_right_origin_gets_the_newsroom(serve):
    service = await serve()
    browser = await Browser.open(service.url, service.url)
    try:
        await browser.wait_for(TITLE)
        await browser.wait_for(HEADLINE)
        await browser.type("t")
        await browser.wait_for(SIMPLIFIED_TITLE)
        for key in ("\x11", "\x03", "\x1a", "\x1c", "q"):  # no way out of the kiosk
            await browser.type(key)
        await asyncio.sleep(0.5)
        assert not browser.websocket.closed and len(service.app_pids()) == 1
        await browser.type("t")
        await browser.wait_for("質量新聞")  # traditional, drawn after all those keys
    finally:
        await browser.close()


@pytest.mark.parametrize("origin", ["http://evil.example", "http://127.0.0.1:1", "null", None])
async def test_other_origins_are_refused(serve, origin):
    service = await serve()
    with pytest.raises(aiohttp.WSServerHandshakeError) as refused:
        await Browser.open(service.url, origin if origin != "null" else "null")
    assert refused.value.status == 403
    assert service.app_pids() == []


async def test_the_session_cap_holds_and_closing_ends_the_app(serve):
    service = await serve(max_sessions=1)
    browser = await Browser.open(service.url, service.url)
    try:
        await browser.wait_for(HEADLINE)
        (pid,) = service.app_pids()
        await assert_refused(service, "all 1 places are taken")
    finally:
        await browser.close()
    assert await gone(pid, timeout=6)
    # The place is given back once the server has reaped the app and closed its side, a
    # moment after the process is gone (a zombie counts as gone). Until then a browser is
    # refused at the handshake (503) or, counted a moment later, in its terminal: try again.
    deadline = time.monotonic() + 6
    while True:
        try:
            second = await Browser.open(service.url, service.url)
        except aiohttp.WSServerHandshakeError as error:
            assert error.status == 503 and time.monotonic() < deadline, error
            await asyncio.sleep(0.05)
            continue
        try:
            shown_by = time.monotonic() + 10
            while HEADLINE not in second.text() and not second._reader.done():
                assert time.monotonic() < shown_by, second.text()
                await asyncio.sleep(0.05)
            if HEADLINE in second.text():
                break
            assert "all 1 places are taken" in " ".join(second.text().split()), second.text()
            assert second.websocket.close_code == aiohttp.WSCloseCode.TRY_AGAIN_LATER
            assert time.monotonic() < deadline, "the place was not given back"
        finally:
            await second.close()
        await asyncio.sleep(0.05)


async def assert_refused(service, why: str) -> None:
    """A refused browser is told why in its terminal, then the server closes the websocket."""
    apps = service.app_pids()
    refused = await Browser.open(service.url, service.url)
    try:
        await asyncio.wait_for(refused._reader, 10)
        assert why in " ".join(refused.text().split())
        assert refused.websocket.close_code == aiohttp.WSCloseCode.TRY_AGAIN_LATER
    finally:
        await refused.close()
    assert service.app_pids() == apps


async def test_one_address_gets_at_most_its_share_of_the_sessions(serve):
    service = await serve(max_per_address=2)
    browsers = [await Browser.open(service.url, service.url) for _ in range(2)]
    try:
        for browser in browsers:
            await browser.wait_for(HEADLINE)
        await assert_refused(service, "allows 2 sessions at once from one address, and 127.0.0.1 has that many")
    finally:
        await browsers[0].close()
    deadline = time.monotonic() + 10
    while len(service.app_pids()) > 1:
        assert time.monotonic() < deadline
        await asyncio.sleep(0.05)
    third = await Browser.open(service.url, service.url)  # the seat given back goes to the next one
    try:
        await third.wait_for(HEADLINE)
    finally:
        await third.close()
        await browsers[1].close()


HOSTILE_MESSAGES = [
    "[" * 30_000,  # nesting deeper than the JSON parser's recursion limit
    '["stdin", ' + "[" * 30_000 + "]" * 30_000 + "]",
    "{" * 20_000,
    '{"stdin": "t"}',
    "[]",
    '["resize", {"width": 1e999, "height": -1e999}]',
    '["resize", [1, 2]]',
    '["ping", {"a": 1}]',
    '["stdin", "\\ud800"]',  # a lone surrogate
    '["stdin", ""]',  # an empty packet ends the app's input
    "not json",
]


async def test_malformed_and_deeply_nested_messages_are_ignored(serve, caplog):
    caplog.set_level(logging.DEBUG)
    service = await serve()
    browser = await Browser.open(service.url, service.url)
    try:
        await browser.wait_for(HEADLINE)
        for message in HOSTILE_MESSAGES:
            await browser.websocket.send_str(message)
        await browser.type("t")  # the session goes on, and the app still takes keys
        await browser.wait_for(SIMPLIFIED_TITLE)
        assert not browser.websocket.closed and len(service.app_pids()) == 1
    finally:
        await browser.close()
    assert "Traceback" not in caplog.text and "RecursionError" not in caplog.text
    assert not [record for record in caplog.records if record.levelno >= logging.ERROR]


async def test_web_apps_are_forked_by_the_warm_parent(serve):
    service = await serve()
    browser = await Browser.open(service.url, service.url)
    try:
        await browser.wait_for(HEADLINE)
        (pid,) = service.app_pids()
        with open(f"/proc/{pid}/stat") as file:
            parent = int(file.read().rsplit(")", 1)[1].split()[1])
        assert parent == service.server.warm.current.process.pid != os.getpid()
        assert os.getpgid(pid) == pid and os.getsid(pid) == pid
        await browser.type("t")  # keys come through its pipes
        await browser.wait_for(SIMPLIFIED_TITLE)
    finally:
        await browser.close()
    assert await gone(pid)


async def test_terminal_sizes_are_clamped(serve):
    service = await serve()
    browser = await Browser.open(service.url, service.url, cols=5, rows=2)
    browser.screen.resize(24, 80)  # room to see whether the app draws beyond the smallest size allowed
    try:
        await browser.wait_for("質量")
        await browser.wait_for("palette")  # the key bar, the frame's last row: the whole frame has come
        rows = browser.text().splitlines()
        assert rows[5].strip() and not any(row.strip() for row in rows[6:])  # 6 rows drawn, the last one too
        assert not any(row[20:].strip() for row in rows)  # and 20 columns
        (pid,) = service.app_pids()
        assert os.readlink(f"/proc/{pid}/cwd") != os.environ["HOME"]
    finally:
        await browser.close()


async def test_an_idle_browser_is_told_why_and_disconnected(serve, caplog):
    caplog.set_level(logging.INFO, logger="newsroom.serve")
    service = await serve(idle_timeout=1.5)
    browser = await Browser.open(service.url, service.url)
    await browser.wait_for(HEADLINE)
    (pid,) = service.app_pids()
    await asyncio.wait_for(browser._reader, 8)  # the server closes the websocket
    assert "no input for 2 seconds" in browser.text()  # said before it closed
    await browser.close()
    assert await gone(pid)
    await logged("ended: idle timeout", caplog)


async def test_the_web_idle_clock_starts_when_the_newsroom_is_shown(serve, caplog, monkeypatch):
    caplog.set_level(logging.INFO, logger="newsroom.serve")
    stand_in_app(monkeypatch, web, delay=2.0, what="THE NEWSROOM", web=True)
    service = await serve(idle_timeout=1.0, warm=False)
    browser = await Browser.open(service.url, service.url)
    try:
        await browser.wait_for("THE NEWSROOM")
        await browser.wait_for("no input for 1 seconds", timeout=8)
        await asyncio.wait_for(browser._reader, 8)
    finally:
        await browser.close()
    await logged("ended: idle timeout", caplog)


async def test_stopping_the_server_ends_every_app(serve):
    service = await serve()
    browser = await Browser.open(service.url, service.url)
    try:
        await browser.wait_for(HEADLINE)
        (pid,) = service.app_pids()
        started = time.monotonic()
        await asyncio.wait_for(service.close(), 15)
        assert time.monotonic() - started < 5
        assert not alive(pid) or await gone(pid, timeout=2)
    finally:
        await browser.close()


WEB_OPTIONS = dict(host="127.0.0.1", port=0, app_args=("--config", str(SAMPLE_CONFIG)))


async def test_a_start_that_fails_leaves_no_home_behind(private_tmp, monkeypatch):
    async def cannot_fork(*args, **kwargs):
        raise OSError(errno.EAGAIN, "Resource temporarily unavailable")

    monkeypatch.setattr(WarmParent, "start", cannot_fork)
    with pytest.raises(ServeError, match="warm parent"):
        await start_web_server(WebOptions(**WEB_OPTIONS))
    assert session_homes(private_tmp) == []


async def test_a_cancelled_start_leaves_no_warm_parent_and_no_home_behind(private_tmp, monkeypatch):
    listening: asyncio.Future = asyncio.get_running_loop().create_future()

    async def slow_to_listen(server):
        listening.set_result(server)
        await asyncio.Event().wait()  # until cancelled

    monkeypatch.setattr(web.NewsroomWebServer, "_make_app", slow_to_listen)
    starting = asyncio.ensure_future(start_web_server(WebOptions(**WEB_OPTIONS)))
    server = await asyncio.wait_for(listening, 10)
    warm = server.warm.current.process.pid
    assert session_homes(private_tmp) != []  # the warm parent's, made as the start began
    starting.cancel()
    with pytest.raises(asyncio.CancelledError):
        await starting
    assert await gone(warm), "the warm parent outlived a cancelled start"
    assert session_homes(private_tmp) == []


def test_origin_of():
    assert origin_of("http://127.0.0.1:8000/") == "http://127.0.0.1:8000"
    assert origin_of("https://News.Example.org:443/newsroom") == "https://news.example.org"
    assert origin_of("http://[::1]:8000") == "http://[::1]:8000"


def test_ci_installs_the_real_browser_before_running_the_tests():
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8").splitlines()
    tests = next(number for number, line in enumerate(ci) if "pytest" in line)
    installs = [number for number, line in enumerate(ci) if "apt-get install" in line]
    updates = [number for number, line in enumerate(ci) if "apt-get update" in line]
    assert updates and installs and updates[0] < installs[0] < tests
    assert {"chromium", "fonts-noto-cjk", "haproxy", "openssh-client"} <= set(" ".join(ci[n] for n in installs).split())
    assert any(line.startswith("export CI=") for line in ci[:tests])


def need_chromium() -> None:
    """The real-browser test may be skipped on a machine without Chromium, never in CI (.ci/run installs it)."""
    if CHROMIUM is None:
        if os.environ.get("CI"):
            pytest.fail("CI must run the real browser, but Chromium is missing (.ci/run installs it with apt-get)")
        pytest.skip("no Chromium installed (CI installs it: see .ci/run)")


def test_the_real_browser_test_may_skip_only_outside_ci(monkeypatch):
    monkeypatch.setattr(sys.modules[__name__], "CHROMIUM", None)
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="CI must run the real browser"):
        need_chromium()
    monkeypatch.delenv("CI")
    with pytest.raises(pytest.skip.Exception):
        need_chromium()


async def test_headless_chromium_shows_the_newsroom(serve, tmp_path, monkeypatch):
    need_chromium()
    shown = bytearray()
    on_data = KioskAppService.on_data

    async def record(self, payload: bytes) -> None:  # what the server sends the page's terminal
        shown.extend(payload)
        await on_data(self, payload)

    async def wait_until_shown(text: str) -> None:
        deadline = time.monotonic() + 20
        while text.encode() not in shown:
            assert time.monotonic() < deadline, f"the page's app never drew {text!r} ({len(shown)} bytes)"
            await asyncio.sleep(0.1)

    monkeypatch.setattr(KioskAppService, "on_data", record)
    service = await serve()
    browser = await HeadlessChromium.open(service.url + "/", tmp_path / "chromium")
    try:
        await wait_until_shown(HEADLINE)
        assert TITLE.encode() in shown and len(service.app_pids()) == 1
        # The page's script took the app's output and shows its terminal (hidden until the first byte).
        await browser.wait_until("document.body.classList.contains('-first-byte')")
        # A key typed into the page's terminal reaches the app: `t` shows the simplified script.
        await browser.wait_until("!!document.querySelector('.xterm-helper-textarea')")
        await browser.evaluate("document.querySelector('.xterm-helper-textarea').focus()")
        await browser.press("t")
        await wait_until_shown(SIMPLIFIED_TITLE)
        if screenshot := os.environ.get("NEWSROOM_WEB_SCREENSHOT"):  # how docs/web.png is made
            for key in "tt\rj":  # back to the original script; into the articles, one down
                await browser.press(key)
            await asyncio.sleep(1.5)  # not a test's wait: lets the page finish painting the picture
            Path(screenshot).write_bytes(await browser.screenshot())
    finally:
        await browser.close()


async def test_headless_chromium_keeps_the_reason_a_session_ended_in_sight(serve, tmp_path):
    # textual-serve's page covers its terminal with a "Session ended" box; the server's page puts
    # the box at the bottom, so what the server said last (here: why it refused) can be read.
    need_chromium()
    service = await serve(max_sessions=1)
    first = await Browser.open(service.url, service.url)
    browser = None
    try:
        await first.wait_for(HEADLINE)
        browser = await HeadlessChromium.open(service.url + "/", tmp_path / "chromium")
        await browser.wait_until("document.body.classList.contains('-closed')")
        await browser.wait_until("getComputedStyle(document.querySelector('.textual-terminal')).opacity === '1'")
        assert await browser.evaluate("getComputedStyle(document.querySelector('.closed-dialog .shade')).display") == (
            "none"
        )
        box_top = await browser.evaluate("document.querySelector('.closed-dialog .intro').getBoundingClientRect().top")
        assert box_top > await browser.evaluate("window.innerHeight") / 2
    finally:
        if browser is not None:
            await browser.close()
        await first.close()


async def test_a_browser_ends_with_the_test_process_that_started_it(tmp_path):
    """A test process killed outright takes its Chromium with it (no orphan browsers)."""
    need_chromium()
    script = (
        "import asyncio, sys\n"
        "from pathlib import Path\n"
        "from tests.serve.chromium import HeadlessChromium\n"
        "async def main():\n"
        "    browser = await HeadlessChromium.open('about:blank', Path(sys.argv[1]))\n"
        "    print(browser.process.pid, flush=True)\n"
        "    await asyncio.sleep(120)\n"
        "asyncio.run(main())\n"
    )
    test_process = subprocess.Popen(
        [sys.executable, "-c", script, str(tmp_path / "profile")], stdout=subprocess.PIPE, text=True, cwd=ROOT
    )
    try:
        browser = int(test_process.stdout.readline())
    finally:
        test_process.kill()
        test_process.wait(timeout=10)
    if not await gone(browser, timeout=20):
        os.killpg(browser, signal.SIGKILL)
        raise AssertionError("Chromium outlived the test process that started it")
