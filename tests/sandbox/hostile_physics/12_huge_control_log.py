# expect: budget|timeout
# A new random control for 60 actuators at every step: a log far larger than any frame.
import mujoco
import numpy as np

bodies = "".join(f'<body name="b{i}" pos="{i} 0 0"><joint name="j{i}" type="slide" axis="0 0 1"/>'
                 f'<geom size="0.1"/></body>' for i in range(60))
motors = "".join(f'<motor joint="j{i}"/>' for i in range(60))
XML = f"<mujoco><option gravity='0 0 0'/><worldbody>{bodies}</worldbody><actuator>{motors}</actuator></mujoco>"
model = mujoco.MjModel.from_xml_string(XML)
data = mujoco.MjData(model)
rng = np.random.default_rng(0)
while True:
    data.ctrl[:] = rng.normal(size=60)
    mujoco.mj_step(model, data)
