"""Markdown told without loading a Markdown parser: whether text may hold any, and the
blocks of the simplest kind.

A search snippet with no markup reads as written, so a lookup can print it without
markdown-it (about 30 ms to import, a quarter of a pinyin search). Text that holds only
paragraphs, `#` headings and `*`/`_` emphasis, the markup most prose has, is read here as
markdown-it and tui.core.document read it (`simple_blocks`, `plain_markdown`, checked
against `parse_markdown` and `plain_text` by tests). Anything else goes to markdown-it.
(`newsroom show` does not use it: reading a body here saved no time there, since the walk
then bounds the lookup, and its parse child is forked before the body is known.)
"""

from __future__ import annotations

import re
import unicodedata

from tui.core.blocks import Block, Run, merge_runs, soft_break
from tui.core.text import clean

# What may be Markdown or shortcode syntax; text with none of it reads as it is written.
_MAYBE_MARKUP = re.compile(r"[*_`\[\]()<>{}~\\&$|]|^[ \t]*(?:#|>|[-+=]|\d+[.)])", re.MULTILINE)


def may_be_markup(text: str) -> bool:
    """Whether `text` may read differently in the reader (a quick over-estimate: never a miss)."""
    return _MAYBE_MARKUP.search(text) is not None


# What `plain_markdown` leaves to markdown-it. Inline: code, links and footnotes, HTML and
# autolinks (`<`, and gfm's bare `www.`, `a@b` and a scheme such as `http:`), entities,
# escapes, strikethrough, math, tables. Whitespace but spaces and newlines (tabs, U+3000: they
# change what flanks emphasis and what a line's indent is), a line's trailing space (a hard
# break), four spaces of indent (code). And lines that open any block but a paragraph or a `#`
# heading: quotes, lists, thematic breaks, setext underlines.
_LEFT_TO_MARKDOWN_IT = re.compile(
    r"[`\[\]<&\\~$|@]|[a-z]:|www\.|[^\S \n]| \n|^ {4}"
    r"|^ {0,3}(?:[>+=-]|\d{1,9}[.)]|\*(?: |$)|([*_])(?: *\1){2,} *$)",
    re.MULTILINE | re.IGNORECASE,
)
# Past these, tui.core.document shows the text as written: a body's inline text beyond 300,000
# characters (INLINE_BUDGET), and emphasis nested 99 deep (`_too_deep`). A snippet's excerpt
# is ~1,200 characters.
_MAX_LENGTH = 20_000
_MAX_PAIRS = 64
_ATX = re.compile(r" {0,3}(#{1,6})(?: |$)")
_ASCII_PUNCTUATION = frozenset("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~")


def simple_blocks(text: str) -> list[Block] | None:
    """`tui.core.document.parse_markdown(text, shortcodes=False)`, for text of paragraphs, `#`
    headings and `*`/`_` emphasis only; None for any other Markdown (then parse it)."""
    text = clean(text)
    if len(text) > _MAX_LENGTH or _LEFT_TO_MARKDOWN_IT.search(text):
        return None
    sources: list[tuple[str, int]] = []  # each paragraph's or heading's text and heading level
    paragraph: list[str] = []
    for line in text.split("\n"):
        heading = _ATX.match(line)
        if heading or not line.strip(" "):  # a heading or a blank line ends a paragraph
            if paragraph:
                sources.append(("\n".join(paragraph).strip(" "), 0))
                paragraph = []
            if heading:
                sources.append((_heading_text(line[heading.end(1) :]), len(heading.group(1))))
        else:
            paragraph.append(line)
    if paragraph:
        sources.append(("\n".join(paragraph).strip(" "), 0))
    blocks = []
    for source, level in sources:
        runs = _inline(source)
        if runs is None:
            return None
        if runs:
            blocks.append(Block("heading", runs, level) if level else Block("paragraph", runs))
    return blocks


def plain_markdown(text: str) -> str | None:
    """`tui.core.document.plain_text(text)` for what `simple_blocks` reads; else None."""
    blocks = simple_blocks(text)
    if blocks is None:
        return None
    return " ".join(" ".join(block.text for block in blocks).split())


def _heading_text(rest: str) -> str:
    """A `#` heading's text: without the closing run of `#` a space parts from it."""
    rest = rest.rstrip(" ")
    before = rest.rstrip("#")
    if before and before.endswith(" "):
        rest = before
    return rest.strip(" ")


class _Delimiter:
    """One `*` or `_` of a run, as markdown-it's emphasis rule records it."""

    __slots__ = ("marker", "length", "token", "open", "close", "end")

    def __init__(self, marker: str, length: int, token: int, can_open: bool, can_close: bool) -> None:
        self.marker, self.length, self.token = marker, length, token
        self.open, self.close, self.end = can_open, can_close, -1


def _is_punctuation(char: str) -> bool:
    return char in _ASCII_PUNCTUATION or unicodedata.category(char).startswith(("P", "S"))


