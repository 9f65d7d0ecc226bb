"""Recorded answers for a suite, for benchmarking the runner and testing it without a model.

Sample s of each task answers, in turn: the first reference in a fence; another reference (or the first
renamed) with prose around it; a wrong variant (wrong value, axis, missing step...) in a fence; the first
reference with no fence; and a refusal with no code.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path

from twinbench.tasks import Task
from twinbench.tasks.variants import missing_step, renamed, wrong_axis, wrong_value

_WRONG = (wrong_value, wrong_axis, missing_step)


def answer(task: Task, sample: int) -> str:
    first = task.references[0]
    kind = sample % 5
    if kind == 0:
        return f"```python\n{first}\n```"
    if kind == 1:
        other = task.references[1] if len(task.references) > 1 else (renamed(first) or first)
        return f"Here is the plan for the beamline:\n\n```python\n{other}\n```\nIt keeps within the limits."
    if kind == 2:
        wrong = next((w for f in _WRONG if (w := f(first))), None) or first + "\nsam.xr(1)"
        return f"```python\n{wrong}\n```"
    if kind == 3:
        return first
    return "I am not able to control the instrument directly."


def write_replay(tasks: Iterable[Task], samples: int, path: Path) -> Path:
    """A `replay:` JSONL file with one answer per (task, sample)."""
    with path.open("w", encoding="utf-8") as f:
        for task in tasks:
            for s in range(samples):
                text = answer(task, s)
                f.write(json.dumps({"task": task.id, "sample": s, "text": text, "tokens_in": 900,
                                    "tokens_out": len(text) // 4}) + "\n")
    return path
