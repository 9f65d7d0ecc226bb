# expect: forbidden
# ruff: noqa: F821  (runs with the twin namespace pre-loaded)
import os
import socket

for fd in range(3, 64):
    try:
        s = socket.socket(fileno=os.dup(fd))
    except OSError:
        continue
    s.sendall(b"\xff\xff\xff\xff" + b"junk")
time.sleep(1)
