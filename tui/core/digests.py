"""sha256 and blake2b without loading hashlib: hashlib loads OpenSSL (2 ms) at import, and a
lookup makes a few short digests (file names, keys, the listing's). CPython's own
implementations give the same digests; a Python built without them uses hashlib's."""

from __future__ import annotations

try:
    from _blake2 import blake2b
except ImportError:  # pragma: no cover - a CPython built without its own hashes
    from hashlib import blake2b

try:
    from _sha2 import sha256  # Python 3.12 on
except ImportError:
    try:
        from _sha256 import sha256  # Python 3.10 and 3.11
    except ImportError:  # pragma: no cover
        from hashlib import sha256

__all__ = ["blake2b", "sha256"]
