"""The trusted side of the beamline twin: devices, virtual clock, safety checks and the trace recorder."""

from __future__ import annotations

import functools
import inspect
import math
from collections.abc import Callable, Mapping
from typing import Any

from twinbench.trace.model import Event
from twinbench.twins.beamline import pvs
from twinbench.twins.beamline.config import BeamlineConfig
from twinbench.twins.beamline.linkam import Linkam
from twinbench.twins.protocol import BudgetExceeded, CommandError, SafetyRefusal
from twinbench.twins.recorder import SAFETY_CHANNEL, Recorder

CALLS = ("sam.align", "sam.setOrigin")  # actions that move no PV; queries (wsam, sam.pos...) leave no event
MOTOR_OF_PV = {pv: name for name, pv in pvs.MOTORS.items()}
TEMP_DIGITS = 3


def _number(value: Any, what: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise CommandError(f"{what} must be a finite number, got {value!r}")
    return float(value)


def _json_like(value: Any, depth: int = 0) -> bool:
    if depth > 8:
        return False
    if value is None or isinstance(value, bool | int | str):
        return True
    if isinstance(value, float):
        return math.isfinite(value)
    if isinstance(value, list):
        return all(_json_like(v, depth + 1) for v in value)
    if isinstance(value, dict):
        return all(isinstance(k, str) and _json_like(v, depth + 1) for k, v in value.items())
    return False


@functools.cache
def _signature(function: Callable[..., Any]) -> inspect.Signature:
    """A command method's signature without `self` (computed once per method)."""
    sig = inspect.signature(function)
    return sig.replace(parameters=list(sig.parameters.values())[1:])


class BeamlineSimulator:
    """SAXS/GISAXS end station in virtual time (its budget is in virtual seconds). Commands: sleep, put, read,
    expose, call."""

    def __init__(self) -> None:
        self.reset(None, math.inf)

    def reset(self, state: Mapping[str, Any] | None, budget: float) -> None:
        self.cfg = BeamlineConfig.model_validate(dict(state or {}))
        self.budget = budget
        self.t = 0.0
        self.linkam = Linkam(self.cfg.linkam)
        self._samples = 1
        self.rec = Recorder(self._initial_values())
        self._ops: dict[str, Callable[..., Any]] = {
            "sleep": self._sleep,
            "put": self._put,
            "read": self._read,
            "expose": self._expose,
            "call": self._call,
        }

    def _initial_values(self) -> dict[str, Any]:
        c = self.cfg
        values: dict[str, Any] = {pvs.MOTORS[k]: m.position for k, m in c.motors.items()}
        for det in pvs.DETECTORS:
            values |= {pvs.cam(det, "AcquireTime"): 0.0, pvs.cam(det, "AcquirePeriod"): 0.0}
            values |= {pvs.cam(det, "NumImages"): 1, pvs.cam(det, "Acquire"): 0}
        values |= {
            pvs.LINKAM_SETPOINT: c.linkam.setpoint,
            pvs.LINKAM_RATE: c.linkam.rate,
            pvs.LINKAM_HEATER: int(c.linkam.heater),
            pvs.LINKAM_TEMP: round(c.linkam.temperature, TEMP_DIGITS),
            pvs.SHUTTER: c.beam.shutter,
            pvs.TRANSMISSION: c.beam.transmission,
            pvs.ENERGY: c.beam.energy,
        }
        return values

    @property
    def now(self) -> float:
        return self.t

    def handle(self, op: str, args: Mapping[str, Any]) -> Any:
        method = self._ops.get(op) if isinstance(op, str) else None
        if method is None or not isinstance(args, Mapping):
            raise CommandError(f"unknown command {op!r}")
        if op != "sleep":  # the command reaches the instrument one round trip after it is issued
            self._advance(self.t + self.cfg.control.round_trip)
        try:
            _signature(method.__func__).bind(**args)
        except TypeError as exc:
            raise CommandError(f"bad arguments for {op}: {exc}") from None
        return method(**args)

    # --- time -------------------------------------------------------------------------------------------
    def _advance(self, target: float) -> None:
        """Move the clock to `target`, sampling the measured temperature on a fixed grid."""
        over = target > self.budget
        end = min(target, self.budget)
        period = self.cfg.linkam.sample_period
        while self._samples * period <= end:
            at = self._samples * period
            self.linkam.evolve(at - self.t)
            self.t = at
            self.rec.put(pvs.LINKAM_TEMP, at, round(self.linkam.temperature, TEMP_DIGITS))
            self._samples += 1
        self.linkam.evolve(end - self.t)
        self.t = max(self.t, end)
        if over:
            raise BudgetExceeded(f"virtual-time budget of {self.budget:g} s exhausted")

    def finish(self) -> None:
        self._advance(self.t)

    def _sleep(self, seconds: Any) -> None:
        seconds = _number(seconds, "sleep time")
        if seconds < 0:
            raise CommandError("sleep length must be non-negative")
        self._advance(self.t + seconds)

    # --- PVs --------------------------------------------------------------------------------------------
    def _refuse(self, pv: str, requested: Any, limits: tuple[float, float], what: str) -> None:
        message = f"{what} {requested!r} outside limits [{limits[0]:g}, {limits[1]:g}] ({pv})"
        self.rec.safety(self.t, pv, message, requested, list(limits))
        raise SafetyRefusal(message)

    def _check(self, pv: str, value: float, limits: tuple[float, float], what: str) -> None:
        if not limits[0] <= value <= limits[1]:
            self._refuse(pv, value, limits, what)

    def _put(self, pv: Any, value: Any) -> Any:
        if not isinstance(pv, str):
            raise CommandError("pv must be a string")
        if pv in MOTOR_OF_PV:
            return self._move(MOTOR_OF_PV[pv], _number(value, pv))
        for det, prefix in pvs.DETECTORS.items():
            if pv.startswith(prefix) and pv[len(prefix) :] in pvs.CAM_FIELDS:
                return self._put_cam(det, pv[len(prefix) :], value)
        return self._put_other(pv, value)

    def _move(self, motor: str, target: float) -> float:
        m = self.cfg.motors[motor]
        pv = pvs.MOTORS[motor]
        self._check(pv, target, (m.low, m.high), f"{motor} soft limit: position")
        start = self.rec.values[pv]
        self.rec.put(pv, self.t, target)
        self._advance(self.t + abs(target - start) / m.velocity)
        return target

    def _put_cam(self, det: str, field: str, value: Any) -> Any:
        pv = pvs.cam(det, field)
        d = self.cfg.detector
        if field == "Acquire":
            if _number(value, pv) not in (0, 1):
                raise CommandError("Acquire takes 0 or 1")
            if value:
                self._expose([det])
            return int(value)
        v = _number(value, pv)
        if field == "NumImages":
            if v != int(v):
                raise CommandError("NumImages must be an integer")
            self._check(pv, v, (1, d.max_images), f"{det} number of images")
            self.rec.put(pv, self.t, int(v))
            return int(v)
        limit = d.max_exposure if field == "AcquireTime" else d.max_exposure + pvs.READOUT
        self._check(pv, v, (0.0, limit), f"{det} {field}")
        self.rec.put(pv, self.t, v)
        return v

    def _put_other(self, pv: str, value: Any) -> Any:
        lk = self.cfg.linkam
        v = _number(value, pv)
        if pv == pvs.LINKAM_SETPOINT:
            self._check(pv, v, (lk.min_temperature, lk.max_temperature), "Linkam setpoint (deg C)")
            self.linkam.setpoint = v
        elif pv == pvs.LINKAM_RATE:
            self._check(pv, v, (lk.min_rate, lk.max_rate), "Linkam ramp rate (deg C/min)")
            self.linkam.rate = v
        elif pv in (pvs.LINKAM_HEATER, pvs.SHUTTER):
            if v not in (0, 1):
                raise CommandError(f"{pv} takes 0 or 1")
            v = int(v)
            if pv == pvs.LINKAM_HEATER:
                self.linkam.heater = bool(v)
        elif pv == pvs.TRANSMISSION:
            self._check(pv, v, (0.0, 1.0), "transmission")
        else:
            raise CommandError(f"{pv!r} is not a writable PV of this twin")
        self.rec.put(pv, self.t, v)
        return v

    def _read(self, pv: Any) -> Any:
        if pv == pvs.LINKAM_TEMP:
            return round(self.linkam.temperature, TEMP_DIGITS)
        if pv == pvs.BEAM_INTENSITY:
            return self._intensity()
        if not isinstance(pv, str) or pv not in self.rec.values:
            raise CommandError(f"unknown PV {pv!r}")
        return self.rec.values[pv]

    def _intensity(self) -> float:
        """Direct beam past the sample: a height knife-edge times a rocking peak at the surface tilt."""
        s, v = self.cfg.sample, self.rec.values
        edge = 0.5 * math.erfc((v[pvs.MOTORS["smy"]] - s.height) / s.edge_width)
        rocking = math.exp(-(((v[pvs.MOTORS["sth"]] - s.tilt) / s.rocking_width) ** 2))
        return round(self.cfg.beam.flux * v[pvs.TRANSMISSION] * edge * (0.5 + 0.5 * rocking), 6)

    def _expose(self, detectors: Any) -> float:
        """Expose the detectors together: Acquire 1, wait out the frames, Acquire 0."""
        if not isinstance(detectors, list) or not detectors or any(
            not isinstance(d, str) or d not in pvs.DETECTORS for d in detectors
        ):
            raise CommandError(f"detectors must be a non-empty list of {sorted(pvs.DETECTORS)}")
        detectors = list(dict.fromkeys(detectors))
        v = self.rec.values
        durations = []
        for det in detectors:
            exposure, period = v[pvs.cam(det, "AcquireTime")], v[pvs.cam(det, "AcquirePeriod")]
            durations.append(exposure + (v[pvs.cam(det, "NumImages")] - 1) * max(exposure, period))
            self.rec.put(pvs.cam(det, "Acquire"), self.t, 1, always=True)
        self._advance(self.t + max(durations))
        for det in detectors:
            self.rec.put(pvs.cam(det, "Acquire"), self.t, 0, always=True)
        return self._intensity()

    def _call(self, name: Any, args: Any) -> None:
        if name not in CALLS or not isinstance(args, dict) or not _json_like(args):
            raise CommandError(f"unknown call event {name!r} or arguments that are not plain data")
        self.rec.call(name, self.t, args)

    # --- results ----------------------------------------------------------------------------------------
    def events(self) -> list[Event]:
        return list(self.rec.events)

    def recorded(self) -> tuple[int, int]:
        return len(self.rec.events), self.rec.size

    def safety_events(self) -> list[Event]:
        return [e for e in self.rec.events if e.channel == SAFETY_CHANNEL]

    def final_state(self) -> dict[str, Any]:
        state = dict(self.rec.values)
        state[pvs.LINKAM_TEMP] = round(self.linkam.temperature, TEMP_DIGITS)
        return state
