"""`newsroom serve ssh`: the newsroom for people who ssh in, and nothing else.

Every SSH session gets its own kiosk-locked app in its own pseudo-terminal,
session and process group. Bytes go between the SSH channel and the pty master
on the event loop; no shell is ever started, and every other kind of request
(commands, subsystems such as SFTP and SCP, port, agent and X11 forwarding) is
refused. What the web server shares with it lives in `tui.serve.common`.
"""

from __future__ import annotations

import argparse
import asyncio
import fcntl
import hashlib
import logging
import os
import shutil
import struct
import termios
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import asyncssh

from tui.core.user_dirs import data_dir, state_dir
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
    safe_term,
    seats_taken,
    wait_at_most,
)
from tui.serve.warm import ForkedApp, WarmParents

log = logging.getLogger("newsroom.serve")

EXEC_REFUSED = "This server only offers the newsroom; commands are not available.\r\n"
NO_PTY = "This server only offers the newsroom, which needs a terminal: connect with `ssh -t`.\r\n"
INPUT_BACKLOG = 64 * 1024  # bytes typed or pasted ahead of the app before the channel is paused
DRAIN_OUTPUT = 1024 * 1024  # at most this much of what a stopped app wrote is passed on
FLUSH_WAIT = 5.0  # seconds the goodbye may take to reach a slow client before the channel closes


# --- one app on one pseudo-terminal --------------------------------------------------------


def _set_size(fd: int, cols: int, rows: int) -> None:
    fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))


def _no_signal_keys(fd: int) -> None:
    """The terminal modes the app sets itself (no signal keys, no line editing or echo, no
    flow control), set before it starts: keys typed while it starts (ctrl+\\, ctrl+c) reach
    it as input instead of killing it, as they would while the pty is still cooked."""
    attrs = termios.tcgetattr(fd)
    attrs[0] &= ~(termios.IXON | termios.IXOFF | termios.ICRNL | termios.INLCR | termios.IGNCR)
    attrs[3] &= ~(termios.ECHO | termios.ICANON | termios.IEXTEN | termios.ISIG)
    attrs[6][termios.VMIN], attrs[6][termios.VTIME] = 1, 0
    termios.tcsetattr(fd, termios.TCSANOW, attrs)


def _take_controlling_terminal() -> None:  # in the child, after setsid(), before exec
    fcntl.ioctl(0, termios.TIOCSCTTY, 0)


