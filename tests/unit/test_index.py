"""The persistent search index: refresh, recovery and search semantics."""

from __future__ import annotations

import datetime as dt
import os
import sqlite3
import threading
from pathlib import Path

import opencc
import pytest

from tests.conftest import SEED_PAGE
from tui.chinese.normalize import find_spans, fold_text
from tui.core import loader
from tui.core.config import Config, SectionConfig
from tui.core.document import parse_markdown
from tui.search.index import SCHEMA_VERSION, IndexDamaged, SearchIndex, default_path
from tui.search.query import parse_query

T2S = opencc.OpenCC("t2s", include_tofu_risk_dictionaries=False)
SEED = SEED_PAGE
FALLBACK_BODY = "9月是全國“質量月”。中共中央政治局委員、國務院副總理王岐山27日在北京主持召開質量工作座談會。他指出,質量是基礎,安全是底線。"


def seed_body() -> str:
    if not SEED.exists():
        return FALLBACK_BODY
    lines = SEED.read_text(encoding="utf-8").splitlines()
    return "\n\n".join(line for line in lines[5:8] if line.strip())


def write(content: Path, rel: str, title: str, body: str, date: str = "2010-09-27", extra: str = "") -> Path:
    path = content / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f'+++\ntitle = "{title}"\ndate = {date}\n{extra}+++\n\n{body}\n', encoding="utf-8")
    return path


@pytest.fixture
def cache(tmp_path, monkeypatch) -> Path:
    home = tmp_path / "cache"
    monkeypatch.setenv("XDG_CACHE_HOME", str(home))
    return home


@pytest.fixture
def content(tmp_path, cache) -> Path:
    """A small newsroom: one Traditional and one Simplified article, and a broken file."""
    root = tmp_path / "content"
    body = seed_body()
    write(
        root,
        "meetings/forum.md",
        "王岐山在質量工作座談會上指出",
        body,
        "2010-09-27",
        'byline = "新華社記者 姚大偉"\ntags = ["質量工作", "座談會"]\n',
    )
    write(root, "news/forum-s.md", T2S.convert("各地加強監管"), T2S.convert(body), "2011-03-01", 'tags = ["监管"]\n')
    write(root, "news/old.md", "舊聞", "這篇文章談到質量安全與軟體。", "2001-01-01")
    (root / "news" / "broken.md").write_text("+++\ntitle = \n+++\nfront matter that is not TOML\n", encoding="utf-8")
    return root


def config_for(content: Path) -> Config:
    return Config(path=None, title="Test", content_dir=content, sections=(SectionConfig("news", "要聞"),))


def open_index(content: Path) -> SearchIndex:
    return SearchIndex.open(config_for(content))


def ids(hits) -> list[str]:
    return [hit.article_id for hit in hits]


# -- where the index lives --------------------------------------------------


def test_index_lives_in_the_cache_dir(content, cache):
    index = open_index(content)
    assert index.path == default_path(content)
    assert index.path.parent == cache / "newsroom"
    assert index.path.name.startswith("index-") and index.path.suffix == ".sqlite3"
    index.refresh()
    assert index.path.exists()


def test_explicit_path(content, tmp_path):
    path = tmp_path / "elsewhere" / "ix.sqlite3"
    index = SearchIndex.open(content, path=path)  # a plain content dir works too
    index.refresh()
    assert path.exists() and index.path == path


# -- refresh ------------------------------------------------------------------


def test_newsroom_from_index_equals_a_full_load(content):
    config = config_for(content)
    index = SearchIndex.open(config)
    from_index = index.refresh()
    direct = loader.load_newsroom(config)
    assert from_index.articles == direct.articles
    assert from_index.problems == direct.problems
    assert [s.id for s in from_index.sections] == [s.id for s in direct.sections]
    # and again from a fresh connection, without a refresh
    assert open_index(content).newsroom().articles == direct.articles


def test_warm_refresh_reads_no_files(content, monkeypatch):
    open_index(content).refresh()
    calls = []
    real = loader.read_file
    monkeypatch.setattr(loader, "read_file", lambda path: calls.append(path) or real(path))
    newsroom = open_index(content).refresh()
    assert calls == []
    assert len(newsroom.articles) == 3


