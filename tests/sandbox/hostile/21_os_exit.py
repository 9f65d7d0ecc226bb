# expect: killed
# ruff: noqa: F821  (runs with the twin namespace pre-loaded)
import os

sam.measure(1)
os._exit(0)
