# expect: error
# ruff: noqa: F821  (runs with the twin namespace pre-loaded)
import os

os.setuid(0)
