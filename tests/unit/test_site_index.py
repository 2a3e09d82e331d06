"""Static sites through the search index: the same newsroom as a direct load, every variant searched."""

from __future__ import annotations

import pickle
import subprocess
import sys

import pytest

from tests import site_trees
from tui.core import config, loader
from tui.core.records import replace
from tui.search import index as index_module
from tui.search.index import SearchIndex


@pytest.fixture
def cache(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))


@pytest.mark.parametrize(
    "make", [site_trees.stack_like, site_trees.gin_like, site_trees.zola_docs, site_trees.hugo_basic]
)
def test_the_index_gives_the_newsroom_a_direct_load_gives(tmp_path, cache, make):
    loaded = config.for_content_dir(make(tmp_path))
    direct = loader.load_newsroom(loaded)
    with SearchIndex.open(loaded) as index:
        first = index.refresh()
    with SearchIndex.open(loaded) as index:
        warm = index.newsroom()  # straight from the stored rows
    for newsroom in (first, warm):
        assert newsroom.articles == direct.articles
        assert newsroom.sections == direct.sections
        assert newsroom.aliases == direct.aliases and newsroom.languages == direct.languages
        assert sorted(map(str, newsroom.problems)) == sorted(map(str, direct.problems))


def test_search_covers_every_variant_and_answers_with_the_page(tmp_path, cache):
    loaded = config.for_content_dir(site_trees.stack_like(tmp_path))
    with SearchIndex.open(loaded) as index:
        index.refresh()
        for query in ("Pictures from the forum", "座谈会的照片", "座談會的相片", "千葉", "軟體"):
            assert [hit.article_id for hit in index.search(query)] == ["post/quality-gallery"], query


def test_tag_finds_categories_series_and_taxonomies(tmp_path, cache):
    with SearchIndex.open(config.for_content_dir(site_trees.hugo_basic(tmp_path))) as index:
        index.refresh()
        for tag in ("活動", "質量月", "年度"):
            assert [hit.article_id for hit in index.search(f"tag:{tag}")] == ["post/quality-month"], tag
    with SearchIndex.open(config.for_content_dir(site_trees.zola_docs(tmp_path))) as index:
        index.refresh()
        assert [hit.article_id for hit in index.search("tag:dark")] == ["themes/ink"]


def test_a_layout_change_reads_the_files_again(tmp_path, cache):
    site = tmp_path / "site"
    site_trees.write(site, "content/news/a.fr.md", "---\ntitle: Bonjour\n---\n\nTexte.\n")
    site_trees.write(site, "hugo.toml", "[languages.en]\nweight = 1\n")
    with SearchIndex.open(config.for_content_dir(site)) as index:
        assert [a.id for a in index.refresh().articles] == ["news/a.fr"]
    site_trees.write(site, "hugo.toml", "[languages.en]\nweight = 1\n[languages.fr]\nweight = 2\n")
    with SearchIndex.open(config.for_content_dir(site)) as index:
        assert [a.id for a in index.refresh().articles] == ["news/a"]


def test_index_workers_read_with_the_sites_layout(tmp_path):
    # A big build reads in worker processes: they get the config, layout and all.
    loaded = config.locked(config.for_content_dir(site_trees.gin_like(tmp_path)))
    files = sorted(loader.iter_content_files(loaded))
    batch = [(path.relative_to(loaded.content_dir).as_posix(), path, 1, 1) for path in files]
    proc = subprocess.run(
        [sys.executable, "-m", "tui.search.index_worker"],
        input=pickle.dumps(loaded) + pickle.dumps(batch),
        capture_output=True,
        check=True,
    )
    rows = pickle.loads(proc.stdout)
    assert rows == index_module.read_rows(loaded, batch)
    assert {row["article_id"] for row in rows if row.get("article_id")} >= {"docs/quickstart", "blog/release"}


def test_outside_links_are_never_indexed_for_a_locked_config(tmp_path, cache):
    content = tmp_path / "content"
    site_trees.write(content, "news/a.md", "---\ntitle: 甲\n---\n\n正文。\n")
    secret = site_trees.write(tmp_path, "elsewhere/secret.md", "---\ntitle: 機密\n---\n\n機密內容。\n")
    (content / "news" / "leak.md").symlink_to(secret)
    allowed = replace(config.for_content_dir(content), allow_outside_links=True)
    with SearchIndex.open(allowed) as index:
        assert len(index.refresh().articles) == 2
    with SearchIndex.open(config.locked(allowed)) as index:  # the same cache file: read again
        newsroom = index.refresh()
        assert [a.id for a in newsroom.articles] == ["news/a"]
        assert index.search("機密") == []


@pytest.mark.parametrize(
    "make", [site_trees.stack_like, site_trees.book_like, site_trees.hexo_blog, site_trees.gin_like]
)
def test_the_freshness_walk_lists_what_the_loader_reads_on_a_site(tmp_path, make):
    from tui.search.freshness import scan

    loaded = config.for_content_dir(make(tmp_path))
    listing = scan(loaded.content_dir, loaded.site)
    expected = [path.relative_to(loaded.content_dir).as_posix() for path in loader.iter_content_files(loaded)]
    assert list(listing.files) == expected
    assert not any(rel.endswith("notes.md") or rel == "README.md" for rel in expected)  # resources, not content
