"""An article's Markdown body turned into display blocks.

The body is untrusted: raw HTML stays literal text, links are shown as text
plus URL (never clickable), images become captioned placeholders, and every
piece of text passes through `clean()`. Widgets render the blocks; this module
knows nothing about Textual.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from itertools import groupby

from markdown_it import MarkdownIt
from markdown_it.rules_core import StateCore
from markdown_it.token import Token

from tui.core.text import clean

BULLET = "- "
IMAGE_LABEL = "[圖片]"

# A fixed order so the same combination of styles always reads the same.
_STYLE_ORDER = ("bold", "italic", "strike", "code", "link", "url", "image")
_STYLE_OF_TAG = {"em": "italic", "strong": "bold", "s": "strike"}
_BLANK_LINES = re.compile(r"\n\s*\n")

# Inline parsing costs up to ~20 µs a character on markup-dense input. Past this
# many characters per body (far more than any real article) the rest of the text
# is shown plain, so a huge or hostile body still opens in about a second.
INLINE_BUDGET = 300_000


@dataclass(frozen=True)
class Run:
    """A piece of text in one style."""

    text: str
    style: str = ""  # space-separated names from _STYLE_ORDER; "" is plain


@dataclass(frozen=True)
class Block:
    """One display block: a heading, paragraph, list item, quote, code block, rule or image."""

    kind: str
    runs: tuple[Run, ...]
    level: int = 0  # heading level; nesting depth of an item or a quote
    marker: str = ""  # list marker of an item, e.g. "- " or "3. "

    @property
    def text(self) -> str:
        return "".join(run.text for run in self.runs)


def _make_parser() -> MarkdownIt:
    # commonmark's preset stops at 20 levels, which a list only 9 deep reaches;
    # 100 is markdown-it's own default and far from Python's recursion limit.
    md = MarkdownIt("commonmark", {"html": False, "maxNesting": 100})
    try:
        md.enable("strikethrough")
    except ValueError:  # an older markdown-it without the rule
        pass
    md.core.ruler.at("inline", _inline_within_budget)
    return md


def _inline_within_budget(state: StateCore) -> None:
    """markdown-it's own inline step, but text past INLINE_BUDGET stays plain."""
    budget = INLINE_BUDGET
    for token in state.tokens:
        if token.type != "inline":
            continue
        token.children = []
        if len(token.content) <= budget:
            budget -= len(token.content)
            state.md.inline.parse(token.content, state.md, state.env, token.children)
        else:
            budget = 0
            token.children.append(Token("text", "", 0, content=token.content))


_MD = _make_parser()


def parse_markdown(body: str) -> list[Block]:
    """Turn a Markdown body into display blocks. Never raises."""
    try:
        tokens = _MD.parse(clean(body))
        if _too_deep(tokens):
            # markdown-it silently drops what is nested past maxNesting; show it all instead.
            return _plain_blocks(body)
        return _Builder().build(tokens)
    except Exception:  # noqa: BLE001 - a broken article must still show its words
        return _plain_blocks(body)


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


def _is_wide(char: str) -> bool:
    return unicodedata.east_asian_width(char) in ("W", "F", "H")


