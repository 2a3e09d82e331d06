"""A walking lookup forks its walk before its imports, from what its command line resolved
to last time (tui/search/head_start.py), and takes that walk only if it is still the right one."""

from __future__ import annotations

import marshal
import os
import subprocess
import sys
import threading
import types

import pytest

from tests.conftest import MARSHAL_CRASH, ROOT, write_article
from tui import launch
from tui.core.sealed import seal
from tui.core.walk_rules import WalkRules
from tui.search import freshness, head_start
from tui.search.head_start import HeadStart, read_plans, walkers_for


def newsroom(tmp_path, name: str, titles: list[str]):
    root = tmp_path / name
    for number, title in enumerate(titles):
        write_article(root, f"news/{number}.md", title=title, date=f"2024-01-0{number + 1}")
    return root


@pytest.fixture
def walks(monkeypatch):
    """Every walk made, and every one given up, wherever it was made."""
    made, cancelled = [], []

    class Spy(freshness.Walk):
        def __init__(self, content_dir, site=None, fork=None, parts=0, thread=True):
            made.append((os.fspath(content_dir), parts, self))
            super().__init__(content_dir, site, fork, parts, thread)

        def cancel(self):
            cancelled.append(self)
            super().cancel()

    monkeypatch.setattr(freshness, "Walk", Spy)
    monkeypatch.setattr(head_start, "Walk", Spy)
    return made, cancelled


def test_the_second_lookup_walks_from_the_plan_the_first_remembered(tmp_path, capsys, walks):
    made, cancelled = walks
    root = newsroom(tmp_path, "content", ["質量新聞", "獨角獸"])
    assert launch.main(["--content", str(root), "list"]) == 0
    first = capsys.readouterr().out
    assert read_plans()[head_start.plan_key(None, str(root))] == (str(root), WalkRules((), (), ()), 1)
    made.clear()
    assert launch.main(["--content", str(root), "list"]) == 0
    assert capsys.readouterr().out == first and "獨角獸" in first
    assert [(path, parts) for path, parts, _ in made] == [(str(root), 1)]  # begun by the head start, and taken
    assert cancelled == []


def test_a_plan_gone_stale_is_given_up_and_the_right_folder_walked(tmp_path, capsys, walks):
    """The config now names another content dir: the walk begun from the plan is killed, the
    answer is the new folder's, and the plan is the new one."""
    made, cancelled = walks
    old, new = newsroom(tmp_path, "old", ["舊聞"]), newsroom(tmp_path, "new", ["新聞報導"])
    config = tmp_path / "config.toml"
    config.write_text(f'[newsroom]\ntitle = "T"\ncontent_dir = "{old.name}"\n', encoding="utf-8")
    assert launch.main(["--config", str(config), "list"]) == 0
    assert "舊聞" in capsys.readouterr().out
    config.write_text(f'[newsroom]\ntitle = "T"\ncontent_dir = "{new.name}"\n', encoding="utf-8")
    made.clear()
    assert launch.main(["--config", str(config), "list"]) == 0
    out = capsys.readouterr().out
    assert "新聞報導" in out and "舊聞" not in out
    assert [path for path, _, _ in made] == [str(old), str(new)]
    assert cancelled == [made[0][2]]
    assert not made[0][2]._children  # its walkers killed and reaped
    assert read_plans()[head_start.plan_key(str(config), None)][0] == str(new)


def test_other_walk_rules_are_another_plan(tmp_path):
    """The same folder under a site config that now declares languages walks differently."""
    root = newsroom(tmp_path, "content", ["標題"])
    plain = HeadStart(None, str(root))
    plain.walk(root, WalkRules((), (), ())).result()
    plain.walked(freshness.scan(root))
    begun = HeadStart(None, str(root))
    assert begun.plan == (str(root), WalkRules((), (), ()), 1)
    kept = begun._walk
    walk = begun.walk(root, WalkRules((("zh-hant", "zh-hant"),), (), ("zh-hant",)))
    assert walk is not kept and kept._done == [None]  # given up
    walk.result()


