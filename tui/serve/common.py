"""What `serve ssh` and `serve web` share: how a visitor's app is started, watched and ended.

Both servers give every visitor a kiosk-locked app of their own, started with an
environment built from scratch and a throwaway HOME, in its own session and
process group, and ended with that whole group. Both end a session the same way
and in the same order: the app is stopped first (so nothing it writes can follow
the goodbye), what it had already written is passed on, then the visitor is told
why the session ended, and only then is the connection closed.
"""

from __future__ import annotations

import argparse
import asyncio
import atexit
import fcntl
import logging
import os
import re
import shutil
import signal
import sys
import tempfile
import textwrap
import time
from collections import deque
from collections.abc import Callable, Sequence
from pathlib import Path

from tui.chinese.script import load_glossary
from tui.core.config import locked, resolve_config
from tui.core.errors import EXIT_NOTHING, NewsroomError, print_error
from tui.core.user_dirs import cache_dir

log = logging.getLogger("newsroom.serve")

MIN_COLS, MAX_COLS = 20, 500
MIN_ROWS, MAX_ROWS = 6, 200
DEFAULT_TERM = "xterm-256color"
_TERM_NAME = re.compile(r"[a-zA-Z0-9._+-]{1,40}")
CHILD_PATH = "/usr/local/bin:/usr/bin:/bin"
# How long an app may take to show the newsroom before the idle clock starts anyway.
READY_WAIT = 30.0
READY_ENV = "NEWSROOM_READY_FD"


class ServeError(NewsroomError):
    """The server cannot start as asked (bad host key file, port in use, ...)."""


# --- the visitor's app ----------------------------------------------------------------------

# The kiosk app, built by the CLI's own factory. It says when the newsroom is first on
# screen by writing a byte to the pipe named in NEWSROOM_READY_FD: a session's idle clock
# starts then, not while the app is still starting on a busy server.
_LAUNCHER = """\
import os, sys
from tui.cli import build_app
app = build_app(sys.argv[1:])
ready = os.environ.pop("NEWSROOM_READY_FD", None)
if ready:
    def shown(fd=int(ready)):
        try:
            os.write(fd, b"1")
            os.close(fd)
        except OSError:
            pass
    app.when_shown = shown
app.run()
sys.exit(app.return_code or 0)
"""


def app_command(app_args: Sequence[str] = ()) -> list[str]:
    """The kiosk app a visitor gets. `-I`: no PYTHON* variables, no user site, no cwd on sys.path."""
    return [sys.executable, "-I", "-c", _LAUNCHER, "--kiosk", *app_args]


def app_args_from(args: argparse.Namespace) -> tuple[str, ...]:
    """--config/--content/--script resolved once, in the server, into absolute paths.

    Raises ConfigError now rather than in every visitor's session."""
    config = resolve_config(args.config, args.content)
    load_glossary(config)
    result: list[str] = []
    if config.path is not None:
        result += ["--config", str(Path(config.path).resolve())]
    if getattr(args, "content", None):
        result += ["--content", str(Path(args.content).resolve())]
    if getattr(args, "script", None):
        result += ["--script", args.script]
    return tuple(result)


def clamp_size(cols: int, rows: int) -> tuple[int, int]:
    """A terminal size the app can draw and the server can afford (0 means unknown)."""
    cols = 80 if cols <= 0 else cols
    rows = 24 if rows <= 0 else rows
    return min(max(cols, MIN_COLS), MAX_COLS), min(max(rows, MIN_ROWS), MAX_ROWS)


def safe_term(term: str | None) -> str:
    return term if term and _TERM_NAME.fullmatch(term) else DEFAULT_TERM


def make_session_home() -> Path:
    """A private, empty HOME with its XDG dirs, removed when the session ends. It is made in
    this server's folder of homes (`_homes_folder`), so that what a server killed outright
    leaves behind is found and removed by the next one."""
    home = Path(tempfile.mkdtemp(prefix="newsroom-session-", dir=_homes_folder()))
    for name in ("config", "data", "state", "cache", "tmp"):
        (home / name).mkdir(mode=0o700)
    return home


HOMES_PREFIX = "newsroom-sessions-"
STARTING_PREFIX = "newsroom-starting-"  # a folder of homes until it is locked
STARTING_GRACE = 60  # seconds: an unlocked starting folder younger than this may be locked next
_homes_folders: dict[tuple[int, str], tuple[Path, int]] = {}  # (pid, temp dir) -> folder, its lock


