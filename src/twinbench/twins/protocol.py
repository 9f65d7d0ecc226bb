"""The small interface every twin implements, and the errors a command can end in."""

from __future__ import annotations

import importlib
from collections.abc import Mapping
from typing import Any, Protocol, runtime_checkable

from twinbench.trace.model import Event

TWINS = {"beamline": "twinbench.twins.beamline:BeamlineTwin", "physics": "twinbench.twins.physics:PhysicsTwin"}


class SafetyRefusal(Exception):
    """The control system refused a command (soft limit, temperature, exposure...)."""


class CommandError(Exception):
    """A command the twin does not know, or with arguments of the wrong kind: a protocol violation."""


class BudgetExceeded(Exception):
    """The program asked for more virtual time (or simulation steps) than its budget: the run ends as `timeout`."""


class LimitExceeded(Exception):
    """The program asked the twin for more than a trusted-side limit allows (model size, re-simulation CPU,
    recorded events): the run ends as `budget`."""


@runtime_checkable
class Twin(Protocol):
    """A simulator on the trusted side of the sandbox.

    The untrusted program holds only a client namespace (built by the module named `client`, whose
    `namespace(link)` returns the names a program sees); every command it issues reaches `handle`.
    """

    name: str
    client: str

    def reset(self, state: Mapping[str, Any] | None, budget: float) -> None:
        """Start again from the task's initial state, with a virtual-time budget in seconds."""

    @property
    def now(self) -> float:
        """Virtual seconds since the program started."""

    def handle(self, op: str, args: Mapping[str, Any]) -> Any:
        """Execute one command; raises SafetyRefusal, CommandError, BudgetExceeded or LimitExceeded."""

    def finish(self) -> None:
        """Bring continuous channels up to `now` once the program has ended."""

    def events(self) -> list[Event]:
        """Everything recorded so far, in order."""

    def recorded(self) -> tuple[int, int]:
        """How many events are recorded so far and their approximate size in bytes (cheap: called per command)."""

    def safety_events(self) -> list[Event]:
        """The refused commands, as recorded."""

    def final_state(self) -> dict[str, Any]:
        """Every device's value now, keyed by PV name."""

    def api_reference(self) -> str:
        """What a program can call, generated from the client's docstrings (the text shown to models)."""


def get_twin(name: str = "beamline") -> Twin:
    """A fresh twin by plugin name."""
    try:
        module, cls = TWINS[name].split(":")
    except KeyError:
        raise ValueError(f"unknown twin {name!r}; known: {', '.join(TWINS)}") from None
    return getattr(importlib.import_module(module), cls)()
