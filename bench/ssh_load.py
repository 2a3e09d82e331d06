"""Crowd benchmark for `newsroom serve ssh` and `newsroom serve web`: how fast visitors are
seated, how fast keys answer while many are connected, and what each visitor costs in memory.

    python bench/ssh_load.py                          # ssh, real OpenSSH clients, sample newsroom
    python bench/ssh_load.py --server web             # the same through the web server's websocket
    python bench/ssh_load.py --config CORPUS/config.toml --visitors 24 --idle 100
    python bench/ssh_load.py --client asyncssh        # without OpenSSH

The server runs in a subprocess of its own (so the clients' work here does not slow it), as
`newsroom serve` runs it: the search index is brought up to date first. Then:

0. a first visitor, shown on its own: the server answers before its warm parent is ready,
   and this visitor waits for it (what follows is measured on a warm server);
1. one visitor alone, --single times: from starting the client (`ssh -tt` on a pty of its own,
   or a websocket) to the front page on its screen (the masthead's "N articles");
2. --visitors clients connecting at once: each one's time to the front page;
3. while all of them stay connected, each presses --keys keys (sections, articles, the script
   toggle, searches in Chinese and pinyin initials) about --think seconds apart: latency is from
   writing a key to reading the bytes that change the client's screen (pyte: characters and
   colours); printed beside it, the latency to when this bench's one loop, drawing all the
   screens, got round to seeing the change. Both wait behind the other clients' drawing in
   this loop (a read is taken when the loop gets to it), so both are upper bounds;
4. memory, read from /proc for the server and every process under it: PSS, which shares the
   pages common to several processes fairly between them, so the sum is the real total. "Per
   visitor" is the growth of that total from no visitors to all of them, divided by their number;
5. with --idle N: N visitors connected and left idle, and the total PSS then.

Not a test: it prints numbers. Figures are wall-clock on a shared machine; run it several times.
To compare two checkouts, run each with its own virtualenv's Python: the warm parent starts
Python with -I (PYTHONPATH ignored), so it imports the checkout that virtualenv has installed.
"""

from __future__ import annotations

import argparse
import asyncio
import fcntl
import os
import random
import re
import resource
import shutil
import statistics
import struct
import subprocess
import sys
import tempfile
import termios
import time
from pathlib import Path

import pyte

ROOT = Path(__file__).resolve().parent.parent
KEYS = {"down": "\x1b[B", "up": "\x1b[A", "enter": "\r", "escape": "\x1b", "t": "t", "/": "/", "質": "質", "z": "z"}
# A walk that changes the screen at every step: sections, an article, the script, and a search
# typed in Chinese and in pinyin initials.
WALK = ["down", "enter", "t", "escape", "/", "質", "escape", "down", "t", "up", "/", "z", "escape", "enter", "t"]
FRONT_PAGE = re.compile(r"\d+ articles")

SERVER = """
import argparse, asyncio, sys
from pathlib import Path
from tui.serve.common import prepare_index

async def main(kind, scratch, config):
    if kind == "ssh":
        from tui.serve.ssh import SSHOptions as Options, start_ssh_server as start
        extra = {"host_key": Path(scratch) / "host_key"}
    else:
        from tui.serve.web import WebOptions as Options, start_web_server as start
        extra = {}
    options = Options(port=0, max_sessions=1000, per_ip_per_minute=0, app_args=("--config", config), **extra)
    if hasattr(options, "max_per_address"):
        options = Options(**{**options.__dict__, "max_per_address": 0})
    service = await start(options)
    print(service.port, flush=True)
    try:
        await asyncio.get_running_loop().run_in_executor(None, sys.stdin.read)  # until stdin closes
    finally:
        await service.close()

kind, scratch, config = sys.argv[1:4]
prepare_index(argparse.Namespace(config=config, content=None))
asyncio.run(main(kind, scratch, config))
"""


