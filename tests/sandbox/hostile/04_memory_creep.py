# expect: oom
# ruff: noqa: F821  (runs with the twin namespace pre-loaded)
chunks = []
while True:
    chunks.append(bytearray(10**7))
