"""Memory of the running app (issue 12): no search opened, the whole newsroom loaded.

    python bench/app_memory.py bench/corpora/100000 [--runs 3] [--launches 3]

Each run launches `newsroom` on a real pty (120x40, warm index, `--script original`)
`--launches` times (with `--cache DIR` the index is built once and kept there): first paint (the newest title on screen), the full newsroom
("N articles"), then waits until the app's RSS has been still for 2 s (the
converters for `t` load after the first paint) and reads VmRSS ("steady") and
VmHWM ("peak") from /proc. Prints each run's medians and, over the runs, the
median of the run medians with the lowest and highest run median.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH_DIR.parent))
sys.path.insert(0, str(BENCH_DIR))

from tests.e2e.terminal import Terminal, app_command  # noqa: E402

import app_timing  # noqa: E402

STILL_S = 2.0  # RSS unchanged this long: the app has settled
SETTLE_LIMIT_S = 30.0


def launch(corpus: Path, title: str) -> dict:
    with Terminal(
        [*app_command(), "--config", str(corpus / "config.toml"), "--script", "original"], cols=120, rows=40
    ) as terminal:
        started = time.perf_counter()
        app_timing._wait(terminal, lambda screen: title in screen)
        paint = time.perf_counter() - started
        app_timing._wait(terminal, lambda screen: " articles" in screen)
        full = time.perf_counter() - started
        pid = terminal.process.pid
        last, still_since = -1, time.perf_counter()
        while time.perf_counter() - still_since < STILL_S and time.perf_counter() - started < SETTLE_LIMIT_S:
            rss = app_timing.vm_kb(pid, "VmRSS")
            if abs(rss - last) > 256:  # KB
                last, still_since = rss, time.perf_counter()
            time.sleep(0.1)
        return {
            "first_paint_s": paint,
            "full_newsroom_s": full,
            "rss_mb": app_timing.vm_kb(pid, "VmRSS") / 1024,
            "peak_mb": app_timing.vm_kb(pid, "VmHWM") / 1024,
        }


def one_run(corpus: Path, launches: int, cache: Path | None) -> dict:
    with tempfile.TemporaryDirectory(prefix="app-memory-") as work:
        for name in ("XDG_STATE_HOME", "XDG_CONFIG_HOME", "XDG_DATA_HOME"):
            os.environ[name] = str(Path(work) / name)
        title = app_timing._newest_title(corpus, cache or Path(work) / "cache")[:6]
        figures = [launch(corpus, title) for _ in range(launches)]
    return {key: statistics.median(figure[key] for figure in figures) for key in figures[0]}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("corpus", type=Path)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--launches", type=int, default=3, help="launches per run")
    parser.add_argument("--cache", type=Path, help="keep the index here between runs (default: a new one per run)")
    parser.add_argument("--json", type=Path, help="also write every figure here")
    args = parser.parse_args(argv)
    runs = []
    for number in range(args.runs):
        load = " ".join(f"{x:.2f}" for x in os.getloadavg())
        runs.append(one_run(args.corpus, args.launches, args.cache))
        print(
            f"run {number + 1}: load {load}: " + ", ".join(f"{k} {v:.3f}" for k, v in runs[-1].items()), file=sys.stderr
        )
    if args.json:
        args.json.write_text(json.dumps(runs, indent=1), encoding="utf-8")
    for key in runs[0]:
        values = [run[key] for run in runs]
        print(f"{key}: {statistics.median(values):.3f} ({min(values):.3f}-{max(values):.3f})")
    print(f"load average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
