# expect: ok
# ruff: noqa: F821  (runs with the twin namespace pre-loaded)
from twinbench.twins.beamline import operator

operator._session.link.now = -1000.0
sam.measure(1)
