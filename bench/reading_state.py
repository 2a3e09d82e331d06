"""Read state with 100,000 read ids: how long loading takes and what marking one costs.

    python bench/reading_state.py                 # 100,000 ids, 21 runs each
    python bench/reading_state.py --ids 1000000 --runs 11

Targets (issue 14): load <= 50 ms with 100,000 read ids; marking one <= 5 ms.
"Marking one" is what `m` (or opening an article) costs when the change is
written: the change in memory and its line appended to the journal under the
lock, as `ReadingState.flush()` does it in the app's worker. Prints medians
with min and max (wall clock) and the process CPU time, and the load average,
since the machine is shared.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tui.core.reading import ReadingState  # noqa: E402


def article_ids(count: int) -> list[str]:
    """Ids shaped like a real newsroom's: section, year and a slug (~40 characters)."""
    sections = ["meetings", "news", "activities", "visits", "essays", "photos", "會議", "新闻"]
    return [f"{sections[n % len(sections)]}/{2000 + n % 25}/{n:07d}-quality-work-forum" for n in range(count)]


def timed(action, runs: int) -> tuple[list[float], list[float]]:
    walls, cpus = [], []
    for _ in range(runs):
        wall, cpu = time.perf_counter(), time.process_time()
        action()
        walls.append((time.perf_counter() - wall) * 1000)
        cpus.append((time.process_time() - cpu) * 1000)
    return walls, cpus


def report(name: str, walls: list[float], cpus: list[float], target: str = "") -> None:
    print(
        f"{name:<28} median {statistics.median(walls):7.2f} ms  "
        f"(min {min(walls):.2f}, max {max(walls):.2f})  cpu median {statistics.median(cpus):7.2f} ms  {target}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ids", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=21)
    args = parser.parse_args()
    print(f"load average: {' '.join(f'{x:.2f}' for x in os.getloadavg())}; {args.ids:,} read ids, {args.runs} runs")
    ids = article_ids(args.ids)
    with tempfile.TemporaryDirectory() as temp:
        folder = Path(temp) / "reading"
        state = ReadingState.open(folder)
        state.set_read(ids)
        for n in range(0, args.ids, 1000):  # some saved articles too
            state.set_saved(ids[n], at=float(n))
        state.compact()
        extra = ReadingState.open(folder)  # and a journal of the last session's changes
        extra.set_read([f"journal/{n}" for n in range(500)])
        extra.flush()
        size = sum(path.stat().st_size for path in folder.iterdir())
        print(f"on disk: {size / 1e6:.1f} MB")

        loaded: list[ReadingState] = []
        report("load", *timed(lambda: loaded.append(ReadingState.open(folder)), args.runs), "target <= 50 ms")
        state = loaded[-1]
        assert len(state.read) == args.ids + 500

        counter = iter(range(10**9))

        def mark_one() -> None:
            state.set_read([f"new/{next(counter)}"])
            state.flush()

        report("mark one (written)", *timed(mark_one, args.runs * 5), "target <= 5 ms")

        def unmark_one() -> None:
            state.set_read([ids[next(counter) % args.ids]], read=False)
            state.flush()

        report("mark one unread (written)", *timed(unmark_one, args.runs * 5))
        report("mark one (in memory)", *timed(lambda: state.set_read([f"mem/{next(counter)}"]), args.runs * 5))
        state.flush()
        report("fold journal into snapshot", *timed(state.compact, max(3, args.runs // 3)), "(in a worker)")


if __name__ == "__main__":
    main()
