"""The binding ids users may remap in config.toml's [keys]: the one list.

The app's bindings, the README's list and `[keys]` validation are all checked
against it, so a typo in config is an error and a new key cannot go undocumented.
"""

from __future__ import annotations

BINDING_IDS: dict[str, str] = {
    "quit": "quit",
    "help": "this list of keys",
    "cycle_script": "cycle the script",
    "choose_script": "choose any script",
    "choose_language": "choose a language for pages written in several",
    "show_original": "show the original text, and back",
    "problems": "the Problems view",
    "search": "search",
    "next_pane": "next pane",
    "previous_pane": "previous pane",
    "back": "back a pane",
    "open": "open the section or article",
    "page_down": "page down in the reader",
    "page_up": "page up in the reader",
    "previous_article": "previous article, from the reader",
    "next_article": "next article, from the reader",
    "next_match": "next search match",
    "previous_match": "previous search match",
    "links": "the article's links",
    "toggle_read": "mark the article read or unread",
    "mark_section_read": "mark the section read",
    "undo_mark_read": "undo marking the section read",
    "unread_only": "only unread articles, and back",
    "toggle_saved": "save or unsave the article",
    "copy_citation": "copy a citation of the article",
    "close_search": "leave search",
    "search_scope": "search only the current section, and back",
    "close_links": "close the links list",
    "copy_link": "copy the selected link",
    "close_problems": "close the Problems view",
    "close_help": "close help",
    "close_script_chooser": "close the script chooser",
    "close_language_chooser": "close the language chooser",
}

__all__ = ["BINDING_IDS"]
