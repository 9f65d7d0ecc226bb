# expect: error (audit)
# ruff: noqa: F821  (runs with the twin namespace pre-loaded)
import os
import signal

fd = os.pidfd_open(os.getppid())
signal.pidfd_send_signal(fd, signal.SIGKILL)
