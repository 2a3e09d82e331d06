"""Reading content files: Markdown with TOML front matter between `+++` lines.

A file that cannot be used never stops the load: it becomes a `Problem` with
its path, line and reason, and every other file still loads.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from tui.core import toml
from tui.core.config import Config
from tui.core.model import Article, Newsroom, Problem, Section
from tui.core.text import clean, clean_line

CONTENT_SUFFIXES = (".md", ".markdown")
FENCE = "+++"
MAX_FILE_BYTES = 32 * 1024 * 1024  # larger files are reported, not read
MAX_FIELD_CHARS = 2000  # a headline field longer than this is cut, with a warning
_STRING_FIELDS = ("title", "subtitle", "byline", "source", "caption", "summary", "section", "id")
_KNOWN_FIELDS = {*_STRING_FIELDS, "date", "tags", "draft", "glossary", "url"}


class ContentError(Exception):
    """Why a file cannot be used, and where."""

    def __init__(self, message: str, line: int = 1):
        super().__init__(message)
        self.line = line


@dataclass(frozen=True)
class ParsedFile:
    front: dict
    body: str
    body_line: int


def decode(data: bytes) -> str:
    """UTF-8 text (a BOM is allowed) or a ContentError saying where it breaks."""
    sample = data[:8192]
    # A stray NUL in text is only stripped later; many NULs mean binary or UTF-16.
    if sample.count(b"\x00") > max(1, len(sample) // 100):
        raise ContentError("binary file (or UTF-16 text): not UTF-8")
    try:
        return data.decode("utf-8-sig").replace("\r\n", "\n")
    except UnicodeDecodeError as error:
        if b"\x00" in sample:
            raise ContentError("binary file (contains NUL bytes)") from None
        line = data[: error.start].count(b"\n") + 1
        raise ContentError(f"not UTF-8 text (invalid byte 0x{data[error.start]:02x})", line) from None


def split_front_matter(text: str) -> ParsedFile:
    """Split `+++` TOML front matter from the Markdown body and parse it."""
    lines = text.split("\n")
    if not lines or lines[0].strip() != FENCE:
        raise ContentError("no front matter: the file must start with a +++ line")
    for number in range(1, len(lines)):
        if lines[number].strip() == FENCE:
            break
    else:
        raise ContentError("front matter is not closed by a +++ line")
    try:
        front = toml.loads("\n".join(lines[1:number]))
    except toml.TOMLDecodeError as error:
        message, line = toml.split_error(error, "\n".join(lines[1:number]))
        line = line + 1 if line else 1  # the opening +++ is line 1 of the file
        raise ContentError(f"front matter is not valid TOML: {message}", line) from None
    except RecursionError:
        raise ContentError("front matter is nested too deeply") from None
    return ParsedFile(front, "\n".join(lines[number + 1 :]), number + 2)


def web_address(value: object) -> str | None:
    """`value` made safe, if it is an http or https address (front matter `url`); None otherwise."""
    if not isinstance(value, str):
        return None
    address = clean_line(value)
    scheme = address.split(":", 1)[0].lower()
    if scheme not in ("http", "https") or not address[len(scheme) :].startswith("://") or " " in address:
        return None
    return address


def _field_line(text_lines: list[str], key: str) -> int:
    pattern = re.compile(r"^\s*" + re.escape(key) + r"\s*=")
    for number, line in enumerate(text_lines[:200], start=1):
        if pattern.match(line):
            return number
    return 1


def _parse_date(value: object) -> dt.date | dt.datetime:
    if isinstance(value, (dt.datetime, dt.date)):
        return value
    if isinstance(value, dt.time):
        raise ValueError("a time of day is not a date")
    if isinstance(value, str):
        text = value.strip()
        try:
            return (
                dt.date.fromisoformat(text)
                if len(text) == 10
                else dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
            )
        except ValueError:
            raise ValueError(f"{value!r} is not an ISO date such as 2010-09-27") from None
    raise ValueError(f"must be a date, not {type(value).__name__}")


def build_article(
    path: Path, rel_id: str, folder_section: str, parsed: ParsedFile, text: str
) -> tuple[Article | None, list[Problem]]:
    """Validate front matter into an Article; wrong optional fields are warnings."""
    front, problems = parsed.front, []
    text_lines = text.split("\n", 200)
    rel = str(path)

    def warn(key: str, message: str) -> None:
        problems.append(Problem(rel, _field_line(text_lines, key), f"{key}: {message}", "warning"))

    if front.get("draft") is True:
        return None, []
    title = front.get("title")
    if not isinstance(title, str) or not clean_line(title):
        line = _field_line(text_lines, "title") if "title" in front else 1
        reason = "title must be a string" if "title" in front else "no title in front matter"
        return None, [Problem(rel, line, reason)]

    fields: dict[str, str] = {}
    for key in _STRING_FIELDS:
        if key in front:
            if isinstance(front[key], str):
                fields[key] = clean_line(front[key][: MAX_FIELD_CHARS * 2])
                if len(fields[key]) > MAX_FIELD_CHARS:
                    warn(key, f"longer than {MAX_FIELD_CHARS} characters; cut")
                    fields[key] = fields[key][:MAX_FIELD_CHARS]
            else:
                warn(key, f"must be a string, not {type(front[key]).__name__}")
    date = None
    if "date" in front:
        try:
            date = _parse_date(front["date"])
        except ValueError as error:
            warn("date", str(error))
    tags: tuple[str, ...] = ()
    if "tags" in front:
        raw_tags = front["tags"]
        if isinstance(raw_tags, list) and all(isinstance(tag, str) for tag in raw_tags):
            tags = tuple(filter(None, (clean_line(tag) for tag in raw_tags)))
        else:
            warn("tags", "must be a list of strings")
    if "draft" in front and not isinstance(front["draft"], bool):
        warn("draft", "must be true or false")
    if "url" in front and not web_address(front["url"]):  # read when a citation is copied (cite.py)
        warn("url", "must be an http or https address (ignored)")
    glossary: tuple[tuple[str, str], ...] = ()
    if "glossary" in front:
        raw = front["glossary"]
        if isinstance(raw, dict) and all(isinstance(v, str) for v in raw.values()):
            glossary = tuple((clean_line(k), clean_line(v)) for k, v in raw.items())
        else:
            warn("glossary", 'must be a table of phrase = "replacement"')
    for key in front:
        if key not in _KNOWN_FIELDS:
            warn(key, "unknown front-matter field (ignored)")

    article = Article(
        id=fields.get("id") or rel_id,
        path=str(path),
        section=fields.get("section") or folder_section,
        title=fields["title"],
        date=date,
        subtitle=fields.get("subtitle", ""),
        byline=fields.get("byline", ""),
        source=fields.get("source", ""),
        caption=fields.get("caption", ""),
        summary=fields.get("summary", ""),
        tags=tags,
        body_line=parsed.body_line,
        glossary=glossary,
    )
    if not parsed.body.strip():
        problems.append(Problem(rel, parsed.body_line, "empty body", "warning"))
    return article, problems


def read_file(path: Path) -> tuple[str, ParsedFile]:
    """Read, decode and split one content file (raises ContentError or OSError)."""
    size = path.stat().st_size
    if size > MAX_FILE_BYTES:
        raise ContentError(
            f"file too large ({size // (1024 * 1024)} MB; the limit is {MAX_FILE_BYTES // (1024 * 1024)} MB)"
        )
    if size == 0:
        raise ContentError("empty file")
    text = decode(path.read_bytes())
    return text, split_front_matter(text)


def load_body(article: Article) -> str:
    """An article's Markdown body, read fresh from disk and made safe to show."""
    _, parsed = read_file(Path(article.path))
    return clean(parsed.body)


