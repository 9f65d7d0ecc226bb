# expect: error (audit)
# ruff: noqa: F821  (runs with the twin namespace pre-loaded)
import os
import sys

sys.addaudithook(lambda *a: None)
os.system("id")
