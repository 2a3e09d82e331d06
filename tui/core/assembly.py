"""The newsroom from every file's article: what only the whole set can tell.

Each content file is read on its own (loader.read_article); here they become
one newsroom:

- Translations: files that are one page in several languages (same path
  without the language, or the same translationKey) become one article
  carrying its variants, the site's default language first.
- Section pages (`_index` files) give their folder a label, a description and
  an order; they are not articles, except a branch that holds no pages but has
  a body of its own (a docs page written as a folder, as Docsy sites do).
- Hidden pages: a publishDate still to come or an expiryDate gone by, unless
  the site or config shows them.
- Ids: one article per id. The file whose own path is the id keeps it: an
  explicit `id` (or slug) naming another file's path cannot take it over.
  Variant ids, old paths and `aliases` still find the article.
- Order: newest first on the front page; a section that asks for it (a
  section page's sort_by, or weighted pages) by weight.
"""

from __future__ import annotations

import datetime as dt
import os
from pathlib import PurePosixPath

from tui.core import languages
from tui.core.config import Config
from tui.core.model import Article, Newsroom, PageInfo, Problem, Section, with_fields
from tui.core.records import replace
from tui.core.site import Site, locate
from tui.core.text import clean_line

PLACE_SEPARATOR = " / "


def assemble(config: Config, articles: list[Article], problems: list[Problem]) -> Newsroom:
    """Sort articles and work out the sections: configured ones first, then found ones."""
    site = config.site
    root = os.path.join(str(config.content_dir), "")
    problems = list(problems)
    now = dt.datetime.now(dt.timezone.utc)
    pages: list[Article] = []
    section_pages: list[Article] = []
    changes_at: dt.datetime | None = None  # the next moment a page is shown or hidden by its dates
    for article in articles:
        info = article.site
        if info is not None and (info.publish is not None or info.expiry is not None):
            changes_at = _next_change(info, site, now, changes_at)
        if info is not None and _hidden(info, site, now):
            continue
        (section_pages if info is not None and info.kind == "section" else pages).append(article)
    if section_pages:
        pages += _branches_read_as_pages(section_pages, pages)
    labels = _section_labels(section_pages, site)
    aliases: dict[str, str] = {}
    sited = any(page.site is not None for page in pages)  # a plain newsroom skips the site work
    if sited:
        pages = _group_translations(pages, site, root, problems, aliases)
    pages = _unique_ids(pages, site, root, problems)
    if labels:
        pages = [_placed(page, labels) for page in pages]
    if sited:
        known_ids = {page.id for page in pages}
        for page in pages:
            if page.site is None:
                continue
            for version in page.versions:
                if version.id != page.id and version.id not in known_ids:
                    aliases.setdefault(version.id, page.id)
                for alias in version.site.aliases if version.site is not None else ():
                    if alias not in known_ids:
                        aliases.setdefault(alias, page.id)
    pages.sort(key=lambda article: article.sort_key)
    return Newsroom(
        title=clean_line(config.title),
        content_dir=config.content_dir,
        sections=_sections(config, pages, labels),
        articles=pages,
        problems=problems,
        aliases=aliases,
        languages=_languages(pages, site),
        changes_at=changes_at,
    )


def _hidden(info: PageInfo, site: Site, now: dt.datetime) -> bool:
    if info.publish is not None and not site.show_future and _moment(info.publish) > now:
        return True
    return info.expiry is not None and not site.show_expired and _moment(info.expiry) <= now


def _next_change(info: PageInfo, site: Site, now: dt.datetime, soonest: dt.datetime | None) -> dt.datetime | None:
    """The sooner of `soonest` and this page's next publish or expiry moment that `_hidden` heeds."""
    moments = []
    if info.publish is not None and not site.show_future:
        moments.append(_moment(info.publish))
    if info.expiry is not None and not site.show_expired:
        moments.append(_moment(info.expiry))
    for moment in moments:
        if moment > now and (soonest is None or moment < soonest):
            soonest = moment
    return soonest


