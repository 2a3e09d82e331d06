"""The real `newsroom` command in a real pseudo-terminal, driven by keyboard alone.

Each test starts the installed console script on a pty, reads the screen back
through a terminal emulator (pyte) and types keys, as a user would. Every wait
is bounded, so an app that hangs fails its test instead of hanging the run.
"""

from __future__ import annotations

import os
import re
import subprocess
import termios
import time
from pathlib import Path

import pytest

from .terminal import KEYS, Terminal, app_command

ROOT = Path(__file__).resolve().parents[2]
CONFIG = ROOT / "config.toml"
CONTENT = ROOT / "content"

READY = "3 articles"  # the masthead status once the sample newsroom has loaded
START_TIMEOUT = 30.0  # generous: only a failing test waits this long
STEP_TIMEOUT = 10.0

MASTHEAD = "質量新聞"
SECTION_LABELS = ["最新", "活動", "出訪", "會議", "論述", "圖片"]
TITLE_PREFIXES = ["王岐山在質量", "質檢總局發布", "魏傳忠"]

# One phrase near the top of each body (in the reader only, never in a list row).
WANG = "質量是基礎"  # subtitle of 王岐山在質量工作座談會上指出
WEI = "北京檢驗檢疫工作會議"  # first paragraph of 魏傳忠:建立大質量工作機制…
AQSIQ = "以下簡稱《方案》"  # first paragraph of 質檢總局發布《大質量工作機制建設工作方案》
WANG_BODY_START = "9月是全國"
WEI_BODY_START = "1月20日,國家質檢總局"
AQSIQ_BODY_START = "為貫徹落實國家質檢總局"

SIZES = [pytest.param(80, 24, id="80x24"), pytest.param(120, 40, id="120x40")]

SCROLLBAR_GLYPHS = "▁▂▃▄▅▆▇█▏▕▔"
PINYIN_ARTEFACT = re.compile(r"\([a-zü]*[āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜ][a-zü]*\)")


def body_paragraphs(rel: str) -> list[str]:
    """The Markdown body of a sample article, as paragraphs of one line each."""
    text = (CONTENT / rel).read_text(encoding="utf-8")
    body = text.split("+++", 2)[2]
    return [" ".join(part.split("\n")).strip() for part in re.split(r"\n\s*\n", body) if part.strip()]


@pytest.fixture
def launch():
    """Start the app on a pty; every terminal started is closed at teardown."""
    terminals: list[Terminal] = []

    def start(cols: int = 80, rows: int = 24, *args: str, config: Path | None = CONFIG, **kwargs) -> Terminal:
        argv = app_command() + (["--config", str(config)] if config is not None else []) + list(args)
        # os.environ as it is now: the isolated HOME, XDG dirs and LANG from conftest.
        term = Terminal(argv, cols=cols, rows=rows, env=os.environ, cwd=ROOT, **kwargs)
        terminals.append(term)
        return term.start()

    yield start
    for term in terminals:
        term.close()


def wait_ready(term: Terminal) -> str:
    return term.wait_for([MASTHEAD, READY], timeout=START_TIMEOUT)


def press(term: Terminal, key: str) -> None:
    # A lone ESC is only known to be the escape key once nothing follows it for
    # a moment (tui/ui/driver.py); give it longer, as a typist would.
    term.key(key, pause=0.35 if key == "escape" else 0.1)


def reader_text(term: Terminal, body_start: str) -> str:
    """The reader column from the line where `body_start` is, joined without line breaks.

    Found by where the body begins, which only the reader shows; the last column
    (the scrollbar) is left out."""
    found = term.find(body_start)
    assert found is not None, f"{body_start!r} not on screen\n{term.dump()}"
    left, top = found
    lines = term.region_lines(left, top, term.cols - 1, term.rows - 1)
    return "".join(line.rstrip(SCROLLBAR_GLYPHS + " ") for line in lines)


