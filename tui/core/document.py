"""An article's Markdown body turned into display blocks.

The body is untrusted: raw HTML stays literal text, links are shown as text
plus URL (never clickable), images become captioned placeholders, and every
piece of text passes through `clean()`. Widgets render the blocks; this module
knows nothing about Textual.

Bodies are read as static-site generators write them: GitHub-flavoured tables,
footnotes, task lists, ~~strikethrough~~ and alerts, `$$` math (all through
markdown-it's own plugins), Hugo and Zola shortcodes (`tui.core.shortcodes`),
and Hugo's `<!--more-->` summary divider, which is never shown.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from markdown_it import MarkdownIt
from markdown_it.rules_block import StateBlock
from markdown_it.rules_core import StateCore
from markdown_it.rules_inline import StateInline
from markdown_it.token import Token
from mdit_py_plugins.gfm import gfm_plugin

from tui.core.blocks import Block, Cell, Run, merge_runs, soft_break
from tui.core.html_text import BREAK, HIDE, IMAGE, Hidden, html_blocks, inline_tag
from tui.core.shortcodes import ARTICLE_LINK_PREFIX, expand_shortcodes
from tui.core.text import clean

BULLET = "- "
IMAGE_LABEL = "[圖片]"

# A fixed order so the same combination of styles always reads the same.
_STYLE_ORDER = ("bold", "italic", "strike", "code", "link", "url", "image", "note")
_STYLE_OF_TAG = {"em": "italic", "strong": "bold", "s": "strike"}
_BLANK_LINES = re.compile(r"\n\s*\n")

# Inline parsing costs up to ~20 µs a character on markup-dense input. Past this
# many characters per body (far more than any real article) the rest of the text
# is shown plain, so a huge or hostile body still opens in about a second.
INLINE_BUDGET = 300_000
# Emphasis and links nested deeper than this inside one paragraph are shown as
# written. markdown-it scans ahead once per level for every `[`, so this bounds
# what a run of brackets costs (block nesting keeps its own, higher limit).
INLINE_NESTING = 10
# markdown-it still scans ahead from every `[` that some `]` follows: about 25 µs a
# bracket. A paragraph with more brackets than this (real ones have a few dozen)
# is shown with its brackets as text, so its cost stays that of plain text.
MAX_BRACKETS = 5_000
# Hugo's summary divider: the text before it is the article's summary.
_MORE = re.compile(r"[ \t]*<!--\s*more\s*-->[ \t]*", re.IGNORECASE)
ALERT_LABELS = {"note": "Note", "tip": "Tip", "important": "Important", "warning": "Warning", "caution": "Caution"}


def _make_parser(max_nesting: int) -> MarkdownIt:
    # commonmark's preset stops at 20 levels, which a list only 9 deep reaches;
    # 100 is markdown-it's own default and far from Python's recursion limit.
    # Raw HTML is read as HTML so that its tags can be dropped (see html_text), never shown.
    md = MarkdownIt("commonmark", {"html": True, "maxNesting": max_nesting})
    # Tables, ~~strikethrough~~, task lists, alerts, footnotes, bare URLs, $$ math.
    md.use(gfm_plugin, dollarmath=True)
    # gfm_plugin also strikes text between single tildes, as GitHub does; Chinese writes
    # ranges with one (20~25歲, 3~5天), so only ~~two~~ strike through.
    md.options["strikethrough_single_tilde"] = False
    md.block.ruler.before("hr", "more", _more_block, {"alt": ["paragraph", "reference", "blockquote", "list"]})
    md.inline.ruler.before("link", "unclosable_bracket", _unclosable_bracket)
    md.inline.ruler.before("text", "more", _more_inline)
    md.core.ruler.at("inline", _inline_within_budget)
    return md


def _more_block(state: StateBlock, start: int, end: int, silent: bool) -> bool:
    """A line of only `<!--more-->` ends the paragraph before it and shows nothing."""
    if state.is_code_block(start):
        return False
    line = state.src[state.bMarks[start] + state.tShift[start] : state.eMarks[start]]
    if not _MORE.fullmatch(line):
        return False
    if not silent:
        state.push("more", "", 0).map = [start, start + 1]
    state.line = start + 1
    return True


def _more_inline(state: StateInline, silent: bool) -> bool:
    """`<!--more-->` inside a paragraph is hidden too."""
    if state.src[state.pos] != "<":
        return False
    found = _MORE.match(state.src, state.pos)
    if not found or not found.group().startswith("<"):
        return False
    state.pos = found.end()
    return True


def _unclosable_bracket(state: StateInline, silent: bool) -> bool:
    """A `[` (or `![`) with no `]` anywhere after it opens no link, image or footnote:
    take it as text at once. Without this, markdown-it scans the rest of the
    paragraph for each such bracket, and a run of them takes minutes."""
    pos = state.pos
    char = state.src[pos]
    if char == "!" and state.src.startswith("[", pos + 1):
        pos += 1
    elif char != "[":
        return False
    cached = state.env.get("_last_close")
    if cached is None or cached[0] is not state.src:
        cached = (state.src, state.src.rfind("]"))
        state.env["_last_close"] = cached
    if pos < cached[1]:
        return False
    # No `]` follows, so no bracket from here on can open anything: take the whole run.
    end = pos + 1
    while end < state.posMax and state.src[end] in "[!":
        end += 1
    if not silent:
        state.pending += state.src[state.pos : end]
    state.pos = end
    return True


def _inline_within_budget(state: StateCore) -> None:
    """markdown-it's own inline step, with its lower nesting limit; text past
    INLINE_BUDGET stays plain."""
    budget = INLINE_BUDGET
    for token in state.tokens:
        if token.type != "inline":
            continue
        token.children = []
        if len(token.content) <= budget:
            budget -= len(token.content)
            # A paragraph with thousands of brackets is no prose: its brackets stay text.
            md = _BRACKETS_AS_TEXT_MD if token.content.count("[") > MAX_BRACKETS else _INLINE_MD
            md.inline.parse(token.content, md, state.env, token.children)
        else:
            budget = 0
            token.children.append(Token("text", "", 0, content=token.content))
    state.env.pop("_last_close", None)


_MD = _make_parser(100)
_INLINE_MD = _make_parser(INLINE_NESTING)
_BRACKETS_AS_TEXT_MD = _make_parser(INLINE_NESTING).disable(["link", "image", "footnote_ref"])


def parse_markdown(body: str, shortcodes: bool = True) -> list[Block]:
    """Turn a Markdown body into display blocks. Never raises. `shortcodes=False`: the body's
    shortcodes are expanded already (expanding twice would turn an escaped one into its output)."""
    try:
        tokens = _MD.parse(expand_shortcodes(clean(body)) if shortcodes else clean(body))
        if _too_deep(tokens):
            # markdown-it silently drops what is nested past maxNesting; show it all instead.
            return _plain_blocks(body)
        return _Builder().build(tokens)
    except Exception:  # noqa: BLE001 - a broken article must still show its words
        return _plain_blocks(body)


def summary_before_more(body: str) -> str | None:
    """The plain text before Hugo's `<!--more-->` line, or None when the body has none."""
    if "<!--" not in body:
        return None
    try:
        tokens = _MD.parse(expand_shortcodes(clean(body)))
    except Exception:  # noqa: BLE001 - no summary rather than no article
        return None
    divider = next((index for index, token in enumerate(tokens) if token.type == "more" and token.level == 0), None)
    if divider is None:
        return None
    blocks = _Builder().build(tokens[:divider])
    return " ".join(block.text for block in blocks if block.kind not in ("rule", "image")).strip()


