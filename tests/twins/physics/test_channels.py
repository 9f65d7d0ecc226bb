"""The channel scheme: what is recorded of a model, under which names, and only for named elements."""

import mujoco
import numpy as np

from twinbench.twins.physics.channels import Catalog, continuous_quaternions, is_ball

XML = """<mujoco>
  <compiler angle="radian"/>
  <worldbody>
    <geom name="floor" type="plane" size="5 5 .1"/>
    <body name="post" pos="1 0 0"><geom name="post_geom" type="box" size=".1 .1 .5"/></body>
    <body name="pole" pos="0 0 2">
      <joint name="hinge" axis="0 1 0" damping="0.1" range="-1 1"/>
      <geom name="bob" pos="0 0 -1" size=".05" mass="2"/>
      <body pos="0 0 -1"><joint axis="1 0 0"/><geom size=".01" mass=".1"/></body>
    </body>
    <body name="ball" pos="0 0 3"><freejoint name="free"/><geom type="sphere" size=".1"/></body>
    <body name="hand" mocap="true" pos="0 1 0"/>
  </worldbody>
  <actuator><position name="servo" joint="hinge" kp="20" ctrlrange="-1 1"/><motor joint="hinge"/></actuator>
  <sensor><jointpos name="angle" joint="hinge"/><framepos name="ball_pos" objtype="body" objname="ball"/>
    <jointvel joint="hinge"/></sensor>
</mujoco>"""


def catalog() -> tuple[Catalog, mujoco.MjModel, mujoco.MjData]:
    model = mujoco.MjModel.from_xml_string(XML)
    data = mujoco.MjData(model)
    mujoco.mj_forward(model, data)
    return Catalog(model), model, data


def test_only_named_moving_bodies_joints_and_sensors_are_sampled():
    cat, _, data = catalog()
    assert cat.channels == [
        "body/pole/pos.x", "body/pole/pos.y", "body/pole/pos.z", "body/ball/pos.x", "body/ball/pos.y",
        "body/ball/pos.z", "body/hand/pos.x", "body/hand/pos.y", "body/hand/pos.z",
        "body/pole/quat.w", "body/pole/quat.x", "body/pole/quat.y", "body/pole/quat.z",
        "body/hand/quat.w", "body/hand/quat.x", "body/hand/quat.y", "body/hand/quat.z",
        "joint/hinge/qpos", *(f"joint/free/qpos[{i}]" for i in range(3)),
        "joint/hinge/qvel", *(f"joint/free/qvel[{i}]" for i in range(6)),
        "sensor/angle", "sensor/ball_pos[0]", "sensor/ball_pos[1]", "sensor/ball_pos[2]",
    ]  # no static post, no unnamed body, joint or sensor; no orientation of the ball
    values = dict(zip(cat.channels, cat.sample(data).tolist(), strict=True))
    assert values["body/ball/pos.z"] == 3.0 and values["joint/free/qpos[2]"] == 3.0
    assert values["body/hand/pos.y"] == 1.0


def test_inputs_of_every_element_are_named_unnamed_ones_by_id():
    cat, model, _ = catalog()
    assert cat.input_channels[:2] == ["actuator/servo/ctrl", "actuator/#1/ctrl"]
    assert cat.input_channels[2:5] == ["joint/hinge/qfrc_applied", "joint/#1/qfrc_applied",
                                       "joint/free/qfrc_applied[0]"]
    assert "body/#3/xfrc_applied[5]" in cat.input_channels
    assert len(cat.input_channels) == model.nu + model.nv + 6 * model.nbody


def test_parameters_of_named_elements():
    params = catalog()[0].params()
    assert params["param/opt/integrator"] == "euler" and params["param/opt/gravity.z"] == -9.81
    assert params["param/body/pole/mass"] == 2.0 and params["param/body/pole/parent"] == "world"
    assert params["param/body/pole/pos.z"] == 2.0
    assert params["param/joint/hinge/type"] == "hinge" and params["param/joint/hinge/damping"] == 0.1
    assert params["param/joint/hinge/range.max"] == 1.0 and params["param/joint/free/type"] == "free"
    assert "param/joint/free/axis.x" not in params and "param/joint/free/range.min" not in params
    assert params["param/geom/bob/type"] == "sphere" and params["param/geom/bob/size[0]"] == 0.05
    assert "param/geom/bob/size[1]" not in params and "param/geom/floor/size[0]" not in params
    assert params["param/actuator/servo/gain"] == 20.0 and params["param/actuator/servo/bias[1]"] == -20.0
    assert params["param/actuator/servo/target"] == "hinge" and params["param/actuator/servo/ctrlrange.min"] == -1
    assert params["param/sensor/ball_pos/type"] == "framepos" and params["param/sensor/ball_pos/object"] == "ball"
    assert not any("#" in name for name in params)


