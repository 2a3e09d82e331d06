"""Following the content folder while the app is open: which content files changed.

watchfiles (Rust's notify: inotify on Linux, FSEvents, ReadDirectoryChangesW)
reports changes; where the kernel will not watch (no inotify, or its limits
reached, as in some containers and on network mounts) it polls the folder
instead (`force_polling`). Changes come in batches: a batch closes once the
folder has been quiet for QUIET_MS, or after BATCH_MS however busy it is, so a
`git pull` or a site rebuild is one batch, not one a file. A refresh that is
still running when the next batch comes takes it afterwards, with everything
else that arrived meanwhile (`Coalescer`): a burst is handled as one refresh.
"""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Protocol

from tui.core.walk_rules import CONTENT_SUFFIXES

log = logging.getLogger(__name__)

QUIET_MS = 300  # a batch closes after this long without a change...
BATCH_MS = 1500  # ...or after this long, however busy the folder is
POLL_MS = 700  # between scans, where the folder has to be polled
RUST_TIMEOUT_MS = 1000  # how often the watcher looks up from waiting (to notice it should stop)


class Stop(Protocol):
    def is_set(self) -> bool: ...


def _hidden(parts: Iterable[str]) -> bool:
    """Folders and files the loader skips (.git, _drafts, .swp files)."""
    return any(part.startswith((".", "_")) for part in parts)


class ContentFilter:
    """Changes that can matter to the newsroom: content files, and folders (a folder
    moved or removed takes its files with it). Editor swap and backup files do not."""

    def __init__(self, content_dir: Path) -> None:
        self.root = os.path.join(os.path.realpath(content_dir), "")

    def __call__(self, change: object, path: str) -> bool:
        if not path.startswith(self.root):
            return False
        parts = path[len(self.root) :].split(os.sep)
        if _hidden(parts[:-1]) or parts[-1].startswith("."):
            return False
        name = parts[-1].lower()
        return name.endswith(CONTENT_SUFFIXES) or "." not in name or os.path.isdir(path)  # or a folder


def watch_content(
    content_dir: Path, stop: Stop, *, polling: bool | None = None, started: Callable[[], None] | None = None
) -> Iterator[set[str]]:
    """Batches of changed paths (real, absolute) under `content_dir`, until `stop` is set.
    `started` is called once the watcher is in place (from then on no change is missed): a
    change made before that must be looked for by comparing the folder with what was loaded.

    Falls back to polling if the kernel's watcher cannot be had; raises OSError
    (or RuntimeError, from watchfiles) only if polling fails too."""
    import watchfiles  # here: only the app follows the folder, and it loads a Rust extension

    root = os.path.realpath(content_dir)
    if not os.path.isdir(root):  # checked here: watchfiles, told to skip unreadable folders, would skip this too
        raise FileNotFoundError(2, "content folder not found", str(content_dir))
    attempts = [polling] if polling is not None else [None, True]
    for number, force_polling in enumerate(attempts):
        try:
            for changes in watchfiles.watch(
                root,
                watch_filter=ContentFilter(Path(root)),
                debounce=BATCH_MS,
                step=QUIET_MS,
                stop_event=stop,
                rust_timeout=RUST_TIMEOUT_MS,
                yield_on_timeout=True,  # the first yield says the watcher is in place
                force_polling=force_polling,
                poll_delay_ms=POLL_MS,
                raise_interrupt=False,
                ignore_permission_denied=True,
            ):
                if started is not None:
                    started()
                    started = None
                if changes:
                    yield {path for _, path in changes}
            return
        except (OSError, RuntimeError) as error:
            if number == len(attempts) - 1 or stop.is_set():
                raise
            log.warning("cannot watch %s (%s); polling it instead", root, error)


class Coalescer:
    """Batches of changes handed to one refresher at a time.

    `add()` says whether a refresher must be started; the refresher then calls
    `take()` until it returns None. What arrives while it refreshes waits, merged,
    for its next `take()`: however many batches a burst makes, they cost at most
    one refresh more than the first."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._pending: set[str] = set()
        self._running = False

    def add(self, paths: Iterable[str]) -> bool:
        with self._lock:
            self._pending.update(paths)
            if self._running:
                return False
            self._running = True
            return True

    def take(self) -> set[str] | None:
        with self._lock:
            if not self._pending:
                self._running = False
                return None
            paths, self._pending = self._pending, set()
            return paths

    def abandon(self, paths: Iterable[str] = ()) -> None:
        """The refresher failed: keep its paths for the next one, which the next change starts."""
        with self._lock:
            self._pending.update(paths)
            self._running = False


__all__ = ["Coalescer", "ContentFilter", "watch_content"]
