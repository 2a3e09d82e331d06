"""Script conversion: modes, detection, OpenCC configs, glossary, start mode."""

from __future__ import annotations

import os
import random
import subprocess
import sys
import threading

import opencc
import pytest

import tui.chinese.script as script_module
from tests.conftest import MARSHAL_CRASH, ROOT, SEED_PAGE, write_article
from tui.chinese.cached import table_path
from tui.chinese.script import (
    Glossary,
    OpenCCPool,
    ScriptConverter,
    ScriptMode,
    SourceScript,
    detect_script,
    initial_mode,
    mode_from_locale,
    opencc_config,
)
from tui.core.sealed import seal

SEED = SEED_PAGE
S, T, M, N = SourceScript.SIMPLIFIED, SourceScript.TRADITIONAL, SourceScript.MIXED, SourceScript.NONE


def plain(config: str, text: str) -> str:
    return opencc.OpenCC(config, include_tofu_risk_dictionaries=False).convert(text)


@pytest.fixture(scope="module")
def converter() -> ScriptConverter:
    return ScriptConverter()


@pytest.fixture(scope="module")
def seed_text() -> str:
    if not SEED.exists():
        pytest.skip("seed text not available")
    return SEED.read_text(encoding="utf-8")


# --- ScriptMode ------------------------------------------------------------


def test_labels_are_written_in_their_own_script():
    assert [mode.label for mode in ScriptMode] == ["原文", "简体", "繁體", "臺灣", "香港"]


@pytest.mark.parametrize(
    "mode, after",
    [
        (ScriptMode.ORIGINAL, ScriptMode.SIMPLIFIED),
        (ScriptMode.SIMPLIFIED, ScriptMode.TRADITIONAL),
        (ScriptMode.TRADITIONAL, ScriptMode.ORIGINAL),
        (ScriptMode.TAIWAN, ScriptMode.ORIGINAL),
        (ScriptMode.HONGKONG, ScriptMode.ORIGINAL),
    ],
)
def test_t_key_cycle(mode, after):
    assert mode.next_in_cycle() is after


@pytest.mark.parametrize(
    "text, mode",
    [
        ("taiwan", ScriptMode.TAIWAN),
        ("Simplified", ScriptMode.SIMPLIFIED),
        (" HONGKONG ", ScriptMode.HONGKONG),
        ("繁體", ScriptMode.TRADITIONAL),
        ("原文", ScriptMode.ORIGINAL),
        ("臺灣", ScriptMode.TAIWAN),
    ],
)
def test_parse_accepts_names_and_labels(text, mode):
    assert ScriptMode.parse(text) is mode


def test_parse_error_lists_valid_names():
    with pytest.raises(ValueError) as info:
        ScriptMode.parse("klingon")
    message = str(info.value)
    assert "klingon" in message
    assert all(mode.value in message for mode in ScriptMode)


# --- conversion ------------------------------------------------------------


def test_traditional_to_simplified(converter):
    assert converter.convert("王岐山在質量工作座談會上指出", ScriptMode.SIMPLIFIED) == "王岐山在质量工作座谈会上指出"
    assert converter.convert("活動", ScriptMode.SIMPLIFIED) == "活动"


def test_simplified_to_traditional(converter):
    assert converter.convert("王岐山在质量工作座谈会上指出", ScriptMode.TRADITIONAL) == "王岐山在質量工作座談會上指出"
    assert converter.convert("活动", ScriptMode.TRADITIONAL, S) == "活動"


def test_taiwan_uses_taiwan_phrasing(converter):
    assert converter.convert("软件和打印机", ScriptMode.TAIWAN) == "軟體和印表機"
    assert converter.convert("软件和打印机", ScriptMode.TRADITIONAL) == "軟件和打印機"


def test_taiwan_phrasing_from_a_traditional_source(converter):
    # OpenCC's t2tw only swaps variant characters; s2twp also rewrites the phrases.
    assert plain("t2tw", "軟件和打印機") == "軟件和打印機"
    assert opencc_config(T, ScriptMode.TAIWAN) == "s2twp"
    assert converter.convert("軟件和打印機", ScriptMode.TAIWAN, T) == "軟體和印表機"


