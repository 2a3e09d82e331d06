"""`newsroom serve web`: the newsroom in a browser, through textual-serve, kiosk-locked.

textual-serve's `Server` is an aiohttp app that starts one process per
websocket and relays the browser's keys and the app's output. It is subclassed
here for what a public kiosk needs and it lacks:

- an Origin check on the websocket (no other site may drive a visitor's app,
  and DNS rebinding gets nowhere either: the Origin must be the server's own);
- a session cap, a per-address rate limit, an idle timeout and a maximum length;
- terminal sizes clamped, malformed messages ignored, small message size limit;
- the app started without a shell, in its own session and process group, with
  an environment built from scratch and a throwaway HOME; ended with its whole
  group when the browser goes away (textual-serve only asks it to quit);
- no /download route, no directory listing of /static, and no web font
  fetched from another site by the page.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import re
import shutil
import sys
import time
from dataclasses import dataclass
from importlib.metadata import version
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import aiohttp_jinja2
import jinja2
from aiohttp import WSMsgType, web
from textual_serve.app_service import AppService
from textual_serve.server import Server

from tui.serve.ssh import (
    RateLimiter,
    ServeError,
    app_args_from,
    check_limits,
    child_env,
    clamp_size,
    end_process_group,
    make_session_home,
    run_server,
)

log = logging.getLogger("newsroom.serve")

MAX_MESSAGE = 64 * 1024  # a paste larger than this is dropped by aiohttp, not buffered

# `newsroom` itself refuses to start without a terminal, and under textual-serve
# the app talks over pipes, so the app is built with the CLI's own factory.
_WEB_LAUNCHER = "import sys; from tui.cli import build_app; app = build_app(sys.argv[1:]); app.run(); sys.exit(app.return_code or 0)"


def web_app_command(app_args: tuple[str, ...] = ()) -> list[str]:
    """The same kiosk app as `app_command`, started for textual-serve's web driver."""
    return [sys.executable, "-I", "-c", _WEB_LAUNCHER, "--kiosk", *app_args]


@dataclass(frozen=True)
class WebOptions:
    host: str = "127.0.0.1"
    port: int = 8000  # 0: any free port (see WebService.port)
    max_sessions: int = 32
    public_url: str | None = None  # the address browsers use; None: http://HOST:PORT
    per_ip_per_minute: int = 20
    idle_timeout: float = 600.0
    max_session: float = 3600.0
    app_args: tuple[str, ...] = ()
    stop_grace: float = 2.0


def origin_of(url: str) -> str:
    """scheme://host[:port] as a browser writes it in an Origin header (default ports left out)."""
    parts = urlsplit(url)
    scheme, host = parts.scheme.lower(), (parts.hostname or "").lower()
    if ":" in host:
        host = f"[{host}]"
    port = parts.port
    if port is None or (scheme, port) in (("http", 80), ("https", 443)):
        return f"{scheme}://{host}"
    return f"{scheme}://{host}:{port}"


class KioskAppService(AppService):
    """textual-serve's app service, started without a shell and ended with its whole process group."""

    def __init__(self, argv: list[str], grace: float, **kwargs: Any) -> None:
        super().__init__(" ".join(argv), **kwargs)
        self.argv = argv
        self.grace = grace
        self.home = make_session_home()

    def _build_environment(self, width: int = 80, height: int = 24) -> dict[str, str]:
        env = child_env(self.home)
        env.update(
            {
                "TEXTUAL_DRIVER": "textual.drivers.web_driver:WebDriver",
                "TEXTUAL_FPS": "60",
                "TEXTUAL_COLOR_SYSTEM": "truecolor",
                "TERM_PROGRAM": "textual",
                "TERM_PROGRAM_VERSION": version("textual-serve"),
                "COLUMNS": str(width),
                "ROWS": str(height),
            }
        )
        return env

    async def _open_app_process(self, width: int = 80, height: int = 24):
        self._process = process = await asyncio.create_subprocess_exec(
            *self.argv,
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
            env=self._build_environment(width, height),
            cwd=self.home,
            start_new_session=True,
        )
        self._stdin = process.stdin
        return process

    @property
    def pid(self) -> int | None:
        return self._process.pid if self._process is not None else None

    async def stop(self) -> None:
        """Ask the app to quit; if it has not within the grace period, end its process group."""
        task, self._task = self._task, None
        if task is not None:
            await self.send_meta({"type": "quit"})
            try:
                await asyncio.wait_for(asyncio.shield(task), self.grace)
            except asyncio.TimeoutError:
                pass
        if self._process is not None:
            await end_process_group(self._process, self.grace)
        if task is not None:
            task.cancel()
            await asyncio.gather(task, return_exceptions=True)
        shutil.rmtree(self.home, ignore_errors=True)


