# expect: timeout
# ruff: noqa: F821  (runs with the twin namespace pre-loaded)
while True:
    time.sleep(60)
