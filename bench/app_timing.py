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


# --- cost per action: time to the last byte and bytes written ----------------------

QUIET = 0.3  # seconds without output that end an action's response
KEYS = {
    "tab": "\t",
    "shift+tab": "\x1b[Z",
    "enter": "\r",
    "escape": "\x1b",
    "down": "\x1b[B",
    "up": "\x1b[A",
    "pagedown": "\x1b[6~",
    "pageup": "\x1b[5~",
}


KITTY_ESCAPE = "\x1b[27u"


class _ReadLog:
    """Stands in for the terminal's pyte stream: notes when each read arrived, then feeds pyte."""

    def __init__(self, stream) -> None:
        self.stream = stream
        self.reads: list[tuple[float, int]] = []  # (perf_counter, bytes) per read
        self.total = 0

    def feed(self, data: bytes) -> None:
        self.total += len(data)
        self.reads.append((time.perf_counter(), self.total))
        self.stream.feed(data)


def log_reads(terminal: Terminal) -> _ReadLog:
    log = _ReadLog(terminal.stream)
    terminal.stream = log
    return log


def respond(terminal: Terminal, log: _ReadLog, keys: str, quiet: float = QUIET, timeout: float = 10.0):
    """Write `keys` (one write: keys typed ahead arrive together) and wait until the
    output has been quiet for `quiet` seconds. Returns (ms to the last byte, bytes)."""
    before = log.total
    started = time.perf_counter()
    terminal.send(keys)
    while True:
        time.sleep(0.01)
        last_at, total = log.reads[-1] if log.reads else (started, 0)
        now = time.perf_counter()
        if total == before and now - started > max(quiet, 1.0):
            return 0.0, 0  # nothing was written at all
        if total > before and now - last_at > quiet:
            return (last_at - started) * 1000, total - before
        if now - started > timeout:
            raise TimeoutError(terminal.dump())


def vm_kb(pid: int, field: str) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    return 0


# What a reader does, as (action, keys) in order; the walk ends where it began
# (section menu focused, the front page, the first article) so it can repeat.
NEWSROOM_WALK: list[tuple[str, str]] = [
    ("pane switch (tab)", KEYS["tab"]),
    *[("row move (j)", "j")] * 4,
    *[("row move (k)", "k")] * 4,
    ("20 moves typed ahead (j x 20)", "j" * 20),
    ("20 moves typed ahead (k x 20)", "k" * 20),
    ("pane switch (enter into the reader)", KEYS["enter"]),
    *[("page down (space)", " ")] * 3,
    *[("next article (])", "]")] * 2,
    *[("previous article ([)", "[")] * 2,
    *[("toggle script (t)", "t")] * 3,
    ("pane switch (escape)", KEYS["escape"]),
    ("pane switch (tab)", KEYS["tab"]),
    # A lone ESC might begin a key's escape sequence: Textual's input thread hands it on
    # at its next 0.1 s poll. Terminals speaking the kitty keyboard protocol (kitty,
    # WezTerm, foot, ghostty) send escape unambiguously, as here.
    ("pane switch (escape, kitty keyboard protocol)", KITTY_ESCAPE),
    ("pane switch (tab)", KEYS["tab"]),
    ("pane switch (shift+tab)", KEYS["shift+tab"]),
    ("pane switch (shift+tab)", KEYS["shift+tab"]),
    ("pane switch (escape)", KEYS["escape"]),
    ("open a section (j in the menu)", "j"),
    ("open a section (k in the menu)", "k"),
    ("open help (?)", "?"),
    ("close help (escape)", KEYS["escape"]),
]
SEARCH_WALK: list[tuple[str, str]] = [
    ("open search (/)", "/"),
    ("search keystroke", "質"),
    ("search keystroke", "量"),
    ("close search (escape)", KEYS["escape"]),
]


def run_walk(terminal: Terminal, log: _ReadLog, walk: list[tuple[str, str]], into: dict[str, list]) -> None:
    for action, keys in walk:
        into.setdefault(action, []).append(respond(terminal, log, keys))


def summarise(samples: dict[str, list]) -> dict[str, dict]:
    return {
        action: {
            "ms": round(statistics.median(ms for ms, _ in pairs), 1),
            "ms_max": round(max(ms for ms, _ in pairs), 1),
            "bytes": int(statistics.median(size for _, size in pairs)),
            "bytes_max": max(size for _, size in pairs),
            "n": len(pairs),
        }
        for action, pairs in samples.items()
    }


def action_costs(corpus: Path, cache: Path, rounds: int = 3, cols: int = 120, rows: int = 35) -> dict:
    """Every action of `NEWSROOM_WALK` `rounds` times, then a search; and the app's
    memory before any search was opened."""
    _newest_title(corpus, cache)
    command = [*app_command(), "--config", str(corpus / "config.toml"), "--script", "original"]
    samples: dict[str, list] = {}
    with Terminal(command, cols=cols, rows=rows) as terminal:
        log = log_reads(terminal)
        _wait(terminal, lambda screen: " articles" in screen)
        time.sleep(1.5)  # the background dictionary load, as a reader would let it finish
        for _ in range(rounds):
            run_walk(terminal, log, NEWSROOM_WALK, samples)
        pid = terminal.process.pid
        memory = {"rss_mb": round(vm_kb(pid, "VmRSS") / 1024, 1), "peak_rss_mb": round(vm_kb(pid, "VmHWM") / 1024, 1)}
        for _ in range(rounds):
            run_walk(terminal, log, SEARCH_WALK, samples)
    return {"actions": summarise(samples), "memory_before_search": memory}


if __name__ == "__main__":
    import argparse
    import json
    import tempfile

    parser = argparse.ArgumentParser(description="Cost per action of the Newsroom app on a pty")
    parser.add_argument("corpus", type=Path)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="newsroom-bench-") as cache:
        print(json.dumps(action_costs(args.corpus, Path(cache), args.rounds), indent=1, ensure_ascii=False))
