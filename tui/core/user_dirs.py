"""Newsroom's folders in the user's config, cache, data and state dirs, found without platformdirs
on Linux: platformdirs loads tempfile, shutil and random (4 ms), and a lookup from the shell
needs none of them. Elsewhere platformdirs names them.

On Linux these are the XDG base directories, as platformdirs names them: $XDG_CACHE_HOME and
the others if set to an absolute path (the spec: a relative one is ignored), else their
defaults under the home folder ($HOME if absolute, else the password database's).
"""

from __future__ import annotations

import os
import sys

APP_NAME = "newsroom"
_XDG = sys.platform == "linux" and not hasattr(sys, "getandroidapilevel")


def _home() -> str:
    """$HOME if it is an absolute path; else (unset, empty or relative) the home folder the
    password database gives, as platformdirs has it: never a folder under the working one."""
    home = os.environ.get("HOME", "")
    if os.path.isabs(home):
        return home
    try:
        import pwd

        return pwd.getpwuid(os.getuid()).pw_dir
    except (ImportError, KeyError):
        return os.path.expanduser("~")


def _user_dir(variable: str, default: str, kind: str) -> str:
    """Newsroom's folder in $`variable` (the XDG rule: only an absolute path counts), else in
    `default` under the home folder; elsewhere than Linux, platformdirs' user `kind` dir."""
    if not _XDG:
        import platformdirs

        return getattr(platformdirs, f"user_{kind}_dir")(APP_NAME)
    path = os.environ.get(variable, "")
    if not os.path.isabs(path):
        path = os.path.join(_home(), default)
    return os.path.join(path, APP_NAME)


def cache_dir() -> str:
    return _user_dir("XDG_CACHE_HOME", ".cache", "cache")


def config_dir() -> str:
    return _user_dir("XDG_CONFIG_HOME", ".config", "config")


def data_dir() -> str:
    return _user_dir("XDG_DATA_HOME", os.path.join(".local", "share"), "data")


def state_dir() -> str:
    return _user_dir("XDG_STATE_HOME", os.path.join(".local", "state"), "state")


__all__ = ["APP_NAME", "cache_dir", "config_dir", "data_dir", "state_dir"]
