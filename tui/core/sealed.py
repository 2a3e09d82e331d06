"""Marshal data sealed with a checksum, for what is kept in the cache dir.

`marshal.loads` trusts its input: some damaged bytes crash the interpreter (a segfault, not an
exception). A cache file can be cut short by a full disk, damaged on disk, or edited, and a
crash there would kill every lookup until someone deleted it by hand. So sealed data starts
with this format's tag and the CRC-32 of the marshal bytes, and bytes that do not match are
refused before marshal sees them. (The tag begins with marshal's code for None, so an older
Newsroom that reads a sealed value unsealed gets None, and its checks refuse that.)
"""

from __future__ import annotations

import marshal
import os
import stat
from binascii import crc32  # (binascii: a third of zlib's import time, the same CRC)

_TAG = b"N\xa7" + bytes((marshal.version,))
_HEAD = len(_TAG) + 4


def seal(value) -> bytes:
    """`value` marshalled, behind its tag and checksum."""
    data = marshal.dumps(value)
    return _TAG + crc32(data).to_bytes(4, "little") + data


def unseal(sealed: bytes):
    """The value `seal` gave these bytes; ValueError (and only that) if they are damaged or not sealed."""
    data = memoryview(sealed)[_HEAD:]
    if (
        sealed[: len(_TAG)] != _TAG
        or not data  # (marshal never writes nothing)
        or crc32(data) != int.from_bytes(sealed[len(_TAG) : _HEAD], "little")
    ):
        raise ValueError("sealed data: damaged, or not sealed")
    try:
        return marshal.loads(data)
    except (EOFError, TypeError, MemoryError) as error:  # (sealed so by hand: a tampered file)
        raise ValueError(f"sealed data: {error}") from None


def read_sealed(path: str | os.PathLike, max_bytes: int):
    """The value sealed in the file at `path` (`write_sealed`). OSError if it cannot be read;
    ValueError if it is damaged, not sealed, larger than `max_bytes`, or not a regular file (a
    FIFO there would make every reader wait for a writer that never comes)."""
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC)
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode) or info.st_size > max_bytes:
            raise ValueError(f"{os.fsdecode(path)}: not a sealed file")
        data = os.read(fd, info.st_size + 1)  # (whole, in one call)
    finally:
        os.close(fd)
    if len(data) > max_bytes:  # (grown since)
        raise ValueError(f"{os.fsdecode(path)}: not a sealed file")
    return unseal(data)


def write_sealed(path: str | os.PathLike, value) -> None:
    """Seal `value` into the file at `path`, whole or not at all (raises OSError)."""
    from pathlib import Path

    from tui.core.durable import replace_file  # (writing only: it loads tempfile)

    path = Path(path)
    replace_file(path, seal(value), f".{path.name}-", sync=False)  # a cache: rebuilt if lost


__all__ = ["read_sealed", "seal", "unseal", "write_sealed"]
