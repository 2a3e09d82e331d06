"""Generate a synthetic newsroom for benchmarks: N articles in both scripts.

    python bench/generate.py 10000 [--out DIR] [--seed 1]

The vocabulary comes from the seed page (a real Traditional Chinese news page)
and its OpenCC-simplified form; about half the articles are written in each
script. Sentences vary in length, and a few Latin words, numbers and
regional-vocabulary pairs (软件 / 軟體) are sprinkled in so every kind of
query has something to find. Output is deterministic for a given seed.
Generated corpora live under bench/corpora/ (git-ignored): never commit them.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import re
import shutil
import sys
from pathlib import Path

import opencc

BENCH_DIR = Path(__file__).resolve().parent
SEED_TEXT = Path("/work/shared/seed/000_f59391d5d2b02854.txt")
FALLBACK_TEXT = (  # used when the seed page is not on this machine
    "王岐山在質量工作座談會上指出質量是基礎安全是底線抓好質量工作是永恒的主題。"
    "要按照科學發展觀的要求堅持以人為本走質量強國之路努力提高質量管理水平。"
)
SECTIONS = [
    ("news", "要聞"),
    ("economy", "經濟"),
    ("quality", "質量"),
    ("meetings", "會議"),
    ("statements", "論述"),
    ("regions", "地方"),
    ("world", "國際"),
    ("photos", "圖片"),
]
SURNAMES = "王李張劉陳楊黃趙吳周徐孫馬朱胡郭何高林羅鄭梁謝宋唐許韓馮鄧曹彭曾蕭田董潘袁蔡蔣余"
GIVEN = "偉芳娜敏靜麗強磊軍洋勇艷傑濤明超秀霞平剛桂英華建國志紅文輝玉蘭鵬飛雲龍海燕"
AGENCIES = ["新華社記者", "本報記者", "本報訊", "中新社記者", "特約記者"]
LATIN = ["GDP", "WTO", "CPI", "ISO 9001", "iPhone", "Internet", "APEC", "5G", "AI", "PM2.5"]
# Traditional (Taiwan) forms; the simplified articles get the mainland words via s2t/t2s.
REGIONAL = ["軟體", "網路", "資訊", "計程車", "硬碟", "印表機", "滑鼠", "影片"]


def vocabulary() -> list[str]:
    """Words of 2-4 characters cut from the seed page's runs of Chinese text."""
    text = SEED_TEXT.read_text(encoding="utf-8") if SEED_TEXT.exists() else FALLBACK_TEXT
    text = re.sub(r"\([a-zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜü]+\)", "", text)  # pinyin left in the page
    words: list[str] = []
    cut = random.Random(0)
    for run in re.findall(r"[\u4e00-\u9fff]+", text):
        position = 0
        while position < len(run) - 1:
            size = cut.choice((2, 2, 2, 3, 4))
            words.append(run[position : position + size])
            position += size
    return [word for word in words if len(word) >= 2]


