"""App timings on a real pseudo-terminal: warm start to first paint, and script toggle.

Both drive the installed `newsroom` command in a pty and read its screen with
pyte (the end-to-end tests' harness), so they include everything a user waits
for: Python start-up, imports, the index, layout and the terminal writes.
"""

from __future__ import annotations

import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.e2e.terminal import Terminal, app_command  # noqa: E402

RUNS = 5
POLL = 0.002  # seconds: fine enough to time a frame


def _wait(terminal: Terminal, predicate, timeout: float = 60.0) -> float:
    """Seconds until predicate(screen text) holds."""
    start = time.perf_counter()
    while not predicate(terminal.screen_text()):
        if time.perf_counter() - start > timeout:
            raise TimeoutError(terminal.dump())
        time.sleep(POLL)
    return time.perf_counter() - start


def _newest_title(corpus: Path, cache: Path) -> str:
    os.environ["XDG_CACHE_HOME"] = str(cache)
    from tui.core import config
    from tui.search.index import SearchIndex

    with SearchIndex.open(config.load(corpus / "config.toml")) as index:
        index.refresh()  # make sure the index is warm before timing a warm start
        return index.latest(1)[0].title


def first_paint(corpus: Path, cache: Path) -> dict:
    """Launch to the newest article's title on screen, and to the full newsroom ("N articles")."""
    title = _newest_title(corpus, cache)[:6]
    paints, completes, memory = [], [], []
    for _ in range(RUNS):
        with Terminal(
            [*app_command(), "--config", str(corpus / "config.toml"), "--script", "original"], cols=120, rows=40
        ) as terminal:
            started = time.perf_counter()
            _wait(terminal, lambda screen: title in screen)
            paints.append(time.perf_counter() - started)
            _wait(terminal, lambda screen: " articles" in screen)
            completes.append(time.perf_counter() - started)
            memory.append(_peak_rss_mb(terminal.process.pid))
    return {
        "first_paint_s": round(statistics.median(paints), 3),
        "full_newsroom_s": round(statistics.median(completes), 3),
        "app_peak_rss_mb": round(max(memory), 1),
    }


def _peak_rss_mb(pid: int) -> float:
    """The app's own high-water mark (VmHWM), while it runs."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0


def script_toggle(corpus: Path, cache: Path) -> dict:
    """Keystroke `t` to the screen redrawn in the next script.

    Three figures: to the end of the first frame the app writes after the key (the
    terminal answers the synchronized-output query, so frames are bracketed); to
    pyte having parsed the new masthead label and list row; and how many frames it
    took before the screen stopped changing (the target is one)."""
    _newest_title(corpus, cache)
    labels = {"原文": "简体", "简体": "繁體", "繁體": "原文"}
    times, frames, counts = [], [], []
    command = [*app_command(), "--config", str(corpus / "config.toml"), "--script", "original"]
    with Terminal(command, cols=120, rows=40, synchronized_output=True) as terminal:
        _wait(terminal, lambda screen: " articles" in screen)
        time.sleep(1.0)  # let the background dictionary load finish, as a reader would
        current = "原文"
        for _ in range(3 * RUNS):
            following = labels[current]
            before = terminal.screen_lines()[2]  # a row of the article list
            written = len(terminal._raw)
            started = time.perf_counter()
            terminal.send("t")
            while (frame_at := terminal.frame_read_at(written)) is None:
                time.sleep(POLL / 4)
            frames.append(frame_at - started)
            _wait(terminal, lambda screen, following=following: following in screen.splitlines()[0])
            label_time = time.perf_counter() - started
            # The list row changes too when the script changes its characters.
            try:
                _wait(terminal, lambda screen, before=before: screen.splitlines()[2] != before, timeout=0.5)
            except TimeoutError:
                pass  # a row with no convertible characters looks the same
            times.append(
                max(label_time, time.perf_counter() - started) if terminal.screen_lines()[2] != before else label_time
            )
            current = following
            time.sleep(0.25)  # and anything still to come would have come by now
            counts.append(len(terminal.frames_since(written)))
    return {
        "toggle_median_ms": round(statistics.median(times) * 1000, 1),
        "toggle_p95_ms": round(sorted(times)[int(0.95 * (len(times) - 1))] * 1000, 1),
        "toggle_frame_median_ms": round(statistics.median(frames) * 1000, 1),
        "toggle_frames": max(counts),
    }
