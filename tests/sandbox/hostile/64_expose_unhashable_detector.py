# expect: forbidden
# ruff: noqa: F821  (runs with the twin namespace pre-loaded)
from twinbench.twins.beamline import operator

link = operator._session.link

link.call("expose", detectors=[["pilatus2M"]])
