"""Raw HTML inside a Markdown body, as the words a text-mode browser shows.

Static sites let authors write HTML among their Markdown (`H<sub>2</sub>O`, a
`<br>` in a quote, a `<div>` around a paragraph). The reader shows none of it as
markup, and none of it raw: tags are dropped and their text kept, a line break
or a block tag breaks the text, a picture becomes the reader's picture
placeholder, and what a browser never shows as text (scripts, styles, forms,
templates, comments) is left out. The text stays untrusted: callers clean it
like any other text of the body.

Tags are found by one linear scan (a tag cannot contain `<` or `>`); the
standard library's HTMLParser takes quadratic time on unclosed tags (8,000
`<a ` took 8.7 s), which a hostile body must not buy.
"""

from __future__ import annotations

import html
import re
import string
import sys
from bisect import bisect_right
from collections.abc import Iterator
from html.entities import html5

from tui.core.shortcodes import fenced_ranges
from tui.core.text import clean

BLOCK_TAGS = frozenset(
    "address article aside blockquote center dd details div dl dt figcaption figure footer h1 h2 h3 h4 h5 h6 "
    "header hr li main nav ol p pre section summary table tbody td tfoot th thead tr ul".split()
)
HIDDEN_TAGS = frozenset("head script style noscript template svg iframe object select".split())
# What one tag shows: a line break, a picture (its caption), the start or end of text
# that is not shown, a block's edge, or nothing.
BREAK, IMAGE, HIDE, SHOW, EDGE = "break", "image", "hide", "show", "edge"
TEXT = "text"  # the text between two tags (from _shown_parts)

# The name cannot give back letters to what follows it (no backtracking between the two).
_TAG = re.compile(r"<!--|<(/?)([A-Za-z][A-Za-z0-9-]*)(?![A-Za-z0-9-])([^<>]*)>")
# CommonMark's raw HTML: attributes, then an optional `/` (possessive: no backtracking).
POSSESSIVE_ATTRIBUTES = (
    r"""(?:\s++[A-Za-z_:][A-Za-z0-9_.:-]*+(?:\s*+=\s*+(?:[^\s"'=<>`]++|'[^']*+'|"[^"]*+"))?+)*+\s*+/?"""
)
# The same language without possessive quantifiers, still linear, ~8x slower to refuse: before
# 3.11 there are none, and before 3.11.5 they matched wrongly (gh-106052; Debian 12's 3.11.2
# takes ` ca="` as an attribute).
PLAIN_ATTRIBUTES = re.sub(r"(?<=[+*?])\+", "", POSSESSIVE_ATTRIBUTES)
_ATTRIBUTES = re.compile(POSSESSIVE_ATTRIBUTES if sys.version_info >= (3, 11, 5) else PLAIN_ATTRIBUTES)
_BACKTICKS = re.compile(r"`+")
_BLANK_LINE = re.compile(r"\n[ \t]*\n")
_CAPTION = re.compile(r"""(?<![\w-])(alt|title)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+))""", re.IGNORECASE)


def _caption(attributes: str) -> str:
    found = {m.group(1).lower(): m.group(2) or m.group(3) or m.group(4) or "" for m in _CAPTION.finditer(attributes)}
    return " ".join(html.unescape(found.get("alt") or found.get("title") or "").split())


def _shown(closing: str, name: str, attributes: str) -> tuple[str, str] | None:
    name = name.lower()
    if name in HIDDEN_TAGS:
        if attributes.rstrip().endswith("/") and not closing:
            return None  # <script/> hides nothing
        return (SHOW if closing else HIDE, name)
    if name == "br":
        return (BREAK, "\n")
    if name == "img" and not closing:
        return (IMAGE, _caption(attributes))
    if name in BLOCK_TAGS:
        return (EDGE, name)
    return None


def inline_tag(tag: str) -> tuple[str, str] | None:
    """What one inline tag (`<br>`, `<img alt="…">`, `<sub>`, `</script>`) shows, or None."""
    found = _TAG.fullmatch(tag.strip())
    if found is None or found.group(0) == "<!--":
        return None
    shown = _shown(*found.groups())
    return None if shown is not None and shown[0] == EDGE else shown


