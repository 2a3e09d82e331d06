"""The `newsroom` command: opens the app, or answers a quick lookup and exits.

`build_app()` is the one factory that turns command-line words into an app;
the tests use it too, so they start the app exactly as a user does.
"""

from __future__ import annotations

import argparse
import os
import re
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from tui import __version__
from tui.core.config import SCRIPT_MODES, locked, resolve_config
from tui.core.errors import EXIT_NOTHING, NewsroomError, is_output_error, output_failed, print_error
from tui.core.records import replace

if TYPE_CHECKING:
    from tui.commands.parse_ahead import ParseAhead
    from tui.search.head_start import HeadStart


def _add_common(parser: argparse.ArgumentParser, suppress: bool = False) -> None:
    """Options every command takes, exactly as the app does."""
    default = argparse.SUPPRESS if suppress else None
    parser.add_argument(
        "--config",
        metavar="PATH",
        default=default,
        help="config file (default: $NEWSROOM_CONFIG, ./config.toml, the user config, then the sample)",
    )
    parser.add_argument(
        "--content",
        metavar="DIR",
        default=default,
        help="open a content directory directly; sections come from its folders",
    )
    parser.add_argument(
        "--script",
        metavar="MODE",
        choices=SCRIPT_MODES,
        default=default,
        help=f"display script: {', '.join(SCRIPT_MODES)}",
    )


class _HelpFormatter(argparse.HelpFormatter):
    """argparse's, its width found without importing shutil (every lookup makes its formatters)."""

    def __init__(self, prog: str, indent_increment: int = 2, max_help_position: int = 24, width=None) -> None:
        from tui.commands.styled import terminal_columns

        width = terminal_columns() - 2 if width is None else width  # (as argparse sets it)
        super().__init__(prog, indent_increment, max_help_position, width)


class _Parser(argparse.ArgumentParser):
    """argparse, but a failed write of --help or --version to standard output is the output's
    error (argparse drops it: `newsroom --help >/dev/full` said nothing and exited 0), and no
    option is taken by a prefix of its name: the walk a lookup begins before argparse is even
    imported reads --config and --content by their whole names (tui/launch.py)."""

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("allow_abbrev", False)  # (the commands' parsers are made by this class too)
        kwargs.setdefault("formatter_class", _HelpFormatter)
        super().__init__(*args, **kwargs)

    def _print_message(self, message: str, file=None) -> None:
        if message and file is not None and file is sys.stdout:
            file.write(message)
        else:
            super()._print_message(message, file)


