"""Which model changes after compiling the twin replays, on both sides of the sandbox."""

import mujoco
import pytest

from twinbench.twins.physics.fields import EditRefused, apply_edit, check_edit

XML = """<mujoco><worldbody><body name="pole"><joint name="hinge" axis="0 1 0"/><geom size=".1" mass="1"/></body>
</worldbody></mujoco>"""


@pytest.fixture
def model():
    return mujoco.MjModel.from_xml_string(XML)


@pytest.mark.parametrize(("field", "index", "values", "read"), [
    ("body_mass", [1], [2.5], lambda m: m.body_mass[1]),
    ("dof_damping", [0], [0.3], lambda m: m.dof_damping[0]),
    ("geom_size", [0], [0.2], lambda m: m.geom_size[0][0]),
    ("geom_contype", [0], [2], lambda m: m.geom_contype[0]),
    ("opt.timestep", [0], [0.001], lambda m: m.opt.timestep),
    ("opt.gravity", [2], [-1.62], lambda m: m.opt.gravity[2]),
    ("opt.integrator", [0], [1.0], lambda m: m.opt.integrator),
])
def test_float_parameters_bitmasks_and_options_are_replayed(model, field, index, values, read):
    check_edit(model, field, index, values)
    apply_edit(model, field, index, values)
    assert read(model) == values[0]


@pytest.mark.parametrize(("field", "index", "values"), [
    ("jnt_qposadr", [0], [1000]),
    ("jnt_type", [0], [0]),
    ("body_parentid", [1], [5]),
    ("body_mass", [7], [1.0]),
    ("body_mass", [-1], [1.0]),
    ("body_mass", [1], [float("nan")]),
    ("body_mass", [1], ["nan"]),
    ("body_mass", [1], [True]),
    ("body_mass", [1, 1], [1.0]),
    ("opt.timestep", [0], [0.0]),
    ("opt.integrator", [0], [9]),
    ("opt.iterations", [0], [2.5]),
    ("__class__", [0], [1.0]),
    ("opt.__class__", [0], [1.0]),
    ("bind", [0], [1.0]),
    ("no_such_field", [0], [1.0]),
    (5, [0], [1.0]),
])
def test_structure_bad_indices_and_bad_values_are_refused(model, field, index, values):
    with pytest.raises(EditRefused):
        check_edit(model, field, index, values)
