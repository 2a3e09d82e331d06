"""A quick lookup does only what its answer needs (issue 12, "Quick lookups").

Each check runs the command in a fresh interpreter, so nothing imported by
other tests can hide an import; the cache dir is the test's own.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from tests.conftest import ROOT, SAMPLE_CONFIG, write_article

HEAVY = ("opencc", "pypinyin")

RUN = """
import json, sys
def refuse(*args):
    raise AssertionError("refused: a table built again, or a whole article decoded")
if {forbid_decoding}:
    from tui.search import stored
    stored._decode_article = refuse  # a stored article in full
if {forbid_builds}:
    from tui.chinese import normalize, pinyin
    normalize._build_table = refuse  # the folding table: kept in the cache dir
    if {forbid_readings}:
        pinyin._readings_in_use = pinyin._phrase_groups = refuse  # pypinyin's, kept in the cache dir too
from tui.cli import main
code = main({argv!r})
print(json.dumps([code, sorted(name for name in {heavy!r} if name in sys.modules)]))
"""


def lookup(
    *argv: str,
    forbid_builds: bool = False,
    forbid_readings: bool = True,
    forbid_decoding: bool = False,
    heavy: tuple[str, ...] = HEAVY,
    config: Path = SAMPLE_CONFIG,
) -> tuple[int, list[str]]:
    """Exit status and which of the `heavy` libraries a `newsroom` command imported."""
    argv = ["--config", str(config), "--script", "original", *argv]
    done = subprocess.run(
        [
            sys.executable,
            "-c",
            RUN.format(
                argv=argv,
                heavy=heavy,
                forbid_builds=forbid_builds,
                forbid_readings=forbid_readings,
                forbid_decoding=forbid_decoding,
            ),
        ],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    assert done.returncode == 0, done.stderr[-2000:]
    code, imported = json.loads(done.stdout.strip().splitlines()[-1])
    return code, imported


def test_list_and_show_load_neither_opencc_nor_pypinyin():
    lookup("list")  # the first process builds the index, which folds and reads pinyin
    assert lookup("list", "--limit", "2", forbid_builds=True) == (0, [])
    assert lookup("list", "meetings", "--json", forbid_builds=True) == (0, [])
    code, imported = lookup("show", "meetings/wang-qishan-quality-forum", forbid_builds=True)
    assert code == 0 and "opencc" not in imported and "pypinyin" not in imported


def test_list_reads_only_the_printed_columns_of_the_stored_articles():
    # Decoding 10,000 whole articles was a third of a kept `list` (issue 12).
    lookup("list")  # the first process builds the index and stores the newsroom
    assert lookup("list", forbid_decoding=True) == (0, [])
    assert lookup("list", "meetings", "--limit", "1", forbid_decoding=True) == (0, [])
    assert lookup("list", "meetings", "--json") == (0, [])  # a record needs the whole article


def test_a_converted_script_loads_opencc_as_it_must():
    code, imported = lookup("list", "--limit", "2", "--script", "simplified")
    assert code == 0 and "opencc" in imported  # guards against a check that cannot fail


def test_searching_builds_no_table_twice_and_loads_pypinyin_only_for_pinyin():
    lookup("search", "zhiliang")  # the first process builds and keeps the tables
    code, imported = lookup("search", "iPhone", forbid_builds=True)  # not pinyin
    assert code in (0, 1) and imported == []
    code, imported = lookup("search", "質量", forbid_builds=True)
    assert code == 0 and imported == []  # no regional phrasing to look up: no OpenCC either
    code, imported = lookup("search", "軟體", forbid_builds=True)
    assert "opencc" in imported and "pypinyin" not in imported  # 軟體 is also 软件: OpenCC says so
    assert lookup("search", "zhiliang", forbid_builds=True) == (0, [])  # readings and phrases: from the cache


def test_only_the_first_pinyin_search_reads_pypinyins_dictionaries():
    lookup("search", "質量")  # the index and the folding table, built before
    code, imported = lookup("search", "zhiliang", forbid_builds=True, forbid_readings=False)
    assert code == 0 and "pypinyin" in imported  # guards against a check that cannot fail
    assert lookup("search", "zhiliang", forbid_builds=True) == (0, [])
    assert lookup("search", "zl", forbid_builds=True) == (0, [])


def test_a_second_pinyin_search_writes_no_table_again():
    """Each table the first search kept is taken as it is: one its own check refused would
    be built and written again by every search (it was: 〇 is no letter, ~60 ms a search)."""
    lookup("search", "zhiliang")
    tables = Path(os.environ["XDG_CACHE_HOME"]) / "newsroom" / "tables"

    def written() -> dict[str, tuple[int, int]]:
        return {path.name: (path.stat().st_ino, path.stat().st_mtime_ns) for path in tables.iterdir()}

    first = written()
    assert any(name.startswith("pinyin-syllable-chars") for name in first)  # guards against an empty check
    assert lookup("search", "zhiliang") == (0, [])
    assert lookup("search", "zhi4", "--limit", "1") == (0, [])  # a toned unit reads the readings too
    assert written() == first


def test_only_printing_a_body_loads_markdown_it():
    lookup("list")  # the first process builds the index (which reads Markdown) and the stored newsroom
    assert lookup("list", "--limit", "2", heavy=("markdown_it",)) == (0, [])
    assert lookup("list", "meetings", "--json", heavy=("markdown_it",)) == (0, [])
    # `show` parses in a forked child (tests/unit/test_parse_ahead.py), which loads it there.
    assert lookup("show", "meetings/wang-qishan-quality-forum", heavy=("markdown_it",)) == (0, [])
    assert lookup("show", "meetings/wang-qishan-quality-forum", "--json", heavy=("markdown_it",)) == (0, [])
    # Nor a search whose snippets have no Markdown in them (the sample's, for 質量).
    assert lookup("search", "質量", heavy=("markdown_it",)) == (0, [])


def test_a_search_reads_headings_and_emphasis_in_its_snippets_without_markdown_it(tmp_path):
    content = tmp_path / "content"
    write_article(content, "news/plain.md", title="甲", body="## 質量工作\n\n**質量**是企業的生命，*安全*是底線。")
    write_article(content, "news/linked.md", title="乙", body="據報道，[質量](https://example.com)是發展的基礎。")
    config = tmp_path / "config.toml"
    config.write_text('[newsroom]\ntitle = "T"\ncontent_dir = "content"\n', encoding="utf-8")
    lookup("list", config=config)  # the first process builds the index
    assert lookup("search", "企業", config=config, heavy=("markdown_it",)) == (0, [])
    # A link is markdown-it's to read (and guards against a check that cannot fail).
    assert lookup("search", "基礎", config=config, heavy=("markdown_it",)) == (0, ["markdown_it"])


def test_lookups_print_without_richs_console():
    """Rich's console and text take ~40 ms to import: lookups print their few styles themselves."""
    lookup("list")  # the first process builds the index
    heavy = ("rich.console", "rich.text")
    assert lookup("list", "--limit", "2", heavy=heavy) == (0, [])
    assert lookup("search", "質量", heavy=heavy) == (0, [])
    assert lookup("show", "meetings/wang-qishan-quality-forum", heavy=heavy) == (0, [])


