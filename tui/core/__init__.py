"""The core: config, the article model, loading, documents, state and text cleaning. Never imports Textual."""
