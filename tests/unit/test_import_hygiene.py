"""The core never imports Textual: it must work from the CLI, tests and benchmarks
without paying for (or depending on) the UI.

Each check runs in a fresh interpreter, so modules imported by other tests in
this process cannot hide or fake an import.
"""

from __future__ import annotations

import os
import pkgutil
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import tui
from tests.conftest import ROOT

# The layers that may use Textual; everything else is core and must not.
UI_LAYERS = ("tui.ui", "tui.serve")

CHECK = (
    "import importlib, sys; importlib.import_module({module!r}); "
    "leaked = sorted(m for m in sys.modules if m == 'textual' or m.startswith('textual.')); "
    "assert not leaked, leaked[:5]"
)


def core_modules() -> list[str]:
    """Every module of the package outside the UI layers (`__main__` runs the app)."""
    names = ["tui"]
    for info in pkgutil.walk_packages(tui.__path__, "tui."):
        if info.name == "tui.__main__" or info.name.startswith(UI_LAYERS):
            continue
        names.append(info.name)
    return sorted(names)


def imports_textual(module: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-c", CHECK.format(module=module)],
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_core_module_discovery_finds_the_known_core():
    found = core_modules()
    for module in (
        "tui.cli",
        "tui.core.config",
        "tui.core.loader",
        "tui.chinese.script",
        "tui.search.index",
        "tui.commands.checker",
    ):
        assert module in found
    for module in ("tui.ui.app", "tui.__main__", "tui.ui.widgets", "tui.ui.screens", "tui.serve.ssh"):
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
    result = imports_textual("tui.ui.app")
    assert result.returncode != 0
    assert "textual" in result.stderr


def test_the_layer_contracts_hold():
    result = subprocess.run(
        [str(Path(sys.executable).with_name("lint-imports"))], cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stdout[-2000:]


def test_the_layer_contracts_catch_a_core_module_importing_textual(tmp_path):
    # Guard against vacuous contracts: a copy of the package whose core imports Textual must fail.
    shutil.copytree(ROOT / "tui", tmp_path / "tui", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "pyproject.toml", tmp_path)
    model = tmp_path / "tui" / "core" / "model.py"
    model.write_text(model.read_text(encoding="utf-8") + "\nimport textual  # noqa\n", encoding="utf-8")
    result = subprocess.run(
        [str(Path(sys.executable).with_name("lint-imports"))],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "PYTHONPATH": str(tmp_path)},
    )
    assert result.returncode != 0
    assert "tui.core is not allowed to import textual" in result.stdout
    assert "tui.core.model -> textual" in result.stdout
