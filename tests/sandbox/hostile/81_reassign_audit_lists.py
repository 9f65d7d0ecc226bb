# expect: error (audit)
# ruff: noqa: F821  (runs with the twin namespace pre-loaded)
import socket

from twinbench.sandbox import audit

audit.FORBIDDEN = ()
audit.PATH_EVENTS = ()
audit.NO_REIMPORT = ()
socket.create_connection(("127.0.0.1", 22), timeout=1)
