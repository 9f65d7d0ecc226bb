# expect: budget
# A few lines of XML that expand to thousands of bodies.
import mujoco

XML = """<mujoco><worldbody><replicate count="40" offset="0.1 0 0"><replicate count="40" offset="0 0.1 0">
<body><joint type="slide" axis="0 0 1"/><geom type="sphere" size="0.01"/></body></replicate></replicate>
</worldbody></mujoco>"""
model = mujoco.MjModel.from_xml_string(XML)
data = mujoco.MjData(model)
mujoco.mj_step(model, data)
