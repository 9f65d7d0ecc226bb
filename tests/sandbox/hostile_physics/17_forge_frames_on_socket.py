# expect: forbidden
# Writes a forged frame on every socket the process can find.
import json
import os
import socket
import struct
import time

for fd in range(3, 64):
    try:
        s = socket.socket(fileno=os.dup(fd))
    except OSError:
        continue
    body = json.dumps({"op": "log", "args": {"records": [["step", 99, 1]]}}).encode()
    s.sendall(struct.pack(">I", len(body)) + body)
time.sleep(1)
