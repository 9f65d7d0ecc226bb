"""The trusted side of the physics twin: compiles the program's MJCF itself and re-simulates its log with MuJoCo.

Commands (sent by `client.py`): `model` (key, xml, last): a chunk of a model's XML, compiled at the last one;
`log` (records): what the program did, in order:

    ["sim", sim, model]              a new MjData of a compiled model
    ["init", sim, offset, values]    its initial state (mj_getState layout, see `state.py`)
    ["set", sim, index, values]      state elements the program set before a step (inputs, or writes)
    ["step", sim, n]                 n calls of mj_step
    ["edit", model, field, index, values]   a model parameter changed (see `fields.py`)

The trace is recorded from this side's own simulation; the program's claims are never read as results.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import mujoco
import numpy as np

from twinbench.trace.model import Event
from twinbench.twins.physics import fields, mjcf
from twinbench.twins.physics.channels import Catalog
from twinbench.twins.physics.config import PhysicsConfig
from twinbench.twins.physics.sim import Allowance, Sim
from twinbench.twins.physics.state import NON_FINITE
from twinbench.twins.protocol import CommandError, LimitExceeded, SafetyRefusal
from twinbench.twins.recorder import Recorder

MAX_INDEX = 1 << 31


def _quiet(message: str) -> None:
    """MuJoCo's warnings are read from each MjData's counters: never printed, never written to MUJOCO_LOG.TXT."""


mujoco.set_mju_user_warning(_quiet)


def _int(value: Any, what: str, low: int = 0, high: int = MAX_INDEX) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value < high:
        raise CommandError(f"{what} must be an integer in [{low}, {high}), got {value!r}")
    return value


def _values(values: Any, what: str) -> np.ndarray:
    """Numbers, with non-finite ones as the strings "nan", "inf", "-inf"."""
    if not isinstance(values, list):
        raise CommandError(f"{what} must be a list")
    out = np.empty(len(values))
    for i, v in enumerate(values):
        if isinstance(v, str) and v in NON_FINITE:
            out[i] = NON_FINITE[v]
        elif isinstance(v, int | float) and not isinstance(v, bool):
            out[i] = v
        else:
            raise CommandError(f"{what} holds {v!r}, not a number")
    return out


def _index(index: Any, what: str) -> np.ndarray:
    if not isinstance(index, list):
        raise CommandError(f"{what} must be a list")
    return np.array([_int(i, what) for i in index], dtype=np.int64)


def _caps(model: mujoco.MjModel, cfg: PhysicsConfig) -> None:
    for name, cap in cfg.caps.model_dump(exclude={"xml_bytes", "elements"}).items():
        if getattr(model, name) > cap:
            raise LimitExceeded(f"the model's {name} of {getattr(model, name)} exceeds the twin's limit of {cap}")


class PhysicsSimulator:
    """MuJoCo simulations, replayed from what the program sent (its budget is in simulation steps).
    Commands: model, log."""

    def __init__(self) -> None:
        self.reset(None, math.inf)

    def reset(self, state: Mapping[str, Any] | None, budget: float) -> None:
        self.cfg = PhysicsConfig.model_validate(dict(state or {}))
        self.rec = Recorder({})
        self.budget = Allowance(self.cfg, budget, self.rec)
        self.models: list[tuple[mujoco.MjModel, Catalog]] = []
        self.xml: list[str] = []
        self.sims: list[Sim] = []
        self.failure: str | None = None

    @property
    def now(self) -> float:
        return max((float(s.data.time) for s in self.sims if s.started), default=0.0)

    def handle(self, op: str, args: Mapping[str, Any]) -> Any:
        if self.failure is not None:
            raise SafetyRefusal(self.failure)
        try:
            if op == "model" and set(args) == {"key", "xml", "last"}:
                return self._model(args["key"], args["xml"], args["last"])
            if op == "log" and set(args) == {"records"} and isinstance(args["records"], list):
                for record in args["records"]:
                    self._record(record)
                return None
        except SafetyRefusal as exc:
            self.failure = str(exc)
            raise
        raise CommandError(f"unknown command {op!r} or wrong arguments")

    # --- models ---------------------------------------------------------------------------------------
    def _model(self, key: Any, xml: Any, last: Any) -> None:
        if key != len(self.models) or not isinstance(xml, str) or not isinstance(last, bool):
            raise CommandError("a model chunk is (the next model's key, a string, last: bool)")
        if key >= self.cfg.max_models:
            raise LimitExceeded(f"more than {self.cfg.max_models} models")
        self.xml.append(xml)
        text = "".join(self.xml)
        if len(text.encode(errors="replace")) > self.cfg.caps.xml_bytes:
            raise LimitExceeded(f"model XML over {self.cfg.caps.xml_bytes} bytes")
        if not last:
            return
        self.xml = []
        try:
            mjcf.check_xml(text, self.cfg.caps.xml_bytes, self.cfg.caps.elements, self.cfg.caps.nflexvert)
        except mjcf.ModelTooLarge as exc:
            raise LimitExceeded(str(exc)) from None
        except mjcf.ModelRefused as exc:
            raise CommandError(f"model refused: {exc}") from None
        try:
            model = mujoco.MjModel.from_xml_string(text)
        except ValueError as exc:
            raise CommandError(f"the model does not compile: {str(exc)[:500]}") from None
        _caps(model, self.cfg)
        self.models.append((model, Catalog(model)))

    # --- the log --------------------------------------------------------------------------------------
    def _record(self, record: Any) -> None:
        if not isinstance(record, list) or not record or not isinstance(record[0], str):
            raise CommandError("a log record is a list starting with its kind")
        kind, rest = record[0], record[1:]
        if kind == "edit" and len(rest) == 4:
            self._edit(*rest)
        elif kind == "sim" and len(rest) == 2:
            self._new_sim(*rest)
        elif kind in ("init", "set", "step") and len(rest) in (2, 3):
            sim = self.sims[_int(rest[0], "sim", 0, len(self.sims))]
            try:
                if kind == "init" and len(rest) == 3:
                    sim.init(_int(rest[1], "offset"), _values(rest[2], "initial state"))
                elif kind == "set" and len(rest) == 3:
                    index, values = _index(rest[1], "state index"), _values(rest[2], "state values")
                    if len(index) != len(values):
                        raise CommandError("as many state indices as values")
                    sim.set(index, values)
                elif kind == "step" and len(rest) == 2:
                    sim.run(_int(rest[1], "steps", 1), self.budget)
                else:
                    raise CommandError(f"malformed {kind} record")
            except ValueError as exc:
                raise CommandError(str(exc)) from None
        else:
            raise CommandError(f"unknown or malformed log record {kind!r}")

    def _new_sim(self, key: Any, model: Any) -> None:
        if key != len(self.sims):
            raise CommandError("simulations are numbered in order")
        if key >= self.cfg.max_sims:
            raise LimitExceeded(f"more than {self.cfg.max_sims} simulations")
        compiled, catalog = self.models[_int(model, "model", 0, len(self.models))]
        prefix = f"sim{key}/" if key else ""
        self.sims.append(Sim(prefix, compiled, catalog, self.rec, self.cfg.sample_period))

    def _edit(self, key: Any, field: Any, index: Any, values: Any) -> None:
        model, _ = self.models[_int(key, "model", 0, len(self.models))]
        try:
            fields.check_edit(model, field, index, values)
        except fields.EditRefused as exc:
            raise CommandError(str(exc)) from None
        fields.apply_edit(model, field, index, values)
        for sim in self.sims:
            if sim.model is model:
                sim.edited(field, index, values)

    # --- results --------------------------------------------------------------------------------------
    def finish(self) -> None:
        for sim in self.sims:
            try:
                sim.finish()
            except SafetyRefusal:
                pass  # recorded as a warning event

    def events(self) -> list[Event]:
        return list(self.rec.events)

    def recorded(self) -> tuple[int, int]:
        return len(self.rec.events), self.rec.size

    def safety_events(self) -> list[Event]:
        return []  # no safety limits: an unstable simulation is the program's error (a `warning/...` event)

    def final_state(self) -> dict[str, Any]:
        """Each simulation's time and the last recorded value of every channel but the parameters."""
        state: dict[str, Any] = {}
        for sim in self.sims:
            if sim.started:
                state[f"{sim.prefix}time"] = float(sim.data.time)
                state |= dict(zip(sim.channels, sim.last_values.tolist(), strict=True))
        return state | {channel: v for channel, v in self.rec.values.items() if "param/" not in channel}
