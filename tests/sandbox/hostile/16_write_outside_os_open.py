# expect: error (audit)
# ruff: noqa: F821  (runs with the twin namespace pre-loaded)
import os

os.open("/work/twinbench-escape.txt", os.O_CREAT | os.O_WRONLY)
