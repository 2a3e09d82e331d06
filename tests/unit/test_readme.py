"""The README's promises that code can check: the Quick start and the key table."""

from __future__ import annotations

import re

from tests.conftest import ROOT

README = (ROOT / "README.md").read_text(encoding="utf-8")


def quick_start_commands() -> list[str]:
    section = README.split("## Quick start", 1)[1].split("\n## ", 1)[0]
    block = re.search(r"```sh\n(.*?)```", section, re.S).group(1)
    return [line for line in block.splitlines() if line.strip()]


def test_quick_start_has_exactly_two_commands():
    install_and_open, test = quick_start_commands()
    assert "newsroom" in install_and_open and "pytest" not in install_and_open
    assert "[test]" in test and "pytest" in test


def test_ci_runs_the_readme_test_command():
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert quick_start_commands()[1] in ci.splitlines()


def live_binding_ids() -> list[str]:
    from tui.ui.app import NewsroomApp
    from tui.ui.screens.help import collect_bindings

    return [b.id for _, owner in NewsroomApp.binding_groups() for b in collect_bindings(owner) if b.id]


def test_the_app_binds_exactly_the_known_ids_each_once():
    from tui.core.keys import BINDING_IDS

    ids = live_binding_ids()
    assert sorted(set(ids)) == sorted(BINDING_IDS)
    assert len(ids) == len(set(ids)), "a binding id is shared by two bindings"


def test_the_readme_lists_exactly_the_known_binding_ids():
    from tui.core.keys import BINDING_IDS

    documented = README.split("Binding ids:", 1)[1].split("\n\n", 1)[0]
    assert sorted(re.findall(r"`(\w+)`", documented)) == sorted(BINDING_IDS)
