# expect: oom
# ruff: noqa: F821  (runs with the twin namespace pre-loaded)
x = bytearray(10**11)
