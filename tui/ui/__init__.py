"""The Textual app: the app, its stylesheet, command palette, screens and widgets."""
