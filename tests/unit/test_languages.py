"""Which variant a script mode shows, and text that is not Chinese never converted."""

from __future__ import annotations

import pytest

from tests import site_trees
from tui.chinese.presenter import Presenter
from tui.chinese.script import ScriptConverter, ScriptMode
from tui.core import config, languages, loader
from tui.core.model import Article, PageInfo

SITE_ORDER = ["en", "zh-hans", "zh-hant", "zh-tw", "zh-hk", "ja"]


@pytest.mark.parametrize(
    "tags, mode, expected",
    [
        (SITE_ORDER, "original", "en"),
        (SITE_ORDER, "simplified", "zh-hans"),
        (SITE_ORDER, "traditional", "zh-hant"),
        (SITE_ORDER, "taiwan", "zh-tw"),
        (SITE_ORDER, "hongkong", "zh-hk"),
        (["en", "zh-cn", "zh-hant"], "taiwan", "zh-hant"),  # no zh-tw: zh-hant
        (["en", "zh-cn", "zh-hant"], "hongkong", "zh-hant"),
        (["en", "zh-sg", "ja"], "traditional", "zh-sg"),  # only Simplified: it converts
        (["en", "zh", "zh-hant-tw", "ja"], "simplified", "zh"),  # a bare zh is Simplified
        (["en", "zh", "zh-hant-tw", "ja"], "taiwan", "zh-hant-tw"),
        (["en", "zh", "zh-hant-tw", "ja"], "traditional", "zh-hant-tw"),
        (["en", "zh-cn", "zh-tw"], "traditional", "zh-tw"),
        (["zh-hans", "en"], "original", "zh-hans"),  # the default language, whatever it is
        (["en", "ja", "ko"], "simplified", "en"),  # nothing Chinese: the default language
        (["", "zh_Hant_TW"], "taiwan", "zh_Hant_TW"),
    ],
)
def test_the_mode_picks_an_authored_variant(tags, mode, expected):
    assert tags[languages.pick(tags, mode)] == expected


def test_a_chosen_language_wins_when_the_page_has_it():
    assert SITE_ORDER[languages.pick(SITE_ORDER, "simplified", "ja")] == "ja"
    assert SITE_ORDER[languages.pick(SITE_ORDER, "simplified", "JA-jp")] == "ja"  # by its first part
    assert SITE_ORDER[languages.pick(SITE_ORDER, "simplified", "fr")] == "zh-hans"  # not here: the mode


@pytest.mark.parametrize("tag, chinese", [("zh-TW", True), ("yue", True), ("", True), ("ja", False), ("ko-kr", False)])
def test_which_tags_are_chinese(tag, chinese):
    assert languages.is_chinese(tag) is chinese


def page(title: str, body_lang: str = "", **info) -> Article:
    return Article(
        id="p", path=f"/x/{body_lang or 'none'}.md", section="", title=title, site=PageInfo(lang=body_lang, **info)
    )


JAPANESE = "千葉で書き込むテスト"
KANJI_ONLY = "千葉県"


@pytest.mark.parametrize("mode", [m for m in ScriptMode if m is not ScriptMode.ORIGINAL])
def test_japanese_and_korean_stay_as_written_in_every_mode(mode):
    present = Presenter(ScriptConverter(), mode)
    tagged = page(KANJI_ONLY, "ja")
    assert present(KANJI_ONLY, tagged) == KANJI_ONLY  # no kana, but tagged Japanese
    assert present("韓國語 한국어", page("한국", "ko")) == "韓國語 한국어"
    untagged = page(JAPANESE)
    assert present(JAPANESE, untagged) == JAPANESE  # kana in the headline
    assert present(KANJI_ONLY, untagged) == KANJI_ONLY  # the whole article is Japanese
    assert present("書き込む", None) == "書き込む"


def test_chinese_still_converts_beside_them():
    present = Presenter(ScriptConverter(), ScriptMode.SIMPLIFIED)
    assert present("千葉縣", page("千葉縣", "zh-hant")) == "千叶县"
    assert present("質量", page("質量")) == "质量"


def test_the_presenter_picks_the_variant_for_its_mode(tmp_path):
    newsroom = loader.load_newsroom(config.for_content_dir(site_trees.stack_like(tmp_path)))
    gallery = newsroom.article("post/quality-gallery")
    present = Presenter(ScriptConverter(), ScriptMode.TAIWAN)
    assert present.variant(gallery).lang == "zh-hant-tw"
    present.variant_mode = ScriptMode.SIMPLIFIED
    assert present.variant(gallery).lang == "zh"
    present.language = "ja"
    assert present.variant(gallery).title == "品質アルバム"
    viewed = newsroom.view(present.variant)
    shown = viewed.article("post/quality-gallery")
    assert (shown.id, shown.title, len(shown.versions)) == ("post/quality-gallery", "品質アルバム", 4)


def test_chinese_that_quotes_a_japanese_name_still_converts(tmp_path):
    text = "豐田汽車（トヨタ）在北京舉行質量工作座談會，各地代表參加會議並發言。"
    assert languages.guess(text) == ""
    assert languages.guess("千葉で書き込むテストです") == "ja" and languages.guess("한국어 문서 質量") == "ko"
    (tmp_path / "news").mkdir()
    (tmp_path / "news" / "a.md").write_text(f"# 質量座談會\n\n{text}\n", encoding="utf-8")
    (tmp_path / "news" / "b.md").write_text("# 千葉\n\n千葉で書き込むテストです。\n", encoding="utf-8")
    newsroom = loader.load_newsroom(config.for_content_dir(tmp_path))
    present = Presenter(ScriptConverter(), ScriptMode.SIMPLIFIED)
    chinese, japanese = newsroom.article("news/a"), newsroom.article("news/b")
    assert (chinese.lang, japanese.lang) == ("", "ja")
    assert present(text, chinese).startswith("丰田汽车（トヨタ）")
    assert present("千葉", japanese) == "千葉"


@pytest.mark.parametrize(
    "tag, mode, shown",
    [
        ("zh-hant-tw", ScriptMode.TAIWAN, "短代碼"),  # authored for Taiwan: as written, not 短程式碼
        ("zh-tw", ScriptMode.TAIWAN, "短代碼"),
        ("zh-hant", ScriptMode.TAIWAN, "短程式碼"),  # plain Traditional: Taiwan phrasing is added
        ("zh-hk", ScriptMode.HONGKONG, "短代碼"),
    ],
)
def test_an_authored_variant_that_fits_the_mode_is_shown_as_written(tag, mode, shown):
    assert Presenter(ScriptConverter(), mode)("短代碼", page("短代碼", tag)) == shown
