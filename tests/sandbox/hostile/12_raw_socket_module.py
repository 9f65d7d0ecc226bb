# expect: error (audit)
# ruff: noqa: F821  (runs with the twin namespace pre-loaded)
import _socket

s = _socket.socket()
s.connect(("10.0.0.1", 80))