def test_the_walkers_follow_the_newsroom_size(tmp_path, capsys, monkeypatch):
    """One walker for a small newsroom (a second would only take a core from the imports);
    the machine's share once it grows."""
    monkeypatch.setattr(head_start, "ONE_WALKER", 4)
    root = newsroom(tmp_path, "content", ["一", "二", "三"])
    key = head_start.plan_key(None, str(root))
    assert launch.main(["--content", str(root), "list"]) == 0
    assert read_plans()[key][2] == 1
    for number in range(3, 6):
        write_article(root, f"news/{number}.md", title=f"第{number}篇")
    assert launch.main(["--content", str(root), "list"]) == 0
    assert read_plans()[key][2] == min(2, os.cpu_count())
    assert "第5篇" in capsys.readouterr().out
    assert walkers_for(3) == 1 and walkers_for(4) == min(2, os.cpu_count())


@pytest.mark.parametrize(
    "damage",
    [
        b"",
        b"\x00not marshal at all",
        marshal.dumps({"k": ("d", ((), (), ()), 1)}),  # not sealed: another version's
        seal({"k": ("d", ((), (), ()), 1)})[:-3],  # cut short
        seal([1, 2, 3]),
        seal({"k": ("d", ((), (), ()), 9)}),  # walkers out of range
        seal({"k": ("d", ((("a",),), (), ()), 1)}),  # a language folder without its tag
        seal({"k": (b"d", ((), (), ()), 1)}),
        seal({1: ("d", ((), (), ()), 1)}),
        seal({"k": {"d": 1, ((), (), ()): 2, 1: 3}}),  # a dict that unpacks as a plan (found by review)
        seal({"k": ("d", {"a": 1, "b": 2, "c": 3}, 1)}),
        seal({"k": ["d", ((), (), ()), 1]}),
        b"\xe3" * (head_start.MAX_BYTES + 1),  # not ours
    ],
)
def test_a_damaged_plans_file_is_ignored_then_replaced(tmp_path, capsys, damage):
    root = newsroom(tmp_path, "content", ["質量"])
    path = os.path.join(os.environ["XDG_CACHE_HOME"], "newsroom", head_start.PLANS_NAME)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as file:
        file.write(damage)
    assert read_plans() == {}
    assert launch.main(["--content", str(root), "list"]) == 0
    assert "質量" in capsys.readouterr().out
    assert list(read_plans()) == [head_start.plan_key(None, str(root))]


@pytest.mark.parametrize("damage", ["crash", "fifo"])
def test_a_plans_file_that_would_crash_or_block_a_lookup_is_refused_then_replaced(tmp_path, damage):
    """marshal.loads trusts its input: such bytes must never reach it, or every lookup dies;
    nor may a FIFO in its place make every lookup wait for a writer (found by review)."""
    root = newsroom(tmp_path, "content", ["質量"])
    path = os.path.join(os.environ["XDG_CACHE_HOME"], "newsroom", head_start.PLANS_NAME)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    if damage == "fifo":
        os.mkfifo(path)
    else:
        with open(path, "wb") as file:
            file.write(MARSHAL_CRASH)
    done = subprocess.run(
        [sys.executable, "-m", "tui", "--content", str(root), "list"],
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        timeout=60,
    )
    assert (done.returncode, done.stderr) == (0, "") and "質量" in done.stdout
    assert list(read_plans()) == [head_start.plan_key(None, str(root))]  # and replaced


@pytest.mark.parametrize(
    "argv",
    [
        ["--content", "c", "list"],
        ["--content=c", "list"],
        ["list", "--content", "c", "news"],
        ["--config", "a.toml", "search", "--content=b", "質量"],
        ["--script", "simplified", "show", "x"],
        ["--cont", "c", "list"],  # abbreviations (found by review: argparse took them, the key did not)
        ["--conf=a.toml", "list"],
        ["list", "--conte", "c"],
        ["search", "--con", "c", "x"],
        ["search", "--", "--content", "c", "x"],  # words after `--` are the query's (found by review)
        ["--content", "c", "search", "-質量", "安全"],  # an exclusion is a query word too
    ],
)
def test_the_plans_key_sees_the_options_the_command_line_is_parsed_with(argv, capsys):
    """The key is read from the command line before argparse is imported: whatever argparse
    takes as --config and --content, the key must take too, or two command lines would share a plan."""
    from tui.cli import _parse

    command, values = launch._words(argv)
    try:
        args = _parse(argv)
    except SystemExit:  # refused: no lookup runs
        assert "error" in capsys.readouterr().err
        return
    assert (command, values.get("--config"), values.get("--content")) == (
        args.command,
        getattr(args, "config", None),
        getattr(args, "content", None),
    )


