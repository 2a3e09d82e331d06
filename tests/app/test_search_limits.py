"""Hostile searches cost a bounded amount and always answer."""

from __future__ import annotations

from textual.widgets import Input

from tests.app.conftest import sample_app, started, status, until
from tui.ui.screens.search import SearchScreen


async def test_a_pasted_thousand_letter_query_answers():
    app = sample_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await started(app, pilot)
        await pilot.press("slash")
        assert isinstance(app.screen, SearchScreen)
        app.screen.query_one(Input).value = "a" * 1000  # as a paste delivers it: at once
        # Was "Searching..." for ever: the pinyin reading recursed once a letter.
        await until(pilot, lambda: "0 results" in status(app))
        assert "first 256 characters" in status(app)
