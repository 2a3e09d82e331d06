"""`newsroom check`: validate the config and every content file, and report.

Per-file validation is the loader's (`load_file`) and the whole-newsroom rules
(ids, translations, section pages) are `assemble`'s: the same rules the app
applies, so check and app never disagree. On top of them this adds what only a
closer look can find: articles in sections the config does not list, and
scraping damage left in the text. With `--strict` it also lists front-matter
keys that neither Newsroom nor Hugo nor Zola defines (a theme's own keys, or
typos) and shortcodes the reader shows only by their inner content; without
it, a site its generator builds cleanly checks clean.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections.abc import Iterable

from tui.chinese.artifacts import find_artifacts
from tui.core.config import Config, ConfigError, resolve_config
from tui.core.errors import EXIT_NOTHING, EXIT_OK, print_error
from tui.core.loader import ContentError, assemble, iter_content_files, load_file, outside, read_file
from tui.core.model import Article, Problem
from tui.core.records import replace
from tui.core.shortcodes import unknown_shortcodes


def check_newsroom(config: Config, strict: bool = False) -> tuple[list[Problem], int]:
    """Every problem in the config's content dir, sorted by path and line, and the file count."""
    content_dir = config.content_dir
    problems: list[Problem] = []
    articles: list[Article] = []
    front_lines: dict[str, list[str]] = {}
    count = 0
    for count, path in enumerate(iter_content_files(config), start=1):  # noqa: B007 (count is read after the loop)
        display = path.relative_to(content_dir).as_posix()  # as it is: a Problem cleans it for the terminal
        article, file_problems = load_file(config, path, strict)
        problems.extend(file_problems)
        if article is not None:
            articles.append(article)
        if not config.allow_outside_links and outside(content_dir, path):
            continue  # never read (load_file said so)
        try:
            text, parsed = read_file(path)
        except (ContentError, OSError):
            continue  # load_file has said why; there is nothing more to look at
        front_lines[display] = text.split("\n")[: parsed.body_line - 1]
        problems.extend(Problem(display, a.line, a.message, "warning") for a in find_artifacts(text))
        if strict:
            problems.extend(_shortcode_problems(display, text, parsed.body, parsed.body_line))
    newsroom = assemble(config, articles, [])
    for problem in newsroom.problems:  # ids: on the line that sets the id, if one does
        lines = front_lines.get(problem.path, [])
        line = _key_line(lines, "id") if _key_line(lines, "id") > 1 else _key_line(lines, "slug")
        problems.append(replace(problem, line=line))
    configured = {section.id for section in config.sections}
    if configured:
        for article in newsroom.articles:
            if article.section in configured:
                continue
            where = f"section {article.section!r}" if article.section else "a file outside any section folder"
            display = article.path[len(str(content_dir)) + 1 :]
            line = _key_line(front_lines.get(display, []), "section")
            problems.append(Problem(display, line, f"{where} is not one of the config's [[sections]]", "warning"))
    return sort_problems(problems), count


def _shortcode_problems(display: str, text: str, body: str, body_line: int) -> list[Problem]:
    """Shortcodes the reader shows only by their inner content, each on the line it first appears."""
    problems = []
    lines = text.split("\n")
    for name in unknown_shortcodes(body):
        tag = re.compile(r"(\{\{[<%]\s*/?|\{\{-?\s*|\{%-?\s*)" + re.escape(name) + r"\b")
        line = next(
            (number for number, row in enumerate(lines, 1) if number >= body_line and tag.search(row)), body_line
        )
        message = f"shortcode {name!r}: Newsroom shows only its inner content"
        problems.append(Problem(display, line, message, "warning"))
    return problems


def _key_line(front_lines: list[str], key: str) -> int:
    """The line of `key = ...` (or `key: ...`) in the front matter, else 1."""
    pattern = re.compile(r"^\s*[\"']?" + re.escape(key) + r"[\"']?\s*[=:]", re.IGNORECASE)
    for number, line in enumerate(front_lines, start=1):
        if pattern.match(line):
            return number
    return 1


def sort_problems(problems: Iterable[Problem]) -> list[Problem]:
    unique = dict.fromkeys(problems)  # the loader and the scan may both see one thing
    return sorted(unique, key=lambda p: (p.path, p.line, p.severity != "error", p.message))


def run(args: argparse.Namespace, console) -> int:
    """`newsroom check`: 0 clean, 1 problems found, 2 the config cannot be used."""
    try:
        config = resolve_config(args.config, args.content)
    except ConfigError as error:
        return print_error(error)
    problems, files = check_newsroom(config, strict=getattr(args, "strict", False))
    if args.json:
        records = [{"path": p.path, "line": p.line, "severity": p.severity, "message": p.message} for p in problems]
        console.file.write(json.dumps(records, ensure_ascii=False, indent=2) + "\n")
    else:
        for problem in problems:
            console.print(str(problem), markup=False, highlight=False, emoji=False, soft_wrap=True)
        errors = sum(p.severity == "error" for p in problems)
        warnings = len(problems) - errors
        summary = f"{files} file(s) checked: " + (
            f"{errors} error(s), {warnings} warning(s)" if problems else "no problems"
        )
        print(summary, file=sys.stderr)
    return EXIT_NOTHING if problems else EXIT_OK


__all__ = ["check_newsroom", "run", "sort_problems"]