def test_refresh_picks_up_added_changed_and_deleted_files(content, monkeypatch):
    index = open_index(content)
    index.refresh()
    calls = []
    real = loader.read_file
    monkeypatch.setattr(loader, "read_file", lambda path: calls.append(path.name) or real(path))

    write(content, "news/new.md", "新文章", "全新的軟件產業報道。", "2012-05-05")
    changed = write(content, "news/old.md", "舊聞更新", "改寫後的內容談到食品安全。", "2001-01-01")
    os.utime(changed, ns=(1, 1_000_000_000))  # a different mtime, whatever the clock
    (content / "news" / "forum-s.md").unlink()
    progress = []
    newsroom = index.refresh(progress=lambda done, total: progress.append((done, total)))

    assert sorted(calls) == ["new.md", "old.md"]
    assert progress[-1] == (2, 2)
    assert sorted(a.id for a in newsroom.articles) == ["meetings/forum", "news/new", "news/old"]
    assert newsroom.article("news/old").title == "舊聞更新"
    assert ids(index.search("食品安全")) == ["news/old"]
    assert index.search("舊聞更新")[0].article_id == "news/old"
    assert index.search("各地加强监管") == []  # the deleted article is gone from search too
    assert ids(index.search("软件")) == ["news/new"]


# Two pages whose markup the reader hides: words it shows, and words only its markup holds.
HTML_BODY = (
    "正文談到質<b>量</b>與安全。\n\n<!-- 秘密備註：不要發 -->\n\n"
    '<script async src="https://platform.twitter.com/widgets.js">var 追蹤碼 = 1;</script>\n\n'
    '<div class="wrapper"><img src="photos/x.jpg" alt="座談會現場">可見文字</div>'
)
SHORTCODE_BODY = (
    "{{% comment %}}編輯備註未核實{{% /comment %}}開頭。\n\n"
    '{{< highlight python >}}\nprint("可見代碼")\n{{< /highlight >}}\n\n'
    "{{< notice warning >}}\n注意安全\n{{< /notice >}}\n\n"
    "{{< css.inline >}}\n<style>.emojify { font-family: Apple Color Emoji; }</style>\n{{< /css.inline >}}\n結尾。"
)
MARKUP_PAGES = {  # id: (body, words shown, words only in markup)
    # 質<b>量</b> reads 質量, a picture's caption is shown; a comment, a script (an embedded
    # tweet) and tags' attributes are not text.
    "news/html": (
        HTML_BODY,
        ("可見文字", "質量", "座談會現場"),
        ("秘密備註", "追蹤碼", "twitter", "widgets", "wrapper", "class", "script", "photos"),
    ),
    # A highlight's code and a notice's text and label are shown; shortcodes' names and a
    # comment's text are not.
    "news/codes": (
        SHORTCODE_BODY,
        ("可見代碼", "注意安全", "warning", "開頭", "結尾"),
        ("編輯備註", "comment", "highlight", "notice", "inline", "emojify", "font-family"),
    ),
    # Character references are found as the characters the reader shows, and not by their
    # names; in code they show as written.
    "news/entities": (
        "AT&amp;T 與 &#36074;&#x91CF;保證，&lt;b&gt;粗體&lt;/b&gt;。代碼 `&copy;` 照寫。\n\n"
        + "新聞" * 50
        + "反&#x202E;轉",
        ("AT&T", "質量", "<b>粗體", "保證", "copy", "反轉"),
        ("amp", "36074", "x91cf", "lt b gt"),
    ),
}


def write_markup_pages(content: Path) -> None:
    for number, (article_id, (body, _, _)) in enumerate(MARKUP_PAGES.items()):
        write(content, f"{article_id}.md", f"標記頁{number}", body, f"2012-03-0{number + 1}")


