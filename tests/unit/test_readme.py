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


def test_every_binding_id_is_documented():
    from tui.ui.app import NewsroomApp
    from tui.ui.screens.browse import BrowseScreen
    from tui.ui.screens.help import collect_bindings
    from tui.ui.screens.search import SearchScreen
    from tui.ui.widgets.article_list import ArticleList
    from tui.ui.widgets.reader import Reader

    owners = (NewsroomApp, BrowseScreen, ArticleList, Reader, SearchScreen)
    ids = {b.id for owner in owners for b in collect_bindings(owner) if b.id}
    documented = README.split("Binding ids:", 1)[1].split("\n\n", 1)[0]
    missing = sorted(i for i in ids if f"`{i}`" not in documented)
    assert not missing, f"README lacks binding ids: {missing}"