def first_paragraph(body: str) -> str:
    """The text of the body's first paragraph (links without their addresses), or ""."""
    block = next((block for block in parse_markdown(body) if block.kind == "paragraph"), None)
    return "" if block is None else _plain_runs(block.runs)


def _too_deep(tokens: list[Token]) -> bool:
    """Whether markdown-it reached its nesting limit (and so may have dropped text)."""
    limit = int(_MD.options.get("maxNesting", 20)) - 1
    return any(token.level >= limit or any(child.level >= limit for child in token.children or ()) for token in tokens)


def _plain_blocks(body: str) -> list[Block]:
    """The last resort: the body as plain paragraphs, split at blank lines."""
    text = clean(body).replace("\t", " ") if isinstance(body, str) else ""
    return [Block("paragraph", (Run(part.strip()),)) for part in _BLANK_LINES.split(text) if part.strip()]


@lru_cache(maxsize=256)
def _style(names: tuple[str, ...]) -> str:
    return " ".join(name for name in _STYLE_ORDER if name in names)


@dataclass
class _List:
    ordered: bool
    delimiter: str
    next_number: int


class _Builder:
    """Walks the token stream, keeping track of lists and quotes we are inside."""

    def __init__(self) -> None:
        self.blocks: list[Block] = []
        self.lists: list[_List] = []
        self.quote_depth = 0
        # The containers we are inside, innermost last: "list" or "quote".
        self.containers: list[str] = []
        self.heading_level = 0
        # The marker of a list item whose first block has not been emitted yet.
        self.pending_marker: str | None = None
        # For each open list item, the blank marker its later paragraphs get.
        self.item_indents: list[str] = []
        # A table being read: its rows, the row and cell being filled, the column alignments.
        self.rows: list[tuple[Cell, ...]] = []
        self.row: list[Cell] | None = None
        self.cell: list[Run] | None = None
        self.aligns: list[str] = []
        # The number of the footnote whose first block has not been emitted yet.
        self.pending_note: str | None = None

    def build(self, tokens: list[Token]) -> list[Block]:
        for token in tokens:
            kind = token.type
            if kind in ("bullet_list_open", "ordered_list_open"):
                if self.pending_marker is not None:  # an item that opens with a nested list
                    self._emit_item(())
                ordered = kind == "ordered_list_open"
                start = _to_int(token.attrGet("start"), 1)
                self.lists.append(_List(ordered, token.markup or ".", start))
                self.containers.append("list")
            elif kind in ("bullet_list_close", "ordered_list_close"):
                self.lists.pop()
                self.containers.pop()
            elif kind == "list_item_open":
                current = self.lists[-1]
                if current.ordered:
                    marker = f"{current.next_number}{current.delimiter} "
                    current.next_number += 1
                else:
                    marker = BULLET
                if token.meta.get("checked") is not None:  # a task list item
                    marker += "[x] " if token.meta["checked"] else "[ ] "
                self.pending_marker = marker
                # Later paragraphs of the same item line up under its text.
                self.item_indents.append(" " * len(marker))
            elif kind == "list_item_close":
                if self.pending_marker is not None:  # an empty item still shows its marker
                    self._emit_item(())
                self.item_indents.pop()
            elif kind in ("blockquote_open", "alert_open"):
                self.quote_depth += 1
                self.containers.append("quote")
            elif kind in ("blockquote_close", "alert_close"):
                self.quote_depth -= 1
                self.containers.pop()
            elif kind == "alert_title_open":  # > [!NOTE]: the label, set like a heading in a quote
                self.heading_level = 6
            elif kind == "alert_title_close":
                self.heading_level = 0
            elif kind == "heading_open":
                self.heading_level = _to_int(token.tag[1:], 1)
            elif kind == "heading_close":
                self.heading_level = 0
            elif kind == "inline":
                self._inline(token.children or [])
            elif kind in ("fence", "code_block", "math_block", "math_block_label"):
                code = token.content.strip("\n") if kind.startswith("math") else token.content.removesuffix("\n")
                is_math = kind.startswith("math") or token.info.strip().lower() == "math"
                self._emit("math" if is_math else "code", (Run(code.expandtabs(4), "code"),) if code else ())
            elif kind == "html_block":
                self._html_block(token.content)
            elif kind == "hr":
                self._emit("rule", ())
            elif kind == "table_open":
                self.rows, self.aligns = [], []
            elif kind == "tr_open":
                self.row = []
            elif kind in ("th_open", "td_open"):
                self.cell = []
                if not self.rows:  # the header row says how each column is aligned
                    style = str(token.attrGet("style") or "")
                    self.aligns.append(style.removeprefix("text-align:") or "left")
            elif kind in ("th_close", "td_close"):
                if self.row is not None and self.cell is not None:
                    self.row.append(merge_runs(self.cell))
                self.cell = None
            elif kind == "tr_close":
                if self.row is not None:
                    self.rows.append(tuple(self.row))
                self.row = None
            elif kind == "table_close":
                self._emit("table", (), rows=tuple(self.rows), aligns=tuple(self.aligns))
                self.rows, self.aligns = [], []
            elif kind == "footnote_block_open":
                self._emit("rule", ())
            elif kind == "footnote_open":
                self.pending_note = f"[{_note_number(token)}] "
                self.containers.append("note")
            elif kind == "footnote_close":
                self.pending_note = None
                self.containers.pop()
        return self.blocks

    def _html_block(self, html: str) -> None:
        """Raw HTML: its text as paragraphs, its pictures as placeholders, its tags dropped."""
        for kind, text in html_blocks(html):
            if kind == IMAGE:
                caption = " ".join(clean(text).split())
                self._emit("image", (Run(f"{IMAGE_LABEL} {caption}" if caption else IMAGE_LABEL, "image"),))
            else:
                self._emit_text([Run(clean(text).replace("\t", " "), "")])

    # -- emitting blocks -------------------------------------------------

    def _emit(self, kind: str, runs: tuple[Run, ...], level: int = 0, **table) -> None:
        if self.pending_marker is not None and kind != "item":
            # An item that opens with a code block or a nested list: show its marker first.
            self._emit_item(())
        if self.pending_note is not None and kind != "note":
            self._emit_note(())
        self.blocks.append(Block(kind, runs, level, **table))

    def _emit_note(self, runs: tuple[Run, ...]) -> None:
        """A footnote's paragraph: the first after its number, later ones under its text."""
        marker = self.pending_note if self.pending_note is not None else " " * 4
        self.pending_note = None
        self.blocks.append(Block("note", runs, 0, marker))

    def _emit_item(self, runs: tuple[Run, ...]) -> None:
        if self.pending_marker is not None:
            marker = self.pending_marker
        else:
            marker = self.item_indents[-1] if self.item_indents else ""
        self.pending_marker = None
        self.blocks.append(Block("item", runs, len(self.lists) - 1, marker))

    def _emit_text(self, runs: list[Run]) -> None:
        """Emit the text of a paragraph or heading as the block its context calls for."""
        if self.cell is not None:  # a table cell: its text joins the cell
            self.cell.extend(runs)
            return
        merged = merge_runs(runs)
        if not merged:
            return
        inner = self.containers[-1] if self.containers else ""
        if inner == "note":
            self._emit_note(merged)
        elif inner == "quote":
            if self.heading_level:  # a quote has no heading kind: show it bold
                merged = tuple(Run(run.text, _style(("bold", *run.style.split()))) for run in merged)
            self._emit("quote", merged, self.quote_depth)
        elif self.heading_level:
            self._emit("heading", merged, self.heading_level)
        elif inner == "list":
            self._emit_item(merged)
        else:
            self._emit("paragraph", merged)

    # -- inline content --------------------------------------------------

    def _inline(self, children: list[Token]) -> None:
        runs: list[Run] = []
        styles: list[str] = []
        links: list[tuple[str, int, bool]] = []  # (url, first run index, is autolink)

        hidden = Hidden()  # open inline <script>, <style>...: their text is not shown

        def add(text: str, *extra: str) -> None:
            if text and not hidden:
                # A tab measures zero cells, so it would break wrapping: one space instead.
                runs.append(Run(clean(text).replace("\t", " "), _style((*styles, *extra))))

        for index, token in enumerate(children):
            kind = token.type
            if kind == "text":
                add(token.content)
            elif kind == "code_inline":
                add(token.content, "code")
            elif kind == "softbreak":
                before = runs[-1].text if runs else ""
                if not before.endswith("\n"):  # after a <br> the line has ended already
                    add(soft_break(before, _next_text(children, index + 1)))
            elif kind == "hardbreak":
                add("\n")
            elif kind == "html_inline":
                shown = inline_tag(token.content)
                if shown is None:
                    continue  # <sub>, <kbd>, <!-- a comment -->...: the tag goes, its text stays
                what, value = shown
                if what == BREAK:
                    add("\n")
                elif what == IMAGE:
                    caption = " ".join(clean(value).split())
                    add(f"{IMAGE_LABEL} {caption}" if caption else IMAGE_LABEL, "image")
                elif what == HIDE:
                    hidden.opened(value)
                else:
                    hidden.closed(value)
            elif kind in ("em_open", "strong_open", "s_open"):
                styles.append(_STYLE_OF_TAG.get(token.tag, "italic"))
            elif kind in ("em_close", "strong_close", "s_close"):
                if styles:
                    styles.pop()
            elif kind == "link_open":
                href = str(token.attrGet("href") or "")
                links.append((_display_url(href), len(runs), token.markup == "autolink"))
                styles.append("link")
            elif kind == "link_close":
                if "link" in styles:
                    styles.remove("link")
                if links:
                    url, first, autolink = links.pop()
                    label = "".join(run.text for run in runs[first:])
                    if url and not autolink and url not in (label, "mailto:" + label):
                        runs.append(Run(f" <{url}>" if label.strip() else f"<{url}>", "url"))
            elif kind in ("math_inline", "math_inline_double"):
                add(token.content, "code")
            elif kind == "footnote_ref":
                add(f"[{_note_number(token)}]", "note")
            elif kind == "image" and self.cell is not None:
                caption = " ".join(clean(_image_caption(token)).split())
                add(f"{IMAGE_LABEL} {caption}" if caption else IMAGE_LABEL, "image")
            elif kind == "image":
                # A picture cannot be shown in a terminal: split the paragraph around a placeholder.
                self._emit_text(runs)
                runs = []
                links = [(url, 0, autolink) for url, _, autolink in links]
                caption = clean(_image_caption(token)).strip()
                caption = " ".join(caption.split())
                label = f"{IMAGE_LABEL} {caption}" if caption else IMAGE_LABEL
                self._emit("image", (Run(label, "image"),))
        self._emit_text(runs)


