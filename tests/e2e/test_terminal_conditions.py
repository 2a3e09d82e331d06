"""Terminal conditions and hostile content, judged on the raw bytes a real terminal receives."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

from rich.cells import cell_len

from tests.conftest import ROOT, SAMPLE_CONFIG
from tests.e2e.terminal import Terminal, app_command
from tests.hostile import FORBIDDEN_OUTPUT, build_hostile_corpus

READY = "3 articles"  # the sample newsroom, fully loaded


def quit_app(terminal: Terminal) -> None:
    terminal.send("q")
    assert terminal.wait_exit(timeout=10) == 0


def test_hostile_content_sends_no_escape_sequence_to_the_terminal(tmp_path: Path):
    build_hostile_corpus(tmp_path / "content", huge=False)
    command = [*app_command(), "--content", str(tmp_path / "content"), "--script", "original"]
    with Terminal(command, cols=100, rows=30) as terminal:
        terminal.wait_for("10 articles", timeout=30)
        # Open every article: tab to the list, then down through it in the reader's preview.
        terminal.send("\t")
        for _ in range(14):
            terminal.send("\x1b[B")
            terminal.wait_until(lambda screen: True, timeout=0.1)
        terminal.send("\r")
        terminal.send("p")  # the problems view shows paths and messages too
        terminal.wait_for("could not be used", timeout=10)
        terminal.send("\x1b", pause=0.4)  # a lone ESC: wait, or the next key joins it
        terminal.send("/", pause=0.3)
        terminal.send("標")  # search results show titles and snippets
        terminal.wait_for("result", timeout=10)
        terminal.send("\x1b", pause=0.4)
        quit_app(terminal)
        raw = terminal.raw_output
    for sequence in FORBIDDEN_OUTPUT:
        assert sequence not in raw, sequence
    # No OSC but Textual's own pointer-shape one: content never sets the title, clipboard or links.
    assert set(re.findall(rb"\x1b\](\d+)", raw)) <= {b"22"}
    assert "注入".encode() in raw  # the poisoned article was shown, as text


def colours_drawn(env: dict) -> set[int]:
    """The 256-colour palette entries the app uses when started with `env`."""
    command = [*app_command(), "--config", str(SAMPLE_CONFIG)]
    with Terminal(command, env=env) as terminal:
        terminal.wait_for(READY, timeout=30)
        quit_app(terminal)
        raw = terminal.raw_output.decode("utf-8", "replace")
    return {int(n) for n in re.findall(r"[34]8;5;(\d+)", raw)}


GREYS = {0, 7, 8, 15, 16, 231, *range(232, 256)}


def test_no_color_is_honoured():
    assert colours_drawn(dict(os.environ)) - GREYS  # in colour by default...
    assert colours_drawn(dict(os.environ, NO_COLOR="1")) <= GREYS  # ...and in greys only with NO_COLOR


def test_c_locale_still_shows_chinese():
    env = {key: value for key, value in os.environ.items() if not key.startswith("LC_")}
    env.update(LANG="C", LC_ALL="C")
    command = [*app_command(), "--config", str(SAMPLE_CONFIG), "--script", "original"]
    with Terminal(command, env=env) as terminal:
        terminal.wait_for(["質量新聞", "王岐山在質量"], timeout=30)
        quit_app(terminal)


def test_a_non_utf8_terminal_gets_a_clear_message():
    env = dict(os.environ, PYTHONIOENCODING="latin-1")
    command = [*app_command(), "--config", str(SAMPLE_CONFIG)]
    with Terminal(command, env=env) as terminal:
        status = terminal.wait_exit(timeout=20)
        text = terminal.raw_output.decode("latin-1")
    assert status == 2
    assert "UTF-8" in text and "Traceback" not in text
    assert b"\x1b[?1049h" not in terminal.raw_output  # never took over the screen


def test_quick_lookups_work_without_a_terminal():
    done = subprocess.run(
        [*app_command(), "--config", str(SAMPLE_CONFIG), "search", "質量"],
        capture_output=True,
        text=True,
        timeout=60,
        env=dict(os.environ, TERM="dumb"),
    )
    assert done.returncode == 0 and "王岐山" in done.stdout and "\x1b" not in done.stdout


def test_a_lookup_in_a_terminal_is_styled_and_wrapped_to_it():
    """`newsroom search` on a real pty: bold titles, reverse-video matches, dim details,
    laid out within the terminal's width, and every style switched off at the end."""
    command = [*app_command(), "--config", str(SAMPLE_CONFIG), "--script", "original", "search", "質量"]
    with Terminal(command, cols=60, rows=40) as terminal:
        assert terminal.wait_exit(timeout=60) == 0
        column, row = terminal.find("1. ")
        title = terminal.screen.buffer[row]
        assert title[column].bold and not title[column].reverse
        match = terminal.find("質量")
        assert match is not None and terminal.screen.buffer[match[1]][match[0]].reverse
        details = terminal.screen.buffer[row + 1]
        assert not details[4].bold  # the section, date and id are dim, not bold
        cursor = terminal.screen.cursor.attrs
        assert not (cursor.bold or cursor.reverse or cursor.italics)  # the shell's prompt comes out plain
        raw = terminal.raw_output
    assert raw.rfind(b"\x1b[0m") > raw.rfind(b"\x1b[0;")


def test_a_lookup_run_by_newsroom_watch_uses_the_clients_terminal(tmp_path):
    """With `newsroom watch` running, `newsroom show` in a 40-column pty is run by the warm
    process, which must still see the client's terminal: its styles and its width."""
    environment = dict(os.environ, XDG_CACHE_HOME=str(tmp_path / "cache"))
    keeper = subprocess.Popen(
        [*app_command(), "--config", str(SAMPLE_CONFIG), "watch"], stderr=subprocess.PIPE, text=True, env=environment
    )
    try:
        assert "keeping the index" in keeper.stderr.readline()
        assert (tmp_path / "cache" / "newsroom" / "lookups.sock").exists()
        argv = ["--config", str(SAMPLE_CONFIG), "show", "meetings/wang-qishan-quality-forum"]
        report = "import sys; from tui.launch import main; code = main({!r}); print('RAN', 'HERE' if 'tui.cli' in sys.modules else 'WARM'); sys.exit(code)"
        command = [sys.executable, "-c", report.format(argv)]
        with Terminal(command, cols=40, rows=120, env=dict(environment, PYTHONPATH=str(ROOT))) as terminal:
            assert terminal.wait_exit(timeout=60) == 0
            assert terminal.find("RAN WARM") is not None  # the warm process ran it
            column, row = terminal.find("王岐山在質量")
            assert terminal.screen.buffer[row][column].bold  # the title, bold: it saw a terminal
            lines = terminal.raw_output.split(b"\r\n")
        plain = [re.sub(rb"\x1b\[[0-9;]*m", b"", line).decode() for line in lines]
        assert max(cell_len(line) for line in plain) <= 40  # wrapped to the client's width, not a guess
        assert sum(1 for line in plain if cell_len(line) > 30) > 5  # and the body was wrapped, not cut
    finally:
        keeper.terminate()
        keeper.wait(20)
