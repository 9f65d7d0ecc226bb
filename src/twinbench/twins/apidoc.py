"""A twin's command reference (the text models are shown) as entries, and "did you mean" from it.

The reference is markdown; each command is a list item that opens with its name or signature in backticks,
`` - `sam.measure(exposure_time=None)`: what it does ``. Anything else in the text is prose.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass

_ENTRY = re.compile(r"^\s*[-*]\s+`(?P<signature>(?P<name>[A-Za-z_][\w.]*)(?:\([^`]*)?)`\s*:?\s*(?P<doc>.*)$")
_MISSING = re.compile(r"(?:name|attribute) '(?P<name>[^']+)'")


@dataclass(frozen=True)
class Command:
    """One command of the reference: its dotted name (`sam.measure`), signature and description."""

    name: str
    signature: str
    doc: str

    @property
    def leaf(self) -> str:
        return self.name.rsplit(".", 1)[-1]


def commands(reference: str) -> list[Command]:
    """The commands a reference lists, in its order (the first of a repeated name)."""
    found: dict[str, Command] = {}
    for line in reference.splitlines():
        m = _ENTRY.match(line)
        if m and m["name"] not in found:
            found[m["name"]] = Command(m["name"], m["signature"], m["doc"].strip())
    return list(found.values())


def similar(word: str, known: list[Command], n: int = 3) -> list[str]:
    """The commands whose name, or last part (`measure` of `sam.measure`), is close to `word`."""
    by_word: dict[str, list[str]] = {}
    for c in known:
        for key in dict.fromkeys((c.name, c.leaf)):
            by_word.setdefault(key, []).append(c.name)
    close = difflib.get_close_matches(word, list(by_word), n=n, cutoff=0.7)
    return list(dict.fromkeys(name for key in close for name in by_word[key]))[:n]


def missing_name(error_type: str, message: str) -> str | None:
    """The name a NameError or AttributeError says is not there, e.g. 'meaure'."""
    if error_type not in ("NameError", "AttributeError"):
        return None
    m = _MISSING.search(message)
    return m["name"] if m else None
