"""The terminal driver: Textual's own, with a lone escape key handed on without the poll's wait.

A lone ESC byte may be the escape key or the first byte of a key's sequence (an arrow is
ESC [ A), so Textual's parser waits for more before it says "escape". Textual's input thread
only looks at that wait when its 0.1 s poll of the terminal times out, so escape arrived
0.1 s late whatever the wait. Here the poll ends when the wait does, and only while a lone ESC
is waiting: an idle app still wakes ten times a second, as Textual's does, and no more.
The wait is ESCAPE_WAIT unless the user set ESCDELAY (milliseconds, as Textual and ncurses read
it). Terminals speaking the kitty keyboard protocol send escape unambiguously and never wait.
"""

from __future__ import annotations

import os
import selectors
from codecs import getincrementaldecoder
from collections.abc import Callable
from threading import Event

from textual import constants, log
from textual._parser import ParseError, Read1
from textual._time import get_time
from textual._xterm_parser import XTermParser
from textual.drivers._byte_stream import ByteStream
from textual.drivers.linux_driver import LinuxDriver
from textual.drivers.web_driver import WebDriver, _ExitInput
from textual.message import Message

ESCAPE_WAIT = 0.015  # seconds: the bytes of one key's sequence arrive together, even over SSH
POLL = 0.1  # seconds: how often an idle input thread looks at its exit flag (Textual's own)


def escape_wait() -> float:
    return constants.ESCAPE_DELAY if "ESCDELAY" in os.environ else ESCAPE_WAIT


class EscapeParser(XTermParser):
    """Textual's parser, whose wait after a lone ESC is `escape_wait()` and known as `deadline`:
    when (by `textual._time.get_time`) a lone ESC must be handed on if nothing follows."""

    def __init__(self, debug: bool = False, wait: float | None = None) -> None:
        self.wait = escape_wait() if wait is None else wait
        self.deadline: float | None = None
        super().__init__(debug)

    def read1(self, timeout: float | None = None) -> Read1:  # what the parse asks for next
        if timeout is None:
            self.deadline = None
            return Read1()
        timeout = min(timeout, self.wait)
        self.deadline = get_time() + timeout
        return Read1(timeout)


def poll_timeout(parser: EscapeParser) -> float:
    """How long the input thread may wait for input: its idle poll, or until a lone ESC is due."""
    if parser.deadline is None:
        return POLL
    return min(POLL, max(0.0, parser.deadline - get_time()) + 0.001)  # (past the parser's own clock read)


def read_input(
    fileno: int, parser: EscapeParser, exit_event: Event, process_message: Callable[[Message], None]
) -> None:
    """Textual's `LinuxDriver.run_input_thread`, but the poll waits at most until the parser's deadline."""
    selector = selectors.SelectSelector()
    selector.register(fileno, selectors.EVENT_READ)
    decode = getincrementaldecoder("utf-8")().decode

    def process(events: list, final: bool = False) -> None:
        for index, (_key, mask) in enumerate(events):
            if mask & selectors.EVENT_READ:
                text = decode(os.read(fileno, 1024 * 4), final=final and index == len(events) - 1)
                if not text:
                    break  # (stdin piped, and at its end)
                for event in parser.feed(text):
                    process_message(event)
        for event in parser.tick():
            process_message(event)

    try:
        while not exit_event.is_set():
            process(selector.select(poll_timeout(parser)))
        selector.unregister(fileno)
        process(selector.select(poll_timeout(parser)), final=True)
    finally:
        selector.close()
        try:
            for _event in parser.feed(""):
                pass
        except (EOFError, ParseError):
            pass


class NewsroomDriver(LinuxDriver):
    def run_input_thread(self) -> None:
        read_input(self.fileno, EscapeParser(self._debug), self.exit_event, self.process_message)


class NewsroomWebDriver(WebDriver):
    """Textual's web driver (textual-serve's apps), with the same prompt escape key."""

    def run_input_thread(self) -> None:  # Textual's, with the escape parser and its poll
        input_reader = self._input_reader
        parser = EscapeParser(self._debug)
        decode = getincrementaldecoder("utf-8")().decode
        byte_stream = ByteStream()  # stdin's bytes, and packets of meta data in band
        try:
            for data in input_reader:
                if data:
                    for packet_type, payload in byte_stream.feed(data):
                        if packet_type == "D":
                            for event in parser.feed(decode(payload)):
                                self.process_message(event)
                        else:
                            self._on_meta(packet_type, payload)
                for event in parser.tick():
                    self.process_message(event)
                input_reader.timeout = poll_timeout(parser)  # (read by its next select)
        except _ExitInput:
            pass
        except Exception:
            from traceback import format_exc

            log(format_exc())
        finally:
            input_reader.close()