class Client:
    """A visitor: what it was sent, drawn into a pyte screen."""

    def __init__(self, number: int, cols: int, rows: int) -> None:
        self.number = number
        self.screen = pyte.Screen(cols, rows)
        self.stream = pyte.ByteStream(self.screen)
        self.updated = asyncio.Event()
        # Seconds from a key to its screen change: to when the bytes that changed the screen were
        # read (`arrivals`), and to when this bench's shared loop had drawn them and looked
        # (`latencies`: adds this client's drawing and its wait to be looked at again).
        self.arrivals: list[float] = []
        self.latencies: list[float] = []
        self.arrived = 0.0  # when the last bytes were read
        self.by_key: dict[str, list[float]] = {}  # the same, by the key pressed
        self.unchanged = 0
        self.seated: float | None = None  # seconds from connecting to the front page
        self._lines: dict[int, int] = {}  # a fingerprint per line, kept up to date from pyte's dirty lines

    def fingerprint(self) -> int:
        """The screen's characters and colours, as one number. Only the lines pyte marked as
        touched are read again: this side's CPU is taken from the server's on the same cores."""
        buffer = self.screen.buffer
        for y in self.screen.dirty:
            self._lines[y] = hash(tuple((c.data, c.fg, c.bg, c.reverse, c.bold) for c in buffer[y].values()))
        self.screen.dirty.clear()
        return hash(tuple(self._lines.get(y, 0) for y in range(self.screen.lines)))

    def feed(self, data: bytes) -> None:
        self.arrived = time.monotonic()
        self.stream.feed(data)
        self.updated.set()

    def text(self) -> str:
        return "\n".join(
            "".join(self.screen.buffer[y][x].data for x in range(self.screen.columns)) for y in range(self.screen.lines)
        )

    async def next_update(self, timeout: float) -> bool:
        if timeout <= 0:
            return False
        try:
            await asyncio.wait_for(self.updated.wait(), timeout)
        except asyncio.TimeoutError:
            return False
        self.updated.clear()
        return True

    async def visit(self, port: int) -> None:
        """Connect, and wait for the front page."""
        started = time.monotonic()
        await self.connect(port)
        while not FRONT_PAGE.search(self.text().split("\n", 1)[0]):
            if time.monotonic() - started > 120:
                raise RuntimeError(f"visitor {self.number}: no front page after 120 s:\n{self.text()}")
            await self.next_update(1.0)
        self.seated = time.monotonic() - started

    async def browse(self, keys: int, think: float) -> None:
        rng = random.Random(self.number)
        await asyncio.sleep(think * rng.random())  # not all in step
        for step in range(keys):
            before = self.fingerprint()
            self.updated.clear()
            sent = time.monotonic()
            self.send(KEYS[WALK[step % len(WALK)]].encode())
            deadline = sent + 5.0
            while self.fingerprint() == before:
                if not await self.next_update(deadline - time.monotonic()):
                    self.unchanged += 1
                    break
            else:
                # (the last bytes read: at or after those that changed the screen, never before)
                self.arrivals.append(self.arrived - sent)
                self.latencies.append(time.monotonic() - sent)
                self.by_key.setdefault(WALK[step % len(WALK)], []).append(self.arrived - sent)
            await asyncio.sleep(think * (0.5 + rng.random()))

    async def connect(self, port: int) -> None:
        raise NotImplementedError

    def send(self, data: bytes) -> None:
        raise NotImplementedError

    async def close(self) -> None:
        raise NotImplementedError


class OpenSSHClient(Client):
    """`ssh -tt` on a pseudo-terminal of its own, as a person's terminal runs it."""

    async def connect(self, port: int) -> None:
        self.master, slave = os.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", self.screen.lines, self.screen.columns, 0, 0))
        self.process = subprocess.Popen(
            ["ssh", "-tt", "-F", "/dev/null", "-o", "StrictHostKeyChecking=no", "-o", "UserKnownHostsFile=/dev/null"]
            + ["-o", "LogLevel=ERROR", "-o", "BatchMode=yes", "-p", str(port), f"bench{self.number}@127.0.0.1"],
            stdin=slave,
            stdout=slave,
            stderr=slave,
            start_new_session=True,
            env={"PATH": os.environ["PATH"], "HOME": os.environ["HOME"], "TERM": "xterm-256color", "LANG": "C.UTF-8"},
        )
        os.close(slave)
        os.set_blocking(self.master, False)
        asyncio.get_running_loop().add_reader(self.master, self._readable)

    def _readable(self) -> None:
        try:
            self.feed(os.read(self.master, 65536))
        except BlockingIOError:
            pass
        except OSError:
            asyncio.get_running_loop().remove_reader(self.master)

    def send(self, data: bytes) -> None:
        os.write(self.master, data)

    async def close(self) -> None:
        asyncio.get_running_loop().remove_reader(self.master)
        self.process.terminate()
        await asyncio.get_running_loop().run_in_executor(None, self.process.wait)
        os.close(self.master)


