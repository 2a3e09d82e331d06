"""A big first build reads in worker processes; the result is the same as reading in-process."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from tests.conftest import write_article
from tui.search import index as index_module
from tui.search.index import SearchIndex


def corpus(root: Path) -> Path:
    for number in range(12):
        write_article(
            root,
            f"s{number % 3}/{number:02}.md",
            title=f"質量新聞第{number}篇",
            body=f"王岐山說質量是基礎，第{number}段。",
            date=f"2010-09-{number + 1:02}",
        )
    (root / "s0" / "bad.md").write_bytes(b"\x00" * 64 + b"binary")
    return root


def build(root: Path, cache: Path) -> tuple[list, list, list]:
    with SearchIndex.open(root, path=cache / "index.sqlite3") as index:
        newsroom = index.refresh()
        hits = [hit.article_id for hit in index.search("质量 基础", limit=20)]
        pinyin_hits = [hit.article_id for hit in index.search("wqs", limit=20)]
    return [(a.id, a.title, a.date) for a in newsroom.articles], [str(p) for p in newsroom.problems], hits + pinyin_hits


@pytest.fixture
def small_batches(monkeypatch):
    monkeypatch.setattr(index_module, "BATCH", 3)
    monkeypatch.setattr(index_module, "PARALLEL_FILES", 1)
    monkeypatch.setattr(index_module.os, "cpu_count", lambda: 2)


def test_workers_build_the_same_index(tmp_path: Path, small_batches, monkeypatch):
    root = corpus(tmp_path / "content")
    spawned = []
    real_popen = subprocess.Popen  # (the index imports subprocess only when it starts workers)
    monkeypatch.setattr(subprocess, "Popen", lambda *a, **k: spawned.append(a) or real_popen(*a, **k))
    parallel = build(root, tmp_path / "a")
    assert len(spawned) == 2  # it really used workers
    monkeypatch.setattr(index_module, "PARALLEL_FILES", 10**9)
    assert build(root, tmp_path / "b") == parallel
    assert len(parallel[0]) == 12 and parallel[1] == ["s0/bad.md:1: error: binary file (or UTF-16 text): not UTF-8"]


def test_a_failing_worker_falls_back_to_reading_here(tmp_path: Path, small_batches, monkeypatch):
    root = corpus(tmp_path / "content")
    monkeypatch.setattr(index_module.sys, "executable", "/bin/false")  # every worker dies at once
    articles, problems, hits = build(root, tmp_path / "a")
    assert len(articles) == 12 and len(hits) == 24
