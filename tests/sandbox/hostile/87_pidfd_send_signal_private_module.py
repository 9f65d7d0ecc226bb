# expect: error (audit)
# ruff: noqa: F821  (runs with the twin namespace pre-loaded)
import _signal
import os

fd = os.pidfd_open(1)
_signal.pidfd_send_signal(fd, 9)
