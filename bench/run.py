"""Benchmark runner: generates corpora if missing, measures, writes docs/BENCHMARKS.md.

    python bench/run.py                 # 1k and 10k articles
    python bench/run.py --sizes 1000 10000 100000
    python bench/run.py --large         # adds 100k

Each measurement runs in its own subprocess with its own cache dir, so its
peak memory (VmHWM) is its own and a cold build really is cold. Adding a
measurement is one function decorated with `@measurement(...)` that returns
a dict of figures; the table and the report pick it up.
"""

from __future__ import annotations

import argparse
import datetime as dt
import importlib.util
import json
import os
import platform
import resource
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
ROOT = BENCH_DIR.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(BENCH_DIR))

# Targets per size: (10k, 100k). Sizes between use the 10k target.
TARGETS = {
    "first_paint_s": (0.5, 0.5),
    "toggle_frame_median_ms": (16.7, 16.7),  # "repaints within one frame" at 60 Hz
    "search_median_ms": (20, 60),
    "search_pinyin_median_ms": (20, 60),
    "cold_build_s": (6, 60),
    "peak_rss_mb": (150, 250),
    "app_peak_rss_mb": (100, 150),  # the app alone, no search opened (issue 12)
    # Cost per reader at 120x35 (issue 12): to the last byte written, and bytes.
    "row_move_ms": (30, 30),
    "row_move_kb": (8, 8),
    "typed_ahead_20_ms": (500, 500),
    "typed_ahead_20_kb": (30, 30),
    "pane_switch_ms": (30, 30),
    "pane_switch_kb": (4, 4),
}

# Typed one character at a time: 2-4 character terms in either script, a
# Latin word, a two-term AND query, a regional word and a filter.
QUERIES = ["质量", "監管部門", "国务院", "品牌", "iPhone", "质量 安全", "軟體", "王岐山 section:news"]
# The same kinds typed in Latin, read as pinyin: whole syllables, initials,
# spaced syllables, tone numbers, pinyin with Chinese, and a filter.
PINYIN_QUERIES = [
    "zhiliang",
    "jianguan bumen",
    "gwy",
    "wqs",
    "pinpai",
    "zhi4liang4 安全",
    "ruanti",
    "wang qishan section:news",
]


@dataclass
class Measurement:
    name: str
    function: Callable[[Path, Path], dict]


MEASUREMENTS: list[Measurement] = []


def measurement(name: str) -> Callable:
    def register(function: Callable[[Path, Path], dict]) -> Callable:
        MEASUREMENTS.append(Measurement(name, function))
        return function

    return register


def _open(corpus: Path, cache: Path):
    os.environ["XDG_CACHE_HOME"] = str(cache)
    from tui.core import config
    from tui.search.index import SearchIndex

    return SearchIndex.open(config.load(corpus / "config.toml"))


def _timed(function: Callable) -> tuple[object, float, float]:
    wall, cpu = time.perf_counter(), time.process_time()
    result = function()
    return result, time.perf_counter() - wall, time.process_time() - cpu


# -- measurements (each runs in a fresh subprocess) ------------------------------


@measurement("cold_build")
def cold_build(corpus: Path, cache: Path) -> dict:
    """Index every file from nothing (fresh cache dir)."""
    shutil.rmtree(cache, ignore_errors=True)
    index, open_wall, _ = _timed(lambda: _open(corpus, cache))
    newsroom, wall, cpu = _timed(index.refresh)
    return {
        "cold_build_s": round(open_wall + wall, 2),
        "cold_build_cpu_s": round(cpu, 2),
        "articles": len(newsroom.articles),
        "index_mb": round(index.path.stat().st_size / 1e6, 1) if index.path else 0,
    }


@measurement("warm_start")
def warm_start(corpus: Path, cache: Path) -> dict:
    """What a second launch pays before it can paint: no content file is read."""
    index, open_wall, _ = _timed(lambda: _open(corpus, cache))
    _, latest_wall, _ = _timed(lambda: index.latest(100))
    _, newsroom_wall, _ = _timed(index.newsroom)
    _, refresh_wall, refresh_cpu = _timed(index.refresh)
    return {
        "open_latest_s": round(open_wall + latest_wall, 3),
        "newsroom_s": round(newsroom_wall, 3),
        "warm_refresh_s": round(refresh_wall, 3),
        "warm_refresh_cpu_s": round(refresh_cpu, 3),
    }


