"""The program side of the physics twin: plain MuJoCo, every simulation recorded for the trusted side.

Imported once by the sandbox zygote, so `import mujoco` costs a program nothing. `namespace(channel)` patches
the `mujoco` module inside the program's own process: a model built by `MjModel.from_xml_string`,
`MjModel.from_xml_path` or `MjSpec.compile` is registered with its XML; each `mujoco.mj_step` first notes
what changed since the previous step (model parameters, state, inputs), then steps, and the log goes to the
trusted side in bounded chunks (`end()` sends the rest when the program ends). Nothing here is trusted: the
trusted side compiles the XML itself and re-simulates the log; a program that bypasses or edits this
recording only changes what it sends, never what the trusted simulation does with it.
"""

from __future__ import annotations

import math
from typing import Any

import mujoco
import numpy as np
from mujoco.introspect import structs

from twinbench.twins.link import Channel, Link
from twinbench.twins.physics import fields, mjcf, state


class SimulationError(RuntimeError):
    """The trusted side stopped the simulation (unstable: NaN or huge values, a full constraint arena)."""


ERRORS: dict[str, type[Exception]] = {"safety": SimulationError}
XML_CHUNK = 8192  # characters per frame (JSON may write a character as 6 bytes)
LOG_BYTES = 24 * 1024  # estimated frame size at which the log is sent
VALUE_BYTES = 32  # a generous estimate of one number (or index) in a frame
FLUSH_STEPS = 4096  # steps after which the log is sent even when nothing changed (the step budget sees them)
CHUNK = 512  # values per record
NOTHING = np.zeros(0, dtype=np.int64)

_ORIGINAL: dict[str, Any] = {}
_recorder: Recorder | None = None


class _Memory:
    """Exposes `nbytes` at `address` as a read-only uint8 array, keeping `owner` (whose memory it is) alive."""

    def __init__(self, address: int, nbytes: int, owner: Any):
        self.owner = owner
        self.__array_interface__ = {"data": (address, True), "shape": (nbytes,), "typestr": "|u1", "version": 3}


def _address(array: np.ndarray) -> int:
    return array.__array_interface__["data"][0]


def _option_offsets() -> tuple[dict[str, int], int]:
    """Byte offset of every field of the C struct mjOption, and its size (from MuJoCo's own introspection)."""
    offsets, offset = {}, 0
    for f in structs.STRUCTS["mjOption"].fields:
        kind = str(f.type)
        size = 4 if kind.startswith("int") else 8 * (int(kind.split("[")[1].rstrip("]")) if "[" in kind else 1)
        offset += -offset % min(size, 8)
        offsets[f.name] = offset
        offset += size
    return offsets, offset


OPTION_OFFSETS, OPTION_SIZE = _option_offsets()


def _option_span(model: mujoco.MjModel) -> tuple[int, int]:
    """Address and size of the model's mjOption struct, checked against the values the bindings read."""
    start = _address(model.opt.gravity) - OPTION_OFFSETS["gravity"]
    view = np.asarray(_Memory(start, OPTION_SIZE, model))
    timestep, integrator = OPTION_OFFSETS["timestep"], OPTION_OFFSETS["integrator"]
    if view[timestep:timestep + 8].view(np.float64)[0] != model.opt.timestep or (
        view[integrator:integrator + 4].view(np.int32)[0] != model.opt.integrator
    ):
        raise RuntimeError("unexpected mjOption layout in this MuJoCo version")
    return start, OPTION_SIZE


def _estimate(record: list[Any]) -> int:
    """A generous estimate of a record's size in a frame."""
    return 16 + VALUE_BYTES * sum(len(part) for part in record if isinstance(part, list))


# The model's arrays in the order MuJoCo lays them out in its one buffer (the C struct's pointer fields).
ARRAYS = [f.name for f in structs.STRUCTS["mjModel"].fields
          if type(f.type).__name__ == "PointerType" and f.name not in ("buffer", "names", "paths", "text_data")]


