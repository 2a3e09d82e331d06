"""Parsing what the user types into the search box.

    質量 安全            both terms (AND), anywhere in title or body
    "質量 安全"          a phrase: the words in this order (spaces and
                         punctuation never matter, see normalize.py)
    -廣告                leave out articles containing this term
    section:ID          in this section (several: any of them)
    tag:X               has this tag (script-, case- and width-blind)
    by:NAME             the byline contains NAME
    since:YYYY-MM-DD    dated on or after; until:YYYY-MM-DD on or before

A filter with a bad date is ignored and explained in `Query.warnings`, not
raised: the query is parsed on every keystroke and "since:2024-0" is simply
not finished yet. Unknown `key:value` words are ordinary search terms (a
colon is common in Latin text, such as "10:30").
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from .normalize import fold_text, variants

FILTER_KEYS = ("section", "tag", "by", "since", "until")
# A word: optional "-", optional "key:", then a quoted or bare value. An
# unclosed quote runs to the end (the user is still typing).
_WORD = re.compile(r'(-?)(?:([A-Za-z]+):)?(?:"([^"]*)"?|(\S*))')


@dataclass(frozen=True)
class Term:
    """One thing to look for, as typed and in the folded forms that match it."""

    text: str
    forms: tuple[str, ...]  # folded; the first is the term itself, then regional vocabulary

    def __str__(self) -> str:
        return self.text


@dataclass(frozen=True)
class Filters:
    sections: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()  # folded
    bylines: tuple[str, ...] = ()  # folded
    since: dt.date | None = None
    until: dt.date | None = None

    def __bool__(self) -> bool:
        return bool(self.sections or self.tags or self.bylines or self.since or self.until)


@dataclass(frozen=True)
class Query:
    text: str = ""
    terms: tuple[Term, ...] = ()  # all must match
    phrases: tuple[Term, ...] = ()  # all must match; quoted, kept whole
    excludes: tuple[Term, ...] = ()  # none may match
    filters: Filters = field(default_factory=Filters)
    warnings: tuple[str, ...] = ()  # parts of the query that were ignored, and why

    @property
    def positives(self) -> tuple[Term, ...]:
        """Everything that must be present: terms and phrases."""
        return self.terms + self.phrases

    @property
    def is_empty(self) -> bool:
        """Nothing to search for and nothing to filter by."""
        return not self.positives and not self.excludes and not self.filters

    def highlight_terms(self) -> list[tuple[str, ...]]:
        """Folded forms to highlight (for `normalize.find_spans`)."""
        return [term.forms for term in self.positives]


def _term(text: str) -> Term | None:
    forms = variants(text)
    return Term(text, forms) if forms else None


def _date(key: str, value: str, warnings: list[str]) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        warnings.append(f"{key}:{value} ignored: use a date such as 2010-09-27")
        return None


def parse_query(text: str) -> Query:
    """Parse the search box; never raises (see `Query.warnings`)."""
    terms: list[Term] = []
    phrases: list[Term] = []
    excludes: list[Term] = []
    sections: list[str] = []
    tags: list[str] = []
    bylines: list[str] = []
    since = until = None
    warnings: list[str] = []
    for match in _WORD.finditer(text):
        negative, key, quoted, bare = match.groups()
        value = quoted if quoted is not None else bare or ""
        if key and key.lower() in FILTER_KEYS:
            key = key.lower()
            if negative:
                warnings.append(f"-{key}: ignored: filters cannot be negated")
                continue
            if not value.strip():
                continue  # "tag:" while typing
            if key == "section":
                sections.append(value.strip())
            elif key == "tag":
                tags.append(fold_text(value))
            elif key == "by":
                bylines.append(fold_text(value))
            elif key == "since":
                since = _date(key, value.strip(), warnings) or since
            else:
                until = _date(key, value.strip(), warnings) or until
            continue
        if key:  # not a filter: the colon is part of the word
            value = f"{key}:{value}"
        term = _term(value)
        if term is None:
            continue  # punctuation alone, or a lone "-"
        if negative:
            excludes.append(term)
        elif quoted is not None:
            phrases.append(term)
        else:
            terms.append(term)
    if since and until and since > until:
        warnings.append(f"since:{since} is after until:{until}: nothing can match")
    return Query(
        text=text,
        terms=tuple(terms),
        phrases=tuple(phrases),
        excludes=tuple(excludes),
        filters=Filters(tuple(sections), tuple(tags), tuple(bylines), since, until),
        warnings=tuple(warnings),
    )


EMPTY = Query()

__all__ = ["EMPTY", "FILTER_KEYS", "Filters", "Query", "Term", "parse_query"]
