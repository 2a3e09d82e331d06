"""config.toml: discovery, validation and clear errors.

Discovery order: `--config PATH`, `$NEWSROOM_CONFIG`, `./config.toml`, the user
config dir, then the bundled sample newsroom. A config that cannot be used
raises `ConfigError` naming the file, line and key; the CLI turns it into a
short message and exit status 2.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from tui.core import toml
from tui.core.errors import ConfigError
from tui.core.keys import BINDING_IDS
from tui.core.records import field, record, replace
from tui.core.site import Site, SiteConfigError, describe
from tui.core.user_dirs import config_dir

SCRIPT_MODES = ("original", "simplified", "traditional", "taiwan", "hongkong")
_PACKAGE_DIR = Path(__file__).resolve().parent.parent  # tui/, where the wheel puts sample/


@record(frozen=True)
class SectionConfig:
    """A section as config.toml declares it."""

    id: str
    label: str
    front_page: bool = False


@record(frozen=True)
class KioskConfig:
    """The `[kiosk]` table: the locked demo mode."""

    enabled: bool = False
    idle_seconds: float = 120.0
    rotate_seconds: float = 0.0  # 0 turns attract mode off
    exit_key: str = ""  # empty: no way out from the keyboard


@record(frozen=True)
class Config:
    """Everything config.toml (or a bare content dir) says about the newsroom."""

    path: Path | None  # None when opened with --content alone
    title: str
    content_dir: Path
    script: str | None = None  # None: not set, so the locale may decide
    sections: tuple[SectionConfig, ...] = ()
    glossary: dict[str, str] = field(default_factory=dict)
    glossary_file: Path | None = None
    kiosk: KioskConfig = KioskConfig()
    keys: dict[str, str] = field(default_factory=dict)
    watch: bool = True  # follow changes to the content folder while the app is open
    site: Site = Site()  # a static site's layout: languages, language folders (see site.py)
    # Content files that are links to files outside the content dir: read only when
    # this is set, for local use. A kiosk or a server never reads them.
    allow_outside_links: bool = False


# The schema: table -> key -> (type, required). Unknown keys are errors, so a
# typo never silently does nothing.
_SCHEMA: dict[str, dict[str, tuple[type | tuple[type, ...], bool]]] = {
    "newsroom": {
        "title": (str, False),
        "content_dir": (str, True),
        "script": (str, False),
        "watch": (bool, False),
        "show_scheduled": (bool, False),
        "allow_outside_links": (bool, False),
    },
    "sections": {"id": (str, True), "label": (str, True), "front_page": (bool, False)},
    "script": {"glossary": (dict, False), "glossary_file": (str, False)},
    "kiosk": {
        "enabled": (bool, False),
        "idle_seconds": ((int, float), False),
        "rotate_seconds": ((int, float), False),
        "exit_key": (str, False),
    },
    "keys": {},  # binding id -> key(s), checked below
}
_TYPE_NAMES = {str: "a string", bool: "true or false", dict: "a table", (int, float): "a number"}


def user_config_path() -> Path:
    return Path(config_dir()) / "config.toml"


def bundled_config_path() -> Path:
    """The sample newsroom: inside the wheel, or at the top of a source checkout."""
    packaged = _PACKAGE_DIR / "sample" / "config.toml"
    return packaged if packaged.exists() else _PACKAGE_DIR.parent / "config.toml"


def discover(explicit: str | os.PathLike | None = None) -> Path:
    """Find the config file to use, following the documented order."""
    if explicit:
        return Path(explicit)
    if env := os.environ.get("NEWSROOM_CONFIG"):
        return Path(env)
    for candidate in (Path.cwd() / "config.toml", user_config_path()):
        if candidate.is_file():
            return candidate
    return bundled_config_path()


def load(path: Path) -> Config:
    """Read and validate a config file."""
    try:
        raw_text = path.read_bytes().decode("utf-8-sig")
    except FileNotFoundError:
        raise ConfigError(path, "config file not found") from None
    except UnicodeDecodeError as error:
        raise ConfigError(path, f"not UTF-8 text ({error.reason} at byte {error.start})") from None
    except OSError as error:
        raise ConfigError(path, f"cannot read: {error.strerror}") from None
    try:
        data = toml.loads(raw_text)
    except toml.TOMLDecodeError as error:
        message, line = toml.split_error(error, raw_text)
        raise ConfigError(path, f"TOML syntax error: {message}", line) from None
    return _build(path, toml.KeyLines(raw_text), data)


def for_content_dir(content_dir: Path) -> Config:
    """A config for `--content DIR` alone: sections come from the folders. DIR may be a
    static site's root (Hugo, Zola, Hexo): its content folder, title and languages are read
    from the site's own config."""
    if not content_dir.is_dir():
        raise ConfigError(content_dir, "content directory not found")
    content_dir, site = _describe_site(content_dir)
    return Config(path=None, title=site.title or content_dir.resolve().name, content_dir=content_dir, site=site)


def _describe_site(folder: Path) -> tuple[Path, Site]:
    """The content dir and layout for a folder given as content or as a site root."""
    try:
        content_dir, site = describe(folder)
    except SiteConfigError as error:
        raise ConfigError(error.path, error.message, error.line) from None
    if not content_dir.is_dir():
        raise ConfigError(site.config_path or folder, f"the site's content folder is missing: {content_dir}")
    return content_dir, site


