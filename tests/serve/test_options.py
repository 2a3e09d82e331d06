"""`newsroom serve ssh|web` options: read from the command line, checked before anything starts."""

from __future__ import annotations

import pytest

pytest.importorskip("asyncssh")
pytest.importorskip("textual_serve")

from tests.conftest import SAMPLE_CONFIG  # noqa: E402
from tui.cli import main, make_parser  # noqa: E402
from tui.serve import ssh, web  # noqa: E402


@pytest.mark.parametrize("server", [ssh, web], ids=["ssh", "web"])
def test_sessions_per_address_default_to_four_and_zero_means_no_limit(server):
    name = server.__name__.rsplit(".", 1)[1]
    read = lambda *extra: server.options_from_args(  # noqa: E731
        make_parser().parse_args(["serve", name, "--config", str(SAMPLE_CONFIG), *extra])
    )
    assert read().max_per_address == 4
    assert read("--max-per-address", "0").max_per_address == 0
    assert read("--max-per-address", "1").max_per_address == 1


@pytest.mark.parametrize("name", ["ssh", "web"])
def test_a_negative_share_is_refused_before_the_server_starts(name, capsys):
    assert main(["serve", name, "--config", str(SAMPLE_CONFIG), "--max-per-address", "-1"]) == 2
    assert "--max-per-address must be 0 (no limit) or more, not -1" in capsys.readouterr().err
