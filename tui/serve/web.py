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
import time
from collections.abc import Callable
from dataclasses import dataclass
from importlib.metadata import version
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import aiohttp_jinja2
import jinja2
from aiohttp import WSCloseCode, WSMsgType, web
from textual_serve.app_service import AppService
from textual_serve.server import Server

from tui.serve.common import (
    BUSY,
    RateLimiter,
    ReadyPipe,
    ServeError,
    SessionClock,
    app_args_from,
    app_command,
    check_limits,
    child_env,
    clamp_size,
    end_process_group,
    goodbye,
    make_session_home,
    per_address_refusal,
    run_server,
    seats_taken,
    wait_at_most,
)
from tui.serve.warm import WarmParents, pipes_app

log = logging.getLogger("newsroom.serve")

MAX_MESSAGE = 64 * 1024  # a paste larger than this is dropped by aiohttp, not buffered
STOP_WAIT = 10.0  # seconds each session may take to end when the server stops


@dataclass(frozen=True)
class WebOptions:
    host: str = "127.0.0.1"
    port: int = 8000  # 0: any free port (see WebService.port)
    max_sessions: int = 32
    max_per_address: int = 4  # sessions at once from one address; 0: no limit
    public_url: str | None = None  # the address browsers use; None: http://HOST:PORT
    per_ip_per_minute: int = 20
    idle_timeout: float = 600.0
    max_session: float = 3600.0
    app_args: tuple[str, ...] = ()
    stop_grace: float = 2.0
    # Apps forked by a warm parent (see tui.serve.warm); False: a new interpreter per visitor.
    warm: bool = True


# Read by Textual when it is imported: set for the warm parent, and for each app it would start.
TEXTUAL_ENV = {
    "TEXTUAL_DRIVER": "tui.ui.driver:NewsroomWebDriver",  # Textual's, with a prompt escape key
    "TEXTUAL_FPS": "60",
    "TEXTUAL_COLOR_SYSTEM": "truecolor",
}
_ENDED_BOX_STYLE = """<style>
      body.-closed .closed-dialog { top: auto; bottom: 0; height: auto; }
      body.-closed .closed-dialog .shade { display: none; }
      body.-closed .closed-dialog .intro { height: auto; margin: 8px; }
    </style>
"""


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

    def __init__(
        self,
        argv: list[str],
        warm: WarmParents | None,
        grace: float,
        on_ready: Callable[[], None],
        on_end: Callable[[str], None],
        **kwargs: Any,
    ) -> None:
        # The session closes the websocket itself, after its goodbye: not textual-serve on the app's exit.
        super().__init__(" ".join(argv), close=self._app_exited, **kwargs)
        self.argv = argv
        self.warm = warm
        self.grace = grace
        self.home = make_session_home()
        self._ready = ReadyPipe()
        self._on_ready = on_ready
        self._on_end = on_end

    async def _app_exited(self) -> None:
        self._on_end("exit key")

    async def run(self) -> None:
        """textual-serve's relay of the app's output; when that ends, so does the session."""
        await super().run()
        process = self._process
        try:
            status = await wait_at_most(process.wait(), self.grace) if process is not None else 0
        except asyncio.TimeoutError:
            status = None
        self._on_end("exit key" if status == 0 else f"app crashed (status {status})")

    def _build_environment(self, width: int = 80, height: int = 24) -> dict[str, str]:
        env = child_env(self.home)
        env.update(
            {
                **TEXTUAL_ENV,
                "TERM_PROGRAM": "textual",
                "TERM_PROGRAM_VERSION": version("textual-serve"),
                "COLUMNS": str(width),
                "ROWS": str(height),
                **self._ready.env(),
            }
        )
        return env

    async def _open_app_process(self, width: int = 80, height: int = 24):
        if self.warm is not None:
            self._process = app = await pipes_app(
                self.warm, self._build_environment(width, height), self.home, self._ready.write_fd
            )
            self._ready.started(self._on_ready)
            self._stdin = app.stdin
            return app
        self._process = process = await asyncio.create_subprocess_exec(
            *self.argv,
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
            env=self._build_environment(width, height),
            cwd=self.home,
            start_new_session=True,
            pass_fds=(self._ready.write_fd,),
        )
        self._ready.started(self._on_ready)
        self._stdin = process.stdin
        return process

    @property
    def pid(self) -> int | None:
        return self._process.pid if self._process is not None else None

    async def stop(self) -> None:
        """Ask the app to quit; if it has not within the grace period, end its process group.
        Returns once the app is gone and everything it wrote has been passed on."""
        self._ready.close()
        task, self._task = self._task, None
        if task is not None:
            await self.send_meta({"type": "quit"})
            try:
                await wait_at_most(asyncio.shield(task), self.grace)
            except asyncio.TimeoutError:
                pass
        if self._process is not None:
            await end_process_group(self._process, self.grace)
        if task is not None:
            try:  # the app is gone: its output ends, and the relay with it
                await wait_at_most(asyncio.shield(task), self.grace)
            except asyncio.TimeoutError:
                task.cancel()
            await asyncio.gather(task, return_exceptions=True)
        shutil.rmtree(self.home, ignore_errors=True)


