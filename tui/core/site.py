"""Static sites: a Hugo, Zola or Hexo site's config, and where each content file sits in it.

`describe(folder)` reads what Newsroom needs from a site's own config — its
title, content folder(s), languages and default language — when `folder` is a
site root (Hugo: hugo.toml/yaml/json, config.*, config/_default/; Zola:
config.toml or zola.toml with base_url; Hexo: _config.yml) or the content
folder of one. A folder that is neither still gets its translations found: top
folders all named with language codes are language folders.

`locate(site, rel)` turns a file's path into its place: page id, section,
language and kind (`_index.md` is a section page; a leaf bundle's `index.md`
has its folder's id). Every file read and the whole-newsroom assembly use it,
so the app, the index and `check` always agree.
"""

from __future__ import annotations

import json
import os
from pathlib import Path, PurePosixPath
from typing import Any

from tui.core import languages, toml
from tui.core.frontmatter import load_yaml
from tui.core.records import record
from tui.core.walk_rules import is_index_name as _is_index_name
from tui.core.walk_rules import is_language as _is_language
from tui.core.walk_rules import walk_roots as _walk_roots

_CONFIG_NAMES = ("toml", "yaml", "yml", "json")
DEFAULT_TAXONOMIES = ("tags", "categories", "series")


class SiteConfigError(Exception):
    """A site config that cannot be read: the file, the line if known, and why."""

    def __init__(self, path: Path, message: str, line: int | None = None):
        self.path, self.message, self.line = path, message, line
        super().__init__(message)


@record(frozen=True)
class Site:
    """How a content folder is laid out. The default (no generator) is a plain folder of articles."""

    generator: str = ""  # "hugo", "zola", "hexo" or "" (a plain folder)
    title: str = ""
    config_path: str = ""  # the site config read, for messages
    languages: tuple[str, ...] = ()  # declared tags, default first, then by weight
    default_language: str = ""  # "" when the site does not say
    # Language folders relative to the content dir ("" = all of it), each with its tag.
    language_dirs: tuple[tuple[str, str], ...] = ()
    taxonomies: tuple[str, ...] = DEFAULT_TAXONOMIES  # front-matter keys whose lists are tags
    show_future: bool = False  # Hugo's buildFuture: pages whose publishDate is still to come
    show_expired: bool = False  # Hugo's buildExpired: pages past their expiryDate

    def is_language(self, name: str) -> bool:
        """Whether a file-name suffix names one of the site's languages."""
        return _is_language(name, self.languages)

    @property
    def walk_underscored(self) -> tuple[str, ...]:
        """Folders starting with `_` that still hold content (Hexo's posts)."""
        return ("_posts",) if self.generator == "hexo" else ()


def walk_roots(site: Site) -> list[str]:
    """The folders a walk starts from, relative to the content dir ("": all of it)."""
    return _walk_roots(site.language_dirs)


def is_index_name(name: str, site: Site) -> bool:
    """A leaf bundle's page file: index.md, or index.LANG.md in one of the site's languages."""
    return _is_index_name(name, site.languages)


@record(frozen=True)
class Location:
    """Where a content file sits: its page id, section, language and kind."""

    id: str  # "docs/intro"; a section page's id is its folder ("" for the root)
    section: str  # the top folder, "" at the top level
    lang: str
    kind: str  # "page" or "section" (an _index file)
    bundle: bool = False  # a leaf bundle's index file: its folder is the page


def locate(site: Site, rel: str) -> Location:
    """The place of a content file from its path relative to the content dir (POSIX)."""
    parts = [part for part in rel.split("/") if part and part != "."]
    lang = ""
    for folder, tag in site.language_dirs:
        folder_parts = tuple(folder.split("/")) if folder else ()
        if tuple(parts[: len(folder_parts)]) == folder_parts and len(parts) > len(folder_parts):
            parts = parts[len(folder_parts) :]
            lang = tag
            break
    name = parts.pop()
    stem = name.rsplit(".", 1)[0]
    if "." in stem:
        base, suffix = stem.rsplit(".", 1)
        if base and site.is_language(suffix):
            stem, lang = base, suffix
    lang = lang or site.default_language
    folder = "/".join(parts)
    if stem == "_index":
        return Location(folder, parts[0] if parts else "", lang, "section")
    if stem == "index" and parts:
        return Location(folder, parts[0] if len(parts) > 1 else "", lang, "page", bundle=True)
    page_id = f"{folder}/{stem}" if folder else stem
    return Location(page_id, parts[0] if parts else "", lang, "page")