class NewsroomWebServer(Server):
    def __init__(self, options: WebOptions) -> None:
        self.argv = web_app_command(options.app_args)
        super().__init__(
            " ".join(self.argv), host=options.host, port=options.port, title="Newsroom", public_url=options.public_url
        )
        self.options = options
        self.services: set[KioskAppService] = set()
        self.websockets: set[web.WebSocketResponse] = set()
        self._rate = RateLimiter(options.per_ip_per_minute)
        self._set_origins()

    def _set_origins(self) -> None:
        """The Origins a websocket may come from: the public URL's, and both loopback names for a loopback server."""
        if self.options.public_url is None:
            self.public_url = f"http://{self.host}:{self.port}"
        origins = {origin_of(self.public_url)}
        if self.options.public_url is None and self.host in ("127.0.0.1", "localhost"):
            origins |= {f"http://127.0.0.1:{self.port}", f"http://localhost:{self.port}"}
        self.allowed_origins = origins

    def app_pids(self) -> list[int]:
        return [service.pid for service in self.services if service.pid is not None]

    def _page_template(self) -> str:
        """textual-serve's page without its web-font link: a visitor's browser fetches nothing from elsewhere."""
        page = (Path(self.templates_path) / "app_index.html").read_text(encoding="utf-8")
        return re.sub(r"<link[^>]*fonts\.googleapis\.com[^>]*>", "", page)

    async def _make_app(self) -> web.Application:
        app = web.Application(client_max_size=MAX_MESSAGE)
        aiohttp_jinja2.setup(app, loader=jinja2.DictLoader({"app_index.html": self._page_template()}))
        app.add_routes(
            [
                web.get("/", self.handle_index, name="index"),
                web.get("/ws", self.handle_websocket, name="websocket"),
                web.static("/static", self.statics_path, show_index=False, name="static"),
            ]
        )
        app.on_shutdown.append(self._close_websockets)
        return app

    async def _close_websockets(self, app: web.Application) -> None:
        """On shutdown: close every websocket, so each handler ends its app at once."""
        await asyncio.gather(
            *(ws.close(code=1001, message=b"server stopping") for ws in list(self.websockets)), return_exceptions=True
        )

    async def handle_websocket(self, request: web.Request) -> web.StreamResponse:
        origin = request.headers.get("Origin", "")
        if origin.lower() not in self.allowed_origins:
            log.info("web refused: origin %r from %s", origin[:100], request.remote)
            raise web.HTTPForbidden(text="This websocket only serves the newsroom's own page.\n")
        address = request.remote or "?"
        if not self._rate.allow(address):
            log.info("web refused: too many connections from %s", address)
            raise web.HTTPTooManyRequests(text="Too many connections from your address; please wait a minute.\n")
        if len(self.services) >= self.options.max_sessions:
            log.info("web refused: server busy, from %s", address)
            raise web.HTTPServiceUnavailable(text="The newsroom is full right now; please try again later.\n")

        width, height = clamp_size(_to_int(request.query.get("width")), _to_int(request.query.get("height")))
        websocket = web.WebSocketResponse(heartbeat=15, max_msg_size=MAX_MESSAGE)
        service = KioskAppService(
            self.argv,
            self.options.stop_grace,
            write_bytes=websocket.send_bytes,
            write_str=websocket.send_str,
            close=websocket.close,
            download_manager=self.download_manager,
        )
        self.services.add(service)  # before any await: the cap must hold against a burst
        started = time.monotonic()
        reason = "closed"
        clock = None
        self.websockets.add(websocket)
        try:
            await websocket.prepare(request)
            await service.start(width, height)
            activity = _Activity()
            clock = asyncio.ensure_future(self._watch_clock(websocket, activity, started))
            await self._relay(websocket, service, activity)
            if clock.done():
                reason = clock.result()
        except asyncio.CancelledError:
            reason = "server stopped"
        except Exception as error:  # noqa: BLE001 - logged, and the app is ended below
            reason = f"error ({type(error).__name__})"
            log.exception("web session failed")
        finally:
            if clock is not None:
                clock.cancel()
            await service.stop()
            self.services.discard(service)
            self.websockets.discard(websocket)
            if not websocket.closed:
                await websocket.close()
            log.info("web session from %s lasted %.1fs, ended: %s", address, time.monotonic() - started, reason)
        return websocket

    async def _watch_clock(self, websocket: web.WebSocketResponse, activity: _Activity, started: float) -> str:
        options = self.options
        while True:
            now = time.monotonic()
            idle_at, max_at = activity.last + options.idle_timeout, started + options.max_session
            if now >= max_at or now >= idle_at:
                await websocket.close()
                return "max length" if now >= max_at else "idle timeout"
            await asyncio.sleep(min(idle_at, max_at) - now + 0.05)

    async def _relay(self, websocket: web.WebSocketResponse, service: KioskAppService, activity: _Activity) -> None:
        """The browser's messages to the app; anything malformed is ignored."""
        async for message in websocket:
            if message.type != WSMsgType.TEXT:
                continue
            try:
                envelope = json.loads(message.data)
                kind, data = envelope[0], envelope[1]
            except (ValueError, TypeError, IndexError, KeyError):
                continue
            if kind == "stdin" and isinstance(data, str):
                activity.last = time.monotonic()
                await service.send_bytes(data.encode("utf-8", "replace"))
            elif kind == "resize" and isinstance(data, dict):
                await service.set_terminal_size(*clamp_size(_to_int(data.get("width")), _to_int(data.get("height"))))
            elif kind == "ping" and isinstance(data, (str, int, float)):
                await websocket.send_json(["pong", data])
            elif kind == "blur":
                await service.blur()
            elif kind == "focus":
                await service.focus()


