"""A warm process that runs quick lookups for `newsroom` (the other side of tui/launch.py).

`newsroom watch` forks it (tui/launch.py, before anything else starts). It imports what a lookup
needs once, listens on a Unix socket in the user cache dir (mode 0600, and only the
same user's connections are served), and forks a child for each request. The child
takes the client's standard output and error (passed as file descriptors), working
directory, environment and umask, runs the command exactly as `newsroom` would
(`tui.cli.main`), and answers its exit status. So a lookup costs a fork instead of
an interpreter's start and imports. One process serves a user; it ends when the
keeper that started it ends (it watches a pipe from it).
"""

from __future__ import annotations

import gc
import os
import sys

from tui.core.user_dirs import cache_dir

MAX_REQUEST = 1 << 20  # the command line and the environment: far more than any real one


def socket_path() -> str:
    """Where the warm process listens, in the user cache dir."""
    return os.path.join(cache_dir(), "lookups.sock")


def start() -> int | None:
    """Fork the warm process; its pid, or None if another one serves this user already.
    Call it before any thread starts: the warm process forks in turn, for every lookup."""
    import fcntl
    import socket

    path = socket_path()
    if len(os.fsencode(path)) > 100:
        return None
    os.makedirs(os.path.dirname(path), mode=0o700, exist_ok=True)
    lock = os.open(path + ".lock", os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)
    try:
        fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        os.close(lock)
        return None
    try:
        os.unlink(path)  # a socket left by one that was killed: nobody serves it (we hold the lock)
    except FileNotFoundError:
        pass
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    old_mask = os.umask(0o177)
    try:
        listener.bind(path)
    finally:
        os.umask(old_mask)
    listener.listen(64)
    alive_r, alive_w = os.pipe2(os.O_CLOEXEC)
    pid = os.fork()
    if pid == 0:
        os.close(alive_w)
        try:
            _serve(listener, alive_r)
        finally:
            os._exit(0)
    os.close(alive_r)
    listener.close()
    os.close(lock)  # the warm process holds it (the same open file) for as long as it serves
    _keep_open.append(alive_w)  # closed when this process ends: the warm process then ends too
    return pid


_keep_open: list[int] = []


def _preload() -> None:
    """Import what lookups use (and read the tables they read), once for every child."""
    import tui.chinese.presenter
    import tui.cli
    import tui.commands.lookup
    import tui.commands.parse_ahead  # (`show` parses here: the parser is loaded already)
    import tui.core.document
    import tui.core.markup_hint  # what a lookup imports only when it needs it
    import tui.core.reading
    import tui.search.index
    import tui.search.keeper
    import tui.search.query
    import tui.search.stored  # noqa: F401 - imported for the children
    from tui.chinese import normalize, pinyin

    try:
        normalize.fold_text("質量")  # the folding table, from the cache dir
        normalize.regional_triggers()
        pinyin.syllables()
        pinyin.data().by_syllable  # noqa: B018 - read from the cache dir now, not in every child
        pinyin._phrase_table()
        # argparse compiles its patterns as it parses; config files are read as utf-8-sig.
        tui.cli.make_parser().parse_args(["search", "--limit", "20", "質量"])
        "".encode("utf-8-sig")
    except Exception:  # noqa: BLE001 - a child works them out itself
        pass
    # What is loaded now outlives every child: their collections never walk it (nor copy
    # its pages, as touching an object's reference count would).
    gc.collect()
    gc.freeze()


def _serve(listener, alive: int) -> None:
    import select
    import signal

    signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # the kernel reaps the children
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # ctrl+c stops the keeper, and then this
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    os.setsid()  # not in the keeper's terminal's process group
    _preload()
    while True:
        ready, _, _ = select.select([listener, alive], [], [])
        if alive in ready:
            return  # the keeper ended
        try:
            connection, _ = listener.accept()
        except OSError:
            continue
        try:
            pid = os.fork()
        except OSError:
            connection.close()
            continue
        if pid == 0:
            listener.close()
            os.close(alive)
            signal.signal(signal.SIGCHLD, signal.SIG_DFL)
            signal.signal(signal.SIGINT, signal.SIG_DFL)
            status = 1
            try:
                status = _run(connection)
            finally:
                os._exit(status)
        connection.close()


def _receive(connection) -> dict | None:
    import json

    connection.settimeout(10)
    data = b""
    while len(data) < 4 or len(data) < 4 + int.from_bytes(data[:4], "big"):
        if len(data) >= 4 and int.from_bytes(data[:4], "big") > MAX_REQUEST:
            return None
        more = connection.recv(1 << 16)
        if not more:
            return None
        data += more
    return json.loads(data[4:].decode("utf-8", "surrogateescape"))


def _same_user(connection) -> bool:
    import socket
    import struct

    credentials = connection.getsockopt(socket.SOL_SOCKET, socket.SO_PEERCRED, struct.calcsize("3i"))
    _, uid, _ = struct.unpack("3i", credentials)
    return uid == os.getuid()


def _run(connection) -> int:
    """In the child: become the client's lookup, run it, answer its exit status."""
    import io
    import socket
    import time

    from tui import __version__
    from tui.core.errors import finish_output

    request = _receive(connection) if _same_user(connection) else None
    if request is None:
        return 1
    here = os.path.dirname(os.path.abspath(__file__))
    if request.get("version") != __version__ or request.get("package") != here:
        connection.sendall(b"X")  # another version or checkout: the client runs it itself
        return 0
    connection.sendall(b"R")
    go, fds, _, _ = socket.recv_fds(connection, 1, 2)
    if go != b"G" or len(fds) != 2:  # the client gave up waiting and runs it itself
        for fd in fds:
            os.close(fd)
        return 0
    os.dup2(fds[0], 1)
    os.dup2(fds[1], 2)
    for fd in fds:
        os.close(fd)
    null = os.open(os.devnull, os.O_RDONLY)
    os.dup2(null, 0)
    os.close(null)
    os.chdir(request["cwd"])
    os.environ.clear()
    os.environ.update(request["env"])
    time.tzset()
    os.umask(request.get("umask", 0o022))
    out_encoding, out_errors, err_encoding, err_errors = request["encoding"]
    sys.stdout = io.TextIOWrapper(
        io.FileIO(1, "w", closefd=False), encoding=out_encoding, errors=out_errors, line_buffering=os.isatty(1)
    )
    sys.stderr = io.TextIOWrapper(
        io.FileIO(2, "w", closefd=False), encoding=err_encoding, errors=err_errors, line_buffering=True
    )
    sys.argv = ["newsroom", *request["argv"]]
    from tui.cli import main

    try:
        status = main(request["argv"])
    except SystemExit as done:  # argparse's errors and --help
        status = done.code if isinstance(done.code, int) else (0 if done.code is None else 2)
        if isinstance(done.code, str):
            print(done.code, file=sys.stderr)
    except BaseException:  # noqa: BLE001 - told to the client as a normal run would
        import traceback

        traceback.print_exc()
        status = 1
    status = finish_output(status)  # as run here: 141 if the reader went away (`| head`)
    try:
        sys.stderr.flush()
    except OSError:
        pass
    connection.sendall(f"exit {status}".encode())
    return 0


__all__ = ["socket_path", "start"]
