"""Regional vocabulary is looked up only for terms it can change, with the same result."""

from __future__ import annotations

import re
import struct

import pytest

from tests.conftest import SEED_PAGE
from tui.chinese import normalize, regional
from tui.chinese.normalize import _converter, _has_cjk, fold_text, variants
from tui.chinese.regional import Triggers, value_groups

WORDS = [
    "软件",
    "軟體",
    "網路",
    "网络",
    "信息",
    "資訊",
    "计程车",
    "出租车",
    "硬盘",
    "印表機",
    "打印机",
    "滑鼠",
    "鼠标",
    "视频",
    "影片",
    "联系",
    "聯繫",
    "发布",
    "發佈",
    "借助",
    "藉助",
    "数据库",
    "資料庫",
    "乾隆",
    "干部",
    "头发",
    "頭髮",
    "著作",
    "着想",
    "了解",
    "瞭解",
    "質量",
    "质量",
    "獨角獸",
    "王岐山",
    "座談會",
    "国务院",
    "SQL注入",
    "性价比",
    "ｉＰｈｏｎｅ",
    "AI",
    "5G",
]


def always_converted(term: str) -> tuple[str, ...]:
    """variants() as it was: both conversions for every CJK term."""
    forms = [fold_text(term)]
    if _has_cjk(term):
        for config in ("s2twp", "tw2sp"):
            form = fold_text(_converter(config).convert(term))
            if form not in forms:
                forms.append(form)
    return tuple(form for form in forms if form)


def seed_terms() -> list[str]:
    text = SEED_PAGE.read_text(encoding="utf-8") if SEED_PAGE.exists() else "".join(WORDS)
    runs = re.findall(r"[\u4e00-\u9fff]+", text)
    terms = {run[start : start + size] for run in runs for size in (2, 3, 4) for start in range(len(run) - size + 1)}
    return sorted(terms)[:4000]


@pytest.mark.parametrize("term", WORDS)
def test_known_words_get_every_form(term):
    assert variants(term) == always_converted(term)


def test_news_text_in_both_scripts_gets_every_form():
    to_simplified = _converter("t2s")
    for term in seed_terms():
        for form in (term, to_simplified.convert(term)):
            assert variants(form) == always_converted(form), form


def test_most_terms_need_no_conversion():
    triggers = normalize.regional_triggers()
    assert not triggers.may_change("s2twp", fold_text("質量")) and not triggers.may_change("tw2sp", "质量")
    assert triggers.may_change("s2twp", "软件") and triggers.may_change("tw2sp", fold_text("軟體"))


def test_unreadable_dictionaries_mean_converting_everything(monkeypatch):
    monkeypatch.setattr(regional, "dictionary_dir", lambda: None)
    assert regional.build_triggers(fold_text) is None
    assert Triggers(None).may_change("s2twp", "质量")


def ocd2(groups: list[list[str]]) -> bytes:
    """A values section as OpenCC writes it, after a stand-in for the trie."""
    pool = b"".join(value.encode() + b"\0" for group in groups for value in group)
    index = b"".join(
        struct.pack("<H", len(group)) + b"".join(struct.pack("<H", len(v.encode()) + 1) for v in group)
        for group in groups
    )
    return b"OPENCC_MARISA_0.2.5" + b"\x07" * 40 + struct.pack("<II", len(groups), len(pool)) + pool + index


def test_values_are_read_from_the_dictionary_layout():
    groups = [["軟體"], ["借", "藉"], ["聯絡", "連絡", "联络"]]
    assert value_groups(ocd2(groups)) == groups
    with pytest.raises(ValueError):
        value_groups(b"OPENCC_MARISA_0.2.5" + b"no values here" * 10)
