"""Front matter: the metadata block at the top of a content file, in TOML, YAML or JSON.

As Hugo reads it: TOML between `+++` lines, YAML between `---` lines, or one
JSON object starting with `{`. Blank lines before the block are allowed, as
Zola allows them. A file with none of these is all body (an article still:
the loader takes its title from the first heading).

YAML goes through PyYAML's safe loader (its C version when built), never one
that can build Python objects. An error names the format, the line of the file
and the reason.
"""

from __future__ import annotations

import json
import re
from typing import Any

from tui.core import toml
from tui.core.records import record

_FENCES = {"+++": "TOML", "---": "YAML"}


class FrontMatterError(Exception):
    """Why the front matter cannot be read, and the line of the file where."""

    def __init__(self, message: str, line: int = 1):
        super().__init__(message)
        self.line = line


@record(frozen=True)
class FrontMatter:
    """A content file split into its front matter, read, and its body."""

    data: dict
    format: str  # "TOML", "YAML", "JSON", or "" when the file has no front matter
    body: str
    body_line: int  # the line of the file where the body starts
    first_line: int = 1  # the line of the opening fence (after any blank lines)


def _split(text: str) -> FrontMatter:
    """Split the front matter from the body and parse it (raises FrontMatterError)."""
    lines = text.split("\n")
    start = 0
    while start < len(lines) and not lines[start].strip():
        start += 1
    if start == len(lines):
        return FrontMatter({}, "", text, 1)
    opening = lines[start].strip()
    if opening in _FENCES:
        return _fenced(lines, start, opening)
    if opening.startswith("{"):
        return _json(text, lines, start)
    return FrontMatter({}, "", text, 1)


def _fenced(lines: list[str], start: int, fence: str) -> FrontMatter:
    kind = _FENCES[fence]
    for number in range(start + 1, len(lines)):
        if lines[number].rstrip() == fence:
            break
    else:
        raise FrontMatterError(f"front matter is not closed by a {fence} line", start + 1)
    source = "\n".join(lines[start + 1 : number])
    data = load_toml(source) if kind == "TOML" else load_yaml(source)
    # Errors come back with the line inside the block: the opening fence is line start + 1.
    return FrontMatter(data, kind, "\n".join(lines[number + 1 :]), number + 2, start + 1)


def _json(text: str, lines: list[str], start: int) -> FrontMatter:
    offset = sum(len(line) + 1 for line in lines[:start])
    try:
        data, end = json.JSONDecoder().raw_decode(text, offset)
    except json.JSONDecodeError as error:
        raise FrontMatterError(f"front matter is not valid JSON: {error.msg}", error.lineno) from None
    except RecursionError:
        raise FrontMatterError("front matter is nested too deeply", start + 1) from None
    if not isinstance(data, dict):
        raise FrontMatterError("JSON front matter must be an object", start + 1)
    rest = text[end:]
    newline = rest.find("\n")
    body = "" if newline < 0 else rest[newline + 1 :]  # the rest of the closing line is not body
    return FrontMatter(data, "JSON", body, text[:end].count("\n") + 2, start + 1)


def load_toml(source: str) -> dict:
    """TOML front matter as a dict; an error's line counts from the block's first line (1)."""
    try:
        return toml.loads(source)
    except toml.TOMLDecodeError as error:
        message, line = toml.split_error(error, source)
        raise _BlockError("TOML", message, line or 0) from None
    except RecursionError:
        raise _BlockError("TOML", "nested too deeply", 0) from None


def load_yaml(source: str) -> Any:
    """YAML through the safe loader; an error's line counts from the block's first line (1)."""
    import yaml  # only sites with YAML pay for loading it

    try:
        return yaml.load(source, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        reason = " ".join(part for part in (error.context, error.problem) if part) or "syntax error"
        raise _BlockError("YAML", re.sub(r"\s+", " ", reason), mark.line + 1 if mark else 0) from None
    except yaml.YAMLError as error:
        raise _BlockError("YAML", re.sub(r"\s+", " ", str(error)), 0) from None
    except RecursionError:
        raise _BlockError("YAML", "nested too deeply", 0) from None


class _BlockError(ValueError):
    """An error inside a front-matter block (or a site config), at `line` of the block (0: unknown)."""

    def __init__(self, kind: str, reason: str, line: int):
        super().__init__(f"{kind} syntax error: {reason}")
        self.kind, self.reason, self.line = kind, reason, line


def parse(text: str) -> FrontMatter:
    """`split`, with block errors turned into FrontMatterErrors at the line of the file."""
    try:
        return _split(text)
    except _BlockError as error:
        lines = text.split("\n")
        opening = next((number for number, line in enumerate(lines, start=1) if line.strip()), 1)
        line = opening + error.line if error.line else opening
        raise FrontMatterError(f"front matter is not valid {error.kind}: {error.reason}", line) from None
