# expect: ok
# ruff: noqa: F821  (runs with the twin namespace pre-loaded)
import os

for i in range(20000):
    open(f"f{i}", "w").close()
print(len(os.listdir(".")))
