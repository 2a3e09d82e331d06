"""Writing a file whole or not at all, and durably unless it is a cache's: the one way to save."""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path


def replace_file(path: Path, data: str | bytes, prefix: str, sync: bool = True) -> None:
    """Write `data` (text as UTF-8) to `path` (mode 0600) through a temp file in its folder,
    renamed over it, so a crash or a second writer never leaves half a file; fsync'd unless
    `sync` is false (a cache, rebuilt if lost). Raises OSError."""
    # mkstemp makes the file 0600, in the same folder so os.replace is atomic.
    fd, temp = tempfile.mkstemp(dir=path.parent, prefix=prefix, suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as file:
            file.write(data.encode("utf-8") if isinstance(data, str) else data)
            if sync:
                file.flush()
                os.fsync(file.fileno())
        os.replace(temp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temp)
        raise
    if sync:
        fsync_dir(path.parent)


def fsync_dir(folder: Path) -> None:
    """Make a rename in `folder` durable (POSIX); harmless to skip where unsupported."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


__all__ = ["fsync_dir", "replace_file"]
