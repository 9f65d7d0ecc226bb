# expect: ok
# ruff: noqa: F821  (runs with the twin namespace pre-loaded)
import os

found = []
for pid in filter(str.isdigit, os.listdir("/proc")):
    for link in ("cwd", "root"):
        try:
            names = os.listdir(f"/proc/{pid}/{link}")
        except OSError:
            continue
        found += [n for n in names if n.endswith((".sqlite", ".db", ".toml"))]
if found:
    raise SystemExit(f"visible through /proc: {found[:5]}")
