# expect: error (audit)
# ruff: noqa: F821  (runs with the twin namespace pre-loaded)
import sys

del sys.modules["_posixsubprocess"]
import _posixsubprocess  # noqa: E402

print(_posixsubprocess.fork_exec)