class AppTerminal:
    """The kiosk app running on a new pty; the pty master is read on the event loop."""

    def __init__(self, process: asyncio.subprocess.Process | ForkedApp, master: int) -> None:
        self.process = process
        self.master = master
        self.on_output: Callable[[bytes], None] = lambda data: None
        self.on_drained: Callable[[], None] = lambda: None
        self.output_closed = asyncio.get_running_loop().create_future()
        self._loop = asyncio.get_running_loop()
        self._pending = bytearray()
        self._reading = False

    @classmethod
    async def fork(
        cls,
        warm: WarmParents,
        env: dict[str, str],
        cwd: Path,
        cols: int,
        rows: int,
        ready_fd: int,
        args: Sequence[str] = (),
    ) -> AppTerminal:
        """The app forked by the server's warm parent on a new pty (`args`: the visitor's own)."""
        master, slave = os.openpty()
        try:
            _set_size(slave, cols, rows)
            _no_signal_keys(slave)
            process = await warm.spawn("pty", env, cwd, [slave, ready_fd], args)
        except BaseException:
            os.close(master)
            raise
        finally:
            os.close(slave)
        os.set_blocking(master, False)
        terminal = cls(process, master)
        terminal.resume_output()
        return terminal

    @classmethod
    async def spawn(
        cls, argv: Sequence[str], env: dict[str, str], cwd: Path, cols: int, rows: int, pass_fds: Sequence[int] = ()
    ) -> AppTerminal:
        master, slave = os.openpty()
        try:
            _set_size(slave, cols, rows)
            _no_signal_keys(slave)
            process = await asyncio.create_subprocess_exec(
                *argv,
                stdin=slave,
                stdout=slave,
                stderr=slave,
                env=env,
                cwd=cwd,
                start_new_session=True,
                preexec_fn=_take_controlling_terminal,
                close_fds=True,
                pass_fds=tuple(pass_fds),
            )
        except BaseException:
            os.close(master)
            raise
        finally:
            os.close(slave)
        os.set_blocking(master, False)
        terminal = cls(process, master)
        terminal.resume_output()
        return terminal

    @property
    def pid(self) -> int:
        return self.process.pid

    @property
    def backlog(self) -> int:
        return len(self._pending)

    def resize(self, cols: int, rows: int) -> None:
        """The kernel sends SIGWINCH to the app's foreground group itself."""
        if self.master >= 0:
            _set_size(self.master, cols, rows)

    # output: pty -> client, paused while the client is slow to take it
    def pause_output(self) -> None:
        if self._reading:
            self._loop.remove_reader(self.master)
            self._reading = False

    def resume_output(self) -> None:
        if not self._reading and self.master >= 0 and not self.output_closed.done():
            self._loop.add_reader(self.master, self._read)
            self._reading = True

    def _read(self) -> None:
        try:
            data = os.read(self.master, 65536)
        except BlockingIOError:
            return
        except OSError:  # EIO: every process holding the pty's other end is gone
            data = b""
        if data:
            self.on_output(data)
            return
        self.pause_output()
        if not self.output_closed.done():
            self.output_closed.set_result(None)

    # input: client -> pty
    def write(self, data: bytes) -> None:
        if self.master < 0:
            return
        if self._pending:
            self._pending += data
            return
        try:
            written = os.write(self.master, data)
        except BlockingIOError:
            written = 0
        except OSError:
            return
        if written < len(data):
            self._pending += data[written:]
            self._loop.add_writer(self.master, self._flush)

    def _flush(self) -> None:
        try:
            written = os.write(self.master, self._pending)
        except BlockingIOError:
            return
        except OSError:
            written = len(self._pending)
        del self._pending[:written]
        if not self._pending:
            self._loop.remove_writer(self.master)
            self.on_drained()

    async def stop(self, grace: float) -> None:
        """End the app's process group, pass on what it had written, then close the pty.

        In that order: once the group is gone nothing more can be written, so whatever
        the caller sends after this (a goodbye) is the last thing the visitor sees."""
        await end_process_group(self.process, grace)
        self._drain()
        self.close()

    def _drain(self) -> None:
        self.pause_output()
        left = DRAIN_OUTPUT
        while self.master >= 0 and left > 0:
            try:
                data = os.read(self.master, min(65536, left))
            except OSError:  # EAGAIN: nothing left; EIO: nothing left and no writer
                return
            if not data:
                return
            left -= len(data)
            self.on_output(data)

    def close(self) -> None:
        if self.master >= 0:
            self.pause_output()
            if self._pending:
                self._loop.remove_writer(self.master)
            os.close(self.master)
            self.master = -1


# --- the server -----------------------------------------------------------------------------


@dataclass(frozen=True)
class SSHOptions:
    host: str = "127.0.0.1"
    port: int = 2222  # 0: any free port (see SSHService.port)
    host_key: Path | None = None  # None: the user data dir
    authorized_keys: Path | None = None  # None: anonymous
    max_sessions: int = 32
    max_per_address: int = 4  # sessions at once from one address; 0: no limit
    per_ip_per_minute: int = 20
    idle_timeout: float = 600.0
    max_session: float = 3600.0
    login_timeout: float = 30.0
    app_args: tuple[str, ...] = ()  # --config/--content/--script for the app
    stop_grace: float = 2.0  # per signal, when ending an app
    # Apps forked by a warm parent (see tui.serve.warm); False: a new interpreter per visitor,
    # slower and heavier (kept for stand-in apps in the tests).
    warm: bool = True


def default_host_key_path() -> Path:
    return Path(data_dir()) / "ssh_host_ed25519_key"