def test_state_writes_are_named_by_joint_and_component():
    cat, model, _ = catalog()
    assert cat.write_channel("time", 0) == "write/time"
    assert cat.write_channel("qpos", 0) == "write/joint/hinge/qpos"
    assert cat.write_channel("qpos", 1) == "write/joint/#1/qpos"
    assert cat.write_channel("qpos", 4) == "write/joint/free/qpos[2]"
    assert cat.write_channel("qvel", model.nv - 1) == "write/joint/free/qvel[5]"
    assert cat.write_channel("act", 0) == "write/act[0]"


def test_contacts_between_named_geoms_only():
    cat, model, data = catalog()
    data.qpos[2:5] = [0, 0, 0.05]  # the ball sinks into the floor; its geom has no name
    mujoco.mj_forward(model, data)
    assert data.ncon > 0 and cat.contacts(data) == set()
    model.geom_pos[model.geom("bob").id] = [0, 0, -1.97]  # the bob touches the floor
    mujoco.mj_forward(model, data)
    assert cat.contacts(data) == {"contact/bob|floor"}


def test_quaternions_start_with_w_not_negative_and_then_stay_continuous():
    values = np.array([9.0, -0.5, 0.5, 0.5, 0.5, 0.5, -0.5, 0.5, 0.5])
    continuous_quaternions(values, np.array([1, 5]))
    assert values.tolist() == [9.0, 0.5, -0.5, -0.5, -0.5, 0.5, -0.5, 0.5, 0.5]
    turned = np.array([9.0, -0.1, -0.7, -0.7, 0.1, 0.1, -0.7, 0.7, 0.1])  # both rotated on past w = 0
    continuous_quaternions(turned, np.array([1, 5]), previous=np.array([9.0, 0.1, -0.7, -0.7, -0.1, 0.1, -0.7,
                                                                         0.7, 0.1]))
    assert turned.tolist() == [9.0, -0.1, -0.7, -0.7, 0.1, 0.1, -0.7, 0.7, 0.1]  # close to before: no flip
    flipped = np.array([9.0, 0.1, 0.7, 0.7, -0.1, 0.1, -0.7, 0.7, 0.1])
    continuous_quaternions(flipped, np.array([1, 5]), previous=turned)
    assert flipped.tolist() == [9.0, -0.1, -0.7, -0.7, 0.1, 0.1, -0.7, 0.7, 0.1]  # MuJoCo's sign flip undone


def test_only_a_body_made_of_centred_spheres_is_a_ball_whose_orientation_is_not_recorded():
    bodies = {
        "ball": '<geom type="sphere" size=".1"/><geom type="sphere" size=".05"/>',
        "box": '<geom type="box" size=".1 .1 .1"/>',
        "off_centre": '<geom type="sphere" size=".1" pos="0 0 .05"/>',
        "lopsided": '<inertial pos="0 0 0" mass="1" diaginertia="1 1 2"/><geom type="sphere" size=".1"/>',
        "bare": '<inertial pos="0 0 0" mass="1" diaginertia="1 1 1"/>',
    }
    xml = "<mujoco><worldbody>" + "".join(f'<body name="{n}"><freejoint name="{n}_free"/>{g}</body>'
                                          for n, g in bodies.items()) + "</worldbody></mujoco>"
    model = mujoco.MjModel.from_xml_string(xml)
    assert [n for n in bodies if is_ball(model, model.body(n).id)] == ["ball"]
    cat = Catalog(model)
    assert "body/ball/pos.z" in cat.channels and "body/ball/quat.w" not in cat.channels
    assert "joint/ball_free/qpos[2]" in cat.channels and "joint/ball_free/qpos[3]" not in cat.channels
    assert "joint/ball_free/qvel[5]" in cat.channels  # its spin is still recorded
    assert {"body/box/quat.w", "joint/box_free/qpos[6]", "body/off_centre/quat.w"} <= set(cat.channels)
    data = mujoco.MjData(model)
    data.qpos[model.joint("box_free").qposadr[0] + 3:][:4] = [0, 0, 0, 1]  # w = 0: kept, not flipped
    mujoco.mj_forward(model, data)
    values = dict(zip(cat.channels, cat.sample(data).tolist(), strict=True))
    assert values["body/box/quat.z"] == 1.0 and values["joint/box_free/qpos[6]"] == 1.0
