"""Which compiled core the optimal aligner runs: built ahead of time, or numba's just-in-time compilation.

`twinbench.trace._kernel` is the source of both. An install that could build it (a C compiler and numba at
install time, see setup.py) holds the extension `_kernel_aot`, which loads in milliseconds and imports
neither numba nor LLVM. Otherwise, or when the extension was built from another version of the source,
or with TWINBENCH_JIT=1 in the environment, numba compiles `_kernel` (once, then from its on-disk cache).
"""

from __future__ import annotations

import os
import zlib
from pathlib import Path
from types import ModuleType

MATCH, SUB, DEL, INS = 0, 1, 2, 3  # kinds of alignment rows
SOURCES = ("_kernel.py", "_kernel_build.py")  # what the ahead-of-time build is made from


def source_stamp() -> int:
    """A fingerprint of the kernel's source (CRC-32), compiled into the extension when it is built."""
    stamp = 0
    for name in SOURCES:
        stamp = zlib.crc32((Path(__file__).parent / name).read_bytes(), stamp)
    return stamp


def load() -> ModuleType:
    """The ahead-of-time build when it is there and matches the source, else the just-in-time one."""
    if os.environ.get("TWINBENCH_JIT") != "1":
        try:
            from twinbench.trace import _kernel_aot
        except ImportError:
            pass
        else:
            if _kernel_aot.source_stamp() == source_stamp():
                return _kernel_aot
    from twinbench.trace import _kernel

    return _kernel
