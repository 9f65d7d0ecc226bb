"""Getting the program out of a model's answer.

Fenced blocks tagged python/py (or, when there are none, untagged ones) are joined in order; blocks in
other languages (bash, text, output) are skipped. An opening fence that is never closed runs to the end.
Without any fence, the answer is taken as it is when it parses as Python, otherwise the longest stretch
of lines that parses after trimming prose above and below it.
"""

from __future__ import annotations

import ast
import re
from typing import Literal

from pydantic import BaseModel

Method = Literal["fenced", "unclosed_fence", "plain", "plain_trimmed", "none"]
_FENCE = re.compile(r"^[ \t]*(`{3,}|~{3,})[ \t]*([\w+-]*)[^\n]*$", re.MULTILINE)
_PYTHON_TAGS = {"python", "py", "python3", "ipython", "pycon"}
_TRIM_LIMIT = 30  # prose lines tried above and below unfenced code


class ExtractedCode(BaseModel):
    """The program, how it was found, and how many fenced blocks contributed."""

    code: str
    method: Method
    blocks: int = 0


def _blocks(text: str) -> tuple[list[tuple[str, str]], str | None]:
    """Closed blocks as (tag, body), and the body of a final unclosed block if any."""
    blocks: list[tuple[str, str]] = []
    pos = 0
    while (opening := _FENCE.search(text, pos)) is not None:
        fence, tag = opening.group(1), opening.group(2).lower()
        start = opening.end() + 1
        closing = re.compile(rf"^[ \t]*{re.escape(fence[0])}{{{len(fence)},}}[ \t]*$", re.MULTILINE)
        end = closing.search(text, start)
        if end is None:
            return blocks, text[start:] if start <= len(text) else ""
        blocks.append((tag, text[start:end.start()]))
        pos = end.end()
    return blocks, None


def _parses(code: str) -> bool:
    try:
        ast.parse(code)
    except (SyntaxError, ValueError):
        return False
    return True


def _trimmed(lines: list[str]) -> str | None:
    best: tuple[int, str] | None = None
    n = len(lines)
    for top in range(min(n, _TRIM_LIMIT)):
        for bottom in range(n, max(top, n - _TRIM_LIMIT), -1):
            chunk = "\n".join(lines[top:bottom]).strip("\n")
            if chunk.strip() and (best is None or bottom - top > best[0]) and _parses(chunk):
                best = (bottom - top, chunk)
                break
    return best[1] if best else None


def extract_code(answer: str) -> ExtractedCode:
    """The program in `answer` (see module docstring); `method="none"` with empty code if there is none."""
    blocks, unclosed = _blocks(answer)
    python = [body for tag, body in blocks if tag in _PYTHON_TAGS]
    chosen = python or [body for tag, body in blocks if not tag]
    if chosen:
        return ExtractedCode(code="\n".join(b.rstrip("\n") for b in chosen) + "\n", method="fenced",
                             blocks=len(chosen))
    if unclosed is not None:
        return ExtractedCode(code=unclosed.rstrip() + "\n", method="unclosed_fence", blocks=1)
    if blocks:  # only blocks in other languages
        return ExtractedCode(code="", method="none")
    if answer.strip() and _parses(answer):
        return ExtractedCode(code=answer.strip("\n") + "\n", method="plain")
    found = _trimmed(answer.splitlines())
    if found is None:
        return ExtractedCode(code="", method="none")
    return ExtractedCode(code=found + "\n", method="plain_trimmed")
