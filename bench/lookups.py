"""Quick lookups from the shell beside `grep -rl` over the same files.

    python bench/lookups.py                      # 10,000 articles
    python bench/lookups.py --sizes 10000 100000 --runs 5
    python bench/lookups.py --before ../main     # also the same commands from another checkout
    python bench/lookups.py --watch              # also with `newsroom watch` keeping the index

Generates each corpus at run time under /tmp (bench/generate.py; never
committed), brings its index up to date once (a warm cache, as on a machine
where newsroom ran before), then runs every command `--runs` times in a fresh
process, round robin (so a busy moment of a shared machine slows every
command alike), and prints, per command: the median wall time, the spread (min-max),
the median CPU time (user + system), the peak RSS of the process (from GNU
time, so it is the command's own), and the median against `grep -rl`'s in
the same run. With `--watch` the same commands run again ("kept:") against an index
of their own that a running `newsroom watch` keeps fresh, so they skip the walk; a kept
command's work runs in a fork of the warm process, so its peak RSS column is the
client's, and the last column is the fork's (each command once more, forked from a
process that preloaded as the warm process does).

Python byte-code is cached (in a temporary PYTHONPYCACHEPREFIX) as it is for
an installed package; PYTHONDONTWRITEBYTECODE in the environment would
otherwise make every run compile every module.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
ROOT = BENCH_DIR.parent
sys.path.insert(0, str(BENCH_DIR))

TIME = "/usr/bin/time" if os.path.exists("/usr/bin/time") else None  # GNU time, for peak RSS
QUERY = "獨角獸"  # the example: a rare word, so every file is read by grep


def measure(command: list[str], env: dict[str, str]) -> tuple[float, float, int, float]:
    """(wall seconds, peak RSS in MB, exit status, CPU seconds) of one run.

    The peak RSS comes from GNU time, whose own small image is what the command
    starts from: a child forked from this Python would inherit its size.
    """
    with tempfile.NamedTemporaryFile("r", suffix=".rss") as report:
        wrapped = [TIME, "-f", "%M %U %S", "-o", report.name, *command] if TIME else command
        start = time.perf_counter()
        # `python -m` looks in the working dir first: run from the checkout being measured.
        done = subprocess.run(
            wrapped, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env, cwd=env["PYTHONPATH"], check=False
        )
        wall = time.perf_counter() - start
        lines = report.read().split()
    try:
        rss, cpu = int(lines[-3]) / 1024, float(lines[-2]) + float(lines[-1])
    except (IndexError, ValueError):
        rss = cpu = float("nan")
    return wall, rss, done.returncode, cpu


def commands(corpus: Path, sample_id: str, section: str, label: str = "newsroom") -> list[tuple[str, list[str]]]:
    newsroom = [sys.executable, "-m", "tui", "--config", str(corpus / "config.toml")]
    return [
        (f"{label} search " + QUERY, [*newsroom, "search", QUERY]),
        (f"{label} search 質量 安全", [*newsroom, "search", "質量", "安全"]),
        (f"{label} search zhiliang", [*newsroom, "search", "zhiliang"]),
        (f"{label} show ID", [*newsroom, "show", sample_id]),
        (f"{label} list --limit 20", [*newsroom, "list", "--limit", "20"]),
        (f"{label} list {section} --limit 20", [*newsroom, "list", section, "--limit", "20"]),
        (f"{label} list (all)", [*newsroom, "list"]),
    ]


# A kept lookup runs in a fork of the warm process (tui/lookup_server.py), whose size is not the
# client's: this preloads as the warm process does, forks each command as it would, and reports
# the fork's peak RSS (getrusage of the child, shared pages included).
KEPT_CHILD_RSS = """
import json, os, sys
from tui import lookup_server
lookup_server._preload()
peaks = {}
for name, argv in json.loads(sys.argv[1]):
    pid = os.fork()
    if pid == 0:
        os.dup2(os.open(os.devnull, os.O_WRONLY), 1)
        os.dup2(os.open(os.devnull, os.O_WRONLY), 2)
        from tui.cli import main
        status = main(argv)
        sys.stdout.flush()
        os._exit(status)
    peaks[name] = os.wait4(pid, 0)[2].ru_maxrss / 1024
