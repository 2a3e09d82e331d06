"""The core never imports Textual: it must work from the CLI, tests and benchmarks
without paying for (or depending on) the UI.

Each check runs in a fresh interpreter, so modules imported by other tests in
this process cannot hide or fake an import.
"""

from __future__ import annotations

import pkgutil
import subprocess
import sys

import pytest

import tui

# Modules at the top of the package that are allowed to use Textual.
UI_MODULES = {"app", "cli", "__main__"}

CHECK = (
    "import importlib, sys; importlib.import_module({module!r}); "
    "leaked = sorted(m for m in sys.modules if m == 'textual' or m.startswith('textual.')); "
    "assert not leaked, leaked[:5]"
)


def core_modules() -> list[str]:
    """Every top-level module of the package except the UI ones and the UI subpackages."""
    names = ["tui"]
    for info in pkgutil.iter_modules(tui.__path__):
        if info.ispkg or info.name in UI_MODULES:
            continue  # tui/widgets/, tui/screens/ and the UI entry points
        names.append(f"tui.{info.name}")
    return sorted(names)


def imports_textual(module: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-c", CHECK.format(module=module)],
        capture_output=True, text=True, timeout=60,
    )


def test_core_module_discovery_finds_the_known_core():
    found = core_modules()
    for module in ("tui.config", "tui.loader", "tui.model", "tui.text"):
        assert module in found
    for module in ("tui.app", "tui.cli", "tui.__main__", "tui.widgets", "tui.screens"):
        assert module not in found


@pytest.mark.parametrize("module", core_modules())
def test_core_module_does_not_import_textual(module):
    result = imports_textual(module)
    assert result.returncode == 0, f"{module} imports textual: {result.stderr.strip().splitlines()[-1:]}"


def test_cli_module_alone_does_not_import_textual():
    # Quick lookups (`newsroom --version`, listing, checking) must not load the UI.
    result = imports_textual("tui.cli")
    assert result.returncode == 0, f"tui.cli imports textual: {result.stderr.strip().splitlines()[-1:]}"


def test_the_check_detects_a_module_that_does_import_textual():
    # Guard against a vacuous check: the app itself certainly imports Textual.
    result = imports_textual("tui.app")
    assert result.returncode != 0
    assert "textual" in result.stderr
