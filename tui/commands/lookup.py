"""Quick lookups printed to the shell: article lists, one article, search hits.

Printing goes through `Styled` lines (tui/commands/styled.py), never markup, and
all content was cleaned on load, so no escape sequence from a content file reaches
the terminal. Styles (bold, dim, italic, reverse: no colours) are written only to a
terminal.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING

from tui.chinese.layout import wrap
from tui.chinese.normalize import find_spans
from tui.commands.styled import Printer, Styled
from tui.core.config import Config
from tui.core.model import Article, ListingRows, ListRow, Newsroom, list_row
from tui.core.text import cell_len
from tui.search.index import Hit

if TYPE_CHECKING:
    from tui.core.blocks import Block

Present = Callable[[str, "Article | None"], str]


def article_record(article: Article, newsroom: Newsroom, present: Present) -> dict:
    """An article's metadata as plain JSON-ready values, in the display script."""
    section = newsroom.section(article.section)
    return {
        "id": article.id,
        "title": present(article.title, article),
        "section": article.section,
        "section_label": present(section.label) if section else article.section,
        "date": article.date.isoformat() if isinstance(article.date, (dt.date, dt.datetime)) else None,
        "subtitle": present(article.subtitle, article),
        "byline": present(article.byline, article),
        "source": present(article.source, article),
        "caption": present(article.caption, article),
        "summary": present(article.summary, article),
        "tags": [present(tag, article) for tag in article.tags],
        "path": article.path,
    }


def read_filter(
    articles: list[Article], config: Config, unread: bool = False, saved: bool = False, state_dir: Path | None = None
) -> list[Article]:
    """`list --unread` and `--saved`, from the app's reading state (read, never written).
    Saved articles come newest saved first."""
    if not unread and not saved:
        return articles
    from tui.core.reading import ReadingState, reading_dir

    reading = ReadingState.open(reading_dir(config.content_dir, state_dir))
    if saved:
        order = {article_id: rank for rank, article_id in enumerate(reading.saved_newest_first())}
        articles = sorted((article for article in articles if article.id in order), key=lambda a: order[a.id])
    if unread:
        articles = [article for article in articles if not reading.is_read(article.id)]
    return articles


def hit_record(hit: Hit, newsroom: Newsroom, present: Present) -> dict:
    article = newsroom.article(hit.article_id)
    record = article_record(article, newsroom, present) if article else {"id": hit.article_id}
    record["matched_in"] = list(hit.where)
    record["snippet"] = present(hit.snippet, article)
    record["pinyin"] = present(hit.pinyin, article)  # why a pinyin match matched; "" for a plain one
    return record


def print_hits(console: Printer, hits: list[Hit], newsroom: Newsroom, present: Present, terms) -> None:
    """Ranked hits: title, then section, date and id, then the snippet, matches in bold.
    A pinyin match says what it matched after the id: 質量 zhìliàng."""
    for rank, hit in enumerate(hits, start=1):
        article = newsroom.article(hit.article_id)
        if article is None:
            continue
        section = newsroom.section(article.section)
        title = present(article.title, article)
        snippet = present(hit.snippet, article)
        console.print(_marked(f"{rank:>2}. {title}", terms, "bold"), soft_wrap=True)
        meta = "  ".join(
            p
            for p in (
                present(section.label) if section else article.section,
                article.date_text,
                article.id,
                present(hit.pinyin, article),
            )
            if p
        )
        console.print(Styled("    " + meta, style="dim"), soft_wrap=True)
        console.print(_marked("    " + snippet, terms, ""), soft_wrap=True)


def _marked(text: str, terms, style: str) -> Styled:
    """The line with the search matches marked (bold reverse video, in a terminal)."""
    marked = Styled(text, style=style)
    for start, end in find_spans(text, terms):
        marked.stylize("bold reverse", start, end)
    return marked


def print_json(console: Printer, data: object) -> None:
    # Plain print: no highlighting, no markup, and JSON escapes every control character.
    console.file.write(json.dumps(data, ensure_ascii=False, indent=2) + "\n")


def listing_rows(articles: Iterable[Article], present: Present) -> list[ListRow]:
    """The rows `print_articles` prints, each title in the display script."""
    return [list_row(article, present(article.title, article)) for article in articles]