def test_words_only_markup_holds_are_not_searched(content):
    # A hit the reader cannot show is no hit: an embedded tweet must not make every page with
    # one a hit for "twitter", nor a hidden note a hit whose snippet shows something else.
    write_markup_pages(content)
    index = open_index(content)
    index.refresh()
    for article_id, (_, shown, hidden) in MARKUP_PAGES.items():
        for word in shown:
            assert article_id in ids(index.search(word)), word
        for word in hidden:
            assert article_id not in ids(index.search(word)), word
    hits = index.search("可見文字")
    assert ids(hits) == ["news/html"] and "可見文字" in hits[0].snippet
    hits = index.search("AT&T")
    assert ids(hits) == ["news/entities"] and "AT&T 與 質量保證，<b>粗體</b>。代碼 &copy; 照寫" in hits[0].snippet
    hits = index.search("反轉")  # an invisible character between them, as the reader shows them
    assert ids(hits) == ["news/entities"] and hits[0].snippet.endswith("新聞反轉")  # never a bidi override


def test_problems_are_kept_and_not_searched(content):
    newsroom = open_index(content).refresh()
    assert [p.path for p in newsroom.problems] == ["news/broken.md"]
    assert "front matter" in newsroom.problems[0].message
    assert open_index(content).newsroom().problems == newsroom.problems


def test_duplicate_ids_match_the_loader(content):
    write(content, "news/twin.md", "雙胞胎", "內容", "2012-01-01", 'id = "meetings/forum"\n')
    config = config_for(content)
    assert SearchIndex.open(config).refresh().problems == loader.load_newsroom(config).problems


# -- recovery -----------------------------------------------------------------


def test_corrupt_index_is_rebuilt(content):
    index = open_index(content)
    index.refresh()
    index.close()
    index.path.write_bytes(b"this is not a database" * 200)
    rebuilt = open_index(content)
    assert any("damaged" in note for note in rebuilt.notes)
    assert rebuilt.path is not None  # still on disk, not in memory
    assert len(rebuilt.refresh().articles) == 3
    assert ids(rebuilt.search("王岐山"))


def test_old_schema_version_is_rebuilt(content):
    index = open_index(content)
    index.refresh()
    index.close()
    db = sqlite3.connect(index.path)
    db.execute(f"PRAGMA user_version={SCHEMA_VERSION - 1}")
    db.commit()
    db.close()
    rebuilt = open_index(content)
    assert any("another version" in note for note in rebuilt.notes)
    with rebuilt._db as db:
        assert db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    assert len(rebuilt.refresh().articles) == 3


def test_unrelated_sqlite_file_is_rebuilt(content):
    path = default_path(content)
    path.parent.mkdir(parents=True)
    db = sqlite3.connect(path)
    db.execute("CREATE TABLE other (x)")
    db.commit()
    db.close()
    index = open_index(content)
    assert len(index.refresh().articles) == 3


def test_unwritable_cache_falls_back_to_memory(content, tmp_path, monkeypatch):
    blocker = tmp_path / "not-a-dir"
    blocker.write_text("a file where the cache dir should be")
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocker))
    index = open_index(content)
    assert index.path is None and index.notes
    assert len(index.refresh().articles) == 3
    assert ids(index.search("王岐山"))


def test_damage_while_open_is_not_fatal(content):
    index = open_index(content)
    index.refresh()
    index._db.execute("DROP TABLE files")  # simulate a broken index under our feet
    with pytest.raises(IndexDamaged):  # said, never an empty answer
        index.search("質量")
    with pytest.raises(IndexDamaged):  # and again, until it is rebuilt
        index.search("質量")
    assert len(index.refresh().articles) == 3
    assert ids(index.search("王岐山"))


# -- search -------------------------------------------------------------------


def test_script_blind_search(content):
    index = open_index(content)
    index.refresh()
    traditional = set(ids(index.search("質量")))
    simplified = set(ids(index.search("质量")))
    assert traditional == simplified == {"meetings/forum", "news/forum-s", "news/old"}


def test_single_character_and_latin_queries(content):
    index = open_index(content)
    write(content, "news/latin.md", "ＧＤＰ增長", "今年 GDP 增長 iPhone 銷量", "2012-02-02")
    index.refresh()
    assert "news/old" in ids(index.search("質"))
    assert ids(index.search("gdp")) == ["news/latin"]
    assert ids(index.search("ｉｐｈｏｎｅ")) == ["news/latin"]
    assert ids(index.search("phon")) == ["news/latin"]  # substrings match in Latin too


