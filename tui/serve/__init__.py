"""Serving the newsroom to others: what SSH and web share, then each server."""
