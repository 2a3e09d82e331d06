"""Tables worked out once per library version and kept in the cache dir.

The search folding table takes OpenCC's dictionaries and a scan of Unicode
(~0.3-0.8 s), the pinyin syllables, readings and phrases take pypinyin's
dictionaries (~1 s, ~60 MB). A process that needs them used to build them every time; a quick
lookup from the shell paid that on every run. Now the first process builds
each table and saves it, stamped with what it depends on (our version and
the libraries'), and every later one checks its checksum (core/sealed.py)
and loads it with marshal in about a millisecond. A missing, stale or
damaged file is simply built again; an unusable cache dir means building
every time, never an error.
"""

from __future__ import annotations

import contextlib
import marshal
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from tui.core.digests import sha256
from tui.core.sealed import read_sealed, write_sealed
from tui.core.user_dirs import cache_dir

T = TypeVar("T")
MAX_BYTES = 16 << 20  # 13 times the largest table (pinyin phrases, 1.2 MB): past it, not ours


def table_path(name: str, stamp: str) -> Path:
    """Where a table built for `stamp` is kept (marshal's format goes with the Python version)."""
    key = f"{stamp}/{sys.version_info[0]}.{sys.version_info[1]}/{marshal.version}/sealed"
    digest = sha256(key.encode("utf-8")).hexdigest()[:16]
    return Path(cache_dir()) / "tables" / f"{name}-{digest}.marshal"


def cached_table(
    name: str, stamp: str, build: Callable[[], T], kind: type, valid: Callable[[T], bool] | None = None
) -> T:
    """The table from the cache dir, or built (and saved for the next process). A file that
    is not a `kind`, or that `valid` refuses (damaged, or written by something else), is
    replaced by a good one."""
    path = table_path(name, stamp)
    try:
        table = read_sealed(path, MAX_BYTES)
        if isinstance(table, kind) and (valid is None or valid(table)):
            return table
    except (OSError, ValueError):
        pass
    table = build()
    with contextlib.suppress(OSError):
        path.parent.mkdir(parents=True, exist_ok=True)
        write_sealed(path, table)  # whole or not at all, whoever else is writing it
    return table


__all__ = ["cached_table", "table_path"]
