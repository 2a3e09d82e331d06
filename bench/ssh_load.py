"""Load benchmark for `newsroom serve ssh`: many visitors at once, each browsing.

    python bench/ssh_load.py                  # 32 sessions, 30 keys each, sample newsroom
    python bench/ssh_load.py --sessions 8 --keys 60 --config path/to/config.toml

Starts the SSH server in a subprocess of its own (so the clients' work here does
not slow it), connects N asyncssh clients at once, and has each one press keys
(arrows, enter, t, escape) with a short pause between them. For each key it
measures keystroke-to-screen latency: from sending the key until the client's
pyte screen (characters and colours) differs from before. Memory is read from
/proc for every app process the server started: RSS, and PSS, which shares
pages common to all apps fairly between them and so is the honest cost of
one more visitor. Not a test: it prints numbers.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import asyncssh
import pyte

ROOT = Path(__file__).resolve().parent.parent
KEYS = {
    "down": "\x1b[B",
    "up": "\x1b[A",
    "enter": "\r",
    "escape": "\x1b",
    "t": "t",
    "/": "/",
    "質": "質",
    "z": "z",
    "l": "l",
}
# A walk that changes the screen at every step: sections, an article, the
# script, and a search typed in Chinese and in pinyin initials.
WALK = [
    "down",
    "enter",
    "t",
    "escape",
    "/",
    "質",
    "escape",
    "down",
    "t",
    "up",
    "/",
    "z",
    "l",
    "escape",
    "enter",
    "t",
    "escape",
    "up",
    "down",
]

SERVER = """
import asyncio, sys
from pathlib import Path
from tui.serve.ssh import SSHOptions, start_ssh_server

async def main():
    options = SSHOptions(port=0, host_key=Path(sys.argv[1]), max_sessions=int(sys.argv[2]),
                         per_ip_per_minute=100000, app_args=("--config", sys.argv[3]))
    service = await start_ssh_server(options)
    print(service.port, flush=True)
    try:
        await asyncio.get_running_loop().run_in_executor(None, sys.stdin.read)  # until stdin closes
    finally:
        await service.close()

