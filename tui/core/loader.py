"""Reading content files: Markdown with front matter (TOML, YAML or JSON), as
newsrooms and static sites (Hugo, Zola, Hexo) write them.

A file that cannot be used never stops the load: it becomes a `Problem` with
its path, line and reason, and every other file still loads. Each file is
read on its own (`read_article`), so the index can read files in any order and
in other processes; what needs the whole newsroom — translations, section
pages, aliases, ids — is `assemble`'s (tui/core/assembly.py).

Front-matter keys, newsroom and static-site, and what they become:

    title (else linkTitle, the first heading, the file name)  the headline
    subtitle, else description                          the deck
    summary, else description                           the list summary
    byline, else author / authors (a string or a list)  the byline
    date (else publishDate, pubdate, published)         the date
    lastmod / modified / updated                        shown as updated
    publishDate in the future, expiryDate in the past   hidden, as Hugo does
    draft = true, headless = true, build.list = never   not listed
    tags, categories, series, [taxonomies], the site's  tags (`tag:` finds them)
    weight, and a section page's sort_by                the order of a section that asks
    slug                                                the id's last part
    aliases, url, path                                  old ids that still open the page
    translationKey                                      pairs translations
    source, caption, section, id, glossary             the newsroom's own

Anything else (Zola's [extra], Hugo's params, a theme's keys) is kept quietly;
`newsroom check --strict` lists the keys no generator defines.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
from collections.abc import Callable, Iterator
from pathlib import Path

from tui.core import frontmatter
from tui.core.config import Config
from tui.core.languages import guess as guess_language
from tui.core.model import Article, Newsroom, PageInfo, Problem
from tui.core.records import record, replace
from tui.core.site import Location, Site, is_index_name, locate, walk_roots
from tui.core.text import clean, clean_line, is_utf8
from tui.core.walk_rules import CONTENT_SUFFIXES

PICTURE_SUFFIXES = (".jpg", ".jpeg", ".png", ".gif", ".webp", ".avif", ".svg")
MAX_FILE_BYTES = 32 * 1024 * 1024  # larger files are reported, not read
MAX_FIELD_CHARS = 2000  # a headline field longer than this is cut, with a warning
MAX_ALIASES = 50
OUTSIDE = "links outside the content folder"
_STRING_FIELDS = ("title", "subtitle", "byline", "source", "caption", "summary", "section", "id")
_NEWSROOM_KEYS = {*_STRING_FIELDS, "date", "tags", "draft", "glossary", "url"}
# Keys Hugo, Zola or Hexo define for pages and sections (compared case-blind).
_SITE_KEYS = {
    key.lower()
    for key in """linkTitle description author authors lastmod modified updated publishDate pubdate
    published expiryDate unpublishdate expirydate categories series keywords weight slug url path aliases
    translationKey type layout outputs menu menus params resources cascade build _build headless
    isCJKLanguage markup sitemap images videos audio summary taxonomies extra template page_template
    sort_by paginate_by paginate_path paginate_reversed insert_anchor_links in_search_index render
    redirect_to transparent generate_feeds comments permalink excerpt lang disableNunjucks toc""".split()
}
_DATE_KEYS = ("date", "publishdate", "pubdate", "published")
_NO_INFO = PageInfo()
_UPDATED_KEYS = ("lastmod", "modified", "updated")
_EXPIRY_KEYS = ("expirydate", "unpublishdate")
_HEADING = re.compile(r"^ {0,3}#{1,6}[ \t]+(.+?)(?:[ \t]+#+)?[ \t]*$")
_SETEXT = re.compile(r"^ {0,3}(=+|-+)[ \t]*$")
_FENCE = re.compile(r"^ {0,3}(```|~~~)")
_SCHEME = re.compile(r"[a-z][a-z0-9+.-]*:", re.IGNORECASE)
_HEXO_DATE = re.compile(r"(\d{4})/(\d{1,2})/(\d{1,2})(?:[ T](\d{1,2}):(\d{2})(?::(\d{2}))?)?")


class ContentError(Exception):
    """Why a file cannot be used, and where."""

    def __init__(self, message: str, line: int = 1):
        super().__init__(message)
        self.line = line


@record(frozen=True)
class ParsedFile:
    """A content file's front matter and body, before they make an article."""

    front: dict
    body: str
    body_line: int
    format: str = "TOML"  # "TOML", "YAML", "JSON", or "" for a file without front matter