def make_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="newsroom",
        description="Browse a newsroom's articles by keyboard, in either Chinese script. "
        "With no command, opens the app.",
    )
    parser.add_argument("--version", action="version", version=f"newsroom {__version__}")
    _add_common(parser)
    parser.add_argument("--open", metavar="ID", help="start on this article")
    parser.add_argument(
        "--kiosk",
        action="store_true",
        help="locked demo mode: no quit, no state written, back to the front page when idle",
    )
    parser.add_argument(
        "--no-watch",
        action="store_true",
        help="do not follow the content folder: changes show at the next start (also [newsroom] watch = false)",
    )
    parser.add_argument(
        "--state-dir",
        metavar="DIR",
        type=Path,
        help="keep what is remembered (read and saved articles, the script) in DIR, not the user state dir; "
        "a kiosk given one keeps read and saved articles there (serve ssh gives each visitor's key its own)",
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    listing = commands.add_parser("list", help="print a section's articles, newest first")
    listing.add_argument("section", nargs="?", help="section id (default: the front page)")
    listing.add_argument("--limit", type=_count, default=None, metavar="N", help="at most N articles")
    listing.add_argument("--json", action="store_true", help="print JSON for scripts")
    listing.add_argument("--unread", action="store_true", help="only articles not read in the app yet")
    listing.add_argument(
        "--saved", action="store_true", help="only articles saved in the app (收藏), newest saved first"
    )
    listing.add_argument(
        "--state-dir", metavar="DIR", type=Path, default=argparse.SUPPRESS, help="the app's --state-dir, if it had one"
    )
    _add_common(listing, suppress=True)

    search = commands.add_parser("search", help="print ranked search hits (exit status 1 when nothing matches)")
    search.add_argument(
        "query",
        nargs="*",
        help='words (all must match), "a phrase", -not, section:ID, tag:X, by:NAME, since:/until:YYYY-MM-DD',
    )
    search.add_argument("--limit", type=_count, default=20, metavar="N", help="at most N hits (default 20)")
    search.add_argument("--section", metavar="ID", help="search only this section")
    search.add_argument("--json", action="store_true", help="print JSON for scripts")
    _add_common(search, suppress=True)

    show = commands.add_parser("show", help="print one article")
    show.add_argument("id", help="the article's id, as `newsroom list` prints it")
    show.add_argument("--json", action="store_true", help="print JSON for scripts")
    _add_common(show, suppress=True)

    watch = commands.add_parser(
        "watch",
        help="keep the search index fresh while it runs, so lookups answer without walking the folder (Linux)",
    )
    _add_common(watch, suppress=True)

    importing = commands.add_parser("import", help="turn scraped news pages (text or HTML) into content files")
    importing.add_argument("paths", nargs="+", metavar="PATH", help="scraped pages (.txt or .html), or folders of them")
    importing.add_argument(
        "--section", required=True, metavar="ID", help="section to import into (its folder under the content dir)"
    )
    importing.add_argument(
        "--out", metavar="DIR", help="content directory to write to (default: the config's content_dir)"
    )
    importing.add_argument(
        "--year", type=_year, metavar="YYYY", help="year for dates the page gives as month and day only"
    )
    importing.add_argument("--dry-run", action="store_true", help="show what would be written; write nothing")
    importing.add_argument("--force", action="store_true", help="overwrite files that already exist")
    _add_common(importing, suppress=True)

    check = commands.add_parser("check", help="validate the config and every content file")
    check.add_argument("--json", action="store_true", help="print a JSON list of {path, line, severity, message}")
    check.add_argument(
        "--strict",
        action="store_true",
        help="also list front-matter keys that Newsroom, Hugo and Zola do not define (a theme's own, or typos)",
    )
    _add_common(check, suppress=True)

    serve = commands.add_parser("serve", help="offer the newsroom to others, kiosk-locked: over ssh or in a browser")
    servers = serve.add_subparsers(dest="server", metavar="SERVER", required=True)
    ssh = servers.add_parser(
        "ssh", help="an SSH server: each visitor gets a locked newsroom of their own, never a shell"
    )
    ssh.add_argument("--host", default="127.0.0.1", help="address to listen on (default: 127.0.0.1)")
    ssh.add_argument("--port", type=int, default=2222, help="port to listen on (default: 2222)")
    ssh.add_argument(
        "--host-key", metavar="PATH", help="ed25519 host key, made on first run (default: in the user data dir)"
    )
    ssh.add_argument(
        "--authorized-keys", metavar="PATH", help="admit only these public keys (default: anyone, no password)"
    )
    ssh.add_argument(
        "--login-timeout", type=float, default=30, metavar="S", help="seconds allowed to log in (default: 30)"
    )
    web = servers.add_parser("web", help="a web server: the newsroom in a browser, through textual-serve")
    web.add_argument("--host", default="127.0.0.1", help="address to listen on (default: 127.0.0.1)")
    web.add_argument("--port", type=int, default=8000, help="port to listen on (default: 8000)")
    web.add_argument(
        "--public-url",
        metavar="URL",
        help="the address browsers use, e.g. behind a proxy "
        "(default: http://HOST:PORT); websockets from any other origin are refused",
    )
    for server in (ssh, web):
        server.add_argument("--max-sessions", type=int, default=32, metavar="N", help="visitors at once (default: 32)")
        server.add_argument(
            "--max-per-address",
            type=int,
            default=4,
            metavar="N",
            help="sessions at once from one address, 0 for no limit (default: 4)",
        )
        server.add_argument(
            "--per-ip-per-minute",
            type=int,
            default=20,
            metavar="N",
            help="new connections from one address a minute, 0 for no limit (default: 20)",
        )
        server.add_argument(
            "--idle-timeout",
            type=float,
            default=600,
            metavar="S",
            help="end a session after S seconds without input (default: 600)",
        )
        server.add_argument(
            "--max-session",
            type=float,
            default=3600,
            metavar="S",
            help="end any session after S seconds (default: 3600)",
        )
        _add_common(server, suppress=True)
    return parser


def _count(text: str) -> int:
    try:
        count = int(text)
    except ValueError:
        count = -1
    if count < 0:
        raise argparse.ArgumentTypeError(f"{text!r} is not a count (0, 1, 2 ...)")
    return count


def _year(text: str) -> int:
    if not re.fullmatch(r"\d{4}", text) or not 1900 <= int(text) <= 2199:
        raise argparse.ArgumentTypeError(f"{text!r} is not a year such as 2010")
    return int(text)


def _refuse_shortened_options(parser: argparse.ArgumentParser, argv: Sequence[str]) -> None:
    """An option shortened to a prefix of its name (`--cont`) is refused with the name meant:
    argparse alone would take it for an unknown word and complain about the next one."""
    parsers, names = [parser], set()
    while parsers:
        current = parsers.pop()
        names.update(current._option_string_actions)
        for action in current._actions:
            if isinstance(action, argparse._SubParsersAction):
                parsers.extend(action.choices.values())
    for word in argv:
        name = word.partition("=")[0]
        if word == "--":
            return
        meant = sorted(known for known in names if known.startswith(name)) if name.startswith("--") else []
        if name not in names and meant:
            parser.error(f"unrecognized option {name}: did you mean {' or '.join(meant)}? (spell options out)")


def _parse(argv: Sequence[str]) -> argparse.Namespace:
    """Parse the command line; a search's `-term` exclusions are query words, not options."""
    parser = make_parser()
    _refuse_shortened_options(parser, argv)
    args, unknown = parser.parse_known_args(list(argv))
    if (
        unknown
        and args.command == "search"
        and all(word.startswith("-") and not word.startswith("--") for word in unknown)
    ):
        args.query = [*(args.query or []), *unknown]
    elif unknown:
        parser.error(f"unrecognized arguments: {' '.join(unknown)}")
    return args


def build_app(argv: Sequence[str] = ()):
    """Parse `argv` and build the app it describes (raises ConfigError)."""
    from tui.chinese.script import initial_mode, load_glossary
    from tui.ui.app import NewsroomApp  # the UI loads only when the app is wanted

    parser = make_parser()
    _refuse_shortened_options(parser, argv)
    args = parser.parse_args(list(argv))
    config = resolve_config(args.config, args.content)
    kiosk = replace(config.kiosk, enabled=True) if args.kiosk else config.kiosk
    if kiosk.enabled:
        config = locked(config)  # a kiosk never reads files linked from outside the content dir
    from tui.core.state import load_state, state_path  # the app's own state: lookups never read it

    remembered = None if kiosk.enabled else load_state(state_path(args.state_dir)).get("script")
    script = initial_mode(args.script, remembered, config.script, os.environ)
    return NewsroomApp(
        config,
        open_id=args.open,
        script=script,
        glossary=load_glossary(config),
        kiosk=kiosk,
        watch=config.watch and not args.no_watch,
        state_dir=args.state_dir,
    )


def _printer():
    """Where a lookup prints (not Rich's console: ~40 ms to import, a third of a kept lookup)."""
    from tui.commands.styled import Printer

    return Printer()


def _console():
    """Rich's console, for `check` and `import`."""
    from rich.console import Console

    # Piped output is not wrapped at some guessed width: one record a line.
    return Console(highlight=False, markup=False, emoji=False, width=None if sys.stdout.isatty() else 4096)


def _lookup(
    args: argparse.Namespace, head_start: HeadStart | None = None, parse_ahead: ParseAhead | None = None
) -> int:
    """The commands that print an answer and exit, without starting the UI.

    OpenCC loads only if the script or the query needs it, the search and
    pinyin tables come from the cache dir, and the freshness walk runs while
    the modules import (issue 12, "Quick lookups").
    """
    # `show` parses the body in a child that loads markdown-it meanwhile (on the core the walk
    # leaves idle), unless it is loaded already (`newsroom watch`'s warm process). The child
    # is forked first thing by tui/launch.py, else here.
    wanted = args.command == "show" and not args.json and "tui.core.document" not in sys.modules
    if parse_ahead is not None and not wanted:
        parse_ahead.cancel()
        parse_ahead = None
    elif parse_ahead is None and wanted:
        from tui.commands.parse_ahead import ParseAhead

        parse_ahead = ParseAhead.begin()
    try:
        return _lookup_with(args, head_start, parse_ahead)
    finally:
        if parse_ahead is not None:
            parse_ahead.cancel()


def _lookup_with(args: argparse.Namespace, head_start: HeadStart | None, parse_ahead) -> int:
    from tui.search.freshness import Walk
    from tui.search.keeper import ask_keeper, walk_stamp
    from tui.search.sharing import default_path

    config = resolve_config(args.config, args.content)
    # A running `newsroom watch` vouches for the index: no walk at all.
    kept = ask_keeper(
        default_path(config.content_dir), walk_stamp(config.content_dir, config.site, config.allow_outside_links)
    )
    # Otherwise walk beside the imports below: the walk begun already if it walks this content dir.
    walk = None
    if kept is None:
        walk = head_start.walk(config.content_dir, config.site) if head_start else Walk(config.content_dir, config.site)
    elif head_start:
        head_start.cancel()
    try:
        # (imported here, not in `_answer`, so that they load while the walk runs)
        import tui.commands.lookup  # noqa: F401
        import tui.core.loader  # noqa: F401

        if args.command == "show" and not args.json and parse_ahead is None:
            import tui.core.document  # noqa: F401 - markdown-it, to lay the body out: ~20 ms
        from tui.chinese.presenter import Presenter
        from tui.chinese.script import ScriptConverter, initial_mode, load_glossary
        from tui.search.index import IndexUnavailable, SearchIndex
        from tui.search.stored import lookup_newsroom

        script = initial_mode(args.script, None, config.script, os.environ)
        present = Presenter(ScriptConverter(load_glossary(config)), script)
        index = SearchIndex.open(config)
        with index:
            # At 100,000 files the walk outlasts the imports by ~150 ms: answer from the index
            # as it stands meanwhile, and send that answer if the walk then changes nothing.
            early = _early_answer(args, config, index, present, parse_ahead) if walk and walk.pending() else None
            if kept is None or kept != index.listing_digest():
                listing = walk.result() if walk else None  # None: not walked, or the walk failed
                if head_start and walk:
                    head_start.walked(listing)
                index.update(listing=listing)
            walk = listing = None  # (its lines, 5 MB at 100,000 files, are not needed beside a search)
            if early is not None and not early.holds(index.listing_digest()):
                early.drop()
                early = None
            if early is None:
                try:  # the few rows printed, from the assembled newsroom kept beside the index
                    newsroom = lookup_newsroom(config, index.path, index.listing_digest(), index.newsroom)
                except IndexUnavailable:  # found damaged after the update: build a new one
                    index.update()
                    newsroom = index.newsroom()
                newsroom = newsroom.view(present.variant, present.label)  # each page in the language the mode picks
            for note in index.notes:  # the shell's user is the operator: paths and errors included
                print(f"newsroom: {note.full}", file=sys.stderr)
            return early.send() if early is not None else _answer(args, config, index, newsroom, present, parse_ahead)
    finally:
        if walk is not None:  # stopped before it took the walk: its walkers are killed, not left walking
            walk.cancel()


SPOOL_LIMIT = 4 << 20  # bytes of an early answer kept in memory; the rest waits in a temporary file


class _EarlyAnswer:
    """A lookup's answer worked out from the index as it stood: its exit status, standard output
    (a `Spool`) and standard error, true while the index's listing digest stays `digest` and
    no scheduled page appears or goes (at `changes_at`)."""

    def __init__(self, digest: str, changes_at, status: int, out, err: str) -> None:
        self.digest, self.changes_at, self.status, self.out, self.err = digest, changes_at, status, out, err

    def holds(self, digest: str | None) -> bool:
        import datetime as dt

        return digest == self.digest and (self.changes_at is None or dt.datetime.now(dt.timezone.utc) < self.changes_at)

    def send(self) -> int:
        sys.stderr.write(self.err)
        self.out.send(sys.stdout)
        return self.status

    def drop(self) -> None:
        self.out.close()


def _early_answer(args: argparse.Namespace, config, index, present, parse_ahead) -> _EarlyAnswer | None:
    """The answer from the index as it stands, or None where there is none to have so cheaply:
    no usable index, no stored newsroom, anything raised (the lookup then answers as always,
    and meets the error itself); nor where it would read more than the index: the reading
    state (`--unread`, `--saved`), or a closed standard error (`2>&-`: then messages go to
    standard output)."""
    import contextlib
    import io

    from tui.commands.styled import Printer, Spool
    from tui.search.stored import lookup_newsroom

    if sys.stderr is None or getattr(args, "unread", False) or getattr(args, "saved", False):
        return None
    digest = index.listing_digest()
    if digest is None:
        return None

    def not_stored():
        raise LookupError("no stored newsroom for this index")

    real = _printer()
    out, err = Spool(sys.stdout, SPOOL_LIMIT), io.StringIO()
    try:
        with contextlib.redirect_stderr(err):
            newsroom = lookup_newsroom(config, index.path, digest, not_stored).view(present.variant, present.label)
            console = Printer(out, real.is_terminal, real.width, real.styles)
            status = _answer(args, config, index, newsroom, present, parse_ahead, console)
    except Exception:  # noqa: BLE001 - the error the lookup will meet and tell
        out.close()
        return None
    return _EarlyAnswer(digest, newsroom.changes_at, status, out, err.getvalue())


def _answer(args: argparse.Namespace, config, index, newsroom, present, parse_ahead=None, console=None) -> int:
    """The lookup's answer, printed (to `console`, else standard output), from the up-to-date
    index and the newsroom it holds."""
    from tui.chinese.script import ScriptMode
    from tui.commands import lookup
    from tui.core.loader import ContentError, load_body
    from tui.core.model import ListingRows

    console = console or _printer()
    if args.command == "search":
        return _search(args, index, newsroom, present, console)
    if args.command == "list":
        section = args.section if args.section is not None else newsroom.front_page.id
        if newsroom.section(section) is None:
            known = ", ".join(s.id or '""' for s in newsroom.sections)
            return print_error(f"no section {section!r} (sections: {known})")
        filtered = args.unread or args.saved
        if args.json or filtered or present.mode is not ScriptMode.ORIGINAL:  # whole articles
            articles = newsroom.articles_in(section, limit=None if filtered else args.limit)
            articles = lookup.read_filter(articles, config, args.unread, args.saved, args.state_dir)[: args.limit]
            if args.json:
                lookup.print_json(console, [lookup.article_record(a, newsroom, present) for a in articles])
                return 0 if articles else 1
            listing = ListingRows.of(lookup.listing_rows(articles, present))
        else:  # what is printed of them, as written, and no more
            listing = newsroom.listing(section, args.limit)
        if not listing.count:
            what = " ".join(["unread"] * args.unread + ["saved"] * args.saved + ["articles"])
            print(f"newsroom: no {what} in section {section!r}", file=sys.stderr)
            return EXIT_NOTHING
        lookup.print_articles(console, listing, newsroom, present)
        return 0
    article = newsroom.article(args.id)
    if article is None:
        print(f"newsroom: no article with id {args.id!r} (try `newsroom list`)", file=sys.stderr)
        return EXIT_NOTHING
    try:
        body = load_body(article, config)
    except (ContentError, OSError) as error:
        print(f"newsroom: {args.id}: cannot read: {error}", file=sys.stderr)
        return EXIT_NOTHING
    if args.json:
        record = lookup.article_record(article, newsroom, present)
        record["body"] = present(body, article)
        lookup.print_json(console, record)
    else:
        from tui.commands.parse_ahead import parse_body

        lookup.print_article(console, article, parse_body(body, parse_ahead), newsroom, present)
    return 0


def _search(args: argparse.Namespace, index, newsroom, present, console) -> int:
    from tui.commands import lookup
    from tui.search.query import parse_query

    query = parse_query(" ".join(args.query))
    if query.is_empty:
        if query.warnings:  # since:9999-99-99 alone: say what was wrong with it
            return print_error("; ".join(query.warnings))
        return print_error("give words to search for, e.g. newsroom search 質量")
    for warning in query.warnings:
        print(f"newsroom: {warning}", file=sys.stderr)
    hits = index.search(query, limit=args.limit, section=args.section)
    hits = [hit for hit in hits if newsroom.article(hit.article_id)]  # not section pages or hidden ones
    if args.json:
        lookup.print_json(console, [lookup.hit_record(hit, newsroom, present) for hit in hits])
    elif hits:
        lookup.print_hits(console, hits, newsroom, present, query.highlight_terms())
    else:
        print("newsroom: no matches", file=sys.stderr)
    return 0 if hits else 1


def _serve(args: argparse.Namespace) -> int:
    """`newsroom serve ssh|web`: runs until ctrl+c. Its modules load only here: they need the `serve` extra."""
    try:
        if args.server == "ssh":
            from tui.serve.ssh import run
        else:
            from tui.serve.web import run
    except ImportError as error:
        return print_error(f"serving needs the optional dependencies: pip install 'newsroom[serve]' ({error})")
    return run(args)


def main(
    argv: Sequence[str] | None = None, head_start: HeadStart | None = None, parse_ahead: ParseAhead | None = None
) -> int:
    """The `newsroom` command; `head_start` and `parse_ahead`: a lookup's walk, and `show`'s
    parser, begun before the imports (tui/launch.py)."""
    argv = list(sys.argv[1:] if argv is None else argv)
    try:
        args = _parse(argv)
        if args.command == "serve":
            return _serve(args)
        if args.command == "watch":
            from tui.commands import keeping

            return keeping.run(resolve_config(args.config, args.content))
        if args.command in ("import", "check"):
            # Loaded only here: opening the app does not pay for them.
            if args.command == "import":
                from tui.commands import importer as command
            else:
                from tui.commands import checker as command
            return command.run(args, _console())
        if args.command:
            return _lookup(args, head_start, parse_ahead)
        app = build_app(argv)
    except NewsroomError as error:
        return print_error(error, error.exit_status)
    except OSError as error:  # `newsroom search 質量 | head`: the reader has what it wanted; or a full disk
        if not is_output_error(error):
            raise
        return output_failed(error)
    if not sys.stdout.isatty() or not sys.stdin.isatty() or os.environ.get("TERM") == "dumb":
        return print_error(
            "the app needs an interactive terminal (TERM is dumb, or input or output is not a terminal).\n"
            "For answers in the shell use: newsroom list [SECTION], newsroom show ID (see newsroom --help)."
        )
    encoding = (sys.stdout.encoding or "").lower().replace("-", "").replace("_", "")
    if encoding != "utf8":
        return print_error(
            f"the terminal's locale encoding is {sys.stdout.encoding}, which cannot show Chinese text.\n"
            "Use a UTF-8 locale, e.g. LANG=C.UTF-8 newsroom (or zh_TW.UTF-8, zh_CN.UTF-8)."
        )
    app.run()
    if app.kiosk is not None and app.return_code:
        print("Newsroom stopped unexpectedly.", file=sys.stderr)
    return app.return_code or 0
