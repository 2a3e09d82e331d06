"""The reader: one article set for Chinese reading, drawn line by line.

The article is laid out once per (width, script mode, highlights) by
`tui.chinese.layout.wrap`, which follows the Chinese line-breaking rules, and only the
lines on screen are turned into strips. Tables are set by `tui.chinese.tables` to fit
the pane.

A long body's Markdown is parsed in a thread worker: the header shows at once,
and the body follows when it is ready, so no body, however hostile, holds up keys.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

from rich.segment import Segment
from rich.style import Style
from textual import events, work
from textual.binding import Binding
from textual.geometry import Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip

from tui.chinese.layout import char_widths, wrap
from tui.chinese.normalize import find_spans
from tui.chinese.tables import FRAME, lay_out_table
from tui.core.document import Block, Run, parse_markdown
from tui.core.model import Article
from tui.core.text import cell_len
from tui.ui.widgets.line_style import PassStyle
from tui.ui.widgets.scrollbar import SteadyScrollbars

MAX_BODY_CHARS = 1_000_000
# Bodies up to this many characters are parsed at once (a few milliseconds at most,
# and no flicker); longer ones in a thread worker.
SYNC_PARSE_CHARS = 20_000
SETTING_NOTE = "Setting the article..."
HighlightTerms = Sequence[Sequence[str]]  # each term as its folded forms, from a Query


@dataclass(frozen=True)
class Paragraph:
    """A block ready for layout: styled runs, the component that colours it, and its indents."""

    runs: tuple[Run, ...]
    component: str = ""
    first_prefix: str = ""
    prefix: str = ""
    gap_after: bool = True
    table: Block | None = None  # a table block, laid out by columns instead of wrapped


@dataclass(frozen=True)
class Line:
    paragraph: int  # index into the paragraphs, for keeping the place across re-layouts
    segments: tuple[tuple[str, str, bool], ...] = ()  # (text, run style, highlighted)
    prefix: str = ""
    component: str = ""
    cells: int | None = None  # the width of prefix and text, when known from the layout


_RUN_STYLES = {
    "bold": Style(bold=True),
    "italic": Style(italic=True),
    "strike": Style(strike=True),
}
_RUN_COMPONENTS = {
    "code": "reader--code",
    "link": "reader--link",
    "url": "reader--url",
    "image": "reader--image",
    "note": "reader--url",
    FRAME: "reader--rule",
}


class Reader(PassStyle, SteadyScrollbars, ScrollView, can_focus=True):
    BINDINGS = [
        Binding("up,k", "scroll_lines(-1)", "Scroll up", show=False),
        Binding("down,j", "scroll_lines(1)", "Scroll down", show=False),
        Binding("space,pagedown", "page(1)", "Page down", id="page_down", key_display="space"),
        Binding("b,pageup", "page(-1)", "Page up", show=False, id="page_up"),
        Binding("home,g", "top", "Top", show=False),
        Binding("end,G", "bottom", "Bottom", show=False),
        Binding("n", "match(1)", "Next match", id="next_match"),
        Binding("N", "match(-1)", "Previous match", show=False, id="previous_match"),
        Binding("L", "links", "Links", show=False, id="links"),
        Binding("left_square_bracket", "step(-1)", "Prev", id="previous_article"),
        Binding("right_square_bracket", "step(1)", "Next", id="next_article"),
    ]

    COMPONENT_CLASSES = {
        "reader--title",
        "reader--deck",
        "reader--meta",
        "reader--caption",
        "reader--heading",
        "reader--quote",
        "reader--code",
        "reader--link",
        "reader--url",
        "reader--image",
        "reader--rule",
        "reader--highlight",
        "reader--hint",
    }

    DEFAULT_CSS = """
    Reader {
        width: 2fr;
        margin: 0 0 0 2;
        /* Always keep the scrollbar, so the text width never changes under a laid-out article. */
        overflow-y: scroll;
        overflow-x: hidden;
        scrollbar-size-vertical: 1;
        & > .reader--title { text-style: bold; color: $text-accent; }
        & > .reader--deck { color: $text-secondary; text-style: bold; }
        & > .reader--meta { color: $text-muted; }
        & > .reader--caption { color: $text-muted; text-style: italic; }
        & > .reader--heading { text-style: bold; color: $text-primary; }
        & > .reader--quote { color: $text-secondary; }
        & > .reader--code { background: $boost; color: $text-warning; }
        & > .reader--link { text-style: underline; color: $text-primary; }
        & > .reader--url { color: $text-muted; }
        & > .reader--image { color: $text-success; }
        & > .reader--rule { color: $text-muted; }
        & > .reader--highlight { background: $warning 60%; color: $text; }
        & > .reader--hint { color: $text-muted; }
    }
    """

    class LinksWanted(Message):
        """The reader asked to see the article's links."""

    class BodyReady(Message):
        """A body parsed in a thread worker, for the article shown when it started."""

        def __init__(self, generation: int, blocks: list[Block]) -> None:
            super().__init__()
            self.generation = generation
            self.blocks = blocks

    class Step(Message):
        """Asks for the previous (-1) or next (1) article."""

        def __init__(self, step: int) -> None:
            super().__init__()
            self.step = step

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.article: Article | None = None
        self._paragraphs: list[Paragraph] = []
        self._lines: list[Line] = []
        # Paragraphs as laid out, by (paragraph, its runs as shown, width): toggling back to
        # a script already shown re-uses its lines instead of wrapping them again.
        self._laid_out: dict[tuple[int, tuple[str, ...], int], list[Line]] = {}
        self._layout_width = -1
        self._hint = "Choose an article: arrows to move, enter to open."
        self.terms: HighlightTerms = ()
        self._generation = 0  # counts articles shown, so a late parse result is dropped
        self.body_pending = False  # the body is still being parsed in a worker

    # --- content --------------------------------------------------------------

    def show_article(self, article: Article | None, body: str = "", note: str = "") -> None:
        """Show an article (its Markdown body already read) from the top."""
        self.article = article
        self._laid_out.clear()
        self._generation += 1
        self.body_pending = False
        self._keep_place = None
        self._paragraphs = [] if article is None else self._build(article, body, note)
        self._relayout()
        self.scroll_to(y=0, animate=False, immediate=True)

    @work(thread=True, exclusive=True, group="reader-body", exit_on_error=False)
    def _parse_body(self, generation: int, body: str) -> None:
        self.post_message(self.BodyReady(generation, parse_markdown(body)))

    def on_reader_body_ready(self, event: BodyReady) -> None:
        event.stop()
        if event.generation != self._generation or not self.body_pending:
            return  # another article was opened meanwhile
        self.body_pending = False
        self._paragraphs = self._paragraphs[:-1] + _body_paragraphs(event.blocks)
        self.refresh_text()
        if self._keep_place is not None:
            self._restore(self._keep_place)
            self._keep_place = None

    _keep_place: tuple[int, float] | None = None  # where to be once a body parsed in a worker is in

    def show_changed_article(self, article: Article, body: str, note: str = "") -> None:
        """The article on show changed on disk (a live update): show the new text where the reader was."""
        place = self._anchor()
        self.show_article(article, body, note)
        if self.body_pending:
            self._keep_place = place
        else:
            self._restore(place)

    def highlight(self, terms: HighlightTerms) -> None:
        """Mark these search terms wherever they appear (script-blind), from the next layout."""
        self.terms = terms
        self._laid_out.clear()

    @property
    def match_lines(self) -> list[int]:
        return [number for number, line in enumerate(self._lines) if any(lit for _, _, lit in line.segments)]

    def show_hint(self, hint: str) -> None:
        self._hint = hint
        self.show_article(None)

    def _on_mount(self, event: events.Mount) -> None:
        self.watch(self.app, "display_mode", self.refresh_text, init=False)

    # Focus does not change how the reader looks: nothing is repainted (Textual's own
    # handlers, skipped here, would repaint every line).
    def _on_focus(self, event: events.Focus) -> None:
        event.prevent_default()
        self.has_focus = True
        if self.parent is not None:
            self.parent.post_message(events.DescendantFocus(self))

    def _on_blur(self, event: events.Blur) -> None:
        event.prevent_default()
        self.has_focus = False
        if self.parent is not None:
            self.parent.post_message(events.DescendantBlur(self))

    def _present(self, text: str) -> str:
        return self.app.present(text, self.article)

    def refresh_text(self) -> None:
        """Re-lay the article after the script mode or highlights changed, keeping the place."""
        anchor = self._anchor()
        self._relayout()
        self._restore(anchor)

    def _build(self, article: Article, body: str, note: str) -> list[Paragraph]:
        if len(body) > MAX_BODY_CHARS:
            # Keeps laying out a freak 10 MB body from freezing the screen.
            note = f"Showing the first {MAX_BODY_CHARS:,} of {len(body):,} characters; `newsroom show {article.id}` prints all."
            body = body[:MAX_BODY_CHARS]
        header = [Paragraph((Run(article.title),), "reader--title", gap_after=False)]
        if article.subtitle:
            header.append(Paragraph((Run(article.subtitle),), "reader--deck", gap_after=False))
        meta = "  ".join(part for part in (article.dateline, article.byline, article.source) if part)
        if meta:
            header.append(Paragraph((Run(meta),), "reader--meta", gap_after=False))
        if article.caption:
            header.append(Paragraph((Run("[圖] " + article.caption),), "reader--caption", gap_after=False))
        if note:
            header.append(Paragraph((Run(note),), "reader--hint", gap_after=False))
        # The header is set tight; one blank line parts it from the body.
        paragraphs = header[:-1] + [replace(header[-1], gap_after=True)]
        if len(body) <= SYNC_PARSE_CHARS:
            paragraphs.extend(_body_paragraphs(parse_markdown(body)))
        else:
            self.body_pending = True
            paragraphs.append(Paragraph((Run(SETTING_NOTE),), "reader--hint"))
            self._parse_body(self._generation, body)
        return paragraphs

    # --- layout ---------------------------------------------------------------

    @property
    def _text_width(self) -> int:
        return max(1, self.scrollable_content_region.width)

    def _relayout(self) -> None:
        if self._lay_out_lines():
            self.refresh()

    def _lay_out_lines(self) -> bool:
        """Lay the paragraphs out at the text's width; whether it could. Without a width yet (a
        first frame being built), it waits for one: the first draw that has it lays it out."""
        if not self.size.width:
            self._layout_width = -1
            self._lines = []
            return False
        width = self._text_width
        self._layout_width = width
        lines: list[Line] = []
        for number, paragraph in enumerate(self._paragraphs):
            lines.extend(self._lay_out(number, paragraph, width))
            if paragraph.gap_after:
                lines.append(Line(number))
        self._lines = lines
        self._set_virtual_size(Size(width, len(lines)))
        return True

    def _set_virtual_size(self, size: Size) -> None:
        """A new article's length changes nothing around the reader (its scrollbar always
        shows): only the scrollbar's window is updated, with no layout pass of the screen,
        which setting `virtual_size` would ask for."""
        if size != self.virtual_size:
            self.set_reactive(Reader.virtual_size, size)
            self._scroll_update(size)

    def _lay_out(self, number: int, paragraph: Paragraph, width: int) -> list[Line]:
        if paragraph.table is not None:
            return self._lay_out_table(number, paragraph, paragraph.table, width)
        runs = [Run(self._present(run.text), run.style) for run in paragraph.runs]
        text = "".join(run.text for run in runs)
        key = (number, tuple(run.text for run in runs), width)
        if key not in self._laid_out:
            self._laid_out[key] = self._wrap_runs(number, paragraph, runs, text, width)
        return self._laid_out[key]

    def _wrap_runs(self, number: int, paragraph: Paragraph, runs: list[Run], text: str, width: int) -> list[Line]:
        if paragraph.component == "reader--rule":
            return [Line(number, (("-" * min(width, 40), "", False),), component="reader--rule")]
        highlights = find_spans(text, self.terms) if self.terms else []
        indent = max(cell_len(paragraph.first_prefix), cell_len(paragraph.prefix))
        # Known widths spare Textual measuring every line again on each frame; Rich
        # measures emoji sequences (ZWJ, VS16) its own way, so those lines it measures.
        widths = None if "\u200d" in text or "\ufe0f" in text else char_widths(text)
        lines = []
        for line_number, (start, end) in enumerate(wrap(text, max(1, width - indent))):
            prefix = paragraph.first_prefix if line_number == 0 else paragraph.prefix
            cells = None if widths is None else cell_len(prefix) + sum(widths[start:end])
            lines.append(Line(number, tuple(_slice(runs, highlights, start, end)), prefix, paragraph.component, cells))
        return lines or [Line(number, (), paragraph.first_prefix, paragraph.component)]

    def _lay_out_table(self, number: int, paragraph: Paragraph, table: Block, width: int) -> list[Line]:
        rows = tuple(
            tuple(tuple(Run(self._present(run.text), run.style) for run in cell) for cell in row) for row in table.rows
        )
        key = (number, tuple(run.text for row in rows for cell in row for run in cell), width)
        if key not in self._laid_out:
            lines = []
            for runs in lay_out_table(rows, table.aligns, max(1, width - cell_len(paragraph.prefix))):
                text = "".join(run.text for run in runs)
                highlights = find_spans(text, self.terms) if self.terms and text else []
                segments = tuple(_slice(list(runs), highlights, 0, len(text)))
                cells = None if "\u200d" in text or "\ufe0f" in text else cell_len(paragraph.prefix) + cell_len(text)
                lines.append(Line(number, segments, paragraph.prefix, paragraph.component, cells))
            self._laid_out[key] = lines or [Line(number)]
        return self._laid_out[key]

    def on_resize(self, event: events.Resize) -> None:
        if self._text_width != self._layout_width:
            self.refresh_text()

    def _anchor(self) -> tuple[int, float]:
        """Where the top of the view is: (paragraph, fraction through it)."""
        top = int(self.scroll_offset.y)
        if not self._lines or top >= len(self._lines):
            return (0, 0.0)
        paragraph = self._lines[top].paragraph
        first = next(i for i, line in enumerate(self._lines) if line.paragraph == paragraph)
        count = sum(1 for line in self._lines if line.paragraph == paragraph)
        return (paragraph, (top - first) / max(1, count))

    def _restore(self, anchor: tuple[int, float]) -> None:
        paragraph, fraction = anchor
        lines = [i for i, line in enumerate(self._lines) if line.paragraph == paragraph]
        if lines:
            self.scroll_to(y=lines[0] + int(fraction * len(lines)), animate=False, immediate=True)

    # --- rendering ------------------------------------------------------------

    def render_line(self, y: int) -> Strip:
        if self._layout_width < 0 and self.article is not None:  # handed it before it had a width
            self._lay_out_lines()  # in this frame, not the next
        width = self.line_width
        base = self.base_style
        index = self.scroll_offset.y + y
        if self.article is None:
            hint = [self._hint[start:end] for start, end in wrap(self._hint, width)] if self._hint else []
            if 1 <= y <= len(hint):  # wrapped to the pane, as narrow as it gets
                style = base + self.get_component_rich_style("reader--hint", partial=True)
                return Strip([Segment(hint[y - 1], style)]).adjust_cell_length(width, base)
            return Strip.blank(width, base)
        if index >= len(self._lines):
            return Strip.blank(width, base)
        line = self._lines[index]
        style = base + self.get_component_rich_style(line.component, partial=True) if line.component else base
        segments = [Segment(line.prefix, style)] if line.prefix else []
        highlight = self.get_component_rich_style("reader--highlight", partial=True)
        for text, run_style, highlighted in line.segments:
            segment_style = style
            for name in run_style.split():
                if name in _RUN_STYLES:
                    segment_style += _RUN_STYLES[name]
                elif name in _RUN_COMPONENTS:
                    segment_style += self.get_component_rich_style(_RUN_COMPONENTS[name], partial=True)
            if highlighted:
                segment_style += highlight
            segments.append(Segment(text, segment_style))
        return Strip(segments, line.cells).adjust_cell_length(width, base)

    # --- actions ----------------------------------------------------------------

    def action_scroll_lines(self, count: int) -> None:
        self.scroll_to(y=self.scroll_offset.y + count, animate=False)

    def action_page(self, direction: int) -> None:
        page = max(1, self.scrollable_content_region.height - 1)
        self.scroll_to(y=self.scroll_offset.y + direction * page, animate=False)

    def action_top(self) -> None:
        self.scroll_to(y=0, animate=False)

    def action_bottom(self) -> None:
        self.scroll_to(y=self.max_scroll_y, animate=False)

    def action_match(self, step: int) -> None:
        """n / N: put the next (1) or previous (-1) line with a match near the top."""
        top = self.scroll_offset.y + 2
        lines = self.match_lines
        target = (
            next((n for n in lines if n > top), None)
            if step > 0
            else next((n for n in reversed(lines) if n < top), None)
        )
        if target is None:
            self.app.bell()
            return
        self.scroll_to(y=max(0, target - 2), animate=False)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "match":
            return bool(self.terms)  # n / N only while there are matches to jump to
        return True

    def action_links(self) -> None:
        if self.article is not None:
            self.post_message(self.LinksWanted())

    def action_step(self, step: int) -> None:
        self.post_message(self.Step(step))


