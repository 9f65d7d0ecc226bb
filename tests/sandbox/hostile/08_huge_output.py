# expect: killed
# ruff: noqa: F821  (runs with the twin namespace pre-loaded)
while True:
    print("x" * 100000)
