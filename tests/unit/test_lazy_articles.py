"""The app's newsroom from the index keeps only what the lists show (LazyArticle): the rest is
read when asked for, and reads the same as a whole article's, whatever became of the index."""

from __future__ import annotations

import os
import pickle
import sqlite3

import pytest

from tests import site_trees
from tests.unit.test_index import config_for, open_index, write
from tui.core import config, loader
from tui.core.model import Article, Details, LazyArticle, with_fields
from tui.core.records import fields, replace
from tui.search.index import IndexDetails, SearchIndex

DETAILS = Details._fields


@pytest.fixture
def cache(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))


@pytest.fixture
def content(tmp_path, cache):
    root = tmp_path / "content"
    write(
        root,
        "news/full.md",
        "質量工作座談會",
        "正文。",
        "2010-09-27T08:30:00+08:00",
        'subtitle = "副題"\nsummary = "摘要"\ncaption = "圖說"\nsource = "新華社"\nbyline = "記者"\n'
        'tags = ["質量", "會議"]\n[glossary]\n"头发干了" = "頭髮乾了"\n',
    )
    write(root, "news/plain.md", "簡單", "正文。", "2011-01-01")
    write(root, "news/named.md", "改名", "正文。", "2012-01-01", 'slug = "other-name"\nsubtitle = "另一副題"\n')
    return root


def values(article: Article) -> tuple:
    return tuple(getattr(article, f.name) for f in fields(Article))


def lazy_newsroom(content):
    index = open_index(content)
    index.refresh()
    return index, index.newsroom(lazy=True)


def test_a_lazy_newsroom_reads_as_a_whole_one(content):
    index, lazy = lazy_newsroom(content)
    whole = loader.load_newsroom(config_for(content))
    assert all(type(article) is LazyArticle for article in lazy.articles)
    assert [values(a) for a in lazy.articles] == [values(a) for a in whole.articles]
    assert lazy.articles == whole.articles and whole.articles == lazy.articles  # both ways
    assert [hash(a) for a in lazy.articles] == [hash(a) for a in whole.articles]
    assert [repr(a) for a in lazy.articles] == [repr(a) for a in whole.articles]
    full = lazy.article("news/full")
    assert (full.subtitle, full.summary, full.caption, full.source) == ("副題", "摘要", "圖說", "新華社")
    assert full.tags == ("質量", "會議") and full.glossary == (("头发干了", "頭髮乾了"),)
    assert full.path == str(content / "news" / "full.md")
    assert loader.load_body(full).strip() == "正文。"


@pytest.mark.parametrize("make", [site_trees.hugo_basic, site_trees.stack_like, site_trees.zola_docs])
def test_a_lazy_site_newsroom_reads_as_a_whole_one(tmp_path, cache, make):
    # translations, bundles, section pages and ids other than the path: assemble copies them
    loaded = config.for_content_dir(make(tmp_path))
    whole = loader.load_newsroom(loaded)
    with SearchIndex.open(loaded) as index:
        index.refresh()
        lazy = index.newsroom(lazy=True)
        assert lazy.articles == whole.articles and lazy.sections == whole.sections
        for article, other in zip(lazy.articles, whole.articles):
            assert values(article) == values(other)
            for version, other_version in zip(article.versions, other.versions):
                assert values(version) == values(other_version)


def test_the_path_is_kept_only_when_it_is_not_the_id(content):
    index, lazy = lazy_newsroom(content)
    named = next(article for article in lazy.articles if article.title == "改名")
    assert named.id != "news/named" and named.path == str(content / "news" / "named.md")
    assert named.subtitle == "另一副題"
    plain = lazy.article("news/plain")
    assert plain.rel == "news/plain.md" and plain.path == str(content / "news" / "plain.md")


def test_copies_stay_lazy_and_keep_the_file(content):
    index, lazy = lazy_newsroom(content)
    full = lazy.article("news/full")
    moved = with_fields(full, id="elsewhere/x", section="elsewhere")
    assert type(moved) is LazyArticle
    assert moved.path == full.path and moved.subtitle == "副題"  # still that file's
    assert (moved.id, moved.section) == ("elsewhere/x", "elsewhere")
    whole = replace(full, title="新")  # replace: a whole Article
    assert type(whole) is Article and whole.title == "新" and whole.subtitle == "副題" and whole.path == full.path
    assert with_fields(full, subtitle="改") == replace(full, subtitle="改")
    assert pickle.loads(pickle.dumps(full)) == full and type(pickle.loads(pickle.dumps(full))) is Article


