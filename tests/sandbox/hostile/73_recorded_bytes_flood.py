# expect: budget
# ruff: noqa: F821  (runs with the twin namespace pre-loaded)
from twinbench.twins.beamline import operator

link = operator._session.link

while True:
    link.call("call", name="sam.setOrigin", args={"pad": "x" * 60000})
