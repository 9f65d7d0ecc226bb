# expect: forbidden
# ruff: noqa: F821  (runs with the twin namespace pre-loaded)
from twinbench.twins.beamline import operator

link = operator._session.link

link.call("call", name="sam.setOrigin", args={"x": 10**400})
