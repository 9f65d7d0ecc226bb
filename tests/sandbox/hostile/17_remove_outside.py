# expect: error (audit)
# ruff: noqa: F821  (runs with the twin namespace pre-loaded)
import os

os.remove("/usr/bin/python3")
