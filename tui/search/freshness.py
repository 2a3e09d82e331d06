"""What is in the content dir now: every content file's size and mtime, and a digest of them all.

A lookup from the shell checks freshness before it answers, so this walk is on
every lookup's path: plain `os.scandir` and string joins (pathlib objects cost
more than the walk itself at 10,000 files). It lists the same files, in the
same order, as `loader.iter_content_files` (a test holds the two together):
hidden entries and `_` folders skipped, symlinked folders not followed,
symlinked files listed; a static site's language folders only, and of a leaf
bundle only its index files.

The digest covers every (path, size, mtime) in walk order: equal to the one
stored at the last refresh means nothing changed, without reading the index's
file table.
"""

from __future__ import annotations

import hashlib
import os
import stat
from dataclasses import dataclass

from tui.core.loader import CONTENT_SUFFIXES, is_index_name, walk_roots
from tui.core.site import Site

_SUFFIXES = tuple(CONTENT_SUFFIXES)


@dataclass(frozen=True)
class Listing:
    root: str  # the content dir with a trailing separator: a file's full path is this plus its relative path
    files: dict[str, tuple[int, int]]  # relative POSIX path -> (size, mtime_ns); -1: cannot stat
    digest: str

    def path(self, rel: str) -> str:
        """The full path of a listed file."""
        return self.root + rel


def scan(content_dir: str | os.PathLike, site: Site | None = None) -> Listing:
    """Walk the content dir once: its content files and their digest.

    At 100,000 files the listing is what the app holds at its high-water mark, beside the
    newsroom: no full paths are kept (root + relative path is one), and the digest is fed
    folder by folder instead of from one joined copy of every line.
    """
    site = site or Site()
    root = os.path.join(os.fspath(content_dir), "")
    files: dict[str, tuple[int, int]] = {}
    digest = hashlib.blake2b(digest_size=16)
    separator = b""  # the digest is of every line joined by newlines, as if joined at once
    keep = site.walk_underscored
    # (folder, its path relative to the root, with a trailing "/"), the first to pop last
    tops = [(os.path.join(root, top), f"{top}/" if top else "") for top in walk_roots(site)]
    stack = list(reversed(tops))
    top_folders = {rel for _, rel in tops}
    while stack:
        folder, rel_folder = stack.pop()
        try:
            entries = list(os.scandir(folder))
        except OSError:
            continue  # unreadable or vanished: os.walk skips it too
        names: list[tuple[str, os.DirEntry]] = []
        folders: list[str] = []
        for entry in entries:
            name = entry.name
            if name.startswith("."):
                continue
            try:
                is_dir = entry.is_dir()  # follows symlinks, as os.walk sorts entries
            except OSError:
                is_dir = False
            if is_dir:
                if (not name.startswith("_") or name in keep) and not entry.is_symlink():
                    folders.append(name)
            elif name.lower().endswith(_SUFFIXES):
                names.append((name, entry))
        names.sort()
        bundle = [(name, entry) for name, entry in names if is_index_name(name, site)]
        if bundle and rel_folder not in top_folders:
            names, folders = bundle, []  # a leaf bundle: the rest is its resources
        lines: list[str] = []
        for name, entry in names:
            try:
                info = entry.stat()  # follows a symlinked file, as reading it will
                size, mtime = info.st_size, info.st_mtime_ns
                if stat.S_ISDIR(info.st_mode):
                    continue
            except OSError:
                size = mtime = -1  # a dangling symlink: reading it reports the problem
            rel = rel_folder + name
            files[rel] = (size, mtime)
            lines.append(f"{rel}\0{size}\0{mtime}")
        if lines:
            digest.update(separator + "\n".join(lines).encode("utf-8", "surrogateescape"))
            separator = b"\n"
        # Sub-folders after the files, in name order: pushed in reverse so the first pops first.
        stack.extend((os.path.join(folder, name), f"{rel_folder}{name}/") for name in sorted(folders, reverse=True))
    return Listing(root, files, digest.hexdigest())


__all__ = ["Listing", "scan"]
