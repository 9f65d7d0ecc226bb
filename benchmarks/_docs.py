"""The benchmark scripts write their figures into the docs, between `<!-- NAME:begin -->` and `<!-- NAME:end -->`."""

from __future__ import annotations

import time
from pathlib import Path

DOCS = Path(__file__).resolve().parents[1] / "docs"


def write_section(doc: str, name: str, text: str, command: str | None = None) -> None:
    """Replace what lies between the two markers of `name` in docs/`doc` with `text` and a dated note naming the
    script's `command` (default `NAME.py`)."""
    path = DOCS / doc
    content = path.read_text(encoding="utf-8")
    begin, end = f"<!-- {name}:begin -->", f"<!-- {name}:end -->"
    if begin not in content or end not in content:
        raise SystemExit(f"{path}: the markers {begin} and {end} are missing")
    stamp = time.strftime("%Y-%m-%d", time.gmtime())
    body = f"{text.strip()}\n\n(written by `python benchmarks/{command or name + '.py'}` on {stamp})"
    head, rest = content.split(begin, 1)
    path.write_text(f"{head}{begin}\n{body}\n{end}{rest.split(end, 1)[1]}", encoding="utf-8")
    print(f"wrote the {name} figures into {path}")


def markdown_table(header: list[str], rows: list[list[str]]) -> str:
    """A Markdown table; columns after the first are right-aligned."""
    lines = ["| " + " | ".join(header) + " |", "|---|" + "---:|" * (len(header) - 1)]
    return "\n".join([*lines, *("| " + " | ".join(row) + " |" for row in rows)])