asyncio.run(main())
"""


def fingerprint(screen: pyte.Screen) -> int:
    return hash(
        tuple(
            tuple((c.data, c.fg, c.bg, c.reverse, c.bold) for c in row.values())
            for row in (screen.buffer[y] for y in range(screen.lines))
        )
    )


class Visitor:
    def __init__(self, number: int, cols: int, rows: int) -> None:
        self.number = number
        self.screen = pyte.Screen(cols, rows)
        self.stream = pyte.ByteStream(self.screen)
        self.updated = asyncio.Event()
        self.latencies: dict[str, list[float]] = {key: [] for key in KEYS}
        self.unchanged = 0
        self.startup: float | None = None

    def text(self) -> str:
        return "\n".join(
            "".join(self.screen.buffer[y][x].data for x in range(self.screen.columns)) for y in range(self.screen.lines)
        )

    async def run(self, port: int, keys: int, think: float, ready: asyncio.Barrier | None) -> None:
        started = time.monotonic()
        async with asyncssh.connect(
            "127.0.0.1", port, username=f"bench{self.number}", known_hosts=None, client_keys=None, agent_path=None
        ) as conn:
            process = await conn.create_process(
                term_type="xterm-256color", term_size=(self.screen.columns, self.screen.lines), encoding=None
            )
            reader = asyncio.ensure_future(self._read(process))
            try:
                while "王岐山" not in self.text():
                    if time.monotonic() - started > 60:
                        raise RuntimeError(f"session {self.number}: no front page after 60 s")
                    await self._next_update(1.0)
                self.startup = time.monotonic() - started
                await asyncio.sleep(1.0)  # let the first paint settle
                rng = random.Random(self.number)
                for step in range(keys):
                    key = WALK[step % len(WALK)]
                    before = fingerprint(self.screen)
                    self.updated.clear()
                    sent = time.monotonic()
                    process.stdin.write(KEYS[key].encode())
                    deadline = sent + 3.0
                    while fingerprint(self.screen) == before:
                        if not await self._next_update(deadline - time.monotonic()):
                            break
                    else:
                        self.latencies[key].append(time.monotonic() - sent)
                        await asyncio.sleep(think * (0.5 + rng.random()))
                        continue
                    self.unchanged += 1
            finally:
                process.close()
                reader.cancel()

    async def _read(self, process) -> None:
        while data := await process.stdout.read(65536):
            self.stream.feed(data)
            self.updated.set()

    async def _next_update(self, timeout: float) -> bool:
        if timeout <= 0:
            return False
        try:
            await asyncio.wait_for(self.updated.wait(), timeout)
        except asyncio.TimeoutError:
            return False
        self.updated.clear()
        return True


def children(pid: int) -> list[int]:
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as file:
                    fields = file.read().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == pid and fields[0] != "Z":
                found.append(int(entry))
    return found


def memory_kb(pid: int) -> tuple[int, int]:
    """(RSS, PSS) in kB."""
    rss = pss = 0
    with open(f"/proc/{pid}/status") as file:
        for line in file:
            if line.startswith("VmRSS:"):
                rss = int(line.split()[1])
    try:
        with open(f"/proc/{pid}/smaps_rollup") as file:
            for line in file:
                if line.startswith("Pss:"):
                    pss = int(line.split()[1])
    except OSError:
        pass
    return rss, pss


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def ms(value: float) -> str:
    return f"{value * 1000:7.1f}"


async def measure(port: int, server_pid: int, args: argparse.Namespace) -> None:
    visitors = [Visitor(n, args.cols, args.rows) for n in range(args.sessions)]
    sampled: dict[int, tuple[int, int]] = {}

    async def sample_memory() -> None:  # while everyone is browsing: the largest each app got
        while True:
            await asyncio.sleep(1.0)
            for pid in children(server_pid):
                try:
                    rss, pss = memory_kb(pid)
                except OSError:
                    continue
                old = sampled.get(pid, (0, 0))
                sampled[pid] = (max(old[0], rss), max(old[1], pss))

    sampler = asyncio.ensure_future(sample_memory())
    started = time.monotonic()
    results = await asyncio.gather(
        *(v.run(port, args.keys, args.think, None) for v in visitors), return_exceptions=True
    )
    elapsed = time.monotonic() - started
    sampler.cancel()
    failures = [r for r in results if isinstance(r, BaseException)]
    with open(f"/proc/{server_pid}/status") as file:
        server_rss = next(int(line.split()[1]) for line in file if line.startswith("VmHWM:"))

    print(
        f"\nnewsroom serve ssh: {args.sessions} concurrent sessions, {args.keys} keys each, "
        f"{args.cols}x{args.rows}, think time ~{args.think:.2f} s   ({elapsed:.1f} s in all)"
    )
    if failures:
        print(f"  {len(failures)} session(s) failed: {failures[0]!r}")
    startups = [v.startup for v in visitors if v.startup is not None]
    if startups:
        print(f"  connect to front page: median {statistics.median(startups):.2f} s, max {max(startups):.2f} s")
    print(f"\n  {'key':<10}{'n':>6}{'median ms':>11}{'p95 ms':>9}{'max ms':>9}")
    every = []
    for key in KEYS:
        values = [x for v in visitors for x in v.latencies[key]]
        every += values
        if values:
            print(
                f"  {key:<10}{len(values):>6}{ms(statistics.median(values)):>11}{ms(percentile(values, 0.95)):>9}"
                f"{ms(max(values)):>9}"
            )
    if every:
        print(
            f"  {'all':<10}{len(every):>6}{ms(statistics.median(every)):>11}{ms(percentile(every, 0.95)):>9}"
            f"{ms(max(every)):>9}"
        )
    unchanged = sum(v.unchanged for v in visitors)
    print(f"  keys with no screen change within 3 s: {unchanged}")
    if sampled:
        rss = [r / 1024 for r, _ in sampled.values()]
        pss = [p / 1024 for _, p in sampled.values()]
        print(f"\n  memory per app ({len(sampled)} apps, peak while browsing):")
        print(f"  {'':<10}{'median MB':>11}{'max MB':>9}{'total MB':>10}")
        print(f"  {'RSS':<10}{statistics.median(rss):>11.1f}{max(rss):>9.1f}{sum(rss):>10.1f}")
        if any(pss):
            print(f"  {'PSS':<10}{statistics.median(pss):>11.1f}{max(pss):>9.1f}{sum(pss):>10.1f}")
    print(f"  server process peak RSS: {server_rss / 1024:.1f} MB")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sessions", type=int, default=32)
    parser.add_argument("--keys", type=int, default=30, help="keys each session presses")
    parser.add_argument("--think", type=float, default=0.3, help="mean pause between keys, seconds")
    parser.add_argument("--cols", type=int, default=100)
    parser.add_argument("--rows", type=int, default=30)
    parser.add_argument("--config", default=str(ROOT / "config.toml"))
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="newsroom-bench-") as scratch:
        env = {**os.environ, "HOME": scratch, "PYTHONPATH": str(ROOT)}
        server = subprocess.Popen(
            [sys.executable, "-c", SERVER, str(Path(scratch) / "host_key"), str(args.sessions), args.config],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            env=env,
            text=True,
        )
        begun, wall = os.times(), time.monotonic()
        try:
            port = int(server.stdout.readline())
            asyncio.run(measure(port, server.pid, args))
        finally:
            server.stdin.close()  # the server stops and ends every app
            try:
                server.wait(timeout=30)
            except subprocess.TimeoutExpired:
                server.kill()
        ended, wall = os.times(), time.monotonic() - wall
        clients = ended.user + ended.system - begun.user - begun.system
        served = ended.children_user + ended.children_system - begun.children_user - begun.children_system
        print(
            f"  CPU over {wall:.0f} s on {os.cpu_count()} CPUs: server and apps {served:.0f} s, "
            f"these benchmark clients {clients:.0f} s (they share the machine)"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
