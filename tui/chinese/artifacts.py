"""Scraping damage in Chinese text: find it, and repair the one kind that is safe to repair.

Pages scraped from the web carry typical damage:

- bracketed romanization: a character followed by its pinyin, 發(fā)展, left
  behind when a page showed uncommon characters with a reading beside them.
  This one is repaired: the pinyin says nothing the character does not.
- U+FFFD replacement characters and runs of `?`: bytes lost to a wrong
  decoding. What was there cannot be known, so these are only reported.
- mojibake: UTF-8 read as Latin-1/cp1252 ("è´¨é‡") or as GBK ("璐ㄩ噺"),
  and GBK read as Latin-1 ("ÖÊÁ¿"). Reported with the probable original;
  never rewritten, because a wrong guess would hide the damage.
- control characters.

Used by `newsroom import` (repair, then warn) and `newsroom check` (warn).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from itertools import accumulate

from tui.chinese.cjk import IDEOGRAPH, IDEOGRAPH_RE
from tui.core.records import record

# --- bracketed romanization -------------------------------------------------

# Every standard Mandarin syllable, without tones; ü is written v.
_SYLLABLES = frozenset(
    """
    a ai an ang ao e ei en eng er o ou
    yi ya yo yao ye you yan yin yang ying yong yu yue yuan yun
    wu wa wo wai wei wan wen wang weng
    ba bo bai bei bao ban ben bang beng bi biao bie bian bin bing bu
    pa po pai pei pao pou pan pen pang peng pi piao pie pian pin ping pu
    ma mo me mai mei mao mou man men mang meng mi miao mie miu mian min ming mu
    fa fo fei fou fan fen fang feng fu
    da de dai dei dao dou dan den dang deng dong di dia diao die diu dian ding du duo dui duan dun
    ta te tai tao tou tan tang teng tong ti tiao tie tian ting tu tuo tui tuan tun
    na ne nai nei nao nou nan nen nang neng nong ni niao nie niu nian nin niang ning nu nuo nuan nv nve nue
    la lo le lai lei lao lou lan lang leng long li lia liao lie liu lian lin liang ling lu luo luan lun lv lve lue
    ga ge gai gei gao gou gan gen gang geng gong gu gua guo guai gui guan gun guang
    ka ke kai kei kao kou kan ken kang keng kong ku kua kuo kuai kui kuan kun kuang
    ha he hai hei hao hou han hen hang heng hong hu hua huo huai hui huan hun huang
    ji jia jiao jie jiu jian jin jiang jing jiong ju jue juan jun
    qi qia qiao qie qiu qian qin qiang qing qiong qu que quan qun
    xi xia xiao xie xiu xian xin xiang xing xiong xu xue xuan xun
    zha zhe zhi zhai zhei zhao zhou zhan zhen zhang zheng zhong zhu zhua zhuo zhuai zhui zhuan zhun zhuang
    cha che chi chai chao chou chan chen chang cheng chong chu chua chuo chuai chui chuan chun chuang
    sha she shi shai shei shao shou shan shen shang sheng shu shua shuo shuai shui shuan shun shuang
    re ri rao rou ran ren rang reng rong ru rua ruo rui ruan run
    za ze zi zai zei zao zou zan zen zang zeng zong zu zuo zui zuan zun
    ca ce ci cai cao cou can cen cang ceng cong cu cuo cui cuan cun
    sa se si sai sao sou san sen sang seng song su suo sui suan sun
    """.split()
)
_TONE_MARKS = {"\u0304", "\u0301", "\u030c", "\u0300"}  # macron, acute, caron, grave

# Ideographs: the unified block, extension A, compatibility ideographs, and
# the supplementary planes (extensions B and later).
# Half-width or full-width brackets, in any pairing: scrapers mix them.
_BRACKETED = re.compile(
    f"(?P<char>[{IDEOGRAPH}])[(（](?P<reading>[a-zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜü\u0300\u0301\u0304\u030c\u0308]{{1,7}}[1-5]?)[)）]"
)


def pinyin_tone(reading: str) -> int | None:
    """The tone of `reading` if it is one valid pinyin syllable (0: no tone given), else None.

    Accepts tone marks (fā), tone digits (fa1) and ü or v (lǜ, lv4).
    """
    digit = 0
    if reading[-1:].isdigit():
        reading, digit = reading[:-1], int(reading[-1])
    decomposed = unicodedata.normalize("NFD", reading)
    marks = [c for c in decomposed if c in _TONE_MARKS]
    if len(marks) > 1 or (marks and digit):
        return None
    base = unicodedata.normalize("NFC", "".join(c for c in decomposed if c not in _TONE_MARKS))
    base = base.replace("ü", "v")
    if base not in _SYLLABLES:
        return None
    if marks:
        return "\u0304\u0301\u030c\u0300".index(marks[0]) + 1
    return digit


def _is_romanization(reading: str) -> bool:
    # Without a tone, (a), (e), (min), (pin), (sun) are as likely list markers,
    # units or English as readings, so only a toned syllable counts.
    tone = pinyin_tone(reading)
    return tone is not None and tone > 0


def repair_romanization(text: str) -> tuple[str, int]:
    """Remove bracketed pinyin after a character: 發(fā)展 -> 發展. Returns (text, count)."""
    count = 0

    def replace(match: re.Match) -> str:
        nonlocal count
        if not _is_romanization(match.group("reading")):
            return match.group(0)
        count += 1
        return match.group("char")

    return _BRACKETED.sub(replace, text), count


# --- finding damage ---------------------------------------------------------


@record(frozen=True)
class Artifact:
    """One piece of damage: where (1-based line and column), what kind, and a message."""

    line: int
    column: int
    kind: str  # "replacement", "question-marks", "romanization", "mojibake", "control"
    message: str


_REPLACEMENT = re.compile("\ufffd+")
# Lost characters often come out as `?`: two or more directly before an
# ideograph, or a run between two ideographs. A question ends a sentence, so
# "嗎??" at the end of a clause is not reported.
_QUESTION_RUN = re.compile(f"\\?{{2,}}(?=[{IDEOGRAPH}])|(?<=[{IDEOGRAPH}])\\?{{2,}}(?=[{IDEOGRAPH}])")
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")

# cp1252's bytes 0x80-0x9f print as these; the five it leaves undefined come
# through as the C1 control of the same number when text was read as Latin-1.
_CP1252_BYTE: dict[str, int] = {}
for _byte in range(0x80, 0x100):
    try:
        _CP1252_BYTE[bytes([_byte]).decode("cp1252")] = _byte
    except UnicodeDecodeError:
        pass
    _CP1252_BYTE.setdefault(chr(_byte), _byte)  # Latin-1's reading of the byte
_LATIN_RUN = re.compile("[" + re.escape("".join(_CP1252_BYTE)) + "]{2,}")
_UTF8_SEQUENCE = re.compile(rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}")
# GB2312-range bytes as Latin-1 letters: GBK text read as Latin-1.
_GBK_AS_LATIN = re.compile("[\xa1-\xfe]{4,}")
# A stretch of CJK text that could be UTF-8 bytes shown as GBK: ideographs,
# bopomofo, CJK symbols, full-width forms and the odd GBK symbol.
# Every non-ASCII character GBK has (two bytes each): ideographs, pinyin and
# Latin letters, Greek, Cyrillic, symbols, box drawing, kana, bopomofo,
# full-width forms and the private use area.
_GBK_CANDIDATE = re.compile(
    f"[{IDEOGRAPH}\u00a4-\u01dc\u0251\u0261\u02c7-\u02d9\u0391-\u03c9\u0401-\u0451\u2010-\u206f"
    "\u2103-\u22ff\u2312\u2460-\u24ff\u2500-\u25ff\u2605-\u2642\u3000-\u30ff\u3105-\u3129"
    "\u3220-\u32a3\ufe30-\ufe6b\uff01-\uffe5\ue000-\uf8ff]{2,}"
)
_PUNCTUATION = re.compile("[，。、；：？！（）“”《》「」]")
# Forms write ×××× for a name or number left out, and ······ is a common way to
# type an ellipsis: both are Latin-1 characters, so runs of them look like bytes.
_PLACEHOLDERS = re.compile("×{2,}|·{2,}")
_GBK_MIN_CHARS = 2  # ideographs recovered; two already rule out chance (see tests)


def _snippet(text: str, limit: int = 12) -> str:
    return text if len(text) <= limit else text[:limit] + "..."


def _utf8_inside(data: bytes) -> list[tuple[int, int, str]]:
    """(start, end, text) of each maximal stretch of valid multi-byte UTF-8 in `data`."""
    stretches: list[tuple[int, int, str]] = []
    for match in _UTF8_SEQUENCE.finditer(data):
        try:
            decoded = match.group().decode("utf-8")
        except UnicodeDecodeError:  # surrogates, overlong forms
            continue
        if stretches and stretches[-1][1] == match.start():
            start, _, previous = stretches[-1]
            stretches[-1] = (start, match.end(), previous + decoded)
        else:
            stretches.append((match.start(), match.end(), decoded))
    return stretches


def _runs_between_placeholders(pattern: re.Pattern, line: str) -> Iterator[tuple[int, str]]:
    """(start, text) of each match of `pattern`, with form placeholders (××××, ······) cut out."""
    for run in pattern.finditer(line):
        start = run.start()
        for placeholder in _PLACEHOLDERS.finditer(line, run.start(), run.end()):
            if pattern.fullmatch(line, start, placeholder.start()):
                yield start, line[start : placeholder.start()]
            start = placeholder.end()
        if pattern.fullmatch(line, start, run.end()):
            yield start, line[start : run.end()]


def _latin1_mojibake(line: str) -> list[tuple[int, str, str, str]]:
    """UTF-8 or GBK shown as Latin-1/cp1252: (column index, damaged text, probable original, how)."""
    found = []
    for start, damaged in _runs_between_placeholders(_LATIN_RUN, line):
        data = bytes(_CP1252_BYTE[c] for c in damaged)
        original = "".join(text for _, _, text in _utf8_inside(data))
        if original and any(ord(c) >= 0x100 for c in original):
            found.append((start, damaged, original, "UTF-8 text decoded as Latin-1/cp1252"))
        elif original and re.search("[ÃÂ][\x80-\xbf\u0152-\u2122]", damaged):
            found.append((start, damaged, original, "UTF-8 text decoded as Latin-1/cp1252"))  # é -> Ã©
    for start, damaged in _runs_between_placeholders(_GBK_AS_LATIN, line):
        try:
            original = damaged.encode("latin-1").decode("gbk")
        except UnicodeError:
            continue
        if len(original) >= 2 and all(IDEOGRAPH_RE.match(c) for c in original):
            found.append((start, damaged, original, "GBK text decoded as Latin-1"))
    return found


def _gbk_mojibake(line: str) -> list[tuple[int, str, str]]:
    """UTF-8 shown as GBK: (column index, damaged text, probable original).

    Real Chinese text re-encoded as GBK almost never forms two or more valid
    3-byte UTF-8 ideographs in a row; text that was UTF-8 all along always does.
    """
    found = []
    for run in _GBK_CANDIDATE.finditer(line):
        chars = run.group()
        try:  # every candidate GBK can encode takes two bytes
            data, offsets = chars.encode("gbk"), range(0, 2 * len(chars), 2)
        except UnicodeEncodeError:
            pieces = []
            for char in chars:
                try:
                    pieces.append(char.encode("gbk"))
                except UnicodeEncodeError:
                    pieces.append(b"\x00")  # breaks any UTF-8 stretch here
            data = b"".join(pieces)
            offsets = list(accumulate((len(p) for p in pieces[:-1]), initial=0))
        for start, end, original in _utf8_inside(data):
            if not _plausible_text(original):
                continue
            first = max(i for i, offset in enumerate(offsets) if offset <= start)
            last = max(i for i, offset in enumerate(offsets) if offset < end)
            damaged = chars[first : last + 1]
            if all(_common_ideograph(c) for c in damaged):
                continue  # mojibake always shows some rare characters or symbols
            if _PUNCTUATION.search(damaged) and sum(1 for c in original if IDEOGRAPH_RE.match(c)) < 3:
                continue  # punctuation inside says real text: ask for more evidence
            found.append((run.start() + first, chars[first : last + 1], original))
    return found


def _common_ideograph(char: str) -> bool:
    """In GB2312 level 1 or Big5 level 1: the characters ordinary news is written in."""
    try:
        if 0xB0 <= char.encode("gb2312")[0] <= 0xD7:
            return True
    except UnicodeEncodeError:
        pass
    try:
        return 0xA4 <= char.encode("big5")[0] <= 0xC6
    except UnicodeEncodeError:
        return False


def _plausible_text(text: str) -> bool:
    """Whether bytes recovered from apparent mojibake read as ordinary Chinese.

    Chance alignments of real text decode to rare characters and symbols;
    real mojibake decodes to common characters and CJK punctuation.
    """
    ideographs = 0
    for char in text:
        if "\u3000" <= char <= "\u303f" or "\uff01" <= char <= "\uff5e":
            continue
        if not ("\u4e00" <= char <= "\u9fff" and _common_ideograph(char)):
            return False
        ideographs += 1
    return ideographs >= _GBK_MIN_CHARS


def _romanization(line: str) -> list[tuple[int, str]]:
    return [(m.start(), m.group()) for m in _BRACKETED.finditer(line) if _is_romanization(m.group("reading"))]


def find_artifacts(text: str, first_line: int = 1) -> list[Artifact]:
    """Every piece of scraping damage in `text`, in order; `first_line` numbers its first line."""
    found: list[Artifact] = []
    for number, line in enumerate(text.split("\n"), start=first_line):
        items: list[tuple[int, str, str]] = []
        covered: set[int] = set()
        for column, damaged, original, how in _latin1_mojibake(line):
            if column in covered:
                continue
            items.append(
                (column, "mojibake", f"mojibake {_snippet(damaged)!r}: {how} (probably {_snippet(original)!r})")
            )
            covered.update(range(column, column + len(damaged)))
        for column, damaged, original in _gbk_mojibake(line):
            items.append(
                (
                    column,
                    "mojibake",
                    f"mojibake {_snippet(damaged)!r}: UTF-8 text decoded as GBK (probably {_snippet(original)!r})",
                )
            )
        for match in _REPLACEMENT.finditer(line):
            items.append(
                (
                    match.start(),
                    "replacement",
                    f"{len(match.group())} replacement character(s) U+FFFD: text lost in decoding",
                )
            )
        for match in _QUESTION_RUN.finditer(line):
            around = line[max(0, match.start() - 2) : match.end() + 3]
            items.append(
                (
                    match.start(),
                    "question-marks",
                    f"{match.group()!r} in {around!r}: characters probably lost in decoding",
                )
            )
        for column, damaged in _romanization(line):
            items.append(
                (
                    column,
                    "romanization",
                    f"bracketed romanization {damaged!r} (scraping damage; `newsroom import` repairs it)",
                )
            )
        for match in _CONTROL.finditer(line):
            if match.start() not in covered:
                items.append((match.start(), "control", f"control character U+{ord(match.group()):04X}"))
        found.extend(Artifact(number, column + 1, kind, message) for column, kind, message in sorted(items))
    return found


__all__ = ["Artifact", "find_artifacts", "pinyin_tone", "repair_romanization"]
