# expect: error (audit)
# ruff: noqa: F821  (runs with the twin namespace pre-loaded)
import os
import signal

os.kill(os.getpid(), signal.SIGKILL)
