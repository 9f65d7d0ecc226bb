# expect: budget
# A model XML larger than the trusted side compiles.
import mujoco

bodies = "".join(f'<body name="b{i}" pos="{i} 0 0"><geom size="0.1"/></body>' for i in range(190))
PAD = "<custom><text name='pad' data='" + "x" * 300_000 + "'/></custom>"
XML = "<mujoco><worldbody>" + bodies + "</worldbody>" + PAD + "</mujoco>"
model = mujoco.MjModel.from_xml_string(XML)
data = mujoco.MjData(model)
mujoco.mj_step(model, data)