class Hidden:
    """The hidden tags open now (<script> in <svg>...): a stack, with a count per name so a
    closing tag that was never opened costs nothing to look up."""

    def __init__(self) -> None:
        self._stack: list[str] = []
        self._open: dict[str, int] = {}

    def __bool__(self) -> bool:
        return bool(self._stack)

    def opened(self, name: str) -> None:
        self._stack.append(name)
        self._open[name] = self._open.get(name, 0) + 1

    def closed(self, name: str) -> None:
        """Close `name` and whatever was opened inside it; a stray closing tag is ignored."""
        if not self._open.get(name):
            return
        while True:
            inner = self._stack.pop()
            self._open[inner] -= 1
            if inner == name:
                return


def _shown_parts(text: str, markdown: bool = False) -> Iterator[tuple[str, str]]:
    """What of `text` a browser shows, in order: (TEXT, the text between two tags), and for a
    tag that shows something (BREAK, "\\n"), (IMAGE, its caption) or (EDGE, its name). Comments
    and hidden elements give nothing. One linear scan: a tag cannot contain `<` or `>`.

    `markdown`: `text` is a whole Markdown body, not an HTML block, and whatever the reader may
    show is kept: code (fenced blocks, spans) is text; so is what is no tag to CommonMark
    (`<https://…>`, `x<y 且 y>z`: its attributes do not parse, `\\<b>`: escaped), and a `<!--`
    or a hidden element never closed (the reader hides those to the paragraph's end at most)."""
    hidden = Hidden()
    code = _code_ranges(text) if markdown else []
    code_starts = [start for start, _ in code]
    lower = text.lower() if markdown else ""
    last_close: dict[str, int] = {}  # a hidden element's name -> where its last closing tag is
    last_comment_end = text.rfind("-->") if markdown else 0
    position = 0
    while position < len(text):
        found = _TAG.search(text, position)
        if found is not None and code:
            at = bisect_right(code_starts, found.start()) - 1
            if at >= 0 and found.start() < code[at][1]:  # in code: text up to the code's end
                if not hidden:
                    yield TEXT, text[position : code[at][1]]
                position = code[at][1]
                continue
        end = len(text) if found is None else found.start()
        if not hidden and end > position:
            yield TEXT, text[position:end]
        if found is None:
            return
        escaped = markdown and found.start() > 0 and text[found.start() - 1] == "\\"  # \<b> is text
        if found.group(0) == "<!--" and not escaped:
            if markdown and last_comment_end < found.end():  # never closed (one look, not one per `<!--`)
                if not hidden:
                    yield TEXT, found.group(0)
                position = found.end()
            else:
                close = text.find("-->", found.end())
                position = len(text) if close < 0 else close + 3
            continue
        closing, name, attributes = found.groups()
        position = found.end()
        if escaped or (markdown and not _is_tag(closing, attributes)):
            if not hidden:
                yield TEXT, found.group(0)
            continue
        shown = _shown(closing, name, attributes)
        if shown is None:
            continue
        what, value = shown
        if what == HIDE:
            if markdown:
                if value not in last_close:
                    last_close[value] = lower.rfind("</" + value)
                if last_close[value] < position:
                    continue  # never closed
            hidden.opened(value)
        elif what == SHOW:
            hidden.closed(value)
        elif not hidden:
            yield what, value


def _is_tag(closing: str, attributes: str) -> bool:
    """Whether what follows a tag's name makes it raw HTML to CommonMark (a closing tag: spaces only)."""
    return not attributes.strip() if closing else _ATTRIBUTES.fullmatch(attributes) is not None


def _code_ranges(text: str) -> list[tuple[int, int]]:
    """(start, end) of the fenced code blocks and the code spans of a Markdown body, in order."""
    fences = fenced_ranges(text) if "```" in text or "~~~" in text else []
    ranges = list(fences)
    if "`" in text:
        fence_starts = [start for start, _ in fences]
        for start, end in _code_spans(text):
            at = bisect_right(fence_starts, start) - 1
            if at < 0 or start >= fences[at][1]:
                ranges.append((start, end))
    return sorted(ranges)


