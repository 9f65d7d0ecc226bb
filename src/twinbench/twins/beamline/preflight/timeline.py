"""A run replayed for the pre-flight: every PV's value at any event, the exposures, the motor moves."""

from __future__ import annotations

import bisect
from dataclasses import dataclass, replace
from typing import Any

from twinbench.twins.beamline import pvs
from twinbench.twins.beamline.config import BeamlineConfig
from twinbench.twins.preflight import PlanRun
from twinbench.twins.recorder import SAFETY_CHANNEL


@dataclass(frozen=True)
class Exposure:
    """Detectors triggered together at event `index` (time `t`, program `line`) until `end`; `state` is every PV
    as the exposure starts, `temperature` the stage's between its samples."""

    index: int
    t: float
    end: float
    line: int | None
    detectors: tuple[str, ...]
    state: dict[str, Any]
    temperature: float

    def value(self, det: str, field: str) -> Any:
        return self.state[pvs.cam(det, field)]


@dataclass(frozen=True)
class Move:
    """A motor move commanded at event `index`: from `start` to `target`, arriving at `arrives`."""

    motor: str
    index: int
    t: float
    start: float
    target: float
    arrives: float
    line: int | None


class Timeline:
    """The run's PVs over its events: `value(pv, i)` is the value just before event `i` (the initial value
    before any event, the final one at `len(events)`)."""

    def __init__(self, run: PlanRun, cfg: BeamlineConfig, initial: dict[str, Any]):
        self.run, self.cfg, self.initial = run, cfg, initial
        self.events = run.events
        self._at: dict[str, list[int]] = {}
        self._values: dict[str, list[Any]] = {}
        for i, e in enumerate(self.events):
            if e.channel != SAFETY_CHANNEL:
                self._at.setdefault(e.channel, []).append(i)
                self._values.setdefault(e.channel, []).append(e.value)
        self._temp_times = [self.events[i].t for i in self.changes(pvs.LINKAM_TEMP)]
        self.exposures = self._exposures()

    def line(self, index: int) -> int | None:
        return self.run.lines[index] if 0 <= index < len(self.run.lines) else None

    def value(self, pv: str, index: int) -> Any:
        at = self._at.get(pv, [])
        k = bisect.bisect_left(at, index)
        if k == 0:
            return self.initial.get(pv)
        return self._values[pv][k - 1]

    def final(self, pv: str) -> Any:
        return self.run.final_state.get(pv, self.value(pv, len(self.events)))

    def changes(self, pv: str) -> list[int]:
        """The indices of the events that set `pv`."""
        return self._at.get(pv, [])

    def temperature(self, t: float) -> float:
        """The stage temperature at `t`: TEMP is sampled every `sample_period` and posts only changes, so between
        a sample and the next change it is interpolated over the last period."""
        times, values = self._temp_times, self._values.get(pvs.LINKAM_TEMP, [])
        k = bisect.bisect_right(times, t)
        t0, v0 = (times[k - 1], values[k - 1]) if k else (0.0, self.initial[pvs.LINKAM_TEMP])
        if k == len(times):
            return v0
        start = max(t0, times[k] - self.cfg.linkam.sample_period)
        return v0 if t <= start else v0 + (values[k] - v0) * (t - start) / (times[k] - start)

    def commanded(self) -> bool:
        """Whether the program changed anything: a PV other than the measured temperature, or a call event."""
        return any(e.channel not in (SAFETY_CHANNEL, pvs.LINKAM_TEMP) for e in self.events)

    def state(self, index: int) -> dict[str, Any]:
        """Every PV just before event `index`."""
        return {pv: self.value(pv, index) for pv in self.initial}

    def _exposures(self) -> list[Exposure]:
        acquire = {pvs.cam(det, "Acquire"): det for det in pvs.DETECTORS}
        found: list[Exposure] = []
        pending: dict[str, int] = {}  # detector -> position in `found` of its open exposure
        for i, e in enumerate(self.events):
            det = acquire.get(e.channel)
            if det is None:
                continue
            if e.value == 1:
                last = found[-1] if found else None
                if last is not None and last.t == e.t and last.index + len(last.detectors) == i:
                    found[-1] = replace(last, detectors=(*last.detectors, det), state=self.state(i + 1))
                else:
                    found.append(Exposure(i, e.t, e.t, self.line(i), (det,), self.state(i + 1),
                                          self.temperature(e.t)))
                pending[det] = len(found) - 1
            elif det in pending:
                k = pending.pop(det)
                found[k] = replace(found[k], end=max(found[k].end, e.t))
        for k in set(pending.values()):  # the run ended while exposing
            found[k] = replace(found[k], end=self.run.duration)
        return found

    def moves(self) -> list[Move]:
        """Every commanded motor move, with its travel time at the motor's velocity."""
        moves = []
        for motor, pv in pvs.MOTORS.items():
            velocity = self.cfg.motors[motor].velocity
            for i in self.changes(pv):
                start, target, t = self.value(pv, i), self.events[i].value, self.events[i].t
                moves.append(Move(motor, i, t, start, target, t + abs(target - start) / velocity, self.line(i)))
        return moves
