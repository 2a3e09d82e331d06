"""While `newsroom watch` runs, lookups are run by its warm process (tui/lookup_server.py):
the same output, exit status and messages as run here, with the client's own working
directory, environment and standard streams."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.conftest import ROOT, SAMPLE_CONFIG, write_article
from tui.lookup_server import socket_path

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="Linux: inotify and SCM_RIGHTS")

CLIENT = """
import json, sys
from tui.launch import main
code = main({argv!r})
sys.stdout.flush()
print(json.dumps([code, "tui.cli" in sys.modules]), file=sys.stderr)
"""


def env() -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": str(ROOT)}


def client(*argv: str, cwd: Path | None = None, extra: dict | None = None) -> tuple[int, bool, str, str]:
    """(exit status, whether it ran here, stdout, stderr) of `newsroom ARGV` in a new process."""
    done = subprocess.run(
        [sys.executable, "-c", CLIENT.format(argv=list(argv))],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=cwd or ROOT,
        env={**env(), **(extra or {})},
    )
    cut = done.stderr.rstrip("\n").rfind("\n") + 1  # the last line is the report above
    code, here = json.loads(done.stderr[cut:])
    return code, here, done.stdout, done.stderr[:cut]


class Watch:
    def __init__(self, *argv: str):
        self.process = subprocess.Popen(
            [sys.executable, "-m", "tui", *argv, "watch"], stderr=subprocess.PIPE, text=True, env=env()
        )
        line = self.process.stderr.readline()
        assert "keeping the index" in line, line + self.process.stderr.read()

    def warm_pid(self) -> int:
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children").read_text().split()
        assert len(children) == 1
        return int(children[0])

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            self.process.wait(20)


@pytest.fixture
def watch():
    running = Watch("--config", str(SAMPLE_CONFIG))
    yield running
    running.stop()


def local(*argv: str) -> tuple[int, str, str]:
    done = subprocess.run(
        [sys.executable, "-c", "import sys; from tui.cli import main; sys.exit(main(sys.argv[1:]))", *argv],
        capture_output=True,
        text=True,
        timeout=60,
        env=env(),
        cwd=ROOT,
    )
    return done.returncode, done.stdout, done.stderr


CASES = [
    ("list",),
    ("list", "meetings", "--json"),
    ("show", "meetings/wang-qishan-quality-forum"),
    ("show", "meetings/wang-qishan-quality-forum", "--script", "simplified"),
    ("search", "質量"),
    ("search", "zl", "--json"),
    ("search", "不存在的詞"),  # exit 1, "no matches"
    ("show", "no/such-article"),  # exit 1, with a hint
    ("list", "--limit", "x"),  # exit 2, argparse's message
]


@pytest.mark.parametrize("argv", CASES, ids=[" ".join(case) for case in CASES])
def test_the_warm_process_answers_as_a_lookup_run_here_would(watch, argv):
    argv = ("--config", str(SAMPLE_CONFIG), *argv)
    code, here, out, err = client(*argv)
    assert not here  # the warm process ran it: tui.cli was never imported here
    assert (code, out, err) == local(*argv)


def test_without_the_warm_process_lookups_run_here():
    code, here, out, _ = client("--config", str(SAMPLE_CONFIG), "list")
    assert code == 0 and here and "王岐山" in out


def test_the_clients_directory_and_environment_are_used(watch, tmp_path):
    content = tmp_path / "mine"
    write_article(content, "news/a.md", title="我的文章")
    (tmp_path / "config.toml").write_text(
        '[newsroom]\ntitle = "我的"\ncontent_dir = "mine"\n\n[[sections]]\nid = "news"\nlabel = "新聞"\n',
        encoding="utf-8",
    )
    code, here, out, _ = client("list", cwd=tmp_path)  # ./config.toml, relative to the client's directory
    assert (code, here) == (0, False) and "我的文章" in out
    code, here, out, _ = client("list", extra={"NEWSROOM_CONFIG": str(tmp_path / "config.toml")})
    assert (code, here) == (0, False) and "我的文章" in out


def test_another_version_is_refused_and_runs_here(watch):
    path = socket_path()
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as raw:
        raw.connect(path)
        request = json.dumps({"version": "0.0.0", "package": "elsewhere", "argv": ["list"], "cwd": "/", "env": {}})
        data = request.encode()
        raw.sendall(len(data).to_bytes(4, "big") + data)
        raw.settimeout(10)
        assert raw.recv(1) == b"X"


def test_a_stopped_warm_process_is_not_waited_for(watch):
    assert client("--config", str(SAMPLE_CONFIG), "list")[:2] == (0, False)  # it has read its tables
    warm = watch.warm_pid()
    os.kill(warm, signal.SIGSTOP)
    try:
        started = time.monotonic()
        # Ran here once the wait was over; and the pipe it printed to closed when it ended
        # (no descriptor of it was left with the stopped process), or this would time out.
        code, here, out, _ = client("--config", str(SAMPLE_CONFIG), "list")
        assert (code, here) == (0, True) and "王岐山" in out
        assert time.monotonic() - started < 30
    finally:
        os.kill(warm, signal.SIGCONT)
    code, here, _, _ = client("--config", str(SAMPLE_CONFIG), "list")
    assert (code, here) == (0, False)  # and it serves again


def test_the_warm_process_ends_with_the_keeper_and_lookups_run_here_again(watch):
    warm = watch.warm_pid()
    watch.process.kill()  # not even a chance to clean up
    watch.process.wait(10)
    deadline = time.monotonic() + 10
    while Path(f"/proc/{warm}").exists() and Path(f"/proc/{warm}/stat").read_text().split()[2] != "Z":
        assert time.monotonic() < deadline, "the warm process outlived its keeper"
        time.sleep(0.05)
    assert os.path.exists(socket_path())  # a stale socket is left...
    code, here, out, _ = client("--config", str(SAMPLE_CONFIG), "list")
    assert (code, here) == (0, True) and "王岐山" in out  # ...and lookups run here


def test_one_warm_process_a_user(watch, tmp_path):
    write_article(tmp_path / "other", "news/a.md", title="另一個")
    second = Watch("--content", str(tmp_path / "other"))
    try:
        children = Path(f"/proc/{second.process.pid}/task/{second.process.pid}/children").read_text().split()
        assert children == []  # the first keeper's warm process serves this user already
        code, here, out, _ = client("--content", str(tmp_path / "other"), "list")
        assert (code, here) == (0, False) and "另一個" in out  # and serves lookups of either newsroom
    finally:
        second.stop()


def test_many_lookups_at_once(watch):
    argv = [sys.executable, "-m", "tui", "--config", str(SAMPLE_CONFIG), "search", "質量", "--json"]
    processes = [subprocess.Popen(argv, stdout=subprocess.PIPE, text=True, env=env()) for _ in range(8)]
    outputs = [process.communicate(timeout=60)[0] for process in processes]
    assert all(process.returncode == 0 for process in processes)
    assert len(set(outputs)) == 1 and json.loads(outputs[0])


def test_a_closed_pipe_is_not_an_error(watch):
    done = subprocess.run(
        f"{sys.executable} -m tui --config {SAMPLE_CONFIG} list | head -c 10",
        shell=True,
        capture_output=True,
        text=True,
        env=env(),
        timeout=60,
    )
    assert done.returncode == 0 and "Traceback" not in done.stderr


@pytest.mark.parametrize("query", [["質量"], ["--json", "沒有這個詞"]])  # (the second found nothing: status 1, was)
def test_a_pipe_closed_before_the_answer_ends_as_it_does_run_here(watch, query):
    """Status 141, as `newsroom` run in the client's process gives (and a SIGPIPE death)."""
    process = subprocess.Popen(
        [sys.executable, "-c", CLIENT.format(argv=["--config", str(SAMPLE_CONFIG), "search", *query])],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env(),
    )
    process.stdout.close()  # before a byte is written
    report = process.stderr.read()
    process.wait(timeout=60)
    code, here = json.loads(report.rstrip("\n").rsplit("\n", 1)[-1])
    assert (code, here) == (141, False), report


