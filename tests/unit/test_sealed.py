"""Sealed marshal data (tui/core/sealed.py): what the cache dir keeps is checked before
marshal reads it, since marshal.loads can crash the interpreter on damaged bytes."""

from __future__ import annotations

import marshal
import os
import random
import subprocess
import sys

import pytest

from tests.conftest import MARSHAL_CRASH, ROOT
from tui.core.sealed import read_sealed, seal, unseal

VALUES = [None, 0, -(10**30), 1.5, "", "質量工作座談會", b"\xff", ("a", ("b", 2)), ["x", None], {"k": (1, "一")}]


@pytest.mark.parametrize("value", VALUES)
def test_what_is_sealed_is_unsealed_whole(value):
    assert unseal(seal(value)) == value and type(unseal(seal(value))) is type(value)


def test_the_crashing_bytes_crash_marshal_itself():
    """The bytes the damage tests use do crash an unguarded read (else those tests prove nothing)."""
    code = f"import marshal; marshal.loads({MARSHAL_CRASH!r})"
    assert subprocess.run([sys.executable, "-c", code], capture_output=True).returncode < 0


def test_bytes_that_were_never_sealed_are_refused_before_marshal_sees_them(monkeypatch):
    def refuse(_data):
        raise AssertionError("marshal read unchecked bytes")

    sealed = seal(("質量", 1))
    monkeypatch.setattr(marshal, "loads", refuse)
    for damage in (MARSHAL_CRASH, b"", sealed[:3], sealed[:7], marshal.dumps(("質量", 1)), seal(1)[:-1]):
        with pytest.raises(ValueError):
            unseal(damage)


def test_any_one_byte_changed_or_cut_is_refused():
    sealed = seal({"key": ("/content", (("en", "english"),), 2)})
    rng = random.Random(12)
    for position in range(len(sealed)):
        damaged = bytearray(sealed)
        damaged[position] ^= rng.randrange(1, 256)
        with pytest.raises(ValueError):
            unseal(bytes(damaged))
        with pytest.raises(ValueError):
            unseal(sealed[:position])


def test_an_older_newsroom_reading_sealed_bytes_unsealed_gets_none():
    """Cache files are shared between versions: an older one's marshal.loads must not crash."""
    assert marshal.loads(seal(MARSHAL_CRASH)) is None


def test_sealing_imports_next_to_nothing():
    """The head start seals its plans before the lookup's imports."""
    code = "import sys; before = set(sys.modules); import tui.core.sealed; print(*sorted(set(sys.modules) - before))"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True)
    assert set(done.stdout.split()) <= {"__future__", "binascii", "tui", "tui.core", "tui.core.sealed"}


def test_a_sealed_file_is_read_whole_if_it_is_a_regular_file_of_at_most_its_size(tmp_path):
    path = tmp_path / "table"
    path.write_bytes(seal(("質量", 1)))
    assert read_sealed(path, 100) == ("質量", 1)
    with pytest.raises(ValueError):
        read_sealed(path, len(seal(("質量", 1))) - 1)  # larger than a file of ours can be
    with pytest.raises(FileNotFoundError):
        read_sealed(tmp_path / "missing", 100)
    with pytest.raises(ValueError):
        read_sealed(tmp_path, 100)  # a folder


def test_a_fifo_in_place_of_a_sealed_file_is_refused_at_once(tmp_path):
    """Not waited on: no writer ever comes, and every lookup would hang (found by review)."""
    fifo = tmp_path / "walk-plans.sealed"
    os.mkfifo(fifo)
    code = f"from tui.core.sealed import read_sealed\ntry:\n    read_sealed({str(fifo)!r}, 100)\nexcept ValueError:\n    print('refused')"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=30)
    assert done.stdout == "refused\n", done.stderr