def load_or_create_host_key(path: Path) -> asyncssh.SSHKey:
    """The server's ed25519 host key, made on first run with mode 0600 and kept after."""
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        mode = path.stat().st_mode & 0o777
        if mode & 0o077:
            raise ServeError(
                f"{path}: the host key may be read by others (mode {mode:04o}); run: chmod 600 {path}"
            ) from None
        try:
            return asyncssh.read_private_key(path)
        except (OSError, asyncssh.KeyImportError) as error:
            raise ServeError(f"{path}: cannot read the host key: {error}") from None
    except FileNotFoundError:
        path.parent.mkdir(parents=True, mode=0o700, exist_ok=True)
        return load_or_create_host_key(path)
    except OSError as error:
        raise ServeError(f"{path}: cannot create the host key: {error.strerror}") from None
    key = asyncssh.generate_private_key("ssh-ed25519")
    with os.fdopen(fd, "wb") as file:
        file.write(key.export_private_key())
    return key


class NewsroomSession(asyncssh.SSHServerSession):
    """One SSH session channel: either refused with a message, or one kiosk app."""

    def __init__(self, service: SSHService, visitor: Visitor) -> None:
        self.service = service
        self.visitor = visitor
        self.app: AppTerminal | None = None
        self.finished: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._chan: asyncssh.SSHServerChannel | None = None
        self._term: str | None = None  # set by a pty request
        self._size = (80, 24)
        self._refusal: str | None = None
        self._ended: asyncio.Future[str] = asyncio.get_running_loop().create_future()
        self.clock = SessionClock(service.options.idle_timeout, service.options.max_session)
        self._timers: list[asyncio.TimerHandle] = []
        self._chan_closed = False
        self._early_input = b""

    @property
    def pid(self) -> int | None:
        return self.app.pid if self.app is not None else None

    @property
    def address(self) -> str:
        return self.visitor.address

    # requests on the channel
    def connection_made(self, chan: asyncssh.SSHServerChannel) -> None:
        self._chan = chan
        # A channel that never asks for a shell must not hold its slot.
        self._timers.append(
            asyncio.get_running_loop().call_later(self.service.options.login_timeout, self._never_started)
        )

    def pty_requested(self, term_type: str, term_size: tuple[int, int, int, int], term_modes) -> bool:
        self._term = safe_term(term_type)
        self._size = clamp_size(term_size[0], term_size[1])
        return True

    def shell_requested(self) -> bool:
        return True

    def exec_requested(self, command: str) -> bool:
        self._refusal = f"exec {command[:60]!r}"
        return True  # accepted only to say why, then closed

    def subsystem_requested(self, subsystem: str) -> bool:
        self.visitor.log(f"refused subsystem {subsystem[:40]!r}")
        # (asyncssh asks for one of shell, exec and subsystem a channel: this one never starts)
        self._cancel_timers()
        self._done_with()
        if self._chan is not None:
            asyncio.get_running_loop().call_soon(self._chan.close)  # (once the refusal is sent)
        return False

    @property
    def closed(self) -> bool:
        """The channel's close has come through."""
        return self._chan_closed

    def _done_with(self) -> None:
        """A channel that will never hold an app, closing: done with now, not once its close
        comes through, for the client may ask for its next session first (`scp` after `sftp`
        was refused for that on Python 3.12 and later, whose event loop runs the close later),
        and a client that never answers the close must not hold the connection open."""
        if not self.finished.done() and not self.service.owns(self):
            self.finished.set_result(None)

    def break_received(self, msec: int) -> bool:
        return False

    def terminal_size_changed(self, width: int, height: int, pixwidth: int, pixheight: int) -> None:
        self._size = clamp_size(width, height)
        if self.app is not None:
            self.app.resize(*self._size)

    def session_started(self) -> None:
        self._cancel_timers()
        chan = self._chan
        assert chan is not None
        if self._refusal is not None:
            self._refuse(EXEC_REFUSED, self._refusal)
        elif self._term is None:
            self._refuse(NO_PTY, "no pseudo-terminal")
        elif (refusal := self.service.reserve(self)) is not None:
            message, why = refusal
            self._refuse(message, why)
        else:
            task = asyncio.ensure_future(self._run())
            task.add_done_callback(lambda _: self.finished.done() or self.finished.set_result(None))
            return
        self.finished.set_result(None)

    def _refuse(self, message: str, why: str) -> None:
        assert self._chan is not None
        self._chan.write_stderr(message.encode())
        self._chan.exit(1)
        self.visitor.log(f"refused: {why}")

    def _never_started(self) -> None:
        if self._chan is not None:
            self.visitor.log("refused: no shell request")
            self._done_with()
            self._chan.close()

    # data from the client
    def data_received(self, data: bytes, datatype) -> None:
        self.clock.touch()
        if self.app is None:  # typed while the app starts: kept for it, within reason
            self._early_input = (self._early_input + data)[:INPUT_BACKLOG]
            return
        self.app.write(data)
        if self.app.backlog > INPUT_BACKLOG and self._chan is not None:
            self._chan.pause_reading()

    def eof_received(self) -> bool:
        self.end("client closed")
        return False

    def connection_lost(self, exc: Exception | None) -> None:
        self._cancel_timers()
        self._chan_closed = True
        self.end("client closed" if exc is None else "client closed (connection lost)")
        if not self.finished.done() and not self.service.owns(self):
            self.finished.set_result(None)

    # the client is slow to take output: stop reading the pty, and so slow the app
    def pause_writing(self) -> None:
        if self.app is not None:
            self.app.pause_output()

    def resume_writing(self) -> None:
        if self.app is not None:
            self.app.resume_output()

    # life of the app
    def end(self, reason: str) -> None:
        """Ask the session to end; the first reason given is the one recorded."""
        if not self._ended.done():
            self._ended.set_result(reason)

    def _cancel_timers(self) -> None:
        for timer in self._timers:
            timer.cancel()
        self._timers.clear()

    def _send(self, data: bytes) -> None:
        if self._chan is not None and not self._chan_closed:
            try:
                self._chan.write(data)
            except (BrokenPipeError, ConnectionError):
                self.end("client closed")

    async def _watch_app(self, app: AppTerminal) -> None:
        status = await app.process.wait()
        try:  # forward what the app wrote last (it restores the terminal on the way out)
            await wait_at_most(asyncio.shield(app.output_closed), 1.0)
        except asyncio.TimeoutError:
            pass
        if status == 0:
            self.end("exit key")
        elif status < 0:
            self.end(f"app crashed (signal {-status})")
        else:
            self.end(f"app crashed (status {status})")

    async def _run(self) -> None:
        options = self.service.options
        chan = self._chan
        assert chan is not None and self._term is not None
        home: Path | None = None
        ready = ReadyPipe()
        reason = "could not start the app"
        watchers: list[asyncio.Future] = []
        self.clock = SessionClock(options.idle_timeout, options.max_session)
        try:
            try:
                home = make_session_home()
                env = child_env(home, self._term)
                extra: tuple[str, ...] = ()
                if self.visitor.key is not None:  # admitted by key: read and saved articles kept across visits
                    extra = ("--state-dir", str(visitor_state_dir(self.visitor.key)))
                if self.service.warm is not None:
                    self.app = await AppTerminal.fork(self.service.warm, env, home, *self._size, ready.write_fd, extra)
                else:
                    self.app = await AppTerminal.spawn(
                        app_command((*options.app_args, *extra)),
                        {**env, **ready.env()},
                        home,
                        *self._size,
                        (ready.write_fd,),
                    )
            except (OSError, asyncio.TimeoutError) as error:
                self._send(b"The newsroom could not start. Please try again later.\r\n")
                log.error("could not start the app: %s", error)
                return
            ready.started(self.clock.ready)
            self.app.on_output = self._send
            self.app.on_drained = chan.resume_reading
            self.app.resize(*self._size)  # a resize that came while it started
            self.app.write(self._early_input)
            watchers = [asyncio.ensure_future(self._watch_app(self.app)), asyncio.ensure_future(self._watch_clock())]
            reason = await asyncio.shield(self._ended)
        except asyncio.CancelledError:
            reason = "server stopped"
            raise
        finally:
            for watcher in watchers:
                watcher.cancel()
            ready.close()
            if self.app is not None:  # first the app, so nothing it writes comes after the goodbye
                await self.app.stop(options.stop_grace)
            await self._close_channel(reason)
            if home is not None:
                shutil.rmtree(home, ignore_errors=True)
            self.service.release(self)
            self.visitor.log(f"lasted {time.monotonic() - self.clock.started:.1f}s, ended: {reason}")

    async def _watch_clock(self) -> None:
        self.end(await self.clock.run_out())

    async def _close_channel(self, reason: str) -> None:
        """The goodbye, then end of file, then (once the client has it all) the exit status and close."""
        chan = self._chan
        if chan is None or self._chan_closed:
            return
        self._send(goodbye(reason, self.clock, self._size[0]))
        try:
            chan.write_eof()
        except OSError:
            return
        deadline = time.monotonic() + FLUSH_WAIT
        while chan.get_write_buffer_size() and not self._chan_closed and time.monotonic() < deadline:
            await asyncio.sleep(0.02)
        if not self._chan_closed:
            try:
                chan.exit(0 if reason in ("exit key", "idle timeout", "max length") else 1)
            except OSError:  # the client closed its side meanwhile
                pass


