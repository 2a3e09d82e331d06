"""Searching the loaded articles without an index gives the index's answers."""

from __future__ import annotations

import pytest

from tests.unit.test_index import (
    MARKUP_PAGES,
    cache,  # noqa: F401 (a fixture)
    config_for,
    content,  # noqa: F401 (a fixture)
    write,
    write_markup_pages,
)
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


def by_index_and_by_scan(content, query: str):  # noqa: F811
    """The index's answer to `query`, and the scan's over the same newsroom."""
    config = config_for(content)
    with SearchIndex.open(config) as index:
        index.update()
        expected = index.search(query, limit=20)
    return expected, ScanSearch(loader.load_newsroom(config)).search(query, limit=20)


@pytest.mark.parametrize("query", QUERIES)
def test_scan_answers_like_the_index(content, query):  # noqa: F811
    expected, scanned = by_index_and_by_scan(content, query)
    assert scanned == expected


@pytest.mark.parametrize(
    "article_id, query, found",
    [
        (article_id, word, found)
        for article_id, (_, shown, hidden) in MARKUP_PAGES.items()
        for words, found in ((shown, True), (hidden, False))
        for word in words
    ],
)
def test_scan_hides_what_the_reader_hides_as_the_index_does(content, article_id, query, found):  # noqa: F811
    write_markup_pages(content)
    expected, scanned = by_index_and_by_scan(content, query)
    assert scanned == expected
    assert (article_id in [hit.article_id for hit in scanned]) == found


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


@pytest.mark.parametrize("query", ["zl", "zhiliang", "zhi", "z"])
def test_pinyin_found_only_in_the_lead_answers_like_the_index(content, query):  # noqa: F811
    # The index folds only the lead of a page its typed passes never met; the scan folds all.
    # Punctuation and spaces fold away, so the lead of the folded body reaches further into the text.
    write(content, "news/late.md", "無關標題", "，" * 100 + "「 」" * 30 + "質量在這裡。", "2012-03-01")
    write(content, "news/beyond.md", "另一標題", "前言。" * 40 + "質量在導語之後。", "2012-03-02")
    write(content, "news/typed.md", "拼音標題", "文中寫著 zl 和 zhiliang 與 zhi 兩字。", "2012-03-03")
    expected, scanned = by_index_and_by_scan(content, query)
    assert scanned == expected
    found = {hit.article_id for hit in expected}
    assert "news/late" in found and "news/beyond" not in found
