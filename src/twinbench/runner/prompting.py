"""The messages a model is shown: the twin's versioned system prompt, with its own API reference in it, and the
task's instruction, after the program of the turn before when the task is a later turn of a multi-turn exercise."""

from __future__ import annotations

import hashlib

from twinbench.models import Message
from twinbench.tasks.schema import Task
from twinbench.twins import Twin, resolve_twin

INPUT_SCORER = "turn_input"  # the score record holding what a later turn was asked with
TURN_TEMPLATE = ("This is the program so far:\n\n```python\n{program}\n```\n\n{instruction}\n\n"
                 "Reply with the whole new program.")


def system_prompt(twin: str | Twin) -> str:
    """The twin's prompt template (`Twin.prompt_version`) filled with its API reference."""
    twin = resolve_twin(twin)
    return twin.prompt_template().replace("{api_reference}", twin.api_reference().strip())


def user_message(task: Task, previous: str | None = None) -> str:
    """The task's instruction, after the program of the turn before when there is one (`TURN_TEMPLATE`)."""
    if previous is None:
        return task.instruction
    return TURN_TEMPLATE.format(program=previous.rstrip("\n"), instruction=task.instruction)


def messages_for(task: Task, system: str, previous: str | None = None) -> list[Message]:
    return [Message(role="system", content=system), Message(role="user", content=user_message(task, previous))]


def prompt_sha(system: str) -> str:
    """The prompt's sha256; the prompt itself is kept in the store as a blob under it."""
    return hashlib.sha256(system.encode()).hexdigest()
