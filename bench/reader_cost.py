"""Cost per reader: each action's time to the last byte and bytes written, for Newsroom,
newsboat and a minimal Textual reader, on the same corpus, one after the other, three runs.

    python bench/reader_cost.py bench/corpora/10000 [--runs 3] [--rounds 3]

Prints a Markdown table: for each action, the median over the runs of each run's
median, and the spread of the run medians (lowest-highest). newsboat is installed
with apt when missing (never in CI).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH_DIR.parent))
sys.path.insert(0, str(BENCH_DIR))

import app_timing  # noqa: E402
import newsboat  # noqa: E402
import repaint_floor  # noqa: E402

# Rows of the table: (Newsroom's action, newsboat's, the minimal reader's); None: no such action.
ROWS = [
    ("row move (j)", "row move (down)", "row move (j)"),
    ("row move (k)", "row move (up)", "row move (k)"),
    ("20 moves typed ahead (j x 20)", "20 moves typed ahead (down x 20)", "20 moves typed ahead (j x 20)"),
    ("20 moves typed ahead (k x 20)", "20 moves typed ahead (up x 20)", "20 moves typed ahead (k x 20)"),
    ("pane switch (tab)", None, "pane switch (tab)"),
    ("pane switch (shift+tab)", None, "pane switch (shift+tab)"),
    ("pane switch (escape)", "back to the list (q)", "pane switch (escape)"),
    ("pane switch (escape, kitty keyboard protocol)", None, "pane switch (escape, kitty keyboard protocol)"),
    ("pane switch (enter into the reader)", "open an article (enter)", "pane switch (enter into the reader)"),
    ("open a section (j in the menu)", "open a section (enter)", "open a section (j in the menu)"),
    ("page down (space)", "page down (pagedown)", "page down (pagedown)"),
    ("next article (])", "next article (J)", "next article (])"),
    ("previous article ([)", "previous article (K)", "previous article ([)"),
    ("toggle script (t)", None, None),
    ("open help (?)", "open help (?)", "open help (?)"),
    ("close help (escape)", "close help (q)", "close help (escape)"),
    ("open search (/)", "open search (/)", "open search (/)"),
    ("search keystroke", "search keystroke", "search keystroke"),
    ("close search (escape)", "close search (escape)", "close search (escape)"),
]


def one_run(corpus: Path, rounds: int) -> dict[str, dict]:
    with tempfile.TemporaryDirectory(prefix="reader-cost-") as work:
        work_dir = Path(work)
        cache = work_dir / "cache"
        results = {"newsroom": app_timing.action_costs(corpus, cache, rounds)}
        results["newsboat"] = newsboat.action_costs(corpus, cache, work_dir / "newsboat", rounds)
        results["minimal"] = repaint_floor.minimal_reader_costs(corpus, cache, rounds)
    return results


def cell(runs: list[dict], app: str, action: str | None) -> str:
    if action is None:
        return "–"
    figures = [run[app]["actions"][action] for run in runs if action in run[app]["actions"]]
    if not figures:
        return "–"
    ms = [figure["ms"] for figure in figures]
    kb = [figure["bytes"] / 1000 for figure in figures]
    spread = f" ({min(ms):.0f}–{max(ms):.0f})" if len(ms) > 1 else ""
    return f"{statistics.median(ms):.1f} ms{spread}, {statistics.median(kb):.1f} KB"


def table(runs: list[dict]) -> str:
    lines = [
        "| action | Newsroom | newsboat | minimal Textual reader |",
        "|---|---|---|---|",
    ]
    for ours, theirs, minimal in ROWS:
        lines.append(
            f"| {ours} | {cell(runs, 'newsroom', ours)} | {cell(runs, 'newsboat', theirs)} "
            f"| {cell(runs, 'minimal', minimal)} |"
        )
    memory = [run["newsroom"]["memory_before_search"]["peak_rss_mb"] for run in runs]
    lines.append("")
    lines.append(
        f"Peak memory (VmHWM) before any search: Newsroom {statistics.median(memory):.0f} MB "
        f"({min(memory):.0f}–{max(memory):.0f}); newsboat "
        f"{statistics.median(run['newsboat']['memory']['peak_rss_mb'] for run in runs):.0f} MB; minimal reader "
        f"{statistics.median(run['minimal']['memory']['peak_rss_mb'] for run in runs):.0f} MB."
    )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("corpus", type=Path)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--rounds", type=int, default=3, help="walks per run (samples per action and run)")
    parser.add_argument("--json", type=Path, help="also write every figure here")
    args = parser.parse_args(argv)
    runs = []
    for number in range(args.runs):
        print(f"run {number + 1}/{args.runs} (load {' '.join(f'{x:.2f}' for x in os.getloadavg())})", file=sys.stderr)
        runs.append(one_run(args.corpus, args.rounds))
    if args.json:
        args.json.write_text(json.dumps(runs, indent=1, ensure_ascii=False), encoding="utf-8")
    print(table(runs))
    return 0


if __name__ == "__main__":
    sys.exit(main())
