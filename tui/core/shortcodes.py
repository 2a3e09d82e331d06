"""Hugo and Zola shortcodes in a Markdown body, turned into the Markdown they stand for.

Generators expand shortcodes before Markdown is rendered, so this runs on the
raw body text: `figure` becomes a captioned picture, `ref`/`relref` a link to the
article (Zola's own `@/path` form), `highlight` a code block, notice-like ones a
quote that starts with their label, math ones a math block, and any other one
its inner content with its markers removed. Escaped shortcodes (`{{</* x */>}}`,
`{{/* x() */}}`) show as written without the escape, as the generators print them.

Inside fenced code blocks only the escapes are undone: a real site keeps
shortcodes out of its code samples, and template code (`{{ len(x) }}`) is not one.

The cost is bounded for hostile input: tags are matched to their closing
delimiters by position (no scanning ahead per tag), a tag's text is at most
MAX_TAG characters, and shortcodes nested deeper than MAX_DEPTH only lose their
markers.
"""

from __future__ import annotations

import re
import textwrap
from bisect import bisect_left

from tui.core.records import field, record

# Zola's internal link form; Hugo's ref and relref shortcodes become it too.
ARTICLE_LINK_PREFIX = "@/"
MAX_TAG = 1000  # characters from a tag's opening to its closing delimiter
MAX_DEPTH = 8  # shortcodes nested deeper than this lose their markers only
MAX_ESCAPE = 20_000  # characters an escape spanning several tags may cover
MAX_LEAD = 200  # characters looked back from a tag to see what starts its line

FIGURE_NAMES = frozenset({"figure", "image", "img", "picture", "resize_image"})
REF_NAMES = frozenset({"ref", "relref"})
CODE_NAMES = frozenset({"highlight", "code", "mermaid", "diagram"})
MATH_NAMES = frozenset({"katex", "math", "latex", "mathjax", "tex"})
NOTICE_NAMES = frozenset(
    {
        "notice",
        "admonition",
        "hint",
        "alert",
        "callout",
        "note",
        "tip",
        "info",
        "warning",
        "caution",
        "important",
        "danger",
        "details",
        "expand",
        "collapse",
        "aside",
        "quote",
        "blockquote",
        "spoiler",
    }
)
HIDDEN_NAMES = frozenset({"comment"})  # Hugo's {{% comment %}} hides what it wraps
# Shortcodes whose inner content (or nothing, for embeds a terminal cannot show)
# is the right rendering: known, so `newsroom check --strict` does not list them.
PLAIN_NAMES = frozenset(
    {
        "tabs",
        "tab",
        "columns",
        "column",
        "center",
        "section",
        "button",
        "param",
        "qr",
    }
)
# Embeds a terminal cannot play: a placeholder linking to where they play (`L` lists it).
# name -> (placeholder, site, address with {id} and {user}); None: the `src` argument.
EMBEDS: dict[str, tuple[str, str, str | None]] = {
    "youtube": ("[影片]", "YouTube", "https://www.youtube.com/watch?v={id}"),
    "vimeo": ("[影片]", "Vimeo", "https://vimeo.com/{id}"),
    "vimeo_simple": ("[影片]", "Vimeo", "https://vimeo.com/{id}"),
    "tencent": ("[影片]", "騰訊視頻", "https://v.qq.com/x/page/{id}.html"),
    "bilibili": ("[影片]", "bilibili", "https://www.bilibili.com/video/{id}"),
    "streamable": ("[影片]", "Streamable", "https://streamable.com/{id}"),
    "instagram": ("[貼文]", "Instagram", "https://www.instagram.com/p/{id}/"),
    "tweet": ("[貼文]", "X", "https://x.com/{user}/status/{id}"),
    "x": ("[貼文]", "X", "https://x.com/{user}/status/{id}"),
    "twitter": ("[貼文]", "X", "https://x.com/{user}/status/{id}"),
    "twitter_simple": ("[貼文]", "X", "https://x.com/{user}/status/{id}"),
    "gist": ("[程式碼]", "GitHub Gist", "https://gist.github.com/{user}/{id}"),
    "video": ("[影片]", "", None),
    "audio": ("[音訊]", "", None),
}
KNOWN_SHORTCODES = (
    FIGURE_NAMES | REF_NAMES | CODE_NAMES | MATH_NAMES | NOTICE_NAMES | HIDDEN_NAMES | PLAIN_NAMES | set(EMBEDS)
)