class AsyncSSHClient(Client):
    async def connect(self, port: int) -> None:
        import asyncssh

        self.conn = await asyncssh.connect(
            "127.0.0.1", port, username=f"bench{self.number}", known_hosts=None, client_keys=None, agent_path=None
        )
        self.process = await self.conn.create_process(
            term_type="xterm-256color", term_size=(self.screen.columns, self.screen.lines), encoding=None
        )
        self.reader = asyncio.ensure_future(self._read())

    async def _read(self) -> None:
        while data := await self.process.stdout.read(65536):
            self.feed(data)

    def send(self, data: bytes) -> None:
        self.process.stdin.write(data)

    async def close(self) -> None:
        self.conn.abort()
        self.reader.cancel()


class WebClient(Client):
    """The websocket protocol the page's script speaks (textual-serve)."""

    async def connect(self, port: int) -> None:
        import aiohttp

        self.session = aiohttp.ClientSession()
        url = f"http://127.0.0.1:{port}"
        self.websocket = await self.session.ws_connect(
            f"{url}/ws?width={self.screen.columns}&height={self.screen.lines}", headers={"Origin": url}
        )
        self.reader = asyncio.ensure_future(self._read())

    async def _read(self) -> None:
        import aiohttp

        async for message in self.websocket:
            if message.type == aiohttp.WSMsgType.BINARY:
                self.feed(message.data)

    def send(self, data: bytes) -> None:
        asyncio.ensure_future(self.websocket.send_json(["stdin", data.decode()]))

    async def close(self) -> None:
        await self.websocket.close()
        self.reader.cancel()
        await self.session.close()


# --- memory -----------------------------------------------------------------------------------


def process_tree(root: int) -> list[int]:
    parents: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as file:
                    fields = file.read().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if fields[0] != "Z":
                parents[int(entry)] = int(fields[1])
    tree, frontier = [root], [root]
    while frontier:
        frontier = [pid for pid, parent in parents.items() if parent in frontier]
        tree += frontier
    return tree


def pss_mb(pid: int) -> float:
    try:
        with open(f"/proc/{pid}/smaps_rollup") as file:
            return next(int(line.split()[1]) for line in file if line.startswith("Pss:")) / 1024
    except (OSError, StopIteration):
        return 0.0


def tree_pss(root: int) -> tuple[float, list[float]]:
    """The PSS of the server and everything under it, and of each process in it."""
    each = [pss_mb(pid) for pid in process_tree(root)]
    return sum(each), each


# --- the run ---------------------------------------------------------------------------------


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def summary(values: list[float], scale: float = 1.0, unit: str = "s") -> str:
    if not values:
        return "-"
    return (
        f"median {statistics.median(values) * scale:.2f} {unit}, p95 {percentile(values, 0.95) * scale:.2f}, "
        f"min {min(values) * scale:.2f}, max {max(values) * scale:.2f} (n={len(values)})"
    )


def _own_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def tree_cpu(root: int) -> tuple[float, float]:
    """CPU seconds used by the server and everything under it (ended processes included),
    and by the server process alone (the SSH or web protocol, not the apps)."""
    ticks = own = 0
    for pid in process_tree(root):
        try:
            with open(f"/proc/{pid}/stat") as file:
                fields = file.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        ticks += sum(int(value) for value in fields[11:15])  # utime stime cutime cstime
        if pid == root:
            own = sum(int(value) for value in fields[11:13])
    return ticks / os.sysconf("SC_CLK_TCK"), own / os.sysconf("SC_CLK_TCK")


