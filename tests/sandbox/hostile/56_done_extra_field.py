# expect: forbidden
# ruff: noqa: F821  (runs with the twin namespace pre-loaded)
import os

from twinbench.twins.beamline import operator

link = operator._session.link

link.channel.notify("done", status="ok", score=1.0)
os._exit(0)
