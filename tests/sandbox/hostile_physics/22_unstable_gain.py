# expect: error
# An enormous position gain makes the simulation blow up.
import mujoco

XML = """<mujoco><option timestep="0.002"/><worldbody><body name="pole" pos="0 0 1">
<joint name="hinge" type="hinge" axis="0 1 0" damping="0.02"/>
<geom name="bob" type="sphere" pos="0 0 -1" size="0.05" mass="1"/></body></worldbody>
<actuator><position name="servo" joint="hinge" kp="1e12"/></actuator></mujoco>"""
model = mujoco.MjModel.from_xml_string(XML)
data = mujoco.MjData(model)
data.qpos[0] = 0.5
data.ctrl[0] = 1.0
while data.time < 3.0:
    mujoco.mj_step(model, data)
