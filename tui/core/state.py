"""What Newsroom remembers for the reader between runs (e.g. the last script mode).

State is a nicety: a missing, unreadable or corrupt file reads as empty, and a
failed save is logged and reported by a False return, never raised. The file
lives in the platform's user state dir (on Linux `$XDG_STATE_HOME/newsroom`,
default `~/.local/state/newsroom`) and is written atomically so a crash or a
second Newsroom never leaves half a file.
"""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Any

from tui.core.durable import replace_file
from tui.core.user_dirs import state_dir as user_state_dir

log = logging.getLogger(__name__)

MAX_STATE_BYTES = 1024 * 1024  # anything bigger is not ours


def state_path(state_dir: Path | None = None) -> Path:
    """The state file: in `state_dir` (`--state-dir`) if given, else the user state dir."""
    return Path(state_dir or user_state_dir()) / "state.json"


def load_state(path: Path | None = None) -> dict[str, Any]:
    """The saved state, or {} when there is none or it cannot be used."""
    path = path or state_path()
    try:
        with path.open("rb") as file:
            raw = file.read(MAX_STATE_BYTES + 1)
        if len(raw) > MAX_STATE_BYTES:
            raise ValueError("state file too large")
        data = json.loads(raw.decode("utf-8"))
    except FileNotFoundError:
        return {}
    except (OSError, ValueError) as error:  # ValueError covers bad JSON and bad UTF-8
        log.warning("ignoring state file %s: %s", path, error)
        return {}
    return data if isinstance(data, dict) else {}


def save_state(data: dict[str, Any], path: Path | None = None) -> bool:
    """Write `data` atomically with mode 0600; False (and a log line) if that failed."""
    path = path or state_path()
    text = json.dumps(data, ensure_ascii=False, indent=2, sort_keys=True)  # a bad value is a bug: raise
    try:
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        replace_file(path, text + "\n", ".state-")
        return True
    except OSError as error:
        log.warning("could not save state to %s: %s", path, error)
        return False


def update_state(path: Path | None = None, **changes: Any) -> bool:
    """Load, change some keys, save: keeps keys other parts of the app wrote."""
    data = load_state(path)
    data.update(changes)
    return save_state(data, path)