def assert_clean(text: str) -> None:
    assert "??" not in text, text
    assert "\ufffd" not in text, text
    assert not PINYIN_ARTEFACT.search(text), text


def assert_terminal_restored(term: Terminal, settings_before: list) -> None:
    raw = term.raw_output
    entered = raw.rfind(b"\x1b[?1049h")
    assert entered >= 0, "the app never switched to the alternate screen"
    assert raw.rfind(b"\x1b[?1049l") > entered, "the app did not leave the alternate screen"
    for mode in (b"1000", b"1002", b"1003", b"1006", b"1015"):
        on = raw.rfind(b"\x1b[?" + mode + b"h")
        if on >= 0:
            assert raw.rfind(b"\x1b[?" + mode + b"l") > on, f"mouse mode {mode.decode()} left on"
    hidden = raw.rfind(b"\x1b[?25l")
    if hidden >= 0:
        assert raw.rfind(b"\x1b[?25h") > hidden, "the cursor was left hidden"
    # The tty's own modes (echo, canonical input) are back as they were.
    settings_after = termios.tcgetattr(term.master)
    lflags = termios.ECHO | termios.ICANON | termios.ISIG
    assert settings_after[3] & lflags == settings_before[3] & lflags


# --- 1. start-up -------------------------------------------------------------------------


@pytest.mark.parametrize("cols, rows", SIZES)
def test_starts_showing_the_sample_newsroom(launch, cols, rows):
    term = launch(cols, rows)
    screen = term.wait_for([MASTHEAD, READY, *TITLE_PREFIXES, *SECTION_LABELS], timeout=START_TIMEOUT)
    lines = term.screen_lines()
    assert MASTHEAD in lines[0] and READY in lines[0], "masthead is the top line"
    # Section labels in config order, one a row, down the left.
    label_rows = [
        next(y for y, line in enumerate(lines) if line.lstrip().startswith(label)) for label in SECTION_LABELS
    ]
    assert label_rows == sorted(label_rows) and len(set(label_rows)) == len(SECTION_LABELS)
    # Newest first in the front page list.
    title_rows = [term.find(prefix)[1] for prefix in ("王岐山在質量", "魏傳忠", "質檢總局發布")]
    assert title_rows == sorted(title_rows), screen
    assert_clean(screen)
    term.send("q")
    assert term.wait_exit(timeout=5) == 0
    term.raw_output.decode("utf-8")  # everything written, once it is all written, is valid UTF-8


# --- 2. reading every article by keyboard ----------------------------------------------


READER_FOOTER = "] Next"  # the footer shows the reader's keys only while it has focus
LIST_FOOTER = "⏎ Open"


