"""The twin plugin contract: what a twin gives twinbench, and the trusted side the sandbox serves.

A twin is a `Twin` (registered under the entry-point group `twinbench.twins`). Its `simulator()` makes the
trusted side of one run (a `Simulator`); its `client` module makes the names a program sees. Everything else
(prompt, scoring defaults, program variants, initial-state schema, budget) is what the benchmark needs to
know about the twin, so that no other part of twinbench names one.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

if TYPE_CHECKING:
    from pydantic import BaseModel

    from twinbench.trace.model import Event

Variant = Callable[[str], str | None]  # a program's source -> its variant, or None when it does not apply


class SafetyRefusal(Exception):
    """The control system refused a command (soft limit, temperature, exposure...)."""


class CommandError(Exception):
    """A command the twin does not know, or with arguments of the wrong kind: a protocol violation."""


class BudgetExceeded(Exception):
    """The program asked for more than its budget (virtual time, simulation steps: the twin's unit)."""


class LimitExceeded(Exception):
    """The program asked the twin for more than a trusted-side limit allows (model size, re-simulation CPU,
    recorded events): the run ends as `budget`."""


@dataclass(frozen=True)
class Budget:
    """What a run may spend of the twin's own resource: `default` in `unit` (e.g. 'virtual seconds')."""

    default: float
    unit: str


@dataclass(frozen=True)
class Variants:
    """Program variants for the validity check: `wrong` ones a correct scorer must fail, `equivalent`
    rewrites it must pass (tried in order); `budget` limits each variant run (None: the twin's default)."""

    wrong: Mapping[str, Variant] = field(default_factory=dict)
    equivalent: Mapping[str, Variant] = field(default_factory=dict)
    budget: float | None = None


@runtime_checkable
class Simulator(Protocol):
    """The trusted side of one run: state, clock, physics, safety checks and the recorder.

    The untrusted program holds only the client namespace; every command it issues reaches `handle`.
    """

    def reset(self, state: Mapping[str, Any] | None, budget: float) -> None:
        """Start again from a task's initial state (validated by the twin's state schema), with a budget in
        the twin's unit."""

    @property
    def now(self) -> float:
        """The twin's clock since the program started (sent back with every reply)."""

    def handle(self, op: str, args: Mapping[str, Any]) -> Any:
        """Execute one command; raises SafetyRefusal, CommandError, BudgetExceeded or LimitExceeded."""

    def finish(self) -> None:
        """Bring continuous channels up to `now` once the program has ended."""

    def events(self) -> list[Event]:
        """Everything recorded so far, in order (the trace)."""

    def recorded(self) -> tuple[int, int]:
        """How many events are recorded so far and their approximate size in bytes (cheap: called per command)."""

    def safety_events(self) -> list[Event]:
        """The refused commands, as recorded."""

    def final_state(self) -> dict[str, Any]:
        """Every device's value now, keyed by channel name."""


@dataclass(frozen=True)
class Network:
    """How unmodified programs reach a twin over the network of their sandbox (e.g. EPICS Channel Access):
    `client`, the module whose `namespace(channel)` they start with (it sends no commands: the program talks
    to the server; its optional `AUDIT_ALLOWS`, prefixes of audit events the program needs, e.g. "socket."),
    and `server`, "module:name" of what makes a fresh `NetworkServer` from a task's initial state and a speed
    (twin seconds per wall second)."""

    client: str
    server: str


class NetworkServer(Protocol):
    """A twin's server for one program, run by the harness in the sandbox's network namespace."""

    sim: Simulator  # the trusted side it drives: its recorder is the run's trace

    async def serve(self, stop: Any, ready: Callable[[], None]) -> None:
        """Serve until `stop` (an asyncio.Event) is set; call `ready` once a client can reach everything (on
        127.0.0.1 of the namespace): the program starts then."""


@runtime_checkable
class Twin(Protocol):
    """A twin plugin. Loading one must stay cheap: import the simulator, client and variants only when a
    method asks for them.

    `client` names a module inside `package` whose `namespace(channel)` returns the globals a program starts
    with (the sandbox imports it once, before any program runs); its optional `end()` is called in the
    program's process once the program has ended (e.g. to send what the client buffered). `package` is what
    the sandbox stages for the program's process and what `fingerprint()` hashes.

    Optional: `preflight(run: PlanRun) -> Preflight` (`twinbench.twins.preflight`), the report `twinbench check`
    prints for a run: the twin's summary and the findings of its rules (`BaseTwin` gives the basic one);
    `networks: Mapping[str, Network]`, the network protocols its programs may use instead of `client` (e.g.
    "epics"; `Sandbox(network=...)`).
    """

    name: str
    description: str
    package: str
    client: str
    budget: Budget
    prompt_version: str

    def simulator(self) -> Simulator:
        """A fresh trusted side for one run."""

    def state_schema(self) -> type[BaseModel]:
        """The pydantic model of a task's `initial_state` (validated when a suite loads)."""

    def api_reference(self) -> str:
        """What a program can call (the text models are shown, inside the prompt template)."""

    def prompt_template(self) -> str:
        """The system prompt of version `prompt_version`, with `{api_reference}` where the reference goes."""

    def scoring_defaults(self) -> dict[str, Any]:
        """Scoring overrides every task of this twin starts from (continuous channels, tolerances, ignored
        channels), in the scoring config file's format; a task's own overrides are merged over them."""

    def variants(self) -> Variants:
        """Wrong and equivalent program variants for the validity check."""

    def fingerprint(self) -> str:
        """A hash of the twin's own code (`package`): reference traces are cached under it."""


def network_of(twin: Twin, name: str) -> Network:
    """The twin's network protocol `name` (see `Twin`: `networks` is optional); ValueError naming those it serves."""
    networks: Mapping[str, Network] = getattr(twin, "networks", {})
    if name not in networks:
        served = ", ".join(networks) or "none"
        raise ValueError(f"the {twin.name} twin serves no {name!r} network (it serves: {served})")
    return networks[name]