def with_content_dir(config: Config, folder: Path, show_scheduled: bool | None = None) -> Config:
    """`config` reading `folder` (a content dir or a site root) instead of its own."""
    content_dir, site = _describe_site(folder)
    show = config.site.show_future and config.site.show_expired if show_scheduled is None else show_scheduled
    if show:
        site = replace(site, show_future=True, show_expired=True)
    return replace(config, content_dir=content_dir, site=site)


def locked(config: Config) -> Config:
    """The config as a kiosk or a server uses it: nothing read from outside the content dir."""
    return replace(config, allow_outside_links=False)


def _check_table(path: Path, lines: toml.KeyLines, name: str, table: Any, index: int = 0) -> dict:
    where = f"{name}[{index}]" if name == "sections" else name
    if not isinstance(table, dict):
        raise ConfigError(path, f"[{where}] must be a table", lines.key(name, None, index), name)
    schema = _SCHEMA[name]
    for key, value in table.items():
        line = lines.key(name, key, index)
        if name == "keys":
            if key not in BINDING_IDS:
                known = ", ".join(BINDING_IDS)
                raise ConfigError(path, f"unknown binding id {key!r} (known ids: {known})", line, "keys")
            if not isinstance(value, str):
                raise ConfigError(path, 'a key binding must be a string such as "ctrl+f"', line, f"keys.{key}")
            continue
        if key not in schema:
            known = ", ".join(schema)
            raise ConfigError(path, f"unknown key (expected one of: {known})", line, f"{where}.{key}")
        expected, _ = schema[key]
        if not isinstance(value, expected) or (expected == (int, float) and isinstance(value, bool)):
            raise ConfigError(
                path, f"must be {_TYPE_NAMES[expected]}, not {type(value).__name__}", line, f"{where}.{key}"
            )
    for key, (_, required) in schema.items():
        if required and key not in table:
            raise ConfigError(path, "missing required key", lines.key(name, None, index), f"{where}.{key}")
    return table


def _build(path: Path, lines: toml.KeyLines, data: dict) -> Config:
    for name in data:
        if name not in _SCHEMA:
            line = lines.table(name) or lines.key("", name)  # a table, or a key set before any table
            raise ConfigError(path, f"unknown table (expected: {', '.join(_SCHEMA)})", line, name)
    if "newsroom" not in data:
        raise ConfigError(path, "missing [newsroom] table with content_dir", None, "newsroom")
    newsroom = _check_table(path, lines, "newsroom", data["newsroom"])
    base = path.resolve().parent
    content_dir = base / newsroom["content_dir"]
    if not content_dir.is_dir():
        raise ConfigError(
            path,
            f"content directory not found: {content_dir}",
            lines.key("newsroom", "content_dir"),
            "newsroom.content_dir",
        )
    script = newsroom.get("script")
    if script is not None and script not in SCRIPT_MODES:
        raise ConfigError(
            path,
            f"unknown script {script!r} (expected one of: {', '.join(SCRIPT_MODES)})",
            lines.key("newsroom", "script"),
            "newsroom.script",
        )

    raw_sections = data.get("sections", [])
    if not isinstance(raw_sections, list):
        raise ConfigError(path, "use [[sections]] entries", lines.key("sections", None), "sections")
    sections: list[SectionConfig] = []
    seen: set[str] = set()
    for index, raw in enumerate(raw_sections):
        table = _check_table(path, lines, "sections", raw, index)
        line = lines.key("sections", "id", index)
        if not table["id"].strip():
            raise ConfigError(path, "section id must not be empty", line, f"sections[{index}].id")
        if table["id"] in seen:
            raise ConfigError(path, f"duplicate section id {table['id']!r}", line, f"sections[{index}].id")
        seen.add(table["id"])
        sections.append(SectionConfig(table["id"], table["label"], table.get("front_page", False)))
    front_pages = [index for index, section in enumerate(sections) if section.front_page]
    if len(front_pages) > 1:
        second = front_pages[1]
        raise ConfigError(
            path,
            "only one section may be the front page",
            lines.key("sections", "front_page", second),
            f"sections[{second}].front_page",
        )

    script_table = _check_table(path, lines, "script", data.get("script", {}))
    glossary = script_table.get("glossary", {})
    for source, target in glossary.items():
        if not isinstance(target, str):
            line = lines.key("script.glossary", source) or lines.key("script", "glossary")
            raise ConfigError(path, "glossary entries map a phrase to a string", line, f"script.glossary.{source}")
    glossary_file = script_table.get("glossary_file")

    kiosk_table = _check_table(path, lines, "kiosk", data.get("kiosk", {}))
    keys = _check_table(path, lines, "keys", data.get("keys", {}))
    config = Config(
        path=path,
        title=newsroom.get("title", "Newsroom"),
        content_dir=content_dir,
        script=script,
        sections=tuple(sections),
        glossary=dict(glossary),
        glossary_file=base / glossary_file if glossary_file else None,
        kiosk=KioskConfig(**kiosk_table),
        keys=dict(keys),
        watch=newsroom.get("watch", True),
        allow_outside_links=newsroom.get("allow_outside_links", False),
    )
    return with_content_dir(config, content_dir, newsroom.get("show_scheduled", False))


def resolve_config(config: str | os.PathLike | None = None, content: str | os.PathLike | None = None) -> Config:
    """The config the command line asks for: `--content` alone, else discovery."""
    if content and not config:
        return for_content_dir(Path(content))
    loaded = load(discover(config))
    if content:
        # --content with a config: that config's sections over another directory.
        content_dir = Path(content)
        if not content_dir.is_dir():
            raise ConfigError(content_dir, "content directory not found")
        loaded = with_content_dir(loaded, content_dir)
    return loaded
