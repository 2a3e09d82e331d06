"""A citation of an article, for `y`: title, byline, date, source, and where to find it.

Where to find it is the article's canonical address, `url` in its front matter
(http or https only), else its id. The address is read from the file when it
is asked for: articles are kept without it, so a newsroom of 100,000 carries
no addresses it never copies.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from tui.core.loader import ContentError, read_file, web_address
from tui.core.model import Article

Present = Callable[[str, "Article | None"], str]


def canonical_url(article: Article) -> str | None:
    """The `url` of the article's front matter, or None (none, not a web address, or unreadable)."""
    try:
        _, parsed = read_file(Path(article.path))
    except (ContentError, OSError):
        return None
    return web_address(parsed.front.get("url"))


def citation(article: Article, present: Present, url: str | None = None) -> str:
    """One line: title. byline. date. source. address (or id); parts it lacks are left out."""
    parts = [present(article.title, article), present(article.byline, article), article.date_text]
    parts += [present(article.source, article), url or article.id]
    return ". ".join(part for part in parts if part)
