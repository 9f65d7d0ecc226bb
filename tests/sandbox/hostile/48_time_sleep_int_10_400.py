# expect: error
# ruff: noqa: F821  (runs with the twin namespace pre-loaded)
time.sleep(10**400)
