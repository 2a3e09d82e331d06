"""The digests a lookup makes without loading hashlib (tui/core/digests.py) are hashlib's."""

from __future__ import annotations

import hashlib

from tui.core.digests import blake2b, sha256


def test_the_digests_are_hashlibs():
    for data in (b"", "王岐山在質量工作座談會上指出".encode(), bytes(range(256)) * 40):
        assert sha256(data).hexdigest() == hashlib.sha256(data).hexdigest()
        assert blake2b(data, digest_size=16).hexdigest() == hashlib.blake2b(data, digest_size=16).hexdigest()
        fed = blake2b(digest_size=16)
        fed.update(data[:7])
        fed.update(data[7:])
        assert fed.hexdigest() == hashlib.blake2b(data, digest_size=16).hexdigest()
