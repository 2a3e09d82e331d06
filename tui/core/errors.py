"""Errors the user is told about, the exit statuses, and the one way they are printed."""

from __future__ import annotations

import sys
from pathlib import Path

EXIT_OK = 0
EXIT_NOTHING = 1  # nothing found, or problems reported (a search with no hits, `check` with errors)
EXIT_USAGE = 2  # the command cannot run as asked: bad arguments, config or paths
EXIT_PIPE_CLOSED = 128 + 13  # the reader closed the pipe (`| head`): as a command SIGPIPE killed


class NewsroomError(Exception):
    """Something the user must fix before the command can run; its text is the whole message."""

    exit_status = EXIT_USAGE


class ConfigError(NewsroomError):
    """A config file that cannot be used, with where and why."""

    def __init__(self, path: Path | str, message: str, line: int | None = None, key: str | None = None):
        self.path, self.message, self.line, self.key = str(path), message, line, key
        super().__init__(str(self))

    def __str__(self) -> str:
        where = self.path if self.line is None else f"{self.path}:{self.line}"
        key = f" [{self.key}]" if self.key else ""
        return f"{where}:{key} {self.message}"


def print_error(message: object, status: int = EXIT_USAGE) -> int:
    """`newsroom: error: ...` on stderr; returns the exit status to end with."""
    print(f"newsroom: error: {message}", file=sys.stderr)
    return status


__all__ = ["EXIT_NOTHING", "EXIT_OK", "EXIT_PIPE_CLOSED", "EXIT_USAGE", "ConfigError", "NewsroomError", "print_error"]
