# expect: error (audit)
# ruff: noqa: F821  (runs with the twin namespace pre-loaded)
import os

with open("mine.txt", "w") as f:
    f.write("x")
os.rename("mine.txt", "/tmp/twinbench-escape.txt")
