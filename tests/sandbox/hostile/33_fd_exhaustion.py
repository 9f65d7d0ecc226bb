# expect: error
# ruff: noqa: F821  (runs with the twin namespace pre-loaded)
files = [open("f", "w") for _ in range(100000)]