def test_lookups_load_neither_platformdirs_nor_hashlib_nor_tempfile_nor_shutil():
    """platformdirs loads tempfile, shutil and random (4 ms), hashlib OpenSSL (2 ms): a lookup
    finds the user dirs and the terminal's width itself, makes its digests with CPython's
    own, and writes nothing."""
    lookup("list")  # the first process builds the index and the stored newsroom, and writes
    lookup("search", "質量")  # and the first search the tables it needs
    heavy = ("platformdirs", "tempfile", "hashlib", "_hashlib", "shutil")
    assert lookup("list", "--limit", "2", heavy=heavy) == (0, [])
    assert lookup("search", "質量", heavy=heavy) == (0, [])
    assert lookup("show", "meetings/wang-qishan-quality-forum", heavy=heavy) == (0, [])


def test_only_a_query_that_may_be_pinyin_loads_the_pinyin_reader():
    """tui/chinese/pinyin.py takes 2 ms to load: list, show and a Chinese search never need it."""
    lookup("list")  # the first process builds the index, which reads pinyin
    lookup("search", "質量")
    heavy = ("tui.chinese.pinyin",)
    assert lookup("list", "--limit", "2", heavy=heavy) == (0, [])
    assert lookup("show", "meetings/wang-qishan-quality-forum", heavy=heavy) == (0, [])
    assert lookup("search", "質量", "安全", heavy=heavy) == (0, [])
    assert lookup("search", "zhiliang", heavy=heavy) == (0, ["tui.chinese.pinyin"])


def test_lookups_define_their_records_without_the_stdlibs_dataclasses():
    """dataclasses imports inspect (~8 ms) and compiles six functions a class (~0.5 ms each):
    15 ms of a 70 ms lookup. The core's records (tui/core/records.py) cost a fifth of that."""
    lookup("list")  # the first process builds the index and the stored newsroom
    lookup("search", "質量")
    heavy = ("dataclasses", "inspect")
    assert lookup("list", "--limit", "2", heavy=heavy) == (0, [])
    assert lookup("list", "meetings", "--json", heavy=heavy) == (0, [])
    assert lookup("search", "質量", heavy=heavy) == (0, [])
    assert lookup("search", "zhiliang", heavy=heavy) == (0, [])
    assert lookup("show", "meetings/wang-qishan-quality-forum", heavy=heavy) == (0, [])
