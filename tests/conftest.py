"""Shared fixtures. Every test runs with its own config, state and cache dirs,
so no test can read or write the user's own."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SAMPLE_CONFIG = ROOT / "config.toml"
# The scraped page the sample newsroom was built from, kept as a fixture so the
# tests need nothing outside the repository.
SEED_PAGE = ROOT / "tests" / "fixtures" / "seed-page.txt"
# Bytes that crash the interpreter in marshal.loads (a segfault, not an exception): a tuple
# that holds a dict keyed by a reference to that tuple, still unfilled. Damage to a cache
# file can look like this.
MARSHAL_CRASH = b"\xa9\x01{r\x00\x00\x00\x00N0"


@pytest.fixture(autouse=True)
def isolated_user_dirs(tmp_path_factory, monkeypatch):
    home = tmp_path_factory.mktemp("home")
    for name in ("XDG_CONFIG_HOME", "XDG_STATE_HOME", "XDG_CACHE_HOME", "XDG_DATA_HOME"):
        path = home / name.lower()
        path.mkdir()
        monkeypatch.setenv(name, str(path))
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.delenv("NEWSROOM_CONFIG", raising=False)
    for name in ("LC_ALL", "LC_CTYPE", "LC_MESSAGES", "LANGUAGE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("LANG", "C.UTF-8")
    monkeypatch.delenv("NO_COLOR", raising=False)
    return home


@pytest.fixture
def sample_config() -> Path:
    return SAMPLE_CONFIG


def write_article(root: Path, rel: str, title: str = "標題", body: str = "正文。", **front) -> Path:
    """Write a content file with TOML front matter (values given as TOML source text)."""
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    lines = ["+++", f"title = {title!r}" if title is not None else ""]
    lines += [f"{key} = {value}" for key, value in front.items()]
    lines += ["+++", body]
    path.write_text("\n".join(lines), encoding="utf-8")
    return path
