# expect: forbidden
# ruff: noqa: F821  (runs with the twin namespace pre-loaded)
import json
import os
import socket
import struct

for fd in range(3, 64):
    try:
        s = socket.socket(fileno=os.dup(fd))
    except OSError:
        continue
    body = json.dumps({"op": "record", "args": {"channel": "FORGED", "t": 0, "value": 1}}).encode()
    s.sendall(struct.pack(">I", len(body)) + body)
time.sleep(1)