def test_punctuation_between_characters_is_ignored(content):
    index = open_index(content)
    index.refresh()
    # the body has "質量是基礎,安全是底線"
    assert "meetings/forum" in ids(index.search("基礎安全"))
    assert "meetings/forum" in ids(index.search("基础，安全"))


def test_ranking_title_matches_first_then_newest(content):
    index = open_index(content)
    index.refresh()
    hits = index.search("質量")
    # only the 2010 article has 質量 in its title; the others are newest first
    assert ids(hits) == ["meetings/forum", "news/forum-s", "news/old"]
    assert hits[0].tier == 0 and hits[0].where == ("title", "body")
    assert hits[1].tier == 1 and hits[1].where == ("body",)


def test_and_phrase_exclude(content):
    index = open_index(content)
    index.refresh()
    assert ids(index.search("質量 軟體")) == ["news/old"]
    assert ids(index.search('"安全 與軟體"')) == ["news/old"]
    assert ids(index.search('"軟體 與安全"')) == []  # a phrase keeps its order
    assert ids(index.search("質量 -王岐山")) == ["news/old"]
    assert ids(index.search("質量 -軟體 -王岐山")) == []
    assert ids(index.search("-質量")) == []


def test_filters(content):
    index = open_index(content)
    index.refresh()
    assert ids(index.search("質量 section:news")) == ["news/forum-s", "news/old"]
    assert ids(index.search("質量", section="meetings")) == ["meetings/forum"]
    assert ids(index.search("tag:質量工作")) == ["meetings/forum"]
    assert ids(index.search("tag:監管")) == ["news/forum-s"]
    assert ids(index.search("by:姚大伟")) == ["meetings/forum"]
    assert ids(index.search("質量 since:2010-09-27")) == ["meetings/forum", "news/forum-s"]
    assert ids(index.search("質量 until:2010-09-26")) == ["news/old"]
    assert ids(index.search("since:2011-01-01")) == ["news/forum-s"]


def test_regional_vocabulary(content):
    index = open_index(content)
    index.refresh()
    assert ids(index.search("软件")) == ["news/old"]  # the article says 軟體


def test_limit_and_empty_query(content):
    index = open_index(content)
    index.refresh()
    assert len(index.search("質量", limit=2)) == 2
    assert index.search("") == []
    assert index.search("，") == []


def marked(text: str, query: str) -> list[str]:
    """What the app and the printer mark in `text` for `query` (they find the matches again in
    the text as shown): the hits must hold the match where it is found."""
    return [text[start:end] for start, end in find_spans(text, parse_query(query).highlight_terms())]


def test_snippet_is_original_text_around_the_match(content):
    index = open_index(content)
    index.refresh()
    for hit in index.search("质量工作"):
        assert hit.snippet and "\n" not in hit.snippet
        spans = marked(hit.snippet, "质量工作")
        assert spans and all(fold_text(span) == "质量工作" for span in spans)
    simplified = next(h for h in index.search("質量工作") if h.article_id == "news/forum-s")
    assert "质量工作" in simplified.snippet  # the article's own script, not the query's


def test_a_title_match_is_marked_in_the_title(content):
    index = open_index(content)
    newsroom = index.refresh()
    hit = index.search("质量工作")[0]
    title = newsroom.article(hit.article_id).title
    assert hit.tier == 0 and "title" in hit.where
    assert marked(title, "质量工作") == ["質量工作"]


def test_search_while_refreshing_in_another_thread(content):
    index = open_index(content)
    for number in range(300):
        write(content, f"bulk/a{number:03d}.md", f"批量文章{number}", "質量" * 20, "2015-01-01")
    errors: list[BaseException] = []

    def refresh() -> None:
        try:
            index.refresh()
        except BaseException as error:  # pragma: no cover - reported below
            errors.append(error)

    worker = threading.Thread(target=refresh)
    worker.start()
    while worker.is_alive():
        index.search("質量")
    worker.join()
    assert not errors
    assert len(index.search("批量文章", limit=500)) == 300


# -- pinyin ---------------------------------------------------------------------


