# expect: error (audit)
# ruff: noqa: F821  (runs with the twin namespace pre-loaded)
import subprocess

subprocess.run(["ls", "/"])