Source = Config | Path  # what to read files against: a config, or a plain content dir


def _reading(source: Source) -> tuple[Path, Site, bool]:
    """(content dir, site layout, whether links out of it may be read)."""
    if isinstance(source, Config):
        return source.content_dir, source.site, source.allow_outside_links
    return Path(source), Site(), False


def layout_stamp(config: Config) -> str:
    """What every stored reading of a file depends on besides the file: a cache made under
    another layout (languages, language folders, links allowed) is read again."""
    site = config.site
    return json.dumps(
        [
            site.generator,
            site.languages,
            site.default_language,
            site.language_dirs,
            site.taxonomies,
            config.allow_outside_links,
        ]
    )


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
    """Split the front matter (TOML, YAML or JSON) from the Markdown body and parse it."""
    try:
        parsed = frontmatter.parse(text)
    except frontmatter.FrontMatterError as error:
        raise ContentError(str(error), error.line) from None
    if parsed.format and not isinstance(parsed.data, dict):
        if parsed.data is None:  # an empty block
            return ParsedFile({}, parsed.body, parsed.body_line, parsed.format)
        raise ContentError(f"{parsed.format} front matter must be a table of keys", parsed.first_line)
    return ParsedFile(
        {str(key): value for key, value in parsed.data.items()}, parsed.body, parsed.body_line, parsed.format
    )


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
    pattern = re.compile(r"^\s*[\"']?" + re.escape(key) + r"[\"']?\s*[=:]", re.IGNORECASE)
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
            if len(text) == 10:
                return dt.date.fromisoformat(text)
            return dt.datetime.fromisoformat(text.replace("Z", "+00:00").replace("z", "+00:00"))
        except ValueError:
            pass
        match = _HEXO_DATE.fullmatch(text)
        if match:  # Hexo's 2013/7/13 20:46:25
            year, month, day, hour, minute, second = (int(part) if part else None for part in match.groups())
            try:
                if hour is None:
                    return dt.date(year, month, day)  # type: ignore[arg-type]
                return dt.datetime(year, month, day, hour, minute or 0, second or 0)  # type: ignore[arg-type]
            except ValueError:
                pass
        raise ValueError(f"{value!r} is not an ISO date such as 2010-09-27")
    raise ValueError(f"must be a date, not {type(value).__name__}")


def _as_text(value: object) -> str | None:
    """A string, or a number written as one (YAML reads `title: 404` as a number)."""
    if isinstance(value, str):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return str(value)
    return None


def _names(value: object) -> list[str] | None:
    """A string or a list of strings (numbers allowed): tags, authors, aliases. None if neither."""
    if isinstance(value, (str, int, float)) and not isinstance(value, bool):
        return [str(value)]
    if isinstance(value, list):
        names = []
        for item in value:
            if isinstance(item, dict) and isinstance(item.get("name"), str):
                item = item["name"]  # authors as {name = "..."}
            text = _as_text(item)
            if text is None:
                return None
            names.append(text)
        return names
    if isinstance(value, dict) and isinstance(value.get("name"), str):
        return [value["name"]]
    return None


def first_heading(body: str) -> tuple[str, int] | None:
    """The first heading's text and its line in the body (1-based), outside code blocks."""
    lines = body.split("\n", 400)[:400]
    fenced = False
    for number, line in enumerate(lines):
        if _FENCE.match(line):
            fenced = not fenced
            continue
        if fenced:
            continue
        match = _HEADING.match(line)
        if match:
            return match.group(1).strip(), number + 1
        if line.strip() and number + 1 < len(lines) and _SETEXT.match(lines[number + 1]) and not _HEADING.match(line):
            if lines[number + 1].strip().startswith("=") or (number == 0 or not lines[number - 1].strip()):
                return line.strip(), number + 1
    return None


def untitled_body(parsed: ParsedFile) -> str:
    """The body as shown: a file with no title whose body opens with a heading takes its
    title from it, so the heading is not shown a second time."""
    lower = {key.lower() for key in parsed.front}
    if "title" in lower or "linktitle" in lower:
        return parsed.body
    lines = parsed.body.split("\n")
    first = next((number for number, line in enumerate(lines) if line.strip()), None)
    if first is None:
        return parsed.body
    if _HEADING.match(lines[first]):
        return "\n".join(lines[first + 1 :])
    if first + 1 < len(lines) and _SETEXT.match(lines[first + 1]):
        return "\n".join(lines[first + 2 :])
    return parsed.body


