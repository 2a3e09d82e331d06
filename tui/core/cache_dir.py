"""The user cache dir, found without platformdirs: a lookup's first steps import nothing they need not."""

from __future__ import annotations

import os


def cache_dir() -> str:
    """Newsroom's folder in the user cache dir as platformdirs names it on Linux:
    $XDG_CACHE_HOME/newsroom, or ~/.cache/newsroom when that is unset or not absolute."""
    cache = os.environ.get("XDG_CACHE_HOME", "").strip()
    if not cache or not os.path.isabs(cache):
        cache = os.path.join(os.path.expanduser("~"), ".cache")
    return os.path.join(cache, "newsroom")


__all__ = ["cache_dir"]
