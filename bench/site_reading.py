"""What reading content files costs per file, and what assembling the newsroom costs.

    python bench/site_reading.py CONTENT_DIR [--runs 7]

Times `loader.read_article` over every content file (front matter, keys,
location: the per-file work of a cold index build) and `loader.assemble` over
the loaded articles (the work of every warm start), in CPU time of this
process, so other processes on a shared machine disturb it less than wall
time. Prints the median and the spread. Runs against older checkouts too
(their loader took a content dir rather than a config).
"""

from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path

from tui.core import config, loader


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("content", type=Path)
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    loaded = config.for_content_dir(args.content)
    source = loaded if hasattr(loaded, "site") else loaded.content_dir  # older loaders
    paths = list(loader.iter_content_files(source))
    reads = []
    for _ in range(args.runs):
        start = time.process_time()
        for path in paths:
            loader.read_article(source, path)
        reads.append((time.process_time() - start) / len(paths) * 1e6)
    articles = loader.load_newsroom(loaded).articles
    assembles = []
    for _ in range(args.runs):
        start = time.process_time()
        loader.assemble(loaded, list(articles), [])
        assembles.append((time.process_time() - start) * 1e3)
    print(f"{len(paths)} files, {len(articles)} articles, {args.runs} runs (CPU time)")
    print(f"read_article: median {statistics.median(reads):.0f} us/file (min {min(reads):.0f}, max {max(reads):.0f})")
    print(
        f"assemble:     median {statistics.median(assembles):.1f} ms (min {min(assembles):.1f}, max {max(assembles):.1f})"
    )


if __name__ == "__main__":
    main()
