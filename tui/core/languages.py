"""Language tags: which names are languages, which are Chinese, and which variant a script mode shows.

Static sites carry translations as files or folders named with language tags
(`about.zh-hans.md`, `content/zh-cn/`). A tag is trusted when the site's config
declares it; without a config, a name counts as a language tag when its first
part is an ISO 639-1 code (`ja`, `zh-hant-tw`, `pt-br`).

Script modes name what the reader wants to read; `pick` chooses the authored
variant that fits before anything is converted: 简体 prefers Simplified
variants (zh-hans, zh-cn, zh-sg, plain zh), 繁體 zh-hant, 臺灣 zh-tw then
zh-hant, 香港 zh-hk then zh-hant, and 原文 the site's default language.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import cache

# ISO 639-1: two-letter language codes.
_ISO_639_1 = frozenset(
    """aa ab ae af ak am an ar as av ay az ba be bg bh bi bm bn bo br bs ca ce ch co cr cs cu cv cy
    da de dv dz ee el en eo es et eu fa ff fi fj fo fr fy ga gd gl gn gu gv ha he hi ho hr ht hu hy
    hz ia id ie ig ii ik io is it iu ja jv ka kg ki kj kk kl km kn ko kr ks ku kv kw ky la lb lg li
    ln lo lt lu lv mg mh mi mk ml mn mr ms mt my na nb nd ne ng nl nn no nr nv ny oc oj om or os pa
    pi pl ps pt qu rm rn ro ru rw sa sc sd se sg si sk sl sm sn so sq sr ss st su sv sw ta te tg th
    ti tk tl tn to tr ts tt tw ty ug uk ur uz ve vi vo wa wo xh yi yo za zh zu""".split()
)
# Chinese languages that OpenCC's conversions are for.
_CHINESE = frozenset({"zh", "yue", "cmn", "lzh", "wuu", "hak", "nan", "gan", "hsn", "cdo"})
_TRADITIONAL_REGIONS = frozenset({"tw", "hk", "mo"})
_TAG_SHAPE = re.compile(r"[a-z]{2,3}(-[a-z0-9]{2,8})*")
# Kana and hangul: untagged text that has them is Japanese or Korean, never converted.
_KANA = "\u3041-\u3096\u309d-\u309f\u30a1-\u30fa\u30fd-\u30ff\u31f0-\u31ff\uff66-\uff9d"
_HANGUL = "\u1100-\u11ff\u3130-\u318f\uac00-\ud7af"
_HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"


@cache
def _classes() -> tuple[re.Pattern[str], ...]:
    """(kana or hangul, kana, hangul, Han), compiled when first needed: classes this wide
    take `re` milliseconds to compile, which a lookup that never guesses need not pay."""
    return tuple(re.compile(f"[{chars}]") for chars in (_KANA + _HANGUL, _KANA, _HANGUL, _HAN))


# Japanese is written with kana between its kanji; Chinese quotes a Japanese name now and then.
# Past these shares of the text's Han characters, text is Japanese or Korean.
_KANA_SHARE, _HANGUL_SHARE = 0.15, 0.3


def normalize(tag: str) -> str:
    """`zh_Hant_TW` -> `zh-hant-tw`: tags compare case-blind, with either separator."""
    return tag.strip().lower().replace("_", "-")


def looks_like_tag(name: str) -> bool:
    """A file-name suffix or folder name that is a language tag, judged without a site config."""
    tag = normalize(name)
    return bool(_TAG_SHAPE.fullmatch(tag)) and tag.split("-")[0] in _ISO_639_1


def is_chinese(tag: str) -> bool:
    """Whether text tagged `tag` is Chinese; an empty tag (unknown) counts as Chinese until
    the text says otherwise (see `has_kana_or_hangul`)."""
    return not tag or normalize(tag).split("-")[0] in _CHINESE


def guess(text: str) -> str:
    """ "ja" or "ko" for untagged text written in Japanese or Korean, else "" (Chinese or unknown)."""
    kana_or_hangul, kana_only, hangul_only, han_only = _classes()
    if kana_or_hangul.search(text) is None:
        return ""
    han = len(han_only.findall(text))
    kana, hangul = len(kana_only.findall(text)), len(hangul_only.findall(text))
    if kana and kana >= _KANA_SHARE * (kana + han):
        return "ja"
    if hangul and hangul >= _HANGUL_SHARE * (hangul + han):
        return "ko"
    return ""


def not_chinese(text: str) -> bool:
    """Untagged text with kana or hangul enough to be Japanese or Korean: never converted."""
    return _classes()[0].search(text) is not None and guess(text) != ""


def chinese_form(tag: str) -> tuple[str, str] | None:
    """(script, region) of a Chinese tag: ("hans" or "hant", "" or "tw", "hk", "cn" ...);
    None for a tag that is not Chinese (or empty). A bare `zh` is Simplified, as sites use it."""
    if not tag:
        return None
    parts = normalize(tag).split("-")
    if parts[0] not in _CHINESE:
        return None
    script = next((part for part in parts[1:] if part in ("hans", "hant")), "")
    region = next((part for part in parts[1:] if len(part) == 2 and part.isalpha()), "")
    if not script:
        script = "hant" if region in _TRADITIONAL_REGIONS or (parts[0] == "yue" and not region) else "hans"
    return script, region


def _rank(mode: str, form: tuple[str, str]) -> int | None:
    """How well a Chinese variant fits a script mode: lower is better."""
    script, region = form
    if mode == "simplified":
        return 0 if script == "hans" else 1
    traditional = script == "hant"
    if mode == "traditional":
        return (0 if not region else 1) if traditional else 2
    if mode in ("taiwan", "hongkong"):
        own = ("tw",) if mode == "taiwan" else ("hk", "mo")
        if traditional:
            return 0 if region in own else 1 if not region else 2
        return 3
    return None


def fits(tag: str, mode: str) -> bool:
    """Whether text tagged `tag` is already what `mode` shows: an authored zh-tw page in 臺灣
    is shown as written, not run through OpenCC's Taiwan phrasing again."""
    form = chinese_form(tag)
    return form is not None and _rank(mode, form) == 0


def pick(tags: Sequence[str], mode: str, language: str | None = None) -> int:
    """The index, in `tags` (the variants' language tags, the default language's first),
    of the variant to show in script mode `mode` (a `ScriptMode` value), or in `language`
    when the reader chose one and the page has it."""
    if language:
        wanted = normalize(language)
        for index, tag in enumerate(tags):
            if normalize(tag) == wanted:
                return index
        for index, tag in enumerate(tags):
            if tag and normalize(tag).split("-")[0] == wanted.split("-")[0]:
                return index
    best, best_rank = 0, None
    for index, tag in enumerate(tags):
        form = chinese_form(tag)
        rank = _rank(mode, form) if form is not None else None
        if rank is not None and (best_rank is None or rank < best_rank):
            best, best_rank = index, rank
    return best


def language_name(tag: str) -> str:
    """A short name for a tag, as the variants line shows it."""
    return _NAMES.get(normalize(tag), tag)


_NAMES = {
    "zh": "中文",
    "zh-hans": "简体",
    "zh-cn": "简体",
    "zh-sg": "简体",
    "zh-hant": "繁體",
    "zh-tw": "臺灣",
    "zh-hant-tw": "臺灣",
    "zh-hk": "香港",
    "zh-hant-hk": "香港",
    "ja": "日本語",
    "ko": "한국어",
    "ko-kr": "한국어",
    "en": "English",
}