def build_article(
    path: Path, location: Location, parsed: ParsedFile, text: str, site: Site | None = None, strict: bool = False
) -> tuple[Article | None, list[Problem]]:
    """Validate front matter into an Article; wrong optional fields are warnings."""
    return _Builder(path, location, parsed, text, site or Site(), strict).build()


class _Builder:
    """One file's front matter read into an Article, collecting warnings as it goes."""

    def __init__(self, path: Path, location: Location, parsed: ParsedFile, text: str, site: Site, strict: bool):
        self.path, self.location, self.parsed, self.site, self.strict = path, location, parsed, site, strict
        self.front = parsed.front
        self.lower = {key.lower(): key for key in self.front}  # Hugo's keys are case-blind
        # A file with only the newsroom's own keys skips the look-ups for the sites' keys.
        self.site_keys = not self.lower.keys() <= _NEWSROOM_KEYS
        self.text_lines = text.split("\n", 200)
        self.problems: list[Problem] = []

    def warn(self, key: str, message: str) -> None:
        self.problems.append(Problem(str(self.path), _field_line(self.text_lines, key), f"{key}: {message}", "warning"))

    def get(self, *names: str) -> tuple[str, object] | None:
        """(the key as written, its value) for the first of `names` the front matter has."""
        lower = self.lower
        for name in names:
            key = lower.get(name) or lower.get(name.lower())
            if key is not None:
                return key, self.front[key]
        return None

    def string(self, *names: str, numbers: bool = False) -> str:
        found = self.get(*names)
        if found is None:
            return ""
        key, value = found
        text = _as_text(value) if numbers else value if isinstance(value, str) else None
        if text is None:
            self.warn(key, f"must be a string, not {type(value).__name__}")
            return ""
        return self._cut(key, text)

    def _cut(self, key: str, text: str) -> str:
        text = clean_line(text[: MAX_FIELD_CHARS * 2])
        if len(text) > MAX_FIELD_CHARS:
            self.warn(key, f"longer than {MAX_FIELD_CHARS} characters; cut")
            text = text[:MAX_FIELD_CHARS]
        return text

    def date(self, *names: str) -> dt.date | dt.datetime | None:
        found = self.get(*names)
        if found is None or found[1] is None:
            return None
        if isinstance(found[1], bool) and found[0].lower() == "published":
            return None  # Hexo's `published: false` is a draft flag, not a date
        key, value = found
        try:
            return _parse_date(value)
        except ValueError as error:
            self.warn(key, str(error))
            return None

    def flag(self, name: str) -> bool:
        found = self.get(name)
        if found is None:
            return False
        if not isinstance(found[1], bool):
            self.warn(found[0], "must be true or false")
            return False
        return found[1]

    # --- the article ------------------------------------------------------------------

    def build(self) -> tuple[Article | None, list[Problem]]:
        location, body = self.location, self.parsed.body
        if not self.parsed.format and not clean(body).strip():
            problem = Problem(str(self.path), 1, "no front matter and no text")
            return (None, []) if location.kind == "section" else (None, [problem])
        if self.strict:
            self._unknown_keys()
        if self.flag("draft"):
            return None, self.problems
        if self.site_keys and (self.flag("headless") or not self._listed() or self._unpublished()):
            return None, self.problems
        if location.kind == "page" and not body.strip() and self._generated():
            return None, self.problems  # a theme's search or archive page: nothing to read
        title = self._title()
        if title is None:
            return None, self.problems
        fields = {key: self.string(key) for key in ("subtitle", "byline", "source", "caption", "summary")}
        if self.site_keys:
            description = self.string("description")
            fields["subtitle"] = fields["subtitle"] or description
            fields["summary"] = fields["summary"] or description
            if not fields["byline"]:
                fields["byline"] = self._authors()
        if not fields["summary"] and "<!--" in body:  # after summary and description, Hugo's divider
            fields["summary"] = _summary_before_more(body)
        if not fields["summary"] and location.kind == "section" and body.strip():
            fields["summary"] = _first_paragraph(body)  # what a section page's body says the section is
        article_id = self.string("id") or (self._slugged(location.id) if self.site_keys else location.id)
        lang = self._lang(title)
        aliases, group, has_body = self._aliases(article_id), self._group(article_id, lang), bool(body.strip())
        site = None
        if self.site_keys or lang or aliases or group or location.kind != "page" or not has_body:
            site = PageInfo(lang=lang, aliases=aliases, group=group, kind=location.kind, has_body=has_body)
            if self.site_keys:
                site = replace(
                    site,
                    updated=self.date(*_UPDATED_KEYS),
                    weight=self._weight(),
                    publish=self.date("publishdate", "pubdate", "published"),
                    expiry=self.date(*_EXPIRY_KEYS),
                    sort_by=self._sort_by(),
                )
            if site == _NO_INFO:
                site = None
        article = Article(
            id=article_id,
            path=str(self.path),
            section=self.string("section") or location.section,
            title=title,
            date=self.date(*_DATE_KEYS),
            tags=self._tags(),
            body_line=self.parsed.body_line,
            glossary=self._glossary(),
            site=site,
            **fields,
        )
        if not has_body and location.kind == "page":
            self.problems.append(Problem(str(self.path), self.parsed.body_line, "empty body", "warning"))
        return article, self.problems

    def _unpublished(self) -> bool:
        found = self.get("published")
        return found is not None and found[1] is False  # Hexo's draft flag

    def _listed(self) -> bool:
        """Hugo's build options: `list = "never"` or `render = "never"` keep a page off every list."""
        found = self.get("build", "_build")
        if found is None or not isinstance(found[1], dict):
            return True
        options = {str(key).lower(): value for key, value in found[1].items()}
        return options.get("list") not in ("never", False) and options.get("render") not in ("never", False)

    def _generated(self) -> bool:
        """A page a theme fills in (search, archives, a redirect): no body is expected."""
        return any(self.get(key) for key in ("layout", "type", "template", "redirect_to", "outputs"))

    def _title(self) -> str | None:
        """The headline: title (a section page's label: linkTitle first), else the first
        heading, else the file (or bundle folder) name. A section page may have none."""
        found = self.get("title")
        if found is not None and not isinstance(found[1], str):
            line = _field_line(self.text_lines, found[0])
            self.problems.append(Problem(str(self.path), line, "title must be a string"))
            return None
        section = self.location.kind == "section"
        title = (
            self.string("linkTitle") or self.string("title")
            if section
            else self.string("title") or self.string("linkTitle")
        )
        if not title:
            heading = first_heading(self.parsed.body)
            title = clean_line(heading[0])[:MAX_FIELD_CHARS] if heading else ""
        return title or clean_line(self.location.id.rpartition("/")[2]) or clean_line(self.path.stem)

    def _authors(self) -> str:
        found = self.get("author", "authors")
        if found is None:
            return ""
        names = _names(found[1])
        if names is None:
            self.warn(found[0], "must be a name or a list of names")
            return ""
        return self._cut(found[0], ", ".join(filter(None, map(clean_line, names))))

    def _tags(self) -> tuple[str, ...]:
        tags: list[str] = []
        keys = dict.fromkeys(("tags", *self.site.taxonomies)) if self.site_keys else ("tags",)
        for name in keys:
            found = self.get(name)
            if found is None:
                continue
            if not isinstance(found[1], list) or not all(isinstance(tag, str) for tag in found[1]):
                self.warn(found[0], "must be a list of strings")
                continue
            tags.extend(found[1])
        found = self.get("taxonomies") if self.site_keys else None  # Zola: [taxonomies] name = [...]
        if found is not None:
            if isinstance(found[1], dict):
                for name, value in found[1].items():
                    if isinstance(value, list) and all(isinstance(tag, str) for tag in value):
                        tags.extend(value)
                    else:
                        self.warn(f"{found[0]}.{name}", "must be a list of strings")
            else:
                self.warn(found[0], "must be a table of lists")
        return tuple(dict.fromkeys(filter(None, (clean_line(tag) for tag in tags))))

    def _glossary(self) -> tuple[tuple[str, str], ...]:
        if "glossary" not in self.front:
            return ()
        raw = self.front["glossary"]
        if isinstance(raw, dict) and all(isinstance(v, str) for v in raw.values()):
            return tuple((clean_line(str(k)), clean_line(v)) for k, v in raw.items())
        self.warn("glossary", 'must be a table of phrase = "replacement"')
        return ()

    def _weight(self) -> int:
        found = self.get("weight")
        if found is None:
            return 0
        if isinstance(found[1], bool) or not isinstance(found[1], (int, float)):
            self.warn(found[0], "must be a number")
            return 0
        return int(found[1])

    def _sort_by(self) -> str:
        found = self.get("sort_by")
        if found is None or self.location.kind != "section":
            return ""
        value = str(found[1]).lower()
        return {"weight": "weight", "date": "date", "title": "title", "title_bytes": "title"}.get(value, "")

    def _lang(self, title: str) -> str:
        """The language of this text: from the site (folder, file name, default), Hexo's `lang`,
        else read off the text: untagged text with kana or hangul is Japanese or Korean,
        never converted as Chinese."""
        if self.location.lang:
            return self.location.lang
        found = self.get("lang") if self.site_keys else None
        if found is not None and isinstance(found[1], str) and clean_line(found[1]):
            return clean_line(found[1])
        return guess_language(title + "\n" + self.parsed.body[:1500])

    def _group(self, article_id: str, lang: str) -> str:
        """What the page's translations share: its translationKey, else its path without the
        language (kept only when the id alone will not do: a language, a slug, an explicit id)."""
        found = self.get("translationKey") if self.site_keys else None
        if found is not None:
            text = _as_text(found[1])
            if text is not None and clean_line(text):
                return "key:" + clean_line(text)
            self.warn(found[0], "must be a string")
        return self.location.id if lang or article_id != self.location.id else ""

    def _slugged(self, page_id: str) -> str:
        slug = self.string("slug", numbers=True).strip().strip("/")
        if not slug or self.location.kind != "page":
            return page_id
        folder = page_id.rpartition("/")[0]
        return f"{folder}/{slug}" if folder else slug

    def _aliases(self, article_id: str) -> tuple[str, ...]:
        """Other ids that open this page: its path id before a slug, `aliases`, Hugo's `url` and
        Zola's `path`, each as an id (no slashes at the ends, no .html)."""
        found_ids = [self.location.id] if self.location.id != article_id else []
        folder = self.location.id.rpartition("/")[0]
        for names in ("aliases", "path") if self.site_keys else ():
            found = self.get(names)
            if found is None:
                continue
            values = _names(found[1])
            if values is None:
                self.warn(found[0], "must be a path or a list of paths")
                continue
            for value in values:
                found_ids.append(_alias_id(value, folder if names == "aliases" else "", self.site))
        found = self.get("url")
        if found is not None:
            # An http(s) address is the article's own (a citation copies it: cite.py); a path
            # is Hugo's page URL, one more id for the page; anything else is ignored.
            value = found[1]
            if isinstance(value, str) and not _SCHEME.match(value.strip()):
                found_ids.append(_alias_id(value, "", self.site))
            elif not web_address(value):
                self.warn(found[0], "must be an http or https address (ignored)")
        if not article_id.islower() or " " in article_id:
            urlized = re.sub(r"\s+", "-", article_id.lower())
            if urlized != article_id:
                found_ids.append(urlized)  # how Hugo writes a path with spaces and capitals in a URL
        return tuple(alias for alias in dict.fromkeys(found_ids) if alias and alias != article_id)[:MAX_ALIASES]

    def _unknown_keys(self) -> None:
        for key in self.front:
            if (
                key.lower() not in _SITE_KEYS
                and key not in _NEWSROOM_KEYS
                and key.lower() not in {name.lower() for name in self.site.taxonomies}
            ):
                self.problems.append(
                    Problem(
                        str(self.path),
                        _field_line(self.text_lines, key),
                        f"{key}: not a front-matter key of Newsroom, Hugo or Zola (kept, unused)",
                        "warning",
                    )
                )


