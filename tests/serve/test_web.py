"""`newsroom serve web` end to end: textual-serve's websocket protocol, spoken by a test
client and by headless Chromium where it is installed. Only 127.0.0.1 is used."""

from __future__ import annotations

import asyncio
import logging
import os
import shutil
import signal
import subprocess
import time

import pytest

aiohttp = pytest.importorskip("aiohttp")
pytest.importorskip("textual_serve")
pyte = pytest.importorskip("pyte")

from tests.conftest import SAMPLE_CONFIG  # noqa: E402
from tests.serve.conftest import HEADLINE, SIMPLIFIED_TITLE, TITLE, DrawnScreen, alive, gone, stand_in_app  # noqa: E402
from tui.serve import web  # noqa: E402
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
                self.stream.feed(message.data)

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
        with pytest.raises(aiohttp.WSServerHandshakeError) as refused:
            await Browser.open(service.url, service.url)
        assert refused.value.status == 503
    finally:
        await browser.close()
    assert await gone(pid, timeout=6)
    second = await Browser.open(service.url, service.url)
    try:
        await second.wait_for(HEADLINE)
    finally:
        await second.close()


async def test_terminal_sizes_are_clamped(serve):
    service = await serve()
    browser = await Browser.open(service.url, service.url, cols=5, rows=2)
    browser.screen.resize(6, 20)  # the smallest size the server allows
    try:
        await browser.wait_for("質量")
        (pid,) = service.app_pids()
        with open(f"/proc/{pid}/environ", "rb") as file:
            env = dict(item.split(b"=", 1) for item in file.read().split(b"\0") if item)
        assert env[b"COLUMNS"] == b"20" and env[b"ROWS"] == b"6"
        assert env[b"HOME"] != os.environ["HOME"].encode()
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
    assert "ended: idle timeout" in caplog.text


async def test_the_web_idle_clock_starts_when_the_newsroom_is_shown(serve, caplog, monkeypatch):
    caplog.set_level(logging.INFO, logger="newsroom.serve")
    stand_in_app(monkeypatch, web, delay=2.0, what="THE NEWSROOM", web=True)
    service = await serve(idle_timeout=1.0)
    browser = await Browser.open(service.url, service.url)
    try:
        await browser.wait_for("THE NEWSROOM")
        await browser.wait_for("no input for 1 seconds", timeout=8)
        await asyncio.wait_for(browser._reader, 8)
    finally:
        await browser.close()
    assert "ended: idle timeout" in caplog.text


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


def test_origin_of():
    assert origin_of("http://127.0.0.1:8000/") == "http://127.0.0.1:8000"
    assert origin_of("https://News.Example.org:443/newsroom") == "https://news.example.org"
    assert origin_of("http://[::1]:8000") == "http://[::1]:8000"


CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.mark.skipif(CHROMIUM is None, reason="no Chromium installed")
async def test_headless_chromium_shows_the_newsroom(serve, tmp_path, monkeypatch):
    shown = bytearray()
    on_data = KioskAppService.on_data

    async def record(self, payload: bytes) -> None:  # what the server sends the page's terminal
        shown.extend(payload)
        await on_data(self, payload)

    monkeypatch.setattr(KioskAppService, "on_data", record)
    service = await serve()
    browser = subprocess.Popen(
        [
            CHROMIUM,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--no-first-run",
            "--disable-extensions",
            "--disable-background-networking",
            "--disable-sync",
            "--disable-default-apps",
            "--mute-audio",
            "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",  # 127.0.0.1 only
            f"--user-data-dir={tmp_path / 'chromium'}",
            "--remote-debugging-port=0",
            "--window-size=1200,800",
            service.url + "/",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
        env={**os.environ, "HOME": str(tmp_path)},
    )
    try:
        deadline = time.monotonic() + 20
        while HEADLINE.encode() not in shown:
            assert browser.poll() is None, "Chromium exited"
            assert time.monotonic() < deadline, f"the page's app never drew the newsroom ({len(shown)} bytes)"
            await asyncio.sleep(0.1)
        assert TITLE.encode() in shown and len(service.app_pids()) == 1
    finally:
        os.killpg(browser.pid, signal.SIGTERM)
        try:
            browser.wait(timeout=5)
        except subprocess.TimeoutExpired:
            os.killpg(browser.pid, signal.SIGKILL)
            browser.wait(timeout=5)
