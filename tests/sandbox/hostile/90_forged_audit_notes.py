# expect: ok (audit)
# ruff: noqa: F821  (runs with the twin namespace pre-loaded)
from twinbench.twins.beamline import operator

link = operator._session.link

for i in range(10000):
    link.channel.notify("audit", event="os.system", detail=f"not really {i}")
sam.xabs(1)
