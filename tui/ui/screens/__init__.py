"""Screens: each decides what its widgets show, in answer to their messages."""
