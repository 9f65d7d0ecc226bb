# expect: forbidden
# Sends a finished trajectory to the trusted side as if it were a result.
from twinbench.twins.physics import client

link = client._recorder.link
samples = [{"channel": "joint/hinge/qpos", "t": i * 0.01, "value": 0.5} for i in range(300)]
link.call("trace", events=samples)
