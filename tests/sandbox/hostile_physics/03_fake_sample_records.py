# expect: forbidden
# A log record that claims sampled values instead of describing steps.
from twinbench.twins.physics import client

link = client._recorder.link
link.call("log", records=[["sample", 0, "joint/hinge/qpos", 0.0, 0.5]])