@pytest.fixture
def pinyin_index(content) -> SearchIndex:
    write(content, "news/english.md", "Reporter notes", "This is an English note about quality.", "2012-05-05")
    write(content, "news/anquan.md", "生產安全檢查", "各地開展安全生產大檢查。", "2009-01-01")
    write(content, "news/chongqing.md", "重慶新聞", "重慶市今天發布重要通知。", "2008-01-01")
    index = open_index(content)
    index.refresh()
    return index


def test_pinyin_full_spaced_apostrophe_tones_and_initials(pinyin_index):
    every = {"meetings/forum", "news/forum-s", "news/old"}  # all say 質量 in title or lead
    for query in ("zhiliang", "zhi liang", "ZhiLiang", "zhi4liang4", "zl", '"zhi liang"'):
        assert set(ids(pinyin_index.search(query))) == every, query
    assert ids(pinyin_index.search("wqs")) == ["meetings/forum", "news/forum-s"]  # title first
    assert ids(pinyin_index.search("wang qishan")) == ["meetings/forum", "news/forum-s"]
    assert ids(pinyin_index.search("zhi1liang4")) == []  # 質 is zhì


def test_pinyin_hit_says_why_it_matched(pinyin_index):
    hit = pinyin_index.search("wqs")[0]
    assert hit.pinyin == "王岐山 wángqíshān"  # the characters as written, toned pinyin
    assert hit.tier == 0 and hit.where == ("title",)
    assert marked(newsroom_title(pinyin_index, hit), "wqs") == ["王岐山"]
    simplified = next(h for h in pinyin_index.search("zhiliang") if h.article_id == "news/forum-s")
    assert simplified.pinyin.startswith("质量 zhìliàng")
    assert "质量" in marked(simplified.snippet, "zhiliang")


def newsroom_title(index: SearchIndex, hit) -> str:
    return index.newsroom().article(hit.article_id).title


def test_pinyin_with_chinese_terms_and_filters(pinyin_index):
    assert set(ids(pinyin_index.search("zhiliang 安全"))) == {"meetings/forum", "news/forum-s", "news/old"}
    assert ids(pinyin_index.search("zhiliang 軟體")) == ["news/old"]
    assert ids(pinyin_index.search("zhiliang section:meetings")) == ["meetings/forum"]
    assert "news/anquan" in ids(pinyin_index.search("anquan"))
    assert "news/anquan" not in ids(pinyin_index.search("anquan -檢查"))


def test_polyphones_match_on_any_reading_context_reading_first(pinyin_index):
    assert ids(pinyin_index.search("chongqing")) == ["news/chongqing"]
    hit = pinyin_index.search("chongqing")[0]
    assert hit.pinyin == "重慶 chóngqìng" and hit.pinyin_rank == 1
    other = pinyin_index.search("zhongqing")[0]  # 重 read zhong: found, ranked as the other reading
    assert other.article_id == "news/chongqing" and other.pinyin_rank == 2
    assert other.pinyin == "重慶 zhòngqìng"
    assert "news/chongqing" in ids(pinyin_index.search("zhongyao"))  # 重要 in the lead


def test_plain_matches_rank_before_pinyin(pinyin_index):
    hits = pinyin_index.search("an")
    assert ids(hits)[0] == "news/english"  # the English word "an": plain, first
    assert hits[0].pinyin == "" and hits[0].pinyin_rank == 0
    assert "news/anquan" in ids(hits)  # 安 read an, after it
    assert all(hit.pinyin for hit in hits[1:])
    # A limit full of plain matches leaves the pinyin ones out.
    assert ids(pinyin_index.search("an", limit=1)) == ["news/english"]


def test_a_plain_latin_match_is_never_hidden(pinyin_index, content):
    write(content, "news/pinyin-word.md", "Notes", "The word zhiliang in Latin letters.", "2000-01-01")
    pinyin_index.refresh()
    hits = pinyin_index.search("zhiliang")
    assert ids(hits)[0] == "news/pinyin-word"  # oldest, but plain: first
    assert hits[0].pinyin == "" and all(hit.pinyin for hit in hits[1:])


def test_initials_do_not_flood_past_the_limit(pinyin_index):
    hits = pinyin_index.search("z", limit=3)
    assert len(hits) == 3