def _inline(source: str) -> tuple[Run, ...] | None:
    """One paragraph's or heading's runs as tui.core.document makes them from markdown-it's
    tokens: the emphasis markers it pairs become styles, each line break is read as
    `soft_break` reads it, and neighbouring runs of one style are merged; None
    past _MAX_PAIRS."""
    tokens: list[str | None] = []  # text, a marker, or None for a line break
    delimiters: list[_Delimiter] = []
    start = at = 0
    end = len(source)
    while at < end:
        char = source[at]
        if char in "*_":
            if start < at:
                tokens.append(source[start:at])
            run_end = at
            while run_end < end and source[run_end] == char:
                run_end += 1
            before = source[at - 1] if at > 0 else " "  # (a line's edges count as whitespace)
            after = source[run_end] if run_end < end else " "
            punct_before, punct_after = _is_punctuation(before), _is_punctuation(after)
            space_before, space_after = before in " \n", after in " \n"
            left = not (space_after or (punct_after and not (space_before or punct_before)))
            right = not (space_before or (punct_before and not (space_after or punct_after)))
            can_open = left and (char == "*" or not right or punct_before)
            can_close = right and (char == "*" or not left or punct_after)
            for _ in range(run_end - at):
                tokens.append(char)
                delimiters.append(_Delimiter(char, run_end - at, len(tokens) - 1, can_open, can_close))
            at = start = run_end
        elif char == "\n":
            if start < at:
                tokens.append(source[start:at])
            tokens.append(None)
            at += 1
            while at < end and source[at] == " ":  # the next line's indent
                at += 1
            start = at
        else:
            at += 1
    if start < end:
        tokens.append(source[start:])
    _pair(delimiters)
    if sum(opener.end >= 0 for opener in delimiters) > _MAX_PAIRS:
        return None
    tags = _tags(delimiters)
    following: dict[int, str] = {}  # each line break's next text before another break (`_next_text`)
    upcoming = ""
    for index in range(len(tokens) - 1, -1, -1):
        token = tokens[index]
        if token is None:
            following[index], upcoming = upcoming, ""
        elif token and index not in tags:
            upcoming = token
    runs: list[Run] = []
    styles: list[str] = []
    for index, token in enumerate(tokens):
        tag = tags.get(index)
        if tag is not None:  # a marker that became emphasis
            if tag == "/":
                styles.pop()
            elif tag:
                styles.append(tag)
            continue
        if token is None:
            token = soft_break(runs[-1].text if runs else "", following[index])
        if token:
            runs.append(Run(token, " ".join(name for name in ("bold", "italic") if name in styles)))
    return merge_runs(runs)


def _tags(delimiters: list[_Delimiter]) -> dict[int, str]:
    """markdown-it's `emphasis.postProcess`: the tokens of paired markers, each "bold" or
    "italic" where a style opens, "/" where it closes, "" for the second marker of a `**`
    (one strong, not two em)."""
    tags: dict[int, str] = {}
    index = len(delimiters) - 1
    while index >= 0:
        opener = delimiters[index]
        if opener.end == -1:
            index -= 1
            continue
        closer = delimiters[opener.end]
        strong = (
            index > 0
            and delimiters[index - 1].end == opener.end + 1
            and delimiters[index - 1].marker == opener.marker
            and delimiters[index - 1].token == opener.token - 1
            and delimiters[opener.end + 1].token == closer.token + 1
        )
        tags[opener.token], tags[closer.token] = ("bold" if strong else "italic"), "/"
        if strong:
            tags[delimiters[index - 1].token] = tags[delimiters[opener.end + 1].token] = ""
            index -= 1
        index -= 1
    return tags


def _pair(delimiters: list[_Delimiter]) -> None:
    """markdown-it's `balance_pairs.processDelimiters`: each closer's opener, as `end`."""
    openers_bottom: dict[str, list[int]] = {}
    header = 0
    last_token = -2
    jumps: list[int] = []
    for closer_index, closer in enumerate(delimiters):
        jumps.append(0)
        if delimiters[header].marker != closer.marker or last_token != closer.token - 1:
            header = closer_index
        last_token = closer.token
        if not closer.close:
            continue
        bottoms = openers_bottom.setdefault(closer.marker, [-1] * 6)
        minimum = bottoms[(3 if closer.open else 0) + closer.length % 3]
        opener_index = header - jumps[header] - 1
        new_minimum = opener_index
        while opener_index > minimum:
            opener = delimiters[opener_index]
            if opener.marker != closer.marker:
                opener_index -= jumps[opener_index] + 1
                continue
            if opener.open and opener.end < 0:
                odd = (
                    (opener.close or closer.open)
                    and (opener.length + closer.length) % 3 == 0
                    and (opener.length % 3 != 0 or closer.length % 3 != 0)
                )
                if not odd:
                    last_jump = (
                        jumps[opener_index - 1] + 1 if opener_index > 0 and not delimiters[opener_index - 1].open else 0
                    )
                    jumps[closer_index] = closer_index - opener_index + last_jump
                    jumps[opener_index] = last_jump
                    closer.open = False
                    opener.end = closer_index
                    opener.close = False
                    new_minimum = -1
                    last_token = -2
                    break
            opener_index -= jumps[opener_index] + 1
        if new_minimum != -1:
            bottoms[(3 if closer.open else 0) + closer.length % 3] = new_minimum


__all__ = ["may_be_markup", "plain_markdown", "simple_blocks"]
