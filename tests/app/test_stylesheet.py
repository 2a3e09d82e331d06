"""The stylesheet each app shares with the others in its process (tui/ui/stylesheet.py): a warm
parent's apps parse no CSS the parent parsed, and never take rules made with other variables."""

from __future__ import annotations

import textual.css.stylesheet
from textual.color import Color

from tests.app.conftest import sample_app, started
from tui.ui.stylesheet import SharedStylesheet


async def walk(app) -> None:
    async with app.run_test(size=(120, 35)) as pilot:
        await started(app, pilot)
        await pilot.press("slash")  # a screen of its own, with widgets of its own
        await pilot.pause()


async def test_a_second_app_in_the_process_parses_no_css(monkeypatch):
    await walk(sample_app("--kiosk"))
    parsed: list[str] = []
    real_parse = textual.css.stylesheet.parse

    def parse(scope, css, *args, **options):
        parsed.append(css)
        return real_parse(scope, css, *args, **options)

    monkeypatch.setattr(textual.css.stylesheet, "parse", parse)
    second = sample_app("--kiosk")
    await walk(second)
    assert parsed == []
    assert isinstance(second.stylesheet, SharedStylesheet)


def test_rules_are_kept_by_the_variables_they_were_parsed_with():
    def colour(variables: dict[str, str]) -> Color:
        stylesheet = SharedStylesheet(variables=variables)
        stylesheet.add_source("Widget { color: $ink; }", read_from=("test", "ink"))
        stylesheet.parse()
        (rule,) = stylesheet.rules
        return rule.styles.color

    assert colour({"ink": "red"}) == Color.parse("red")
    assert colour({"ink": "blue"}) == Color.parse("blue")  # not the red rules parsed first
    stylesheet = SharedStylesheet(variables={"ink": "red"})
    stylesheet.set_variables({"ink": "green"})  # what a theme change does, then a reparse
    stylesheet.add_source("Widget { color: $ink; }", read_from=("test", "ink"))
    stylesheet.parse()
    assert stylesheet.rules[0].styles.color == Color.parse("green")