def test_the_plans_are_written_to_a_name_no_one_else_has(tmp_path):
    """Not `<path>.<pid>.tmp` (found by review): another process, in another pid namespace
    sharing the cache dir, can have our pid, or a link can wait at that name."""
    path = os.path.join(os.environ["XDG_CACHE_HOME"], "newsroom", head_start.PLANS_NAME)
    os.makedirs(os.path.dirname(path))
    victim = tmp_path / "victim"
    victim.write_text("untouched", encoding="utf-8")
    os.symlink(victim, f"{path}.{os.getpid()}.tmp")
    head_start.write_plan("key", ("/content", WalkRules((), (), ()), 1))
    assert victim.read_text(encoding="utf-8") == "untouched"
    assert read_plans() == {"key": ("/content", WalkRules((), (), ()), 1)}
    assert sorted(os.listdir(os.path.dirname(path))) == sorted(
        [head_start.PLANS_NAME, f"{head_start.PLANS_NAME}.{os.getpid()}.tmp"]
    )


def test_with_no_process_to_spare_the_head_start_walks_nothing(tmp_path, capsys, walks, monkeypatch):
    """A walk falls back to a thread when it cannot fork, but a thread cannot be killed: a
    stale plan's walk would walk the old folder to its end beside the lookup (found by review).
    The head start gives up instead, and the lookup walks as it would without one."""
    made, cancelled = walks
    root = newsroom(tmp_path, "content", ["質量"])
    assert launch.main(["--content", str(root), "list"]) == 0  # a plan for the next one
    first = capsys.readouterr().out

    def no_fork():
        raise BlockingIOError(11, "Resource temporarily unavailable")

    monkeypatch.setattr(os, "fork", no_fork)
    made.clear()
    assert launch.main(["--content", str(root), "list"]) == 0
    assert capsys.readouterr().out == first
    (_, _, begun), (_, _, taken) = made
    assert begun._thread is None and begun._done == [None]  # nothing walking
    assert taken._thread is not None  # the lookup's own walk, in a thread as before


def test_a_plan_for_a_folder_that_is_gone_costs_nothing(tmp_path, capsys):
    root = newsroom(tmp_path, "content", ["質量"])
    head_start.write_plan(head_start.plan_key(None, str(root)), (str(tmp_path / "gone"), WalkRules((), (), ()), 2))
    assert launch.main(["--content", str(root), "list"]) == 0
    assert "質量" in capsys.readouterr().out


def test_a_lookup_that_stops_early_gives_its_walk_up(tmp_path, capsys, walks):
    """A usage error or a bad config after the walk began: the walkers are killed, not left running."""
    made, cancelled = walks
    root = newsroom(tmp_path, "content", ["質量"])
    assert launch.main(["--content", str(root), "list"]) == 0
    made.clear()
    with pytest.raises(SystemExit):
        launch.main(["--content", str(root), "list", "--limit", "many"])
    assert len(made) == 1 and cancelled == [made[0][2]] and not made[0][2]._children
    capsys.readouterr()


def test_a_lookup_that_fails_after_taking_its_walk_gives_it_up(tmp_path, capsys, walks):
    """A glossary file that is gone is found after the walk was taken (found by review): the
    walkers are killed and reaped, not left walking after the error is printed."""
    made, cancelled = walks
    root = newsroom(tmp_path, "content", ["質量"])
    config = tmp_path / "config.toml"
    config.write_text(f'[newsroom]\ntitle = "T"\ncontent_dir = "{root.name}"\n', encoding="utf-8")
    assert launch.main(["--config", str(config), "list"]) == 0  # a plan for the next one
    with open(config, "a", encoding="utf-8") as file:
        file.write('[script]\nglossary_file = "gone.txt"\n')
    for _ in range(2):  # from the plan, then with none (the walk made after the config)
        made.clear()
        cancelled.clear()
        assert launch.main(["--config", str(config), "list"]) == 2
        assert "glossary" in capsys.readouterr().err
        assert len(made) == 1 and cancelled == [made[0][2]] and not made[0][2]._children
        if read_plans():
            os.unlink(os.path.join(os.environ["XDG_CACHE_HOME"], "newsroom", head_start.PLANS_NAME))
    assert read_plans() == {}