def _image_caption(token: Token) -> str:
    """An image's alt text as a reader sees it (escapes undone, emphasis dropped), else its title."""
    text = "".join(child.content for child in token.children or () if child.type in ("text", "code_inline"))
    return text or str(token.attrGet("title") or "")


def _note_number(token: Token) -> int:
    """A footnote's number as the reader sees it: 1 for the first one referred to."""
    return _to_int(token.meta.get("id"), 0) + 1


def _to_int(value: object, default: int) -> int:
    try:
        return int(str(value))
    except ValueError:
        return default


def _next_text(children: list[Token], start: int) -> str:
    """The text that follows a soft break, looking past style markers."""
    for index in range(start, len(children)):  # not children[start:]: a copy at every break was quadratic
        token = children[index]
        if token.type in ("text", "code_inline") and token.content:
            return token.content
        if token.type in ("softbreak", "hardbreak", "image"):
            return ""
    return ""


def _display_url(href: str) -> str:
    """The URL as a reader should see it: decoded (中文 rather than %E4%B8%AD),
    unless decoding would reveal spaces or hidden characters that disguise it."""
    try:
        shown = _MD.normalizeLinkText(href)
    except Exception:  # noqa: BLE001 - fall back to the encoded form
        shown = href
    if clean(shown) != shown or any(char.isspace() for char in shown):
        shown = href  # normalised by markdown-it: percent-encoded ASCII
    return clean(shown)