def _soft_break(before: str, after: str) -> str:
    """A source line break inside a paragraph: nothing between two CJK characters
    (a space there would show as a gap in Chinese), a space elsewhere."""
    if before and after and _is_wide(before[-1]) and _is_wide(after[0]):
        return ""
    return " "


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
                self.pending_marker = marker
                # Later paragraphs of the same item line up under its text.
                self.item_indents.append(" " * len(marker))
            elif kind == "list_item_close":
                if self.pending_marker is not None:  # an empty item still shows its marker
                    self._emit_item(())
                self.item_indents.pop()
            elif kind == "blockquote_open":
                self.quote_depth += 1
                self.containers.append("quote")
            elif kind == "blockquote_close":
                self.quote_depth -= 1
                self.containers.pop()
            elif kind == "heading_open":
                self.heading_level = _to_int(token.tag[1:], 1)
            elif kind == "heading_close":
                self.heading_level = 0
            elif kind == "inline":
                self._inline(token.children or [])
            elif kind in ("fence", "code_block"):
                code = token.content[:-1] if token.content.endswith("\n") else token.content
                self._emit("code", (Run(code.expandtabs(4), "code"),) if code else ())
            elif kind == "hr":
                self._emit("rule", ())
        return self.blocks

    # -- emitting blocks -------------------------------------------------

    def _emit(self, kind: str, runs: tuple[Run, ...], level: int = 0) -> None:
        if self.pending_marker is not None and kind != "item":
            # An item that opens with a code block or a nested list: show its marker first.
            self._emit_item(())
        self.blocks.append(Block(kind, runs, level))

    def _emit_item(self, runs: tuple[Run, ...]) -> None:
        if self.pending_marker is not None:
            marker = self.pending_marker
        else:
            marker = self.item_indents[-1] if self.item_indents else ""
        self.pending_marker = None
        self.blocks.append(Block("item", runs, len(self.lists) - 1, marker))

    def _emit_text(self, runs: list[Run]) -> None:
        """Emit the text of a paragraph or heading as the block its context calls for."""
        merged = _merge(runs)
        if not merged:
            return
        inner = self.containers[-1] if self.containers else ""
        if inner == "quote":
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

        def add(text: str, *extra: str) -> None:
            if text:
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
                add(_soft_break(before, _next_text(children, index + 1)))
            elif kind == "hardbreak":
                add("\n")
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
            elif kind == "image":
                # A picture cannot be shown in a terminal: split the paragraph around a placeholder.
                self._emit_text(runs)
                runs = []
                links = [(url, 0, autolink) for url, _, autolink in links]
                caption = clean(token.content or str(token.attrGet("title") or "")).strip()
                caption = " ".join(caption.split())
                label = f"{IMAGE_LABEL} {caption}" if caption else IMAGE_LABEL
                self._emit("image", (Run(label, "image"),))
        self._emit_text(runs)


def _to_int(value: object, default: int) -> int:
    try:
        return int(str(value))
    except ValueError:
        return default


def _next_text(children: list[Token], start: int) -> str:
    """The text that follows a soft break, looking past style markers."""
    for token in children[start:]:
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


def _merge(runs: list[Run]) -> tuple[Run, ...]:
    """Join neighbouring runs of one style and trim the block's outer spaces and breaks."""
    merged = [
        Run("".join(run.text for run in group), style)
        for style, group in groupby((run for run in runs if run.text), key=lambda run: run.style)
    ]
    while merged and not merged[0].text.strip(" \n"):
        merged.pop(0)
    while merged and not merged[-1].text.strip(" \n"):
        merged.pop()
    if merged:
        merged[0] = Run(merged[0].text.lstrip(" \n"), merged[0].style)
        merged[-1] = Run(merged[-1].text.rstrip(" \n"), merged[-1].style)
    return tuple(merged)


__all__ = ["BULLET", "IMAGE_LABEL", "Block", "Run", "parse_markdown"]


OPENABLE_SCHEMES = ("http", "https", "mailto")


def find_links(body: str) -> list[tuple[str, str]]:
    """Every link in a body as (label, href), in order, for a reader to choose from.

    Only `can_open(href)` ones may ever be handed to a browser."""
    found: list[tuple[str, str]] = []
    try:
        tokens = _MD.parse(body[:INLINE_BUDGET])
    except Exception:  # noqa: BLE001 - a body that cannot be parsed has no links to offer
        return []
    for token in tokens:
        children = token.children or []
        for index, child in enumerate(children):
            if child.type == "link_open":
                href = str(child.attrGet("href") or "")
                found.append((clean(_next_text(children, index + 1)).strip() or href, clean(href)))
    return found


def can_open(href: str) -> bool:
    """Only web and mail links: never file:, javascript:, data: or a terminal's own schemes."""
    scheme = href.split(":", 1)[0].lower() if ":" in href else ""
    return scheme in OPENABLE_SCHEMES and clean(href) == href and not any(char.isspace() for char in href)
