"""`show` parses its body in a forked child (tui/commands/parse_ahead.py): the same blocks as
parsing here, or parsing here whenever the child cannot give them."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
from contextlib import contextmanager
from pathlib import Path

import pytest

from tests.conftest import ROOT, SAMPLE_CONFIG
from tui.commands.parse_ahead import ParseAhead, parse_body
from tui.core.blocks import Block, Run, as_tuples, from_tuples
from tui.core.document import parse_markdown

BODIES = [
    "",
    "王岐山在質量工作座談會上指出，质量是企业的生命。\n\n## 小標題\n\n**加強**監管，*提升*水平。",
    "| 項目 | 數量 |\n|:---|---:|\n| 蘋果 | 3 |\n| **梨** | 10 |\n",
    "1. 一\n   - 二\n     > 三\n\n[^1]: 註釋\n\n正文[^1]\n\n---\n\n```py\nprint('質量')\n```\n",
    '{{< figure src="a.png" caption="圖說" >}}\n\n$$x^2$$\n\n<div>raw <b>html</b></div>\n\n[連結](https://example.com)',
    "lone surrogate \udcff and a bidi override \u202e here\x00",
    "段落。" * 200_000,  # 1.2 MB: more than a pipe holds, either way
]


def sample_bodies() -> list[str]:
    return [path.read_text("utf-8") for path in sorted((ROOT / "content").rglob("*.md"))]


def reaped(pid: int) -> bool:
    try:
        os.waitpid(pid, os.WNOHANG)
    except ChildProcessError:
        return True
    return False


@pytest.mark.parametrize("body", BODIES + sample_bodies())
def test_the_child_gives_the_blocks_parsing_here_gives(body):
    ahead = ParseAhead.begin()
    assert ahead is not None
    pid = ahead._pid
    assert ahead.parse(body) == parse_markdown(body)
    assert reaped(pid)


def test_blocks_survive_the_trip_as_tuples_and_nothing_else_passes_for_them():
    blocks = [block for body in BODIES + sample_bodies() for block in parse_markdown(body)]
    assert any(block.rows for block in blocks) and any(block.marker for block in blocks)
    assert from_tuples(as_tuples(blocks)) == blocks
    for junk in (
        (("paragraph", (("text", 1),), 0, "", (), ()),),  # a style that is no str
        (("paragraph", (("text", ""),), "0", "", (), ()),),
        ((1, (), 0, "", (), ()),),
        (("table", (), 0, "", (((("a", None),),),), ()),),  # a cell's run
        (("table", (), 0, "", (), (None,)),),
        (("paragraph", (), 0, ""),),  # too short
        (("paragraph", "ab", 0, "", (), ()),),
        5,
    ):
        with pytest.raises((TypeError, ValueError)):
            from_tuples(junk)


def test_without_a_child_the_body_is_parsed_here(monkeypatch):
    def no_fork():
        raise BlockingIOError(11, "Resource temporarily unavailable")

    monkeypatch.setattr(os, "fork", no_fork)
    assert ParseAhead.begin() is None
    assert parse_body(BODIES[1], None) == parse_markdown(BODIES[1])


def test_no_child_beside_another_thread():
    """A fork beside a running thread could copy a lock that thread holds."""
    stop = threading.Event()
    other = threading.Thread(target=stop.wait)
    other.start()
    try:
        assert ParseAhead.begin() is None
    finally:
        stop.set()
        other.join()


def test_a_child_that_died_leaves_the_parsing_here_and_no_zombie():
    ahead = ParseAhead.begin()
    pid = ahead._pid
    os.kill(pid, signal.SIGKILL)
    assert parse_body(BODIES[2], ahead) == parse_markdown(BODIES[2])
    assert reaped(pid)
    ahead.cancel()  # after parse: nothing left to end, and no descriptor closed twice


def test_a_child_given_up_is_killed_and_reaped():
    ahead = ParseAhead.begin()
    pid = ahead._pid
    ahead.cancel()
    ahead.cancel()
    assert reaped(pid)
    assert ahead.parse(BODIES[1]) is None
    assert parse_body(BODIES[1], ahead) == parse_markdown(BODIES[1])


def test_with_sigchld_ignored_the_childs_answer_is_still_taken():
    """The kernel reaps the child itself then, and its status is lost: a whole answer still
    reads (a cut one does not: marshal knows every container's size)."""
    old = signal.signal(signal.SIGCHLD, signal.SIG_IGN)
    try:
        ahead = ParseAhead.begin()
        assert ahead.parse(BODIES[3]) == parse_markdown(BODIES[3])
        ahead.cancel()
        other = ParseAhead.begin()
        other.cancel()
        killed = ParseAhead.begin()
        os.kill(killed._pid, signal.SIGKILL)
        assert parse_body(BODIES[1], killed) == parse_markdown(BODIES[1])
    finally:
        signal.signal(signal.SIGCHLD, old)


@contextmanager
def closed(*fds: int):
    """Standard descriptors closed for a while, as in a process started with `<&- 2>&-`."""
    saved = {fd: os.dup(fd) for fd in fds}
    try:
        for fd in fds:
            os.close(fd)
        yield
    finally:
        for fd, copy in saved.items():
            os.dup2(copy, fd)
            os.close(copy)


@pytest.mark.parametrize("fds", [(0,), (2,), (0, 2)])
def test_a_process_started_with_standard_descriptors_closed_still_gets_the_childs_blocks(fds):
    """The child puts /dev/null on 0-2: a pipe end there was overwritten (found by review),
    and the child parsed nothing, or the parent parsed it all again."""
    with closed(*fds):
        ahead = ParseAhead.begin()
        assert ahead.parse(BODIES[3]) == parse_markdown(BODIES[3])


SHOW = """
import json, sys
from tui.commands import parse_ahead
if {no_child}:
    parse_ahead.ParseAhead.begin = classmethod(lambda cls: None)
if {loaded}:
    import tui.core.document  # as in `newsroom watch`'s warm process
begun = []
real_begin = parse_ahead.ParseAhead.begin.__func__
def begin(cls):
    ahead = real_begin(cls)
    begun.append(ahead is not None)
    return ahead
parse_ahead.ParseAhead.begin = classmethod(begin)
from tui.cli import main
code = main({argv!r})
sys.stdout.flush()
print("\\n" + json.dumps([code, begun, "markdown_it" in sys.modules]))
"""


def run_script(script: str) -> tuple[str, list]:
    """What a lookup run by `script` printed, and the JSON line the script ends with."""
    done = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "PYTHONPATH": str(ROOT), "COLUMNS": "60"},
    )
    assert done.returncode == 0, done.stderr[-2000:]
    output, _, last = done.stdout.rstrip("\n").rpartition("\n")
    return output, json.loads(last)


