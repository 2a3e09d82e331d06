"""Remembered per-user state: where it lives, round trips, atomic and forgiving."""

from __future__ import annotations

import json
import os
import stat

import pytest

from tui.core import state


@pytest.fixture(autouse=True)
def state_home(tmp_path, monkeypatch):
    """Every test gets its own XDG_STATE_HOME: the reader's real state is never touched."""
    home = tmp_path / "xdg-state"
    monkeypatch.setenv("XDG_STATE_HOME", str(home))
    return home


def test_state_path_is_under_xdg_state_home(state_home):
    assert state.state_path() == state_home / "newsroom" / "state.json"


def test_missing_state_is_empty():
    assert state.load_state() == {}


def test_round_trip(state_home):
    assert state.save_state({"script": "taiwan", "名字": "值"}) is True
    assert state.load_state() == {"script": "taiwan", "名字": "值"}
    assert state.state_path().parent.is_dir()


def test_file_is_private(state_home):
    state.save_state({"script": "simplified"})
    assert stat.S_IMODE(state.state_path().stat().st_mode) == 0o600


def test_write_leaves_no_temp_files(state_home):
    for mode in ("simplified", "traditional", "original"):
        assert state.save_state({"script": mode})
    assert os.listdir(state.state_path().parent) == ["state.json"]
    assert state.load_state() == {"script": "original"}


def test_failed_write_keeps_old_state_and_cleans_up(state_home, monkeypatch):
    state.save_state({"script": "simplified"})

    def broken_replace(src, dst):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", broken_replace)  # state saves through tui.core.durable
    assert state.save_state({"script": "taiwan"}) is False
    assert os.listdir(state.state_path().parent) == ["state.json"]
    assert state.load_state() == {"script": "simplified"}


def test_unwritable_dir_returns_false(state_home):
    state_home.parent.mkdir(exist_ok=True)
    state_home.write_text("a file where the directory should be")
    assert state.save_state({"script": "taiwan"}) is False
    assert state.load_state() == {}


@pytest.mark.parametrize("content", [b"{not json", b"\xff\xfe\x00", b"[1, 2, 3]", b"", b'"text"'])
def test_corrupt_state_is_ignored(content):
    path = state.state_path()
    path.parent.mkdir(parents=True)
    path.write_bytes(content)
    assert state.load_state() == {}
    assert state.save_state({"script": "hongkong"})  # and is replaced on the next save
    assert json.loads(path.read_text(encoding="utf-8")) == {"script": "hongkong"}


def test_update_keeps_other_keys():
    state.save_state({"script": "simplified", "other": 1})
    assert state.update_state(script="taiwan")
    assert state.load_state() == {"script": "taiwan", "other": 1}


def test_explicit_path(tmp_path):
    path = tmp_path / "deep" / "dir" / "s.json"
    assert state.save_state({"a": 1}, path)
    assert state.load_state(path) == {"a": 1}
