"""newsboat reading the same articles, for comparison: feeds built from a corpus, and
the cost of its actions measured exactly as `app_timing.action_costs` measures ours.

newsboat is installed with apt by the benchmark when it is missing (never in CI):

    python bench/newsboat.py bench/corpora/10000
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import subprocess
import sys
import time
from email.utils import format_datetime
from pathlib import Path
from xml.sax.saxutils import escape

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from tests.e2e.terminal import Terminal  # noqa: E402

from app_timing import KEYS, _ReadLog, log_reads, respond, summarise  # noqa: E402


def ensure_newsboat() -> str:
    """The newsboat binary; installed with apt (as root, outside CI) if missing."""
    found = shutil.which("newsboat")
    if found:
        return found
    if os.environ.get("CI"):
        raise RuntimeError("newsboat is not installed (the benchmark installs it, CI never does)")
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    subprocess.run(["apt-get", "install", "-y", "-q", "newsboat"], check=True, env=env, stdout=subprocess.DEVNULL)
    return shutil.which("newsboat") or "newsboat"


def write_feeds(corpus: Path, cache: Path, out: Path) -> list[Path]:
    """One RSS file per section of the corpus (newest first), bodies as HTML paragraphs."""
    os.environ["XDG_CACHE_HOME"] = str(cache)
    from tui.core import config
    from tui.core.loader import load_body
    from tui.search.index import SearchIndex

    with SearchIndex.open(config.load(corpus / "config.toml")) as index:
        index.refresh()
        newsroom = index.newsroom()
    out.mkdir(parents=True, exist_ok=True)
    feeds = []
    for section in newsroom.sections:
        if section.front_page:
            continue
        items = []
        for article in newsroom.articles_in(section.id):
            paragraphs = [line for line in load_body(article).split("\n\n") if line.strip()]
            body = "".join(f"<p>{escape(p)}</p>" for p in paragraphs)
            date = ""
            if article.date is not None:
                when = (
                    article.date
                    if isinstance(article.date, dt.datetime)
                    else dt.datetime(*article.date.timetuple()[:3])
                )
                date = f"<pubDate>{format_datetime(when.replace(tzinfo=when.tzinfo or dt.timezone.utc))}</pubDate>"
            items.append(
                f"<item><title>{escape(article.title)}</title><guid>{escape(article.id)}</guid>"
                f"<author>{escape(article.byline or '')}</author>{date}"
                f"<description>{escape(body)}</description></item>"
            )
        path = out / f"{section.id}.xml"
        path.write_text(
            '<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel>'
            f"<title>{escape(section.label)}</title><link>http://localhost/{section.id}</link>"
            f"<description>{escape(section.label)}</description>{''.join(items)}</channel></rss>",
            encoding="utf-8",
        )
        feeds.append(path)
    return feeds


def prepare(corpus: Path, cache: Path, work: Path) -> list[str]:
    """Feeds, urls, config and a warm cache; returns the command that starts newsboat."""
    binary = ensure_newsboat()
    feeds = write_feeds(corpus, cache, work / "feeds")
    (work / "urls").write_text("".join(f"file://{path}\n" for path in feeds))
    (work / "config").write_text("show-read-feeds yes\nshow-read-articles yes\nmax-items 0\nconfirm-exit no\n")
    command = [binary, "-u", str(work / "urls"), "-c", str(work / "cache.db"), "-C", str(work / "config")]
    subprocess.run([*command, "-x", "reload"], check=True, stdout=subprocess.DEVNULL, env=_env())
    return command


def _env() -> dict[str, str]:
    return dict(os.environ, LANG="C.UTF-8", LC_ALL="C.UTF-8")


# The same reader's walk as NEWSROOM_WALK, in newsboat's keys: the feed list is the
# section menu, the article list the list, and the article view the reader (newsboat
# shows one at a time: there is no pane switch and no preview).
NEWSBOAT_WALK: list[tuple[str, str]] = [
    ("open a section (enter)", KEYS["enter"]),
    *[("row move (down)", KEYS["down"])] * 4,
    *[("row move (up)", KEYS["up"])] * 4,
    ("20 moves typed ahead (down x 20)", KEYS["down"] * 20),
    ("20 moves typed ahead (up x 20)", KEYS["up"] * 20),
    ("open an article (enter)", KEYS["enter"]),
    *[("page down (pagedown)", KEYS["pagedown"])] * 3,
    *[("next article (J)", "J")] * 2,
    *[("previous article (K)", "K")] * 2,
    ("back to the list (q)", "q"),
    ("open help (?)", "?"),
    ("close help (q)", "q"),
    ("open search (/)", "/"),
    ("search keystroke", "質"),
    ("search keystroke", "量"),
    ("close search (escape)", KEYS["escape"]),
    ("back to the feeds (q)", "q"),
]


def action_costs(corpus: Path, cache: Path, work: Path, rounds: int = 3, cols: int = 120, rows: int = 35) -> dict:
    command = prepare(corpus, cache, work)
    samples: dict[str, list] = {}
    with Terminal(command, cols=cols, rows=rows, env=_env()) as terminal:
        log: _ReadLog = log_reads(terminal)
        terminal.wait_for("要聞", timeout=60)
        time.sleep(1.0)
        for _ in range(rounds):
            for action, keys in NEWSBOAT_WALK:
                samples.setdefault(action, []).append(respond(terminal, log, keys))
        pid = terminal.process.pid
        rss = int(
            next(
                line for line in Path(f"/proc/{pid}/status").read_text().splitlines() if line.startswith("VmHWM")
            ).split()[1]
        )
    return {"actions": summarise(samples), "memory": {"peak_rss_mb": round(rss / 1024, 1)}}


if __name__ == "__main__":
    import json
    import tempfile

    corpus = Path(sys.argv[1])
    with tempfile.TemporaryDirectory(prefix="newsboat-bench-") as work:
        print(json.dumps(action_costs(corpus, Path(work) / "cache", Path(work)), indent=1, ensure_ascii=False))