def plain_text(body: str) -> str:
    """The words of a body whose shortcodes are expanded (as the search index keeps it) as the
    reader shows them, on one line: no Markdown markers, a link's text without its address, a
    picture as its placeholder."""
    parts = []
    for block in parse_markdown(body, shortcodes=False):
        cells = [cell for row in block.rows for cell in row] if block.rows else [block.runs]
        parts += [_plain_runs(cell) for cell in cells]
    return " ".join(" ".join(parts).split())


def _plain_runs(runs: tuple[Run, ...]) -> str:
    return "".join(run.text for run in runs if "url" not in run.style.split())


OPENABLE_SCHEMES = ("http", "https", "mailto")


def find_links(body: str) -> list[tuple[str, str]]:
    """Every link in a body as (label, href), in order, for a reader to choose from.

    Only `can_open(href)` ones may ever be handed to a browser."""
    found: list[tuple[str, str]] = []
    try:
        tokens = _MD.parse(expand_shortcodes(clean(body[:INLINE_BUDGET])))
    except Exception:  # noqa: BLE001 - a body that cannot be parsed has no links to offer
        return []
    for token in tokens:
        children = token.children or []
        for index, child in enumerate(children):
            if child.type == "link_open":
                href = str(child.attrGet("href") or "")
                found.append((clean(_next_text(children, index + 1)).strip() or href, clean(href)))
    return found