def test_hongkong_standard_characters(converter):
    assert converter.convert("台湾", ScriptMode.HONGKONG, S) == "台灣"
    assert converter.convert("台湾", ScriptMode.TRADITIONAL, S) == "臺灣"
    assert converter.convert("为什么", ScriptMode.HONGKONG, S) == "為什麼"
    assert converter.convert("爲什麼", ScriptMode.HONGKONG, T) == "為什麼"


def test_original_leaves_text_untouched(converter, seed_text):
    for text in (seed_text, "软件和打印机", "頭髮"):
        assert converter.convert(text, ScriptMode.ORIGINAL) is text


def test_same_script_is_shown_as_written(converter):
    assert converter.convert("後面的乾麵", ScriptMode.TRADITIONAL, T) == "後面的乾麵"
    assert converter.convert("后面的干面", ScriptMode.SIMPLIFIED, S) == "后面的干面"


def test_mixed_source_converts_both_ways(converter):
    mixed = "我们的軟件和打印機"
    assert detect_script(mixed) is M
    assert converter.convert(mixed, ScriptMode.SIMPLIFIED) == "我们的软件和打印机"
    assert converter.convert(mixed, ScriptMode.TRADITIONAL) == "我們的軟件和打印機"
    assert converter.convert(mixed, ScriptMode.TAIWAN) == "我們的軟體和印表機"
    assert converter.convert(mixed, ScriptMode.HONGKONG) == "我們的軟件和打印機"


def test_text_without_chinese_is_untouched(converter):
    for mode in ScriptMode:
        assert converter.convert("Hello, world 2024!", mode) == "Hello, world 2024!"


def test_line_structure_is_kept(converter, seed_text):
    text = seed_text + "\n\n\r\n  \n"
    glossaried = ScriptConverter(Glossary({"质量": "質量", "范先生": "范先生"}))
    for mode in ScriptMode:
        for conv in (converter, glossaried):
            for source in (None, S, T, M):
                assert conv.convert(text, mode, source).count("\n") == text.count("\n")


@pytest.mark.parametrize(
    "source, mode, config",
    [
        (T, ScriptMode.SIMPLIFIED, "t2s"),
        (M, ScriptMode.SIMPLIFIED, "t2s"),
        (S, ScriptMode.SIMPLIFIED, None),
        (S, ScriptMode.TRADITIONAL, "s2t"),
        (M, ScriptMode.TRADITIONAL, "s2t"),
        (T, ScriptMode.TRADITIONAL, None),
        (S, ScriptMode.TAIWAN, "s2twp"),
        (T, ScriptMode.TAIWAN, "s2twp"),
        (M, ScriptMode.TAIWAN, "s2twp"),
        (S, ScriptMode.HONGKONG, "s2hk"),
        (T, ScriptMode.HONGKONG, "t2hk"),
        (M, ScriptMode.HONGKONG, "s2hk"),
        (S, ScriptMode.ORIGINAL, None),
        (T, ScriptMode.ORIGINAL, None),
        (N, ScriptMode.TAIWAN, None),
    ],
)
def test_opencc_config_table(source, mode, config):
    assert opencc_config(source, mode) == config


# --- detection -------------------------------------------------------------


def test_detects_traditional_seed(seed_text):
    assert detect_script(seed_text) is T


def test_detects_simplified(seed_text):
    assert detect_script(plain("t2s", seed_text)) is S
    assert detect_script("王岐山在质量工作座谈会上指出") is S


def test_detects_taiwan_and_hongkong_text_as_traditional(seed_text):
    assert detect_script(plain("s2twp", seed_text)) is T
    assert detect_script(plain("s2hk", seed_text)) is T


def test_detects_mixed(seed_text):
    half = len(seed_text) // 4
    assert detect_script(plain("t2s", seed_text[:half]) + seed_text[half:]) is M


@pytest.mark.parametrize("text", ["", "Hello, world", "2024-09-27 12:00", "中文", "。，！"])
def test_detects_none_without_distinguishing_characters(text):
    assert detect_script(text) is N


