"""How `newsroom list` lays out its columns: by terminal cells, in a terminal and in a pipe."""

from __future__ import annotations

import io

from rich.cells import cell_len

from tests.conftest import SAMPLE_CONFIG, write_article
from tui.chinese.presenter import Presenter
from tui.chinese.script import ScriptConverter
from tui.commands.lookup import listing_rows, print_articles
from tui.commands.styled import Printer
from tui.core import config, loader
from tui.core.model import ListingRows


def printed(width: int, terminal: bool, rows=None, newsroom=None) -> list[str]:
    newsroom = newsroom or loader.load_newsroom(config.load(SAMPLE_CONFIG))
    out = io.StringIO()
    console = Printer(file=out, terminal=terminal, width=width, styles=False)
    present = Presenter(ScriptConverter())
    rows = listing_rows(newsroom.articles, present) if rows is None else rows
    print_articles(console, ListingRows.of(rows), newsroom, present)
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


def test_rows_read_from_the_stored_newsroom_print_as_the_articles_do(tmp_path):
    from tui.search.stored import StoredNewsroom, save

    write_article(tmp_path / "content", "news/a.md", title="王岐山在質量工作座談會上指出", date="2024-03-04")
    write_article(
        tmp_path / "content", "news/b.md", title="喜訊 🎉 e\u0301 café", date="2024-03-03"
    )  # measured when printed
    write_article(tmp_path / "content", "news/c.md", title="质检总局：Ｑ３ 报告")
    newsroom = loader.load_newsroom(config.for_content_dir(tmp_path / "content"))
    save(newsroom, tmp_path / "stored", "k")
    listing = StoredNewsroom.open(tmp_path / "stored", "k", lambda: newsroom).listing("news")
    rows = [row for batch in listing.batches for row in batch]
    assert {row[4] for row in rows} != {-1} and {row[5] for row in rows} != {-1}  # widths kept in the file
    for width, terminal in ((4096, False), (80, True), (30, True)):
        assert printed(width, terminal, rows, newsroom) == printed(width, terminal, newsroom=newsroom)


def test_thousands_of_rows_print_one_line_each_lined_up(tmp_path):
    # A pipe gets its lines a thousand at a time; none is lost or doubled at the seams.
    newsroom = loader.load_newsroom(config.load(SAMPLE_CONFIG))
    rows = [("2024-03-04", "meetings", f"第{n}篇報道" + "長" * (n % 7), f"meetings/a{n}", -1, -1) for n in range(2500)]
    lines = printed(4096, False, rows, newsroom)
    assert len(lines) == 2501
    assert [line.split()[-1] for line in lines[1:]] == [f"meetings/a{n}" for n in range(2500)]
    assert len({cell_len(line[: line.index("meetings/")]) for line in lines[1:]}) == 1


# -- styles: in a terminal only -------------------------------------------------------

from tui.commands.lookup import print_hits  # noqa: E402
from tui.commands.styled import Styled  # noqa: E402
from tui.search.query import parse_query  # noqa: E402


def hits_printed(terminal: bool, styles: bool | None = None, monkeypatch=None) -> str:
    from tui.search.index import SearchIndex

    cfg = config.load(SAMPLE_CONFIG)
    index = SearchIndex.open(cfg)
    newsroom = index.refresh()
    query = parse_query("質量")
    hits = index.search(query)
    index.close()
    out = io.StringIO()
    printer = Printer(file=out, terminal=terminal, width=100, styles=styles)
    print_hits(printer, hits, newsroom, Presenter(ScriptConverter()), query.highlight_terms())
    return out.getvalue()


def test_a_terminal_gets_bold_titles_and_marked_matches():
    shown = hits_printed(terminal=True, styles=True)
    first = shown.splitlines()[0]
    assert first.startswith("\x1b[0;1m 1. ")  # the title in bold
    assert "\x1b[0;1;7m質量\x1b[0;1m" in first  # the match in it: bold and reverse, then bold again
    assert first.endswith("\x1b[0m")  # every style ends with its line
    assert "\x1b[0;2m    " in shown  # the section, date and id dim


