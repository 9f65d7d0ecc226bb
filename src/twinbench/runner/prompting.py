"""The messages a model is shown: the twin's versioned system prompt, with its own API reference in it."""

from __future__ import annotations

import hashlib

from twinbench.models import Message
from twinbench.tasks.schema import Task
from twinbench.twins import Twin, resolve_twin


def system_prompt(twin: str | Twin) -> str:
    """The twin's prompt template (`Twin.prompt_version`) filled with its API reference."""
    twin = resolve_twin(twin)
    return twin.prompt_template().replace("{api_reference}", twin.api_reference().strip())


def messages_for(task: Task, system: str) -> list[Message]:
    return [Message(role="system", content=system), Message(role="user", content=task.instruction)]


def prompt_sha(system: str) -> str:
    """The system prompt's sha256; the prompt itself is kept in the store as a blob under it."""
    return hashlib.sha256(system.encode()).hexdigest()
