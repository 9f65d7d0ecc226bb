"""Recorded answers for a suite, for benchmarking the runner and testing it without a model.

Sample s of each task answers, in turn: the first reference in a fence; another reference (or the first
rewritten by the twin's first equivalent variant, when it applies) with prose around it; the twin's first
wrong variant that applies (a program that does nothing when none does) in a fence; the first reference with
no fence; and a refusal with no code.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path

from twinbench.tasks import Task
from twinbench.twins import DEFAULT_TWIN, Twin, Variant, Variants, resolve_twin


def _first_applying(variants: Iterable[Variant], source: str) -> str | None:
    return next((out for make in variants if (out := make(source))), None)


def answer(task: Task, sample: int, variants: Variants) -> str:
    first = task.references[0]
    kind = sample % 5
    if kind == 0:
        return f"```python\n{first}\n```"
    if kind == 1:
        rewrite = list(variants.equivalent.values())[:1]
        other = task.references[1] if len(task.references) > 1 else _first_applying(rewrite, first)
        return f"Here is the plan:\n\n```python\n{other or first}\n```\nIt keeps within the limits."
    if kind == 2:
        return f"```python\n{_first_applying(variants.wrong.values(), first) or 'pass'}\n```"
    if kind == 3:
        return first
    return "I am not able to control the instrument directly."


def write_replay(tasks: Iterable[Task], samples: int, path: Path, twin: str | Twin = DEFAULT_TWIN) -> Path:
    """A `replay:` JSONL file with one answer per (task, sample), wrong and equal variants from `twin`."""
    variants = resolve_twin(twin).variants()
    with path.open("w", encoding="utf-8") as f:
        for task in tasks:
            for s in range(samples):
                text = answer(task, s, variants)
                f.write(json.dumps({"task": task.id, "sample": s, "text": text, "tokens_in": 900,
                                    "tokens_out": len(text) // 4}) + "\n")
    return path
