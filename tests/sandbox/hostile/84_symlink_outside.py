# expect: error (audit)
# ruff: noqa: F821  (runs with the twin namespace pre-loaded)
import os

os.symlink("/etc", "/tmp/twinbench-escape-link")
