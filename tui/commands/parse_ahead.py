"""`show`'s body parsed in a forked child, which loads markdown-it while the lookup does the rest.

Loading markdown-it and the parser is ~20 ms of a ~90 ms `show` at 10,000 articles, and by
the time the lookup reaches it the walk has left the other core idle. So the lookup forks a
child first thing (`ParseAhead.begin`): it imports the parser while the parent resolves the
config, checks freshness and finds the article, then parses the body the parent sends and
sends the blocks back (`as_tuples`, marshalled). Whatever goes wrong there (no fork, a child
that dies or answers garbage), `parse` parses in this process instead: the same blocks, later.
"""

from __future__ import annotations

import marshal
import os
import sys

from tui.core.blocks import Block, as_tuples, from_tuples
from tui.search.freshness import leave_stdio, pipe_above_stdio


def _read_all(fd: int) -> bytes:
    parts = []
    while chunk := os.read(fd, 1 << 20):
        parts.append(chunk)
    return b"".join(parts)


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view) :]


class ParseAhead:
    """A child that parses one body; `parse` gives its blocks, `cancel` ends it unused."""

    def __init__(self, pid: int, to_child: int, from_child: int) -> None:
        self._pid: int | None = pid
        self._to_child = to_child
        self._from_child = from_child

    @classmethod
    def begin(cls) -> ParseAhead | None:
        """The child, forked now; None where it cannot be (not Linux, another thread running,
        no process or descriptor to spare): then `parse_body` parses here."""
        threading = sys.modules.get("threading")  # a fork beside another thread may copy a held lock
        if not sys.platform.startswith("linux") or (threading is not None and threading.active_count() > 1):
            return None
        pipes: list[int] = []
        try:
            request = pipe_above_stdio()
            pipes += request
            answer = pipe_above_stdio()
            pipes += answer
            pid = os.fork()
        except OSError:
            for fd in pipes:
                os.close(fd)
            return None
        if pid == 0:  # the child: parse, answer, and leave without running anything of the parent's
            status = 1
            try:
                leave_stdio(request[0], answer[1])
                from tui.core.document import parse_markdown

                body = _read_all(request[0]).decode("utf-8", "surrogatepass")
                _write_all(answer[1], marshal.dumps(as_tuples(parse_markdown(body))))
                status = 0
            finally:
                os._exit(status)  # noqa: B012 - whatever was raised: the parent parses itself
        ahead = cls(pid, request[1], answer[0])  # (first: a ctrl+c from here on still ends the child)
        try:
            os.close(request[0])
            os.close(answer[1])
        except BaseException:
            ahead.cancel()
            raise
        return ahead

    def parse(self, body: str) -> list[Block] | None:
        """The child's blocks for `body`, or None if it has none to give. (With SIGCHLD ignored
        its exit status is lost: a whole answer still reads, and a cut one does not.)"""
        if self._pid is None:
            return None
        try:
            try:
                _write_all(self._to_child, body.encode("utf-8", "surrogatepass"))
            finally:
                os.close(self._to_child)
                self._to_child = -1
            data = _read_all(self._from_child)
        except OSError:  # the child died first (EPIPE): no answer
            self._end(kill=True)
            return None
        if self._end(kill=False) is False:
            return None
        try:
            return from_tuples(marshal.loads(data))
        except (ValueError, TypeError, EOFError):
            return None

    def cancel(self) -> None:
        """End the child unused (killed if still running)."""
        self._end(kill=True)

    def _end(self, kill: bool) -> bool | None:
        """Close our ends and reap the child (killed first if `kill` and still running); whether
        it exited cleanly, None if its status is lost (SIGCHLD ignored)."""
        ends = (self._to_child, self._from_child)
        self._to_child = self._from_child = -1  # (first: whatever is raised, none is closed twice)
        for fd in ends:
            if fd >= 0:
                os.close(fd)
        pid = self._pid
        if pid is None:
            return False
        try:
            done, status = os.waitpid(pid, os.WNOHANG) if kill else (0, 0)
            if kill and done == 0:  # still ours: not reaped, so its pid is no one else's yet
                os.kill(pid, 9)  # SIGKILL (`signal` costs an import)
            if done == 0:
                _, status = os.waitpid(pid, 0)
        except ChildProcessError:  # SIGCHLD ignored: the kernel reaped it
            self._pid = None
            return None
        self._pid = None  # (only now: a ctrl+c while waiting leaves `cancel` to reap it)
        return os.waitstatus_to_exitcode(status) == 0


def parse_body(body: str, ahead: ParseAhead | None) -> list[Block]:
    """The body's display blocks: from the child if it gives them, else parsed here."""
    blocks = ahead.parse(body) if ahead is not None else None
    if blocks is None:
        from tui.core.document import parse_markdown

        blocks = parse_markdown(body)
    return blocks


__all__ = ["ParseAhead", "parse_body"]