# Openers, longest first so `{{<` is not read as `{{`.
_OPENER = re.compile(r"\{\{<|\{\{%|\{\{|\{%")
_CLOSER_OF = {"{{<": ">}}", "{{%": "%}}", "{{": "}}", "{%": "%}"}
_HUGO_INSIDE = re.compile(
    r"\s*(?P<close>/)?\s*(?P<name>[\w.-]+(?:/[\w.-]+)*)(?P<args>.*?)\s*(?P<self>/)?\s*", re.DOTALL
)
_ZOLA_CALL = re.compile(r"\s*(?P<name>[A-Za-z_]\w*)\s*\((?P<args>.*)\)\s*", re.DOTALL)
_ZOLA_END = re.compile(r"\s*end\s*")
_ESCAPED = re.compile(r"(?P<lead>\s*)/\*(?P<body>.*)\*/(?P<trail>\s*)", re.DOTALL)
_ARG = re.compile(r"""(?:(?P<key>[A-Za-z_][\w-]*)\s*=\s*)?(?P<value>"(?:[^"\\]|\\.)*"|'[^']*'|`[^`]*`|[^\s,"'`=()]+)""")
_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})(.*)$", re.MULTILINE)
# A link's destination is being written: `[text](` or a reference definition `[1]: `.
_DESTINATION_BEFORE = re.compile(r"\]\(\s*$|^\s{0,3}\[[^\]]+\]:\s*$")
_EMBED_PART = re.compile(r"[A-Za-z0-9_.-]{1,200}")  # an embed's id or user: anything else is not linked
_MEDIA_ADDRESS = re.compile(r"https?://[^\s<>()\[\]\\\x00-\x1f\x7f]{1,2000}")
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]{}()#+\-.!|~<>$])")


@record
class _Tag:
    kind: str  # "open", "close", "single"
    name: str  # lower-case, last path part; "" for Zola's {% end %}
    flavour: str  # "hugo" or "zola"
    args: list[tuple[str, str]] = field(default_factory=list)
    indent: str = ""  # the whitespace before the tag, when it starts its line
    starts_line: bool = False
    in_destination: bool = False  # right after `](` or a reference definition's `[x]:`


@record
class _Frame:
    tag: _Tag | None
    parts: list[str] = field(default_factory=list)


