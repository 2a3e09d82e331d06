"""The warm parent: one process that has everything a visitor's app needs, and forks one per visitor.

Started once per server. It imports Textual and the app, loads the newsroom from the shared
index, the script converters and the pinyin readings, freezes all of it out of the garbage
collector, and then waits. For each visitor the server sends it the visitor's terminal (a pty,
or the pipes textual-serve speaks over) and environment; it forks a child that only builds its
app on that terminal. The child shares the parent's memory copy-on-write, so a visitor costs
what their own app allocates, not another interpreter with its own newsroom: a fresh process
used to take about a CPU-second and 70-150 MB each.

What does not change: each app is its own process, in its own session and process group, with
its own environment and HOME; one crashing touches no other; the server ends each one's whole
group. The parent reaps its children and tells the server how each ended. If the server dies,
the parent is told by the kernel (PR_SET_PDEATHSIG) and its children likewise: no orphans.

The server talks to the parent over a Unix socketpair (SOCK_SEQPACKET: one JSON message a
packet, file descriptors passed alongside with SCM_RIGHTS):

    server -> parent   {"op": "spawn", "id": N, "mode": "pty"|"pipes", "env": {...}, "cwd": DIR, "args": [...]}
                       + fds: pty: [slave, ready]; pipes: [stdin, stdout, stderr, ready]
    parent -> server   {"op": "ready"} once, then {"op": "spawned", "id": N, "pid": P}
                       or {"op": "failed", "id": N, "error": TEXT}, and {"op": "exited", "pid": P, "status": S}
"""

from __future__ import annotations

import array
import asyncio
import contextlib
import ctypes
import fcntl
import gc
import json
import logging
import os
import selectors
import shutil
import signal
import socket
import sys
import termios
import threading
import time
from collections.abc import Callable, Sequence
from pathlib import Path

from tui.serve.common import child_env, make_session_home, wait_at_most

log = logging.getLogger("newsroom.serve")

CONTROL_ENV = "NEWSROOM_WARM_CONTROL_FD"
READY_FD = 3  # in a child: where its "the newsroom is on screen" pipe is
CHANGES_FD = 4  # in a child: where the parent writes what changed in the content folder
MAX_PENDING = 1024 * 1024  # bytes of changes kept for a child that does not read them
MAX_MESSAGE = 256 * 1024
MAX_FDS = 8
START_WAIT = 180.0  # seconds the parent may take to get warm (a cold index build can be slow)
REFRESH_EVERY = 5.0  # seconds between the parent's looks at the content folder, before a fork
REHEARSAL_WAIT = 30.0  # seconds the parent's rehearsal of a visitor may take
REHEARSAL_SIZE = (120, 35)  # its screen: a common terminal's size (what it caches is by size too)

# The parent's program: the CLI's own factory builds each app (so the serve package never
# imports the UI), and the parent runs from here.
_PARENT = """\
import sys
from tui.cli import build_app
from tui.serve.warm import run_parent
run_parent(build_app, ["--kiosk", *sys.argv[1:]])
"""


# --- in the server ----------------------------------------------------------------------------


class ForkedApp:
    """A visitor's app forked by the warm parent, seen from the server like a subprocess."""

    def __init__(self, pid: int) -> None:
        self.pid = pid
        self.returncode: int | None = None
        self._ended = asyncio.get_running_loop().create_future()
        # Set for an app on pipes (the web): textual-serve reads and writes these.
        self.stdin: asyncio.StreamWriter | None = None
        self.stdout: asyncio.StreamReader | None = None
        self.stderr: asyncio.StreamReader | None = None

    def ended(self, status: int) -> None:
        if self.returncode is None:
            self.returncode = status
            self._ended.set_result(status)

    async def wait(self) -> int:
        return await asyncio.shield(self._ended)