def _moment(date: dt.date) -> dt.datetime:
    if isinstance(date, dt.datetime):
        return date if date.tzinfo else date.replace(tzinfo=dt.timezone.utc)
    return dt.datetime(date.year, date.month, date.day, tzinfo=dt.timezone.utc)


def _folders(article_id: str) -> list[str]:
    """The folders an id lies in, outermost first: docs/a/b -> docs, docs/a."""
    parts = article_id.split("/")[:-1]
    return ["/".join(parts[: count + 1]) for count in range(len(parts))]


def _branches_read_as_pages(section_pages: list[Article], pages: list[Article]) -> list[Article]:
    """Section pages with a body whose folder holds no pages: read as pages themselves."""
    occupied = {folder for page in pages for folder in _folders(page.id)}
    occupied.update(folder for page in section_pages for folder in _folders(page.id))  # a branch below
    if pages:
        occupied.add("")
    found = []
    for page in section_pages:
        info = page.site
        assert info is not None
        if info.has_body and page.id not in occupied:
            title = page.title or clean_line(PurePosixPath(page.id).name) or "Home"
            found.append(with_fields(page, title=title, site=replace(info, kind="page")))
    return found


def _rank(tag: str, site: Site) -> tuple:
    """The order of a page's variants: the default language first, then as the site lists them."""
    normalized = languages.normalize(tag)
    declared = [languages.normalize(name) for name in site.languages]
    if tag == "" or normalized == languages.normalize(site.default_language):
        return (0, 0, "")
    if normalized in declared:
        return (1, declared.index(normalized), "")
    return (2, 0, normalized)


def _section_labels(section_pages: list[Article], site: Site) -> dict[str, Article]:
    """Each folder's section page, in the default language when it has several (its
    other languages as its variants: they label the section in those languages)."""
    by_folder: dict[str, list[Article]] = {}
    for page in section_pages:
        by_folder.setdefault(page.id, []).append(page)
    chosen: dict[str, Article] = {}
    for folder, pages in by_folder.items():
        pages.sort(key=lambda page: _rank(page.lang, site))
        primary = pages[0]
        if len(pages) > 1:
            primary = with_fields(primary, site=replace(primary.site or PageInfo(), variants=tuple(pages[1:])))
        chosen[folder] = primary
    return chosen


def _group_key(article: Article) -> str:
    info = article.site
    return info.group if info is not None and info.group else article.id


def _display(article: Article, root: str) -> str:
    """The file's path under the content dir, as it is (a Problem cleans it for the terminal)."""
    path = article.path
    return path[len(root) :] if path.startswith(root) else path


def _group_translations(
    pages: list[Article], site: Site, root: str, problems: list[Problem], aliases: dict[str, str]
) -> list[Article]:
    """One article per page, its other languages as variants."""
    groups: dict[str, list[Article]] = {}
    for page in pages:
        groups.setdefault(_group_key(page), []).append(page)
    result = []
    for members in groups.values():
        if len(members) == 1:
            result.append(members[0])
            continue
        by_language: dict[str, Article] = {}
        clashing = []  # two files for one page in one language: settled by _unique_ids
        for member in members:
            tag = languages.normalize(member.lang)
            if tag in by_language:
                clashing.append(member)
            else:
                by_language[tag] = member
        versions = sorted(by_language.values(), key=lambda member: _rank(member.lang, site))
        primary = versions[0]
        if len(versions) > 1:
            others = tuple(with_fields(other, section=primary.section) for other in versions[1:])
            primary = with_fields(primary, site=replace(primary.site or PageInfo(), variants=others))
        result.append(primary)
        result.extend(clashing)
    return result


def _path_id(article: Article, site: Site, root: str) -> str:
    path = article.path
    rel = path[len(root) :] if path.startswith(root) else path
    return clean_line(locate(site, rel.replace(os.sep, "/")).id)


