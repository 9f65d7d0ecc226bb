# expect: error (audit)
# ruff: noqa: F821  (runs with the twin namespace pre-loaded)
import socket

print(socket.gethostbyname("example.com"))
