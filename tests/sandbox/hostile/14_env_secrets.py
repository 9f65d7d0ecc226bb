# expect: ok
# ruff: noqa: F821  (runs with the twin namespace pre-loaded)
import glob
import os

print(dict(os.environ))
for p in glob.glob("/proc/*/environ"):
    try:
        print(p, open(p, "rb").read())
    except OSError as e:
        print(p, e)
