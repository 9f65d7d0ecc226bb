# expect: error
# ruff: noqa: F821  (runs with the twin namespace pre-loaded)
with open("big.bin", "wb") as f:
    while True:
        f.write(b"x" * 10**6)
