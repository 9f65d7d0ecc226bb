"""Multi-turn tasks: a chain of turns (write, edit, extend), each with its prompt and expert reference."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

from pydantic import BaseModel, ConfigDict, Field

from twinbench.errors import InputError

if TYPE_CHECKING:
    from twinbench.store import Store


class Turn(BaseModel):
    """One turn: the request, the expert's answer, and (optionally) the code an expert-mode chain starts from."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    prompt: str
    reference: str
    start_code: str | None = Field(
        None, description="expert mode: code given with this turn (default: previous reference)"
    )


class ChainTask(BaseModel):
    """A task of one or more turns; turn numbers in the store are 1-based."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str
    category: str = ""
    turns: list[Turn] = Field(min_length=1)

    def turn(self, number: int) -> Turn:
        if not 1 <= number <= len(self.turns):
            raise InputError(self.id, f"no turn {number} (the task has {len(self.turns)})")
        return self.turns[number - 1]


class TaskSuite(BaseModel):
    """Named, versioned chain tasks; stored as one blob whose sha the runs' configs name."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str
    version: str
    tasks: list[ChainTask]

    def task(self, task_id: str) -> ChainTask:
        for t in self.tasks:
            if t.id == task_id:
                return t
        raise InputError(self.name, "no such task", item=task_id)

    def save(self, store: Store) -> str:
        """Put the suite in the store's blobs; returns its sha256."""
        return store.put_blob(self.model_dump_json().encode())

    @classmethod
    def from_store(cls, store: Store, sha: str) -> TaskSuite:
        try:
            return cls.model_validate(json.loads(store.get_blob(sha)))
        except KeyError:
            raise InputError(str(store.path), f"no suite blob {sha}") from None
