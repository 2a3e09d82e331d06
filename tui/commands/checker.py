"""`newsroom check`: validate the config and every content file, and report.

Per-file validation is the loader's (`load_file`): the same rules the app
applies, so check and app never disagree. On top of it this adds what only a
whole-newsroom view or a closer look can find: duplicate ids, articles in
sections the config does not list, and scraping damage left in the text.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterable

from tui.chinese.artifacts import find_artifacts
from tui.core.config import Config, ConfigError, resolve_config
from tui.core.errors import EXIT_NOTHING, EXIT_OK, print_error
from tui.core.loader import ContentError, iter_content_files, load_file, read_file
from tui.core.model import Problem
from tui.core.text import clean_line


def check_newsroom(config: Config) -> tuple[list[Problem], int]:
    """Every problem in the config's content dir, sorted by path and line, and the file count."""
    content_dir = config.content_dir
    configured = {section.id for section in config.sections}
    problems: list[Problem] = []
    seen: dict[str, str] = {}
    count = 0
    for count, path in enumerate(iter_content_files(content_dir), start=1):  # noqa: B007 (count is read after the loop)
        display = clean_line(path.relative_to(content_dir).as_posix())
        article, file_problems = load_file(content_dir, path)
        problems.extend(file_problems)
        try:
            text, parsed = read_file(path)
        except (ContentError, OSError):
            continue  # load_file has said why; there is nothing more to look at
        front_lines = text.split("\n")[: parsed.body_line - 1]
        problems.extend(Problem(display, a.line, a.message, "warning") for a in find_artifacts(text))
        if article is None:
            continue  # a draft, or no usable title (already reported)
        if article.id in seen:
            line = _key_line(front_lines, "id")
            problems.append(Problem(display, line, f"duplicate id {article.id!r} (also in {seen[article.id]})"))
        else:
            seen[article.id] = display
        if configured and article.section not in configured:
            where = f"section {article.section!r}" if article.section else "a file outside any section folder"
            line = _key_line(front_lines, "section")
            problems.append(Problem(display, line, f"{where} is not one of the config's [[sections]]", "warning"))
    return sort_problems(problems), count


def _key_line(front_lines: list[str], key: str) -> int:
    """The line of `key = ...` in the front matter, else 1."""
    for number, line in enumerate(front_lines, start=1):
        if line.split("=", 1)[0].strip() == key and "=" in line:
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
    problems, files = check_newsroom(config)
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