class _Activity:
    def __init__(self) -> None:
        self.last = time.monotonic()


def _to_int(value: object) -> int:
    try:
        return int(value)  # type: ignore[arg-type]
    except (TypeError, ValueError, OverflowError):
        return 0


class WebService:
    """A running web server: its port and live apps; `close()` stops it and ends every app."""

    def __init__(self, server: NewsroomWebServer, runner: web.AppRunner) -> None:
        self.server = server
        self.runner = runner

    @property
    def port(self) -> int:
        return self.server.port

    @property
    def url(self) -> str:
        return self.server.public_url

    def app_pids(self) -> list[int]:
        return self.server.app_pids()

    async def close(self) -> None:
        # Shutting the runner down cancels every websocket handler; each ends its app.
        await self.runner.cleanup()


async def start_web_server(options: WebOptions) -> WebService:
    """Listen for browsers; raises ServeError when it cannot."""
    server = NewsroomWebServer(options)
    runner = web.AppRunner(await server._make_app(), handle_signals=False, access_log=None, shutdown_timeout=5)
    await runner.setup()
    site = web.TCPSite(runner, options.host, options.port)
    try:
        await site.start()
    except OSError as error:
        await runner.cleanup()
        raise ServeError(f"cannot listen on {options.host}:{options.port}: {error.strerror}") from None
    if options.port == 0:
        server.port = runner.addresses[0][1]
        server._set_origins()
    return WebService(server, runner)


def options_from_args(args: argparse.Namespace) -> WebOptions:
    defaults = WebOptions()
    get = lambda name: getattr(args, name, None)  # noqa: E731
    check_limits(
        **{name: get(name) for name in ("port", "max_sessions", "per_ip_per_minute", "idle_timeout", "max_session")}
    )
    public_url = get("public_url")
    if public_url is not None and urlsplit(public_url).scheme not in ("http", "https"):
        raise ServeError(f"--public-url must start with http:// or https://, not {public_url!r}")
    return WebOptions(
        host=get("host") or defaults.host,
        port=defaults.port if get("port") is None else get("port"),
        max_sessions=get("max_sessions") or defaults.max_sessions,
        public_url=public_url.rstrip("/") if public_url else None,
        per_ip_per_minute=defaults.per_ip_per_minute if get("per_ip_per_minute") is None else get("per_ip_per_minute"),
        idle_timeout=get("idle_timeout") or defaults.idle_timeout,
        max_session=get("max_session") or defaults.max_session,
        app_args=app_args_from(args),
    )


def run(args: argparse.Namespace) -> int:
    """`newsroom serve web`: returns the exit status."""
    return run_server(
        args, options_from_args, start_web_server, lambda options, service: f"Newsroom web server on {service.url}"
    )
