"""The terminal driver (tui/ui/driver.py): a lone ESC is the escape key once its short wait is
over, and the input thread wakes for that wait alone; split sequences still parse whole."""

from __future__ import annotations

import os
import queue
import selectors
import threading

import pytest
from textual import constants, events
from textual.drivers.web_driver import WebDriver

from tests.app.conftest import sample_app
from tui.serve.web import TEXTUAL_ENV
from tui.ui import driver
from tui.ui.driver import ESCAPE_WAIT, POLL, EscapeParser, NewsroomDriver, NewsroomWebDriver, read_input


class Clock:
    """Stands in for Textual's clock (the parser's and the driver's), moved by hand."""

    def __init__(self, monkeypatch) -> None:
        self.now = 1000.0
        monkeypatch.setattr("textual._parser.get_time", self)
        monkeypatch.setattr(driver, "get_time", self)

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock(monkeypatch):
    monkeypatch.delenv("ESCDELAY", raising=False)
    return Clock(monkeypatch)


def keys(messages) -> list[str]:
    return [message.key for message in messages if isinstance(message, events.Key)]


def test_a_lone_escape_is_the_escape_key_once_its_wait_is_over(clock):
    parser = EscapeParser()
    assert parser.deadline is None
    assert list(parser.feed("\x1b")) == []
    assert parser.deadline == clock.now + ESCAPE_WAIT < clock.now + constants.ESCAPE_DELAY
    clock.now += ESCAPE_WAIT / 2
    assert list(parser.tick()) == []  # something may still follow
    clock.now += ESCAPE_WAIT
    assert keys(parser.tick()) == ["escape"]
    assert parser.deadline is None  # nothing waits now: the input thread polls at its idle pace


def test_a_sequence_split_after_its_escape_still_parses_whole(clock):
    parser = EscapeParser()
    assert list(parser.feed("\x1b")) == []
    clock.now += ESCAPE_WAIT / 2  # the rest comes within the wait
    assert keys(parser.feed("[A")) == ["up"]
    assert parser.deadline is None
    clock.now += ESCAPE_WAIT
    assert list(parser.tick()) == []  # and no escape key after it


def test_alt_keys_mouse_and_paste_split_after_an_escape(clock):
    parser = EscapeParser()
    list(parser.feed("\x1bx"))
    clock.now += ESCAPE_WAIT
    assert keys(parser.tick()) == ["alt+x"]
    assert list(parser.feed("\x1b")) == []
    (mouse,) = parser.feed("[<0;10;5M")
    assert isinstance(mouse, events.MouseDown) and (mouse.x, mouse.y) == (9, 4)
    pasted = list(parser.feed("\x1b[200~質量\x1b"))
    pasted += parser.feed("[201~")
    pasted += parser.feed("j")  # (the paste is handed on with what comes after its end)
    assert [(type(event), getattr(event, "text", None)) for event in pasted][0] == (events.Paste, "質量")
    assert keys(pasted) == ["j"]


def test_escdelay_set_by_the_user_is_the_wait(clock, monkeypatch):
    monkeypatch.setenv("ESCDELAY", "250")
    monkeypatch.setattr(constants, "ESCAPE_DELAY", 0.25)  # (Textual reads ESCDELAY once, at import)
    parser = EscapeParser()
    list(parser.feed("\x1b"))
    assert parser.deadline == clock.now + 0.25


class RecordingSelector(selectors.SelectSelector):
    """The input thread's selector, noting every timeout it is asked to wait."""

    timeouts: list[float] = []
    polled = threading.Event()

    waiting = threading.Event()  # for what follows a lone ESC

    def select(self, timeout=None):
        RecordingSelector.timeouts.append(timeout)
        if len(RecordingSelector.timeouts) >= 3:
            RecordingSelector.polled.set()
        if timeout < POLL:
            RecordingSelector.waiting.set()
        return super().select(timeout)