def iter_content_files(content_dir: Path) -> Iterator[Path]:
    """Content files under `content_dir`, sorted, skipping hidden entries.

    Symlinked folders are not followed (no loops); symlinked files are read.
    """
    for root, dirs, files in os.walk(content_dir, followlinks=False):
        dirs[:] = sorted(d for d in dirs if not d.startswith((".", "_")))
        for name in sorted(files):
            if name.startswith(".") or not name.lower().endswith(CONTENT_SUFFIXES):
                continue
            yield Path(root) / name


def article_location(content_dir: Path, path: Path) -> tuple[str, str]:
    """(default id, folder section) for a file: its relative path and top folder."""
    rel = path.relative_to(content_dir)
    rel_id = clean_line(rel.with_suffix("").as_posix())
    folder = rel.parts[0] if len(rel.parts) > 1 else ""
    return rel_id, folder


def read_article(content_dir: Path, path: Path) -> tuple[Article | None, list[Problem], str]:
    """One file into an Article and its cleaned body, or the problems that stop it."""
    display = clean_line(path.relative_to(content_dir).as_posix())
    try:
        text, parsed = read_file(path)
    except ContentError as error:
        return None, [Problem(display, error.line, str(error))], ""
    except FileNotFoundError:
        return None, [Problem(display, 1, "file disappeared while loading")], ""
    except OSError as error:
        return None, [Problem(display, 1, f"cannot read: {error.strerror or error}")], ""
    rel_id, folder = article_location(content_dir, path)
    article, problems = build_article(path, rel_id, folder, parsed, text)
    problems = [Problem(display, p.line, p.message, p.severity) for p in problems]
    return article, problems, clean(parsed.body) if article is not None else ""


def load_file(content_dir: Path, path: Path) -> tuple[Article | None, list[Problem]]:
    """One file into an Article, or the problems that stop it."""
    article, problems, _ = read_article(content_dir, path)
    return article, problems


ProgressCallback = Callable[[int, int], None]


def load_newsroom(config: Config, progress: ProgressCallback | None = None) -> Newsroom:
    """Load every content file under the config's content dir."""
    content_dir = config.content_dir
    paths = list(iter_content_files(content_dir))
    articles: list[Article] = []
    problems: list[Problem] = []
    seen: dict[str, str] = {}
    for count, path in enumerate(paths, start=1):
        article, file_problems = load_file(content_dir, path)
        problems.extend(file_problems)
        if article is not None:
            display = clean_line(path.relative_to(content_dir).as_posix())
            if article.id in seen:
                problems.append(
                    Problem(display, 1, f"duplicate id {article.id!r} (also in {seen[article.id]}); skipped")
                )
                continue
            seen[article.id] = display
            articles.append(article)
        if progress is not None and count % 500 == 0:
            progress(count, len(paths))
    return assemble(config, articles, problems)


def assemble(config: Config, articles: list[Article], problems: list[Problem]) -> Newsroom:
    """Sort articles and work out the sections: configured ones first, then found ones."""
    articles.sort(key=lambda article: article.sort_key)
    sections = [Section(s.id, clean_line(s.label), s.front_page) for s in config.sections]
    if not any(s.front_page for s in sections):
        label = "全部" if config.path is None else "All"
        sections.insert(0, Section("", label, front_page=True))
    known = {s.id for s in sections}
    for folder in sorted({a.section for a in articles} - known):
        sections.append(Section(folder, clean_line(folder) or "(top level)"))
        known.add(folder)
    return Newsroom(
        title=clean_line(config.title),
        content_dir=config.content_dir,
        sections=sections,
        articles=articles,
        problems=problems,
    )
