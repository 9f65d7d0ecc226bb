"""Which unprivileged uid a sandbox's programs run as: one uid per live sandbox on the machine.

After each program the zygote kills every process of its uid, so two sandboxes sharing a uid (two twinbench
commands at once, or two workers) would kill each other's programs. A sandbox leases a uid by holding an
exclusive lock on that uid's lock file; the kernel drops the lock when the process ends, so a crashed
harness never leaves a uid taken.
"""

from __future__ import annotations

import fcntl
import os
import tempfile
from pathlib import Path

FIRST_UID = 61000
COUNT = 256
LOCK_DIR = Path("/run/twinbench-uids")


class NoFreeUid(RuntimeError):
    """Every sandbox uid is leased by another live sandbox."""


def _lock_dir() -> Path:
    """A root-owned directory nobody else can write (a lock file others could hold would block us)."""
    for path in (LOCK_DIR, Path(tempfile.gettempdir()) / "twinbench-uids-root"):
        try:
            path.mkdir(mode=0o700, exist_ok=True)
            st = path.stat()
        except OSError:
            continue
        if st.st_uid == 0 and not st.st_mode & 0o077:
            return path
    raise NoFreeUid("no root-owned private directory for sandbox uid locks (tried /run and the temp dir)")


class UidLease:
    """An exclusive claim on one sandbox uid, held until `release` (or the process's end)."""

    def __init__(self, first: int = FIRST_UID, count: int = COUNT):
        folder = _lock_dir()
        for uid in range(first, first + count):
            fd = os.open(folder / f"{uid}.lock", os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                os.close(fd)
                continue
            self.uid, self._fd = uid, fd
            return
        raise NoFreeUid(f"all {count} sandbox uids ({first}-{first + count - 1}) are in use by other sandboxes")

    def release(self) -> None:
        if self._fd is not None:
            os.close(self._fd)  # closing the descriptor drops the lock
            self._fd = None
