"""Giving memory the app has freed back to the system."""

from __future__ import annotations

import ctypes
import ctypes.util
import functools
import sys


@functools.cache
def _trim():
    """glibc's malloc_trim, or None (another C library, another system)."""
    if not sys.platform.startswith("linux"):
        return None
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        return libc.malloc_trim
    except (OSError, AttributeError):  # musl has no malloc_trim
        return None


def give_back() -> bool:
    """Return the C heap's free pages to the system; True if the C library could be asked.

    Loading a big newsroom (or walking its folder) in a worker thread leaves megabytes free
    in that thread's malloc arena, which glibc keeps for later use: at 100,000 articles about
    5 MB of the app's resident memory. Nothing is freed that is in use; safe from any thread.
    """
    trim = _trim()
    if trim is None:
        return False
    trim(0)
    return True
