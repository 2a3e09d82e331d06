"""Headless Chromium for the web tests, driven over the DevTools protocol: only what they need
(evaluate an expression in the page, take a screenshot). 127.0.0.1 only; every wait is bounded."""

from __future__ import annotations

import asyncio
import base64
import ctypes
import itertools
import os
import shutil
import signal
import subprocess
import time
from pathlib import Path

import aiohttp

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


class HeadlessChromium:
    def __init__(self, process: subprocess.Popen, session: aiohttp.ClientSession, page) -> None:
        self.process, self.session, self.page = process, session, page
        self._ids = itertools.count(1)

    @classmethod
    async def open(cls, url: str, profile: Path, width: int = 1200, height: int = 800) -> HeadlessChromium:
        assert CHROMIUM is not None
        process = subprocess.Popen(
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
                "--hide-scrollbars",
                "--mute-audio",
                "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",  # 127.0.0.1 only
                f"--user-data-dir={profile}",
                "--remote-debugging-address=127.0.0.1",
                "--remote-debugging-port=0",  # the port chosen is written to DevToolsActivePort
                f"--window-size={width},{height}",
                url,
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
            preexec_fn=_end_with_the_test,
            env={**os.environ, "HOME": str(profile)},
        )
        session = aiohttp.ClientSession()
        try:
            port = await _devtools_port(process, profile / "DevToolsActivePort")
            page = await _page_socket(process, session, port)
        except BaseException:
            await session.close()
            _end(process)
            raise
        return cls(process, session, page)

    async def call(self, method: str, **params) -> dict:
        number = next(self._ids)
        await self.page.send_json({"id": number, "method": method, "params": params})
        async for message in self.page:
            reply = message.json()
            if reply.get("id") == number:
                if "error" in reply:
                    raise AssertionError(f"{method}: {reply['error']}")
                return reply["result"]
        raise AssertionError(f"{method}: Chromium closed the DevTools connection")

    async def evaluate(self, expression: str):
        result = await self.call("Runtime.evaluate", expression=expression, returnByValue=True)
        return result["result"].get("value")

    async def wait_until(self, expression: str, timeout: float = 20.0) -> None:
        deadline = time.monotonic() + timeout
        while not await self.evaluate(expression):
            assert self.process.poll() is None, "Chromium exited"
            assert time.monotonic() < deadline, f"the page never got to: {expression}"
            await asyncio.sleep(0.1)

    async def press(self, key: str) -> None:
        """A printable key or Enter, typed into whatever has the page's focus."""
        named = {"\r": {"key": "Enter", "code": "Enter", "windowsVirtualKeyCode": 13}}.get(key, {"key": key})
        await self.call("Input.dispatchKeyEvent", type="keyDown", text=key, **named)
        await self.call("Input.dispatchKeyEvent", type="keyUp", **named)

    async def screenshot(self) -> bytes:
        return base64.b64decode((await self.call("Page.captureScreenshot", format="png"))["data"])

    async def close(self) -> None:
        try:
            await self.page.close()
            await self.session.close()
        finally:
            _end(self.process)  # whatever closing the page did


async def _devtools_port(process: subprocess.Popen, path: Path, timeout: float = 20.0) -> int:
    deadline = time.monotonic() + timeout
    while not (path.exists() and path.read_text().strip()):
        assert process.poll() is None, "Chromium exited"
        assert time.monotonic() < deadline, "Chromium never opened its DevTools port"
        await asyncio.sleep(0.05)
    return int(path.read_text().split()[0])


async def _page_socket(process: subprocess.Popen, session: aiohttp.ClientSession, port: int, timeout: float = 20.0):
    deadline = time.monotonic() + timeout
    while True:
        async with session.get(f"http://127.0.0.1:{port}/json/list") as response:
            pages = [target for target in await response.json() if target.get("type") == "page"]
        if pages:
            return await session.ws_connect(pages[0]["webSocketDebuggerUrl"], max_msg_size=64 * 1024 * 1024)
        assert process.poll() is None, "Chromium exited"
        assert time.monotonic() < deadline, "Chromium never opened the page"
        await asyncio.sleep(0.05)


def _end_with_the_test() -> None:
    """In the browser's process, before it runs: the kernel sends it SIGTERM when the test
    process ends, however it ends. A test run killed outright (a timeout, ctrl+c twice) left
    an orphaned Chromium running for an hour: start_new_session keeps it out of the test's
    process group, so nothing else reaches it."""
    try:
        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGTERM, 0, 0, 0)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


def _end(process: subprocess.Popen) -> None:
    try:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=5)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=5)
    except ProcessLookupError:
        process.wait(timeout=5)