def test_a_lookup_whose_imports_fail_gives_its_walk_up(tmp_path, capsys, walks, monkeypatch):
    """A ctrl+c or a broken install while the lookup imports, after the walk began (found by
    review): the walkers are killed and reaped, not left walking."""
    made, cancelled = walks
    root = newsroom(tmp_path, "content", ["質量"])
    assert launch.main(["--content", str(root), "list"]) == 0  # a plan for the next one
    capsys.readouterr()
    made.clear()
    monkeypatch.setitem(sys.modules, "tui.cli", None)  # importing it raises ImportError
    with pytest.raises(ImportError):
        launch.main(["--content", str(root), "list"])
    assert len(made) == 1 and cancelled == [made[0][2]] and not made[0][2]._children
    monkeypatch.setitem(sys.modules, "tui.core.errors", None)  # the first import after the fork
    with pytest.raises(ImportError):
        launch.main(["--content", str(root), "list"])
    assert len(made) == 2 and cancelled[-1] is made[1][2] and not made[1][2]._children
    monkeypatch.delitem(sys.modules, "tui.core.errors")

    class Exiting(types.ModuleType):
        def __getattr__(self, name):
            if name == "main":
                raise SystemExit(3)
            raise AttributeError(name)

    monkeypatch.setitem(sys.modules, "tui.cli", Exiting("tui.cli"))  # an exit while importing
    with pytest.raises(SystemExit) as exited:
        launch.main(["--content", str(root), "list"])
    assert exited.value.code == 3 and made[-1][2] in cancelled


def test_the_plans_remember_names_that_are_not_utf8(tmp_path, monkeypatch, capsys):
    folder = tmp_path / os.fsdecode(b"\xff\xfe news")
    newsroom(folder, "content", ["質量"])
    monkeypatch.chdir(folder)
    for _ in range(2):
        assert launch.main(["--content", "content", "list"]) == 0
        assert "質量" in capsys.readouterr().out
    assert read_plans()[head_start.plan_key(None, "content")][0] == "content"


def test_the_plans_keep_the_latest_command_lines(tmp_path):
    for number in range(head_start.MAX_PLANS + 5):
        head_start.write_plan(f"key{number}", (f"/dir{number}", WalkRules((), (), ()), 1))
    plans = read_plans()
    assert len(plans) == head_start.MAX_PLANS and list(plans)[-1] == f"key{head_start.MAX_PLANS + 4}"


def test_lookups_at_once_leave_a_plans_file_that_reads(tmp_path):
    """Every lookup may write the plans file: each writes whole, the last one wins."""
    roots = [newsroom(tmp_path, f"room{number}", [f"報導{number}"]) for number in range(6)]
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    results = [None] * len(roots)

    def run(number):
        results[number] = subprocess.run(
            [sys.executable, "-m", "tui", "--content", str(roots[number]), "list"],
            capture_output=True,
            text=True,
            env=env,
            timeout=120,
        )

    for _ in range(2):
        threads = [threading.Thread(target=run, args=(number,)) for number in range(len(roots))]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        for number, done in enumerate(results):
            assert done.returncode == 0 and f"報導{number}" in done.stdout and done.stderr == ""
    assert read_plans()  # whole: at least the last writer's


def test_the_head_start_imports_next_to_nothing():
    """It runs before the lookup's imports: the walk must not wait for them."""
    code = "import sys, tui.search.head_start; print(' '.join(sorted(sys.modules)))"
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env={**os.environ, "PYTHONPATH": str(ROOT)}
    )
    loaded = set(done.stdout.split())
    assert "tui.search.freshness" in loaded
    heavy = {"typing", "dataclasses", "pathlib", "hashlib", "threading", "tomllib", "platformdirs", "json"}
    assert heavy & loaded == set()
    assert {name for name in loaded if name.startswith("tui.")} <= {
        "tui.core",
        "tui.core.user_dirs",
        "tui.core.languages",
        "tui.core.sealed",
        "tui.core.walk_rules",
        "tui.search",
        "tui.search.freshness",
        "tui.search.head_start",
    }