def expand_shortcodes(text: str) -> str:
    """The body with every shortcode replaced by the Markdown it stands for."""
    if "{{" not in text and "{%" not in text:
        return text
    stack = [_Frame(None)]
    open_names: dict[tuple[str, str], int] = {}  # (flavour, name) -> frames open with it
    skipped: dict[tuple[str, str], int] = {}  # opening tags past MAX_DEPTH, awaiting their close
    items = list(_tokens(text))
    # An opening tag with no closing tag of its name after it has no inner content.
    closes_left: dict[tuple[str, str], int] = {}
    for item in items:
        if not isinstance(item, str) and item.kind == "close":
            closes_left[(item.flavour, item.name)] = closes_left.get((item.flavour, item.name), 0) + 1
    for item in items:
        if isinstance(item, str):
            stack[-1].parts.append(item)
            continue
        key = (item.flavour, item.name if item.flavour == "hugo" else "")
        if item.kind == "close":
            closes_left[key] -= 1
        elif item.kind == "open" and (not closes_left.get(key) or item.name in REF_NAMES | FIGURE_NAMES):
            item.kind = "single"
        if item.kind == "single":
            stack[-1].parts.append(_render(item, None))
        elif item.kind == "open":
            if len(stack) > MAX_DEPTH:
                skipped[key] = skipped.get(key, 0) + 1
                continue
            stack.append(_Frame(item))
            open_names[key] = open_names.get(key, 0) + 1
        else:
            if skipped.get(key):
                skipped[key] -= 1
            elif open_names.get(key):
                while True:
                    frame = stack.pop()
                    assert frame.tag is not None
                    frame_key = (frame.tag.flavour, frame.tag.name if frame.tag.flavour == "hugo" else "")
                    open_names[frame_key] -= 1
                    if frame_key == key:
                        stack[-1].parts.append(_render(frame.tag, "".join(frame.parts)))
                        break
                    # An opening tag without its close: a shortcode with no inner content.
                    stack[-1].parts.append(_render(frame.tag, None))
                    stack[-1].parts.extend(frame.parts)
            # A closing tag with nothing open to close is dropped.
    while len(stack) > 1:
        frame = stack.pop()
        assert frame.tag is not None
        stack[-1].parts.append(_render(frame.tag, None))
        stack[-1].parts.extend(frame.parts)
    return "".join(stack[0].parts)


def unknown_shortcodes(text: str) -> list[str]:
    """Names of the shortcodes in a body that are shown only by their inner content
    (ones this reader has no special rendering for), sorted, each once."""
    if "{{" not in text and "{%" not in text:
        return []
    names = {item.name for item in _tokens(text) if not isinstance(item, str) and item.kind != "close"}
    return sorted(name for name in names if name and name not in KNOWN_SHORTCODES)


# --- finding tags -------------------------------------------------------------------


def _tokens(text: str):
    """The body as text pieces and tags, in order."""
    closers = {closer: [m.start() for m in re.finditer(re.escape(closer), text)] for closer in set(_CLOSER_OF.values())}
    # Where an escape that spans several tags ends: `{{</* katex >}} … {{< /katex */>}}`.
    escape_ends = {closer: [m.start() for m in re.finditer(re.escape("*/" + closer), text)] for closer in closers}
    fences = fenced_ranges(text)
    position = 0  # start of the text not yet handed out
    scan = 0
    while True:
        opener = _OPENER.search(text, scan)
        if opener is None:
            break
        start, inner_start = opener.start(), opener.end()
        closer = _CLOSER_OF[opener.group()]
        ends = closers[closer]
        index = bisect_left(ends, inner_start)
        if index == len(ends) or ends[index] - start > MAX_TAG:
            scan = start + 1
            continue
        inner_end = ends[index]
        end = inner_end + len(closer)
        inner = text[inner_start:inner_end]
        escaped = _ESCAPED.fullmatch(inner)
        if not escaped and inner.lstrip().startswith("/*"):
            ends_of_escape = escape_ends[closer]
            index = bisect_left(ends_of_escape, inner_start)
            if index < len(ends_of_escape) and ends_of_escape[index] - start <= MAX_ESCAPE:
                stop = ends_of_escape[index]
                written = text[inner_start:stop]
                yield text[position:start]
                yield opener.group() + written.replace("/*", "", 1) + closer
                position = scan = stop + 2 + len(closer)
                continue
        if escaped:
            yield text[position:start]
            yield opener.group() + escaped["lead"] + escaped["body"] + escaped["trail"] + closer
            position = scan = end
            continue
        if _inside(fences, start):
            scan = start + 1
            continue
        tag = _parse_tag(opener.group(), inner)
        if tag is None:
            scan = start + 1
            continue
        # What precedes the tag on its line, looking back a bounded way (a hostile
        # one-line body of tags must not cost a scan back to its start per tag).
        window = max(0, start - MAX_LEAD)
        line_start = text.rfind("\n", window, start) + 1 or window
        lead = text[line_start:start]
        tag.starts_line = not lead.strip() and (line_start > window or window == 0)
        tag.indent = lead if tag.starts_line else ""
        tag.in_destination = bool(_DESTINATION_BEFORE.search(lead))
        yield text[position:start]
        yield tag
        position = scan = end
    yield text[position:]