def _alias_id(value: str, folder: str, site: Site) -> str:
    """An alias (a URL path) as an article id: relative ones are relative to the page's folder."""
    text = clean_line(value).strip()
    text = re.sub(r"^[a-z][a-z0-9+.-]*://[^/]*", "", text, flags=re.IGNORECASE)  # a full URL: its path
    absolute = text.startswith("/")
    text = text.strip("/")
    for suffix in ("/index.html", ".html"):
        if text.endswith(suffix):
            text = text[: -len(suffix)]
    parts = text.split("/")
    if absolute and len(parts) > 1 and site.languages and site.is_language(parts[0]):
        parts = parts[1:]  # /zh/old-page: the language's URL prefix
    text = "/".join(part for part in parts if part)
    return f"{folder}/{text}" if folder and not absolute and text else text


def site_record(article: Article) -> str | None:
    """An article's static-site fields as JSON for the search index's one column (None: none)."""
    info = article.site
    if info is None:
        return None
    record: dict[str, object] = {}
    for name, default in _RECORD_FIELDS.items():
        value = getattr(info, name)
        if value != default:
            record[name] = [_date_json(value), type(value).__name__] if isinstance(value, dt.date) else value
    return json.dumps(record, ensure_ascii=False)


def page_info(record: str | None) -> PageInfo | None:
    """The PageInfo `site_record` stored (None for a plain article)."""
    if not record:
        return None
    fields = json.loads(record)
    for name, value in fields.items():
        if isinstance(value, list) and name in ("updated", "publish", "expiry"):
            fields[name] = _date_from_json(*value)
        elif name == "aliases":
            fields[name] = tuple(value)
    return PageInfo(**fields)