def _keystrokes(corpus: Path, cache: Path, queries: list[str], prefix: str) -> dict:
    """Search latency per keystroke: every prefix of every query."""
    index = _open(corpus, cache)
    from tui.chinese.normalize import prepare

    prepare()  # the folding table, converters and pinyin data, built once per process (the app does this at startup)
    times, cpu_times = [], []
    for query in queries:
        for end in range(1, len(query) + 1):
            _, wall, cpu = _timed(lambda text=query[:end]: index.search(text))
            times.append(wall * 1000)
            cpu_times.append(cpu * 1000)
    times.sort()
    return {
        f"{prefix}_median_ms": round(statistics.median(times), 1),
        f"{prefix}_p95_ms": round(times[int(len(times) * 0.95) - 1], 1),
        f"{prefix}_cpu_median_ms": round(statistics.median(cpu_times), 1),
        f"{prefix}_keystrokes": len(times),
    }


@measurement("search")
def search(corpus: Path, cache: Path) -> dict:
    """Plain queries (Chinese, a Latin word), typed one character at a time."""
    return _keystrokes(corpus, cache, QUERIES, "search")


@measurement("search_pinyin")
def search_pinyin(corpus: Path, cache: Path) -> dict:
    """The same searches typed as pinyin (see tui/pinyin.py)."""
    return _keystrokes(corpus, cache, PINYIN_QUERIES, "search_pinyin")


@measurement("open_article")
def open_article(corpus: Path, cache: Path) -> dict:
    """Read an article's body from disk and parse its Markdown (if document.py exists)."""
    from tui.core.loader import load_body

    index = _open(corpus, cache)
    articles = index.latest(200)
    parse = None
    if importlib.util.find_spec("tui.core.document") is not None:
        from tui.core.document import parse_markdown as parse
    times = []
    for article in articles:
        start = time.perf_counter()
        body = load_body(article)
        if parse is not None:
            parse(body)
        times.append((time.perf_counter() - start) * 1000)
    return {"open_article_median_ms": round(statistics.median(times), 2), "open_article_max_ms": round(max(times), 2)}


@measurement("first_paint")
def first_paint(corpus: Path, cache: Path) -> dict:
    """Warm start on a real pty: launch to the newest title drawn (median of 5)."""
    import app_timing

    return app_timing.first_paint(corpus, cache)


@measurement("script_toggle")
def script_toggle(corpus: Path, cache: Path) -> dict:
    """The `t` key to the screen redrawn in the next script, read off a real pty."""
    import app_timing

    return app_timing.script_toggle(corpus, cache)


@measurement("reader_cost")
def reader_cost(corpus: Path, cache: Path) -> dict:
    """A reader's walk on a real pty at 120x35: each action's time to the last byte and
    bytes written (bench/reader_cost.py puts them beside newsboat's)."""
    import app_timing

    result = app_timing.action_costs(corpus, cache, rounds=2)
    actions = result["actions"]

    def worst(prefix: str, key: str) -> float:
        return max(figures[key] for name, figures in actions.items() if name.startswith(prefix))

    return {
        "row_move_ms": worst("row move", "ms"),
        "row_move_kb": round(worst("row move", "bytes") / 1000, 1),
        "typed_ahead_20_ms": worst("20 moves", "ms"),
        "typed_ahead_20_kb": round(worst("20 moves", "bytes") / 1000, 1),
        "pane_switch_ms": worst("pane switch", "ms"),
        "pane_switch_kb": round(worst("pane switch", "bytes") / 1000, 1),
        "reader_rss_mb": result["memory_before_search"]["peak_rss_mb"],
    }


# -- running -----------------------------------------------------------------------


