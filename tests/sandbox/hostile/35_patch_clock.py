# expect: ok
# ruff: noqa: F821  (runs with the twin namespace pre-loaded)
import time as t

t.time = lambda: 0.0
t.sleep = lambda s: None
t.monotonic = lambda: 0.0
sam.measure(1)
time.sleep(100)
sam.measure(1)
