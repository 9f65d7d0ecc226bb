# expect: forbidden
# Sends the trusted side a model that would read files of the harness.
from twinbench.twins.physics import client

XML = """<mujoco><include file="/etc/passwd"/><asset><mesh name="m" file="/etc/hostname"/></asset>
<worldbody><geom type="mesh" mesh="m"/></worldbody></mujoco>"""
client._recorder.link.call("model", key=0, xml=XML, last=True)
