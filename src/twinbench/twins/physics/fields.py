"""Which model parameters a program may change after compiling, and how such a change is applied.

Float parameters (masses, sizes, damping, gains, ...), collision bitmasks and the simulation options can
change between steps; integer structure (joint types, addresses, counts) cannot: replaying such a change
could make MuJoCo read outside its arrays. Both sides use these checks.
"""

from __future__ import annotations

import math
from typing import Any

import mujoco
import numpy as np

INT_FIELDS = frozenset({"geom_contype", "geom_conaffinity"})
INT32_MAX = (1 << 31) - 1
OPT_INTS = {
    "integrator": (0, len(mujoco.mjtIntegrator.__members__) - 1),
    "cone": (0, len(mujoco.mjtCone.__members__) - 1),
    "jacobian": (0, len(mujoco.mjtJacobian.__members__) - 1),
    "solver": (0, len(mujoco.mjtSolver.__members__) - 1),
    "iterations": (0, 10_000),
    "ls_iterations": (0, 10_000),
    "noslip_iterations": (0, 10_000),
    "ccd_iterations": (0, 10_000),
    "sdf_initpoints": (0, 1000),
    "sdf_iterations": (0, 1000),
    "disableflags": (0, INT32_MAX),
    "enableflags": (0, INT32_MAX),
    "disableactuator": (0, INT32_MAX),
}
OPT_PREFIX = "opt."


class EditRefused(ValueError):
    """A change to the model that the twin does not replay."""


def target(model: mujoco.MjModel, field: str) -> np.ndarray | None:
    """The array a field name designates (`body_mass`, `opt.gravity`), or None for a scalar option."""
    owner, name = (model.opt, field.removeprefix(OPT_PREFIX)) if field.startswith(OPT_PREFIX) else (model, field)
    value = getattr(owner, name)
    return value if isinstance(value, np.ndarray) else None


def _size(model: mujoco.MjModel, field: str) -> int:
    """How many elements an editable field has; EditRefused for any other field."""
    option = field.removeprefix(OPT_PREFIX) if field.startswith(OPT_PREFIX) else None
    name = option if option is not None else field
    value = None if name.startswith("_") else getattr(model.opt if option is not None else model, name, None)
    if isinstance(value, np.ndarray) and (value.dtype.kind == "f" or field in INT_FIELDS):
        return value.size
    if option is not None and (isinstance(value, float) or option in OPT_INTS):
        return 1
    raise EditRefused(f"model.{field} cannot change after compiling (only float parameters, collision bitmasks "
                      "and options are replayed)")


def check_edit(model: mujoco.MjModel, field: Any, index: Any, values: Any) -> None:
    """Raise EditRefused unless setting `field.flat[index] = values` is a change the twin replays."""
    if not isinstance(field, str) or not isinstance(index, list) or not isinstance(values, list):
        raise EditRefused("an edit names a field, a list of indices and a list of values")
    if len(index) != len(values) or not index:
        raise EditRefused(f"edit of {field}: as many indices as values, at least one")
    size = _size(model, field)
    integer = field in INT_FIELDS or field.removeprefix(OPT_PREFIX) in OPT_INTS
    low, high = OPT_INTS.get(field.removeprefix(OPT_PREFIX), (0, INT32_MAX))
    for i, v in zip(index, values, strict=True):
        if isinstance(i, bool) or not isinstance(i, int) or not 0 <= i < size:
            raise EditRefused(f"index {i!r} out of range for model.{field}")
        if isinstance(v, bool) or not isinstance(v, int | float) or not math.isfinite(v):
            raise EditRefused(f"model.{field} takes finite numbers, got {v!r}")
        if integer and (v != int(v) or not low <= v <= high):
            raise EditRefused(f"model.{field} takes integers in [{low}, {high}]")
    if field == "opt.timestep" and not 0 < values[0] <= 1:
        raise EditRefused("model.opt.timestep must be in (0, 1] seconds")


def apply_edit(model: mujoco.MjModel, field: str, index: list[int], values: list[float]) -> None:
    """Apply a checked edit."""
    array = target(model, field)
    if array is None:
        option = field.removeprefix(OPT_PREFIX)
        setattr(model.opt, option, int(values[0]) if option in OPT_INTS else float(values[0]))
    else:
        array.flat[index] = values
