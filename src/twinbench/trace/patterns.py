"""Channel patterns in scoring configs: a key with `*` matches any run of characters (nothing else is special,
so names with brackets such as `sensor/acc[0]` are literal)."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from functools import lru_cache
from typing import TypeVar

T = TypeVar("T")


@lru_cache(maxsize=4096)
def _regex(pattern: str) -> re.Pattern[str]:
    return re.compile(".*".join(map(re.escape, pattern.split("*"))), re.DOTALL)


def matches(pattern: str, channel: str) -> bool:
    """Whether `channel` is `pattern`, or matches it when the pattern holds `*`."""
    return pattern == channel or ("*" in pattern and _regex(pattern).fullmatch(channel) is not None)


def any_match(patterns: Iterable[str], channel: str) -> bool:
    return any(matches(p, channel) for p in patterns)


def best_match(table: Mapping[str, T], channel: str) -> T | None:
    """The entry of `channel` itself, else of the most specific pattern matching it (most characters besides
    `*`; the first such in order on a tie), else None."""
    if channel in table:
        return table[channel]
    best, score = None, -1
    for pattern, value in table.items():
        if "*" in pattern and len(pattern) - pattern.count("*") > score and _regex(pattern).fullmatch(channel):
            best, score = value, len(pattern) - pattern.count("*")
    return best
