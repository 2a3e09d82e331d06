"""The session clock every SSH and web session runs beside its app (tui/serve/common.py)."""

from __future__ import annotations

import asyncio

import pytest

from tui.serve.common import SessionClock, wait_at_most


@pytest.mark.parametrize("turns", range(6))
async def test_a_session_ending_as_its_app_gets_ready_stops_the_clock(turns):
    """The server stops a session's clock by cancelling it. When the app said it was ready in the
    same moment (the ready pipe and a server stop race), the cancel must still end the clock: on
    Python 3.11, `asyncio.wait_for` returned the finished inner wait and swallowed the cancel, the
    clock went on waiting for the idle timeout, and stopping the server took 15 s (seen in CI)."""
    clock = SessionClock(idle=600, longest=3600)
    running = asyncio.ensure_future(clock.run_out())
    await asyncio.sleep(0)  # the clock waits for news
    clock.ready()
    for _ in range(turns):  # every point between the news arriving and the clock waking up
        await asyncio.sleep(0)
    running.cancel()
    done, _ = await asyncio.wait({running}, timeout=5)  # a bound, not a timing: a swallowed cancel never ends
    assert running in done and running.cancelled()


async def test_input_moves_the_idle_deadline_and_the_clock_says_why_it_ran_out():
    clock = SessionClock(idle=0.2, longest=3600, ready_wait=0.1)
    clock.ready()
    clock.touch()
    assert clock.idle_at == pytest.approx(clock.last_input + 0.2)
    assert await asyncio.wait_for(clock.run_out(), 10) == "idle timeout"
    longest = SessionClock(idle=600, longest=0.1)
    assert await asyncio.wait_for(longest.run_out(), 10) == "max length"


async def test_waiting_at_most_gives_the_result_or_a_timeout_and_never_loses_a_cancel():
    assert await wait_at_most(asyncio.sleep(0, "news"), 5) == "news"
    slow = asyncio.ensure_future(asyncio.sleep(60))
    with pytest.raises(asyncio.TimeoutError):
        await wait_at_most(asyncio.shield(slow), 0.01)
    assert not slow.done()  # a shielded wait stays for its owner
    slow.cancel()

    ready = asyncio.Event()
    waiting = asyncio.ensure_future(wait_at_most(ready.wait(), 60))
    await asyncio.sleep(0)
    ready.set()
    await asyncio.sleep(0)  # the inner wait is done; the waiter has not woken yet
    waiting.cancel()
    with pytest.raises(asyncio.CancelledError):
        await waiting
