"""The content model: articles, sections, problems and the newsroom that holds them."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

Date = dt.datetime | dt.date
Severity = Literal["error", "warning"]


@dataclass(frozen=True)
class Problem:
    """Something wrong with a file, reported with where and why."""

    path: str
    line: int
    message: str
    severity: Severity = "error"

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.severity}: {self.message}"


@dataclass(frozen=True, slots=True)
class Article:
    """One article's metadata. The body stays on disk until it is read.

    Slots and a plain-string path: a newsroom holds 100,000 of these.
    """

    id: str
    path: str
    section: str
    title: str
    date: Date | None = None
    subtitle: str = ""
    byline: str = ""
    source: str = ""
    caption: str = ""
    summary: str = ""
    tags: tuple[str, ...] = ()
    body_line: int = 1  # line of the file where the body starts
    glossary: tuple[tuple[str, str], ...] = ()  # per-article script rules

    @property
    def date_text(self) -> str:
        if self.date is None:
            return ""
        if isinstance(self.date, dt.datetime):
            return self.date.strftime("%Y-%m-%d %H:%M")
        return self.date.isoformat()

    @property
    def sort_key(self) -> tuple:
        """Newest first, undated last, then by title for a stable order."""
        if self.date is None:
            stamp = float("inf")
        elif isinstance(self.date, dt.datetime):
            moment = self.date if self.date.tzinfo else self.date.replace(tzinfo=dt.timezone.utc)
            stamp = -moment.timestamp()
        else:
            stamp = -dt.datetime(self.date.year, self.date.month, self.date.day, tzinfo=dt.timezone.utc).timestamp()
        return (stamp, self.title, self.id)


@dataclass(frozen=True)
class Section:
    id: str
    label: str
    front_page: bool = False


@dataclass
class Newsroom:
    """Everything loaded from one content directory, ready to browse."""

    title: str
    content_dir: Path
    sections: list[Section]
    articles: list[Article] = field(default_factory=list)  # sorted newest first
    problems: list[Problem] = field(default_factory=list)
    complete: bool = True  # False: a first-paint preview of the newest articles only

    def __post_init__(self) -> None:
        self._by_id = {article.id: article for article in self.articles}
        self._by_section: dict[str, list[Article]] = {}
        for article in self.articles:
            self._by_section.setdefault(article.section, []).append(article)

    @property
    def front_page(self) -> Section:
        return next((s for s in self.sections if s.front_page), self.sections[0])

    def section(self, section_id: str) -> Section | None:
        return next((s for s in self.sections if s.id == section_id), None)

    def articles_in(self, section_id: str) -> list[Article]:
        """A section's articles, newest first; the front page lists every article."""
        section = self.section(section_id)
        if section is not None and section.front_page:
            return self.articles
        return self._by_section.get(section_id, [])

    def article(self, article_id: str) -> Article | None:
        return self._by_id.get(article_id)
