"""How `newsroom list` lays out its columns: by terminal cells, in a terminal and in a pipe."""

from __future__ import annotations

import io

from rich.cells import cell_len
from rich.console import Console

from tests.conftest import SAMPLE_CONFIG
from tui.chinese.presenter import Presenter
from tui.chinese.script import ScriptConverter
from tui.commands.lookup import print_articles
from tui.core import config, loader


def printed(width: int, terminal: bool) -> list[str]:
    newsroom = loader.load_newsroom(config.load(SAMPLE_CONFIG))
    out = io.StringIO()
    console = Console(file=out, width=width, force_terminal=terminal, color_system=None, highlight=False)
    print_articles(console, newsroom.articles, newsroom, Presenter(ScriptConverter()))
    return out.getvalue().splitlines()


def test_a_pipe_gets_a_line_a_row_lined_up_by_cells():
    lines = printed(4096, terminal=False)
    assert lines[0].split() == ["date", "section", "title", "id"]
    assert len(lines) == 4 and "王岐山在質量工作座談會上指出" in lines[1]
    ids = [line.index(line.split()[-1]) for line in lines]  # where each id starts, in characters
    starts = {cell_len(line[:start]) for line, start in zip(lines, ids)}
    assert len(starts) == 1  # one column, whatever the widths of the Chinese before it


def in_order(part: str, text: str) -> bool:
    rest = iter(text)
    return all(char in rest for char in part)


def test_a_narrow_terminal_wraps_titles_and_ids_within_its_width():
    lines = printed(60, terminal=True)
    assert all(cell_len(line) <= 60 for line in lines)
    assert len(lines) > 4  # rows took more than one line each
    first_row = "".join(lines[1:3])
    assert in_order("王岐山在質量工作座談會上指出", first_row)
    assert in_order("meetings/wang-qishan-quality-forum", first_row)
    assert lines[2].startswith(" " * 21)  # a row's next lines leave the date and section columns blank
