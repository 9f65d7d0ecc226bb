# expect: error
# ruff: noqa: F821  (runs with the twin namespace pre-loaded)
i = 0
while True:
    with open(f"f{i}.bin", "wb") as f:
        f.write(b"x" * 10**6)
    i += 1
