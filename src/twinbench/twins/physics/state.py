"""Where each part of a MuJoCo state vector lies: the layout both sides of the sandbox agree on.

The program side reads the state with `mj_getState(..., SPEC)` before and after every step and sends the
elements that changed; the trusted side applies them by the same indices to its own data.
"""

from __future__ import annotations

import mujoco
import numpy as np

SPEC = int(mujoco.mjtState.mjSTATE_INTEGRATION)
# The single-bit parts of SPEC in the order mj_getState writes them, by their lower-case names.
PARTS = tuple(
    (name.removeprefix("mjSTATE_").lower(), int(bit))
    for name, bit in mujoco.mjtState.__members__.items()
    if int(bit) & SPEC and int(bit) & (int(bit) - 1) == 0
)
INPUTS = frozenset({"ctrl", "qfrc_applied", "xfrc_applied", "eq_active", "mocap_pos", "mocap_quat", "userdata"})


def layout(model: mujoco.MjModel) -> list[tuple[str, int, int]]:
    """(part, offset, size) of every part of the state vector of `model`, in order."""
    parts, offset = [], 0
    for name, bit in PARTS:
        size = mujoco.mj_stateSize(model, bit)
        parts.append((name, offset, size))
        offset += size
    return parts


def state_size(model: mujoco.MjModel) -> int:
    return mujoco.mj_stateSize(model, SPEC)


def get_state(model: mujoco.MjModel, data: mujoco.MjData, out: np.ndarray | None = None) -> np.ndarray:
    """The full state vector (time, positions, velocities, inputs...) of `data`."""
    if out is None:
        out = np.empty(state_size(model))
    mujoco.mj_getState(model, data, out, SPEC)
    return out


def set_state(model: mujoco.MjModel, data: mujoco.MjData, state: np.ndarray) -> None:
    mujoco.mj_setState(model, data, state, SPEC)


NON_FINITE = {"nan": float("nan"), "inf": float("inf"), "-inf": float("-inf")}


def encode_values(values: np.ndarray) -> list[float | str]:
    """Numbers as they cross the sandbox boundary: non-finite ones as the strings "nan", "inf", "-inf"."""
    if np.isfinite(values).all():
        return values.tolist()
    return [v if np.isfinite(v) else ("nan" if np.isnan(v) else ("inf" if v > 0 else "-inf"))
            for v in values.tolist()]
