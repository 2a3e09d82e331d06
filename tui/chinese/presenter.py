"""Content text as it is shown in a script mode: one place for the app and the CLI.

Each article's script is detected once, from its headline fields, so its title,
list row and body all convert the same way; its own glossary rules are merged
once with the newsroom's.
"""

from __future__ import annotations

from tui.chinese.script import Glossary, ScriptConverter, ScriptMode, SourceScript, detect_script
from tui.core.model import Article


class Presenter:
    def __init__(self, converter: ScriptConverter, mode: ScriptMode = ScriptMode.ORIGINAL) -> None:
        self.converter = converter
        self.mode = mode
        self._sources: dict[str, SourceScript | None] = {}
        self._glossaries: dict[str, Glossary] = {}

    def __call__(self, text: str, article: Article | None = None) -> str:
        mode = self.mode
        if mode is ScriptMode.ORIGINAL or not text:
            return text
        if article is None:
            return self.converter.convert(text, mode)
        return self.converter.convert(text, mode, self._source(article), self._glossary(article))

    def _source(self, article: Article) -> SourceScript | None:
        """None when the headline tells nothing: each text is then detected on its own."""
        if article.id not in self._sources:
            source = detect_script(" ".join((article.title, article.subtitle, article.summary, article.caption)))
            self._sources[article.id] = None if source is SourceScript.NONE else source
        return self._sources[article.id]

    def _glossary(self, article: Article) -> Glossary | None:
        if not article.glossary:
            return None
        if article.id not in self._glossaries:
            self._glossaries[article.id] = self.converter.glossary_for(article.glossary)
        return self._glossaries[article.id]