class WarmParent:
    """The server's side of one warm parent."""

    def __init__(self, process: asyncio.subprocess.Process, control: socket.socket) -> None:
        self.process = process
        self.control = control
        self.apps: dict[int, ForkedApp] = {}
        self.started_at = time.monotonic()
        self._loop = asyncio.get_running_loop()
        self._ready: asyncio.Future[None] = self._loop.create_future()
        self._replies: dict[int, asyncio.Future[dict]] = {}
        self._ids = 0
        self._loop.add_reader(control.fileno(), self._readable)

    @classmethod
    async def start(cls, app_args: Sequence[str], env: dict[str, str]) -> WarmParent:
        """Start a parent (it gets warm in the background: `spawn` waits for it)."""
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        try:
            process = await asyncio.create_subprocess_exec(
                sys.executable,
                "-I",
                "-c",
                _PARENT,
                *app_args,
                stdin=asyncio.subprocess.DEVNULL,
                stdout=asyncio.subprocess.DEVNULL,
                stderr=None,  # the operator's log
                env={**env, CONTROL_ENV: str(theirs.fileno())},
                cwd=env.get("HOME", "/"),
                start_new_session=True,
                pass_fds=(theirs.fileno(),),
            )
        except BaseException:
            ours.close()
            raise
        finally:
            theirs.close()
        ours.setblocking(False)
        return cls(process, ours)

    @property
    def alive(self) -> bool:
        return self.process.returncode is None and self.control.fileno() >= 0

    async def wait_ready(self) -> None:
        await wait_at_most(asyncio.shield(self._ready), START_WAIT)

    async def spawn(
        self, mode: str, env: dict[str, str], cwd: Path, fds: Sequence[int], args: Sequence[str] = ()
    ) -> ForkedApp:
        """Fork a visitor's app on these descriptors (the caller closes its copies afterwards);
        `args` are added to the app's command line for this visitor alone."""
        await self.wait_ready()
        self._ids += 1
        number = self._ids
        reply = self._replies[number] = self._loop.create_future()
        try:
            message = {"op": "spawn", "id": number, "mode": mode, "env": env, "cwd": str(cwd), "args": list(args)}
            await self._send(message, fds)
            answer = await wait_at_most(reply, 60)
        finally:
            self._replies.pop(number, None)
        if answer["op"] != "spawned":
            raise OSError(answer.get("error", "the warm parent could not start the app"))
        return answer["app"]

    async def _send(self, message: dict, fds: Sequence[int]) -> None:
        data = json.dumps(message).encode()
        ancillary = [(socket.SOL_SOCKET, socket.SCM_RIGHTS, array.array("i", fds))] if fds else []
        while True:
            try:
                self.control.sendmsg([data], ancillary)
                return
            except BlockingIOError:
                writable = self._loop.create_future()
                self._loop.add_writer(self.control.fileno(), writable.set_result, None)
                try:
                    await writable
                finally:
                    self._loop.remove_writer(self.control.fileno())
            except OSError as error:
                raise OSError(error.errno, "the warm parent is gone") from None

    def _readable(self) -> None:
        try:
            data = self.control.recv(MAX_MESSAGE)
        except BlockingIOError:
            return
        except OSError:
            data = b""
        if not data:
            self._gone()
            return
        message = json.loads(data)
        op = message["op"]
        if op == "ready":
            log.info("warm parent %s ready in %.1fs", self.process.pid, time.monotonic() - self.started_at)
            if not self._ready.done():
                self._ready.set_result(None)
        elif op == "spawned":
            message["app"] = self.apps[message["pid"]] = ForkedApp(message["pid"])
            self._answer(message)
        elif op == "failed":
            self._answer(message)
        elif op == "exited":
            app = self.apps.pop(message["pid"], None)
            if app is not None:
                app.ended(message["status"])

    def _answer(self, message: dict) -> None:
        reply = self._replies.get(message["id"])
        if reply is not None and not reply.done():
            reply.set_result(message)

    def _gone(self) -> None:
        """The parent ended: its children got SIGHUP from the kernel (see the module docstring)."""
        if self.control.fileno() >= 0:
            self._loop.remove_reader(self.control.fileno())
            self.control.close()
        error = OSError("the warm parent is gone")
        if not self._ready.done():
            self._ready.set_exception(error)
            self._ready.exception()  # retrieved: whoever waits gets it too
        for reply in self._replies.values():
            if not reply.done():
                reply.set_exception(error)
        for app in self.apps.values():
            app.ended(-signal.SIGHUP)
        self.apps.clear()

    async def close(self, grace: float = 5.0) -> None:
        """End the parent (the server has ended every app first)."""
        self._gone()
        if self.process.returncode is None:
            self.process.terminate()  # at once, even while it is still getting warm
        try:
            await wait_at_most(self.process.wait(), grace)
        except asyncio.TimeoutError:
            try:
                os.killpg(self.process.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            await self.process.wait()


class WarmParents:
    """A server's warm parent, started with the server and started again if it ever dies."""

    def __init__(self, app_args: Sequence[str], extra_env: dict[str, str] | None = None) -> None:
        self.app_args, self.extra_env = tuple(app_args), dict(extra_env or {})
        self.current: WarmParent | None = None
        self.home: Path | None = None
        self._starting: asyncio.Task | None = None

    async def start(self) -> None:
        await self._parent()

    async def _parent(self) -> WarmParent:
        if self.current is not None and self.current.alive:
            return self.current
        if self._starting is None or self._starting.done():
            if self.home is None:
                self.home = make_session_home()
            env = {**child_env(self.home), **self.extra_env}
            self._starting = asyncio.ensure_future(WarmParent.start(self.app_args, env))
        self.current = await asyncio.shield(self._starting)
        return self.current

    async def spawn(
        self, mode: str, env: dict[str, str], cwd: Path, fds: Sequence[int], args: Sequence[str] = ()
    ) -> ForkedApp:
        parent = await self._parent()
        return await parent.spawn(mode, env, cwd, fds, args)

    async def close(self) -> None:
        starting, self._starting = self._starting, None
        if starting is not None:
            starting.cancel()  # (nothing, if it is done)
            await asyncio.gather(starting, return_exceptions=True)
            if not starting.cancelled() and starting.exception() is None and starting.result() is not self.current:
                await starting.result().close()  # started, but whoever waited for it was cancelled
        if self.current is not None:
            await self.current.close()
            self.current = None
        if self.home is not None:
            shutil.rmtree(self.home, ignore_errors=True)
            self.home = None


async def pipes_app(warm: WarmParents, env: dict[str, str], cwd: Path, ready_fd: int) -> ForkedApp:
    """An app on three pipes (textual-serve's protocol), with asyncio streams on the server's ends."""
    loop = asyncio.get_running_loop()
    stdin_r, stdin_w = os.pipe()
    stdout_r, stdout_w = os.pipe()
    stderr_r, stderr_w = os.pipe()
    try:
        app = await warm.spawn("pipes", env, cwd, [stdin_r, stdout_w, stderr_w, ready_fd])
    except BaseException:
        for fd in (stdin_w, stdout_r, stderr_r):
            os.close(fd)
        raise
    finally:
        for fd in (stdin_r, stdout_w, stderr_w):
            os.close(fd)
    app.stdout, app.stderr = asyncio.StreamReader(limit=2**20), asyncio.StreamReader()
    await loop.connect_read_pipe(lambda: asyncio.StreamReaderProtocol(app.stdout), os.fdopen(stdout_r, "rb", 0))
    await loop.connect_read_pipe(lambda: asyncio.StreamReaderProtocol(app.stderr), os.fdopen(stderr_r, "rb", 0))
    transport, protocol = await loop.connect_write_pipe(
        lambda: asyncio.StreamReaderProtocol(asyncio.StreamReader()), os.fdopen(stdin_w, "wb", 0)
    )  # (a StreamReaderProtocol gives the writer its flow control)
    app.stdin = asyncio.StreamWriter(transport, protocol, None, loop)
    return app


# --- in the warm parent -----------------------------------------------------------------------


def _die_with_parent(sig: int) -> None:
    """Ask the kernel for `sig` when the process that forked this one ends (Linux)."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, sig, 0, 0, 0)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


class _Parent:
    def __init__(self, build_app: Callable, argv: list[str], control: socket.socket) -> None:
        self.build_app, self.argv, self.control = build_app, argv, control
        self.config = None
        self.newsroom = None
        self.digest = ""  # of the content folder's listing when the newsroom was loaded
        self.checked_at = 0.0
        self.children: set[int] = set()
        self.stopping = False
        self.watching = False  # the apps follow the content folder (not --no-watch)
        # The parent follows the folder for its children: a watcher process of its own (forked
        # before any visitor's, from this thread-free process) writes batches of changed paths
        # to `watcher_fd`; the parent brings its newsroom up to date, and passes each batch on
        # to every child through a pipe of its own (`changes`), so no child starts a watcher or
        # walks the listing (76 ms CPU at 10,000 articles, each).
        self.watcher_pid: int | None = None
        self.watcher_fd: int | None = None
        self.watcher_started = False  # from then on no change is missed
        self.watcher_input = b""
        self.changes: dict[int, int] = {}  # child pid -> write end of its changes pipe
        self.pending: dict[int, bytes] = {}  # child pid -> what its pipe had no room for yet
        self.selector: selectors.BaseSelector | None = None

    # getting warm
    def warm_up(self) -> None:
        from tui.chinese.normalize import prepare as prepare_search

        app = self.build_app(self.argv)  # imports the UI; the config and glossary as each app reads them
        self.config = app.config
        self.watching = app.watching
        app.converter.warm()  # every converter, into the OpenCC pool all apps share
        prepare_search(with_pinyin=True)  # the folding tables and the pinyin readings
        del app
        self.load()
        self.rehearse()
        # The rehearsal's app froze itself with the newsroom it was shown: let it go, and keep
        # what it left (the parsed CSS, Textual's and Rich's caches).
        _freeze_what_lives()

    def rehearse(self) -> None:
        """Seat one visitor with no terminal (headless), before the first real one. What every
        visitor's app would make the same way is then made once, here, and each child shares it
        copy-on-write: the CSS parsed (tui/ui/stylesheet.py), the modules Textual imports on
        first use, the caches of cell widths and styles. About a third of a seat's CPU. Only
        a saving: if it fails, the parent serves all the same."""
        app = self.build_app([*self.argv, "--no-watch"])  # no watcher of its own
        app.preloaded, app.preloaded_digest = self.newsroom, self.digest
        shown: list[bool] = []

        def done() -> None:
            shown.append(True)
            app.exit()

        app.when_shown = done

        async def give_up_in_time(pilot: object) -> None:
            app.set_timer(REHEARSAL_WAIT, app.exit)

        failure = None
        try:  # (its run returns once its worker threads are done: none may be running at a fork)
            app.run(headless=True, size=REHEARSAL_SIZE, auto_pilot=give_up_in_time)
        except Exception as error:  # noqa: BLE001 - the children build their own
            failure = str(error)
        finally:
            if app.index is not None:  # no descriptor of it may stay open into a fork
                app.index.close()
        if failure is None and not shown:  # an error in the app ends it (a kiosk's traceback goes nowhere)
            failure = f"no first frame (exit status {app.return_code})"
        if failure is not None:
            print(f"newsroom: warm parent: rehearsal failed: {failure}", file=sys.stderr, flush=True)

    def load(self) -> bool:
        """The newsroom from the shared index, brought up to date first, if the content folder
        changed since it was loaded (whoever updated the index). Whether it changed."""
        from tui.core.loader import load_newsroom
        from tui.search.freshness import scan
        from tui.search.index import SearchIndex

        digest = scan(self.config.content_dir, self.config.site).digest
        self.checked_at = time.monotonic()
        if self.newsroom is not None and digest == self.digest:
            return False
        index = SearchIndex.open(self.config)
        try:  # no descriptor of it may stay open into a fork
            if index.in_memory:  # no usable cache dir: read the files (each app searches them as loaded)
                self.newsroom = load_newsroom(self.config)
            else:
                self.newsroom = index.refresh()
        finally:
            index.close()
        self.digest = digest
        _freeze_what_lives()  # a newsroom replaced: let the old one go
        return True

    def refresh(self) -> bool:
        """`load`, saying on stderr why not if it fails (what was loaded before is served)."""
        try:
            return self.load()
        except Exception as error:  # noqa: BLE001 - serve what was loaded before
            print(f"newsroom: warm parent: cannot refresh the newsroom: {error}", file=sys.stderr, flush=True)
            return False

    # following the content folder for the children
    def start_watcher(self) -> None:
        """Fork the process that watches the folder (see `_watch`); the parent has no thread."""
        if not self.watching:
            return
        read_end, write_end = os.pipe()
        sys.stdout.flush()
        sys.stderr.flush()
        try:
            pid = os.fork()
        except OSError as error:
            os.close(read_end)
            os.close(write_end)
            print(f"newsroom: warm parent: cannot follow the folder: {error}", file=sys.stderr, flush=True)
            return
        if pid == 0:
            os.close(read_end)
            self._watch(write_end)  # never returns
        os.close(write_end)
        os.set_blocking(read_end, False)
        self.watcher_pid, self.watcher_fd = pid, read_end

    def _watch(self, out: int) -> None:
        """In the watcher process: a line to `out` once the watcher is in place ("[]"), then a
        JSON list of changed paths a batch, for as long as the parent lives."""
        status = 1
        try:
            _die_with_parent(signal.SIGTERM)
            signal.set_wakeup_fd(-1)
            for sig in (signal.SIGCHLD, signal.SIGTERM, signal.SIGHUP, signal.SIGINT):
                signal.signal(sig, signal.SIG_DFL)
            self.control.close()
            from tui.core.watch import watch_content

            def say(paths: list[str]) -> None:
                data = (json.dumps(paths) + "\n").encode()
                while data:
                    data = data[os.write(out, data) :]

            for paths in watch_content(self.config.content_dir, threading.Event(), started=lambda: say([])):
                say(sorted(paths))
            status = 0
        except BaseException as error:  # noqa: BLE001 - the parent polls the folder instead
            print(f"newsroom: warm parent: cannot follow the folder: {error}", file=sys.stderr, flush=True)
        os._exit(status)

    def _watcher_said(self) -> None:
        try:
            data = os.read(self.watcher_fd, 65536)
        except BlockingIOError:
            return
        except OSError:
            data = b""
        if not data:  # the watcher ended: the parent polls the folder from now on
            self.selector.unregister(self.watcher_fd)
            os.close(self.watcher_fd)
            self.watcher_fd, self.watcher_started = None, False
            return
        *lines, self.watcher_input = (self.watcher_input + data).split(b"\n")
        paths: set[str] = set()
        for line in lines:
            with contextlib.suppress(ValueError, TypeError):
                paths.update(str(path) for path in json.loads(line))
        if not self.watcher_started and lines:  # in place: what changed since the newsroom was loaded?
            self.watcher_started = True
            if self.refresh():
                paths.add(os.path.realpath(self.config.content_dir))
        elif paths:
            self.refresh()  # the parent first: the shared index is brought up to date once
        if paths:
            self._tell_children(paths)

    def _poll(self) -> None:
        """No watcher: look at the folder every REFRESH_EVERY seconds, for the children."""
        if self.watching and self.watcher_fd is None and time.monotonic() - self.checked_at > REFRESH_EVERY:
            if self.refresh():
                self._tell_children({os.path.realpath(self.config.content_dir)})

    def _tell_children(self, paths: set[str]) -> None:
        line = (json.dumps(sorted(paths)) + "\n").encode()
        for pid in list(self.changes):
            pending = self.pending.get(pid, b"") + line
            if len(pending) > MAX_PENDING:  # a child that does not read: it looks at the whole folder
                started = pending[: pending.index(b"\n") + 1]  # (the pipe may have the start of this line)
                pending = started + (json.dumps([os.path.realpath(self.config.content_dir)]) + "\n").encode()
            self.pending[pid] = pending
            self._write_changes(pid)

    def _write_changes(self, pid: int) -> None:
        fd, pending = self.changes[pid], self.pending.pop(pid, b"")
        try:
            while pending:
                pending = pending[os.write(fd, pending) :]
        except BlockingIOError:
            pass
        except OSError:  # the child is gone
            self._forget_changes(pid)
            return
        registered = fd in self.selector.get_map()
        if pending:
            self.pending[pid] = pending
            if not registered:
                self.selector.register(fd, selectors.EVENT_WRITE, pid)
        elif registered:
            self.selector.unregister(fd)

    def _forget_changes(self, pid: int) -> None:
        fd = self.changes.pop(pid, None)
        self.pending.pop(pid, None)
        if fd is None:
            return
        if fd in self.selector.get_map():
            self.selector.unregister(fd)
        os.close(fd)

    # serving
    def serve(self) -> None:
        selector = self.selector = selectors.DefaultSelector()
        wake_r, wake_w = os.pipe()
        os.set_blocking(wake_r, False)
        os.set_blocking(wake_w, False)
        signal.set_wakeup_fd(wake_w)
        signal.signal(signal.SIGCHLD, lambda *_: None)
        for sig in (signal.SIGTERM, signal.SIGHUP, signal.SIGINT):
            signal.signal(sig, self._stop)
        selector.register(self.control, selectors.EVENT_READ)
        selector.register(wake_r, selectors.EVENT_READ)
        if self.watcher_fd is not None:
            selector.register(self.watcher_fd, selectors.EVENT_READ)
        self._tell({"op": "ready"})
        while not self.stopping:
            for key, _ in selector.select(timeout=1.0):
                if key.data is not None:  # a child's changes pipe has room again
                    if key.data in self.changes:
                        self._write_changes(key.data)
                elif key.fd == self.watcher_fd:
                    self._watcher_said()
                elif key.fd == wake_r:
                    while True:
                        try:
                            if not os.read(wake_r, 512):
                                break
                        except BlockingIOError:
                            break
                else:
                    self._receive()
            self._reap()
            self._poll()
        self._end_children()

    def _stop(self, *_: object) -> None:
        self.stopping = True

    def _tell(self, message: dict) -> None:
        try:
            self.control.sendmsg([json.dumps(message).encode()])
        except OSError:
            self.stopping = True  # the server is gone

    def _receive(self) -> None:
        fds = array.array("i")
        try:
            data, ancillary, _, _ = self.control.recvmsg(MAX_MESSAGE, socket.CMSG_SPACE(MAX_FDS * fds.itemsize))
        except InterruptedError:
            return
        except OSError:
            data, ancillary = b"", []
        for level, kind, payload in ancillary:
            if level == socket.SOL_SOCKET and kind == socket.SCM_RIGHTS:
                fds.frombytes(payload[: len(payload) - len(payload) % fds.itemsize])
        if not data:  # the server closed its end
            self.stopping = True
            return
        message = json.loads(data)
        try:
            if message.get("op") == "spawn":
                self._spawn(message, list(fds))
        finally:
            for fd in fds:
                os.close(fd)

    def _spawn(self, message: dict, fds: list[int]) -> None:
        # With the watcher in place, the newsroom is as fresh as its last batch, and what comes
        # after the fork reaches the child through its pipe: no walk of the folder here.
        if not self.watcher_started and time.monotonic() - self.checked_at > REFRESH_EVERY:
            if self.refresh() and self.watching:
                self._tell_children({os.path.realpath(self.config.content_dir)})
        sys.stdout.flush()
        sys.stderr.flush()
        changes = os.pipe() if self.watching else None
        try:
            pid = os.fork()
        except OSError as error:
            if changes is not None:
                os.close(changes[0])
                os.close(changes[1])
            self._tell({"op": "failed", "id": message["id"], "error": error.strerror or str(error)})
            return
        if pid == 0:
            self._child(message, fds, changes[0] if changes is not None else None)  # never returns
        self.children.add(pid)
        if changes is not None:
            os.close(changes[0])
            os.set_blocking(changes[1], False)
            self.changes[pid] = changes[1]
        self._tell({"op": "spawned", "id": message["id"], "pid": pid})

    def _reap(self) -> None:
        while self.children or self.watcher_pid is not None:
            try:
                pid, status = os.waitpid(-1, os.WNOHANG)
            except ChildProcessError:
                return
            if pid == 0:
                return
            if pid == self.watcher_pid:
                self.watcher_pid = None
                continue
            self.children.discard(pid)
            self._forget_changes(pid)
            self._tell({"op": "exited", "pid": pid, "status": os.waitstatus_to_exitcode(status)})

    def _end_children(self) -> None:
        for pid in list(self.children):
            try:
                os.killpg(pid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                pass
        deadline = time.monotonic() + 5
        while self.children and time.monotonic() < deadline:
            self._reap()
            time.sleep(0.05)

    # in a child
    def _child(self, message: dict, fds: list[int], changes: int | None) -> None:
        status = 70  # EX_SOFTWARE: the app could not be built or run
        try:
            parent = os.getppid()
            _die_with_parent(signal.SIGHUP)
            if os.getppid() != parent:
                os._exit(1)
            signal.set_wakeup_fd(-1)
            for sig in (signal.SIGCHLD, signal.SIGTERM, signal.SIGHUP, signal.SIGINT):
                signal.signal(sig, signal.SIG_DFL)
            os.setsid()
            if changes is not None:  # out of the way of the numbers the others are put at
                changes = fcntl.fcntl(changes, fcntl.F_DUPFD, CHANGES_FD + 1)
            *streams, ready = fds
            if message["mode"] == "pty":
                (slave,) = streams
                fcntl.ioctl(slave, termios.TIOCSCTTY, 0)
                streams = [slave, slave, slave]
            for number, fd in enumerate(streams):
                os.dup2(fd, number)
            os.dup2(ready, READY_FD)
            if changes is not None:
                os.dup2(changes, CHANGES_FD)
            os.closerange(
                (READY_FD if changes is None else CHANGES_FD) + 1, os.sysconf("SC_OPEN_MAX")
            )  # the control socket and all else
            os.environ.clear()
            os.environ.update(message["env"])
            os.chdir(message["cwd"])
            app = self.build_app([*self.argv, *message.get("args", ())])
            app.preloaded, app.preloaded_digest = self.newsroom, self.digest
            if changes is not None:
                app.changes_fd = CHANGES_FD
            app.when_shown = _say_ready
            app.run()
            status = app.return_code or 0
        except BaseException:  # noqa: BLE001 - never a traceback on a visitor's screen
            pass
        os._exit(status)


def _freeze_what_lives() -> None:
    """Collect what is garbage now, give its pages back (before the forks: no child inherits
    free pages), and freeze the rest: it lives as long as the parent, and children never scan it."""
    from tui.core.memory import give_back

    gc.unfreeze()
    gc.collect()
    give_back()
    gc.freeze()


def _say_ready() -> None:
    try:
        os.write(READY_FD, b"1")
        os.close(READY_FD)
    except OSError:
        pass


def run_parent(build_app: Callable, argv: list[str]) -> None:
    """The warm parent's whole life (started by `WarmParent.start`)."""
    _die_with_parent(signal.SIGTERM)
    control = socket.socket(fileno=int(os.environ.pop(CONTROL_ENV)))
    parent = _Parent(build_app, argv, control)
    try:
        parent.warm_up()
    except Exception as error:  # noqa: BLE001 - the server says it cannot start apps
        print(f"newsroom: warm parent: cannot get ready: {error}", file=sys.stderr, flush=True)
        raise SystemExit(1) from None
    parent.start_watcher()
    if threading.active_count() > 1:  # a fork copies only this thread: none may hold a lock then
        print("newsroom: warm parent: threads are running; forking anyway", file=sys.stderr, flush=True)
    parent.serve()
