"""A stylesheet that parses each piece of CSS once per process.

Textual parses an app's CSS (its file, and each widget class's DEFAULT_CSS as the class is first
mounted) into a cache of the app's own stylesheet, so every app parses it all again: about 20 ms
of CPU. A server's warm parent forks an app per visitor; with this stylesheet a visitor's app
finds what the parent parsed when it rehearsed one (tui/serve/warm.py), in memory shared
copy-on-write. Parsed rules depend on the CSS variables (the theme's colours), so they are kept
by variables as well as by source. (Textual's `reparse`, on a change of theme, builds a plain
Stylesheet: that parse is not shared, and is no less correct.)
"""

from __future__ import annotations

from typing import ClassVar

from textual.css.model import RuleSet
from textual.css.stylesheet import CSSLocation, Stylesheet


class SharedStylesheet(Stylesheet):
    _parsed: ClassVar[dict[tuple, list[RuleSet]]] = {}

    def __init__(self, *, variables: dict[str, str] | None = None) -> None:
        super().__init__(variables=variables)
        self._variables_key = _key(variables)

    def set_variables(self, variables: dict[str, str]) -> None:
        super().set_variables(variables)
        self._variables_key = _key(variables)

    def _parse_rules(
        self,
        css: str,
        read_from: CSSLocation,
        is_default_rules: bool = False,
        tie_breaker: int = 0,
        scope: str = "",
    ) -> list[RuleSet]:
        key = (css, read_from, is_default_rules, tie_breaker, scope, self._variables_key)
        rules = self._parsed.get(key)
        if rules is None:
            rules = super()._parse_rules(css, read_from, is_default_rules, tie_breaker, scope)
            self._parsed[key] = rules
        return rules


def _key(variables: dict[str, str] | None) -> tuple:
    return tuple(sorted((variables or {}).items()))
