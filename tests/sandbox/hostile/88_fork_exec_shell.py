# expect: error (audit)
# ruff: noqa: F821  (runs with the twin namespace pre-loaded)
import _posixsubprocess
import os

r, w = os.pipe()
args = [b"/bin/sh", b"-c", b"echo pwned"]
_posixsubprocess.fork_exec(args, [b"/bin/sh"], True, (w,), None, None, -1, -1, -1, -1, -1, -1, r, w, True,
                           False, -1, None, None, None, -1, None, False)
print(os.read(r, 100))
