# expect: timeout
# ruff: noqa: F821  (runs with the twin namespace pre-loaded)
import signal

for s in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP, signal.SIGXCPU, signal.SIGALRM):
    signal.signal(s, signal.SIG_IGN)
signal.pause()