def visitor_state_dir(fingerprint: str) -> Path:
    """A key's own state dir, in the server's (anonymous visitors have none: theirs lasts the session)."""
    folder = Path(state_dir()) / "visitors" / hashlib.sha256(fingerprint.encode()).hexdigest()[:32]
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    return folder


class Visitor:
    """Who is on the other end of one connection, for the log."""

    def __init__(self, address: str, port: int) -> None:
        self.address, self.port = address, port
        self.username: str | None = None
        self.key: str | None = None  # the fingerprint of the key that logged in

    def log(self, what: str) -> None:
        who = f"key {self.key}" if self.key else "anonymous"
        user = "-" if self.username is None else repr(self.username[:64])  # repr: no control characters in the log
        log.info("ssh user=%s (%s) from %s:%s %s", user, who, self.address, self.port, what)


class _Gatekeeper(asyncssh.SSHServer):
    """One connection: admission, authentication, and no forwarding of any kind."""

    def __init__(self, service: SSHService) -> None:
        self.service = service
        self.visitor = Visitor("?", 0)
        self.conn: asyncssh.SSHServerConnection | None = None
        self.session: NewsroomSession | None = None
        self._channels: list[NewsroomSession] = []  # handed out, their close not through yet
        self._pending_key: str | None = None

    def connection_made(self, conn: asyncssh.SSHServerConnection) -> None:
        self.conn = conn
        peer = conn.get_extra_info("peername") or ("?", 0)
        self.visitor = Visitor(str(peer[0]), int(peer[1]))
        refusal = self.service.admit(conn, self.visitor.address)
        if refusal is not None:
            self.visitor.log(f"refused: {refusal}")
            # After asyncssh has sent its version string, so the client can read the reason.
            asyncio.get_running_loop().call_soon(conn.disconnect, asyncssh.DISC_TOO_MANY_CONNECTIONS, refusal)

    def connection_lost(self, exc: Exception | None) -> None:
        self.service.forget(self.conn)

    def begin_auth(self, username: str) -> bool:
        self.visitor.username = username
        return self.service.authorized_keys is not None  # False: anyone, no password

    def auth_completed(self) -> None:
        self.visitor.key = self._pending_key
        self._expect_session()

    def _expect_session(self) -> None:
        """A connection without a live session must not hold a place for long."""
        asyncio.get_running_loop().call_later(self.service.options.login_timeout, self._close_if_no_session)

    def _close_if_no_session(self) -> None:
        if (self.session is None or self.session.finished.done()) and self.conn is not None:
            self.conn.close()

    def public_key_auth_supported(self) -> bool:
        return self.service.authorized_keys is not None

    def validate_public_key(self, username: str, key: asyncssh.SSHKey) -> bool:
        keys = self.service.authorized_keys
        if keys is None or keys.validate(key, self.visitor.address, self.visitor.address) is None:
            return False
        self._pending_key = key.get_fingerprint()  # the last key accepted is the one that signs in
        return True

    def password_auth_supported(self) -> bool:
        return False

    def kbdint_auth_supported(self) -> bool:
        return False

    def host_based_auth_supported(self) -> bool:
        return False

    def session_requested(self) -> NewsroomSession | bool:
        if self.session is not None and not self.session.finished.done():
            return False  # one session at a time a connection: the cap counts people
        # ...and at most one channel closing beside it: given up on, a channel is done with
        # before its client answers the close, and one that never answers must not make room
        # for another, and another.
        self._channels = [channel for channel in self._channels if not channel.closed]
        if len(self._channels) >= 2:
            return False
        self.session = NewsroomSession(self.service, self.visitor)
        self._channels.append(self.session)
        self.session.finished.add_done_callback(lambda _: self._expect_session())
        return self.session

    def connection_requested(self, dest_host: str, dest_port: int, orig_host: str, orig_port: int) -> bool:
        self.visitor.log(f"refused: port forwarding to {dest_host[:60]!r}:{dest_port}")
        return False

    def server_requested(self, listen_host: str, listen_port: int) -> bool:
        self.visitor.log(f"refused: remote port forwarding from port {listen_port}")
        return False

    def unix_connection_requested(self, dest_path: str) -> bool:
        self.visitor.log("refused: unix socket forwarding")
        return False

    def unix_server_requested(self, listen_path: str) -> bool:
        self.visitor.log("refused: unix socket forwarding")
        return False