def _parse_tag(opener: str, inner: str) -> _Tag | None:
    if opener in ("{{<", "{{%"):
        found = _HUGO_INSIDE.fullmatch(inner)
        if not found:
            return None
        name = found["name"].rsplit("/", 1)[-1].lower()
        if found["close"]:
            return _Tag("close", name, "hugo")
        return _Tag("single" if found["self"] else "open", name, "hugo", _arguments(found["args"]))
    if opener == "{%" and _ZOLA_END.fullmatch(inner):
        return _Tag("close", "", "zola")
    found = _ZOLA_CALL.fullmatch(inner)
    if not found:
        return None  # template code such as {{ page.title }} or {% if x %}: left as written
    kind = "open" if opener == "{%" else "single"
    return _Tag(kind, found["name"].lower(), "zola", _arguments(found["args"]))


def _arguments(text: str) -> list[tuple[str, str]]:
    """(key, value) pairs; positional arguments have the key ""."""
    found = []
    for match in _ARG.finditer(text):
        value = match["value"]
        if value[:1] == '"':
            value = value[1:-1].replace('\\"', '"').replace("\\\\", "\\")
        elif value[:1] in ("'", "`"):
            value = value[1:-1]
        found.append(((match["key"] or "").lower(), value))
    return found


def fenced_ranges(text: str) -> list[tuple[int, int]]:
    """(start, end) offsets of the fenced code blocks at the top level of the text."""
    ranges = []
    opening: re.Match | None = None
    for fence in _FENCE.finditer(text):
        marker = fence.group(1)
        if opening is None:
            opening = fence
        elif marker[0] == opening.group(1)[0] and len(marker) >= len(opening.group(1)) and not fence.group(2).strip():
            ranges.append((opening.start(), fence.end()))
            opening = None
    if opening is not None:
        ranges.append((opening.start(), len(text)))
    return ranges


def _inside(ranges: list[tuple[int, int]], position: int) -> bool:
    index = bisect_left(ranges, (position + 1, 0)) - 1
    return index >= 0 and ranges[index][0] <= position < ranges[index][1]


# --- rendering ------------------------------------------------------------------------


def _argument(tag: _Tag, *keys: str, position: int | None = None) -> str:
    values = dict(tag.args)
    for key in keys:
        if values.get(key):
            return values[key]
    positional = [value for key, value in tag.args if not key]
    if position is not None and len(positional) > position:
        return positional[position]
    return ""


def _render(tag: _Tag, inner: str | None) -> str:
    """The Markdown a shortcode stands for; `inner` is None when it has no closing tag."""
    name = tag.name
    if name in HIDDEN_NAMES:
        return ""
    if name in REF_NAMES:
        return _reference(tag)
    if name in FIGURE_NAMES:
        caption = _argument(tag, "caption", "title", "alt", "description")
        picture = f"![{_escape(' '.join(caption.split()))}](figure)"
        return _as_block(tag, [picture]) if tag.starts_line else picture
    if name in CODE_NAMES and inner is not None:
        language = _argument(tag, "lang", "language", position=0) if name != "mermaid" else "mermaid"
        return _fenced(tag, inner, (language.split() or [""])[0])  # (a blank language: none)
    if name in MATH_NAMES:
        formula = inner if inner is not None else _argument(tag, "body", "formula", "math", position=0)
        if tag.starts_line or "\n" in formula.strip():
            return _fenced(tag, formula, "math")
        return _code_span(formula.strip())
    if name in NOTICE_NAMES:
        content = inner if inner is not None else _argument(tag, "body", "text", "content")
        if tag.starts_line and content.strip():
            return _as_block(tag, _quote(_label(tag), content))
    if name in EMBEDS and not tag.in_destination:
        placeholder = _embed(tag)
        return _as_block(tag, [placeholder]) if tag.starts_line else placeholder
    return inner if inner is not None else ""