def print_articles(console: Printer, listing: ListingRows, newsroom: Newsroom, present: Present) -> None:
    """Columns of date, section, title and id, lined up by terminal cells. In a terminal the
    title wraps to fit; in a pipe a row is one line. (Rich's Table took 5 s for 10,000 rows;
    this prints 100,000 in about 0.1 s, a batch at a time: each width measured once, or kept
    by the stored newsroom.)"""
    labels: dict[str, tuple[str, int]] = {}  # section id -> its label as shown, and its cells

    def label(section_id: str) -> tuple[str, int]:
        if section_id not in labels:
            section = newsroom.section(section_id)
            text = present(section.label) if section else section_id
            labels[section_id] = (text, cell_len(text))
        return labels[section_id]

    widths = [
        max(4, listing.date_width),  # a date is ASCII; "-" for none
        max(7, max((label(section_id)[1] for section_id in listing.sections), default=0)),
        max(5, listing.title_width),
        max(2, listing.id_width),
    ]
    if not console.is_terminal:  # plain lines: a pipe gets no styles anyway
        date_width, label_width, title_width, _ = widths
        padded: dict[str, str] = {}
        console.file.write(f"{'date':<{date_width}}  {'section':<{label_width}}  {'title':<{title_width}}  id\n")
        for batch in listing.batches:  # a write a batch (a thousand rows from a stored newsroom)
            for section_id in {row[1] for row in batch} - padded.keys():
                text, cells = label(section_id)
                padded[section_id] = text + " " * (label_width - cells)
            lines = [
                f"{date or '-':<{date_width}}  {padded[section_id]}  {title}"
                f"{' ' * (title_width - (cells if cells >= 0 else cell_len(title)))}  {article_id}".rstrip()
                for date, section_id, title, article_id, cells, _ in batch
            ]
            if lines:
                console.file.write("\n".join(lines) + "\n")
        return
    room = console.width - widths[0] - widths[1] - 6  # for the title and the id, which fold
    if widths[2] + widths[3] > room:
        widths[3] = min(widths[3], max(10, room // 2))
        widths[2] = max(10, room - widths[3])
    header = "  ".join(_padded(text, width) for text, width in zip(("date", "section", "title", "id"), widths))
    console.print(Styled(header.rstrip(), style="bold"), soft_wrap=True)
    for batch in listing.batches:
        for date, section_id, title, article_id, _, _ in batch:
            titles = [title[start:end] for start, end in wrap(title, widths[2])]
            ids = [article_id[start : start + widths[3]] for start in range(0, len(article_id), widths[3])] or [""]
            for number in range(max(len(titles), len(ids))):
                cells = (
                    (date or "-") if number == 0 else "",
                    label(section_id)[0] if number == 0 else "",
                    titles[number] if number < len(titles) else "",
                    ids[number] if number < len(ids) else "",
                )
                line = Styled()
                for text, width, style in zip(cells, widths, ("dim", "", "bold", "dim"), strict=True):
                    line.append(_padded(text, width) + "  ", style=style)
                line.rstrip()
                console.print(line, soft_wrap=True)


def _padded(text: str, width: int) -> str:
    return text + " " * (width - cell_len(text))


def print_article(
    console: Printer, article: Article, blocks: list[Block], newsroom: Newsroom, present: Present
) -> None:
    """One article: header, then its body's blocks set with the reader's Chinese line breaking."""
    width = console.width if console.is_terminal else 0  # 0: one line a paragraph, for pipes

    def paragraph(text: str, style: str = "", indent: str = "") -> None:
        # Wrapped lines sit under the text, not under the marker: "- ", "3. ", "[1] ".
        hanging = indent if not indent.strip() else " " * len(indent)
        if not width:  # a pipe: a line a paragraph, and each line of a code block indented
            console.print(Styled(indent + text.replace("\n", "\n" + hanging), style=style), soft_wrap=True)
            return
        for number, (start, end) in enumerate(wrap(text, max(10, width - len(indent)))):
            console.print(Styled((indent if number == 0 else hanging) + text[start:end], style=style), soft_wrap=True)

    section = newsroom.section(article.section)
    paragraph(present(article.title, article), "bold")
    if article.subtitle:
        paragraph(present(article.subtitle, article), "bold dim")
    meta = "  ".join(
        p for p in (article.date_text, present(article.byline, article), present(article.source, article)) if p
    )
    if meta:
        paragraph(meta, "dim")
    if article.caption:
        paragraph(present("[圖] " + article.caption, article), "italic dim")
    paragraph(f"{present(section.label) if section else article.section}  {article.id}", "dim")
    for block in blocks:
        console.print()
        if block.kind == "table":
            _print_table(console, block, width, lambda text: present(text, article))
            continue
        text = present(block.text, article)
        if block.kind == "item":
            paragraph(text, indent="  " * block.level + block.marker)
        elif block.kind == "note":
            paragraph(text, "dim", block.marker)
        elif block.kind == "quote":
            paragraph(text, "italic", "| ")
        elif block.kind == "heading":
            paragraph(text, "bold")
        elif block.kind in ("code", "math"):
            paragraph(text, indent="  ")
        elif block.kind == "rule":
            console.print(Styled("-" * 20, style="dim"))
        else:
            paragraph(text)


def _print_table(console: Printer, block: Block, width: int, present: Callable[[str], str]) -> None:
    """A table laid out to fit the terminal (as wide as it needs in a pipe), CJK by cells."""
    from tui.chinese.tables import FRAME, lay_out_table
    from tui.core.blocks import Run

    styles = {FRAME: "dim", "bold": "bold", "italic": "italic", "code": "bold", "strike": "strike"}
    rows = tuple(tuple(tuple(Run(present(run.text), run.style) for run in cell) for cell in row) for row in block.rows)
    for line in lay_out_table(rows, block.aligns, width or None):
        text = Styled()
        for run in line:
            text.append(run.text, " ".join(styles[name] for name in run.style.split() if name in styles))
        console.print(text, soft_wrap=True)
