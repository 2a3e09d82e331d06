"""Command-palette entries for the app's own commands."""

from __future__ import annotations

from functools import partial

from textual.command import DiscoveryHit, Hit, Hits, Provider

from tui.chinese.script import ScriptMode
from tui.core.languages import language_name
from tui.core.text import clean_line
from tui.ui.screens.links import LinksScreen
from tui.ui.screens.script_chooser import DESCRIPTIONS


class NewsroomCommands(Provider):
    def _commands(self):
        app = self.app
        for mode in ScriptMode:
            yield (f"Script: {mode.label} {mode.value}", partial(app.set_script_mode, mode), DESCRIPTIONS[mode])
        yield ("Script: choose...", app.action_choose_script, "pick a display script")
        for tag in app.newsroom.languages if app.newsroom is not None else ():
            yield (
                f"Language: {clean_line(language_name(tag))} {clean_line(tag)}",
                partial(app.set_language, tag),
                "show pages in this language where they have it",
            )
        if app.newsroom is not None and app.newsroom.languages:
            yield ("Language: by script", partial(app.set_language, None), "the script mode picks each page's language")
        yield ("Show original text", app.action_toggle_original, "toggle the original of what is on screen")
        browse = app.browse
        yield ("Mark read / unread", browse.action_toggle_read, "the highlighted or open article")
        yield ("Mark the section read", browse.action_mark_section_read, "every article of the section (undo offered)")
        yield ("Undo marking the section read", browse.action_undo_mark_read, "those articles are unread again")
        yield ("Only unread articles", browse.action_unread_only, "list only unread articles, and back")
        yield ("Save / unsave article", browse.action_toggle_saved, "keep the highlighted or open article in 收藏")
        yield ("Saved articles (收藏)", browse.show_saved, "the articles you saved, newest saved first")
        if app.kiosk is None:
            yield ("Copy a citation", browse.action_copy_citation, "title, byline, date, source and address")
            if isinstance(self.screen, LinksScreen):  # the palette opened over the links list
                yield ("Copy the link", self.screen.action_copy_link, "the link selected in the list")
        yield ("Problems", app.action_problems, "files that could not be used")
        yield ("Keys", app.action_help, "every key binding")

    async def discover(self) -> Hits:
        for name, callback, help_text in self._commands():
            yield DiscoveryHit(name, callback, help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for name, callback, help_text in self._commands():
            score = matcher.match(name)
            if score > 0:
                yield Hit(score, matcher.highlight(name), callback, help=help_text)
