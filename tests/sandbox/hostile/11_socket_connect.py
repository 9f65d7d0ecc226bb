# expect: error (audit)
# ruff: noqa: F821  (runs with the twin namespace pre-loaded)
import socket

socket.create_connection(("127.0.0.1", 22), timeout=1)