print(json.dumps(peaks))
"""


def kept_child_rss(named: list[tuple[str, list[str]]], env: dict[str, str]) -> dict[str, float]:
    """Peak RSS in MB of each command as the warm process's fork runs it."""
    argvs = [(name, command[command.index("tui") + 1 :]) for name, command in named]
    done = subprocess.run(
        [sys.executable, "-c", KEPT_CHILD_RSS, json.dumps(argvs)],
        env=env,
        cwd=env["PYTHONPATH"],
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(done.stdout)


def start_keeper(corpus: Path, env: dict[str, str]) -> subprocess.Popen:
    """`newsroom watch` on the corpus, once it says it keeps the index (built first if need be)."""
    keeper = subprocess.Popen(
        [sys.executable, "-m", "tui", "--config", str(corpus / "config.toml"), "watch"],
        env=env,
        cwd=env["PYTHONPATH"],
        stderr=subprocess.PIPE,
        text=True,
    )
    line = keeper.stderr.readline()
    if "keeping the index" not in line:
        keeper.kill()
        raise SystemExit(f"newsroom watch did not start: {line}{keeper.stderr.read()}")
    return keeper


def run_size(size: int, runs: int, before: Path | None = None, watch: bool = False) -> list[dict]:
    from generate import generate

    work = Path(tempfile.mkdtemp(prefix=f"newsroom-lookups-{size}-"))
    try:
        print(f"generating {size:,} articles in {work} ...", flush=True)
        corpus = generate(size, work / "corpus")
        env = {
            **os.environ,
            "XDG_CACHE_HOME": str(work / "cache"),
            "PYTHONPYCACHEPREFIX": str(work / "pycache"),
            "PYTHONPATH": str(ROOT),
        }
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        first = sorted((corpus / "content").rglob("*.md"))[size // 2]
        sample_id = first.relative_to(corpus / "content").with_suffix("").as_posix()
        section = first.relative_to(corpus / "content").parts[0]
        warm = [sys.executable, "-m", "tui", "--config", str(corpus / "config.toml"), "list", "--limit", "1"]
        print("building the index (not timed) ...", flush=True)
        subprocess.run(warm, env=env, cwd=ROOT, stdout=subprocess.DEVNULL, check=True)
        table = []
        runs_of = [("grep -rl " + QUERY, ["grep", "-rl", QUERY, str(corpus / "content")], env)]
        runs_of += [(name, command, env) for name, command in commands(corpus, sample_id, section)]
        if before is not None:  # another checkout, e.g. main before a change: its own cache dir
            env_before = {**env, "PYTHONPATH": str(before), "XDG_CACHE_HOME": str(work / "cache-before")}
            subprocess.run(warm, env=env_before, cwd=before, stdout=subprocess.DEVNULL, check=True)
            runs_of += [(n, c, env_before) for n, c in commands(corpus, sample_id, section, "before:")]
        keeper = None
        if watch:  # a keeper of an index of their own, so that the commands above still walk
            env_kept = {**env, "XDG_CACHE_HOME": str(work / "cache-kept")}
            print("starting newsroom watch (not timed) ...", flush=True)
            keeper = start_keeper(corpus, env_kept)
            runs_of += [(n, c, env_kept) for n, c in commands(corpus, sample_id, section, "kept:")]
        for _, command, command_env in runs_of:
            measure(command, command_env)  # warm the page cache and the byte-code cache
        samples: dict[str, list] = {name: [] for name, *_ in runs_of}
        for _ in range(runs):  # round robin: a busy moment of a shared machine hits every command alike
            for name, command, command_env in runs_of:
                samples[name].append(measure(command, command_env))
        for name, *_ in runs_of:
            walls = [wall for wall, *_ in samples[name]]
            table.append(
                {
                    "size": size,
                    "command": name,
                    "median_s": statistics.median(walls),
                    "min_s": min(walls),
                    "max_s": max(walls),
                    "rss_mb": max(rss for _, rss, *_ in samples[name]),
                    "cpu_s": statistics.median(cpu for *_, cpu in samples[name]),
                    "exit": samples[name][-1][2],
                }
            )
        if keeper is not None:
            peaks = kept_child_rss(
                [(name, command) for name, command, _ in runs_of if name.startswith("kept:")], env_kept
            )
            for row in table:
                row["fork_rss_mb"] = peaks.get(row["command"])
            keeper.terminate()
            keeper.wait(30)
        return table
    finally:
        shutil.rmtree(work, ignore_errors=True)


def print_table(rows: list[dict]) -> None:
    print()
    print(
        f"{'articles':>8}  {'command':<36} {'median':>8} {'spread':>13} {'CPU':>7} {'peak RSS':>9} {'x grep':>7}"
        "  fork's peak RSS (kept)"
    )
    for size in sorted({row["size"] for row in rows}):
        group = [row for row in rows if row["size"] == size]
        grep = next(row["median_s"] for row in group if row["command"].startswith("grep"))
        for row in group:
            spread = f"{row['min_s'] * 1000:.0f}-{row['max_s'] * 1000:.0f} ms"
            print(
                f"{size:>8,}  {row['command']:<36} {row['median_s'] * 1000:>5.0f} ms {spread:>13} "
                f"{row['cpu_s'] * 1000:>4.0f} ms {row['rss_mb']:>6.1f} MB {row['median_s'] / grep:>6.2f}x"
                + (f"  {row['fork_rss_mb']:>6.1f} MB" if row.get("fork_rss_mb") else "")
            )
    load = " ".join(f"{x:.2f}" for x in os.getloadavg())
    print(f"\n{os.cpu_count()} cores; load average {load}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--before", type=Path, help="another checkout to run beside this one, e.g. main")
    parser.add_argument("--watch", action="store_true", help="also run the commands with `newsroom watch` running")
    args = parser.parse_args(argv)
    rows = [row for size in args.sizes for row in run_size(size, args.runs, args.before, args.watch)]
    print_table(rows)
    return 0


if __name__ == "__main__":
    sys.exit(main())
