"""`replay:` answers recorded in a JSONL file, one line per (task, turn, sample); turn 0 answers every turn."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from twinbench.errors import InputError
from twinbench.models.errors import ProviderError
from twinbench.models.spec import ModelSpec
from twinbench.models.types import CallKey, Completion, GenerationSettings, Message


class ReplayLine(BaseModel):
    """One recorded answer; extra fields are ignored, so `runs export --format jsonl` output replays as is."""

    model_config = ConfigDict(extra="ignore")

    task: str
    turn: int = Field(0, ge=0)
    sample: int = Field(0, ge=0)
    text: str | None = Field(description="null (a pending or failed cell in an export) is no answer")
    tokens_in: int | None = None
    tokens_out: int | None = None


def load_replay(path: Path) -> dict[CallKey, Completion]:
    """Parse the file; a bad or repeated line is an InputError naming the line and field."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise InputError(str(path), f"cannot read replay file: {exc.strerror}") from None
    answers: dict[CallKey, Completion] = {}
    for number, raw in enumerate(lines, start=1):
        if not raw.strip():
            continue
        try:
            line = ReplayLine.model_validate(json.loads(raw))
        except json.JSONDecodeError as exc:
            raise InputError(str(path), f"not JSON: {exc.msg}", item=f"line {number}") from None
        except ValidationError as exc:
            err = exc.errors()[0]
            field = ".".join(str(p) for p in err["loc"])
            raise InputError(str(path), err["msg"], item=f"line {number}", field=field) from None
        if line.text is None:
            continue
        key = CallKey(task=line.task, turn=line.turn, sample=line.sample)
        if key in answers:
            raise InputError(
                str(path),
                f"repeats task {key.task} turn {key.turn} sample {key.sample}",
                item=f"line {number}",
            )
        answers[key] = Completion(
            text=line.text, tokens_in=line.tokens_in or 0, tokens_out=line.tokens_out or 0
        )
    return answers


class ReplayProvider:
    """Looks answers up by the call's key, else by its task and sample at turn 0 (a line without a turn answers
    every turn of its task); a missing key is a fatal (not retried) error."""

    def __init__(self, spec: ModelSpec):
        self.spec = spec
        self._answers = load_replay(Path(spec.model))

    async def complete(
        self, messages: Sequence[Message], settings: GenerationSettings, key: CallKey, timeout_s: float
    ) -> Completion:
        try:
            return self._answers.get(key) or self._answers[CallKey(task=key.task, sample=key.sample)]
        except KeyError:
            raise ProviderError(
                "fatal", f"no recorded answer for task {key.task} turn {key.turn} sample {key.sample}"
            ) from None

    async def aclose(self) -> None:
        return None
