# expect: timeout|budget
# ruff: noqa: F821  (runs with the twin namespace pre-loaded)
import struct

from twinbench.twins.beamline import operator

link = operator._session.link


def raw(body: bytes) -> None:
    link.channel.sock.sendall(struct.pack(">I", len(body)) + body)


frame = b'{"op":"read","args":{"pv":"XF:11BMB-ES{Chm:Smpl-Ax:X}Mtr"}}'
while True:
    link.channel.sock.sendall((struct.pack(">I", len(frame)) + frame) * 1000)
