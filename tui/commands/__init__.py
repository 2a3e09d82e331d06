"""The shell commands that print and exit: list/show/search printing, check and import. Never import Textual."""