# --- glossary --------------------------------------------------------------


def test_glossary_fixes_what_opencc_gets_wrong():
    assert plain("s2t", "头发干了") == "頭髮幹了"  # without the glossary
    converter = ScriptConverter(Glossary({"头发干了": "頭髮乾了"}))
    assert converter.convert("她的头发干了。", ScriptMode.TRADITIONAL, S) == "她的頭髮乾了。"
    assert converter.convert("她的头发干了。", ScriptMode.TAIWAN, S) == "她的頭髮乾了。"


def test_glossary_never_convert_entry():
    assert plain("s2t", "范先生") == "範先生"
    converter = ScriptConverter(Glossary({"范先生": "范先生"}))
    for mode in (ScriptMode.TRADITIONAL, ScriptMode.TAIWAN, ScriptMode.HONGKONG):
        assert converter.convert("范先生说", mode, S)[:3] == "范先生"
    assert converter.convert("范先生說", ScriptMode.SIMPLIFIED, T) == "范先生说"


def test_glossary_reverse_direction():
    converter = ScriptConverter(Glossary({"头发干了": "頭髮乾了", "数据库": "資料庫"}))
    assert converter.convert("頭髮乾了，資料庫", ScriptMode.SIMPLIFIED, T) == "头发干了，数据库"
    assert plain("t2s", "資料庫") == "资料库"


def test_glossary_longest_phrase_wins():
    glossary = Glossary({"头发": "頭发X", "头发干了": "頭髮乾了"})
    converter = ScriptConverter(glossary)
    assert converter.convert("头发干了", ScriptMode.TRADITIONAL, S) == "頭髮乾了"
    assert converter.convert("头发长了", ScriptMode.TRADITIONAL, S) == "頭发X長了"


def test_glossary_matches_leftmost_longest_like_a_reference():
    rng = random.Random(7)
    alphabet = "头发干了范先生.*("
    phrases = {"".join(rng.choice(alphabet) for _ in range(rng.randint(1, 4))) for _ in range(60)}
    glossary = Glossary({phrase: f"<{phrase}>" for phrase in phrases})
    longest_first = sorted(phrases, key=len, reverse=True)

    def reference(text: str) -> str:
        out, i = [], 0
        while i < len(text):
            match = next((p for p in longest_first if text.startswith(p, i)), None)
            out.append(f"<{match}>" if match else text[i])
            i += len(match) if match else 1
        return "".join(out)

    for _ in range(200):
        text = "".join(rng.choice(alphabet + "x") for _ in range(rng.randint(0, 30)))
        assert glossary.apply(text, ScriptMode.TRADITIONAL, lambda plain: plain) == reference(text)


def test_glossary_rejects_overlong_phrases():
    Glossary({"字" * 100: "字" * 100})
    with pytest.raises(ValueError, match="longer than 100"):
        Glossary({"字" * 101: "字"})


def test_glossary_escapes_regex_characters():
    converter = ScriptConverter(Glossary({"a.b(c": "a.b(c", "发*": "髮*"}))
    assert converter.convert("a.b(c 发* axb(c 发", ScriptMode.TRADITIONAL, S) == "a.b(c 髮* axb(c 發"


def test_article_rules_override_config_rules():
    newsroom = Glossary({"头发干了": "頭髮乾了", "范先生": "范先生"})
    converter = ScriptConverter(newsroom)
    article = converter.glossary_for((("范先生", "範先生"),))
    assert converter.convert("范先生头发干了", ScriptMode.TRADITIONAL, S, article) == "範先生頭髮乾了"
    assert converter.convert("范先生头发干了", ScriptMode.TRADITIONAL, S) == "范先生頭髮乾了"
    assert converter.glossary_for((("范先生", "範先生"),)) is article  # merges are cached
    assert newsroom.merged(()) is newsroom


