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

import json
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


# --- a minimal reader built from Textual's own widgets, walked like Newsroom ---------

READER_APP = textwrap.dedent(
    """
    import json, sys
    from textual.app import App
    from textual.binding import Binding
    from textual.containers import Horizontal, Vertical
    from textual.screen import ModalScreen, Screen
    from textual.widgets import Footer, Header, Input, OptionList, Static, TextArea
    from textual.widgets.option_list import Option

    DATA = json.load(open(sys.argv[1], encoding="utf-8"))  # sections, articles, bodies


    class Rows(OptionList):
        BINDINGS = [Binding("j", "cursor_down", show=False), Binding("k", "cursor_up", show=False)]


    class Help(ModalScreen):
        BINDINGS = [("escape", "dismiss", "Close")]

        def compose(self):
            yield Static("\\n".join(f"{key}  {text}" for key, text in DATA["help"]))


    class Search(Screen):
        BINDINGS = [("escape", "dismiss", "Back")]

        def compose(self):
            yield Input(placeholder="Search")
            yield OptionList()
            yield Footer()

        def on_input_changed(self, event):
            found = [a["title"] for a in DATA["articles"] if event.value and event.value in a["title"]][:200]
            results = self.query_one(OptionList)
            results.clear_options()
            results.add_options(found)


    class Reader(App):
        CSS = "Rows { width: 16; } #articles { width: 1fr; } TextArea { width: 2fr; }"
        BINDINGS = [
            ("escape", "back", "Back"),
            ("left_square_bracket", "step(-1)", "Prev"),
            ("right_square_bracket", "step(1)", "Next"),
            ("question_mark", "help", "Help"),
            ("slash", "search", "Search"),
            ("q", "quit", "Quit"),
        ]

        def compose(self):
            yield Header()
            with Horizontal():
                yield Rows(*[Option(label, id=str(i)) for i, label in enumerate(DATA["sections"])], id="sections")
                yield Rows(id="articles")
                yield TextArea(read_only=True, soft_wrap=True, id="reader")
            yield Footer()

        def on_mount(self):
            self.show_section(0)

        def show_section(self, index):
            articles = self.query_one("#articles", Rows)
            articles.clear_options()
            self.shown = [a for a in DATA["articles"] if index == 0 or a["section"] == index]
            articles.add_options([f"{a['title']}\\n{a['meta']}" for a in self.shown])
            articles.highlighted = 0

        def on_option_list_option_highlighted(self, event):
            if event.option_list.id == "sections":
                self.show_section(event.option_index)
            else:
                article = self.shown[event.option_index]
                self.query_one(TextArea).load_text(article["title"] + "\\n\\n" + DATA["bodies"][article["body"]])

        def on_option_list_option_selected(self, event):
            self.query_one("#articles" if event.option_list.id == "sections" else "#reader").focus()

        def action_back(self):
            order = ["sections", "articles", "reader"]
            focused = self.focused.id if self.focused else "sections"
            self.query_one("#" + order[max(0, order.index(focused) - 1)]).focus()

        def action_step(self, step):
            articles = self.query_one("#articles", Rows)
            articles.highlighted = max(0, min(len(self.shown) - 1, (articles.highlighted or 0) + step))

        def action_help(self):
            self.push_screen(Help())

        def action_search(self):
            self.push_screen(Search())


    Reader().run()
    """
)


def reader_data(corpus: Path, cache: Path, out: Path) -> Path:
    """The corpus as the minimal reader reads it: every article, newest first, and its body."""
    import os

    os.environ["XDG_CACHE_HOME"] = str(cache)
    from tui.core import config
    from tui.core.loader import load_body
    from tui.search.index import SearchIndex

    with SearchIndex.open(config.load(corpus / "config.toml")) as index:
        index.refresh()
        newsroom = index.newsroom()
    sections = [section.id for section in newsroom.sections]
    articles, bodies = [], []
    for article in newsroom.articles:
        bodies.append(load_body(article))
        meta = "  ".join(part for part in (article.date_text, article.byline) if part)
        articles.append(
            {"title": article.title, "meta": meta, "section": sections.index(article.section), "body": len(bodies) - 1}
        )
    labels = [section.label for section in newsroom.sections]
    help_lines = [["j / k", "move"], ["tab", "next pane"], ["enter", "open"], ["[ ]", "previous / next"]]
    out.write_text(
        json.dumps(
            {"sections": labels, "articles": articles, "bodies": bodies, "help": help_lines}, ensure_ascii=False
        ),
        encoding="utf-8",
    )
    return out


MINIMAL_WALK = [
    ("pane switch (tab)", "\t"),
    *[("row move (j)", "j")] * 4,
    *[("row move (k)", "k")] * 4,
    ("20 moves typed ahead (j x 20)", "j" * 20),
    ("20 moves typed ahead (k x 20)", "k" * 20),
    ("pane switch (enter into the reader)", "\r"),
    *[("page down (pagedown)", "\x1b[6~")] * 3,
    *[("next article (])", "]")] * 2,
    *[("previous article ([)", "[")] * 2,
    ("pane switch (escape)", "\x1b"),
    ("pane switch (tab)", "\t"),
    ("pane switch (escape, kitty keyboard protocol)", "\x1b[27u"),
    ("pane switch (tab)", "\t"),
    ("pane switch (shift+tab)", "\x1b[Z"),
    ("pane switch (shift+tab)", "\x1b[Z"),
    ("pane switch (escape)", "\x1b"),
    ("open a section (j in the menu)", "j"),
    ("open a section (k in the menu)", "k"),
    ("open help (?)", "?"),
    ("close help (escape)", "\x1b"),
    ("open search (/)", "/"),
    ("search keystroke", "質"),
    ("search keystroke", "量"),
    ("close search (escape)", "\x1b"),
]


def minimal_reader_costs(corpus: Path, cache: Path, rounds: int = 3, cols: int = 120, rows: int = 35) -> dict:
    """The walk of `app_timing.NEWSROOM_WALK` in a minimal reader of Textual widgets."""
    import tempfile

    from app_timing import log_reads, respond, summarise

    with tempfile.TemporaryDirectory(prefix="minimal-reader-") as work:
        data = reader_data(corpus, cache, Path(work) / "data.json")
        samples: dict[str, list] = {}
        with Terminal([sys.executable, "-c", READER_APP, str(data)], cols=cols, rows=rows) as terminal:
            log = log_reads(terminal)
            terminal.wait_for("Search", timeout=120)
            time.sleep(2.0)
            for _ in range(rounds):
                for action, keys in MINIMAL_WALK:
                    samples.setdefault(action, []).append(respond(terminal, log, keys))
            pid = terminal.process.pid
            status = Path(f"/proc/{pid}/status").read_text().splitlines()
            peak = int(next(line for line in status if line.startswith("VmHWM")).split()[1]) / 1024
    return {"actions": summarise(samples), "memory": {"peak_rss_mb": round(peak, 1)}}


if __name__ == "__main__":
    if len(sys.argv) > 1:  # a corpus: the minimal reader's cost per action
        import tempfile

        sys.path.insert(0, str(Path(__file__).resolve().parent))
        with tempfile.TemporaryDirectory(prefix="minimal-reader-cache-") as cache:
            print(json.dumps(minimal_reader_costs(Path(sys.argv[1]), Path(cache)), indent=1, ensure_ascii=False))
    else:
        print(repaint_floor())
