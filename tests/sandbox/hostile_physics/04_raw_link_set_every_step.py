# expect: ok
# Talks to the trusted side directly: a pendulum without gravity, its angle written before every step.
import math

from twinbench.twins.physics import client

XML = """<mujoco><option timestep="0.002" gravity="0 0 0"/><worldbody><body name="pole" pos="0 0 1">
<joint name="hinge" type="hinge" axis="0 1 0" damping="0.02"/>
<geom name="rod" type="capsule" fromto="0 0 0 0 0 -1" size="0.01" mass="0"/>
<geom name="bob" type="sphere" pos="0 0 -1" size="0.05" mass="1"/></body></worldbody>
<sensor><jointpos name="angle" joint="hinge"/></sensor></mujoco>"""
link = client._recorder.link
link.call("model", key=0, xml=XML, last=True)
link.call("log", records=[["sim", 0, 0], ["set", 0, [1], [0.5]], ["step", 0, 1]])
records = []
for i in range(1, 1500):
    t = i * 0.002
    records += [["set", 0, [1, 2], [0.5 * math.cos(3.13 * t), -1.57 * math.sin(3.13 * t)]], ["step", 0, 1]]
    if len(records) > 400:
        link.call("log", records=records)
        records = []
link.call("log", records=records)
