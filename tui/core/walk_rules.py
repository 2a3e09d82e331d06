"""Which files under a content dir are pages: what a walk needs of a site, in plain values.

A quick lookup forks its freshness walkers before it imports anything else (tui/launch.py),
so this module, and the walk that uses it (search/freshness.py), import next to nothing:
not the site config readers, not dataclasses, not typing.
"""

from __future__ import annotations

from collections import namedtuple

from tui.core.languages import looks_like_tag, normalize

CONTENT_SUFFIXES = (".md", ".markdown")  # a content file's name ends so, in any case


def is_language(name: str, tags: tuple[str, ...]) -> bool:
    """Whether a file-name suffix names one of `tags` (any language tag if there are none)."""
    if tags:
        return normalize(name) in {normalize(tag) for tag in tags}
    return looks_like_tag(name)


def walk_roots(language_dirs: tuple[tuple[str, str], ...]) -> list[str]:
    """The folders a walk starts from, relative to the content dir ("": all of it)."""
    roots = sorted({folder for folder, _ in language_dirs})
    return [""] if not roots or "" in roots else roots


def is_index_name(name: str, languages: tuple[str, ...]) -> bool:
    """A leaf bundle's page file: index.md, or index.LANG.md in one of the languages."""
    stem = name.rsplit(".", 1)[0]
    return stem == "index" or (stem.startswith("index.") and is_language(stem[6:], languages))


class WalkRules(namedtuple("WalkRules", "language_dirs walk_underscored languages")):
    """The part of a `Site` a walk reads, under the same names: its language folders, the
    `_` folders that hold content, its declared languages. Equal rules walk alike."""

    __slots__ = ()

    @classmethod
    def of(cls, site) -> WalkRules:
        return cls(tuple(site.language_dirs), tuple(site.walk_underscored), tuple(site.languages))


DEFAULT_RULES = WalkRules((), (), ())  # a plain folder of articles

__all__ = ["CONTENT_SUFFIXES", "DEFAULT_RULES", "WalkRules", "is_index_name", "is_language", "walk_roots"]
