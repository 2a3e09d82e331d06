"""Newsroom's user dirs (tui/core/user_dirs.py): found as platformdirs finds them, without
loading it on Linux, where a lookup from the shell would pay 4 ms for its imports."""

from __future__ import annotations

import os
import subprocess
import sys

import platformdirs
import pytest

from tests.conftest import ROOT
from tui.core import user_dirs

DIRS = {
    "XDG_CACHE_HOME": (user_dirs.cache_dir, platformdirs.user_cache_dir, ".cache"),
    "XDG_CONFIG_HOME": (user_dirs.config_dir, platformdirs.user_config_dir, ".config"),
    "XDG_DATA_HOME": (user_dirs.data_dir, platformdirs.user_data_dir, ".local/share"),
    "XDG_STATE_HOME": (user_dirs.state_dir, platformdirs.user_state_dir, ".local/state"),
}


@pytest.mark.parametrize("variable", sorted(DIRS))
def test_each_dir_is_where_platformdirs_puts_it(variable, tmp_path, monkeypatch):
    ours, theirs, default = DIRS[variable]
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.setenv(variable, str(tmp_path / "xdg 質量"))
    assert ours() == theirs("newsroom") == str(tmp_path / "xdg 質量" / "newsroom")
    for unset in ("", None):
        if unset is None:
            monkeypatch.delenv(variable)
        else:
            monkeypatch.setenv(variable, unset)
        assert ours() == theirs("newsroom") == str(tmp_path / "home" / default / "newsroom")


@pytest.mark.parametrize("home", ["", "relative/home", None])
def test_a_home_that_is_unset_empty_or_relative_is_the_password_databases(home, tmp_path, monkeypatch):
    """As platformdirs has it (found by review: the dirs moved to /.config, or under the
    working folder): never a folder relative to wherever the command runs."""
    import pwd

    monkeypatch.chdir(tmp_path)
    if home is None:
        monkeypatch.delenv("HOME")
    else:
        monkeypatch.setenv("HOME", home)
    for variable, (ours, theirs, default) in DIRS.items():
        monkeypatch.delenv(variable)
        expected = os.path.join(pwd.getpwuid(os.getuid()).pw_dir, default, "newsroom")
        assert ours() == expected
        if os.path.isabs(theirs("newsroom")):  # (an older platformdirs, as Python 3.10 gets, keeps it relative)
            assert theirs("newsroom") == expected


@pytest.mark.parametrize("variable", sorted(DIRS))
def test_a_relative_xdg_path_is_ignored_as_the_spec_says(variable, tmp_path, monkeypatch):
    ours, _, default = DIRS[variable]
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setenv(variable, "relative/dir")
    assert ours() == str(tmp_path / default / "newsroom")


def test_finding_them_imports_next_to_nothing():
    code = (
        "import sys; before = set(sys.modules); from tui.core import user_dirs\n"
        "user_dirs.cache_dir(), user_dirs.config_dir(), user_dirs.data_dir(), user_dirs.state_dir()\n"
        "print(*sorted(set(sys.modules) - before))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True)
    assert set(done.stdout.split()) <= {"__future__", "tui", "tui.core", "tui.core.user_dirs"}
