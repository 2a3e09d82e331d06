"""Session homes: each server keeps its visitors' homes in a folder of its own, locked while it
runs, so that the homes a server killed outright leaves behind are removed by the next one."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

from tests.conftest import ROOT
from tests.serve.conftest import session_homes
from tui.serve.common import make_session_home, remove_abandoned_homes

SERVER = """
import os, signal, sys
from tui.serve.common import make_session_home
home = make_session_home()
print(home, flush=True)
if sys.argv[1] == "kill":
    os.kill(os.getpid(), signal.SIGKILL)
if sys.argv[1] == "fork":  # a child forked from it ends the way Python ends, atexit and all
    pid = os.fork()
    if pid == 0:
        sys.exit(0)
    os.waitpid(pid, 0)
    print(home.parent.is_dir(), flush=True)
sys.stdin.read()  # until the test lets it end
"""


def start_server(tmp: Path, how: str) -> tuple[subprocess.Popen, Path]:
    server = subprocess.Popen(
        [sys.executable, "-c", SERVER, how],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        env={**os.environ, "TMPDIR": str(tmp), "PYTHONPATH": str(ROOT)},
    )
    home = Path(server.stdout.readline().strip())
    assert home.is_dir() and home.parent.parent == tmp
    return server, home


def test_the_homes_of_a_server_killed_outright_go_when_the_next_makes_one(private_tmp):
    killed, left = start_server(private_tmp, "kill")
    assert killed.wait(timeout=30) < 0
    assert session_homes(private_tmp) == [left.name]  # nothing ran in it to remove its home
    home = make_session_home()  # the next server's first home
    try:
        assert not left.parent.exists()
        assert session_homes(private_tmp) == [home.name]
    finally:
        os.rename(home, private_tmp / "checked")  # (the fixture wants no session home left)


def test_a_running_servers_homes_are_kept_and_it_removes_them_as_it_ends(private_tmp):
    running, home = start_server(private_tmp, "run")
    try:
        assert remove_abandoned_homes() == 0
        assert home.is_dir()
    finally:
        running.communicate("", timeout=30)
    assert running.returncode == 0
    assert not home.parent.exists()  # its own folder, removed as it ended


def test_a_child_forked_from_a_server_leaves_its_homes_alone(private_tmp):
    server, home = start_server(private_tmp, "fork")
    try:
        assert server.stdout.readline().strip() == "True"
    finally:
        server.communicate("", timeout=30)
    assert not home.parent.exists()


def test_only_folders_of_homes_are_removed_never_what_a_link_points_to(private_tmp, tmp_path):
    target = tmp_path / "elsewhere"
    (target / "newsroom-session-x").mkdir(parents=True)
    (private_tmp / "newsroom-sessions-link").symlink_to(target)
    (private_tmp / "newsroom-sessions-file").write_text("a file")
    (private_tmp / "newsroom-other").mkdir()
    assert remove_abandoned_homes() == 0
    assert (target / "newsroom-session-x").is_dir() and (private_tmp / "newsroom-sessions-file").is_file()
    assert (private_tmp / "newsroom-other").is_dir()
    (private_tmp / "newsroom-sessions-link").unlink()  # (the fixture's look for homes left would follow it)


def test_a_folder_of_homes_removed_under_a_running_server_is_made_again(private_tmp):
    # A temp dir cleaner that ignores locks must not stop every later session from starting.
    first = make_session_home()
    shutil.rmtree(first.parent)
    second = make_session_home()
    assert second.is_dir() and second.parent != first.parent
    shutil.rmtree(second)


def test_a_folder_left_before_it_was_locked_goes_once_it_is_old(private_tmp):
    # A server killed between making its folder and taking its lock leaves a "starting" folder.
    young, old = private_tmp / "newsroom-starting-young", private_tmp / "newsroom-starting-old"
    young.mkdir()
    old.mkdir()
    os.utime(old, (time.time() - 3600, time.time() - 3600))
    assert remove_abandoned_homes() == 1
    assert young.is_dir() and not old.exists()
