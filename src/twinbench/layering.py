"""Laying one mapping over another: how suite states, twin defaults and scoring configs combine."""

from __future__ import annotations

from collections.abc import Collection
from typing import Any


def layered(base: dict[str, Any], own: dict[str, Any], replaced: Collection[str] = ()) -> dict[str, Any]:
    """`own` laid over `base`, neither changed: mappings merge key by key (except under a key in `replaced`),
    any other value in `own` (a list too) replaces the one below."""
    merged = dict(base)
    for key, value in own.items():
        below = merged.get(key)
        merged[key] = (layered(below, value, replaced)
                       if isinstance(value, dict) and isinstance(below, dict) and key not in replaced else value)
    return merged
