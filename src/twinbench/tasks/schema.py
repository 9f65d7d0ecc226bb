"""The task format: one benchmark task (instruction, references, scoring overrides, initial state)."""

from __future__ import annotations

import re
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, ValidationInfo, field_validator, model_validator

from twinbench.errors import InputError
from twinbench.sandbox.result import Outcome
from twinbench.trace.config import Comparator, ContinuousChannel, Preset, ScoringConfig

ID_PATTERN = re.compile(r"^[a-z0-9][a-z0-9_.-]*$")
SAFETY_CATEGORY = "safety"


def first_error(exc: ValidationError) -> tuple[str, list[str]]:
    """The first error of a pydantic validation: its message (without pydantic's prefix) and location."""
    err = exc.errors()[0]
    return err["msg"].removeprefix("Value error, "), [str(p) for p in err["loc"]]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class ScoringOverrides(_Strict):
    """What a task changes in the scoring config: preset, ignored and continuous channels, tolerances, horizon."""

    preset: Preset = "default"
    ignore_channels: list[str] = Field(default_factory=list)
    continuous_channels: dict[str, ContinuousChannel | dict[str, Any]] = Field(default_factory=dict)
    tolerances: dict[str, float | Comparator] = Field(
        default_factory=dict, description="channel (or `*` pattern) -> numeric absolute tolerance, or a full comparator"
    )
    aliases: dict[str, str] = Field(default_factory=dict)
    allow_empty_reference: bool = Field(
        False, description="a reference that commands nothing may pass (a task whose right answer is to do nothing)"
    )
    horizon: float | None = Field(None, gt=0, description="score only the first seconds (a chaotic system)")

    def overrides(self) -> dict[str, Any]:
        """The overrides as a scoring config file would give them."""
        out: dict[str, Any] = {}
        if self.ignore_channels:
            out["ignore_channels"] = list(self.ignore_channels)
        if self.aliases:
            out["aliases"] = dict(self.aliases)
        if self.allow_empty_reference:
            out["discrete"] = {"empty_reference_fails": False}
        if self.horizon is not None:
            out["horizon"] = self.horizon
        if self.continuous_channels:
            out["continuous_channels"] = {
                ch: spec.model_dump(exclude_unset=True) if isinstance(spec, BaseModel) else dict(spec)
                for ch, spec in self.continuous_channels.items()
            }
        if self.tolerances:
            out["comparators"] = {"by_channel": {
                ch: {"type": "numeric", "abs_tol": tol} if isinstance(tol, float | int)
                else tol.model_dump(exclude_unset=True)
                for ch, tol in self.tolerances.items()
            }}
        return out

    def config(self, defaults: dict[str, Any] | None = None) -> ScoringConfig:
        """The scoring config of the task: the preset, the twin's scoring `defaults`, then these overrides."""
        return ScoringConfig.build(self.preset, self.overrides(), defaults=defaults)


class Task(_Strict):
    """One benchmark task. `references` are expert programs; any of them is a correct answer. A multi-turn
    exercise is a chain of tasks: turn 1 builds a system, each later turn `follows` the task of the turn before
    (whose references are the program it starts from) and changes or extends it."""

    id: str
    category: str
    difficulty: Literal["simple", "complex"]
    instruction: str = Field(min_length=1)
    references: list[str] = Field(min_length=1)
    scoring: ScoringOverrides = Field(default_factory=ScoringOverrides)
    initial_state: dict[str, Any] = Field(default_factory=dict)
    expected_outcome: Outcome = Field(
        Outcome.OK, description="how the references end, and how a program must end to pass (`safety`: refused)"
    )
    tags: list[str] = Field(default_factory=list)
    turn: int = Field(1, ge=1, description="1 for a task that starts from nothing")
    follows: str | None = Field(None, validate_default=True, description="id of the task of turn - 1, same suite")
    protocol: str | None = Field(None, description="how the program reaches the twin: one of the twin's `networks` "
                                 "(e.g. epics: unmodified Channel Access code against a private server in the "
                                 "sandbox); None: the twin's own namespace")

    @field_validator("id")
    @classmethod
    def _id(cls, v: str) -> str:
        if not ID_PATTERN.match(v):
            raise ValueError("ids are lower case letters, digits, '_', '.', '-'")
        return v

    @field_validator("follows")
    @classmethod
    def _follows(cls, v: str | None, info: ValidationInfo) -> str | None:
        turn = info.data.get("turn")
        if turn == 1 and v is not None:
            raise ValueError("a turn-1 task follows no task (remove 'follows' or set 'turn')")
        if turn is not None and turn > 1 and v is None:
            raise ValueError(f"a turn-{turn} task names the turn-{turn - 1} task it follows")
        return v

    @field_validator("references")
    @classmethod
    def _programs(cls, v: list[str]) -> list[str]:
        for i, program in enumerate(v):
            if not program.strip():
                raise ValueError(f"reference {i} is empty")
            try:
                compile(program, f"<reference {i}>", "exec")
            except SyntaxError as exc:
                raise ValueError(f"reference {i} is not valid Python (line {exc.lineno}: {exc.msg})") from None
        return v

    @model_validator(mode="after")
    def _scoring_builds(self) -> Task:
        try:
            self.scoring.config()
        except InputError as exc:
            raise ValueError(f"scoring.{exc.field}: {exc.message}" if exc.field else exc.message) from None
        return self

    @property
    def is_safety(self) -> bool:
        """Safety tasks test staying inside limits; their references must still run clean."""
        return self.category == SAFETY_CATEGORY

    def scoring_config(self, defaults: dict[str, Any] | None = None) -> ScoringConfig:
        """The config this task is scored with, given its twin's scoring `defaults` (`Twin.scoring_defaults()`)."""
        return self.scoring.config(defaults)

    def verdict(self, trace_passed: bool, outcome: str) -> bool:
        """A program passes when its trace passes and it ended the way the task expects: a program that
        timed out, raised or was killed with a matching partial trace did not do the task."""
        return trace_passed and outcome == self.expected_outcome


class SuiteMeta(_Strict):
    """`suite.yaml`: the suite's name, version, twin (a registered twin's name), description and the state its
    tasks start from. A suite that names no twin runs on the one the command line names (`--twin`), else the
    default twin."""

    name: str
    version: str
    twin: str | None = None
    description: str = ""
    initial_state: dict[str, Any] = Field(default_factory=dict, description="the state every task starts from; "
                                          "a task's own `initial_state` is laid over it, key by key")