_RECORD_FIELDS = {
    name: getattr(PageInfo(), name)
    for name in ("lang", "updated", "weight", "aliases", "group", "publish", "expiry", "kind", "sort_by", "has_body")
}


def _date_json(value: dt.date) -> str:
    return value.isoformat()


def _date_from_json(text: str, kind: str) -> dt.date:
    return dt.datetime.fromisoformat(text) if kind == "datetime" else dt.date.fromisoformat(text)


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


def outside(content_dir: Path, path: Path) -> bool:
    """Whether a file is a link whose real path lies outside the content dir.

    The walk never enters linked folders, so only the file itself can be a link."""
    if not os.path.islink(path):
        return False
    root = os.path.realpath(content_dir)
    return not os.path.realpath(path).startswith(os.path.join(root, ""))


def load_body(article: Article, source: Source | None = None) -> str:
    """An article's Markdown body, read fresh from disk and made safe to show.

    With `source` (the config or content dir), a file that now links outside the
    content folder is refused; a leaf bundle's pictures are listed after its body."""
    path = Path(article.path)
    if source is not None:
        content_dir, _, allowed = _reading(source)
        if not allowed and outside(content_dir, path):
            raise ContentError(OUTSIDE)
    _, parsed = read_file(path)
    body = clean(untitled_body(parsed))
    if path.stem.split(".")[0] == "index":
        body += _pictures(path, parsed, body)
    return body


