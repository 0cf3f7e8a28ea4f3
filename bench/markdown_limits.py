"""CPU time of `render_markdown` for each pathological shape at the page size limit.

    .venv/bin/python bench/markdown_limits.py

The shapes are those of tests/wiki/test_markdown_bounded.py (each at WIKI_PAGE_MAX_CHARS,
in lines under the line limit), plus an ordinary page of the same size for comparison. Prints
the shape, its size, and the CPU seconds of the slowest of three renders (process time: what
the render itself costs, whatever else runs on the machine).
"""

import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")

import django  # noqa: E402

django.setup()

from tests.wiki.test_markdown_bounded import NESTED, SHAPES, _filled  # noqa: E402
from wiki.markdown import MAX_LINE_CHARS, render_markdown  # noqa: E402


def main() -> None:
    ordinary = "## Section\n\nSome *words* with a [link](https://example.com) and `code`.\n\n- one\n- two\n\n"
    cases = {"ordinary page": _filled(ordinary)}
    cases.update({name: _filled(unit) for name, unit in SHAPES.items()})
    for name, (unit, tail) in NESTED.items():
        per_line = (MAX_LINE_CHARS - 10) // len(unit)
        cases[name] = ((unit * per_line + tail + "\n\n") * 50)[:len(cases["ordinary page"])]
    cases["huge table"] = "| a | b | c |\n|---|---|---|\n" + _filled("|x|y|z|\n")[28:]
    worst = 0.0
    for name, text in cases.items():
        times = []
        for _ in range(3):
            started = time.process_time()
            render_markdown(text)
            times.append(time.process_time() - started)
        worst = max(worst, max(times))
        print(f"{name:32} {len(text):7,} chars  {max(times):6.3f} s")
    print(f"{'slowest':32} {'':13} {worst:6.3f} s")


if __name__ == "__main__":
    main()