def test_chinese_queries_are_unchanged(pinyin_index):
    hits = pinyin_index.search("質量")
    assert ids(hits) == ["meetings/forum", "news/forum-s", "news/old"]
    assert [(h.tier, h.pinyin, h.pinyin_rank) for h in hits] == [(0, "", 0), (1, "", 0), (1, "", 0)]
    assert ids(pinyin_index.search("安全")) == ["news/anquan", "news/forum-s", "meetings/forum", "news/old"]


def test_pinyin_is_only_indexed_for_title_and_lead(content):
    from tui.search.index import PINYIN_LEAD

    write(content, "news/deep.md", "深處", "前" * (PINYIN_LEAD + 10) + "西安", "2012-01-01")
    index = open_index(content)
    index.refresh()
    assert ids(index.search("西安")) == ["news/deep"]
    assert ids(index.search("xi'an")) == []  # past the lead: a documented trade-off


def test_pinyin_survives_a_changed_file(pinyin_index, content):
    # Contentless FTS: deleting must hand back exactly the stored pinyin tokens.
    path = write(content, "news/chongqing.md", "成都新聞", "成都今天發布通知。", "2008-01-01")
    os.utime(path, ns=(1, 1))
    pinyin_index.refresh()
    assert ids(pinyin_index.search("chongqing")) == []
    assert ids(pinyin_index.search("chengdu")) == ["news/chongqing"]
    pinyin_index._db.execute("INSERT INTO fts(fts) VALUES ('integrity-check')")


def test_equal_dates_zones_and_tags_are_one_object_in_the_newsroom(tmp_path, cache):
    """Copies of one date, time zone or list of tags cost megabytes at 100,000 articles:
    the newsroom from the index holds one of each, with the values a full load gives."""
    root = tmp_path / "content"
    write(root, "news/a.md", "甲", "正文。", "2024-05-01T08:30:00+08:00", 'tags = ["質量", "會議"]\n')
    write(root, "news/b.md", "乙", "正文。", "2024-05-02T09:00:00+08:00", 'tags = ["質量", "會議"]\n')
    write(root, "news/c.md", "丙", "正文。", "2024-05-01", 'tags = ["質量"]\n')
    write(root, "news/d.md", "丁", "正文。", "2024-05-01", 'tags = ["質量"]\n')
    write(root, "news/e.md", "戊", "正文。", "2024-05-03T09:00:00-05:00")
    write(root, "news/f.md", "己", "正文。", "2024-05-03T09:00:00Z")
    config = config_for(root)
    newsroom = SearchIndex.open(config).refresh()
    a, b, c, d, e, f = (newsroom.article(f"news/{name}") for name in "abcdef")
    assert a.date.tzinfo is b.date.tzinfo and a.tags is b.tags
    assert c.date is d.date and c.tags is d.tags
    assert e.date.utcoffset() == dt.timedelta(hours=-5) and e.date.tzinfo is not a.date.tzinfo
    assert f.date.utcoffset() == dt.timedelta(0)
    assert newsroom.articles == loader.load_newsroom(config).articles
    assert [article.date for article in newsroom.articles] == [
        article.date for article in loader.load_newsroom(config).articles
    ]


# -- snippets read as the reader shows the text ---------------------------------


MARKDOWN_BODY = (
    "## 會議紀要\n\n"
    "據**新華社**報道，[國務院](https://www.gov.cn/zhiliang)日前召開*質量工作*座談會，"
    '{{< figure src="forum.jpg" caption="會場" >}}\n'
    "會議指出~~舊說~~質量是基礎。\n\n"
    '{{% notice tip "提示" %}}\n质量安全是底线，`监管`不能放松。\n{{% /notice %}}\n'
)


@pytest.fixture
def markdown_index(content) -> SearchIndex:
    write(content, "news/markdown.md", "會議紀要", MARKDOWN_BODY, "2012-01-01")
    index = open_index(content)
    index.refresh()
    return index


def _snippet_of(index: SearchIndex, query: str):
    return next(hit for hit in index.search(query) if hit.article_id == "news/markdown")