def _pictures(path: Path, parsed: ParsedFile, body: str) -> str:
    """A leaf bundle's pictures the body does not show already, as Markdown images."""
    try:
        names = sorted(entry.name for entry in os.scandir(path.parent) if entry.is_file())
    except OSError:
        return ""
    titles = {}
    resources = parsed.front.get("resources")
    if isinstance(resources, list):
        for resource in resources:
            if isinstance(resource, dict) and isinstance(resource.get("src"), str):
                titles[resource["src"]] = str(resource.get("title") or "")
    pictures = [
        name
        for name in names
        if name.lower().endswith(PICTURE_SUFFIXES) and not name.startswith(".") and name not in body
    ]
    lines = []
    for name in pictures:
        caption = clean_line(titles.get(name) or name).replace("[", "(").replace("]", ")")
        lines.append(f"![{caption}](<{clean_line(name)}>)")
    return "\n\n" + "\n\n".join(lines) + "\n" if lines else ""


def iter_content_files(source: Source) -> Iterator[Path]:
    """Content files under the content dir, sorted, skipping hidden entries.

    Symlinked folders are not followed (no loops). In a leaf bundle (a folder
    with an index file) the other files are the page's resources, not pages.
    A site with language folders is read only there. (search/freshness.py's
    `scan` walks the same way, faster: keep the two together.)
    """
    content_dir, site, _ = _reading(source)
    for root in walk_roots(site):
        yield from _walk(content_dir / root if root else content_dir, site)


