"""The state layout both sides share: every part where mj_getState writes it."""

import math

import mujoco
import numpy as np

from twinbench.twins.physics import state

XML = """<mujoco><worldbody><body><freejoint/><geom size=".1"/></body>
<body name="hand" mocap="true"/><body><joint name="j" axis="0 1 0"/><geom size=".1"/></body></worldbody>
<actuator><motor joint="j"/></actuator></mujoco>"""


def test_layout_places_every_part_where_mj_getState_writes_it():
    model = mujoco.MjModel.from_xml_string(XML)
    data = mujoco.MjData(model)
    data.time, data.qpos[:], data.ctrl[0], data.mocap_pos[0] = 3.0, np.arange(8) + 10.0, -2.0, [7, 8, 9]
    vector = state.get_state(model, data)
    parts = {name: (offset, size) for name, offset, size in state.layout(model)}
    assert sum(size for _, size in parts.values()) == len(vector) == state.state_size(model)
    at = {name: vector[offset:offset + size] for name, (offset, size) in parts.items()}
    assert at["time"].tolist() == [3.0]
    assert at["qpos"].tolist() == (np.arange(8) + 10.0).tolist()
    assert at["ctrl"].tolist() == [-2.0]
    assert at["mocap_pos"].tolist() == [7, 8, 9]


def test_set_state_round_trips():
    model = mujoco.MjModel.from_xml_string(XML)
    data, other = mujoco.MjData(model), mujoco.MjData(model)
    data.qvel[:] = np.linspace(-1, 1, model.nv)
    state.set_state(model, other, state.get_state(model, data))
    assert other.qvel.tolist() == data.qvel.tolist()


def test_non_finite_values_cross_as_strings():
    values = state.encode_values(np.array([1.5, math.nan, math.inf, -math.inf]))
    assert values == [1.5, "nan", "inf", "-inf"]
    assert [state.NON_FINITE[v] if isinstance(v, str) else v for v in values][3] == -math.inf
    assert state.encode_values(np.array([0.25])) == [0.25]