async def settle(server_pid: int) -> None:
    """Wait (bounded) until no process under the server is starting or ending."""
    deadline = time.monotonic() + 60
    baseline = len(process_tree(server_pid))
    while time.monotonic() < deadline:
        await asyncio.sleep(1.0)
        now = len(process_tree(server_pid))
        if now == baseline:
            break
        baseline = now


async def measure(port: int, server_pid: int, args: argparse.Namespace) -> None:
    kinds = {"openssh": OpenSSHClient, "asyncssh": AsyncSSHClient, "web": WebClient}
    make = kinds["web" if args.server == "web" else args.client]
    numbers = iter(range(1_000_000))

    # The server answers before its warm parent is ready: the first visitor waits for it. That
    # visit is shown on its own; what follows is measured on a warm server.
    print(f"\nnewsroom serve {args.server} ({make.__name__}), {args.cols}x{args.rows}, {args.config}")
    first = make(next(numbers), args.cols, args.rows)
    await first.visit(port)
    await first.close()
    print(f"  first visitor, the server just started: {first.seated:.2f} s")
    await settle(server_pid)  # its app has ended
    empty, _ = tree_pss(server_pid)
    print(f"  server with no visitors: {empty:.0f} MB PSS ({len(process_tree(server_pid))} processes)")

    alone = []
    for _ in range(args.single):
        client = make(next(numbers), args.cols, args.rows)
        await client.visit(port)
        alone.append(client.seated)
        await client.close()
        await asyncio.sleep(1.0)
    print(f"  one visitor alone, to the front page: {summary(alone)}")

    await settle(server_pid)
    crowd = [make(next(numbers), args.cols, args.rows) for _ in range(args.visitors)]
    cpu_before, screens_before = tree_cpu(server_pid), _own_cpu()
    started = time.monotonic()
    results = await asyncio.gather(*(c.visit(port) for c in crowd), return_exceptions=True)
    everyone = time.monotonic() - started
    (total, protocol), screens = tree_cpu(server_pid), _own_cpu()
    failed = [r for r in results if isinstance(r, BaseException)]
    seated = [c.seated for c in crowd if c.seated is not None]
    print(f"  {args.visitors} visitors at once, to the front page: {summary(seated)}; all in {everyone:.1f} s")
    if failed:
        print(f"  {len(failed)} failed: {failed[0]!r}")
    print(
        f"  CPU to seat them: apps {(total - protocol - cpu_before[0] + cpu_before[1]) * 1000 / args.visitors:.0f} ms "
        f"each, the server process {(protocol - cpu_before[1]) * 1000 / args.visitors:.0f} ms each, drawing the "
        f"clients' screens {(screens - screens_before) * 1000 / args.visitors:.0f} ms each"
    )
    await settle(server_pid)
    seated_total, seated_each = tree_pss(server_pid)
    print(
        f"  with {args.visitors} seated: {seated_total:.0f} MB PSS in all, "
        f"{(seated_total - empty) / max(1, len(seated)):.1f} MB per visitor; "
        f"largest process {max(seated_each):.0f} MB"
    )

    if args.keys:
        cpu_before, screens_before, started = tree_cpu(server_pid), _own_cpu(), time.monotonic()
        await asyncio.gather(*(c.browse(args.keys, args.think) for c in crowd if c.seated is not None))
        (total, protocol), screens, took = tree_cpu(server_pid), _own_cpu(), time.monotonic() - started
        latencies = [x for c in crowd for x in c.latencies]
        arrivals = [x for c in crowd for x in c.arrivals]
        print(f"  keys while all {args.visitors} are connected, to the change's bytes: {summary(arrivals, 1000, 'ms')}")
        print(f"  the same keys, to this bench's screens drawing them: {summary(latencies, 1000, 'ms')}")
        print(
            f"  CPU while they press keys ({took:.0f} s, {len(latencies)} keys): apps "
            f"{(total - protocol - cpu_before[0] + cpu_before[1]) * 1000 / max(1, len(latencies)):.0f} ms a key, "
            f"the server process {(protocol - cpu_before[1]) * 1000 / max(1, len(latencies)):.0f} ms a key, "
            f"drawing the clients' screens {(screens - screens_before) * 1000 / max(1, len(latencies)):.0f} ms a key"
        )
        print(f"  keys with no screen change within 5 s: {sum(c.unchanged for c in crowd)}")
        by_key: dict[str, list[float]] = {}
        for client in crowd:
            for key, values in client.by_key.items():
                by_key.setdefault(key, []).extend(values)
        print(
            "  median by key, to the change's bytes: "
            + ", ".join(f"{key} {statistics.median(values) * 1000:.0f} ms" for key, values in by_key.items())
        )
        browsed_total, browsed_each = tree_pss(server_pid)
        print(
            f"  after browsing: {browsed_total:.0f} MB PSS in all, "
            f"{(browsed_total - empty) / max(1, len(seated)):.1f} MB per visitor; "
            f"largest process {max(browsed_each):.0f} MB"
        )
    await asyncio.gather(*(c.close() for c in crowd), return_exceptions=True)

    if args.idle:
        await settle(server_pid)
        idle = [make(next(numbers), args.cols, args.rows) for _ in range(args.idle)]
        for batch in range(0, len(idle), 10):  # ten at a time: a crowd over a few seconds
            await asyncio.gather(*(c.visit(port) for c in idle[batch : batch + 10]), return_exceptions=True)
        await settle(server_pid)
        total, _ = tree_pss(server_pid)
        sat = sum(1 for c in idle if c.seated is not None)
        print(f"  {sat} idle visitors: {total:.0f} MB PSS in all ({(total - empty) / max(1, sat):.1f} MB each)")
        await asyncio.gather(*(c.close() for c in idle), return_exceptions=True)
    total, protocol = tree_cpu(server_pid)
    print(f"  CPU used by the server and its apps: {total:.0f} s, of which the server process itself {protocol:.0f} s")
    screens, clients = (resource.getrusage(who) for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN))
    print(
        f"  CPU used on the clients' side: {screens.ru_utime + screens.ru_stime:.0f} s drawing their screens, "
        f"{clients.ru_utime + clients.ru_stime:.0f} s in the clients"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--server", choices=("ssh", "web"), default="ssh")
    parser.add_argument(
        "--client", choices=("openssh", "asyncssh"), default="openssh" if shutil.which("ssh") else "asyncssh"
    )
    parser.add_argument("--single", type=int, default=5, help="times one visitor alone connects")
    parser.add_argument("--visitors", type=int, default=24, help="visitors connecting at once")
    parser.add_argument("--keys", type=int, default=20, help="keys each of them presses")
    parser.add_argument("--think", type=float, default=1.0, help="mean pause between one visitor's keys, seconds")
    parser.add_argument("--idle", type=int, default=0, help="idle visitors to seat at the end (0: none)")
    parser.add_argument("--cols", type=int, default=120)
    parser.add_argument("--rows", type=int, default=35)
    parser.add_argument("--config", default=str(ROOT / "config.toml"))
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="newsroom-bench-") as scratch:
        env = {**os.environ, "HOME": scratch, "XDG_CACHE_HOME": str(Path(scratch) / "cache"), "PYTHONPATH": str(ROOT)}
        server = subprocess.Popen(
            [sys.executable, "-c", SERVER, args.server, scratch, str(Path(args.config).resolve())],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            env=env,
            text=True,
        )
        wall = time.monotonic()
        try:
            port = int(server.stdout.readline())
            asyncio.run(measure(port, server.pid, args))
        finally:
            server.stdin.close()  # the server stops and ends every app
            try:
                server.wait(timeout=60)
            except subprocess.TimeoutExpired:
                server.kill()
        print(
            f"  {time.monotonic() - wall:.0f} s in all; load average now {os.getloadavg()[0]:.2f} on {os.cpu_count()} CPUs"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