@pytest.mark.parametrize("query", ["新华社", "新華社", "xinhuashe"])
def test_a_snippet_shows_text_not_markdown(markdown_index, query):
    hit = _snippet_of(markdown_index, query)
    assert hit.snippet.startswith("據新華社報道，國務院日前召開質量工作座談會，")
    for marker in ("**", "](", "https", "{{", "}}", "~~", "##", "*"):
        assert marker not in hit.snippet, (marker, hit.snippet)
    assert marked(hit.snippet, query) == ["新華社"]


def test_a_snippet_shows_a_shortcode_by_what_the_reader_shows(markdown_index):
    hit = _snippet_of(markdown_index, "質量安全")
    assert "质量安全是底线，监管不能放松。" in hit.snippet and "notice" not in hit.snippet
    assert "{{" not in hit.snippet and "`" not in hit.snippet
    assert marked(hit.snippet, "質量安全") == ["质量安全"]


def test_a_snippet_shows_an_escaped_shortcode_as_written_as_the_reader_does(content):
    # The index keeps bodies with their shortcodes expanded once; a snippet expanded them again.
    body = '質檢總局說明寫法：{{</* figure src="a.jpg" caption="會場" */>}}。'
    write(content, "news/escaped.md", "寫法", body, "2012-01-01")
    index = open_index(content)
    index.refresh()
    hit = next(hit for hit in index.search("質檢總局") if hit.article_id == "news/escaped")
    shown = "".join(block.text for block in parse_markdown(body))
    assert shown == '質檢總局說明寫法：{{< figure src="a.jpg" caption="會場" >}}。'
    assert hit.snippet == shown


def test_only_the_first_hits_come_with_snippets_and_the_rest_are_made_alike(content):
    for number in range(12):
        write(
            content,
            f"news/n{number:02}.md",
            f"報道{number}",
            f"開頭。這裡談到質量第{number}號。",
            f"2011-01-{number + 1:02}",
        )
    index = open_index(content)
    index.refresh()
    query = parse_query("質量")
    every = index.search(query, limit=50)
    first = index.search(query, limit=50, snippets=3)
    assert ids(first) == ids(every)
    assert [hit.snippet is not None for hit in first] == [True] * 3 + [False] * (len(every) - 3)
    assert index.with_snippets(query, first) == every
    assert index.with_snippets(query, first[5:7]) == every[5:7]


def searched_without_snippets(content: Path):
    """Four reports, searched for what all of them say, without a snippet made."""
    for number in range(4):
        write(content, f"news/n{number}.md", f"報道{number}", f"這裡談到質量第{number}號。", f"2011-01-{number + 1:02}")
    index = open_index(content)
    index.refresh()
    query = parse_query("質量第")
    return index, query, index.search(query, limit=10, snippets=0)


def test_a_snippet_made_late_for_an_article_gone_since_is_empty(content):
    index, query, hits = searched_without_snippets(content)
    gone = hits[0].article_id
    (content / f"{gone}.md").unlink()
    index.refresh()
    made = {hit.article_id: hit.snippet for hit in index.with_snippets(query, hits)}
    assert made[gone] == ""
    assert all("質量第" in snippet for article_id, snippet in made.items() if article_id != gone)


def test_a_snippet_made_late_finds_its_article_after_a_refresh_gave_it_another_row(content):
    index, query, hits = searched_without_snippets(content)
    old_row = {hit.article_id: hit.row for hit in hits}["news/n2"]
    # n2 moves to another date, so another row; n9 takes the date, so the row, it had.
    write(content, "news/n2.md", "報道2", "這裡又談到質量第2號。", "2011-01-07")
    write(content, "news/n9.md", "報道9", "別的質量第9號。", "2011-01-03")
    index.refresh()
    again = {hit.article_id: hit.row for hit in index.search(query, limit=10)}
    assert again["news/n9"] == old_row and again["news/n2"] != old_row  # the case under test
    made = {hit.article_id: hit.snippet for hit in index.with_snippets(query, hits)}
    assert made["news/n2"] == "這裡又談到質量第2號。"
    assert all(made[f"news/n{number}"] == f"這裡談到質量第{number}號。" for number in (0, 1, 3))
