"""A walking lookup's head start: its walkers forked before anything is imported.

A lookup that no `newsroom watch` keeps waits for its freshness walk (search/freshness.py).
The walk needs the content dir and the site's walk rules, and those take the config to
know: about 40 ms of imports into every lookup. So the content dir and rules each command
line resolved to are remembered in the cache dir, and the next lookup with that command
line forks its walkers from them first thing (tui/launch.py). The CLI takes that walk only
if the config it then resolves names the same dir and rules; otherwise the walk is killed
and a new one begins, so a stale or damaged plan costs time, never a wrong answer.
"""

from __future__ import annotations

import os

from tui.core.sealed import read_sealed, write_sealed
from tui.core.user_dirs import cache_dir
from tui.core.walk_rules import WalkRules
from tui.search.freshness import Listing, Walk

PLANS_NAME = "walk-plans.sealed"
MAX_PLANS = 32  # command lines remembered, the latest kept
MAX_BYTES = 1 << 20  # a plans file past this is not ours: ignored, then replaced
# Below this many files one walker is done before the imports are (10,000: ~40 ms), and a
# second would only take a core from them; above it the walk is the longer, and shared.
ONE_WALKER = 20_000

Plan = tuple  # (content dir, WalkRules, walkers)


def plan_key(config: str | None, content: str | None) -> str:
    """What decides the content dir besides the config files: the working directory (a
    relative path, ./config.toml), $NEWSROOM_CONFIG, --config and --content. (Raises
    OSError if the working directory is gone.)"""
    return "\0".join((os.getcwd(), os.environ.get("NEWSROOM_CONFIG", ""), config or "", content or ""))


def walkers_for(files: int) -> int:
    """How many processes should walk this many files."""
    return 1 if files < ONE_WALKER else min(2, os.cpu_count() or 1)


def _plans_path() -> str:
    return os.path.join(cache_dir(), PLANS_NAME)


def _is_strings(value, size: int | None = None) -> bool:
    return isinstance(value, tuple) and all(type(item) is str for item in value) and size in (None, len(value))


def _valid(plan) -> bool:
    """(content dir, (language dirs, underscored folders, languages), walkers), as stored."""
    if type(plan) is not tuple or len(plan) != 3 or type(plan[1]) is not tuple or len(plan[1]) != 3:
        return False
    content_dir, (language_dirs, underscored, languages), walkers = plan
    return (
        type(content_dir) is str
        and isinstance(language_dirs, tuple)
        and all(_is_strings(pair, 2) for pair in language_dirs)
        and _is_strings(underscored)
        and _is_strings(languages)
        and type(walkers) is int
        and 1 <= walkers <= 2
    )


def read_plans() -> dict[str, Plan]:
    """The plans remembered, the latest last; none if the file is missing, damaged or not ours."""
    try:
        plans = read_sealed(_plans_path(), MAX_BYTES)
    except (OSError, ValueError):
        return {}
    if not isinstance(plans, dict):
        return {}
    return {
        key: (plan[0], WalkRules(*plan[1]), plan[2]) for key, plan in plans.items() if type(key) is str and _valid(plan)
    }


def write_plan(key: str, plan: Plan) -> None:
    """Keep this command line's plan (best effort: a lookup never fails for want of it)."""
    plans = {k: (d, tuple(r), w) for k, (d, r, w) in read_plans().items() if k != key}
    content_dir, rules, walkers = plan
    plans[key] = (content_dir, tuple(rules), walkers)
    plans = dict(list(plans.items())[-MAX_PLANS:])
    path = _plans_path()
    try:
        os.makedirs(os.path.dirname(path), mode=0o700, exist_ok=True)
        write_sealed(path, plans)
    except (OSError, ValueError):
        pass


class HeadStart:
    """The walk a lookup began from its command line's plan, if it had one."""

    def __init__(self, config: str | None, content: str | None) -> None:
        try:
            self.key: str | None = plan_key(config, content)
        except OSError:  # no working directory: the lookup meets that itself
            self.key = None
        self.plan: Plan | None = read_plans().get(self.key) if self.key else None
        # (forked or not at all: a thread could not be stopped, were the plan stale)
        self._walk = Walk(self.plan[0], self.plan[1], parts=self.plan[2], thread=False) if self.plan else None
        self._taken: Plan | None = None

    def walk(self, content_dir: str | os.PathLike, site) -> Walk:
        """The walk of `content_dir` by `site`'s rules: the one begun if it is that walk,
        otherwise a new one (and the one begun is given up)."""
        content_dir, rules = os.fspath(content_dir), WalkRules.of(site)
        if self._walk is not None and self.plan[:2] == (content_dir, rules) and not self._walk.given_up:
            walk, self._walk = self._walk, None
        else:
            self.cancel()
            walk = Walk(content_dir, rules)
        self._taken = (content_dir, rules)
        return walk

    def walked(self, listing: Listing | None) -> None:
        """Remember what this command line walked, and how many walkers suit it, if that
        is news (a failed walk: the walkers are left as they were)."""
        if self.key is None or self._taken is None:
            return
        walkers = walkers_for(listing.count) if listing else (self.plan[2] if self.plan else 1)
        plan = (*self._taken, walkers)
        if plan != self.plan:
            write_plan(self.key, plan)
            self.plan = plan

    def cancel(self) -> None:
        """Give up the walk begun, unless it was taken (a lookup that stopped early, or a kept one)."""
        if self._walk is not None:
            self._walk.cancel()
            self._walk = None


__all__ = ["HeadStart", "plan_key", "read_plans", "walkers_for", "write_plan"]
