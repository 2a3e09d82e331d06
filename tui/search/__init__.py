"""Search: query parsing, the index store and ranking. Never imports Textual."""
