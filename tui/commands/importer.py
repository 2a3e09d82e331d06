"""`newsroom import`: scraped news pages (plain text or HTML) into content files.

A page is decoded (BOM, then strict UTF-8, then GB18030/GBK, Big5, Big5-HKSCS
or cp950 as charset-normalizer judges), cleaned of bracketed romanization, and split into
articles: a headline, deck lines (the subtitle), a photo caption with its
credit, date lines, then the body, until the next headline or a "read more"
marker. Other scraping damage is never guessed at: it is reported with the
line it is on, and stays in the text for an editor to fix.

Everything here is pure Python without the UI; `run()` is the command.
"""

from __future__ import annotations

import argparse
import codecs
import datetime as dt
import hashlib
import re
import unicodedata
from collections.abc import Iterable
from html.parser import HTMLParser
from pathlib import Path

from tui.chinese.artifacts import find_artifacts, repair_romanization
from tui.chinese.cjk import IDEOGRAPH, PUNCTUATION_RANGES, char_class
from tui.core.config import Config, ConfigError, resolve_config
from tui.core.errors import EXIT_NOTHING, EXIT_OK, print_error
from tui.core.model import Problem
from tui.core.records import field, record
from tui.core.text import clean_line, truncate

PAGE_SUFFIXES = (".txt", ".text", ".html", ".htm", ".xhtml")
HTML_SUFFIXES = (".html", ".htm", ".xhtml")
SECTION_ID = re.compile(r"[a-z0-9][a-z0-9-]*\Z")
DECK_SEPARATOR = "\u3000"  # deck lines join with an ideographic space, as editors write them
MAX_PAGE_BYTES = 32 * 1024 * 1024


class PageError(Exception):
    """A page that cannot be imported at all (undecodable, empty, binary)."""


# --- decoding ---------------------------------------------------------------

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32", "UTF-32LE (BOM)"),
    (codecs.BOM_UTF32_BE, "utf-32", "UTF-32BE (BOM)"),
    (codecs.BOM_UTF8, "utf-8-sig", "UTF-8 (BOM)"),
    (codecs.BOM_UTF16_LE, "utf-16", "UTF-16LE (BOM)"),
    (codecs.BOM_UTF16_BE, "utf-16", "UTF-16BE (BOM)"),
)
# The legacy encodings Chinese pages come in. GB18030 decodes GBK and GB2312 too;
# Hong Kong sites write Big5-HKSCS (恒, 峯 and the Cantonese characters), Taiwanese
# ones often cp950 (Big5 with Microsoft's additions, such as 碁, 銹 and €).
LEGACY_ENCODINGS = ("gb18030", "big5", "cp950", "big5hkscs")


def decode_page(data: bytes) -> tuple[str, str]:
    """(text, encoding name) for a page's bytes; raises PageError when it is none we know."""
    if not data.strip():
        raise PageError("empty file")
    for bom, codec, name in _BOMS:  # UTF-32LE's BOM starts with UTF-16LE's: longest first
        if data.startswith(bom):
            try:
                text = data.decode(codec)
            except UnicodeDecodeError as error:
                raise PageError(f"{name}: invalid data at byte {error.start}") from None
            return _newlines(text.lstrip("\ufeff")), name
    try:
        return _newlines(data.decode("utf-8")), "UTF-8"
    except UnicodeDecodeError:
        pass
    if b"\x00" in data[:8192]:
        raise PageError("binary file, or UTF-16 without a byte-order mark")
    from charset_normalizer import from_bytes  # imported when a page is not UTF-8

    best = from_bytes(data, cp_isolation=list(LEGACY_ENCODINGS)).best()
    if best is None:
        raise PageError("cannot tell the encoding: not UTF-8, UTF-16, GB18030/GBK, Big5, Big5-HKSCS or cp950")
    codec = codecs.lookup(best.encoding).name
    try:
        text = data.decode(codec)
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise PageError(f"looks like {codec} but line {line} is not valid {codec}") from None
    return _newlines(text), _legacy_name(data, codec)


