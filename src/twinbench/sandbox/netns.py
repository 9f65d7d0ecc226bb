"""A trusted server in the sandbox's network namespace, and nowhere else of it.

The harness runs a twin's `NetworkServer` in a thread of its own process that has joined the sandbox's network
namespace (setns applies to the calling thread only): the program reaches the server on 127.0.0.1 of its own
namespace, while the server stays outside the program's pid and mount namespaces, under the harness's uid, and
its recorder stays in the harness's memory. Joining a namespace takes CAP_SYS_ADMIN (root).
"""

from __future__ import annotations

import asyncio
import ctypes
import os
import threading
import time
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from twinbench.twins.protocol import NetworkServer

CLONE_NEWNET = 0x40000000
START_SECONDS = 30.0
STOP_SECONDS = 10.0


def join_network(netns: int) -> None:
    """Move the calling thread into the network namespace open at file descriptor `netns`."""
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.setns(netns, CLONE_NEWNET) != 0:
        err = ctypes.get_errno()
        raise OSError(err, f"cannot join the sandbox's network namespace: {os.strerror(err)}")


class ServerThread:
    """`server.serve` on an asyncio loop in a thread joined to `netns`; `start` returns once the server says it
    is ready (or has failed), `stop` ends it and waits for it."""

    def __init__(self, netns: int, server: NetworkServer):
        self.netns, self.server = netns, server
        self._ready = threading.Event()
        self._error: BaseException | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._stop: asyncio.Event | None = None
        self._thread = threading.Thread(target=self._main, name="twinbench-network-server", daemon=True)

    def start(self) -> None:
        self._thread.start()
        if not self._ready.wait(START_SECONDS):
            self.stop()
            raise RuntimeError(f"the twin's server was not ready in {START_SECONDS:g} s")
        if self._error is not None:
            raise RuntimeError(f"the twin's server failed: {type(self._error).__name__}: {self._error}")

    def cpu_seconds(self) -> float:
        """CPU time the server's thread has spent so far (what the program costs the harness)."""
        try:
            return time.clock_gettime(time.pthread_getcpuclockid(self._thread.ident))
        except (OSError, TypeError):  # the thread has ended (or never started)
            return 0.0

    def stop(self) -> None:
        loop, stop = self._loop, self._stop
        if loop is not None and stop is not None:
            try:
                loop.call_soon_threadsafe(stop.set)
            except RuntimeError:  # the loop has already closed
                pass
        self._thread.join(STOP_SECONDS)

    def _main(self) -> None:
        try:
            join_network(self.netns)
            asyncio.run(self._serve())
        except BaseException as exc:  # noqa: BLE001  (reported by start, or the server ended early)
            self._error = exc
        finally:
            self._ready.set()

    async def _serve(self) -> None:
        self._loop, self._stop = asyncio.get_running_loop(), asyncio.Event()
        await self.server.serve(self._stop, self._ready.set)