def show(*argv: str, no_child: bool = False, loaded: bool = False) -> tuple[str, list]:
    return run_script(SHOW.format(argv=["--config", str(SAMPLE_CONFIG), *argv], no_child=no_child, loaded=loaded))


def test_show_prints_the_same_with_the_child_and_without_it():
    show("list")  # the first process builds the index
    for article in (
        "meetings/wang-qishan-quality-forum",
        "activities/aqsiq-quality-mechanism-plan",
        "statements/wei-chuanzhong-quality-mechanism",
    ):
        with_child, (code, begun, loaded_here) = show("show", article)
        assert code == 0 and begun == [True] and not loaded_here  # markdown-it: in the child only
        without, (code, begun, loaded_here) = show("show", article, no_child=True)
        assert code == 0 and begun == [False] and loaded_here
        assert with_child == without and "\n" in with_child
        warm, (code, begun, _) = show("show", article, loaded=True)
        assert code == 0 and begun == [] and warm == without  # the parser is here already: no child
    _, (code, begun, _) = show("show", "meetings/wang-qishan-quality-forum", "--json")
    assert code == 0 and begun == []  # a record's body is as written: no child
    _, (code, begun, loaded_here) = show("list", "--limit", "1")
    assert begun == [] and not loaded_here


def test_blocks_are_a_plain_model():
    # What lays blocks out imports this, not the parser.
    assert Block("paragraph", (Run("質量"),)).text == "質量"