def test_bad_article_rules_are_skipped_not_raised():
    converter = ScriptConverter(Glossary({"头发干了": "頭髮乾了"}))
    article = converter.glossary_for((("", "x"), ("范先生", "范先生"), ("a\nb", "c")))
    assert article == Glossary({"头发干了": "頭髮乾了", "范先生": "范先生"})


def test_regional_glossary_output():
    glossary = Glossary({"数据库": "數據庫"}, {ScriptMode.TAIWAN: {"数据库": "資料庫"}})
    converter = ScriptConverter(glossary)
    assert converter.convert("数据库", ScriptMode.TAIWAN, S) == "資料庫"
    assert converter.convert("數據庫", ScriptMode.TAIWAN, T) == "資料庫"
    assert converter.convert("数据库", ScriptMode.HONGKONG, S) == "數據庫"
    assert converter.convert("資料庫", ScriptMode.SIMPLIFIED, T) == "数据库"


def test_private_use_characters_in_text_survive():
    converter = ScriptConverter(Glossary({"范先生": "范先生"}))
    text = "\U000f0000范先生\ue000后\U000f0001"
    assert converter.convert(text, ScriptMode.TRADITIONAL, S) == "\U000f0000范先生\ue000後\U000f0001"


def test_glossary_rejects_bad_phrases():
    with pytest.raises(ValueError, match="empty"):
        Glossary({"": "x"})
    with pytest.raises(ValueError, match="line break"):
        Glossary({"头\n发": "頭\n髮"})


def test_glossary_equality_is_by_value():
    assert Glossary({"a": "b"}) == Glossary([("a", "b")])
    assert hash(Glossary({"a": "b"})) == hash(Glossary([("a", "b")]))
    assert Glossary({"a": "b"}) != Glossary({"a": "c"})


def test_glossary_file(tmp_path):
    path = tmp_path / "glossary.toml"
    path.write_text(
        '# newsroom terms\n[glossary]\n"头发干了" = "頭髮乾了"\n"范先生" = "范先生"\n\n[taiwan]\n"数据库" = "資料庫"\n',
        encoding="utf-8",
    )
    glossary = Glossary.from_file(path)
    assert len(glossary) == 3
    converter = ScriptConverter(glossary)
    assert converter.convert("范先生的头发干了，数据库", ScriptMode.TAIWAN, S) == "范先生的頭髮乾了，資料庫"


def test_glossary_load_inline_entries_win_over_file(tmp_path):
    path = tmp_path / "glossary.toml"
    path.write_text('[glossary]\n"范先生" = "范先生"\n', encoding="utf-8")
    glossary = Glossary.load({"范先生": "範先生"}, path)
    assert ScriptConverter(glossary).convert("范先生", ScriptMode.TRADITIONAL, S) == "範先生"
    assert Glossary.load(None, None) == Glossary()


@pytest.mark.parametrize(
    "content, where, words",
    [
        ('[glossary]\n"a" = "b"\n"c" = 3\n', ":3:", "must map to a string"),
        ('[glossary]\n"a" = "b"\n[glosary]\n"c" = "d"\n', ":3:", "unknown table [glosary]"),
        ('[glossary]\n"a" = "b"\n"c" = \n', ":3:", "TOML syntax error"),
        ('[glossary]\n"a" = "b"\n\n"" = "d"\n', ":4:", "empty"),
        ('glossary = "x"\n', ":1:", "must be a table"),
    ],
)
def test_glossary_file_errors_name_file_and_line(tmp_path, content, where, words):
    path = tmp_path / "bad.toml"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(ValueError) as info:
        Glossary.from_file(path)
    message = str(info.value)
    assert message.startswith(f"{path}{where}"), message
    assert words in message


def test_glossary_file_missing_or_not_utf8(tmp_path):
    with pytest.raises(ValueError, match="cannot read"):
        Glossary.from_file(tmp_path / "missing.toml")
    (tmp_path / "latin1.toml").write_bytes('[glossary]\n"é" = "e"\n'.encode("latin-1"))
    with pytest.raises(ValueError, match="not UTF-8"):
        Glossary.from_file(tmp_path / "latin1.toml")


# --- converter lifecycle ---------------------------------------------------


