"""How long the app takes to show a 300,000-bracket body, and whether keys wait for it.

Runs the app headless (Textual's test driver) on a content folder holding that
body and one ordinary article, opened with `--open`. Prints, per run: seconds from
starting the app until the reader shows the body, and the slowest a key took to
be handled meanwhile (scrolling the reader, once it shows the article's header).
Usage: python bench/hostile_open.py [runs] [closed]
("closed": 299,999 `[` then one `]`, the slowest shape left, about 8 s to parse.)
"""

from __future__ import annotations

import asyncio
import statistics
import sys
import tempfile
import time
from pathlib import Path

from tui.cli import build_app
from tui.ui.widgets.reader import Reader


def reader_text(app) -> str:
    reader = app.screen.query_one(Reader)
    return "".join("".join(s.text for s in reader.render_line(y)) for y in range(reader.size.height))


async def one_run(content: Path) -> tuple[float, float]:
    start = time.perf_counter()
    app = build_app(["--content", str(content), "--open", "news/brackets"])
    async with app.run_test(size=(100, 30)) as pilot:
        slowest_key = 0.0
        for _ in range(3000):
            if "[[[[[[[[" in reader_text(app):
                break
            if app.screen.query(Reader) and app.screen.query_one(Reader).article is not None:
                pressed = time.perf_counter()
                app.screen.query_one(Reader).focus()
                await pilot.press("down")
                slowest_key = max(slowest_key, time.perf_counter() - pressed)
            await pilot.pause(0.01)
        return time.perf_counter() - start, slowest_key


def main() -> None:
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 3
    body = "[" * 299_999 + "]" if sys.argv[2:] == ["closed"] else "[" * 300_000
    with tempfile.TemporaryDirectory() as folder:
        content = Path(folder)
        (content / "news").mkdir()
        (content / "news/brackets.md").write_text('+++\ntitle = "括號"\ndate = 2010-09-28\n+++\n' + body)
        (content / "news/plain.md").write_text('+++\ntitle = "正文"\ndate = 2010-09-27\n+++\n質量是基礎。\n')
        results = [asyncio.run(one_run(content)) for _ in range(runs)]
    opens = [r[0] for r in results]
    keys = [r[1] for r in results]
    print(f"open to body shown: median {statistics.median(opens):.2f} s (min {min(opens):.2f}, max {max(opens):.2f})")
    print(f"slowest key meanwhile: median {statistics.median(keys) * 1000:.0f} ms (max {max(keys) * 1000:.0f} ms)")


if __name__ == "__main__":
    main()
