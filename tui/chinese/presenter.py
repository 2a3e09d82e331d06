"""Content text as it is shown in a script mode: one place for the app and the CLI.

Each article's script is detected once, from its headline fields, so its title,
list row and body all convert the same way; its own glossary rules are merged
once with the newsroom's.

A page written in several languages shows the authored variant that fits the
mode (`variant`) before anything is converted, and text that is not Chinese is
never converted: by its variant's language tag (the loader tags untagged
Japanese and Korean text by its kana and hangul), or, for a headline or label,
by its own kana and hangul (Japanese 書き込む and 千葉 stay as written).
"""

from __future__ import annotations

from tui.chinese.script import Glossary, ScriptConverter, ScriptMode, SourceScript, detect_script
from tui.core.languages import fits, is_chinese, not_chinese, pick
from tui.core.model import Article, Section, with_fields

_NOT_CHINESE = object()  # an article whose text is never converted


class Presenter:
    def __init__(self, converter: ScriptConverter, mode: ScriptMode = ScriptMode.ORIGINAL) -> None:
        self.converter = converter
        self.mode = mode
        self.variant_mode: ScriptMode | None = None  # the mode that picks variants (None: `mode`)
        self.language: str | None = None  # a language the reader chose; None: the mode decides
        self._sources: dict[tuple[str, str], object] = {}
        self._glossaries: dict[str, Glossary] = {}

    def __call__(self, text: str, article: Article | None = None) -> str:
        mode = self.mode
        if mode is ScriptMode.ORIGINAL or not text:
            return text
        if article is None:
            return text if not_chinese(text) else self.converter.convert(text, mode)
        source = self._source(article)
        if source is _NOT_CHINESE or (article.lang and fits(article.lang, mode.value)):
            return text  # not Chinese, or an authored variant already in this script
        return self.converter.convert(text, mode, source, self._glossary(article))  # type: ignore[arg-type]

    def variant(self, article: Article) -> Article:
        """The version of a page to show: the language chosen, else the one that fits the mode."""
        versions = article.versions
        if len(versions) == 1:
            return article
        mode = self.variant_mode or self.mode
        chosen = versions[pick([version.lang for version in versions], mode.value, self.language)]
        if chosen.id != article.id or chosen.section != article.section:
            # A translation with a slug of its own is still this page: read state, `[`/`]` and links follow the page's id.
            chosen = with_fields(chosen, id=article.id, section=article.section)
        return chosen

    def label(self, section: Section) -> str:
        """A section's label in the language its pages are shown in (as `variant` picks)."""
        if not section.labels:
            return section.label
        mode = self.variant_mode or self.mode
        return section.labels[pick([lang for lang, _ in section.labels], mode.value, self.language)][1]

    def _source(self, article: Article) -> SourceScript | None | object:
        """None when the headline tells nothing: each text is then detected on its own."""
        key = (article.id, article.lang)  # a page's variants share its id
        if key not in self._sources:
            headline = " ".join((article.title, article.subtitle, article.summary, article.caption))
            if not is_chinese(article.lang) or (not article.lang and not_chinese(headline)):
                self._sources[key] = _NOT_CHINESE
            else:
                source = detect_script(headline)
                self._sources[key] = None if source is SourceScript.NONE else source
        return self._sources[key]

    def _glossary(self, article: Article) -> Glossary | None:
        if not article.glossary:
            return None
        if article.id not in self._glossaries:
            self._glossaries[article.id] = self.converter.glossary_for(article.glossary)
        return self._glossaries[article.id]
