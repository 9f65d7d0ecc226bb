# expect: forbidden
# ruff: noqa: F821  (runs with the twin namespace pre-loaded)
from twinbench.twins.beamline import operator

link = operator._session.link

value: list = []
for _ in range(500):
    value = [value]
link.call("call", name="sam.setOrigin", args={"deep": value})
