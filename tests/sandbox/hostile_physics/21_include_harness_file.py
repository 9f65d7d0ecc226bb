# expect: error
# A model that includes a file: refused before it reaches the trusted side.
import mujoco

XML = """<mujoco><include file="/etc/hostname"/><worldbody><body name="pole" pos="0 0 1">
<joint name="hinge" axis="0 1 0"/><geom name="bob" size="0.05"/></body></worldbody></mujoco>"""
model = mujoco.MjModel.from_xml_string(XML)
data = mujoco.MjData(model)
mujoco.mj_step(model, data)