def test_what_the_warm_process_loads_is_frozen_out_of_its_childrens_collections():
    # Each lookup is a fork of the warm process: unfrozen, its first collections walked every
    # object the warm process had loaded (and touching them copied their pages): a kept search
    # took 150-180 ms at 10,000 articles, 75-105 ms frozen.
    probe = (
        "import gc, sys; from tui.lookup_server import _preload; _preload(); "
        "print(gc.get_freeze_count(), 'tui.search.keeper' in sys.modules)"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, timeout=60, env=env(), cwd=ROOT
    )
    frozen, keeper_loaded = done.stdout.split()
    assert int(frozen) > 10_000 and keeper_loaded == "True", done.stderr


def test_the_warm_process_has_imported_every_module_a_lookup_imports(tmp_path):
    """A kept lookup imports nothing of its own: what lookups import only when they need it
    (the reading state, the snippet's markup test) is loaded once, in the warm process."""
    probe = (
        "import contextlib, io, sys\n"
        "from tui.lookup_server import _preload\n"
        "from tui.cli import main\n"
        "_preload()\n"
        "lookups = [['list'], ['list', '--unread'], ['list', '--saved', '--json'], ['search', '質量'],\n"
        "           ['search', 'zhiliang', '--json'], ['show', 'meetings/wang-qishan-quality-forum']]\n"
        "with contextlib.redirect_stdout(io.StringIO()):\n"
        "    main(['--config', sys.argv[1], 'list'])  # builds the index: building may import more\n"
        "    before = set(sys.modules)\n"
        "    statuses = [main(['--config', sys.argv[1], *argv]) for argv in lookups]\n"
        "print(statuses, sorted(name for name in set(sys.modules) - before if name.startswith('tui')))\n"
    )
    home = {"XDG_CACHE_HOME": str(tmp_path / "cache"), "XDG_STATE_HOME": str(tmp_path / "state")}
    done = subprocess.run(
        [sys.executable, "-c", probe, str(SAMPLE_CONFIG)],
        capture_output=True,
        text=True,
        timeout=60,
        env={**env(), **home},
        cwd=ROOT,
    )
    assert done.stdout.strip() == "[0, 0, 1, 0, 0, 0] []", done.stdout + done.stderr


def test_output_that_cannot_be_written_is_told_as_run_here(watch):
    """`newsroom list >/dev/full` while `newsroom watch` runs: the same error and status."""
    with open("/dev/full", "wb") as full:
        done = subprocess.run(
            [sys.executable, "-c", CLIENT.format(argv=["--config", str(SAMPLE_CONFIG), "list"])],
            stdout=full,
            stderr=subprocess.PIPE,
            text=True,
            env=env(),
            timeout=60,
        )
    report = done.stderr.rstrip("\n").rsplit("\n", 1)
    assert json.loads(report[-1]) == [1, False], done.stderr
    assert report[0] == "newsroom: error: cannot write the output: No space left on device"