class SSHService:
    """A running SSH server: its port, host key fingerprint, live sessions; `close()` stops it."""

    def __init__(
        self, options: SSHOptions, host_key: asyncssh.SSHKey, authorized_keys: asyncssh.SSHAuthorizedKeys | None
    ) -> None:
        self.options = options
        self.host_key = host_key
        self.fingerprint: str = host_key.get_fingerprint()
        self.authorized_keys = authorized_keys
        self.sessions: set[NewsroomSession] = set()
        self.connections: dict[asyncssh.SSHServerConnection, str] = {}  # and the address of each
        self._rate = RateLimiter(options.per_ip_per_minute)
        self._acceptor: asyncssh.SSHAcceptor | None = None
        self.port = options.port
        self.warm = WarmParents(options.app_args) if options.warm else None

    # admission
    def admit(self, conn: asyncssh.SSHServerConnection, address: str) -> str | None:
        """None if the connection may go on, else the reason it may not."""
        if not self._rate.allow(address):
            return f"too many connections from {address}; please wait a minute"
        # Connections still logging in count too, with room for twice the sessions.
        if len(self.connections) >= 2 * self.options.max_sessions:
            return "server busy; please try again later"
        share = self.options.max_per_address
        if share and sum(1 for other in self.connections.values() if other == address) >= 2 * share:
            return f"too many connections from {address} at once; close some and try again"
        self.connections[conn] = address
        return None

    def forget(self, conn: asyncssh.SSHServerConnection | None) -> None:
        self.connections.pop(conn, None)

    def reserve(self, session: NewsroomSession) -> tuple[str, str] | None:
        """Seat a session; else (what the visitor is told, what the log says)."""
        options = self.options
        if len(self.sessions) >= options.max_sessions:
            return BUSY.format(count=options.max_sessions), "server busy"
        address = session.visitor.address
        if options.max_per_address and seats_taken(self.sessions, address) >= options.max_per_address:
            return per_address_refusal(options.max_per_address, address), "sessions per address"
        self.sessions.add(session)
        return None

    def release(self, session: NewsroomSession) -> None:
        self.sessions.discard(session)

    def owns(self, session: NewsroomSession) -> bool:
        return session in self.sessions

    def app_pids(self) -> list[int]:
        return [session.pid for session in self.sessions if session.pid is not None]

    async def close(self) -> None:
        """Stop listening, end every app (no orphans), then drop every connection."""
        if self._acceptor is not None:
            self._acceptor.close()
        sessions = list(self.sessions)
        for session in sessions:
            session.end("server stopped")
        await asyncio.gather(*(session.finished for session in sessions), return_exceptions=True)
        for conn in list(self.connections):
            conn.close()
        if self._acceptor is not None:
            await self._acceptor.wait_closed()
            self._acceptor = None
        if self.warm is not None:
            await self.warm.close()


