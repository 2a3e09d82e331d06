"""Giving freed memory back to the system."""

from __future__ import annotations

import platform

import pytest

from tui.core import memory


@pytest.fixture(autouse=True)
def fresh_lookup():
    memory._trim.cache_clear()
    yield
    memory._trim.cache_clear()


@pytest.mark.skipif(platform.libc_ver()[0] != "glibc", reason="malloc_trim is glibc's")
def test_glibc_is_asked_to_give_free_pages_back():
    assert memory.give_back() is True


def test_elsewhere_nothing_is_asked_and_nothing_fails(monkeypatch):
    monkeypatch.setattr(memory.sys, "platform", "darwin")
    assert memory.give_back() is False