def peak_rss_mb() -> float:
    """This process's peak resident memory (VmHWM), in MB."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def run_phase(name: str, corpus: Path, cache: Path) -> dict:
    """Run one measurement in a subprocess; its result plus its peak memory."""
    command = [
        sys.executable,
        str(Path(__file__).resolve()),
        "--phase",
        name,
        "--corpus",
        str(corpus),
        "--cache",
        str(cache),
    ]
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        return {"error": done.stderr.strip().splitlines()[-1] if done.stderr.strip() else f"exit {done.returncode}"}
    return json.loads(done.stdout.strip().splitlines()[-1])


def corpus_for(size: int) -> Path:
    from generate import default_dir, generate

    out = default_dir(size)
    if not (out / ".complete").exists():
        print(f"generating {size} articles in {out} ...", flush=True)
        generate(size, out)
    return out


def run_size(size: int) -> dict:
    corpus = corpus_for(size)
    cache = Path(tempfile.mkdtemp(prefix=f"newsroom-bench-{size}-"))
    results: dict = {"size": size}
    peaks = []
    try:
        for item in MEASUREMENTS:
            print(f"  {size:>7} {item.name} ...", end=" ", flush=True)
            figures = run_phase(item.name, corpus, cache)
            peaks.append(figures.pop("peak_rss_mb", 0))
            results[item.name] = figures
            print(figures)
    finally:
        shutil.rmtree(cache, ignore_errors=True)
    results["peak_rss_mb"] = round(max(peaks), 1)
    return results


# -- reporting -------------------------------------------------------------------


def machine() -> dict:
    cpu = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    ram = "unknown"
    try:
        kb = int(
            next(
                line for line in Path("/proc/meminfo").read_text().splitlines() if line.startswith("MemTotal")
            ).split()[1]
        )
        ram = f"{kb / 1024 / 1024:.1f} GiB"
    except (OSError, StopIteration):
        pass
    pressure = ""
    try:
        pressure = Path("/proc/pressure/cpu").read_text().splitlines()[0]
    except OSError:
        pass
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "ram": ram,
        "python": platform.python_version(),
        "sqlite": sqlite3.sqlite_version,
        "os": f"{platform.system()} {platform.release()}",
        "date": dt.datetime.now().strftime("%Y-%m-%d %H:%M"),
        "load": " ".join(f"{x:.2f}" for x in os.getloadavg()),
        "cpu_pressure": pressure,
    }


def target(key: str, size: int) -> str:
    if key not in TARGETS:
        return ""
    small, large = TARGETS[key]
    return f"<= {large if size >= 100_000 else small}"


def rows(results: list[dict]) -> list[tuple[str, ...]]:
    """(size, figure, value, target) for every figure."""
    out = []
    for result in results:
        size = result["size"]
        for item in MEASUREMENTS:
            for key, value in result.get(item.name, {}).items():
                out.append((f"{size:,}", key, str(value), target(key, size)))
        out.append((f"{size:,}", "peak_rss_mb", str(result["peak_rss_mb"]), target("peak_rss_mb", size)))
    return out


def print_table(table: list[tuple[str, ...]]) -> None:
    widths = [max(len(row[i]) for row in table + [("size", "figure", "value", "target")]) for i in range(4)]
    for row in [("size", "figure", "value", "target"), *table]:
        print("  ".join(cell.ljust(width) for cell, width in zip(row, widths)))


def write_report(results: list[dict], info: dict, path: Path) -> None:
    lines = [
        "# Benchmarks",
        "",
        "Produced by `python bench/run.py --large` (options in its docstring);",
        "the corpora come from `bench/generate.py` (synthetic, deterministic, half",
        "Traditional and half Simplified, built from the seed page's vocabulary).",
        "",
        "## Machine",
        "",
        f"- CPU: {info['cpu']} ({info['cores']} cores)",
        f"- RAM: {info['ram']}",
        f"- OS: {info['os']}",
        f"- Python {info['python']}, SQLite {info['sqlite']}",
        f"- Run: {info['date']}; load average {info['load']}",
        f"- CPU pressure during the run: `{info['cpu_pressure']}`",
        "",
        "Wall-clock figures depend on what else the machine is doing; the `_cpu_`",
        "figures (process CPU time) are the steadier ones on a shared machine.",
        "",
        "## Figures",
        "",
        "| articles | figure | value | target |",
        "|---:|---|---:|---|",
    ]
    for size, key, value, goal in rows(results):
        lines.append(f"| {size} | {key} | {value} | {goal} |")
    lines += [
        "",
        "## What each figure means",
        "",
        "- `cold_build_s`: open a fresh index and `refresh()` it: read, parse, fold and index every file.",
        "- `open_latest_s`: open the index and fetch the newest 100 articles (`SearchIndex.latest`),",
        "  enough for a first paint; `newsroom_s`: the whole Newsroom from the index",
        "  (`SearchIndex.newsroom`, no content file read); `warm_refresh_s`: scan the content dir",
        "  (stat every file) and rebuild the Newsroom, nothing changed.",
        "- `search_*`: `SearchIndex.search()` for every prefix of: " + ", ".join(f"`{q}`" for q in QUERIES) + ".",
        "- `search_pinyin_*`: the same for pinyin input, every prefix of: "
        + ", ".join(f"`{q}`" for q in PINYIN_QUERIES)
        + ".",
        "- `open_article_*`: `loader.load_body` plus `document.parse_markdown`, newest 200 articles.",
        "- `peak_rss_mb`: the largest VmHWM of the measurement subprocesses.",
        "- `first_paint_s`: launch `newsroom` on a real pseudo-terminal (120x40, warm index) to the",
        "  newest article's title on screen, read with pyte; `full_newsroom_s`: to every section counted.",
        "  Median of 5 launches. Includes Python start-up and imports. `app_peak_rss_mb`: the",
        "  running app's own VmHWM once the whole newsroom is loaded (largest of the 5).",
        "- `toggle_*`: the `t` key written to the pty until the masthead and the article list are",
        "  redrawn in the next script; 15 toggles, with the converters already loaded.",
        "  `toggle_frame_median_ms`: until the app has written the whole of its first frame after",
        "  the key (the pty answers the synchronized-output query, so each frame ends with a mark);",
        "  this is the one-frame target. `toggle_median_ms` adds the measuring side's pyte parsing.",
        "  `toggle_frames`: frames written before the screen stopped changing (the most of the 15).",
        "- `row_move_*`, `typed_ahead_20_*`, `pane_switch_*`: a reader's walk on a pty at 120x35",
        "  (`app_timing.action_costs`, two rounds): the time from writing the key(s) to the last byte",
        "  the app wrote, and the bytes; the median of each action, the worst action of each kind.",
        "  `reader_rss_mb`: the app's VmHWM after the walk, before any search was opened.",
        "",
    ]
    # Hand-written notes (design trade-offs and the numbers behind them) are
    # kept from the previous report: everything from "## Notes" on.
    previous = path.read_text(encoding="utf-8") if path.exists() else ""
    if "\n## Notes" in previous:
        lines += ["## Notes" + previous.split("\n## Notes", 1)[1].rstrip("\n"), ""]
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(lines), encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Newsroom benchmarks")
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument("--large", action="store_true", help="also run 100k articles")
    parser.add_argument("--report", type=Path, default=ROOT / "docs" / "BENCHMARKS.md")
    parser.add_argument("--no-report", action="store_true")
    parser.add_argument("--phase", help=argparse.SUPPRESS)  # internal: run one measurement
    parser.add_argument("--corpus", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--cache", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)

    if args.phase:
        function = next(item.function for item in MEASUREMENTS if item.name == args.phase)
        figures = function(args.corpus, args.cache)
        figures["peak_rss_mb"] = round(peak_rss_mb(), 1)
        print(json.dumps(figures))
        return 0

    sizes = sorted(set(args.sizes + ([100_000] if args.large else [])))
    results = [run_size(size) for size in sizes]
    info = machine()
    print()
    print_table(rows(results))
    if not args.no_report:
        write_report(results, info, args.report)
        print(f"\nwrote {args.report}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