def test_details_are_what_the_file_said_when_indexed(content):
    index, lazy = lazy_newsroom(content)
    write(content, "news/full.md", "質量工作座談會", "正文。", "2010-09-27", 'subtitle = "新副題"\n')
    assert lazy.article("news/full").subtitle == "副題"  # the index not updated yet: as loaded
    index.refresh()
    fresh = index.newsroom(lazy=True).article("news/full")
    assert fresh.subtitle == "新副題" and fresh.tags == ()


def test_a_file_gone_from_the_index_and_the_folder_has_no_details(content):
    index, lazy = lazy_newsroom(content)
    full = lazy.article("news/full")
    (content / "news" / "full.md").unlink()
    index.refresh()
    assert values(full)[:4] == ("news/full", str(content / "news" / "full.md"), "news", "質量工作座談會")
    assert all(getattr(full, name) == default for name, default in zip(DETAILS, Details()))


def test_a_damaged_index_reads_the_file_again(content):
    index, lazy = lazy_newsroom(content)
    whole = loader.load_newsroom(config_for(content))
    index._db.execute("DROP TABLE files")  # damaged under our feet
    assert [values(a) for a in lazy.articles] == [values(a) for a in whole.articles]


def test_a_closed_index_reads_the_file_again(content):
    index, lazy = lazy_newsroom(content)
    index.close()
    assert lazy.article("news/full").subtitle == "副題"


def test_an_index_file_replaced_by_garbage_reads_the_file_again(content):
    index, lazy = lazy_newsroom(content)
    index.path.write_bytes(b"this is not a database" * 200)
    assert lazy.article("news/full").summary == "摘要"


def test_an_index_in_memory_gives_whole_articles(content, tmp_path, monkeypatch):
    blocker = tmp_path / "not-a-dir"
    blocker.write_text("a file where the cache dir should be")
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocker))
    index = open_index(content)
    assert index.in_memory
    newsroom = index.refresh(lazy=True)
    assert {type(article) for article in newsroom.articles} == {Article}


def test_a_forked_process_reads_through_its_own_connection(content):
    index, lazy = lazy_newsroom(content)
    full = lazy.article("news/full")
    source = full._from
    assert isinstance(source, IndexDetails)
    read, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: answer over the pipe, then leave without running anything else
        try:
            fresh = source._here() is not index
            answer = f"{fresh}|{full.subtitle}|{full.summary}|{'/'.join(full.tags)}"
            os.write(write_end, answer.encode("utf-8"))
        finally:
            os._exit(0)
    os.close(write_end)
    with os.fdopen(read, "rb") as pipe:
        answer = pipe.read().decode("utf-8")
    os.waitpid(pid, 0)
    assert answer == "True|副題|摘要|質量/會議"
    assert source._here() is index  # the parent keeps its own
    assert index.search("質量")  # and its connection still works


def test_recent_details_are_read_once(content, monkeypatch):
    index, lazy = lazy_newsroom(content)
    reads = []
    real = SearchIndex.details
    monkeypatch.setattr(SearchIndex, "details", lambda self, rel: (reads.append(rel), real(self, rel))[1])
    full = lazy.article("news/full")
    assert (full.subtitle, full.summary, full.caption, full.tags) == ("副題", "摘要", "圖說", ("質量", "會議"))
    assert reads == ["news/full.md"]


def test_a_row_of_another_shape_is_never_taken_for_details(content):
    # The details query names its columns: a file table without them is damage, read from the file.
    index, lazy = lazy_newsroom(content)
    with index._db:
        index._db.execute("ALTER TABLE files RENAME COLUMN summary TO gone")
    with pytest.raises(sqlite3.OperationalError):
        index._db.execute("SELECT summary FROM files").fetchone()
    assert lazy.article("news/full").summary == "摘要"
