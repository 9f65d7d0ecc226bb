"""One trusted simulation: an MjData replaying a program's log, sampled on a fixed grid of simulated time."""

from __future__ import annotations

import math
import time
from itertools import repeat

import mujoco
import numpy as np

from twinbench.trace.model import Event
from twinbench.twins.physics import state
from twinbench.twins.physics.channels import OBJ, Catalog
from twinbench.twins.physics.config import PhysicsConfig
from twinbench.twins.protocol import BudgetExceeded, LimitExceeded, SafetyRefusal
from twinbench.twins.recorder import Recorder

UNSTABLE = {w: w.name.removeprefix("mjWARN_").lower() for w in (
    mujoco.mjtWarning.mjWARN_BADQPOS, mujoco.mjtWarning.mjWARN_BADQVEL, mujoco.mjtWarning.mjWARN_BADQACC,
    mujoco.mjtWarning.mjWARN_BADCTRL, mujoco.mjtWarning.mjWARN_CONTACTFULL, mujoco.mjtWarning.mjWARN_CNSTRFULL)}
WATCHED = np.array([int(w) for w in UNSTABLE], dtype=np.int64)
TIME_EPS = 1e-9


class Allowance:
    """What all simulations of one run may still use: steps (the run's budget, at most the task's `max_steps`),
    harness CPU, recorded events."""

    def __init__(self, cfg: PhysicsConfig, steps: float, rec: Recorder):
        self.cfg = cfg
        self.steps = int(min(steps, cfg.max_steps))
        self.steps_left = self.steps
        self.rec = rec
        self.cpu_start = time.thread_time()

    def take(self, steps: int) -> int:
        """Up to `steps` steps (at least one); BudgetExceeded once none is left."""
        if self.steps_left <= 0:
            raise BudgetExceeded(f"step budget of {self.steps} steps exhausted")
        steps = min(steps, self.steps_left)
        self.steps_left -= steps
        return steps

    def check(self) -> None:
        if time.thread_time() - self.cpu_start > self.cfg.cpu_seconds:
            raise LimitExceeded(f"more than {self.cfg.cpu_seconds:g} s of harness CPU re-simulating")
        if len(self.rec.events) > self.cfg.max_events:
            raise LimitExceeded(f"more than {self.cfg.max_events} recorded events")


