# expect: ok
# ruff: noqa: F821  (runs with the twin namespace pre-loaded)
import struct
import threading

from twinbench.twins.beamline import operator

link = operator._session.link


def raw(body: bytes) -> None:
    link.channel.sock.sendall(struct.pack(">I", len(body)) + body)


N = 5_000
from twinbench.sandbox.frames import FrameReader  # noqa: E402

replies: list = []


def collect() -> None:
    reader = FrameReader()
    while len(replies) < N:
        replies.extend(reader.feed(link.channel.sock.recv(1 << 16)))


thread = threading.Thread(target=collect)
thread.start()
frame = b'{"op":"read","args":{"pv":"XF:11BMB-ES{Chm:Smpl-Ax:X}Mtr"}}'
link.channel.sock.sendall((struct.pack(">I", len(frame)) + frame) * N)
thread.join()
print(len(replies))
