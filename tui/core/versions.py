"""Installed package versions, without importing the packages or importlib.metadata.

Cached tables (the search folding table, the pinyin syllables) and the index
are stamped with the versions of the libraries they were built from. A quick
lookup reads those stamps on every run, so reading a version must cost less
than importing the library (OpenCC, pypinyin: tens of milliseconds and
megabytes) or importlib.metadata (~15 ms): the version is read off the name
of the package's `.dist-info` folder beside it.
"""

from __future__ import annotations

import functools
import importlib.util
import os
import re

_NORMALIZE = re.compile(r"[-_.]+")


@functools.cache
def package_version(name: str) -> str:
    """The installed version of a distribution, or "unknown"."""
    spec = importlib.util.find_spec(name)
    if spec is not None and spec.origin:
        folder = os.path.dirname(os.path.dirname(spec.origin))  # site-packages, for a package
        wanted = _NORMALIZE.sub("_", name).lower()
        try:
            for entry in os.listdir(folder):
                if entry.endswith(".dist-info"):
                    distribution, _, found = entry[: -len(".dist-info")].partition("-")
                    if _NORMALIZE.sub("_", distribution).lower() == wanted:
                        return found
        except OSError:
            pass
    try:  # an unusual layout: ask the slow, thorough way
        from importlib.metadata import PackageNotFoundError, version

        return version(name)
    except (ImportError, PackageNotFoundError):
        return "unknown"


__all__ = ["package_version"]
