"""Tables laid out in terminal cells to fit a width: CJK by cells, cells wrapped, never wider."""

from __future__ import annotations

import pytest
from rich.cells import cell_len

from tui.chinese.tables import lay_out_table
from tui.core.document import parse_markdown

TABLE = (
    "| 名稱 | 数量 | 說明 |\n"
    "|:--|--:|:-:|\n"
    "| 質量 | 27 | 國務院副總理王岐山27日在北京主持召開質量工作座談會。他指出，质量是基础，安全是底线。 |\n"
    "| **安全** | 3 | short |\n"
)


def lines(body: str, width: int | None) -> list[str]:
    block = parse_markdown(body)[0]
    return ["".join(run.text for run in line) for line in lay_out_table(block.rows, block.aligns, width)]


def test_a_table_that_fits_keeps_its_natural_widths_and_alignment():
    assert lines("| 名稱 | 数量 |\n|:--|--:|\n| 質量 | 27 |\n| 安全 | 3 |", None) == [
        "名稱 | 数量",
        "-----+-----",
        "質量 |   27",
        "安全 |    3",
    ]


@pytest.mark.parametrize("width", [120, 80, 60, 40, 30, 24, 20, 12, 8, 4, 2])
def test_no_line_is_wider_than_the_pane_and_no_text_is_lost(width):
    laid_out = lines(TABLE, width)
    assert all(cell_len(line) <= width for line in laid_out), laid_out
    if " | " in laid_out[0]:  # as a table: each column's pieces, top to bottom, give its cells back
        column = "".join(line.split(" | ")[2].strip() for line in laid_out if line.count(" | ") == 2)
        assert "說明" in column and "國務院副總理王岐山27日" in column and "质量是基础，安全是底线。" in column
    else:  # as records
        assert "國務院副總理王岐山27日" in "".join(laid_out) and "安全是底线。" in "".join(laid_out)


def test_a_narrow_pane_wraps_the_widest_column_in_cells():
    laid_out = lines(TABLE, 40)
    assert laid_out[0].startswith("名稱 | 数量 |") and set(laid_out[1]) <= set("-+")
    assert len(laid_out) > 4  # the long cell wraps onto more lines
    assert all(
        line.startswith(("質量 |   27 | ", "     |      | ", "安全 |    3 | ", "名稱", "-")) for line in laid_out
    )


def test_a_pane_too_narrow_for_the_columns_shows_one_record_per_row():
    laid_out = lines(TABLE, 12)
    assert laid_out[0] == "名稱: 質量" and "数量: 27" in laid_out and "" in laid_out


def test_header_is_bold_and_frame_has_its_own_style():
    block = parse_markdown(TABLE)[0]
    first, rule = lay_out_table(block.rows, block.aligns, 80)[:2]
    assert first[0].style == "bold" and rule[0].style == "frame"


def test_ragged_rows_and_empty_cells():
    assert lines("| 甲 | 乙 |\n|--|--|\n| 丙 |\n", None) == ["甲 | 乙", "---+---", "丙 |"]


def test_newsroom_show_prints_tables_notes_and_no_raw_markup(tmp_path, capsys):
    from tests.conftest import write_article
    from tui.cli import main

    body = TABLE + '\n{{< figure src="a.jpg" caption="會場" >}}\n\n正文[^1]。\n\n[^1]: 新華社。\n\n$$\nE=mc^2\n$$\n'
    body += "\n```\n第一行\n第二行\n```\n"
    write_article(tmp_path, "news/t.md", title="表格", body=body)
    assert main(["--content", str(tmp_path), "show", "news/t"]) == 0
    out = capsys.readouterr().out
    assert "名稱 | 数量 | " in out and "質量 |   27 | 國務院副總理" in out and "安全 |    3 |" in out
    assert "[圖片] 會場" in out and "正文[1]。" in out and "[1] 新華社。" in out and "  E=mc^2" in out
    assert "{{" not in out and "[^1]" not in out and "$$" not in out
    assert "  第一行\n  第二行\n" in out  # every line of a code block indented, in a pipe too
