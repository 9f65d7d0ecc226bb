"""The messages a model is shown: a versioned system prompt built from the twin's own API reference."""

from __future__ import annotations

import hashlib
from importlib import resources

from twinbench.models import Message
from twinbench.tasks.schema import Task
from twinbench.twins import get_twin

PROMPT_VERSION = "beamline-v1"


def system_prompt(twin: str = "beamline", version: str = PROMPT_VERSION) -> str:
    """The template `version` filled with the twin's API reference (generated from its docstrings)."""
    template = resources.files("twinbench.runner").joinpath("prompts", f"{version}.txt").read_text("utf-8")
    return template.replace("{api_reference}", get_twin(twin).api_reference().strip())


def messages_for(task: Task, system: str) -> list[Message]:
    return [Message(role="system", content=system), Message(role="user", content=task.instruction)]


def prompt_sha(system: str) -> str:
    """The system prompt's sha256; the prompt itself is kept in the store as a blob under it."""
    return hashlib.sha256(system.encode()).hexdigest()
