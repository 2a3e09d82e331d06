"""Chinese text: CJK ranges, script conversion, presentation, line breaking, search folding and pinyin. Never imports Textual."""