# --- reading a site's config -------------------------------------------------------------


def describe(folder: Path) -> tuple[Path, Site]:
    """The content dir to read and its layout, for a folder given as content or as a site root."""
    found = _site_config(folder)
    if found is not None:
        return _from_config(folder, *found)
    parent = folder.resolve().parent
    found = _site_config(parent)
    if found is not None and _under(folder, parent):
        content_dir, site = _from_config(parent, *found)
        return folder, _narrowed(site, folder, content_dir)
    return folder, Site(language_dirs=_guess_language_dirs(folder))


def _under(folder: Path, root: Path) -> bool:
    try:
        folder.resolve().relative_to(root.resolve())
    except ValueError:
        return False
    return True


def _narrowed(site: Site, folder: Path, content_dir: Path) -> Site:
    """The site seen from one of its content folders (`--content site/content` or `site/content.zh`)."""
    rel = os.path.relpath(folder.resolve(), content_dir.resolve()).replace(os.sep, "/")
    if rel == ".":
        return site
    dirs = []
    for path, tag in site.language_dirs:
        if path == rel:
            dirs.append(("", tag))
        elif path.startswith(rel + "/"):
            dirs.append((path[len(rel) + 1 :], tag))
    return Site(**{**site.__dict__, "language_dirs": tuple(dirs)})


def _guess_language_dirs(folder: Path) -> tuple[tuple[str, str], ...]:
    """Top folders that are all language codes (at least two) are translations, not sections."""
    try:
        names = sorted(
            entry.name
            for entry in os.scandir(folder)
            if entry.is_dir(follow_symlinks=False) and not entry.name.startswith((".", "_"))
        )
    except OSError:
        return ()
    if len(names) >= 2 and all(languages.looks_like_tag(name) for name in names):
        return tuple((name, name) for name in names)
    return ()


def _site_config(root: Path) -> tuple[str, Path, dict] | None:
    """(generator, config file, its data) for a site root, or None."""
    candidates: list[tuple[str, Path]] = []
    for name in ("hugo", "config"):
        candidates += [("?", root / f"{name}.{suffix}") for suffix in _CONFIG_NAMES]
    for name in ("hugo", "config"):
        candidates += [("hugo", root / "config" / "_default" / f"{name}.{suffix}") for suffix in _CONFIG_NAMES]
    candidates.append(("zola", root / "zola.toml"))
    candidates.append(("hexo", root / "_config.yml"))
    for generator, path in candidates:
        if not path.is_file():
            continue
        data = _read_config(path)
        if generator == "?":
            if "newsroom" in data:
                continue  # Newsroom's own config.toml, not a site's
            generator = "zola" if "base_url" in data else "hugo"
        if generator == "hexo" and not (root / str(data.get("source_dir", "source"))).is_dir():
            continue
        if generator == "hugo" and path.parent.name == "_default":
            data = _merge_hugo_default(path.parent, data)
        return generator, path, data
    return None


def _read_config(path: Path) -> dict:
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except (OSError, UnicodeDecodeError) as error:
        raise SiteConfigError(path, f"cannot read the site config: {error}") from None
    try:
        if path.suffix == ".toml":
            data: Any = toml.loads(text)
        elif path.suffix == ".json":
            data = json.loads(text)
        else:
            data = load_yaml(text)
    except toml.TOMLDecodeError as error:
        message, line = toml.split_error(error, text)
        raise SiteConfigError(path, f"TOML syntax error: {message}", line) from None
    except json.JSONDecodeError as error:
        raise SiteConfigError(path, f"JSON syntax error: {error.msg}", error.lineno) from None
    except ValueError as error:  # YAML, as load_yaml reports it
        raise SiteConfigError(path, str(error), getattr(error, "line", None)) from None
    return data if isinstance(data, dict) else {}


