"""A hostile content directory: every kind of bad input the app must survive.

Shared by the Pilot test (what the widgets show) and the end-to-end test
(the raw bytes that reach a real terminal).
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

ESC = "\x1b"
# Sequences that would act if they reached a terminal.
INJECTIONS = {
    "esc": ESC + "c",
    "osc52": ESC + "]52;c;cHduZWQ=" + "\x07",
    "osc0": ESC + "]0;PWNED-TITLE" + "\x07",
    "osc8": ESC + "]8;;http://evil.example/" + ESC + "\\" + "link" + ESC + "]8;;" + ESC + "\\",
    "csi2j": ESC + "[2J",
    "c1csi": "\x9b" + "31m",
    "nul": "\x00",
}
MARKUP = ["[@click=app.quit]x[/]", "[ @click=app.screenshot('a.svg','/tmp')]", "[B]", "[/", "[$accent]"]
BIDI = "\u202e\u2066\u200b\u200d\ufeff"
# The injected sequences as a terminal would receive them: none may ever be written.
# (Their printable remnants, such as "PWNED-TITLE", may show as plain text.)
FORBIDDEN_OUTPUT = [b"\x1b]52;c;cHduZWQ=", b"\x1b]0;PWNED", b"\x1b]8;;http://evil", b"\xc2\x9b31m", b"\x1bc"]


def toml_escape(text: str) -> str:
    """A TOML basic string holding `text` exactly (control characters as \\u escapes)."""
    out = []
    for char in text:
        if char in '"\\':
            out.append("\\" + char)
        elif ord(char) < 0x20 or 0x7F <= ord(char) <= 0x9F:
            out.append(f"\\u{ord(char):04x}")
        else:
            out.append(char)
    return '"' + "".join(out) + '"'


@dataclass
class HostileCorpus:
    root: Path
    good_titles: list[str] = field(default_factory=list)  # as they must be shown (cleaned)
    bad_files: list[str] = field(default_factory=list)  # relative paths that must be problems


def _article(path: Path, front: dict[str, str], body: str | bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    head = "+++\n" + "".join(f"{key} = {value}\n" for key, value in front.items()) + "+++\n"
    data = head.encode("utf-8") + (body if isinstance(body, bytes) else body.encode("utf-8"))
    path.write_bytes(data)


def build_hostile_corpus(root: Path, huge: bool = True) -> HostileCorpus:
    corpus = HostileCorpus(root)
    poison = "".join(INJECTIONS.values())
    # Control sequences in every front-matter field and in the body.
    fields = {key: toml_escape(f"{key}{poison}質量") for key in ("subtitle", "byline", "source", "caption", "summary")}
    _article(
        root / "news" / "escapes.md",
        {"title": toml_escape(f"注入{poison}標題"), **fields, "tags": "[" + toml_escape(poison) + "]"},
        f"正文{poison}結束\n",
    )
    # What is left once the control characters are gone: inert printable text.
    corpus.good_titles.append("注入c]52;c;cHduZWQ=]0;PWNED-TITLE]8;;http://evil.example/\\link]8;;\\[2J31m標題")
    # Markup and action links in every field.
    for number, markup in enumerate(MARKUP):
        fields = {key: toml_escape(markup) for key in ("subtitle", "byline", "source", "caption", "summary")}
        _article(
            root / "news" / f"markup{number}.md",
            {"title": toml_escape(f"{markup}標記{number}"), **fields},
            f"{markup} 正文 {markup}\n",
        )
        corpus.good_titles.append(f"{markup}標記{number}")
    # Bidi overrides and zero-width characters in titles.
    _article(root / "news" / "bidi.md", {"title": toml_escape(f"{BIDI}雙向{BIDI}文字")}, "正文\n")
    corpus.good_titles.append("雙向文字")
    # Emoji that Rich measures as sequences (a heart with VS16, a ZWJ family) beside wide characters.
    emoji = "❤\ufe0f質量👨\u200d👩\u200d👧 "
    _article(
        root / "news" / "emoji.md",
        {"title": toml_escape(f"表情{emoji}符號")},
        (emoji * 40) + "\n\n" + ("質量" * 60) + "\n",
    )
    corpus.good_titles.append(f"表情{emoji.replace(chr(0x200D), '')}符號")
    # Sheer size.
    if huge:
        _article(root / "big" / "huge-body.md", {"title": '"巨大正文"'}, "質量" * 5_000_000 + "\n")
        corpus.good_titles.append("巨大正文")
        _article(root / "big" / "huge-title.md", {"title": toml_escape("長" * 500_000)}, "正文\n")
        corpus.good_titles.append("長" * 2000)
    _article(
        root / "big" / "many-tags.md",
        {"title": '"很多標籤"', "tags": "[" + ",".join(f'"t{i}"' for i in range(10_000)) + "]"},
        "正文\n",
    )
    corpus.good_titles.append("很多標籤")
    # Files that cannot be used.
    (root / "bad").mkdir(parents=True, exist_ok=True)
    _article(root / "bad" / "nested.md", {"title": '"深"', "deep": "[" * 5000 + "]" * 5000}, "x\n")
    (root / "bad" / "binary.md").write_bytes(bytes(range(256)) * 4)
    (root / "bad" / "invalid-utf8.md").write_bytes(b'+++\ntitle = "\xff\xfe"\n+++\nbody\n')
    (root / "bad" / "gbk.md").write_bytes('+++\ntitle = "質量"\n+++\n質量是基礎\n'.encode("gbk"))
    (root / "bad" / "empty.md").write_bytes(b"")
    corpus.bad_files += ["bad/nested.md", "bad/binary.md", "bad/invalid-utf8.md", "bad/gbk.md", "bad/empty.md"]
    # Only front matter: loads, with a warning.
    _article(root / "bad" / "only-front.md", {"title": '"只有前言"'}, "")
    corpus.good_titles.append("只有前言")
    # A symlink loop and a dangling link.
    os.symlink(root / "loop", root / "loop", target_is_directory=True)
    os.symlink(root / "news", root / "news" / "again", target_is_directory=True)
    os.symlink(root / "nowhere.md", root / "bad" / "dangling.md")
    corpus.bad_files.append("bad/dangling.md")
    return corpus