class _ModelWatch:
    """A program's model: its XML, and what the trusted side knows of its parameters (to send only changes).

    Every array of an MjModel lies in one buffer: a change anywhere is found by comparing its bytes."""

    def __init__(self, model: mujoco.MjModel, xml: str, baseline: _ModelWatch | None = None):
        self.key = -1  # numbered when first sent
        self.model = model
        self.xml = xml
        self.sent = False
        first = next(a for a in ARRAYS if getattr(model, a).size)
        last = getattr(model, next(a for a in reversed(ARRAYS) if getattr(model, a).size))
        self.low = _address(getattr(model, first))
        self.buffer = np.asarray(_Memory(self.low, _address(last) + last.nbytes - self.low, model))
        self.options = np.asarray(_Memory(*_option_span(model), model))
        self.table: tuple[np.ndarray, list[tuple[str, np.ndarray, int]]] | None = None
        # As compiled from the XML (a copy starts from its source's): what the trusted side builds first.
        self.fresh = baseline.fresh if baseline is not None else (
            self.buffer.tobytes(), self.options.tobytes(), self._option_values())
        self.synced, self.synced_options, self.synced_values = self.fresh

    def _option_values(self) -> dict[str, np.ndarray]:
        return {name: np.atleast_1d(np.array(getattr(self.model.opt, name), dtype=np.float64))
                for name in OPTION_OFFSETS}

    def _arrays(self) -> tuple[np.ndarray, list[tuple[str, np.ndarray, int]]]:
        """Offsets in the buffer and (name, array, offset) of every non-empty array (found once, when needed)."""
        if self.table is None:
            arrays = [(name, value, _address(value) - self.low) for name in ARRAYS
                      if (value := getattr(self.model, name)).size]
            self.table = np.array([a[2] for a in arrays]), arrays
        return self.table

    def edits(self) -> list[list[Any]]:
        """Records of every parameter changed since the last call (EditRefused for one the twin cannot replay)."""
        out: list[list[Any]] = []
        now = self.buffer.tobytes()
        if now != self.synced:
            starts, arrays = self._arrays()
            changed = np.flatnonzero(np.frombuffer(self.synced, np.uint8) != np.frombuffer(now, np.uint8))
            for i in np.unique(np.searchsorted(starts, changed, side="right") - 1).tolist():
                name, array, start = arrays[i]
                offsets = changed[(changed >= start) & (changed < start + array.nbytes)] - start
                index = np.unique(offsets // array.itemsize)
                out += self._records(name, index, array.reshape(-1)[index].astype(np.float64))
            self.synced = now
        options = self.options.tobytes()
        if options != self.synced_options:
            values = self._option_values()
            for name, value in values.items():
                index = np.flatnonzero(value.view(np.int64) != self.synced_values[name].view(np.int64))
                if len(index):
                    out += self._records(fields.OPT_PREFIX + name, index, value[index])
            self.synced_options, self.synced_values = options, values
        return out

    def _records(self, name: str, index: np.ndarray, values: np.ndarray) -> list[list[Any]]:
        records = []
        for at in range(0, len(index), CHUNK):
            idx, vals = index[at:at + CHUNK].tolist(), values[at:at + CHUNK].tolist()
            fields.check_edit(self.model, name, idx, vals)
            records.append(["edit", self.key, name, idx, vals])
        return records


class _SimWatch:
    """A program's MjData once it has stepped: its state before this step and after the previous one."""

    def __init__(self, key: int, data: mujoco.MjData, model: _ModelWatch):
        self.key = key
        self.data = data
        self.model = model
        size = state.state_size(model.model)
        self.before, self.after = np.empty(size), np.empty(size)
        self.before_bits, self.after_bits = self.before.view(np.int64), self.after.view(np.int64)


class Recorder:
    """The log of everything the program's simulations did, sent over `link` in bounded chunks."""

    def __init__(self, link: Link):
        self.link = link
        self.models: dict[int, _ModelWatch] = {}
        self.sims: dict[int, _SimWatch] = {}
        self.log: list[list[Any]] = []
        self.sizes: list[int] = []  # each record's estimated size in a frame
        self.log_bytes = 0
        self.pending_steps = 0
        self.sent_models = 0

    def built(self, model: mujoco.MjModel, xml: str, baseline: mujoco.MjModel | None = None) -> mujoco.MjModel:
        """Register a model the program built (or copied from `baseline`); ValueError if it cannot be replayed."""
        try:
            mjcf.check_xml(xml)
        except mjcf.ModelTooLarge:
            pass  # a size limit is the trusted side's to enforce (the run ends as `budget`), not the program's error
        source = self.models.get(id(baseline)) if baseline is not None else None
        self.models[id(model)] = _ModelWatch(model, xml, source)
        return model

    def _add(self, record: list[Any]) -> None:
        self.log.append(record)
        self.sizes.append(_estimate(record))
        self.log_bytes += self.sizes[-1]

    def before_step(self, model: mujoco.MjModel, data: mujoco.MjData, nstep: int) -> None:
        watch = self.models.get(id(model))
        if watch is None:
            raise ValueError("twinbench simulates models built with mujoco.MjModel.from_xml_string, "
                             "MjModel.from_xml_path or MjSpec.compile")
        if not watch.sent:
            self._send_model(watch)
        for record in watch.edits():
            self._add(record)
        sim = self.sims.get(id(data))
        if sim is None:
            sim = self.sims[id(data)] = _SimWatch(len(self.sims), data, watch)
            mujoco.mj_getState(model, data, sim.before, state.SPEC)
            self._add(["sim", sim.key, watch.key])
            for at in range(0, len(sim.before), CHUNK):
                self._add(["init", sim.key, at, state.encode_values(sim.before[at:at + CHUNK])])
        elif sim.model is not watch:
            raise ValueError("this MjData was stepped with another model before")
        else:
            mujoco.mj_getState(model, data, sim.before, state.SPEC)
            same = sim.before.tobytes() == sim.after.tobytes()
            changed = NOTHING if same else np.flatnonzero(sim.before_bits != sim.after_bits)
            for at in range(0, len(changed), CHUNK):
                index = changed[at:at + CHUNK]
                self._add(["set", sim.key, index.tolist(), state.encode_values(sim.before[index])])
        last = self.log[-1] if self.log else None
        if last is not None and last[0] == "step" and last[1] == sim.key:
            last[2] += nstep
        else:
            self._add(["step", sim.key, nstep])
        self.pending_steps += nstep

    def after_step(self, model: mujoco.MjModel, data: mujoco.MjData) -> None:
        mujoco.mj_getState(model, data, self.sims[id(data)].after, state.SPEC)
        if self.log_bytes >= LOG_BYTES or self.pending_steps >= FLUSH_STEPS:
            self.flush()

    def _send_model(self, watch: _ModelWatch) -> None:
        self.flush()
        watch.key = self.sent_models
        self.sent_models += 1
        chunks = [watch.xml[at:at + XML_CHUNK] for at in range(0, len(watch.xml), XML_CHUNK)] or [""]
        for i, chunk in enumerate(chunks):
            self.link.call("model", key=watch.key, xml=chunk, last=i == len(chunks) - 1)
        watch.sent = True

    def flush(self) -> None:
        """Send the log recorded so far (the trusted side replies once it has simulated it)."""
        while self.log:
            take, size = 1, self.sizes[0]
            while take < len(self.log) and size + self.sizes[take] <= LOG_BYTES:
                size += self.sizes[take]
                take += 1
            batch, self.log, self.sizes = self.log[:take], self.log[take:], self.sizes[take:]
            self.link.call("log", records=batch)
        self.log_bytes = self.pending_steps = 0


def _recording() -> Recorder:
    if _recorder is None:
        raise RuntimeError("the physics twin's recorder is not connected")
    return _recorder


def _from_xml_string(xml: str, assets: Any = None, vfs: Any = None) -> mujoco.MjModel:
    model = _ORIGINAL["from_xml_string"](xml, assets, vfs)
    return _recording().built(model, xml)


def _from_xml_path(filename: str, assets: Any = None, vfs: Any = None) -> mujoco.MjModel:
    with open(filename, encoding="utf-8") as f:
        xml = f.read()
    return _from_xml_string(xml, assets, vfs)


def _from_binary_path(*args: Any, **kwargs: Any) -> mujoco.MjModel:
    raise ValueError("twinbench simulates MJCF models: use MjModel.from_xml_string or MjSpec")


def _compile(spec: mujoco.MjSpec, *args: Any, **kwargs: Any) -> mujoco.MjModel:
    model = _ORIGINAL["compile"](spec, *args, **kwargs)
    return _recording().built(model, spec.to_xml())


def _recompile(*args: Any, **kwargs: Any) -> Any:
    raise ValueError("twinbench does not replay MjSpec.recompile: compile the spec again and make new MjData")


def _copy(model: mujoco.MjModel, *args: Any) -> mujoco.MjModel:
    copied = _ORIGINAL["__deepcopy__"](model, *args) if args else _ORIGINAL["__copy__"](model)
    recorder = _recording()
    source = recorder.models.get(id(model))
    return recorder.built(copied, source.xml, model) if source is not None else copied


def _mj_step(m: mujoco.MjModel, d: mujoco.MjData, nstep: int = 1) -> None:
    """mujoco.mj_step, recorded."""
    if isinstance(nstep, bool) or not isinstance(nstep, int | np.integer) or nstep < 1:
        raise ValueError("nstep must be a positive integer")
    recorder = _recording()
    recorder.before_step(m, d, int(nstep))
    _ORIGINAL["mj_step"](m, d, int(nstep))
    recorder.after_step(m, d)


def _split_step(*args: Any, **kwargs: Any) -> None:
    raise ValueError("twinbench records mujoco.mj_step; mj_step1/mj_step2 are not supported")


def _patch() -> None:
    """Route the model builders and mj_step of the `mujoco` module through the recorder (this process only)."""
    patches = [
        (mujoco.MjModel, "from_xml_string", staticmethod(_from_xml_string)),
        (mujoco.MjModel, "from_xml_path", staticmethod(_from_xml_path)),
        (mujoco.MjModel, "from_binary_path", staticmethod(_from_binary_path)),
        (mujoco.MjModel, "__copy__", _copy),
        (mujoco.MjModel, "__deepcopy__", _copy),
        (mujoco.MjSpec, "compile", _compile),
        (mujoco.MjSpec, "recompile", _recompile),
        (mujoco, "mj_step", _mj_step),
        (mujoco, "mj_step1", _split_step),
        (mujoco, "mj_step2", _split_step),
    ]
    for owner, name, replacement in patches:
        _ORIGINAL.setdefault(name, getattr(owner, name))
        setattr(owner, name, replacement)


def namespace(channel: Channel) -> dict[str, Any]:
    """Connect the recorder to `channel`; a program starts with `mujoco`, `np`/`numpy` and `math` imported."""
    global _recorder
    _recorder = Recorder(Link(channel, ERRORS))
    _patch()
    return {"__name__": "__main__", "mujoco": mujoco, "np": np, "numpy": np, "math": math}


def end() -> None:
    """The program has ended: send what is still recorded."""
    if _recorder is not None:
        _recorder.flush()