def _homes_folder() -> Path:
    """This process's folder of session homes in the temp dir, made on first use. The folder is
    locked (flock) for as long as this process lives, however it ends; before making it, the
    folders whose lock nobody holds (left by servers killed outright) are removed."""
    key = (os.getpid(), tempfile.gettempdir())
    if key in _homes_folders:
        folder, lock = _homes_folders[key]
        if folder.is_dir():
            return folder
        os.close(lock)  # removed under us (a temp dir cleaner): make another, or no session starts again
        del _homes_folders[key]
    remove_abandoned_homes()
    # Locked before it takes the name a sweep looks for: a sweep never sees it unlocked.
    starting = Path(tempfile.mkdtemp(prefix=STARTING_PREFIX))
    lock = os.open(starting, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
    try:
        fcntl.flock(lock, fcntl.LOCK_EX)
        folder = starting.with_name(HOMES_PREFIX + starting.name.removeprefix(STARTING_PREFIX))
        os.rename(starting, folder)
    except OSError:
        os.close(lock)
        shutil.rmtree(starting, ignore_errors=True)
        raise
    _homes_folders[key] = (folder, lock)
    atexit.register(_remove_own_homes, folder, os.getpid())
    return folder


def remove_abandoned_homes() -> int:
    """Remove this user's folders of session homes in the temp dir that no running server holds.
    How many were removed."""
    removed = 0
    try:
        entries = list(os.scandir(tempfile.gettempdir()))
    except OSError:
        return 0
    for entry in entries:
        starting = entry.name.startswith(STARTING_PREFIX)
        if not starting and not entry.name.startswith(HOMES_PREFIX):
            continue
        try:
            stat = entry.stat(follow_symlinks=False)
            if not entry.is_dir(follow_symlinks=False) or stat.st_uid != os.getuid():
                continue
            if starting and time.time() - stat.st_mtime < STARTING_GRACE:  # (killed before it took its name)
                continue
            lock = os.open(entry.path, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_CLOEXEC)
        except OSError:
            continue
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
            shutil.rmtree(entry.path, ignore_errors=True)
            removed += 1
        except OSError:
            pass  # its server runs
        finally:
            os.close(lock)
    return removed


def _remove_own_homes(folder: Path, pid: int) -> None:
    if os.getpid() == pid:  # not in a child forked from this process
        shutil.rmtree(folder, ignore_errors=True)


def shared_cache_home() -> Path:
    """The server user's cache dir: every session reads the one search index built there."""
    return Path(cache_dir()).parent


def prepare_index(args: argparse.Namespace) -> None:
    """Build or refresh the search index once, before the first visitor, not once per visitor."""
    from tui.search.index import SearchIndex

    print("Bringing the search index up to date...", file=sys.stderr, flush=True)
    with SearchIndex.open(locked(resolve_config(args.config, args.content))) as index:  # as visitors read it
        newsroom = index.refresh()
    print(f"{len(newsroom.articles)} articles indexed.", file=sys.stderr, flush=True)


def child_env(home: Path, term: str = DEFAULT_TERM) -> dict[str, str]:
    """The app's whole environment: nothing from the client, nothing from the server's own."""
    return {
        "PATH": CHILD_PATH,
        "HOME": str(home),
        "XDG_CONFIG_HOME": str(home / "config"),
        "XDG_DATA_HOME": str(home / "data"),
        "XDG_STATE_HOME": str(home / "state"),
        "XDG_CACHE_HOME": str(shared_cache_home()),  # the index only: kiosks write no state
        "TMPDIR": str(home / "tmp"),
        "TERM": safe_term(term),
        "LANG": "C.UTF-8",
    }


class ReadyPipe:
    """The pipe an app writes one byte to once the newsroom is on screen."""

    def __init__(self) -> None:
        self.read_fd, self.write_fd = os.pipe()  # neither is inherited unless passed
        self._loop: asyncio.AbstractEventLoop | None = None

    def env(self) -> dict[str, str]:
        return {READY_ENV: str(self.write_fd)}

    def started(self, on_ready: Callable[[], None]) -> None:
        """The app has its end: keep ours, and call `on_ready` when it speaks."""
        self._close_write_end()
        self._loop = asyncio.get_running_loop()
        self._loop.add_reader(self.read_fd, self._readable, on_ready)

    def _readable(self, on_ready: Callable[[], None]) -> None:
        try:
            said = os.read(self.read_fd, 16)
        except BlockingIOError:
            return
        except OSError:
            said = b""
        self.close()
        if said:  # b"": the app ended without saying it was ready
            on_ready()

    def _close_write_end(self) -> None:
        if self.write_fd >= 0:
            os.close(self.write_fd)
            self.write_fd = -1

    def close(self) -> None:
        self._close_write_end()
        if self.read_fd >= 0:
            if self._loop is not None:
                self._loop.remove_reader(self.read_fd)
            os.close(self.read_fd)
            self.read_fd = -1


async def wait_at_most(awaitable, timeout: float):
    """`asyncio.wait_for`, except that a cancel is never lost: on Python 3.11, `wait_for` returns
    the inner result when the cancel comes as that result does, and the cancelled task goes on
    (a session's clock kept a stopping server waiting 15 s that way). Raises TimeoutError."""
    inner = asyncio.ensure_future(awaitable)
    try:
        done, _ = await asyncio.wait({inner}, timeout=timeout)
    except asyncio.CancelledError:
        inner.cancel()
        raise
    if not done:
        inner.cancel()
        raise asyncio.TimeoutError
    return inner.result()


async def end_process_group(process: asyncio.subprocess.Process, grace: float) -> None:
    """SIGHUP, then SIGTERM, then SIGKILL to the app's whole process group, until it is gone."""
    pgid = process.pid  # the app leads its own session and group
    for sig in (signal.SIGHUP, signal.SIGTERM, signal.SIGKILL):
        if process.returncode is not None:
            break
        try:
            os.killpg(pgid, sig)
        except ProcessLookupError:
            break
        try:
            await wait_at_most(process.wait(), grace if sig != signal.SIGKILL else 10)
        except asyncio.TimeoutError:
            continue
    try:  # anything the app left behind in its group
        os.killpg(pgid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass


# --- admission --------------------------------------------------------------------------------


class RateLimiter:
    """At most `per_minute` new connections from one address in any 60 seconds."""

    def __init__(self, per_minute: int | None, window: float = 60.0) -> None:
        self.per_minute, self.window = per_minute, window
        self._seen: dict[str, deque[float]] = {}
        self._calls = 0

    def allow(self, address: str, now: float | None = None) -> bool:
        if not self.per_minute:
            return True
        now = time.monotonic() if now is None else now
        self._calls += 1
        if self._calls % 1024 == 0:  # forget addresses that went quiet
            self._seen = {a: q for a, q in self._seen.items() if q and now - q[-1] < self.window}
        recent = self._seen.setdefault(address, deque())
        while recent and now - recent[0] >= self.window:
            recent.popleft()
        if len(recent) >= self.per_minute:
            return False
        recent.append(now)
        return True


BUSY = "The newsroom is busy: all {count} places are taken. Please try again later.\r\n"


def per_address_refusal(count: int, address: str) -> str:
    sessions = "1 session" if count == 1 else f"{count} sessions"
    return (
        f"The newsroom allows {sessions} at once from one address, and {address} has that many open."
        " Please close one and try again.\r\n"
    )


def seats_taken(sessions, address: str) -> int:
    """How many of `sessions` (each with a `.address`) came from `address`."""
    return sum(1 for session in sessions if session.address == address)


# --- the end of a session ---------------------------------------------------------------------


class SessionClock:
    """When a session is over: `idle` seconds without input once the newsroom is on screen,
    or `longest` seconds in all, whatever the visitor does."""

    def __init__(self, idle: float, longest: float, ready_wait: float = READY_WAIT) -> None:
        self.idle, self.longest, self.ready_wait = idle, longest, ready_wait
        self.started = time.monotonic()
        self.ready_at: float | None = None
        self.last_input: float | None = None
        self._news = asyncio.Event()

    def ready(self) -> None:
        """The app shows the newsroom: from now on, time without input counts."""
        if self.ready_at is None:
            self.ready_at = time.monotonic()
            self._news.set()

    def touch(self) -> None:
        self.last_input = time.monotonic()

    @property
    def idle_at(self) -> float:
        shown = self.ready_at if self.ready_at is not None else self.started + self.ready_wait
        return max(shown, self.last_input or shown) + self.idle

    @property
    def max_at(self) -> float:
        return self.started + self.longest

    async def run_out(self) -> str:
        """Wait until the session is over; returns why ("idle timeout" or "max length")."""
        while True:
            now = time.monotonic()
            if now >= self.max_at:
                return "max length"
            if now >= self.idle_at:
                return "idle timeout"
            self._news.clear()
            try:  # input only moves the deadline later; readiness may move it earlier
                await wait_at_most(self._news.wait(), min(self.idle_at, self.max_at) - now + 0.05)
            except asyncio.TimeoutError:
                pass


ENDED = {
    "idle timeout": "Newsroom session ended: no input for {idle:.0f} seconds.",
    "max length": "Newsroom session ended: sessions last at most {longest:.0f} seconds.",
    "server stopped": "Newsroom session ended: the server is stopping.",
    "app crashed": "Newsroom session ended: the newsroom stopped unexpectedly.",
}
# An app stopped mid-write may leave the terminal inside an escape sequence or an OSC/DCS
# string, which would swallow whatever follows: CAN cancels a sequence, ST ends a string.
CANCEL_SEQUENCE = "\x18\x1b\\"
# What a stopped app leaves switched on: mouse reporting, bracketed paste, focus events,
# the kitty keyboard protocol, colours, no line wrapping (Textual turns it off), a hidden
# cursor and the alternate screen.
TERMINAL_RESET = (
    "\x1b[?1000l\x1b[?1002l\x1b[?1003l\x1b[?1006l\x1b[?1015l\x1b[?2004l\x1b[?1004l\x1b[<u\x1b[0m"
    "\x1b[?7h\x1b[?25h\x1b[?1049l"
)


def goodbye(reason: str, clock: SessionClock, cols: int) -> bytes:
    """What a visitor's terminal is sent once the app is gone: the terminal put right, and why
    the session ended, wrapped to the terminal's width."""
    kind = "app crashed" if reason.startswith("app crashed") else reason
    text = ENDED.get(kind)
    said = ""
    if text is not None:
        lines = textwrap.wrap(text.format(idle=clock.idle, longest=clock.longest), width=max(cols - 1, 10))
        said = "\r\n" + "\r\n".join(lines) + "\r\n"
    return (CANCEL_SEQUENCE + TERMINAL_RESET + said).encode()


# --- running a server -------------------------------------------------------------------------


def check_limits(**values: float | None) -> None:
    """Raise ServeError naming the first command-line option out of range."""
    for name, value in values.items():
        if value is None:
            continue
        option = "--" + name.replace("_", "-")
        if name == "port" and not 0 <= value <= 65535:
            raise ServeError(f"{option} must be 0..65535, not {value}")
        if name in ("per_ip_per_minute", "max_per_address") and value < 0:
            raise ServeError(f"{option} must be 0 (no limit) or more, not {value}")
        if name not in ("port", "per_ip_per_minute", "max_per_address") and value <= 0:
            raise ServeError(f"{option} must be more than 0, not {value}")


def configure_logging() -> None:
    logging.basicConfig(level=logging.INFO, stream=sys.stderr, format="%(asctime)s %(name)s: %(message)s")
    logging.getLogger("asyncssh").setLevel(logging.WARNING)


async def serve_until_stopped(start, banner: Callable[[object], str]) -> None:
    """Start a server, print its banner, and run until ctrl+c, SIGTERM or SIGHUP; then stop it."""
    loop = asyncio.get_running_loop()
    stop = asyncio.Event()
    for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        loop.add_signal_handler(sig, stop.set)
    server = await start()
    try:
        print(banner(server), flush=True)
        await stop.wait()
    finally:
        await server.close()


def run_server(args: argparse.Namespace, make_options: Callable, start: Callable, banner: Callable) -> int:
    """Shared by `serve ssh` and `serve web`: 2 for bad options, 1 if it cannot listen, 0 on ctrl+c."""
    try:
        options = make_options(args)
    except NewsroomError as error:
        return print_error(error)
    configure_logging()
    prepare_index(args)
    try:
        asyncio.run(serve_until_stopped(lambda: start(options), lambda service: banner(options, service)))
    except ServeError as error:
        return print_error(error, EXIT_NOTHING)
    return 0