@pytest.mark.parametrize("cols, rows", SIZES)
def test_reads_all_three_articles_by_keyboard(launch, cols, rows):
    term = launch(cols, rows)
    wait_ready(term)

    def shows(present: str, *absent: str, focus: str | None = None):
        def check(screen: str) -> bool:
            lines = screen.splitlines()
            footer_ok = focus is None or (bool(lines) and focus in lines[-1])
            return present in screen and not any(text in screen for text in absent) and footer_ok

        return check

    press(term, "tab")  # section menu -> article list; the wide layout previews the highlighted article
    term.wait_until(shows(WANG_BODY_START, focus=LIST_FOOTER), STEP_TIMEOUT, "the list, previewing 王岐山")
    press(term, "enter")  # open it: the reader takes the focus
    term.wait_until(shows(WANG, focus=READER_FOOTER), STEP_TIMEOUT, "the reader on 王岐山")
    assert "space Page down" in term.screen_lines()[-1]

    press(term, "escape")  # back to the list
    term.wait_until(shows(WANG, READER_FOOTER, focus=LIST_FOOTER), STEP_TIMEOUT, "back in the list")
    press(term, "down")
    term.wait_until(shows(WEI_BODY_START, WANG_BODY_START), STEP_TIMEOUT, "the 魏傳忠 article alone")
    press(term, "enter")
    term.wait_until(shows(WEI_BODY_START, focus=READER_FOOTER), STEP_TIMEOUT, "the reader on 魏傳忠")
    assert WEI in reader_text(term, WEI_BODY_START)

    press(term, "escape")
    term.wait_until(shows(WEI_BODY_START, READER_FOOTER, focus=LIST_FOOTER), STEP_TIMEOUT, "back in the list")
    press(term, "down")
    press(term, "enter")
    term.wait_until(
        shows(AQSIQ_BODY_START, WEI_BODY_START, focus=READER_FOOTER), STEP_TIMEOUT, "the reader on 質檢總局"
    )
    assert AQSIQ in reader_text(term, AQSIQ_BODY_START)

    # [ and ] step through the list from the reader.
    press(term, "[")
    term.wait_until(shows(WEI_BODY_START, AQSIQ_BODY_START, focus=READER_FOOTER), STEP_TIMEOUT, "[ to 魏傳忠")
    press(term, "[")
    term.wait_until(shows(WANG_BODY_START, WEI_BODY_START, focus=READER_FOOTER), STEP_TIMEOUT, "[ to 王岐山")
    bells_before = term.raw_output.count(b"\x07")
    press(term, "[")  # already at the first article: it stays, and the bell rings
    deadline = time.monotonic() + STEP_TIMEOUT
    while term.raw_output.count(b"\x07") == bells_before and time.monotonic() < deadline:
        time.sleep(0.05)
    assert term.raw_output.count(b"\x07") > bells_before, "no bell at the first article"
    assert WANG in term.screen_text()
    press(term, "]")
    term.wait_until(shows(WEI_BODY_START, WANG_BODY_START, focus=READER_FOOTER), STEP_TIMEOUT, "] to 魏傳忠")
    assert WEI in reader_text(term, WEI_BODY_START)
    press(term, "]")
    term.wait_until(shows(AQSIQ_BODY_START, WEI_BODY_START, focus=READER_FOOTER), STEP_TIMEOUT, "] to 質檢總局")
    assert AQSIQ in reader_text(term, AQSIQ_BODY_START)
    assert_clean(term.screen_text())
    assert term.process.poll() is None, "the app is still running"


@pytest.mark.parametrize("cols, rows", SIZES)
def test_enter_on_the_section_moves_to_its_articles(launch, cols, rows):
    term = launch(cols, rows)
    wait_ready(term)
    press(term, "enter")  # on 最新: focus the list
    press(term, "enter")  # open its first article
    term.wait_for([WANG, "] Next"], timeout=STEP_TIMEOUT)


@pytest.mark.parametrize("cols, rows", SIZES)
def test_first_article_shows_every_character_of_its_first_paragraph(launch, cols, rows):
    """Regression: the first article opened used to be laid out for the reader's width
    without its scrollbar; when the scrollbar appeared each full line lost its last
    wide character (北京主持 read 北京主 / 召開). Fixed in ccb2b24 (overflow-y: scroll)."""
    term = launch(cols, rows)
    wait_ready(term)
    press(term, "tab")  # in the wide layout the highlighted article opens at once
    term.wait_for(WANG_BODY_START, timeout=STEP_TIMEOUT)
    time.sleep(0.3)
    expected = body_paragraphs("meetings/wang-qishan-quality-forum.md")[0]
    found = term.find(WANG_BODY_START)
    left, top = found
    lines = term.region_lines(left, top, term.cols - 1, term.rows - 1)
    paragraph = "".join(line.rstrip(SCROLLBAR_GLYPHS + " ") for line in lines[: lines.index("")])
    assert paragraph == expected, term.dump()