def _walk(top: Path, site: Site) -> Iterator[Path]:
    keep = site.walk_underscored
    for root, dirs, files in os.walk(top, followlinks=False):
        names = sorted(name for name in files if not name.startswith(".") and name.lower().endswith(CONTENT_SUFFIXES))
        bundle = [name for name in names if is_index_name(name, site)]
        if bundle and root != str(top):
            dirs[:] = []  # a leaf bundle: everything below is its resources
            names = bundle
        else:
            dirs[:] = sorted(d for d in dirs if not d.startswith((".", "_")) or d in keep)
        for name in names:
            yield Path(root) / name


def article_location(content_dir: Path, path: Path, site: Site | None = None) -> tuple[str, str]:
    """(default id, folder section) for a file."""
    location = locate(site or Site(), path.relative_to(content_dir).as_posix())
    return clean_line(location.id), clean_line(location.section)


def read_article(source: Source, path: Path, strict: bool = False) -> tuple[Article | None, list[Problem], str]:
    """One file into an Article (a page, or a section page) and its cleaned body,
    or the problems that stop it."""
    content_dir, site, allowed = _reading(source)
    text_path, prefix = str(path), os.path.join(str(content_dir), "")
    rel = (
        text_path[len(prefix) :].replace(os.sep, "/")
        if text_path.startswith(prefix)
        else path.relative_to(content_dir).as_posix()
    )
    if not allowed and outside(content_dir, path):
        return None, [Problem(rel, 1, OUTSIDE)], ""
    if not is_utf8(rel):  # no id can be made of it
        shown = rel.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
        return None, [Problem(shown, 1, "the file name is not UTF-8: rename the file")], ""
    try:
        text, parsed = read_file(path)
    except ContentError as error:
        if str(error) == "empty file" and path.stem.split(".")[0] == "_index":
            return None, [], ""  # a section page with nothing to say: Hugo builds it too
        return None, [Problem(rel, error.line, str(error))], ""
    except FileNotFoundError:
        return None, [Problem(rel, 1, "file disappeared while loading")], ""
    except OSError as error:
        return None, [Problem(rel, 1, f"cannot read: {error.strerror or error}")], ""
    location = locate(site, rel)
    location = Location(
        clean_line(location.id), clean_line(location.section), location.lang, location.kind, location.bundle
    )
    article, problems = _Builder(path, location, parsed, text, site, strict).build()
    problems = [Problem(rel, p.line, p.message, p.severity) for p in problems]
    return article, problems, clean(untitled_body(parsed)) if article is not None else ""


def load_file(source: Source, path: Path, strict: bool = False) -> tuple[Article | None, list[Problem]]:
    """One file into an Article, or the problems that stop it."""
    article, problems, _ = read_article(source, path, strict)
    return article, problems


ProgressCallback = Callable[[int, int], None]  # (files done, files in all), for a progress line


def load_newsroom(config: Config, progress: ProgressCallback | None = None, strict: bool = False) -> Newsroom:
    """Load every content file under the config's content dir."""
    paths = list(iter_content_files(config))
    articles: list[Article] = []
    problems: list[Problem] = []
    for count, path in enumerate(paths, start=1):
        article, file_problems = load_file(config, path, strict)
        problems.extend(file_problems)
        if article is not None:
            articles.append(article)
        if progress is not None and count % 500 == 0:
            progress(count, len(paths))
    return assemble(config, articles, problems)


def assemble(config: Config, articles: list[Article], problems: list[Problem]) -> Newsroom:
    """The newsroom from every file's article: see tui/core/assembly.py."""
    from tui.core.assembly import assemble as assemble_newsroom

    return assemble_newsroom(config, articles, problems)


def _first_paragraph(body: str) -> str:
    """A section page's first paragraph as plain text (its headings passed over), or ""."""
    from tui.core.document import first_paragraph  # Markdown is parsed only for section pages

    return clean_line(first_paragraph(body))[:MAX_FIELD_CHARS]


def _summary_before_more(body: str) -> str:
    """Hugo's manual summary: the text before a `<!--more-->` line, or ""."""
    from tui.core.document import summary_before_more  # Markdown is parsed only for such bodies

    return clean_line(summary_before_more(body) or "")[:MAX_FIELD_CHARS]
