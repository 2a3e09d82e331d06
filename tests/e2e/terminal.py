"""A small pseudo-terminal harness for end-to-end tests.

Starts a command on a pty of a fixed size, feeds everything it writes into a
pyte screen of the same size, and lets a test type keys and wait for text.
Every wait is bounded: a hung app fails the test, it never hangs the run.

    with Terminal(["newsroom"], cols=80, rows=24) as term:
        term.wait_for("質量新聞")
        term.send(KEYS["down"])
        print(term.screen_text())
"""

from __future__ import annotations

import errno
import fcntl
import os
import select
import signal
import struct
import subprocess
import sys
import termios
import threading
import time
from collections.abc import Mapping, Sequence
from pathlib import Path

import pyte

KEYS = {
    "up": "\x1b[A",
    "down": "\x1b[B",
    "right": "\x1b[C",
    "left": "\x1b[D",
    "enter": "\r",
    "escape": "\x1b",
    "tab": "\t",
    "shift+tab": "\x1b[Z",
    "backspace": "\x7f",
    "pageup": "\x1b[5~",
    "pagedown": "\x1b[6~",
    "home": "\x1b[H",
    "end": "\x1b[F",
    "ctrl+c": "\x03",
    "ctrl+q": "\x11",
}


class TerminalTimeout(AssertionError):
    """A wait ran out of time; the message carries the screen as it was."""


def app_command() -> list[str]:
    """The real console script installed next to this Python, else `python -m tui`."""
    script = Path(sys.executable).parent / "newsroom"
    if script.is_file() and os.access(script, os.X_OK):
        return [str(script)]
    return [sys.executable, "-m", "tui"]


SYNC_QUERY = b"\x1b[?2026$p"  # DECRQM: is synchronized output supported?
SYNC_SUPPORTED = b"\x1b[?2026;2$y"  # yes (and off for now)
SYNC_END = b"\x1b[?2026l"  # the end of a frame


def _set_size(fd: int, cols: int, rows: int) -> None:
    fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))


