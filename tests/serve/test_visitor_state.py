"""Read and saved articles over SSH: a visitor admitted by key keeps them across visits,
per key; an anonymous visitor keeps them for the session only. Two visitors see a new
article appear without a key."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

import platformdirs
import pytest

asyncssh = pytest.importorskip("asyncssh")

from tests.conftest import write_article  # noqa: E402
from tests.serve.test_ssh import HEADLINE, Visitor, gone, options  # noqa: E402
from tui.serve.ssh import start_ssh_server, visitor_state_dir  # noqa: E402

UNREAD_ALL, READ_ONE = "3/3", "2/3"  # the front page's count in the menu: unread/all


@pytest.fixture
async def ssh(tmp_path):
    """Start SSH servers (as test_ssh's `serve` does); every app is reaped at teardown."""
    services, visitors = [], []

    async def start(**overrides):
        services.append(await start_ssh_server(options(tmp_path, **overrides)))
        return services[-1]

    start.visitors = visitors
    yield start
    for visitor in visitors:
        await visitor.close()
    pids = [pid for service in services for pid in service.app_pids()]
    for service in services:
        await asyncio.wait_for(service.close(), 20)
    for pid in pids:
        assert await gone(pid), f"app {pid} outlived its server"


async def connect(ssh, service, key=None, shows: str = HEADLINE) -> Visitor:
    """A visitor on a pty, signed in with `key` (None: anonymous), once the front page shows."""
    conn = await asyncssh.connect(
        "127.0.0.1", service.port, username="reader", known_hosts=None, agent_path=None, client_keys=key and [key]
    )
    process = await conn.create_process(term_type="xterm-256color", term_size=(100, 30), encoding=None)
    visitor = Visitor(conn, process, 100, 30)
    ssh.visitors.append(visitor)
    await visitor.wait_for(shows, timeout=30)
    await visitor.wait_for("/", timeout=30)  # loaded, with its counts
    return visitor


def front_page_count(visitor: Visitor) -> str:
    row = next(line for line in visitor.text().splitlines() if line.strip().startswith("最新"))
    return row.split()[1]


async def leave(ssh, service, visitor: Visitor) -> None:
    (pid,) = service.app_pids()
    await visitor.close()
    ssh.visitors.remove(visitor)
    assert await gone(pid)


async def until(condition, timeout: float = 15.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        await asyncio.sleep(0.05)


def journal_of(fingerprint: str) -> str:
    folder = visitor_state_dir(fingerprint)
    return "".join(path.read_text(encoding="utf-8") for path in folder.glob("reading-*/journal"))


async def test_a_key_keeps_its_read_state_across_visits_and_another_key_does_not_share_it(ssh, tmp_path):
    reader, other = asyncssh.generate_private_key("ssh-ed25519"), asyncssh.generate_private_key("ssh-ed25519")
    keys = tmp_path / "authorized_keys"
    keys.write_bytes(reader.export_public_key() + other.export_public_key())
    service = await ssh(authorized_keys=keys)

    first = await connect(ssh, service, reader)
    assert front_page_count(first) == UNREAD_ALL
    first.send("\r\r")  # the list, then open its first article: read
    await first.wait_for(READ_ONE)
    fingerprint = reader.get_fingerprint()
    await until(lambda: "meetings/wang-qishan-quality-forum" in journal_of(fingerprint))  # written at once
    await leave(ssh, service, first)

    again = await connect(ssh, service, reader)
    await again.wait_for(READ_ONE)  # kept across the visit
    await leave(ssh, service, again)

    stranger = await connect(ssh, service, other)
    assert front_page_count(stranger) == UNREAD_ALL  # another key: its own state
    assert visitor_state_dir(fingerprint) != visitor_state_dir(other.get_fingerprint())


async def test_an_anonymous_visitor_keeps_read_state_for_the_session_only(ssh, tmp_path):
    service = await ssh()
    first = await connect(ssh, service)
    first.send("\r\r")
    await first.wait_for(READ_ONE)  # kept while the session lasts
    await leave(ssh, service, first)
    again = await connect(ssh, service)
    assert front_page_count(again) == UNREAD_ALL
    assert not (Path(platformdirs.user_state_dir("newsroom")) / "visitors").exists()  # nothing written


async def test_visitors_see_a_new_article_without_a_key(ssh, tmp_path):
    content = tmp_path / "content"
    write_article(content, "news/a.md", title="第一篇報道", date="2024-01-02")
    service = await ssh(app_args=("--content", str(content)))
    visitors = [await connect(ssh, service, shows="第一篇報道") for _ in range(2)]
    write_article(content, "news/b.md", title="突發新聞快訊", date="2024-01-03")
    for visitor in visitors:
        await visitor.wait_for("突發新聞快訊", timeout=20)
        await visitor.wait_for("1 new")


def inotify_fds(pid: int) -> int:
    fds = Path(f"/proc/{pid}/fd")
    return sum(1 for fd in fds.iterdir() if "inotify" in str(fd.readlink()))


def warm_children(service) -> set[int]:
    parent = service.warm.current.process.pid
    return {int(pid) for pid in Path(f"/proc/{parent}/task/{parent}/children").read_text().split()}


async def test_the_warm_parent_follows_the_folder_for_its_visitors(ssh, tmp_path):
    """One watcher for the server (a process of the warm parent's), none in the visitors'
    apps: a change made while they browse reaches each through the parent."""
    content = tmp_path / "content"
    write_article(content, "news/a.md", title="第一篇報道", date="2024-01-02")
    service = await ssh(app_args=("--content", str(content)))
    visitors = [await connect(ssh, service, shows="第一篇報道") for _ in range(2)]
    apps = set(service.app_pids())
    (watcher,) = warm_children(service) - apps
    await until(lambda: inotify_fds(watcher) == 1)
    assert [inotify_fds(pid) for pid in apps] == [0, 0]
    write_article(content, "news/b.md", title="突發新聞快訊", date="2024-01-03")
    for visitor in visitors:
        await visitor.wait_for("突發新聞快訊", timeout=20)


async def test_visitors_see_changes_when_the_parent_has_to_poll_the_folder(ssh, tmp_path):
    """The warm parent's watcher ended (killed here): the parent looks at the folder every
    few seconds instead, and tells every visitor, one seated before and one after."""
    import os
    import signal

    content = tmp_path / "content"
    write_article(content, "news/a.md", title="第一篇報道", date="2024-01-02")
    service = await ssh(app_args=("--content", str(content)))
    first = await connect(ssh, service, shows="第一篇報道")
    (watcher,) = warm_children(service) - set(service.app_pids())
    os.kill(watcher, signal.SIGKILL)
    assert await gone(watcher)
    write_article(content, "news/b.md", title="突發新聞快訊", date="2024-01-03")
    await first.wait_for("突發新聞快訊", timeout=30)
    second = await connect(ssh, service, shows="突發新聞快訊")
    write_article(content, "news/c.md", title="第三篇報道", date="2024-01-04")
    for visitor in (first, second):
        await visitor.wait_for("第三篇報道", timeout=30)
