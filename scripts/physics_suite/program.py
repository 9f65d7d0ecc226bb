"""One turn of a physics task and its two reference programs: the model as an MJCF string, and the same model
built with `mujoco.MjSpec` in code (or, for flexcomp models, `MjSpec.from_string` with the options set in code)."""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from typing import Any

import mujoco
import numpy as np

from physics_suite.mjcf import E, num, option_lines, spec_lines, to_xml

HEADER = ["import mujoco", "import numpy as np", ""]


@dataclass
class Turn:
    """What a turn asks for (`instruction`) and the program that does it: a model, statements before it
    (`setup`: constants, helpers), initial-state writes (`init`) and statements run before every step
    (`control`), stepped until `duration` seconds of simulated time."""

    instruction: str
    model: E
    duration: float
    init: list[str] = field(default_factory=list)
    control: list[str] = field(default_factory=list)
    setup: list[str] = field(default_factory=list)
    difficulty: str = "simple"
    tags: list[str] = field(default_factory=list)
    horizon: float | None = None  # chaotic: trajectories are scored up to this simulated time (scoring.horizon)
    scoring: dict[str, Any] = field(default_factory=dict)  # the task's own scoring overrides
    from_string: bool = False  # second reference: MjSpec.from_string(XML) with options set in code


def _tail(turn: Turn) -> list[str]:
    lines = ["data = mujoco.MjData(model)", *turn.init, f"while data.time < {num(turn.duration)}:"]
    return lines + [f"    {line}" for line in turn.control] + ["    mujoco.mj_step(model, data)"]


def _xml_block(root: E) -> list[str]:
    return ['XML = """', to_xml(root), '"""', ""]


def _setup(turn: Turn) -> list[str]:
    """The setup lines and the blank lines after them (two after a function definition)."""
    if not turn.setup:
        return []
    return [*turn.setup, "", ""] if any(line.startswith("def ") for line in turn.setup) else [*turn.setup, ""]


def xml_reference(turn: Turn) -> str:
    lines = HEADER + _xml_block(turn.model) + _setup(turn) + ["model = mujoco.MjModel.from_xml_string(XML)"]
    return "\n".join(lines + _tail(turn)) + "\n"


def spec_reference(turn: Turn) -> str:
    if turn.from_string:
        root = copy.deepcopy(turn.model)
        option = root.find("option")
        root.children = [c for c in root.children if c.tag != "option"]
        options = option_lines(option) if option else []
        build = ["spec = mujoco.MjSpec.from_string(XML)", *options, "model = spec.compile()"]
        lines = HEADER + _xml_block(root) + _setup(turn) + build
    else:
        lines = HEADER + _setup(turn) + spec_lines(turn.model)
    return "\n".join(lines + _tail(turn)) + "\n"


def _build(program: str) -> mujoco.MjModel:
    """The model a reference builds (everything before `data = mujoco.MjData(model)`)."""
    head = program.split("data = mujoco.MjData(model)")[0]
    namespace: dict = {}
    exec(compile(head, "<reference>", "exec"), namespace)  # trusted: the generator's own output
    return namespace["model"]


def same_model(a: str, b: str) -> list[str]:
    """The model arrays on which two references' models differ (empty: the same model)."""
    ma, mb = _build(a), _build(b)
    diffs = []
    for name in dir(ma):
        va, vb = getattr(ma, name, None), getattr(mb, name, None)
        if isinstance(va, np.ndarray) and name != "names":
            if va.shape != vb.shape or not np.allclose(va, vb, equal_nan=True, atol=1e-9):
                diffs.append(name)
    for section in ("opt",):
        for key in dir(getattr(ma, section)):
            va, vb = getattr(getattr(ma, section), key), getattr(getattr(mb, section), key)
            if isinstance(va, np.ndarray | float | int) and not np.allclose(va, vb):
                diffs.append(f"{section}.{key}")
    return diffs
