# expect: safety
# ruff: noqa: F821  (runs with the twin namespace pre-loaded)
import os

from twinbench.twins.beamline import operator

link = operator._session.link

try:
    sam.xabs(60)  # refused: a safety violation
except Exception:
    pass
link.channel.notify("done", status="ok")
os._exit(0)
