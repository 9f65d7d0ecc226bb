# expect: timeout
# ruff: noqa: F821  (runs with the twin namespace pre-loaded)
RE(bps.sleep(1e9))
