"""Widgets: each with one job, announcing what happened with messages."""
