"""The two front ends compared on a suite's references: each reference runs in the sandbox against the in-process
twin while the trusted side keeps the commands it receives; each command stream a pyepics program can write is
then done over Channel Access against `twinbench serve` and its trace compared with the same steps in process.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from twinbench.sandbox import Sandbox
from twinbench.tasks.suite import Suite
from twinbench.trace.model import Event
from twinbench.twins.beamline import Beamline
from twinbench.twins.beamline.epics_run import Step, ca_program, compare, in_process, monitor_agrees, serve
from twinbench.twins.beamline.twin import BeamlineSimulator

WRITABLE = ("put", "read", "expose", "sleep")  # the commands a pyepics program does with caput, caget and sleep
LATENCY_BOUND = 0.5  # wall seconds a step may take over CA at most (put completion, polling, a loaded machine)
AHEAD = 1e-6  # twin seconds CA may seem ahead of the in-process trace: float rounding of the two clocks


class RecordingSimulator(BeamlineSimulator):
    """The in-process twin, keeping every command it receives as (op, args), in order."""

    commands: list[Step]

    def reset(self, state: Mapping[str, Any] | None, budget: float) -> None:
        self.commands = []
        super().reset(state, budget)

    def handle(self, op: str, args: Mapping[str, Any]) -> Any:
        self.commands.append((op, dict(args)))
        return super().handle(op, args)


class RecordingBeamline(Beamline):
    """The beamline twin whose runs record their commands; `last` is the latest run's simulator."""

    last: RecordingSimulator

    def simulator(self) -> RecordingSimulator:
        self.last = RecordingSimulator()
        return self.last


@dataclass(frozen=True)
class Captured:
    """One reference run in the sandbox: the commands the twin received and the trace it recorded."""

    task: str
    index: int
    state: dict[str, Any]
    steps: list[Step]
    trace: list[Event]
    outcome: str

    @property
    def name(self) -> str:
        return f"{self.task}#{self.index}"

    @property
    def calls(self) -> list[str]:
        """The `call` events it issues (no PV carries them, so no pyepics program can write it)."""
        return [args.get("name", "?") for op, args in self.steps if op not in WRITABLE]

    def overlap_speed(self, speed: float) -> float:
        """`speed`, or less when the plan exposes detectors together: over CA their Acquire puts reach the server
        one after the other, up to LATENCY_BOUND apart, so the frames overlap as in process (one instant) only
        while that gap times the speed stays within its shortest exposure."""
        if not any(op == "expose" and len(set(args["detectors"])) > 1 for op, args in self.steps):
            return speed
        exposures = [args["value"] for op, args in self.steps if op == "put" and args["pv"].endswith("AcquireTime")]
        return min(speed, min(exposures, default=speed * LATENCY_BOUND) / LATENCY_BOUND)

    @property
    def plan(self) -> str:
        """Its initial state and steps as one key: references with equal plans are run over CA once."""
        return json.dumps([self.state, self.steps], sort_keys=True)


def capture(suite: Suite) -> list[Captured]:
    """Every reference of the suite, run in the sandbox as the references are, with its command stream."""
    twin = RecordingBeamline()
    captured = []
    with Sandbox(twin) as sandbox:
        for task in suite.tasks:
            for i, program in enumerate(task.references):
                result = sandbox.run(program, task.initial_state)
                captured.append(Captured(task.id, i, task.initial_state, twin.last.commands, result.trace.events,
                                         str(result.outcome)))
    return captured


@dataclass(frozen=True)
class Equivalence:
    """One plan done over CA at `speed` against the same steps in process."""

    speed: float
    faithful: bool  # the steps in process give the sandboxed reference's own trace, times and all
    result: dict[str, Any]  # `compare` of the two traces
    monitored: bool | None  # an outside CA monitor recorded the server's trace (`monitor_agrees`); None: forked

    @property
    def bound(self) -> float:
        """The latest an event may come over CA per step issued before it, in twin seconds: the wall latency
        bound at this speed."""
        return self.speed * LATENCY_BOUND

    @property
    def timely(self) -> bool:
        """Never ahead of the in-process trace (beyond float rounding), and late by at most `bound` per step."""
        return self.result["ahead"] <= AHEAD and self.result["step_shift"] <= self.bound

    @property
    def equivalent(self) -> bool:
        return self.faithful and self.result["same"] and self.timely and self.monitored is not False


def check(captured: Captured, speed: float, workdir: Path, forked: bool = False) -> Equivalence:
    """The reference's steps over CA (a `twinbench serve` from its initial state; `forked`: see `serve`) and in
    process, compared."""
    state = workdir / f"state-{captured.task}-{captured.index}.json"
    state.write_text(json.dumps(captured.state))
    local = in_process(captured.steps, captured.state)
    with serve(workdir, speed, state, forked) as served:  # a plan that cannot finish fails, in its wall time
        served.run(ca_program(captured.steps, speed), timeout=60 + 3 * local.end / speed
                   + LATENCY_BOUND * len(captured.steps))
    monitored = None if forked else monitor_agrees(served.trace(), served.monitor(), speed)
    return Equivalence(speed, local.events == captured.trace, compare(local, served.trace()), monitored)


def check_plans(captured: list[Captured], speed: float, workdir: Path, jobs: int, forked: bool = False,
                overlap: bool = False, done: Callable[[Captured, Equivalence], None] | None = None,
                ) -> dict[str, Equivalence]:
    """Every distinct plan of the writable references over CA, `jobs` servers at a time: plan -> result.
    `overlap`: a plan that exposes detectors together runs at its `overlap_speed`. `done` is told of each as
    it ends."""
    plans = {c.plan: c for c in captured if not c.calls}

    def one(c: Captured) -> tuple[str, Equivalence]:
        result = check(c, c.overlap_speed(speed) if overlap else speed, workdir, forked)
        if done is not None:
            done(c, result)
        return c.plan, result

    with ThreadPoolExecutor(jobs) as pool:
        return dict(pool.map(one, plans.values()))
