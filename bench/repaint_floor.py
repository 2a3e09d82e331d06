"""What one full-screen repaint costs in Textual itself, on this machine.

A minimal Textual app (header, three panes of Chinese text drawn with the line
API and no work of their own, footer; 120x40) swaps every pane's text on a key. It is timed exactly as `app_timing.script_toggle`
times Newsroom's toggle: the key written to a pty until the end of the first frame
the app writes after it. The difference between the two is what Newsroom's own
work adds; this figure is the floor any Textual app pays for changing the whole
screen.

    python bench/repaint_floor.py
"""

from __future__ import annotations

import statistics
import sys
import textwrap
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.e2e.terminal import Terminal  # noqa: E402

PRESSES = 15

APP = textwrap.dedent(
    """
    from rich.segment import Segment
    from textual.app import App
    from textual.containers import Horizontal
    from textual.strip import Strip
    from textual.widget import Widget
    from textual.widgets import Footer, Header

    # 19 wide characters: 38 cells, inside a 40-cell pane, so nothing is cut or wrapped.
    TRADITIONAL = "王岐山在質量工作座談會上指出質量是基礎"
    SIMPLIFIED = "王岐山在质量工作座谈会上指出质量是基础"


    class Pane(Widget):
        \"\"\"The least a pane can do: each line a ready-made strip (Textual's line API).\"\"\"
        text = TRADITIONAL

        def render_line(self, y):
            return Strip([Segment(self.text)], 38)


    class Floor(App):
        BINDINGS = [("t", "swap", "Swap"), ("q", "quit", "Quit")]

        def compose(self):
            yield Header()
            with Horizontal():
                for _ in range(3):
                    yield Pane()
            yield Footer()

        def action_swap(self):
            for pane in self.query(Pane):
                pane.text = SIMPLIFIED if pane.text == TRADITIONAL else TRADITIONAL
                pane.refresh()


    Floor().run()
    """
)


def repaint_floor() -> dict:
    times = []
    with Terminal([sys.executable, "-c", APP], cols=120, rows=40, synchronized_output=True) as terminal:
        terminal.wait_for("Swap", timeout=30)
        time.sleep(1.0)
        for _ in range(PRESSES):
            written = len(terminal.raw_output)
            started = time.perf_counter()
            terminal.send("t")
            while (frame_at := terminal.frame_read_at(written)) is None:
                if time.perf_counter() - started > 10:
                    raise TimeoutError(terminal.dump())
                time.sleep(0.0005)
            times.append(frame_at - started)
            time.sleep(0.25)
        terminal.send("q")
    return {
        "repaint_frame_median_ms": round(statistics.median(times) * 1000, 1),
        "repaint_frame_p95_ms": round(sorted(times)[int(0.95 * (len(times) - 1))] * 1000, 1),
    }


if __name__ == "__main__":
    print(repaint_floor())
