# expect: forbidden
# ruff: noqa: F821  (runs with the twin namespace pre-loaded)
import struct

from twinbench.twins.beamline import operator

link = operator._session.link


def raw(body: bytes) -> None:
    link.channel.sock.sendall(struct.pack(">I", len(body)) + body)


raw(b'{"op":"sleep","args":{"seconds":NaN}}')
time.sleep(1)
