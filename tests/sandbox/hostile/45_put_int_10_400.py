# expect: forbidden
# ruff: noqa: F821  (runs with the twin namespace pre-loaded)
from twinbench.twins.beamline import operator, pvs

link = operator._session.link

link.call("put", pv=pvs.MOTORS["smx"], value=10**400)