SLOW_WALK = """
import os, sys, time
from tui.search import freshness
for name in ("lead", "follow"):  # walkers slower than the imports: the lookup answers early
    def slow(*args, _real=getattr(freshness, name)):
        time.sleep(0.5)
        return _real(*args)
    setattr(freshness, name, slow)
from tui import cli, launch
real_early = cli._early_answer
def early(*args):
    print("early answer", file=sys.stderr)  # (the case under test: the answer made beside the walk)
    return real_early(*args)
cli._early_answer = early
sys.exit(launch.main({argv!r}))
"""


def test_show_without_a_walk_plan_and_a_walk_too_big_for_a_pipe_does_not_hang(tmp_path):
    """The parse child was forked before the walkers, who held its request pipe open: it never
    saw the body end, the lookup waited for it, and the walkers for the lookup to read their
    answers (more than a pipe holds). A child now holds only its own pipe ends."""
    from tests.conftest import write_article
    from tui.search.head_start import PLANS_NAME

    root = tmp_path / "content"
    for number in range(800):  # ~170 KB of listing: each walker's half outgrows a 64 KB pipe
        write_article(root, f"news/{'長' * 60}{number:04d}.md", title=f"報導{number}", date="2024-01-02")

    def newsroom(*argv: str) -> subprocess.CompletedProcess:
        proc = subprocess.Popen(
            [sys.executable, "-c", SLOW_WALK.format(argv=["--content", str(root), *argv])],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env={**os.environ, "PYTHONPATH": str(ROOT)},
            start_new_session=True,  # (a hung lookup is killed with its walkers)
        )
        try:
            out, err = proc.communicate(timeout=60)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.communicate()
            pytest.fail(f"`newsroom {' '.join(argv)}` hung")
        return subprocess.CompletedProcess(argv, proc.returncode, out, err)

    assert newsroom("list", "--limit", "1").returncode == 0  # the index and the stored newsroom
    plans = list(Path(os.environ["XDG_CACHE_HOME"]).rglob(PLANS_NAME))  # (the test's own cache dir)
    assert plans
    for path in plans:
        path.unlink()  # a first `show` for this command line: no walk forked before the child
    done = newsroom("show", "news/" + "長" * 60 + "0007")
    assert done.returncode == 0 and "報導7" in done.stdout, done.stderr[-2000:]
    assert "early answer" in done.stderr


LAUNCH = """
import json, sys
from tui.commands import parse_ahead
real_begin = parse_ahead.ParseAhead.begin.__func__
begun = []
def begin(cls):
    ahead = real_begin(cls)
    begun.append(["tui.cli" in sys.modules, ahead is not None])
    return ahead
parse_ahead.ParseAhead.begin = classmethod(begin)
from tui import launch
code = launch.main({argv!r})
sys.stdout.flush()
print("\\n" + json.dumps([code, begun, "markdown_it" in sys.modules]))
"""


def launched(*argv: str) -> tuple[str, list]:
    return run_script(LAUNCH.format(argv=["--config", str(SAMPLE_CONFIG), *argv]))


def test_the_newsroom_command_forks_shows_parser_before_its_imports():
    """The child loads markdown-it from the start, beside the walk and the lookup's imports."""
    launched("list")  # the first process builds the index
    article = "meetings/wang-qishan-quality-forum"
    output, (code, begun, loaded_here) = launched("show", article)
    assert code == 0 and begun == [[False, True]] and not loaded_here  # once, before tui.cli
    assert output == show("show", article, no_child=True)[0]
    _, (code, begun, _) = launched("show", article, "--json")
    assert code == 0 and begun == []
    _, (code, begun, _) = launched("list", "--limit", "1")
    assert code == 0 and begun == []
    _, (code, begun, _) = launched("show", "no/such-article")
    assert code != 0 and begun == [[False, True]]  # begun, then ended unused