async def start_ssh_server(options: SSHOptions) -> SSHService:
    """Listen for SSH connections; raises ServeError when it cannot."""
    host_key = load_or_create_host_key(Path(options.host_key) if options.host_key else default_host_key_path())
    authorized = None
    if options.authorized_keys is not None:
        try:
            authorized = asyncssh.read_authorized_keys(str(options.authorized_keys))
        except (OSError, ValueError) as error:
            raise ServeError(f"{options.authorized_keys}: cannot read authorized keys: {error}") from None
    service = SSHService(options, host_key, authorized)
    try:
        await _listen(service)
    except BaseException:  # a start that fails or is cancelled leaves no warm parent and no home behind
        if service.warm is not None:
            await service.warm.close()
        raise
    return service


async def _listen(service: SSHService) -> None:
    options, host_key = service.options, service.host_key
    if service.warm is not None:  # it gets warm while the server starts listening
        try:
            await service.warm.start()
        except OSError as error:
            raise ServeError(f"cannot start the apps' warm parent: {error.strerror or error}") from None
    try:
        acceptor = await asyncssh.create_server(
            lambda: _Gatekeeper(service),
            options.host,
            options.port,
            server_host_keys=[host_key],
            login_timeout=options.login_timeout,
            keepalive_interval=30,
            keepalive_count_max=4,  # a vanished client ends in about 2 minutes
            encoding=None,  # bytes both ways: the pty speaks bytes
            line_editor=False,
            agent_forwarding=False,
            x11_forwarding=False,
            allow_scp=False,
            sftp_factory=None,
            password_auth=False,
            kbdint_auth=False,
            host_based_auth=False,
            gss_host=None,
            rdns_lookup=False,
        )
    except OSError as error:
        raise ServeError(f"cannot listen on {options.host}:{options.port}: {error.strerror}") from None
    service._acceptor = acceptor
    service.port = acceptor.get_port()