class Terminal:
    def __init__(
        self,
        argv: Sequence[str],
        *,
        cols: int = 80,
        rows: int = 24,
        env: Mapping[str, str] | None = None,
        cwd: str | os.PathLike | None = None,
        term: str = "xterm-256color",
        synchronized_output: bool = False,
    ) -> None:
        self.argv = list(argv)
        # Answer the app's query for synchronized output (mode 2026) as kitty, WezTerm,
        # iTerm2 or foot do; the app then brackets every frame, so frames can be told apart.
        self.synchronized_output = synchronized_output
        self.cols, self.rows = cols, rows
        environment = dict(os.environ if env is None else env)
        environment["TERM"] = term
        environment.pop("COLORTERM", None)
        for name in ("COLUMNS", "LINES"):  # the pty's size is the only truth
            environment.pop(name, None)
        self.env = environment
        self.cwd = cwd
        self.screen = pyte.Screen(cols, rows)
        self.stream = pyte.ByteStream(self.screen)
        self._raw = bytearray()
        self.frame_ends: list[tuple[int, float]] = []  # (output length, perf_counter) per read that ended a frame
        self._lock = threading.Lock()
        self._eof = threading.Event()
        self.process: subprocess.Popen | None = None
        self.master: int | None = None
        self.started_at: float | None = None
        self.first_output_at: float | None = None
        self._reader: threading.Thread | None = None

    # --- life cycle ---------------------------------------------------------

    def start(self) -> Terminal:
        master, slave = os.openpty()
        _set_size(slave, self.cols, self.rows)

        def make_controlling_terminal() -> None:  # runs in the child after fork
            os.setsid()
            fcntl.ioctl(0, termios.TIOCSCTTY, 0)

        try:
            self.process = subprocess.Popen(
                self.argv,
                stdin=slave,
                stdout=slave,
                stderr=slave,
                env=self.env,
                cwd=self.cwd,
                preexec_fn=make_controlling_terminal,
                close_fds=True,
            )
        finally:
            os.close(slave)
        self.master = master
        self.started_at = time.monotonic()
        self._reader = threading.Thread(target=self._read_loop, name="pty-reader", daemon=True)
        self._reader.start()
        return self

    def __enter__(self) -> Terminal:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.close()

    def _read_loop(self) -> None:
        assert self.master is not None
        fd = self.master
        while True:
            try:
                ready, _, _ = select.select([fd], [], [], 0.05)
            except (OSError, ValueError):
                break
            if not ready:
                if self.process is not None and self.process.poll() is not None and not self._pending(fd):
                    break
                continue
            try:
                data = os.read(fd, 65536)
            except OSError as error:  # EIO: the child side is closed
                if error.errno in (errno.EIO, errno.EBADF):
                    break
                raise
            if not data:
                break
            read_at = time.perf_counter()
            with self._lock:
                if self.first_output_at is None:
                    self.first_output_at = time.monotonic()
                if SYNC_END in self._raw[-len(SYNC_END) :] + data:  # timed before pyte parses it
                    self.frame_ends.append((len(self._raw) + len(data), read_at))
                self._raw.extend(data)
                self.stream.feed(data)
                asked = self.synchronized_output and SYNC_QUERY in self._raw[-len(data) - len(SYNC_QUERY) :]
            if asked:
                os.write(fd, SYNC_SUPPORTED)
        self._eof.set()

    @staticmethod
    def _pending(fd: int) -> bool:
        try:
            ready, _, _ = select.select([fd], [], [], 0)
        except (OSError, ValueError):
            return False
        return bool(ready)

    def close(self) -> None:
        """Kill the whole process group if it is still alive, and release the pty."""
        process = self.process
        if process is not None and process.poll() is None:
            for sig in (signal.SIGTERM, signal.SIGKILL):
                try:
                    os.killpg(process.pid, sig)
                except ProcessLookupError:
                    break
                try:
                    process.wait(timeout=2)
                    break
                except subprocess.TimeoutExpired:
                    continue
        if process is not None:
            try:
                os.killpg(process.pid, signal.SIGKILL)  # stray children of the group
            except (ProcessLookupError, PermissionError):
                pass
        if self._reader is not None:
            self._eof.wait(timeout=2)
        if self.master is not None:
            try:
                os.close(self.master)
            except OSError:
                pass
            self.master = None

    # --- input -----------------------------------------------------------------

    def send(self, keys: bytes | str, *, pause: float = 0.0) -> None:
        data = keys.encode("utf-8") if isinstance(keys, str) else keys
        assert self.master is not None, "terminal not started"
        os.write(self.master, data)
        if pause:
            time.sleep(pause)

    def key(self, name: str, *, pause: float = 0.15) -> None:
        """Send a named key (see KEYS) or a literal character, then let the app see it alone."""
        self.send(KEYS.get(name, name), pause=pause)

    def resize(self, cols: int, rows: int) -> None:
        assert self.master is not None and self.process is not None
        with self._lock:
            self.cols, self.rows = cols, rows
            self.screen.resize(rows, cols)
        _set_size(self.master, cols, rows)
        try:
            os.killpg(self.process.pid, signal.SIGWINCH)
        except ProcessLookupError:
            pass

    # --- output ---------------------------------------------------------------

    @property
    def raw_output(self) -> bytes:
        with self._lock:
            return bytes(self._raw)

    def frames_since(self, offset: int) -> list[bytes]:
        """The whole frames written after byte `offset` of the output, each up to and
        including its end-of-frame mark (needs `synchronized_output`)."""
        with self._lock:
            tail = bytes(self._raw[offset:])
        return [frame + SYNC_END for frame in tail.split(SYNC_END)[:-1]]  # the last piece is unfinished

    def frame_read_at(self, offset: int) -> float | None:
        """perf_counter when the first whole frame after byte `offset` had been read, or None."""
        with self._lock:
            return next((at for end, at in self.frame_ends if end > offset), None)

    def _cells(self) -> list[list[tuple[int, str]]]:
        """Each row as (column, character) pairs. pyte keeps a wide character in
        its first cell and an empty string in the second; the second is dropped
        here, so "質量" reads back as "質量", not "質 量"."""
        with self._lock:
            rows = []
            for y in range(self.screen.lines):
                row = self.screen.buffer[y]
                rows.append([(x, row[x].data) for x in range(self.screen.columns) if row[x].data != ""])
            return rows

    def screen_lines(self) -> list[str]:
        """The screen, one string a row, trailing blanks removed."""
        return ["".join(char for _, char in row).rstrip() for row in self._cells()]

    def region_lines(
        self, left: int = 0, top: int = 0, right: int | None = None, bottom: int | None = None
    ) -> list[str]:
        """The characters that start in columns [left, right) of rows [top, bottom)."""
        rows = self._cells()[top:bottom]
        return ["".join(char for x, char in row if x >= left and (right is None or x < right)).rstrip() for row in rows]

    def find(self, text: str) -> tuple[int, int] | None:
        """The (column, row) cell where `text` first starts on screen, or None."""
        for y, row in enumerate(self._cells()):
            joined = "".join(char for _, char in row)
            columns = [x for x, char in row for _ in char]  # a cell may hold combining marks too
            index = joined.find(text)
            if index >= 0:
                return columns[index], y
        return None

    def screen_text(self) -> str:
        return "\n".join(self.screen_lines())

    def dump(self) -> str:
        lines = self.screen_lines()
        width = max([self.cols] + [len(line) for line in lines])
        border = "+" + "-" * width + "+"
        return "\n".join([border] + [f"|{line}" for line in lines] + [border])

    def wait_for(self, text: str | Sequence[str], timeout: float = 5.0) -> str:
        """Poll until every given text is on screen; return the screen text.
        On timeout raise TerminalTimeout with the screen dumped."""
        wanted = [text] if isinstance(text, str) else list(text)
        deadline = time.monotonic() + timeout
        while True:
            screen = self.screen_text()
            if all(item in screen for item in wanted):
                return screen
            if time.monotonic() >= deadline:
                missing = [item for item in wanted if item not in screen]
                raise TerminalTimeout(
                    f"timed out after {timeout:.1f}s waiting for {missing!r}; "
                    f"process {'exited with ' + str(self.process.returncode) if self.process and self.process.poll() is not None else 'running'}\n"
                    f"{self.dump()}"
                )
            time.sleep(0.03)

    def wait_until(self, predicate, timeout: float = 5.0, what: str = "condition") -> str:
        """Poll until predicate(screen_text) is true; return the screen text."""
        deadline = time.monotonic() + timeout
        while True:
            screen = self.screen_text()
            if predicate(screen):
                return screen
            if time.monotonic() >= deadline:
                raise TerminalTimeout(f"timed out after {timeout:.1f}s waiting for {what}\n{self.dump()}")
            time.sleep(0.03)

    def wait_exit(self, timeout: float = 5.0) -> int:
        """Wait for the process to end; return its exit status (raise on timeout)."""
        assert self.process is not None
        try:
            status = self.process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            raise TerminalTimeout(f"process still running after {timeout:.1f}s\n{self.dump()}") from None
        self._eof.wait(timeout=2)  # let the reader drain what was written last
        return status
