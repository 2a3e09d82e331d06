"""Searching the loaded articles without an index gives the index's answers."""

from __future__ import annotations

import pytest

from tests.unit.test_index import cache, config_for, content, write  # noqa: F401 (fixtures)
from tui.core import loader
from tui.search.index import SearchIndex
from tui.search.scan import ScanSearch

QUERIES = [
    "質量",
    "质量 安全",
    "王岐山",
    "各地加强监管",
    '"質量 工作"',
    "質量 -監管",
    "tag:質量工作",
    "tag:监管 質量",
    "by:姚大偉",
    "since:2011-01-01",
    "until:2005-12-31 質量",
    "section:news",
    "section:meetings 质量",
    "软件",
    "zhiliang",
    "zl",
    "wang qishan",
    "nothing-matches-this",
]


@pytest.mark.parametrize("query", QUERIES)
def test_scan_answers_like_the_index(content, query):  # noqa: F811
    config = config_for(content)
    with SearchIndex.open(config) as index:
        index.update()
        expected = index.search(query, limit=20)
    scanned = ScanSearch(loader.load_newsroom(config)).search(query, limit=20)
    assert scanned == expected


def test_scan_keeps_to_a_section_and_a_limit(content):  # noqa: F811
    newsroom = loader.load_newsroom(config_for(content))
    scan = ScanSearch(newsroom)
    assert [hit.article_id for hit in scan.search("質量", section="news")] == ["news/forum-s", "news/old"]
    assert len(scan.search("質量", limit=1)) == 1
    assert scan.search("") == [] and scan.search("質量", limit=0) == []


def test_a_file_gone_since_loading_is_still_searched_by_title(content):  # noqa: F811
    newsroom = loader.load_newsroom(config_for(content))
    (content / "news" / "old.md").unlink()
    scan = ScanSearch(newsroom)
    assert [hit.article_id for hit in scan.search("舊聞")] == ["news/old"]
    assert scan.search("軟體") == []