def _unique_ids(pages: list[Article], site: Site, root: str, problems: list[Problem]) -> list[Article]:
    """One article per id: the file whose own path is the id keeps it, else the first read."""
    if len({page.id for page in pages}) == len(pages):
        return pages
    claims: dict[str, list[Article]] = {}
    for page in pages:
        claims.setdefault(page.id, []).append(page)
    kept: set[int] = set()
    for article_id, claim in claims.items():
        if len(claim) == 1:
            kept.add(id(claim[0]))
            continue
        owner = next((page for page in claim if _path_id(page, site, root) == article_id), claim[0])
        kept.add(id(owner))
        for page in claim:
            if page is owner:
                continue
            where = _display(owner, root)
            if _path_id(owner, site, root) == article_id and _path_id(page, site, root) != article_id:
                message = f"id {article_id!r} is the path of {where}, which keeps it; this file is skipped"
            else:
                message = f"duplicate id {article_id!r} (also in {where}); skipped"
            problems.append(Problem(_display(page, root), 1, message))
    return [page for page in pages if id(page) in kept]


def _placed(page: Article, labels: dict[str, Article]) -> Article:
    """The branch folders between the page's section and the page: their labels and weights."""
    folders = _folders(page.id)[1:]  # the top folder is the section itself
    if page.site is not None and page.site.kind == "page" and page.id in labels:
        folders = [folder for folder in folders if folder != page.id]  # a branch read as a page
    names = [labels[folder].title for folder in folders if folder in labels and labels[folder].title]
    weights = tuple(labels[folder].site.weight if folder in labels else 0 for folder in folders)  # type: ignore[union-attr]
    if not names and not any(weights):
        return page
    info = page.site or PageInfo()
    place = PLACE_SEPARATOR.join(names)
    order = (*weights, info.weight)
    versions = tuple(
        with_fields(version, site=replace(version.site or PageInfo(), place=place, order=order))
        for version in info.variants
    )
    return with_fields(page, site=replace(info, place=place, order=order, variants=versions))


def _sections(config: Config, pages: list[Article], labels: dict[str, Article]) -> list[Section]:
    sections = [Section(s.id, clean_line(s.label), s.front_page) for s in config.sections]
    if not any(s.front_page for s in sections):
        label = "全部" if config.path is None and not config.site.generator else "All"
        sections.insert(0, Section("", label, front_page=True))
    weighted = {page.section for page in pages if page.site is not None and (page.site.weight or any(page.site.order))}
    found = sorted({page.section for page in pages} - {s.id for s in sections})
    found.sort(key=lambda folder: _section_weight(labels.get(folder)))
    result = []
    for section in sections:
        result.append(_described(section, labels.get(section.id), section.id in weighted))
    for folder in found:
        page = labels.get(folder)
        label = page.title if page is not None and page.title else clean_line(folder) or "(top level)"
        result.append(_described(Section(folder, label), page, folder in weighted))
    return result


def _section_weight(page: Article | None) -> tuple[float, str]:
    weight = page.site.weight if page is not None and page.site is not None else 0
    return (weight if weight > 0 else float("inf"), page.id if page is not None else "")


def _described(section: Section, page: Article | None, weighted: bool) -> Section:
    if section.front_page:
        return section
    sort_by = page.site.sort_by if page is not None and page.site is not None else ""
    order_by = sort_by or ("weight" if weighted else "date")
    description = (page.summary or page.subtitle) if page is not None else ""
    labels = tuple((version.lang, version.title) for version in page.versions if version.title) if page else ()
    if len(labels) < 2:
        labels = ()  # one language: the label says it all
    if order_by == section.order_by and not description and not labels:
        return section
    return replace(section, description=description, order_by=order_by, labels=labels)


def _languages(pages: list[Article], site: Site) -> tuple[str, ...]:
    found = {version.lang for page in pages if page.site is not None for version in page.versions if version.lang}
    return tuple(sorted(found, key=lambda tag: _rank(tag, site)))
