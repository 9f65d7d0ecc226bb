# expect: budget
# ruff: noqa: F821  (runs with the twin namespace pre-loaded)
import struct
import threading

from twinbench.twins.beamline import operator

link = operator._session.link


def raw(body: bytes) -> None:
    link.channel.sock.sendall(struct.pack(">I", len(body)) + body)


def drain() -> None:
    while link.channel.sock.recv(1 << 16):
        pass


threading.Thread(target=drain, daemon=True).start()
frame = b'{"op":"read","args":{"pv":"XF:11BMB-ES{Chm:Smpl-Ax:X}Mtr"}}'
burst = (struct.pack(">I", len(frame)) + frame) * 1000
while True:
    link.channel.sock.sendall(burst)
