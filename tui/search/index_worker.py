"""A worker process for a big index build: reads batches of files, sends back their rows.

Started by `tui.search.index` as `python -m tui.search.index_worker`, talking pickles over its
stdin and stdout: the config first, then one batch at a time. A separate
program rather than multiprocessing, so no caller's main module is re-imported
and nothing is forked from a threaded app.
"""

from __future__ import annotations

import pickle
import sys


def main() -> None:
    from tui.search.index import read_rows

    source, sink = sys.stdin.buffer, sys.stdout.buffer
    config = pickle.load(source)
    while True:
        try:
            batch = pickle.load(source)
        except EOFError:
            return
        pickle.dump(read_rows(config, batch), sink, protocol=pickle.HIGHEST_PROTOCOL)
        sink.flush()


if __name__ == "__main__":
    main()