def test_first_article_is_whole_once_laid_out_again(launch):
    """Stepping away and back lays the same article out with the scrollbar present."""
    term = launch(80, 24)
    wait_ready(term)
    press(term, "tab")
    press(term, "enter")
    press(term, "]")
    term.wait_for(WEI_BODY_START, timeout=STEP_TIMEOUT)
    press(term, "[")
    term.wait_until(lambda s: WANG_BODY_START in s and WEI_BODY_START not in s, STEP_TIMEOUT, "back to 王岐山")
    expected = body_paragraphs("meetings/wang-qishan-quality-forum.md")[0]
    left, top = term.find(WANG_BODY_START)
    lines = term.region_lines(left, top, term.cols - 1, term.rows - 1)
    joined = "".join(line.rstrip(SCROLLBAR_GLYPHS + " ") for line in lines[: lines.index("")])
    assert joined == expected, term.dump()


# --- 3, 4. quitting ----------------------------------------------------------------------


@pytest.mark.parametrize("key", ["q", "ctrl+q"])
@pytest.mark.parametrize("cols, rows", SIZES)
def test_quit_key_exits_cleanly_and_restores_the_terminal(launch, key, cols, rows):
    term = launch(cols, rows)
    settings_before = termios.tcgetattr(term.master)
    wait_ready(term)
    press(term, "tab")  # quit works from a pane other than the first, too
    started = time.monotonic()
    term.send(KEYS.get(key, key))
    assert term.wait_exit(timeout=5) == 0
    assert time.monotonic() - started < 3, "quitting took too long"
    assert_terminal_restored(term, settings_before)
    assert b"Traceback" not in term.raw_output


def test_q_quits_from_the_reader(launch):
    term = launch(80, 24)
    settings_before = termios.tcgetattr(term.master)
    wait_ready(term)
    press(term, "tab")
    press(term, "enter")
    term.wait_for("] Next", timeout=STEP_TIMEOUT)
    term.send("q")
    assert term.wait_exit(timeout=5) == 0
    assert_terminal_restored(term, settings_before)


# --- 5. small terminals ----------------------------------------------------------------


def test_narrow_terminal_shows_one_pane_at_a_time(launch):
    term = launch(60, 20)
    screen = term.wait_for([MASTHEAD, READY, *SECTION_LABELS], timeout=START_TIMEOUT)
    assert "王岐山" not in screen, "the article list is hidden until a section is chosen"

    press(term, "enter")
    screen = term.wait_until(lambda s: "王岐山在質量" in s and "圖片" not in s, STEP_TIMEOUT, "the list alone")
    assert all(prefix in screen for prefix in TITLE_PREFIXES), screen

    press(term, "enter")
    screen = term.wait_until(lambda s: WANG_BODY_START in s and "魏傳忠" not in s, STEP_TIMEOUT, "the reader alone")
    assert WANG in screen
    assert_clean(screen)
    # The reader has the whole width: its first paragraph reads back whole.
    expected = body_paragraphs("meetings/wang-qishan-quality-forum.md")[0]
    left, top = term.find(WANG_BODY_START)
    lines = term.region_lines(left, top, term.cols - 1, term.rows - 1)
    assert "".join(line.rstrip(SCROLLBAR_GLYPHS + " ") for line in lines[: lines.index("")]) == expected

    press(term, "escape")
    term.wait_until(lambda s: "魏傳忠" in s and WANG_BODY_START not in s, STEP_TIMEOUT, "back to the list")
    press(term, "escape")
    term.wait_until(lambda s: "圖片" in s and "王岐山" not in s, STEP_TIMEOUT, "back to the menu")
    term.send("q")
    assert term.wait_exit(timeout=5) == 0


def test_resizing_switches_between_wide_and_narrow_layouts(launch):
    term = launch(100, 30)
    wait_ready(term)
    term.wait_for(["圖片", "王岐山在質量"], timeout=STEP_TIMEOUT)  # menu and list side by side
    term.resize(60, 20)
    term.wait_until(lambda s: "圖片" in s and "王岐山" not in s, STEP_TIMEOUT, "the narrow layout")
    term.resize(100, 30)
    term.wait_for(["圖片", "王岐山在質量"], timeout=STEP_TIMEOUT)
    assert term.process.poll() is None


