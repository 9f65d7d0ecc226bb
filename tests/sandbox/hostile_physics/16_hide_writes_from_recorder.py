# expect: ok
# Blinds the state comparison, then teleports a gravity-free pendulum along the reference's motion.
import math

import mujoco
import numpy as np

from twinbench.twins.physics import client


class Blind:
    def __getattr__(self, name):
        return getattr(np, name)

    @staticmethod
    def flatnonzero(a):
        return np.zeros(0, dtype=np.int64)


client.np = Blind()
XML = """<mujoco><option timestep="0.002" gravity="0 0 0"/><worldbody><body name="pole" pos="0 0 1">
<joint name="hinge" type="hinge" axis="0 1 0" damping="0.02"/>
<geom name="rod" type="capsule" fromto="0 0 0 0 0 -1" size="0.01" mass="0"/>
<geom name="bob" type="sphere" pos="0 0 -1" size="0.05" mass="1"/></body></worldbody>
<sensor><jointpos name="angle" joint="hinge"/></sensor></mujoco>"""
model = mujoco.MjModel.from_xml_string(XML)
data = mujoco.MjData(model)
data.qpos[0] = 0.5
while data.time < 3.0:
    mujoco.mj_step(model, data)
    data.qpos[0] = 0.5 * math.cos(3.13 * data.time)