def _body_paragraphs(blocks: list[Block]) -> list[Paragraph]:
    """The body's blocks as set in the reader: a list's items sit tight, and a blank
    line parts the list from whatever follows it."""
    paragraphs = []
    for block, after in zip(blocks, [*blocks[1:], None]):
        paragraph = _paragraph(block)
        if block.kind == "item" and after is not None and after.kind != "item":
            paragraph = replace(paragraph, gap_after=True)
        paragraphs.append(paragraph)
    return paragraphs


def _paragraph(block: Block) -> Paragraph:
    """How each kind of Markdown block is set in the reader."""
    if block.kind == "heading":
        return Paragraph(block.runs, "reader--heading")
    if block.kind == "item":
        indent = "  " * block.level
        return Paragraph(block.runs, "", indent + block.marker, indent + " " * cell_len(block.marker), gap_after=False)
    if block.kind == "quote":
        bar = "| " * max(1, block.level)
        return Paragraph(block.runs, "reader--quote", bar, bar)
    if block.kind in ("code", "math"):
        return Paragraph(tuple(Run(run.text, "code") for run in block.runs), "", "  ", "  ")
    if block.kind == "note":  # a footnote, under the rule that ends the body
        return Paragraph(block.runs, "", block.marker, " " * cell_len(block.marker))
    if block.kind == "table":
        return Paragraph((), "", table=block)
    if block.kind == "rule":
        return Paragraph((), "reader--rule")
    return Paragraph(block.runs)


def _slice(runs: list[Run], highlights: list[tuple[int, int]], start: int, end: int):
    """The parts of `runs` between character offsets start and end, split where highlights begin and end."""
    cuts = {start, end}
    for low, high in highlights:
        if high > start and low < end:
            cuts.update((max(low, start), min(high, end)))
    position = 0
    for run in runs:
        run_start, run_end = position, position + len(run.text)
        position = run_end
        if run_end <= start or run_start >= end:
            continue
        cuts.update((max(run_start, start), min(run_end, end)))
    ordered = sorted(cuts)
    position = 0
    for run in runs:
        run_start, run_end = position, position + len(run.text)
        position = run_end
        for low, high in zip(ordered, ordered[1:]):
            if low >= run_start and high <= run_end and high > low and low >= start and high <= end:
                text = run.text[low - run_start : high - run_start]
                lit = any(h_low <= low and high <= h_high for h_low, h_high in highlights)
                yield (text, run.style, lit)