class NewsroomWebServer(Server):
    def __init__(self, options: WebOptions) -> None:
        self.argv = app_command(options.app_args)
        super().__init__(
            " ".join(self.argv), host=options.host, port=options.port, title="Newsroom", public_url=options.public_url
        )
        self.options = options
        self.services: set[KioskAppService] = set()
        self.sessions: set[WebSession] = set()
        self.warm = WarmParents(options.app_args, TEXTUAL_ENV) if options.warm else None
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
        """textual-serve's page without its web-font link (a visitor's browser fetches nothing from
        elsewhere), and with its "Session ended" box at the bottom instead of over the terminal, so
        the server's last words there (why the session ended, or why it was refused) stay readable."""
        page = (Path(self.templates_path) / "app_index.html").read_text(encoding="utf-8")
        page = re.sub(r"<link[^>]*fonts\.googleapis\.com[^>]*>", "", page)
        return page.replace("</head>", _ENDED_BOX_STYLE + "</head>", 1)

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
        app.on_shutdown.append(self._end_sessions)
        return app

    async def _end_sessions(self, app: web.Application) -> None:
        """On shutdown: every session ends as it would on its own (app, goodbye, close), then
        any websocket still open is closed."""
        sessions = list(self.sessions)
        for session in sessions:
            session.end("server stopped")
        waits = [asyncio.ensure_future(session.finished.wait()) for session in sessions]
        if waits:
            await asyncio.wait(waits, timeout=STOP_WAIT)
        for wait in waits:
            wait.cancel()
        await asyncio.gather(
            *(
                session.websocket.close(code=WSCloseCode.GOING_AWAY, message=b"server stopping")
                for session in sessions
                if not session.finished.is_set()
            ),
            return_exceptions=True,
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
        share = self.options.max_per_address
        if len(self.services) >= self.options.max_sessions:
            return await self._refuse(request, BUSY.format(count=self.options.max_sessions), "server busy")
        if share and seats_taken(self.sessions, address) >= share:
            return await self._refuse(request, per_address_refusal(share, address), "sessions per address")

        width, height = clamp_size(_to_int(request.query.get("width")), _to_int(request.query.get("height")))
        websocket = web.WebSocketResponse(heartbeat=15, max_msg_size=MAX_MESSAGE)
        session = WebSession(
            websocket, address, SessionClock(self.options.idle_timeout, self.options.max_session), width
        )
        service = KioskAppService(
            self.argv,
            self.warm,
            self.options.stop_grace,
            session.clock.ready,
            session.end,
            write_bytes=websocket.send_bytes,
            write_str=websocket.send_str,
            download_manager=self.download_manager,
        )
        self.services.add(service)  # before any await: the cap must hold against a burst
        self.sessions.add(session)
        reason = "closed"
        watchers: list[asyncio.Future] = []
        try:
            await websocket.prepare(request)
            await service.start(width, height)
            relay = asyncio.ensure_future(self._relay(session, service))
            relay.add_done_callback(lambda task: session.end(_why_relay_ended(task)))
            clock = asyncio.ensure_future(session.clock.run_out())
            clock.add_done_callback(lambda task: task.cancelled() or session.end(task.result()))
            watchers = [relay, clock]
            reason = await asyncio.shield(session.ended)
        except asyncio.CancelledError:
            reason = "server stopped"
        except Exception as error:  # noqa: BLE001 - logged, and the app is ended below
            reason = f"error ({type(error).__name__})"
            log.exception("web session failed")
        finally:
            for watcher in watchers:
                watcher.cancel()
            await asyncio.gather(*watchers, return_exceptions=True)
            # First the app, so nothing it writes comes after the goodbye; then the goodbye; then close.
            await service.stop()
            self.services.discard(service)  # the seat is free once the app is gone
            self.sessions.discard(session)
            await session.close(reason)
            session.finished.set()
            log.info("web session from %s lasted %.1fs, ended: %s", address, session.lasted, reason)
        return websocket

    async def _refuse(self, request: web.Request, message: str, why: str) -> web.WebSocketResponse:
        """Say why in the page's terminal (a refused handshake shows a browser nothing), then close."""
        log.info("web refused: %s, from %s", why, request.remote)
        websocket = web.WebSocketResponse(max_msg_size=MAX_MESSAGE)
        await websocket.prepare(request)
        try:
            await websocket.send_bytes(message.encode())
        except (ConnectionError, RuntimeError):
            pass
        await websocket.close(code=WSCloseCode.TRY_AGAIN_LATER, message=why.encode())
        return websocket

    async def _relay(self, session: WebSession, service: KioskAppService) -> None:
        """The browser's messages to the app; anything malformed is ignored."""
        websocket = session.websocket
        async for message in websocket:
            if message.type != WSMsgType.TEXT:
                continue
            try:
                envelope = json.loads(message.data)
                kind, data = envelope[0], envelope[1]
            except (ValueError, TypeError, IndexError, KeyError, RecursionError):  # [[[[... nests past the parser
                continue
            if kind == "stdin" and isinstance(data, str):
                session.clock.touch()
                # A lone surrogate is no key, and an empty packet would end the app's input.
                if keys := data.encode("utf-8", "ignore"):
                    await service.send_bytes(keys)
            elif kind == "resize" and isinstance(data, dict):
                cols, rows = clamp_size(_to_int(data.get("width")), _to_int(data.get("height")))
                session.cols = cols
                await service.set_terminal_size(cols, rows)
            elif kind == "ping" and isinstance(data, (str, int, float)):
                await websocket.send_json(["pong", data])
            elif kind == "blur":
                await service.blur()
            elif kind == "focus":
                await service.focus()


class WebSession:
    """One browser's websocket: its clock, why it ended, and its goodbye."""

    def __init__(self, websocket: web.WebSocketResponse, address: str, clock: SessionClock, cols: int) -> None:
        self.websocket, self.address, self.clock, self.cols = websocket, address, clock, cols
        self.ended: asyncio.Future[str] = asyncio.get_running_loop().create_future()
        self.finished = asyncio.Event()

    def end(self, reason: str) -> None:
        """Ask the session to end; the first reason given is the one recorded."""
        if not self.ended.done():
            self.ended.set_result(reason)

    @property
    def lasted(self) -> float:
        return time.monotonic() - self.clock.started

    async def close(self, reason: str) -> None:
        """The goodbye (the app is gone by now), then the websocket's close."""
        if self.websocket.closed:
            return
        try:
            await self.websocket.send_bytes(goodbye(reason, self.clock, self.cols))
        except (ConnectionError, RuntimeError):  # the browser went away meanwhile
            pass
        code = WSCloseCode.GOING_AWAY if reason == "server stopped" else WSCloseCode.OK
        await self.websocket.close(code=code, message=reason.encode()[:120])


def _why_relay_ended(task: asyncio.Task) -> str:
    if task.cancelled() or task.exception() is None:
        return "closed"  # the browser closed the websocket
    log.error("web relay failed", exc_info=task.exception())
    return f"error ({type(task.exception()).__name__})"


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
        if self.server.warm is not None:
            await self.server.warm.close()


async def start_web_server(options: WebOptions) -> WebService:
    """Listen for browsers; raises ServeError when it cannot."""
    server = NewsroomWebServer(options)
    try:
        runner = await _listen(server)
    except BaseException:  # a start that fails or is cancelled leaves no warm parent and no home behind
        if server.warm is not None:
            await server.warm.close()
        raise
    return WebService(server, runner)


async def _listen(server: NewsroomWebServer) -> web.AppRunner:
    options = server.options
    if server.warm is not None:  # it gets warm while the server starts listening
        try:
            await server.warm.start()
        except OSError as error:
            raise ServeError(f"cannot start the apps' warm parent: {error.strerror or error}") from None
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
    return runner


def options_from_args(args: argparse.Namespace) -> WebOptions:
    defaults = WebOptions()
    get = lambda name: getattr(args, name, None)  # noqa: E731
    check_limits(
        **{
            name: get(name)
            for name in ("port", "max_sessions", "max_per_address", "per_ip_per_minute", "idle_timeout", "max_session")
        }
    )
    public_url = get("public_url")
    if public_url is not None and urlsplit(public_url).scheme not in ("http", "https"):
        raise ServeError(f"--public-url must start with http:// or https://, not {public_url!r}")
    return WebOptions(
        host=get("host") or defaults.host,
        port=defaults.port if get("port") is None else get("port"),
        max_sessions=get("max_sessions") or defaults.max_sessions,
        max_per_address=defaults.max_per_address if get("max_per_address") is None else get("max_per_address"),
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