def _embed(tag: _Tag) -> str:
    """`[影片] YouTube title` linking to the video, or the bare placeholder when the
    arguments do not make an address (never a link made of arbitrary text)."""
    placeholder, site, address = EMBEDS[tag.name]
    title = " ".join(_argument(tag, "title", "caption", "alt").split())
    text = " ".join(part for part in (placeholder, site, title) if part)
    if address is None:
        source = _argument(tag, "src", "url", position=0).strip()
        url = source if _MEDIA_ADDRESS.fullmatch(source) else ""
    else:
        user = _argument(tag, "user", "username", position=0 if tag.name == "gist" else None)
        ident = _argument(tag, "id", "bvid", position=1 if tag.name == "gist" else 0)
        if "{user}" in address and not user and tag.name != "gist":
            user = "i"  # X finds a post by its id alone: x.com/i/status/ID
        parts = [ident] + ([user] if "{user}" in address else [])
        url = address.format(id=ident, user=user) if all(_EMBED_PART.fullmatch(p) for p in parts) else ""
    return f"[{_escape(text)}]({url})" if url else _escape(text)


def _reference(tag: _Tag) -> str:
    path = _argument(tag, "path", "page", position=0).strip()
    if not path:
        return ""
    href = ARTICLE_LINK_PREFIX + path.lstrip("/")
    if any(char in href for char in " ()<>"):
        href = "<" + re.sub("[<>]", "", href) + ">"
    if tag.in_destination:
        return href  # [text]({{< ref "x" >}}) or [1]: {{< ref "x" >}}: the link's destination
    return f"[{_escape(path)}]({href})"


def _label(tag: _Tag) -> str:
    """A notice's label: its title if it has one, else its kind (tip, warning), else its name."""
    # {{% notice tip "Title" %}}, {{< admonition tip "Title" >}}: the second word is the title.
    title = _argument(tag, "title", "summary", "header", "label", position=1)
    if title:
        return title
    kind = _argument(tag, "type", "style", "kind", "class", "color", "context", position=0)
    if kind and len(kind) <= 30 and "\n" not in kind:
        return kind[:1].upper() + kind[1:]
    return tag.name[:1].upper() + tag.name[1:]


def _quote(label: str, content: str) -> list[str]:
    lines = [f"> **{_escape(' '.join(label.split()))}**", ">"]
    body = textwrap.dedent(content.strip("\n")).split("\n")
    lines.extend(f"> {line}" if line.strip() else ">" for line in body)
    return lines


def _fenced(tag: _Tag, code: str, info: str) -> str:
    code = textwrap.dedent(code.strip("\n"))
    longest = max((len(run) for run in re.findall("`+", code)), default=0)
    fence = "`" * max(3, longest + 1)
    return _as_block(tag, [fence + re.sub(r"[`\s]", "", info), *code.split("\n"), fence])


def _code_span(text: str) -> str:
    longest = max((len(run) for run in re.findall("`+", text)), default=0)
    ticks = "`" * (longest + 1)
    return f"{ticks} {text} {ticks}"


def _as_block(tag: _Tag, lines: list[str]) -> str:
    """Lines set apart as their own block, at the indent the tag had (inside a list item)."""
    indent = tag.indent
    return "\n" + indent + ("\n" + indent).join(lines) + "\n"


def _escape(text: str) -> str:
    return _MARKDOWN_SPECIAL.sub(r"\\\1", text)


__all__ = ["ARTICLE_LINK_PREFIX", "KNOWN_SHORTCODES", "expand_shortcodes", "fenced_ranges", "unknown_shortcodes"]