# --- the command --------------------------------------------------------------------------


def options_from_args(args: argparse.Namespace) -> SSHOptions:
    defaults = SSHOptions()
    get = lambda name: getattr(args, name, None)  # noqa: E731
    check_limits(
        **{
            name: get(name)
            for name in (
                "port",
                "max_sessions",
                "max_per_address",
                "per_ip_per_minute",
                "idle_timeout",
                "max_session",
                "login_timeout",
            )
        }
    )
    return SSHOptions(
        host=get("host") or defaults.host,
        port=defaults.port if get("port") is None else get("port"),
        host_key=Path(get("host_key")) if get("host_key") else None,
        authorized_keys=Path(get("authorized_keys")) if get("authorized_keys") else None,
        max_sessions=get("max_sessions") or defaults.max_sessions,
        max_per_address=defaults.max_per_address if get("max_per_address") is None else get("max_per_address"),
        per_ip_per_minute=defaults.per_ip_per_minute if get("per_ip_per_minute") is None else get("per_ip_per_minute"),
        idle_timeout=get("idle_timeout") or defaults.idle_timeout,
        max_session=get("max_session") or defaults.max_session,
        login_timeout=get("login_timeout") or defaults.login_timeout,
        app_args=app_args_from(args),
    )


def run(args: argparse.Namespace) -> int:
    """`newsroom serve ssh`: returns the exit status."""
    return run_server(
        args,
        options_from_args,
        start_ssh_server,
        lambda options, service: (
            f"Newsroom SSH server on {options.host}:{service.port} (host key {service.fingerprint})"
        ),
    )
