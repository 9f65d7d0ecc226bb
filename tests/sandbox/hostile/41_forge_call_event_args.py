# expect: forbidden
# ruff: noqa: F821  (runs with the twin namespace pre-loaded)
from twinbench.twins.beamline import operator

operator._session.link.call("call", name="FORGED", args={})
