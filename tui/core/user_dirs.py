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


def _xdg(variable: str, default: str) -> str:
    path = os.environ.get(variable, "")
    if not os.path.isabs(path):
        path = os.path.join(_home(), default)
    return os.path.join(path, APP_NAME)


def cache_dir() -> str:
    if _XDG:
        return _xdg("XDG_CACHE_HOME", ".cache")
    import platformdirs

    return platformdirs.user_cache_dir(APP_NAME)


def config_dir() -> str:
    if _XDG:
        return _xdg("XDG_CONFIG_HOME", ".config")
    import platformdirs

    return platformdirs.user_config_dir(APP_NAME)


def data_dir() -> str:
    if _XDG:
        return _xdg("XDG_DATA_HOME", os.path.join(".local", "share"))
    import platformdirs

    return platformdirs.user_data_dir(APP_NAME)


def state_dir() -> str:
    if _XDG:
        return _xdg("XDG_STATE_HOME", os.path.join(".local", "state"))
    import platformdirs

    return platformdirs.user_state_dir(APP_NAME)


__all__ = ["APP_NAME", "cache_dir", "config_dir", "data_dir", "state_dir"]