def _merge_hugo_default(folder: Path, data: dict) -> dict:
    """Hugo's config/_default/: languages.toml (and friends) are the tables of the same name."""
    merged = dict(data)
    for name in ("languages", "taxonomies", "params"):
        for suffix in _CONFIG_NAMES:
            path = folder / f"{name}.{suffix}"
            if path.is_file() and name not in {key.lower() for key in merged}:
                merged[name] = _read_config(path)
                break
    return merged


def _lower_keys(table: Any) -> dict:
    return {str(key).lower(): value for key, value in table.items()} if isinstance(table, dict) else {}


def _from_config(root: Path, generator: str, path: Path, data: dict) -> tuple[Path, Site]:
    if generator == "zola":
        return _zola(root, path, data)
    if generator == "hexo":
        return _hexo(root, path, data)
    return _hugo(root, path, data)


def _hugo(root: Path, path: Path, raw: dict) -> tuple[Path, Site]:
    data = _lower_keys(raw)
    main_dir = str(data.get("contentdir") or "content")
    declared = [
        (str(tag), _lower_keys(table))
        for tag, table in (data.get("languages") or {}).items()
        if isinstance(table, dict) and not _lower_keys(table).get("disabled")
    ]
    default = str(data.get("defaultcontentlanguage") or (declared and "en") or data.get("languagecode") or "")
    declared.sort(key=lambda item: (languages.normalize(item[0]) != languages.normalize(default), _weight(item[1])))
    dirs = {languages.normalize(default): main_dir} if declared else {}
    for tag, table in declared:
        if table.get("contentdir"):
            dirs[languages.normalize(tag)] = str(table["contentdir"])
    folders = [(_clean_rel(folder), tag) for tag, folder in dirs.items()]
    if len({folder for folder, _ in folders}) < max(2, len(folders)):
        folders = []  # languages that share one folder are told apart by file name
    content_dir, language_dirs = _common_content_dir(root, main_dir, folders)
    taxonomies = tuple(str(plural) for plural in _lower_keys(data.get("taxonomies")).values() if plural)
    return content_dir, Site(
        generator="hugo",
        title=str(data.get("title") or ""),
        config_path=str(path),
        languages=tuple(tag for tag, _ in declared),
        default_language=default,
        language_dirs=language_dirs,
        taxonomies=taxonomies or DEFAULT_TAXONOMIES,
        show_future=bool(data.get("buildfuture")),
        show_expired=bool(data.get("buildexpired")),
    )


def _weight(table: dict) -> float:
    weight = table.get("weight")
    return weight if isinstance(weight, (int, float)) and weight > 0 else float("inf")


def _clean_rel(folder: str) -> str:
    return PurePosixPath(folder.replace("\\", "/")).as_posix().strip("/")


def _common_content_dir(
    root: Path, main_dir: str, folders: list[tuple[str, str]]
) -> tuple[Path, tuple[tuple[str, str], ...]]:
    """One folder holding every language's content, and each language's folder inside it."""
    if not folders:
        return root / main_dir, ()
    common = os.path.commonpath([folder for folder, _ in folders]) if all(f for f, _ in folders) else ""

    def inside(folder: str) -> str:
        if folder == common:
            return ""
        return folder[len(common) + 1 :] if common else folder

    return (root / common if common else root), tuple((inside(folder), tag) for folder, tag in folders)


def _zola(root: Path, path: Path, data: dict) -> tuple[Path, Site]:
    declared = [str(tag) for tag in (data.get("languages") or {})]
    default = str(data.get("default_language") or (declared and "en") or "")
    tags = [default, *(tag for tag in declared if tag != default)] if declared else []
    taxonomies = tuple(
        str(entry["name"]) for entry in data.get("taxonomies") or () if isinstance(entry, dict) and entry.get("name")
    )
    return root / "content", Site(
        generator="zola",
        title=str(data.get("title") or ""),
        config_path=str(path),
        languages=tuple(tags),
        default_language=default,
        taxonomies=(*DEFAULT_TAXONOMIES, *taxonomies),
    )


def _hexo(root: Path, path: Path, data: dict) -> tuple[Path, Site]:
    language = data.get("language")
    if isinstance(language, list):
        language = language[0] if language else ""
    default = "" if not language or language == "default" else str(language)
    return root / str(data.get("source_dir") or "source"), Site(
        generator="hexo",
        title=str(data.get("title") or ""),
        config_path=str(path),
        default_language=default,
    )
