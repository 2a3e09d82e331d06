"""`newsroom watch`: keep the index fresh, so quick lookups answer without walking the folder.

Runs in the foreground until ctrl+c (or SIGTERM, as a service manager stops it).
While it runs, `newsroom search`, `show` and `list` ask it to catch up instead of
stat-ing every content file; when it stops, they walk again. See tui/search/keeper.py.
"""

from __future__ import annotations

import signal
import sys

from tui.core.config import Config
from tui.core.errors import EXIT_NOTHING, print_error
from tui.core.walk_rules import CONTENT_SUFFIXES
from tui.search.freshness import scan
from tui.search.index import IndexUnavailable, SearchIndex
from tui.search.keeper import Keeper, KeeperError, walk_stamp


def _progress(done: int, total: int) -> None:
    if sys.stderr.isatty():
        print(f"\rnewsroom: indexing {done:,}/{total:,} files", end="", file=sys.stderr, flush=True)


def keeper_for(config: Config, index: SearchIndex) -> Keeper:
    """A keeper of `index`, walking the folder the way `config` says."""

    def update(listing) -> str:
        index.update(_progress, listing=listing)
        digest = index.listing_digest()
        if digest is None:
            raise IndexUnavailable("the index is not usable")
        return digest

    return Keeper(
        config.content_dir,
        index.path,
        walk_stamp(config.content_dir, config.site, config.allow_outside_links),
        scan=lambda: scan(config.content_dir, config.site),
        update=update,
        suffixes=tuple(CONTENT_SUFFIXES),
    )


def run(config: Config) -> int:
    index = SearchIndex.open(config)
    if index.path is None:
        return print_error("the search index cannot be kept on disk (see the cache dir), so there is nothing to keep")
    keeper = keeper_for(config, index)
    try:
        keeper.start()
    except KeeperError as error:
        index.close()
        return print_error(str(error), EXIT_NOTHING)
    except KeyboardInterrupt:
        index.close()
        print(file=sys.stderr)
        return 130
    if sys.stderr.isatty():
        print("\r\x1b[K", end="", file=sys.stderr)
    count = len(keeper.listing.files) if keeper.listing is not None else 0
    print(
        f"newsroom: keeping the index of {config.content_dir} fresh ({count:,} files); "
        "lookups answer without walking it. ctrl+c stops.",
        file=sys.stderr,
        flush=True,
    )
    signal.signal(signal.SIGTERM, lambda *_: keeper.stop())
    try:
        keeper.run()
    except KeyboardInterrupt:
        pass
    except KeeperError as error:  # e.g. a new folder past the system's watch limit
        return print_error(f"{error}; stopped, lookups walk the folder again", EXIT_NOTHING)
    finally:
        index.close()
    print("newsroom: stopped; lookups walk the folder again.", file=sys.stderr)
    return 0


__all__ = ["keeper_for", "run"]
