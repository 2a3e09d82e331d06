"""The `newsroom` command's entry point: hands a quick lookup to a warm process if one runs.

A lookup in a fresh interpreter spends most of its time importing (about 0.1 s of
the 0.14 s a `list` takes with `newsroom watch` keeping the index). While
`newsroom watch` runs it also keeps a warm process that has imported everything a
lookup needs; this entry point, which imports only the standard library's socket
support, sends it the command line, the working directory, the environment and its
own standard output and error (as file descriptors), and exits with the status the
warm process's child answers. Anything else, or no warm process, runs here as always.
`newsroom watch` starts the warm process (tui/lookup_server.py) before anything
else, while its process has no thread yet.
"""

from __future__ import annotations

import os
import sys

LOOKUPS = ("search", "show", "list")
START_WAIT = 3.0  # seconds for the warm process to take a lookup before it runs here instead


_VALUED = ("--config", "--content", "--script", "--open", "--state-dir")  # options that take a value


def _words(argv: list[str]) -> tuple[str, dict[str, str]]:
    """The command word (the first word that is neither an option nor an option's value; ""
    for none, or for --help and --version before it) and the valued options' values, as
    `--opt value` or `--opt=value`, wherever they are before a `--`."""
    command, values, taking = "", {}, None
    for word in argv:
        if word == "--" and not taking:  # the rest are words (a search's), not options
            break
        if taking:
            values[taking], taking = word, None
        elif word in _VALUED:
            taking = word
        elif word.startswith("--") and word.partition("=")[0] in _VALUED:
            name, _, value = word.partition("=")
            values[name] = value
        elif word.startswith("-"):
            if word in ("-h", "--help", "--version") and not command:
                return "", values
        elif not command:
            command = word
    return command, values


def forward(argv: list[str]) -> int | None:
    """The exit status of the lookup as the warm process ran it, or None to run it here."""
    from tui.lookup_server import socket_path

    path = socket_path()
    if not os.path.exists(path):  # the usual case without `newsroom watch`: no more imports
        return None
    import json
    import socket

    from tui import __version__

    if len(os.fsencode(path)) > 100:  # past what an AF_UNIX address holds
        return None
    client = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        client.connect(path)
    except OSError:  # none running (or a stale socket of one that was killed)
        client.close()
        return None
    with client:
        request = {
            "version": __version__,
            "package": os.path.dirname(os.path.abspath(__file__)),
            "argv": argv,
            "cwd": os.getcwd(),
            "env": dict(os.environ),
            "umask": _umask(),
            "encoding": [sys.stdout.encoding, sys.stdout.errors, sys.stderr.encoding, sys.stderr.errors],
        }
        sys.stdout.flush()
        sys.stderr.flush()
        data = json.dumps(request).encode("utf-8", "surrogateescape")
        try:
            client.sendall(len(data).to_bytes(4, "big") + data)
            # The warm process says whether it will run it (a stopped or busy one would not say in
            # time). Only then are our standard streams sent, with "go": descriptors sent to a
            # process that never reads them would keep a pipe we write to open after we exit.
            client.settimeout(START_WAIT)
            if client.recv(1) != b"R":
                return None  # refused (another version, say) or no answer: run it here
            socket.send_fds(client, [b"G"], [1, 2])
            client.settimeout(None)
        except OSError:
            return None
        answer = b""
        try:
            while len(answer) < 64:  # the child answers its exit status, then closes
                more = client.recv(64)
                if not more:
                    break
                answer += more
        except OSError:
            pass
        if answer.startswith(b"exit "):
            return int(answer[5:])
        # The child died without an answer (killed): what it printed is all there is.
        print("newsroom: the lookup was interrupted", file=sys.stderr)
        return 1


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    command, values = _words(argv) if sys.platform.startswith("linux") else ("", {})
    if sys.stdout is None and command not in ("watch", "serve"):  # `newsroom list >&-`
        print("newsroom: error: standard output is closed: nowhere to print to", file=sys.stderr)
        return 2
    head_start = parse_ahead = None
    if command in LOOKUPS:
        status = forward(argv)
        if status is not None:
            return status
        # Not kept by a warm process: fork the walk now, from what this command line resolved
        # to last time, and import the rest while it runs (tui/search/head_start.py).
        from tui.search.head_start import HeadStart

        head_start = HeadStart(values.get("--config"), values.get("--content"))
    elif command == "watch":
        from tui import lookup_server

        lookup_server.start()
    try:  # (imports in the try too: a ctrl+c while importing still ends the walk)
        if command == "show" and "--json" not in argv:  # the parser, loading beside the rest
            from tui.commands.parse_ahead import ParseAhead

            parse_ahead = ParseAhead.begin()
        from tui.cli import main as run
        from tui.core.errors import finish_output

        status = run(argv, head_start, parse_ahead)
    except SystemExit:  # --help, --version, a usage error: printed, and exiting
        from tui.core.errors import finish_output  # (an exit may come before the import above)

        failed = finish_output(0)
        if failed:
            return failed
        raise
    finally:
        if head_start is not None:  # a lookup that ended before taking its walk
            head_start.cancel()
        if parse_ahead is not None:  # or its parser
            parse_ahead.cancel()
    return finish_output(status)


def run() -> None:
    """The `newsroom` command and `python -m tui`: `main`, then exit. What is left is moved out
    of the garbage collector's sight first: the interpreter's last collection at exit walked
    every object a lookup had made, for nothing (7 ms of a lookup's 80 at 10,000 articles)."""
    status = main()
    import gc

    gc.freeze()
    raise SystemExit(status)


__all__ = ["LOOKUPS", "forward", "main", "run"]