def article_reference(href: str, current_id: str = "") -> str | None:
    """The article id a link points to inside the newsroom, or None for an outside link.

    Zola's `@/blog/post.md` (and Hugo's ref/relref, which become it), a relative
    `other.md` or `../news/post.md`, and a site path such as `/news/post/`."""
    if ":" in href.split("/", 1)[0] or href.startswith(("#", "//")):
        return None  # a scheme (https:, mailto:) or a place in this page
    path = re.split("[#?]", href, maxsplit=1)[0]
    if path.startswith(ARTICLE_LINK_PREFIX):
        parts = path[len(ARTICLE_LINK_PREFIX) :].split("/")
    elif path.startswith("/"):
        parts = path[1:].split("/")
    elif path.endswith(".md"):
        parts = [*current_id.split("/")[:-1], *path.split("/")]
    else:
        return None
    resolved: list[str] = []
    for part in parts:
        if part == "..":
            if resolved:
                resolved.pop()
        elif part not in ("", "."):
            resolved.append(part)
    if resolved:
        resolved[-1] = resolved[-1].removesuffix(".md")
        if resolved[-1] in ("index", "_index"):
            resolved.pop()
    return "/".join(resolved) or None


def can_open(href: str) -> bool:
    """Only web and mail links: never file:, javascript:, data: or a terminal's own schemes."""
    scheme = href.split(":", 1)[0].lower() if ":" in href else ""
    return scheme in OPENABLE_SCHEMES and clean(href) == href and not any(char.isspace() for char in href)


__all__ = [
    "BULLET",
    "IMAGE_LABEL",
    "Block",
    "Cell",
    "Run",
    "can_open",
    "find_links",
    "parse_markdown",
    "summary_before_more",
]
