"""Parsing what the user types into the search box.

    質量 安全            both terms (AND), anywhere in title or body
    "質量 安全"          a phrase: the words in this order (spaces and
                         punctuation never matter, see normalize.py)
    -廣告                leave out articles containing this term
    section:ID          in this section (several: any of them)
    tag:X               has this tag (script-, case- and width-blind)
    by:NAME             the byline contains NAME
    since:YYYY-MM-DD    dated on or after; until:YYYY-MM-DD on or before

Latin input is also read as Mandarin pinyin (see pinyin.py): `zhiliang`,
`zhi4liang4`, `xi'an` and the initials `zl` all find 質量. A term matches if
its text does or its pinyin does; plain matches rank first. Consecutive bare
words that are all whole syllables (`wang qishan`) are one term: found as
those words anywhere, as before, or as the characters they spell, in order.
Exclusions stay plain: pinyin would leave out far more than was meant.

A filter with a bad date is ignored and explained in `Query.warnings`, not
raised: the query is parsed on every keystroke and "since:2024-0" is simply
not finished yet. Unknown `key:value` words are ordinary search terms (a
colon is common in Latin text, such as "10:30").
"""

from __future__ import annotations

import datetime as dt
import re
from typing import TYPE_CHECKING

from tui.chinese.cjk import has_ideograph
from tui.chinese.normalize import fold_text, variants
from tui.core.records import field, record

if TYPE_CHECKING:
    from tui.chinese.pinyin import Pinyin

FILTER_KEYS = ("section", "tag", "by", "since", "until")
MAX_QUERY_CHARS = 256
# A word: optional "-", optional "key:", then a quoted or bare value. An
# unclosed quote runs to the end (the user is still typing).
_WORD = re.compile(r'(-?)(?:([A-Za-z]+):)?(?:"([^"]*)"?|(\S*))')


@record(frozen=True)
class Term:
    """One thing to look for, as typed and in the folded forms that match it."""

    text: str
    forms: tuple[str, ...]  # folded; the first is the term itself, then regional vocabulary
    pinyin: Pinyin | None = None  # the term read as pinyin, if it can be
    # Words typed apart but read as one pinyin term (wang qishan): the plain
    # match needs every part (each any of its forms), anywhere. Empty: any form.
    parts: tuple[tuple[str, ...], ...] = ()

    def __str__(self) -> str:
        return self.text

    @property
    def highlight_forms(self) -> tuple[str, ...]:
        """The folded forms, then the pinyin pattern as a marked form (see `normalize.find_spans`)."""
        return self.forms + ((self.pinyin.form,) if self.pinyin else ())


@record(frozen=True)
class Filters:
    """The `section:`, `tag:`, `by:`, `since:` and `until:` parts of a query."""

    sections: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()  # folded
    bylines: tuple[str, ...] = ()  # folded
    since: dt.date | None = None
    until: dt.date | None = None

    def __bool__(self) -> bool:
        return bool(self.sections or self.tags or self.bylines or self.since or self.until)


@record(frozen=True)
class Query:
    """A parsed query: the terms that must match, the phrases, the exclusions and filters."""

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
        """Folded forms to highlight (for `normalize.find_spans`); a term with a
        pinyin reading also carries it, as a marked form that only find_spans reads."""
        return [term.highlight_forms for term in self.positives]

    @property
    def has_pinyin(self) -> bool:
        return any(term.pinyin for term in self.positives)


def _term(text: str, read_pinyin: bool = True) -> Term | None:
    forms = variants(text)
    if not forms:
        return None
    # (text with an ideograph is never pinyin: a Chinese query leaves pinyin.py unloaded, 2 ms)
    return Term(text, forms, _read_pinyin(text) if read_pinyin and not has_ideograph(text) else None)


def _read_pinyin(text: str) -> Pinyin | None:
    from tui.chinese import pinyin

    return pinyin.parse(text)


def _whole_syllables(term: Term) -> bool:
    return term.pinyin is not None and not any(unit.initial for unit in term.pinyin.segmentations[0])


def _grouped(words: list[Term]) -> Term:
    """Consecutive bare words, all whole syllables, as one term."""
    if len(words) == 1:
        return words[0]
    text = " ".join(word.text for word in words)
    forms = tuple(dict.fromkeys(form for word in words for form in word.forms))
    return Term(text, forms, _read_pinyin(text), tuple(word.forms for word in words))


def _date(key: str, value: str, warnings: list[str]) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        warnings.append(f"{key}:{value} ignored: {value!r} is not a date (use one such as 2010-09-27)")
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
    if len(text) > MAX_QUERY_CHARS:  # a paste, not a search: its cost stays bounded
        warnings.append(f"only the first {MAX_QUERY_CHARS} characters were searched for")
        text = text[:MAX_QUERY_CHARS]
    run: list[Term] = []  # bare words that are whole syllables, not yet added

    def end_run() -> None:
        if run:
            terms.append(_grouped(run))
            run.clear()

    for match in _WORD.finditer(text):
        negative, key, quoted, bare = match.groups()
        value = quoted if quoted is not None else bare or ""
        if not match.group(0):
            continue  # the empty match between words
        if key and key.lower() in FILTER_KEYS:
            end_run()
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
        term = _term(value, read_pinyin=not negative)
        if term is None:
            continue  # punctuation alone, or a lone "-"
        if negative:
            excludes.append(term)
        elif quoted is not None:
            phrases.append(term)
        elif _whole_syllables(term):
            run.append(term)
            continue
        else:
            end_run()
            terms.append(term)
        end_run()
    end_run()
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