def _code_spans(text: str) -> list[tuple[int, int]]:
    """A run of backticks up to the next run as long in its paragraph, as CommonMark reads them.
    Each run's next run of its length is worked out once, from the end: a body of runs that
    never close costs one pass, not a pass per run."""
    runs = [match.span() for match in _BACKTICKS.finditer(text)]
    following: list[int | None] = [None] * len(runs)
    last_of_length: dict[int, int] = {}
    for number in range(len(runs) - 1, -1, -1):
        length = runs[number][1] - runs[number][0]
        following[number] = last_of_length.get(length)
        last_of_length[length] = number
    breaks = [match.start() for match in _BLANK_LINE.finditer(text)]
    spans = []
    number = 0
    while number < len(runs):
        closer = following[number]
        if closer is not None and bisect_right(breaks, runs[number][1]) == bisect_right(breaks, runs[closer][0]):
            spans.append((runs[number][0], runs[closer][1]))
            number = closer + 1
        else:
            number += 1
    return spans


def html_blocks(text: str) -> list[tuple[str, str]]:
    """An HTML fragment as ("paragraph", text) and ("image", caption) blocks, in order."""
    blocks: list[tuple[str, str]] = []
    parts: list[str] = []

    def flush() -> None:
        lines = (" ".join(line.split()) for line in "".join(parts).split("\n"))
        parts.clear()
        joined = "\n".join(line for line in lines if line)
        if joined:
            blocks.append(("paragraph", joined))

    for what, value in _shown_parts(text):
        if what == TEXT:  # in HTML a line's end is a space; <br> breaks the line
            parts.append(html.unescape(value).replace("\n", " "))
        elif what == BREAK:
            parts.append("\n")
        elif what == IMAGE:
            flush()
            blocks.append((IMAGE, value))
        else:
            flush()
    flush()
    return blocks


def visible_text(text: str) -> str:
    """A body with what a browser never shows taken out, for the search index: comments,
    hidden elements (scripts, styles, templates...) and the tags themselves. A tag's text
    stays, joined to its neighbours as the reader joins it (質<b>量</b> is 質量); a break or
    a block's edge is a line break, a picture its caption. Markdown is left as it is; code,
    and a `<` that opens no tag (an autolink, `a <b`), are text (see `_shown_parts`)."""
    if "<" not in text:
        return text
    return "".join(
        value if what == TEXT else f"\n{value}\n" if what == IMAGE else "\n"
        for what, value in _shown_parts(text, markdown=True)
    )


# CommonMark's character references as markdown-it reads them (`&copy2024`, with no `;`, is
# text), each after the backslashes before it: an odd number escapes the `&`. (The run is taken
# from its first backslash only: tried at each, a run of 40,000 took 6.6 s.)
_REFERENCE = re.compile(r"(?<!\\)(\\*)&(?:#([xX][0-9a-fA-F]{1,6}|[0-9]{1,7})|([A-Za-z][A-Za-z0-9]{1,31}));")
# Where the reader shows a reference as written, besides code spans and fences (`_code_ranges`),
# found generously (a reference there is left as it is, as before): an autolink, a bare web
# address or mail link (GitHub's autolinks run to the next space), a line indented four columns
# after any quote or list markers (code, or a list item's continuation), and math: from a
# paragraph's first `$` to its last, or `$$` to `$$`.
_LITERAL = re.compile(
    r"<[A-Za-z][A-Za-z0-9+.-]{1,31}:[^<>\x00-\x20]*>"
    r"|<[\w.!#$%&'*+/=?^`{|}~-]+@[\w.-]+>"
    r"|(?i:https?:|ftp:|mailto:|xmpp:|www\.)[^\s<]*"
    r"|\$\$(?:[^$\n]|\$(?!\$)|\n(?![ \t]*(?:\n|\Z)))*(?:\$\$|\Z)?"  # to its `$$`, or a blank line
)
_INDENTED = re.compile(r"^[ \t>*+\-\d.)]*?(?: {4}|\t)[^\n]*", re.MULTILINE)  # (apart: it may overlap math)
_MARKUP = frozenset(string.punctuation)  # what a backslash escapes in Markdown
# Left as written: a reference to white space (at a line's start it would make an indent, a
# quote or a list of text), to a backtick (escaped, it still closes a code span) or to a pipe
# (escaped, it still makes a line a table's); one beside `*`, `_` or `~`, which would pair as
# emphasis otherwise than beside the `&` or `;`; and one right after `<` (`<&#115;cript>`
# would become a tag). One to a character `clean()` takes out (`&#x202E;`, `&zwj;`) is nothing
# between two letters, and as written elsewhere: the body was cleaned before, and a snippet
# is shown as it is kept.
_KEPT = frozenset(" \t\n\x0b\x0c\r`|")
_DELIMITERS = frozenset("*_~")