class Writer:
    def __init__(self, seed: int):
        self.rng = random.Random(seed)
        self.words = vocabulary()
        self.t2s = opencc.OpenCC("t2s", include_tofu_risk_dictionaries=False)
        self.tw2sp = opencc.OpenCC("tw2sp", include_tofu_risk_dictionaries=False)
        self.tags = sorted({w for w in self.words if len(w) >= 3})[:80] or self.words[:80]

    def sentence(self) -> str:
        rng = self.rng
        clauses = []
        for _ in range(rng.choice((1, 2, 2, 3, 4))):
            words = [rng.choice(self.words) for _ in range(rng.randint(2, 7))]
            roll = rng.random()
            if roll < 0.06:
                words.insert(rng.randrange(len(words) + 1), f"{rng.randint(2, 2024)}年")
            elif roll < 0.09:
                words.insert(rng.randrange(len(words) + 1), " " + rng.choice(LATIN) + " ")
            elif roll < 0.11:
                words.insert(rng.randrange(len(words) + 1), rng.choice(REGIONAL))
            clauses.append("".join(words))
        text = "，".join(clauses) + rng.choice("。。。。！？")
        if rng.random() < 0.05:
            text = "“" + text[:-1] + "”。"
        return text

    def paragraph(self) -> str:
        return "".join(self.sentence() for _ in range(self.rng.randint(1, 6)))

    def body(self) -> str:
        rng = self.rng
        target = int(rng.triangular(250, 2600, 800))
        parts: list[str] = []
        size = 0
        while size < target:
            roll = rng.random()
            if roll < 0.05:
                part = "## " + "".join(rng.choice(self.words) for _ in range(rng.randint(2, 4)))
            elif roll < 0.09:
                part = "**" + self.sentence() + "**"
            else:
                part = self.paragraph()
            parts.append(part)
            size += len(part)
        return "\n\n".join(parts)

    def byline(self) -> str:
        rng = self.rng
        name = rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.randint(1, 2)))
        return f"{rng.choice(AGENCIES)} {name}"

    def article(self, number: int) -> tuple[str, str]:
        """(relative path, file text) of one article."""
        rng = self.rng
        section = rng.choice(SECTIONS)[0]
        title = "".join(rng.choice(self.words) for _ in range(rng.randint(3, 7)))
        if rng.random() < 0.05:
            title += " " + rng.choice(LATIN)
        day = dt.date(2005, 1, 1) + dt.timedelta(days=rng.randrange(20 * 365))
        date = (
            day.isoformat()
            if rng.random() < 0.7
            else f"{day.isoformat()}T{rng.randrange(24):02d}:{rng.randrange(60):02d}:00+08:00"
        )
        fields = {
            "title": title,
            "subtitle": self.sentence()[:-1] if rng.random() < 0.3 else "",
            "byline": self.byline(),
            "source": rng.choice(("新華社", "本報", "中新社", "")),
            "summary": self.sentence() if rng.random() < 0.4 else "",
            "tags": rng.sample(self.tags, rng.randint(0, 4)),
        }
        body = self.body()
        if rng.random() < 0.5:  # half the newsroom writes Simplified
            convert = self.t2s.convert
            fields = {k: [convert(t) for t in v] if isinstance(v, list) else convert(v) for k, v in fields.items()}
            body = self.tw2sp.convert(body)  # mainland vocabulary too: 軟體 -> 软件
        lines = ["+++", f"title = {toml_string(fields['title'])}", f"date = {date}"]
        for key in ("subtitle", "byline", "source", "summary"):
            if fields[key]:
                lines.append(f"{key} = {toml_string(fields[key])}")
        if fields["tags"]:
            lines.append("tags = [" + ", ".join(toml_string(t) for t in fields["tags"]) + "]")
        lines += ["+++", "", body, ""]
        return f"{section}/{day.year}/a{number:06d}.md", "\n".join(lines)


def toml_string(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def config_text() -> str:
    lines = [
        "[newsroom]",
        'title = "基準新聞"',
        'content_dir = "content"',
        "",
        "[[sections]]",
        'id = "latest"',
        'label = "最新"',
        "front_page = true",
        "",
    ]
    for section_id, label in SECTIONS:
        lines += ["[[sections]]", f'id = "{section_id}"', f'label = "{label}"', ""]
    return "\n".join(lines)


def generate(count: int, out: Path, seed: int = 1) -> Path:
    """Write `count` articles and a config.toml under `out` (replacing it)."""
    if out.exists():
        shutil.rmtree(out)
    content = out / "content"
    writer = Writer(seed)
    made: set[Path] = set()
    for number in range(count):
        rel, text = writer.article(number)
        path = content / rel
        if path.parent not in made:
            path.parent.mkdir(parents=True, exist_ok=True)
            made.add(path.parent)
        path.write_text(text, encoding="utf-8")
    (out / "config.toml").write_text(config_text(), encoding="utf-8")
    (out / ".complete").write_text(f"{count} {seed}\n")  # marks a finished corpus
    return out


def default_dir(count: int) -> Path:
    return BENCH_DIR / "corpora" / str(count)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("count", type=int, help="number of articles, e.g. 1000, 10000, 100000")
    parser.add_argument("--out", type=Path, help="output dir (default bench/corpora/<count>)")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    out = generate(args.count, args.out or default_dir(args.count), args.seed)
    print(f"wrote {args.count} articles to {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
