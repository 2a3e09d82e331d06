"""How long hostile Markdown bodies take to parse and to print with `newsroom show`.

Prints one row per body: its shape, size, and the median (and spread) of
`parse_markdown` over several runs. Usage: python bench/hostile_bodies.py [runs]
"""

from __future__ import annotations

import statistics
import sys
import time

from tui.core.document import parse_markdown

SIZE = 300_000
BODIES = {
    "[ x300k": "[" * SIZE,
    "![ x150k": "![" * (SIZE // 2),
    "[^ x150k": "[^" * (SIZE // 2),
    "[ x150k then ] x150k": "[" * (SIZE // 2) + "]" * (SIZE // 2),
    "[ x299,999 then ]": "[" * (SIZE - 1) + "]",
    "[^ x150k then ]": "[^" * (SIZE // 2 - 1) + "]",
    "[a]( x100k": "[a](" * (SIZE // 4),
    "[a] x100k": "[a]" * (SIZE // 3),
    "* x300k": "*" * SIZE,
    "*a x150k": "*a" * (SIZE // 2),
    "_ x300k": "_" * SIZE,
    "` x300k": "`" * SIZE,
    "`a x150k": "`a" * (SIZE // 2),
    "< x300k": "<" * SIZE,
    "$ x300k": "$" * SIZE,
    "$a x150k": "$a" * (SIZE // 2),
    "~ x300k": "~" * SIZE,
    "~a x150k": "~a" * (SIZE // 2),
    "> x300k": ">" * SIZE,
    "- x150k lines": "-\n" * (SIZE // 2),
    "| x300k": "|" * SIZE,
    "|a|\\n x75k (table)": "|a|\n|-|\n" + "|a|\n" * (SIZE // 4 - 2),
    "www. x75k": "www." * (SIZE // 4),
    "http:// x40k": "http://" * (SIZE // 7),
    "a@ x150k": "a@" * (SIZE // 2),
    "{{< x100k": "{{<" * (SIZE // 3),
    "{{< n >}} x33k": "{{< n >}}" * (SIZE // 9),
    "{{% n %}} nested x16k": "{{% note %}}\n" * (SIZE // 24) + "{{% /note %}}\n" * (SIZE // 24),
    "{{ x( x100k": "{{ x(" * (SIZE // 5),
    "``` x75k lines": "```\n" * (SIZE // 4),
    "[^1]: notes x30k": "".join(f"[^{n}]: 註{n}\n" for n in range(SIZE // 10)),
    "<!--more--> x27k": "<!--more-->" * (SIZE // 11),
    "Chinese prose": (
        "國務院副總理王岐山27日在北京主持召開質量工作座談會。他指出，質量是基礎，安全是底線。\n\n" * 10_000
    )[:SIZE],
}


def main() -> None:
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 3
    print(f"{'body':<26} {'chars':>8} {'median s':>9} {'min s':>7} {'max s':>7}")
    for name, body in BODIES.items():
        times = []
        for _ in range(runs):
            start = time.perf_counter()
            parse_markdown(body)
            times.append(time.perf_counter() - start)
        print(f"{name:<26} {len(body):>8,} {statistics.median(times):>9.3f} {min(times):>7.3f} {max(times):>7.3f}")


if __name__ == "__main__":
    main()
