# expect: ok
# Changes the bob's mass and the damping after the model was sent, hoping the change goes unseen.
import mujoco

XML = """<mujoco><option timestep="0.002"/><worldbody><body name="pole" pos="0 0 1">
<joint name="hinge" type="hinge" axis="0 1 0" damping="0.02"/>
<geom name="rod" type="capsule" fromto="0 0 0 0 0 -1" size="0.01" mass="0"/>
<geom name="bob" type="sphere" pos="0 0 -1" size="0.05" mass="1"/></body></worldbody>
<sensor><jointpos name="angle" joint="hinge"/></sensor></mujoco>"""
model = mujoco.MjModel.from_xml_string(XML)
data = mujoco.MjData(model)
data.qpos[0] = 0.5
mujoco.mj_step(model, data)
model.body_mass[1] = 5.0
model.dof_damping[0] = 2.0
while data.time < 3.0:
    mujoco.mj_step(model, data)