class Sim:
    """A program's MjData, rebuilt: state and inputs are set as the log says, steps are taken by the twin."""

    def __init__(self, prefix: str, model: mujoco.MjModel, catalog: Catalog, rec: Recorder, period: float):
        self.prefix = prefix
        self.model = model
        self.catalog = catalog
        self.rec = rec
        self.period = period
        self.data = mujoco.MjData(model)
        self.size = state.state_size(model)
        # Each state element's part and index in it; which elements are recorded when set after the start.
        self.where = [(name, i) for name, _, size in state.layout(model) for i in range(size)]
        self.recorded = np.array([name == "eq_active" or name not in state.INPUTS for name, _ in self.where],
                                 dtype=bool)
        self.started = False
        self.next_sample = 0.0
        self.last_sample: float | None = None
        self.active = np.zeros(len(catalog.input_channels), dtype=bool)  # inputs non-zero at some step
        self.starting = np.zeros(len(catalog.input_channels), dtype=bool)  # ... first since the last sample
        self.input_sum = np.zeros(len(catalog.input_channels))  # inputs summed over the steps since the last sample
        self.input_steps = 0
        self.touching: set[str] = set()
        self.warnings = np.zeros(len(UNSTABLE), dtype=np.int64)
        self.channels = [prefix + c for c in catalog.channels]
        self.sample_bytes = sum(len(c) + 24 for c in self.channels)
        self.last_values = np.zeros(len(self.channels))

    # --- the log ------------------------------------------------------------------------------------
    def init(self, offset: int, values: np.ndarray) -> None:
        """Part of the initial state (before the first step)."""
        if self.started or offset + len(values) > self.size:
            raise ValueError("an initial state after the first step, or beyond the state vector")
        self.set(np.arange(offset, offset + len(values)), values)

    def set(self, index: np.ndarray, values: np.ndarray) -> None:
        """Set state elements; after the first step, writes to the physical state are recorded as events."""
        if len(index) and (index.min() < 0 or index.max() >= self.size):
            raise ValueError("state index out of range")
        current = state.get_state(self.model, self.data)
        if self.started:
            self._record_writes(index, values, current)
        current[index] = values
        state.set_state(self.model, self.data, current)
        if self.started and (index == 0).any():  # the time was written: the sampling grid starts from it again
            self.next_sample = self._grid_after(float(self.data.time))

    def _record_writes(self, index: np.ndarray, values: np.ndarray, current: np.ndarray) -> None:
        recorded = self.recorded[index]
        if not recorded.any():
            return
        t = float(self.data.time)
        for i, v in zip(index[recorded].tolist(), values[recorded].tolist(), strict=True):
            part, local = self.where[i]
            if part == "eq_active":
                if bool(v) != bool(current[i]):
                    label = self.catalog.label(OBJ.mjOBJ_EQUALITY, local)
                    self.rec.put(f"{self.prefix}equality/{label}/active", t, int(bool(v)), always=True)
            else:
                value = v if math.isfinite(v) else str(v)
                # `write/sim1/joint/...`: a further simulation's write never reads as its sampled joint channel
                channel = "write/" + self.prefix + self.catalog.write_channel(part, local).removeprefix("write/")
                self.rec.put(channel, t, value, always=True)

    def edited(self, field: str, index: list[int], values: list[float]) -> None:
        """The model changed: once started, every edited element is an event `edit/<field>[i]`, and the
        parameters that changed take their new values."""
        if self.started:
            t = float(self.data.time)
            for i, v in zip(index, values, strict=True):
                self.rec.put(f"{self.prefix}edit/{field}[{i}]", t, float(v), always=True)
            for channel, value in self.catalog.params().items():
                self.rec.put(self.prefix + channel, t, value)

    def run(self, steps: int, budget: Allowance) -> None:
        """Take `steps` steps, sampling at every grid point of simulated time they cross."""
        m, d = self.model, self.data
        inputs = self.catalog.inputs(d)  # constant until the log sets them again
        self.starting |= (inputs != 0) & ~self.active
        self.active |= inputs != 0
        if not self.started:
            self.started = True
            self._forward()
            for channel, value in self.catalog.params().items():
                self.rec.put(self.prefix + channel, float(d.time), value, always=True)
            self._sample()
        while steps > 0:
            dt, t = m.opt.timestep, float(d.time)
            ahead = (self.next_sample - t) / dt if dt > 0 else 1.0
            chunk = budget.take(max(1, min(steps, math.ceil(ahead - 1e-6))))
            try:
                mujoco.mj_step(m, d, chunk)
            except mujoco.FatalError as exc:
                self._fail("error", f"MuJoCo error: {exc}", t)
            steps -= chunk
            self.input_sum += chunk * inputs
            self.input_steps += chunk
            self._check_stable(t)
            if d.time >= self.next_sample - TIME_EPS:
                self._forward()
                self._sample()
            budget.check()

    # --- recording ----------------------------------------------------------------------------------
    def _forward(self) -> None:
        """Positions, sensors and contacts of the current state (the state itself is not changed)."""
        mujoco.mj_forward(self.model, self.data)
        self._check_stable(float(self.data.time))

    def _check_stable(self, since: float) -> None:
        """SafetyRefusal if MuJoCo warned of an instability since simulated time `since` (it then resets the
        data, so the time it happened is the time before the steps just taken)."""
        numbers = self.data.warning.number[WATCHED]
        if (numbers > self.warnings).any():
            which = list(UNSTABLE.values())[int(np.argmax(numbers > self.warnings))]
            self.warnings = numbers
            self._fail(which, f"simulation unstable ({which}) after t={since:.6g} s", since)

    def _fail(self, which: str, message: str, t: float) -> None:
        self.rec.put(f"{self.prefix}warning/{which}", t, message, always=True)
        raise SafetyRefusal(message)

    def _sample(self) -> None:
        t = float(self.data.time)
        values = self.catalog.sample(self.data, None if self.last_sample is None else self.last_values)
        # An input's sample is its mean over the steps since the last sample: no force goes unseen between two.
        means = self.input_sum / self.input_steps if self.input_steps else self.catalog.inputs(self.data)
        if not (np.isfinite(values).all() and np.isfinite(means).all()):
            self._fail("nonfinite", f"non-finite positions, velocities, sensors or inputs at t={t:.6g} s", t)
        put, prefix = self.rec.put, self.prefix
        self.rec.events.extend(map(Event, self.channels, repeat(t), values.tolist()))
        self.rec.size += self.sample_bytes
        self.last_values = values
        for i in np.flatnonzero(self.starting).tolist():  # an input's series starts at 0 at the previous sample
            if self.last_sample is not None and self.last_sample < t:
                put(prefix + self.catalog.input_channels[i], self.last_sample, 0.0, always=True)
        for i in np.flatnonzero(self.active).tolist():
            put(prefix + self.catalog.input_channels[i], t, float(means[i]), always=True)
        self.starting[:], self.input_sum[:], self.input_steps = False, 0.0, 0
        touching = self.catalog.contacts(self.data)
        for channel in sorted(touching - self.touching):
            put(prefix + channel, t, 1, always=True)
        for channel in sorted(self.touching - touching):
            put(prefix + channel, t, 0, always=True)
        self.touching = touching
        self.last_sample = t
        self.next_sample = self._grid_after(t)

    def _grid_after(self, t: float) -> float:
        return (math.floor(t / self.period + TIME_EPS) + 1) * self.period

    def finish(self) -> None:
        """A last sample at the simulation's end, when it ended between two grid points."""
        if self.started and self.last_sample is not None and self.data.time > self.last_sample + TIME_EPS:
            self._forward()
            self._sample()