def _referenced(code: int) -> str:
    """The character a numeric reference shows (markdown-it's `isValidEntityCode`)."""
    low = code & 0xFFFF
    if (
        code > 0x10FFFF
        or 0xD800 <= code <= 0xDFFF
        or 0xFDD0 <= code <= 0xFDEF
        or low in (0xFFFE, 0xFFFF)
        or code <= 0x08
        or code == 0x0B
        or 0x0E <= code <= 0x1F
        or 0x7F <= code <= 0x9F
    ):
        return "\ufffd"
    return chr(code)


def _shown_reference(found: re.Match) -> str:
    backslashes, number, name = found.groups()
    text = found.string
    after = text[found.end() : found.end() + 1]
    if len(backslashes) % 2 or after in _DELIMITERS:
        return found.group(0)  # `\&amp;` shows as written
    before = text[max(0, found.start() - 2) : found.start()] if not backslashes else ""
    if before[-1:] in _DELIMITERS or before[-1:] == "<" or before == "</":
        return found.group(0)
    if number is not None:
        shown = _referenced(int(number[1:], 16) if number[0] in "xX" else int(number))
    else:
        shown = html5.get(name + ";")
        if shown is None:  # no such name: text
            return found.group(0)
    visible = clean(shown)
    if visible != shown:  # invisible: nothing between two letters (質&#8203;量 is 質量), else as written
        return "" if not visible and before[-1:].isalnum() and after.isalnum() else found.group(0)
    if any(char in _KEPT for char in shown):
        return found.group(0)
    if shown.isspace():  # (`&nbsp;`) not where a line's indent ends: the reader strips that
        line_start = text.rfind("\n", 0, found.start()) + 1
        if not text[line_start : found.start()].strip(" \t"):
            return found.group(0)
    # Markup it stands for stays text: `&lt;b&gt;` is `\<b\>`, `&#42;` no emphasis.
    return backslashes + "".join("\\" + char if char in _MARKUP else char for char in shown)


def _literal_ranges(text: str) -> list[tuple[int, int]]:
    """Where else than in code the reader shows references as written (see `_LITERAL`)."""
    ranges = [found.span() for pattern in (_LITERAL, _INDENTED) for found in pattern.finditer(text)]
    if "$" in text:
        edges = [0, *(found.end() for found in _BLANK_LINE.finditer(text)), len(text)]
        for start, end in zip(edges, edges[1:]):  # each paragraph
            first, last = text.find("$", start, end), text.rfind("$", start, end)
            if first != last:
                ranges.append((first, last + 1))
    return ranges


def shown_references(text: str) -> str:
    """A Markdown body's character references (`AT&amp;T`, `&#36074;`, `&nbsp;`) as the
    characters the reader shows for them, so that a search finds what it reads: not in code,
    in an autolink or after an escaping backslash, where it shows them as written. What would
    be markup comes out backslash-escaped, so the body still reads as the same Markdown."""
    if "&" not in text or _REFERENCE.search(text) is None:
        return text
    ranges = sorted(_code_ranges(text) + _literal_ranges(text))
    # (a character shown just before a web address can make it a link, or stop it being one)
    followed = {start for start, _ in ranges}
    literal: list[tuple[int, int]] = []  # overlapping ranges merged
    for start, end in ranges:
        if literal and start < literal[-1][1]:
            literal[-1] = (literal[-1][0], max(end, literal[-1][1]))
        else:
            literal.append((start, end))
    starts = [start for start, _ in literal]

    def shown(found: re.Match) -> str:
        ampersand = found.start() + len(found.group(1))
        at = bisect_right(starts, ampersand) - 1
        if (at >= 0 and ampersand < literal[at][1]) or found.end() in followed:
            return found.group(0)
        return _shown_reference(found)

    return _REFERENCE.sub(shown, text)


__all__ = ["BREAK", "HIDE", "IMAGE", "SHOW", "Hidden", "html_blocks", "inline_tag", "shown_references", "visible_text"]
