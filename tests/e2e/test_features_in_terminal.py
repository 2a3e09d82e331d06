"""The real `newsroom` on a pty: `y` sends an OSC 52 sequence to the terminal (a kiosk sends none),
and an article written into the content folder appears without a key."""

from __future__ import annotations

import base64
import os
import re

import pytest

from tests.conftest import write_article

from .terminal import Terminal, app_command
from .test_app_in_terminal import CONFIG, ROOT, START_TIMEOUT, STEP_TIMEOUT, press, wait_ready

OSC52 = re.compile(rb"\x1b\]52;c;([A-Za-z0-9+/=]*)\x07")
WANG_ID = "meetings/wang-qishan-quality-forum"
SIMPLIFIED_MASTHEAD = "质量新闻"


@pytest.fixture
def newsroom_on_pty():
    """Start the real `newsroom` on a pty (closed at teardown), as test_app_in_terminal does."""
    terminals: list[Terminal] = []

    def start(cols: int, rows: int, *args: str) -> Terminal:
        argv = [*app_command(), *([] if "--content" in args else ["--config", str(CONFIG)]), *args]
        terminals.append(Terminal(argv, cols=cols, rows=rows, env=os.environ, cwd=ROOT))
        return terminals[-1].start()

    yield start
    for term in terminals:
        term.close()


def copied(raw: bytes) -> list[str]:
    """What the app asked the terminal to put on the clipboard, in order."""
    return [base64.b64decode(match).decode("utf-8") for match in OSC52.findall(raw)]


def test_y_sends_the_citation_to_the_terminal_clipboard(newsroom_on_pty):
    term = newsroom_on_pty(100, 30, "--open", WANG_ID, "--script", "original")
    wait_ready(term)
    term.wait_for("質量是基礎")  # the article is open
    press(term, "y")
    term.wait_until(lambda _: copied(term.raw_output), what="an OSC 52 sequence")
    (citation,) = copied(term.raw_output)
    assert citation == f"王岐山在質量工作座談會上指出. 新華社記者 姚大偉 攝. 2010-09-27. 新華社. {WANG_ID}"
    term.wait_for("Copied a citation")


def test_a_kiosk_sends_no_clipboard_sequence(newsroom_on_pty):
    term = newsroom_on_pty(100, 30, "--open", WANG_ID, "--kiosk")
    wait_ready(term)
    term.wait_for("質量是基礎")
    press(term, "y")
    press(term, "t")  # keys are taken in order: once the script has changed, y was handled
    term.wait_for(SIMPLIFIED_MASTHEAD)
    assert b"\x1b]52" not in term.raw_output
    assert "Copied" not in term.screen_text()


def test_an_article_written_into_the_content_folder_appears_without_a_key(newsroom_on_pty, tmp_path):
    content = tmp_path / "content"
    write_article(content, "news/first.md", title="第一篇報道", date="2024-01-02")
    term = newsroom_on_pty(100, 30, "--content", str(content))
    term.wait_for(["第一篇報道", "1 articles"], timeout=START_TIMEOUT)
    write_article(content, "news/second.md", title="突發新聞快訊", date="2024-01-03")
    screen = term.wait_for(["突發新聞快訊", "2 articles", "1 new"], timeout=STEP_TIMEOUT)
    assert screen.index("突發新聞快訊") < screen.index("第一篇報道")  # newest first, on the front page