@pytest.fixture
def constructions(monkeypatch):
    """Count opencc.OpenCC constructions per config."""
    counts: dict[str, int] = {}
    real = opencc.OpenCC

    def counting(config, *args, **kwargs):
        counts[config] = counts.get(config, 0) + 1
        assert kwargs.get("include_tofu_risk_dictionaries") is False
        return real(config, *args, **kwargs)

    detect_script("預熱")  # detection tables come from the shared pool, not this test's
    monkeypatch.setattr(opencc, "OpenCC", counting)
    return counts


def test_each_converter_is_created_once(constructions):
    converter = ScriptConverter(pool=OpenCCPool())
    for round_ in range(3):
        for mode in ScriptMode:
            for source in (S, T, M):
                converter.convert(f"第{round_}次软件活動", mode, source)
    assert constructions and set(constructions.values()) == {1}


def test_converters_are_created_once_across_threads(constructions):
    converter = ScriptConverter(pool=OpenCCPool())
    barrier = threading.Barrier(8)
    results = []

    def work(n: int) -> None:
        barrier.wait()
        results.append(converter.convert(f"软件{n}", ScriptMode.TAIWAN, S))

    threads = [threading.Thread(target=work, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert constructions == {"s2twp": 1}
    assert sorted(results) == sorted(f"軟體{n}" for n in range(8))


def test_warm_creates_every_converter_up_front(constructions):
    converter = ScriptConverter(pool=OpenCCPool())
    converter.warm()
    assert set(constructions) == {"t2s", "s2t", "s2twp", "s2hk", "t2hk"}
    converter.convert("软件", ScriptMode.TAIWAN, S)
    converter.convert("軟件", ScriptMode.HONGKONG, T)
    assert set(constructions.values()) == {1}


def test_repeated_conversions_come_from_the_cache():
    calls = []

    class SpyPool(OpenCCPool):
        def get(self, config):
            calls.append(config)
            return super().get(config)

    converter = ScriptConverter(pool=SpyPool())
    first = converter.convert("软件和打印机", ScriptMode.TAIWAN, S)
    again = converter.convert("软件和打印机", ScriptMode.TAIWAN, S)
    assert first == again == "軟體和印表機"
    assert calls == ["s2twp"]


def test_cache_is_bounded():
    converter = ScriptConverter()
    for n in range(converter.CACHE_ENTRIES + 50):
        converter.convert(f"软件{n}", ScriptMode.TRADITIONAL, S)
    assert len(converter._cache) == converter.CACHE_ENTRIES


# --- start mode ------------------------------------------------------------


@pytest.mark.parametrize(
    "environ, mode",
    [
        ({"LANG": "zh_TW.UTF-8"}, ScriptMode.TAIWAN),
        ({"LANG": "zh_HK.UTF-8"}, ScriptMode.HONGKONG),
        ({"LANG": "zh_MO"}, ScriptMode.HONGKONG),
        ({"LANG": "zh_CN.UTF-8"}, ScriptMode.SIMPLIFIED),
        ({"LANG": "zh_SG.GB2312"}, ScriptMode.SIMPLIFIED),
        ({"LANG": "zh-Hans"}, ScriptMode.SIMPLIFIED),
        ({"LANG": "zh-Hant"}, ScriptMode.TRADITIONAL),
        ({"LANG": "zh_Hant_TW"}, ScriptMode.TAIWAN),
        ({"LANG": "zh-Hant-HK"}, ScriptMode.HONGKONG),
        ({"LANG": "zh_TW.UTF-8@euro"}, ScriptMode.TAIWAN),
        ({"LANG": "zh"}, None),
        ({"LANG": "en_US.UTF-8"}, None),
        ({"LANG": "C"}, None),
        ({}, None),
        ({"LC_ALL": "zh_HK.UTF-8", "LC_MESSAGES": "zh_CN", "LANG": "zh_TW"}, ScriptMode.HONGKONG),
        ({"LC_MESSAGES": "zh_CN", "LANG": "zh_TW"}, ScriptMode.SIMPLIFIED),
        ({"LC_ALL": "", "LANG": "zh_TW"}, ScriptMode.TAIWAN),
        ({"LC_ALL": "en_US.UTF-8", "LANG": "zh_TW"}, None),  # the first set variable decides
        ({"LC_CTYPE": "zh_TW", "LANG": "en_US"}, None),
    ],
)
def test_mode_from_locale(environ, mode):
    assert mode_from_locale(environ) is mode


def test_initial_mode_precedence():
    env = {"LANG": "zh_TW.UTF-8"}
    assert initial_mode("hongkong", "simplified", "traditional", env) is ScriptMode.HONGKONG
    assert initial_mode(None, "simplified", "traditional", env) is ScriptMode.SIMPLIFIED
    assert initial_mode(None, None, "traditional", env) is ScriptMode.TRADITIONAL
    assert initial_mode(None, None, None, env) is ScriptMode.TAIWAN
    assert initial_mode(None, None, None, {}) is ScriptMode.ORIGINAL
    assert initial_mode("臺灣", None, None, {}) is ScriptMode.TAIWAN


def test_initial_mode_bad_values():
    with pytest.raises(ValueError):
        initial_mode("klingon", None, None, {})
    assert initial_mode(None, "stale-value", None, {"LANG": "zh_CN"}) is ScriptMode.SIMPLIFIED


def test_detection_tables_come_from_the_cache_without_s2t(constructions):
    # Building them takes t2s and s2t (~26 MB); a process that finds them in the cache
    # dir loads neither, and detects as one that built them.
    built = script_module._telling_characters(OpenCCPool())
    assert built[0] and built[1]
    script_module._cached_telling_characters(OpenCCPool())  # the first process builds and saves
    constructions.clear()
    assert script_module._cached_telling_characters(OpenCCPool()) == built
    assert constructions == {}
    evidence = script_module._Evidence(built)
    assert evidence.count("發展软件") == (1, 1)  # 發 and 软 tell; 展 and 件 are both scripts'


def test_a_cached_table_is_read_whole_not_an_item_at_a_time(monkeypatch):
    # marshal.load(file) reads the file a value at a time, a read call each: 7 ms for the
    # folding table, against 1 ms for marshal.loads of the whole file.
    from tui.chinese import cached

    assert cached.cached_table("test-table", "v1", lambda: {1: "一"}, dict) == {1: "一"}  # built, saved

    def refuse(*_args):
        raise AssertionError("read an item at a time")

    monkeypatch.setattr(cached.marshal, "load", refuse)
    assert cached.cached_table("test-table", "v1", refuse, dict) == {1: "一"}  # read back, not built


@pytest.mark.parametrize(("name", "damage"), [("fold", "crash"), ("regional", "crash"), ("fold", "fifo")])
def test_a_table_whose_damage_would_crash_marshal_is_built_again(tmp_path, name, damage):
    """marshal.loads trusts its input: such bytes must never reach it, or every search dies;
    nor may a FIFO in a table's place make every search wait for a writer (found by review)."""
    from tui.chinese.normalize import fold_stamp

    write_article(tmp_path / "content", "news/a.md", title="質量工作座談會")
    path = table_path(name, fold_stamp())
    path.parent.mkdir(parents=True, exist_ok=True)
    if damage == "fifo":
        os.mkfifo(path)
    else:
        path.write_bytes(MARSHAL_CRASH)
    done = subprocess.run(
        [sys.executable, "-m", "tui", "--content", str(tmp_path / "content"), "search", "质量"],
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        timeout=120,
    )
    assert (done.returncode, done.stderr) == (0, "") and "質量工作座談會" in done.stdout


def test_a_damaged_detection_table_is_built_again(constructions):
    built = script_module._cached_telling_characters(OpenCCPool())
    path = table_path("script-evidence", script_module.evidence_stamp())
    for damage in (b"\x00garbage", b""):
        path.write_bytes(damage)
        assert script_module._cached_telling_characters(OpenCCPool()) == built
    path.write_bytes(seal(("only one",)))  # the right type, not ours
    assert script_module._cached_telling_characters(OpenCCPool()) == built
