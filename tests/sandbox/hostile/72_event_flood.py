# expect: budget
# ruff: noqa: F821  (runs with the twin namespace pre-loaded)
from twinbench.twins.beamline import operator, pvs

link = operator._session.link

i = 0
while True:
    link.call("put", pv=pvs.SHUTTER, value=i % 2)
    i += 1