def _legacy_name(data: bytes, codec: str) -> str:
    """The narrowest name for what the bytes are: GB2312 and GBK are subsets of GB18030."""
    if codec == "gb18030":
        for narrower in ("gb2312", "gbk"):
            try:
                data.decode(narrower)
                return narrower.upper()
            except UnicodeDecodeError:
                continue
        return "GB18030"
    if codec in ("big5hkscs", "cp950"):
        try:  # both extend Big5: a page within plain Big5 is named so
            data.decode("big5")
            return "Big5"
        except UnicodeDecodeError:
            pass
    return {"big5": "Big5", "big5hkscs": "Big5-HKSCS"}.get(codec, codec)


def _newlines(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n")


# --- page lines -------------------------------------------------------------


@record(frozen=True)
class PageLine:
    """One line of a page. `kind` says what HTML made it ("" for plain text)."""

    number: int  # line in the source file
    text: str
    kind: str = ""  # "", "h1".."h6", "caption", "p"


def text_lines(text: str) -> list[PageLine]:
    return [PageLine(number, line) for number, line in enumerate(text.split("\n"), start=1)]


_BLOCK_TAGS = {
    "p",
    "div",
    "section",
    "article",
    "main",
    "header",
    "li",
    "ul",
    "ol",
    "dd",
    "dt",
    "dl",
    "blockquote",
    "table",
    "tr",
    "td",
    "th",
    "figure",
    "figcaption",
    "pre",
    "body",
    "center",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "title",
}
_SKIP_TAGS = {"script", "style", "nav", "noscript", "template", "svg", "iframe", "select", "button", "form"}
_IDEOGRAPHIC = IDEOGRAPH + char_class(PUNCTUATION_RANGES)  # Chinese text, its punctuation included
_BROKEN_CJK = re.compile(f"(?<=[{_IDEOGRAPHIC}])[ \\t]*\\n[ \\t\\n]*(?=[{_IDEOGRAPHIC}])")
_HTML_SPACE = re.compile(r"[ \t\n\r\f\xa0]+")


class _PageParser(HTMLParser):
    """Block-level text of a page with the kind of element each came from."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.blocks: list[PageLine] = []
        self.title: PageLine | None = None
        self._skip: list[str] = []
        self._parts: list[str] = []
        self._line = 0
        self._kind = "p"

    def handle_starttag(self, tag: str, attrs) -> None:
        if self._skip:
            if tag == self._skip[-1] or tag in _SKIP_TAGS:
                self._skip.append(tag)
            return
        if tag == "title":
            self._flush()
            self._kind = "title"
        elif tag in _SKIP_TAGS:
            self._flush()
            self._skip.append(tag)
        elif tag == "br":
            self._parts.append("\n")
        elif tag in _BLOCK_TAGS and not self._in_heading():  # <h1><div>..</div></h1> stays a headline
            self._flush()
            self._kind = tag if re.fullmatch(r"h[1-6]", tag) else "caption" if tag == "figcaption" else "p"

    def handle_startendtag(self, tag: str, attrs) -> None:
        if tag == "br" and not self._skip:
            self._parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if self._skip:
            if tag in self._skip:
                while self._skip and self._skip.pop() != tag:
                    pass
            return
        if tag in _BLOCK_TAGS and (not self._in_heading() or tag == self._kind):
            self._flush()
            self._kind = "p"

    def _in_heading(self) -> bool:
        return self._kind in ("h1", "h2", "h3", "h4", "h5", "h6", "title")

    def handle_data(self, data: str) -> None:
        if self._skip:
            return
        if not self._parts or not "".join(self._parts).strip():
            self._line = self.getpos()[0] + data[: len(data) - len(data.lstrip())].count("\n")
        self._parts.append(data)

    def close(self) -> None:
        super().close()
        self._flush()

    def _flush(self) -> None:
        raw, self._parts = "".join(self._parts), []
        if not raw.strip():
            return
        for offset, piece in enumerate(_BROKEN_CJK.sub("", raw).split("\n")):
            text = _HTML_SPACE.sub(" ", piece).strip()
            if not text:
                continue
            line = PageLine(self._line + offset, text, self._kind)
            if self._kind == "title":
                self.title = self.title or line
            else:
                self.blocks.append(line)


def html_lines(text: str) -> list[PageLine]:
    """Headlines and paragraphs of an HTML page; <title> only when there is no <h1>."""
    parser = _PageParser()
    parser.feed(text)
    parser.close()
    blocks = parser.blocks
    if parser.title and not any(b.kind == "h1" for b in blocks):
        blocks.insert(0, PageLine(parser.title.number, parser.title.text, "h1"))
    return blocks


def looks_like_html(text: str) -> bool:
    head = text[:2048].lower()
    return bool(re.search(r"<!doctype html|<html[\s>]|<body[\s>]|<h1[\s>]|<p[\s>]", head))


# --- recognising the parts of an article -------------------------------------

_NAV_SPLIT = re.compile(r"\s*[|｜│¦]\s*")
_READ_MORE = re.compile(
    r"\s*(?:[>＞»》]{1,3}\s*)?[\[【(（]?\s*(?:詳細閱讀|详细阅读|閱讀全文|阅读全文|查看全文|閱讀更多|阅读更多|"
    r"點擊查看|点击查看|詳細內容|详细内容|詳細|详细|全文|更多)\s*[\]】)）]?(?:\s*[>＞»》]{1,3})?\s*\Z"
)
_READ_MORE_NEEDS_MARK = re.compile(r"[>＞»》\[【(（]")
_TRAILER = re.compile(r"\A[(（【\[]?\s*(?:完|責任編輯|责任编辑|編輯|编辑)\s*(?:[:：]\s*\S{0,12})?\s*[)）】\]]?\Z")
_SENTENCE_END = re.compile(r"[。；;]")
_CLAUSE_TAIL = re.compile(r"[,，、:：…]\Z")
_ENUMERATED = re.compile(
    r"\A\s*(?:[(（]?[一二三四五六七八九十]+[)）、.]|[(（]\d+[)）]|\d+[.、)）]|第[一二三四五六七八九十\d]+[、,，:：章節节條条部])"
)
# A photo credit ends a caption: "新華社記者 姚大偉 攝", "(記者 張三 攝)".
_PHOTO_CREDIT = re.compile(r"[(（]?\s*(?P<credit>[^。,，；;:：()（）]{0,30}?[攝摄](?:影)?)\s*[)）]?\s*\Z")
_BYLINE = re.compile(
    r"\A[(（【]?\s*(?P<byline>(?:[^\s:：,，。]{0,8}?(?:記者|记者|通訊員|通讯员)\s*[:：]?\s*|(?:作者|撰文|文|圖|图)\s*[:：/／]\s*)"
    r"[^,，。；;()（）]{1,30}?)\s*[)）】]?\Z"
)
_FULL_DATE = re.compile(
    r"(?P<y>(?:19|20)\d\d)\s*(?:年\s*(?P<m1>\d{1,2})\s*月\s*(?P<d1>\d{1,2})\s*日?|[-/.](?P<m2>\d{1,2})[-/.](?P<d2>\d{1,2}))(?!\d)"
)
_SOURCE = re.compile(r"(?:來源|来源|稿源)\s*[:：]\s*(?P<source>[^\s|｜,，;；]{1,20})")
_DATE_LABELS = re.compile(
    r"(?:發布時間|发布时间|發表時間|发表时间|更新時間|更新时间|時間|时间|日期|發布|发布|來源|来源|稿源|作者|編輯|编辑|"
    r"[:：|｜\s\-/.年月日\d]|星期.|週.|周.|\d\d?:\d\d(?::\d\d)?)"
)
# A lead giving the day: "9月27日,..." or a dateline "新華社北京9月27日電".
_LEAD_DATE = re.compile(
    r"\A(?:(?P<y>(?:19|20)\d\d)年)?(?P<m>\d{1,2})月(?P<d>\d{1,2})日(?![\d月])"
    r"|\A[(（【]?[^,，。()（）]{0,16}?(?:(?P<y2>(?:19|20)\d\d)年)?(?P<m2>\d{1,2})月(?P<d2>\d{1,2})日(?:電|电|訊|讯)"
)


def is_navigation(text: str) -> bool:
    """A menu line: three or more short items between bars, e.g. 最新|活動|出訪."""
    parts = _NAV_SPLIT.split(text.strip())
    return len(parts) >= 3 and all(0 < len(p) <= 8 and not _SENTENCE_END.search(p) for p in parts)


def strip_read_more(text: str) -> tuple[str, bool]:
    """The line without a trailing "read more" marker, and whether there was one."""
    match = _READ_MORE.search(text)
    if match is None:
        return text, False
    marker = match.group()
    # Bare 更多 or 全文 at a line end may be words; only a marked one is a link.
    if not _READ_MORE_NEEDS_MARK.search(marker) and match.start() > 0:
        return text, False
    return text[: match.start()].rstrip(), True


def is_headline(text: str) -> bool:
    """Short, and not a sentence: no 。 or ; and no trailing comma or colon."""
    return (
        2 <= len(text) <= 50
        and not _SENTENCE_END.search(text)
        and not _CLAUSE_TAIL.search(text)
        and not _TRAILER.match(text)
    )


def is_deck(text: str) -> bool:
    """A line under a headline that adds to it; a numbered point starts the body instead."""
    return is_headline(text) and len(text) <= 40 and not re.search(r"[?？!！]", text) and not _ENUMERATED.match(text)


def split_caption(text: str) -> tuple[str, str] | None:
    """(caption, credit) for a photo caption line ending with its credit, else None."""
    match = _PHOTO_CREDIT.search(text)
    if match is None or len(text) > 200:
        return None
    credit = clean_line(match.group("credit"))
    if not re.search(f"[{_IDEOGRAPHIC}]", credit[:-1]) and credit not in ("攝", "摄"):
        return None
    return text[: match.start()].strip(), credit


def date_line(text: str) -> tuple[dt.date, str] | None:
    """(date, source) for a line that only states a date with its year (and maybe the source)."""
    if len(text) > 60 or _SENTENCE_END.search(text):
        return None
    match = _FULL_DATE.search(text)
    if match is None:
        return None
    source = _SOURCE.search(text)
    rest = _SOURCE.sub("", text)
    if _DATE_LABELS.sub("", rest).strip():
        return None  # more words than labels: a sentence that mentions a date
    day = _make_date(match.group("y"), match.group("m1") or match.group("m2"), match.group("d1") or match.group("d2"))
    return (day, source.group("source") if source else "") if day else None


def lead_date(text: str, year: int | None) -> tuple[dt.date | None, str]:
    """The date a lead opens with, and a note when it has no year and none was given."""
    match = _LEAD_DATE.search(text)
    if match is None:
        return None, ""
    y, m, d = (
        (match.group("y"), match.group("m"), match.group("d"))
        if match.group("m")
        else (match.group("y2"), match.group("m2"), match.group("d2"))
    )
    if y:
        return _make_date(y, m, d), ""
    if year is None:
        return None, f"{m}月{d}日 gives no year: no date set (use --year YYYY)"
    day = _make_date(year, m, d)
    return day, "" if day else f"{m}月{d}日 is not a date in {year}"


def _make_date(year, month, day) -> dt.date | None:
    try:
        return dt.date(int(year), int(month), int(day))
    except ValueError:
        return None


# --- splitting a page into articles -------------------------------------------


@record
class Draft:
    """One article found on a page, before it is written."""

    title: str
    line: int  # the headline's line in the source
    subtitle_lines: list[str] = field(default_factory=list)
    paragraphs: list[str] = field(default_factory=list)
    date: dt.date | None = None
    source: str = ""
    byline: str = ""
    caption: str = ""
    lead_line: int = 0

    @property
    def subtitle(self) -> str:
        return DECK_SEPARATOR.join(self.subtitle_lines)


@record
class PageResult:
    """What one page gave: its articles and what to tell the user about it."""

    name: str
    encoding: str = ""
    articles: list[Draft] = field(default_factory=list)
    repairs: int = 0
    problems: list[Problem] = field(default_factory=list)  # warnings and errors, with source lines
    notes: list[Problem] = field(default_factory=list)  # worth knowing, not wrong


def split_articles(
    lines: Iterable[PageLine], name: str, year: int | None = None
) -> tuple[list[Draft], list[Problem], list[Problem]]:
    """Articles from cleaned, repaired page lines, with warnings and notes."""
    drafts: list[Draft] = []
    problems: list[Problem] = []
    notes: list[Problem] = []
    current: Draft | None = None
    blank_before = True  # the page start counts as a break
    separated = False  # a blank line since the headline
    orphan: list[int] = []

    def close() -> None:
        nonlocal current
        if current is None:
            return
        if not current.paragraphs and current.subtitle_lines:
            # Short lines and nothing else: they were the (unpunctuated) body.
            current.paragraphs, current.subtitle_lines = current.subtitle_lines, []
        if current.paragraphs:
            drafts.append(current)
        else:
            problems.append(
                Problem(name, current.line, f"headline {truncate(current.title, 30)!r} has no body; dropped", "warning")
            )
        current = None

    def start(line: PageLine) -> None:
        nonlocal current, separated
        close()
        current, separated = Draft(title=line.text, line=line.number), False

    for line in lines:
        text = line.text
        if not text:
            blank_before, separated = True, True
            continue
        if is_navigation(text) or _TRAILER.match(text):
            blank_before = True
            continue
        text, closes = strip_read_more(text)
        if not text:
            close()
            blank_before = True
            continue
        line = PageLine(line.number, text, line.kind)
        heading = line.kind.startswith("h")
        in_header = current is not None and not current.paragraphs

        if heading:
            if in_header and line.kind != "h1" and not separated:
                current.subtitle_lines.append(text)
            else:
                start(line)
        elif current is None:
            if is_headline(text) and not _ENUMERATED.match(text) and split_caption(text) is None:
                start(line)
            else:
                orphan.append(line.number)
        elif _take_metadata(current, line):
            pass
        elif in_header and line.kind == "" and is_deck(text) and not separated and not current.caption:
            current.subtitle_lines.append(text)
        elif (
            line.kind == ""
            and blank_before
            and is_headline(text)
            and not _ENUMERATED.match(text)
            and (current.paragraphs or separated)
        ):
            start(line)
        else:
            if not current.paragraphs:
                current.lead_line = line.number
            current.paragraphs.append(text)
        blank_before = False
        if closes:
            close()
            blank_before = True
    close()

    if orphan:
        problems.append(
            Problem(name, orphan[0], f"{len(orphan)} line(s) of text without a headline skipped", "warning")
        )
    for draft in drafts:
        _date_from_lead(draft, name, year, notes)
    return drafts, problems, notes


def _take_metadata(draft: Draft, line: PageLine) -> bool:
    """Move a caption, byline or date line into the draft's front matter."""
    text = line.text
    if line.kind == "caption" or (not draft.caption and split_caption(text)):
        caption, credit = split_caption(text) or (text, "")
        if draft.caption:
            return False
        draft.caption = caption
        if credit and not draft.byline:
            draft.byline = credit
        elif credit:
            draft.byline += f" {credit}"
        return True
    found = date_line(text)
    if found:
        day, source = found
        draft.date = draft.date or day
        draft.source = draft.source or source
        return True
    if not draft.paragraphs:
        match = _BYLINE.match(text)
        if match:
            draft.byline = f"{draft.byline} {match.group('byline')}".strip()
            return True
        source = _SOURCE.fullmatch(text.strip())
        if source:
            draft.source = draft.source or source.group("source")
            return True
    return False


def _date_from_lead(draft: Draft, name: str, year: int | None, notes: list[Problem]) -> None:
    if draft.date is not None:
        return
    for text, number in ((draft.caption, draft.line), (draft.paragraphs[0], draft.lead_line)):
        if not text:
            continue
        day, note = lead_date(text, year)
        if day:
            draft.date = day
            return
        if note:
            notes.append(Problem(name, number, note, "warning"))
            return


def import_page(data: bytes, name: str, *, year: int | None = None, html: bool | None = None) -> PageResult:
    """Decode, repair and split one page. Never raises for bad content: it reports it."""
    result = PageResult(name)
    try:
        text, result.encoding = decode_page(data)
    except PageError as error:
        result.problems.append(Problem(name, 1, str(error)))
        return result
    if html is None:
        html = looks_like_html(text)
    raw_lines = html_lines(text) if html else text_lines(text)
    cleaned: list[PageLine] = []
    for line in raw_lines:
        repaired, count = repair_romanization(line.text)
        result.repairs += count
        for artifact in find_artifacts(repaired, first_line=line.number):
            result.problems.append(Problem(name, artifact.line, artifact.message, "warning"))
        cleaned.append(PageLine(line.number, clean_line(repaired), line.kind))
    drafts, problems, notes = split_articles(cleaned, name, year)
    result.articles = drafts
    result.problems.extend(problems)
    result.notes.extend(notes)
    if not drafts and not any(p.severity == "error" for p in result.problems):
        result.problems.append(Problem(name, 1, "no articles found (a headline followed by its text)", "warning"))
    result.problems.sort(key=lambda p: p.line)
    return result


# --- writing content files ----------------------------------------------------

_TOML_ESCAPES = {'"': '\\"', "\\": "\\\\", "\n": "\\n", "\t": "\\t", "\r": "\\r", "\b": "\\b", "\f": "\\f"}


def toml_string(value: str) -> str:
    """A TOML basic string; control characters are escaped."""
    out = []
    for char in value:
        if char in _TOML_ESCAPES:
            out.append(_TOML_ESCAPES[char])
        elif ord(char) < 0x20 or ord(char) == 0x7F:
            out.append(f"\\u{ord(char):04X}")
        else:
            out.append(char)
    return '"' + "".join(out) + '"'


_MARKDOWN_BLOCK_START = re.compile(r"\A(?:#|>|[-+*=_](?:\s|\Z)|\d+[.)](?:\s|\Z)|```|~~~|[-*_]{3,})")


def _markdown_paragraph(text: str) -> str:
    """A paragraph that Markdown reads as one plain paragraph, whatever it starts with."""
    return "\\" + text if _MARKDOWN_BLOCK_START.match(text) else text


def render(draft: Draft) -> str:
    """The content file for a draft, in the sample newsroom's style."""
    lines = ["+++", f"title = {toml_string(draft.title)}"]
    if draft.subtitle:
        lines.append(f"subtitle = {toml_string(draft.subtitle)}")
    if draft.date:
        lines.append(f"date = {draft.date.isoformat()}")
    for key in ("source", "byline", "caption"):
        value = getattr(draft, key)
        if value:
            lines.append(f"{key} = {toml_string(value)}")
    lines += ["+++", ""]
    lines.append("\n\n".join(_markdown_paragraph(p) for p in draft.paragraphs))
    return "\n".join(lines) + "\n"


def slug_stem(path: Path) -> str:
    """An ASCII file-name stem from a page's name (Chinese names get a short hash)."""
    ascii_name = unicodedata.normalize("NFKD", path.stem).encode("ascii", "ignore").decode().lower()
    stem = re.sub(r"[^a-z0-9_]+", "-", ascii_name).strip("-_")
    if not stem or len(stem) < len(path.stem) // 2:  # mostly non-ASCII: the name says little
        digest = hashlib.sha1(path.name.encode("utf-8")).hexdigest()[:8]
        stem = f"{stem}-{digest}" if stem else f"page-{digest}"
    return stem[:60]


# --- the command --------------------------------------------------------------


def _say(console, text: str = "", style: str | None = None) -> None:
    console.print(text, style=style, markup=False, highlight=False, emoji=False, soft_wrap=True)


def collect_pages(paths: Iterable[str]) -> list[Path]:
    """The pages named, folders expanded to their page files (raises FileNotFoundError)."""
    pages: list[Path] = []
    for name in paths:
        path = Path(name)
        if path.is_dir():
            pages += sorted(
                p
                for p in path.rglob("*")
                if p.is_file()
                and p.suffix.lower() in PAGE_SUFFIXES
                and not any(part.startswith(".") for part in p.relative_to(path).parts)
            )
        elif path.is_file():
            pages.append(path)
        else:
            raise FileNotFoundError(name)
    return pages


def check_section(section: str, config: Config | None) -> str | None:
    """Why `section` cannot be used, or None. Configured ids and plain ids are fine."""
    if "/" in section or "\\" in section or section.strip(".") == "" or section.startswith("."):
        return f"section {section!r} is not a folder name"
    if config is not None and any(s.id == section for s in config.sections):
        return None
    if SECTION_ID.match(section):
        return None
    return f"section {section!r} is not configured and not a plain id (lower-case letters, digits and -)"


def run(args: argparse.Namespace, console) -> int:
    """`newsroom import`: 0 all went well, 1 warnings or skipped files, 2 usage errors."""
    try:
        config = resolve_config(args.config, args.content)
    except ConfigError as error:
        return print_error(str(error))
    problem = check_section(args.section, config)
    if problem:
        return print_error(problem)
    try:
        pages = collect_pages(args.paths)
    except FileNotFoundError as error:
        return print_error(f"no such file or folder: {error}")
    if not pages:
        return print_error("no pages to import (.txt or .html files)")
    out_dir = Path(args.out) if getattr(args, "out", None) else config.content_dir
    if out_dir.exists() and not out_dir.is_dir():
        return print_error(f"--out {out_dir} is not a folder")
    target = out_dir / args.section
    if config.sections and not any(s.id == args.section for s in config.sections) and not getattr(args, "out", None):
        _say(
            console,
            f"note: section {args.section!r} is not in the config; it will be listed after the configured ones",
            "yellow",
        )

    status = EXIT_OK
    planned: set[Path] = set()
    for page in pages:
        try:
            size = page.stat().st_size
            if size > MAX_PAGE_BYTES:
                raise PageError(f"file too large ({size // (1024 * 1024)} MB)")
            data = page.read_bytes()
        except (OSError, PageError) as error:
            _say(console, f"{page}:1: error: cannot read: {getattr(error, 'strerror', None) or error}", "red")
            status = EXIT_NOTHING
            continue
        display = clean_line(str(page))
        result = import_page(data, display, year=args.year)
        head = f"{display}: {result.encoding or 'unknown encoding'}, {len(result.articles)} article(s)"
        if result.repairs:
            head += f", {result.repairs} romanization repair(s)"
        _say(console, head, "bold")
        for item in result.problems:
            _say(console, f"  {item}", "yellow" if item.severity == "warning" else "red")
        for item in result.notes:
            _say(console, f"  {item.path}:{item.line}: note: {item.message}", "dim")
        if result.problems:
            status = EXIT_NOTHING
        stem = slug_stem(page)
        for index, draft in enumerate(result.articles, start=1):
            path = target / f"{stem}-{index}.md"
            if path in planned:  # two pages with the same name in one run
                digest = hashlib.sha1(str(page).encode("utf-8")).hexdigest()[:6]
                path = target / f"{stem}-{digest}-{index}.md"
            planned.add(path)
            if not _write(console, path, render(draft), args):
                status = EXIT_NOTHING
    return status


def _write(console, path: Path, content: str, args: argparse.Namespace) -> bool:
    """Write (or show, for --dry-run) one article; False when it was skipped."""
    exists = path.exists()
    if exists and not args.force:
        _say(console, f"  {path}: exists, skipped (use --force)", "yellow")
        return False
    if args.dry_run:
        verb = "would overwrite" if exists else "would write"
        _say(console, f"  {verb} {path}", "cyan")
        shown = content.split("\n")
        end = shown.index("+++", 1) + 1
        body = [line for line in shown[end:] if line.strip()][:2]
        for line in shown[:end] + [truncate(line, 60) for line in body]:
            _say(console, f"    {line}")
        return True
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with open(path, "w" if args.force else "x", encoding="utf-8", newline="\n") as handle:
            handle.write(content)
    except FileExistsError:
        _say(console, f"  {path}: exists, skipped (use --force)", "yellow")
        return False
    except OSError as error:
        _say(console, f"  {path}: error: cannot write: {error.strerror or error}", "red")
        return False
    _say(console, f"  {'overwrote' if exists else 'wrote'} {path}", "green")
    return True


__all__ = [
    "Draft",
    "PageError",
    "PageLine",
    "PageResult",
    "decode_page",
    "html_lines",
    "import_page",
    "render",
    "run",
    "slug_stem",
    "split_articles",
    "text_lines",
]
