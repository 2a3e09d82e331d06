"""Printing a lookup's answer: lines with a few text styles, without Rich's console.

Rich's console and text take ~40 ms to import, a third of what a lookup costs when
`newsroom watch` keeps the index; a lookup only needs bold, dim, italic, reverse and
strike-through on whole lines it has laid out itself. In a terminal they are plain SGR
sequences; in a pipe, or on a dumb terminal, no escape sequence is written at all.
Every text printed was cleaned of control characters when it was read.
"""

from __future__ import annotations

import os
import sys
from typing import TextIO

_SGR = {"bold": "1", "dim": "2", "italic": "3", "reverse": "7", "strike": "9"}


def terminal_columns() -> int:
    """The terminal's width as `shutil.get_terminal_size` finds it ($COLUMNS, else standard
    output's terminal, else 80), without shutil's imports (bz2, lzma: 1.5 ms a lookup)."""
    try:
        columns = int(os.environ["COLUMNS"])
    except (KeyError, ValueError):
        columns = 0
    if columns <= 0:
        try:
            columns = os.get_terminal_size(sys.__stdout__.fileno()).columns
        except (AttributeError, ValueError, OSError):
            columns = 0
    return columns or 80


class Styled:
    """One line of text and the styles of its parts (space-separated names, as Rich writes them)."""

    __slots__ = ("spans", "text")

    def __init__(self, text: str = "", style: str = "") -> None:
        self.text = text
        self.spans: list[tuple[int, int, str]] = [(0, len(text), style)] if style and text else []

    def append(self, text: str, style: str = "") -> None:
        start = len(self.text)
        self.text += text
        if style and text:
            self.spans.append((start, len(self.text), style))

    def stylize(self, style: str, start: int, end: int) -> None:
        self.spans.append((start, end, style))

    def rstrip(self) -> None:
        self.text = self.text.rstrip()  # spans past the end are clipped when written


class Printer:
    """Where a lookup prints: `is_terminal` and `width` as a console has them."""

    def __init__(
        self,
        file: TextIO | None = None,
        terminal: bool | None = None,
        width: int | None = None,
        styles: bool | None = None,
    ) -> None:
        self.file = file if file is not None else sys.stdout
        if terminal is None:
            terminal = self.file.isatty()
        self.is_terminal = terminal
        if width is None:  # a pipe is not wrapped at some guessed width: one record a line
            width = terminal_columns() if terminal else 4096
        self.width = width
        self.styles = terminal and os.environ.get("TERM") != "dumb" if styles is None else styles

    def print(self, line: Styled | str = "", soft_wrap: bool = True) -> None:
        """Write one line (never wrapped here: the caller laid it out)."""
        if isinstance(line, str):
            line = Styled(line)
        self.file.write((_with_sgr(line) if self.styles and line.spans else line.text) + "\n")


class Spool:
    """Text kept to be sent later (or never), as the bytes `stream` would write for it: in
    memory up to `limit` bytes, then in a temporary file (raises OSError if none can be made)."""

    def __init__(self, stream: TextIO, limit: int) -> None:
        import codecs

        self.encoding = getattr(stream, "encoding", None) or "utf-8"
        self.errors = getattr(stream, "errors", None) or "strict"
        self._encode = codecs.getincrementalencoder(self.encoding)(self.errors).encode  # (one BOM, as the stream)
        self._parts: list[bytes] = []
        self._size = 0
        self._limit = limit
        self._file = None

    def write(self, text: str) -> int:
        data = self._encode(text)
        if self._file is None and self._size + len(data) > self._limit:
            import tempfile  # (only for a long answer: `list` of 100,000 articles)

            self._file = tempfile.TemporaryFile()
            self._file.writelines(self._parts)
            self._parts = []
        if self._file is not None:
            self._file.write(data)
        else:
            self._parts.append(data)
        self._size += len(data)
        return len(text)

    def flush(self) -> None:
        pass

    def send(self, stream: TextIO) -> None:
        """Write what is kept to `stream`, a part at a time, and let it go."""
        parts = self._parts
        if self._file is not None:
            self._file.seek(0)
            parts = iter(lambda: self._file.read(1 << 20), b"")
        binary = getattr(stream, "buffer", None)
        if binary is None:  # a text-only stream (a test's capture): decoded whole
            stream.write(b"".join(parts).decode(self.encoding, self.errors))
        else:
            stream.flush()
            for part in parts:
                binary.write(part)
        self.close()

    def close(self) -> None:
        self._parts = []
        if self._file is not None:
            self._file.close()


def _with_sgr(line: Styled) -> str:
    """The line with an SGR sequence wherever the set of styles changes."""
    length = len(line.text)
    cuts = sorted({0, length, *(min(max(at, 0), length) for start, end, _ in line.spans for at in (start, end))})
    parts = []
    on = False
    for start, end in zip(cuts, cuts[1:]):
        names = {
            name
            for span_start, span_end, style in line.spans
            if span_start <= start and end <= span_end
            for name in style.split()
        }
        codes = [_SGR[name] for name in sorted(names, key=list(_SGR).index) if name in _SGR]
        if codes:
            parts.append(f"\x1b[0;{';'.join(codes)}m")
            on = True
        elif on:
            parts.append("\x1b[0m")
            on = False
        parts.append(line.text[start:end])
    if on:
        parts.append("\x1b[0m")
    return "".join(parts)


__all__ = ["Printer", "Spool", "Styled"]
