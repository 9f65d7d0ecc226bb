"""How deep the brackets of a JSON (or YAML) text nest, strings aside: one scanner for every input check.

Standard library only: the command line checks its input files with it before loading any heavy stack.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

# A double-quoted string (with the colon that makes it an object key), or a bracket; anything else is skipped.
_TOKENS = re.compile(r'"((?:[^"\\\n]|\\.)*)"(\s*:)?|[\[\]{}]')
OPENING = ("[", "{")


def brackets(text: str) -> Iterator[tuple[int, str, str | None]]:
    """(depth, token, key) for each bracket outside strings and each object key, in order. An opening bracket
    comes at the depth it opens, a closing one at the depth it closes; a key is the token ":" with its text
    (as written between the quotes) at the depth of its object."""
    depth = 0
    for match in _TOKENS.finditer(text):
        token = match.group()
        if token in OPENING:
            depth += 1
            yield depth, token, None
        elif token in ("]", "}"):
            yield depth, token, None
            depth -= 1
        elif match.group(2):
            yield depth, ":", match.group(1)


def max_depth(text: str) -> int:
    """The deepest nesting of brackets outside strings (0 for none)."""
    return max((depth for depth, token, _ in brackets(text) if token in OPENING), default=0)