def test_a_pipe_and_a_dumb_terminal_get_no_escape_sequence(monkeypatch):
    assert "\x1b" not in hits_printed(terminal=False)
    monkeypatch.setenv("TERM", "dumb")
    assert "\x1b" not in hits_printed(terminal=True)
    monkeypatch.setenv("TERM", "xterm-256color")
    assert "\x1b[0;1m" in hits_printed(terminal=True)
    assert hits_printed(terminal=False).splitlines()[0].startswith(" 1. ")


def test_styles_are_written_where_they_change_and_nowhere_else():
    line = Styled("標題 and 正文", "bold")
    line.stylize("reverse", 0, 2)
    line.append("  id", "dim")
    line.append(" plain")
    out = io.StringIO()
    Printer(file=out, terminal=True, width=80, styles=True).print(line)
    assert out.getvalue() == "\x1b[0;1;7m標題\x1b[0;1m and 正文\x1b[0;2m  id\x1b[0m plain\n"
    spaced = Styled("x   ", "bold")
    spaced.rstrip()  # a span past the end is clipped, never written as an empty run
    out = io.StringIO()
    Printer(file=out, terminal=True, width=80, styles=True).print(spaced)
    assert out.getvalue() == "\x1b[0;1mx\x1b[0m\n"


def test_rows_beyond_what_the_listing_measured_still_print_whole():
    """Rows the stored newsroom's damage sent from the whole newsroom mid-print can be wider, or
    in a section, than the listing measured first: each prints, unpadded, on a line of its own."""
    newsroom = loader.load_newsroom(config.load(SAMPLE_CONFIG))
    rows = [("2024-03-04", "meetings", "王岐山在質量工作座談會上指出", "meetings/a", -1, -1)]
    for width, terminal in ((4096, False), (40, True)):
        out = io.StringIO()
        listing = ListingRows(1, frozenset(), 1, 2, 1, batches=[rows])
        print_articles(
            Printer(file=out, terminal=terminal, width=width, styles=False),
            listing,
            newsroom,
            Presenter(ScriptConverter()),
        )
        text = "".join(out.getvalue().splitlines()[1:])
        assert "會議" in text and in_order("王岐山在質量工作座談會上指出", text) and in_order("meetings/a", text)
        if not terminal:  # a pipe's row is one line, unpadded past what was measured
            assert out.getvalue().splitlines()[1] == "2024-03-04  會議     王岐山在質量工作座談會上指出  meetings/a"


def test_the_terminals_width_is_found_as_shutil_finds_it(monkeypatch):
    """Without shutil's imports (1.5 ms a lookup): $COLUMNS, else standard output's terminal."""
    import fcntl
    import os
    import shutil
    import struct
    import subprocess
    import sys
    import termios

    from tests.conftest import ROOT
    from tui.commands.styled import terminal_columns

    for columns in ("100", "abc", "0", "-3", None):
        if columns is None:
            monkeypatch.delenv("COLUMNS", raising=False)
        else:
            monkeypatch.setenv("COLUMNS", columns)
        assert terminal_columns() == shutil.get_terminal_size().columns
    main, secondary = os.openpty()
    fcntl.ioctl(secondary, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 57, 0, 0))
    code = "import shutil; from tui.commands.styled import terminal_columns as t; print(t(), shutil.get_terminal_size().columns)"
    env = {key: value for key, value in os.environ.items() if key != "COLUMNS"}
    done = subprocess.run(
        [sys.executable, "-c", code], stdout=secondary, stderr=subprocess.PIPE, cwd=ROOT, env=env, timeout=60
    )
    os.close(secondary)
    assert done.returncode == 0, done.stderr
    assert os.read(main, 100).split() == [b"57", b"57"]
    os.close(main)


def test_help_is_laid_out_as_argparse_would(monkeypatch):
    """The CLI's help formatter only finds the width its own way."""
    import argparse

    from tui import cli

    monkeypatch.setenv("COLUMNS", "71")
    ours = [cli.make_parser().format_help()]
    ours += [action.format_help() for action in cli.make_parser()._subparsers._group_actions[0].choices.values()]
    monkeypatch.setattr(cli, "_HelpFormatter", argparse.HelpFormatter)
    theirs = [cli.make_parser().format_help()]
    theirs += [action.format_help() for action in cli.make_parser()._subparsers._group_actions[0].choices.values()]
    assert ours == theirs and max(len(line) for text in ours for line in text.splitlines()) <= 71