# --- 6, 7. refusing to start -----------------------------------------------------------


# --- the script toggle: one frame --------------------------------------------------


def screen_after(raw: bytes, cols: int, rows: int) -> str:
    """What a terminal shows once it has been sent `raw`."""
    import pyte

    screen = pyte.Screen(cols, rows)
    pyte.ByteStream(screen).feed(raw)
    return "\n".join("".join(screen.buffer[y][x].data for x in range(cols)) for y in range(rows))


def test_the_script_toggle_repaints_in_one_frame(launch):
    """The first frame written after `t` already shows every pane in the new script:
    nothing is left for a later frame, however long that frame took to arrive."""
    term = launch(120, 40, "--script", "original", synchronized_output=True)
    wait_ready(term)
    press(term, "tab")  # the list, previewing 王岐山 in the reader
    term.wait_for(WANG_BODY_START, timeout=STEP_TIMEOUT)
    time.sleep(1.0)  # settled: no frame still to come from start-up
    for key, label, converted in (
        ("t", "简体", ("活动", "王岐山在质量", "9月是全国", "质量新闻")),
        ("t", "繁體", ("活動", "王岐山在質量", "9月是全國", "質量新聞")),
    ):
        before = len(term.raw_output)
        term.send(key)
        deadline = time.monotonic() + STEP_TIMEOUT
        while not (frames := term.frames_since(before)):  # a whole frame, not the start of one
            assert time.monotonic() < deadline, (
                f"no whole frame after {key!r}: is synchronized output on?\n{term.dump()}"
            )
            time.sleep(0.01)
        first = screen_after(term.raw_output[:before] + frames[0], 120, 40)
        assert label in first.splitlines()[0], first
        for text in converted:
            assert text in first, f"{text!r} not in the first frame after {key!r}:\n{first}"


def run_piped(*args: str, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run(
        app_command() + list(args),
        stdin=subprocess.DEVNULL,
        capture_output=True,
        env=os.environ,
        cwd=ROOT,
        timeout=10,
        **kwargs,
    )


def test_output_not_a_terminal_exits_2_with_a_message():
    result = run_piped("--config", str(CONFIG))
    assert result.returncode == 2
    stderr = result.stderr.decode("utf-8")
    assert "terminal" in stderr
    assert "Traceback" not in stderr
    assert result.stdout == b""


def test_dumb_terminal_exits_2_with_a_message(launch):
    term = launch(80, 24, term="dumb")
    assert term.wait_exit(timeout=10) == 2
    screen = term.screen_text()
    assert "terminal" in screen and "Traceback" not in screen
    assert b"\x1b[?1049h" not in term.raw_output, "no full-screen mode on a dumb terminal"


def write_bad_config(tmp_path: Path) -> Path:
    path = tmp_path / "bad config.toml"
    path.write_text(
        f'[newsroom]\ntitle = "質量新聞"\ncontent_dir = "{CONTENT}"\ncolour = "blue"\n',
        encoding="utf-8",
    )
    return path


def test_bad_config_exits_2_naming_file_and_line(tmp_path):
    config = write_bad_config(tmp_path)
    result = run_piped("--config", str(config))
    assert result.returncode == 2
    stderr = result.stderr.decode("utf-8")
    assert f"{config}:4" in stderr, stderr
    assert "colour" in stderr
    assert "Traceback" not in stderr + result.stdout.decode("utf-8")


def test_bad_config_in_a_terminal_exits_2_without_taking_the_screen(launch, tmp_path):
    config = write_bad_config(tmp_path)
    term = launch(120, 24, config=config)
    assert term.wait_exit(timeout=10) == 2
    output = term.raw_output.decode("utf-8")
    assert f"{config}:4" in output and "colour" in output
    assert "Traceback" not in output
    assert "\x1b[?1049h" not in output
