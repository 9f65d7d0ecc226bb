# expect: error
# ruff: noqa: F821  (runs with the twin namespace pre-loaded)
sam.xabs(float("nan"))
