"""Newsroom: a keyboard-driven terminal browser for a newsroom's articles."""

__version__ = "0.1.0"
