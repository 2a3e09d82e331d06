"""Errors the user is told about, the exit statuses, and the one way they are printed."""

from __future__ import annotations

import errno
import os
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


# What writing standard output raises when the output cannot take it (a full disk, a file too
# big) or nobody reads it any more; other errors are not the output's.
_OUTPUT_ERRNOS = frozenset({errno.EPIPE, errno.ENOSPC, errno.EDQUOT, errno.EFBIG})


def is_output_error(error: OSError) -> bool:
    return error.errno in _OUTPUT_ERRNOS and error.filename is None


def output_failed(error: OSError) -> int:
    """End after standard output could not be written: quietly with 141 if the reader closed
    the pipe (`| head`, as a command SIGPIPE killed), else saying why, with 1. Either way what
    is still buffered then goes to /dev/null, so the interpreter's own flush at exit is quiet."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError, AttributeError):  # standard output is no file (a test's capture)
        pass
    if isinstance(error, BrokenPipeError):
        return EXIT_PIPE_CLOSED
    return print_error(f"cannot write the output: {error.strerror or error}", EXIT_NOTHING)


def finish_output(status: int) -> int:
    """The status to exit with once what is still buffered for standard output is sent: a
    short answer sits in the buffer until here without PYTHONUNBUFFERED, as in a user's shell."""
    try:
        if sys.stdout is not None:
            sys.stdout.flush()
    except OSError as error:
        return output_failed(error)
    return status


__all__ = [
    "EXIT_NOTHING",
    "EXIT_OK",
    "EXIT_PIPE_CLOSED",
    "EXIT_USAGE",
    "ConfigError",
    "NewsroomError",
    "finish_output",
    "is_output_error",
    "output_failed",
    "print_error",
]