@pytest.fixture
def recording(monkeypatch):
    RecordingSelector.timeouts = []
    RecordingSelector.polled = threading.Event()
    RecordingSelector.waiting = threading.Event()
    monkeypatch.setattr(driver.selectors, "SelectSelector", RecordingSelector)
    monkeypatch.delenv("ESCDELAY", raising=False)
    read, write = os.pipe()
    got: queue.Queue = queue.Queue()
    stop = threading.Event()
    thread = threading.Thread(target=read_input, args=(read, EscapeParser(), stop, got.put), daemon=True)
    yield thread, write, got
    stop.set()
    thread.join(5)
    assert not thread.is_alive()
    os.close(read)
    os.close(write)


def test_an_idle_input_thread_wakes_no_more_often_than_textuals(recording):
    thread, _write, _got = recording
    thread.start()
    assert RecordingSelector.polled.wait(5)
    assert set(RecordingSelector.timeouts) == {POLL}


def test_the_input_thread_hands_on_a_lone_escape_after_its_wait_not_its_poll(recording):
    thread, write, got = recording
    os.write(write, b"\x1b")
    thread.start()
    message = got.get(timeout=5)
    assert isinstance(message, events.Key) and message.key == "escape"
    brought, waited = RecordingSelector.timeouts[:2]  # the read that brought the ESC, and the wait after it
    assert brought == POLL and waited <= ESCAPE_WAIT + 0.001
    os.write(write, b"\x1b[A")  # a whole sequence: no wait, the arrow at once
    message = got.get(timeout=5)
    assert isinstance(message, events.Key) and message.key == "up"


class ScriptedInput:
    """Stands in for the web driver's reader of textual-serve's packets: yields what it is given,
    noting the timeout its next poll would have, and moving the clock as told."""

    def __init__(self, clock: Clock, steps) -> None:
        self.clock, self.steps, self.timeout, self.timeouts = clock, steps, POLL, []

    def __iter__(self):
        for data, advance in self.steps:
            self.clock.now += advance
            yield data
            self.timeouts.append(self.timeout)

    def close(self) -> None:
        pass


def stdin_packet(data: bytes) -> bytes:
    return b"D" + len(data).to_bytes(4, "big") + data


async def test_the_web_driver_hands_on_a_lone_escape_after_its_wait_not_its_poll(clock, monkeypatch):
    monkeypatch.setattr("textual.drivers.web_driver.InputReader", lambda: None)  # (it would poll our stdin)
    web = NewsroomWebDriver(sample_app(), size=(80, 24))
    got = []
    web.process_message = got.append
    web._input_reader = reader = ScriptedInput(
        clock, [(stdin_packet(b"\x1b"), 0.0), (b"", ESCAPE_WAIT / 2), (b"", ESCAPE_WAIT), (stdin_packet(b"\x1b[A"), 0)]
    )
    web.run_input_thread()
    assert keys(got) == ["escape", "up"]
    assert reader.timeouts[0] <= ESCAPE_WAIT + 0.001  # a lone ESC waits: the poll is as short as its wait
    assert reader.timeouts[2:] == [POLL, POLL]  # handed on, nothing waits: the idle poll again


def test_the_rest_of_a_sequence_read_within_the_wait_makes_the_key_not_an_escape(recording, clock):
    thread, write, got = recording
    os.write(write, b"\x1b")
    thread.start()
    assert RecordingSelector.waiting.wait(5)  # the ESC is read; the clock stands still, so it waits
    os.write(write, b"[B")
    message = got.get(timeout=5)
    assert isinstance(message, events.Key) and message.key == "down"
    RecordingSelector.waiting.clear()
    os.write(write, b"\x1b")
    assert RecordingSelector.waiting.wait(5)
    clock.now += ESCAPE_WAIT  # nothing followed within the wait
    message = got.get(timeout=5)
    assert isinstance(message, events.Key) and message.key == "escape"
    assert got.empty()


def test_the_app_runs_on_the_newsroom_drivers_unless_textual_driver_names_another(monkeypatch):
    monkeypatch.setattr(constants, "DRIVER", None)
    assert sample_app().driver_class is NewsroomDriver
    monkeypatch.setattr(constants, "DRIVER", "textual.drivers.web_driver:WebDriver")
    assert sample_app().driver_class is WebDriver
    monkeypatch.setattr(constants, "DRIVER", TEXTUAL_ENV["TEXTUAL_DRIVER"])  # the web server's
    assert sample_app().driver_class is NewsroomWebDriver
