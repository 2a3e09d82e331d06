"""TOML for config, glossaries and front matter: the parser, its errors, and where keys are."""

from __future__ import annotations

import re
import sys

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

TOMLDecodeError = tomllib.TOMLDecodeError
loads = tomllib.loads

_POSITION = re.compile(r"\s*\(at line (\d+), column \d+\)")
_AT_END = re.compile(r"\s*\(at end of document\)")
_HEADER = re.compile(r"^\s*\[\[?\s*([^\[\]]+?)\s*\]\]?\s*(?:#.*)?$")
_KEY = re.compile(r"""^\s*("[^"]*"|'[^']*'|[\w-]+(?:\s*\.\s*[\w-]+)*)\s*=""")


def split_error(error: TOMLDecodeError | str, source: str) -> tuple[str, int | None]:
    """tomllib's message without its position, and the line it names."""
    text = str(error)
    if match := _POSITION.search(text):
        return text[: match.start()] + text[match.end() :], int(match.group(1))
    if match := _AT_END.search(text):
        return text[: match.start()], max(1, len(source.rstrip("\n").split("\n")))
    return text, None


def _name(raw: str) -> str:
    """A table or key name as written, without quotes or the spaces around dots."""
    parts = [part.strip() for part in raw.split(".")] if raw[:1] not in "\"'" else [raw]
    return ".".join(part[1:-1] if part[:1] in "\"'" and part[-1:] == part[:1] else part for part in parts)


class KeyLines:
    """The line of every table header and key of a TOML text, found in one pass.

    Errors name the line of the key they are about; looking each one up by
    scanning the text again made a config of 10,000 sections take minutes."""

    def __init__(self, text: str) -> None:
        self._headers: dict[str, list[int]] = {}  # table -> the header line of each [[table]]
        self._keys: dict[tuple[str, int], dict[str, int]] = {}  # (table, which) -> key -> line
        where = ("", 0)
        for number, line in enumerate(text.splitlines(), start=1):
            if header := _HEADER.match(line):
                headers = self._headers.setdefault(_name(header.group(1)), [])
                headers.append(number)
                where = (_name(header.group(1)), len(headers) - 1)
            elif key := _KEY.match(line):
                self._keys.setdefault(where, {}).setdefault(_name(key.group(1)), number)

    def table(self, table: str, index: int = 0) -> int | None:
        """The header line of `[table]` (or of the index-th `[[table]]`)."""
        headers = self._headers.get(table, [])
        return headers[index] if index < len(headers) else None

    def key(self, table: str, key: str | None, index: int = 0) -> int | None:
        """The line of `key` in `[table]` ("" for the top level), else of the table's header."""
        if key is not None and (line := self._keys.get((table, index), {}).get(key)) is not None:
            return line
        return self.table(table, index)


__all__ = ["KeyLines", "TOMLDecodeError", "loads", "split_error"]
